import { Migration } from '@mikro-orm/migrations';

const AUTH_TABLES = ['account', 'session', 'api_token'];

/**
 * Auth-table changes announced once per transaction, and only when rows changed: the triggers send
 * the one payload `auth` (PostgreSQL folds identical notifications of a transaction into one), and
 * they look at the statement's transition table first, so an UPDATE that matched nothing (a sign-in
 * without a pending session to upgrade) announces nothing. Every announcement wakes every instance's
 * listener and clears its auth cache; a sign-in used to send two.
 */
export class Migration20261130140000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function notify_auth_change() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from changed) then
          perform pg_notify('sc_table_change', 'auth');
        end if;
        return null;
      end $$;`);
    for (const t of AUTH_TABLES) {
      this.addSql(`drop trigger if exists "${t}_change_notify" on "${t}";`);
      // A trigger with a transition table has one event.
      for (const event of ['update', 'delete']) {
        this.addSql(
          `create trigger "${t}_${event}_notify" after ${event} on "${t}" referencing old table as changed for each statement execute function notify_auth_change();`,
        );
      }
    }
  }

  override async down(): Promise<void> {
    for (const t of AUTH_TABLES) {
      this.addSql(`drop trigger if exists "${t}_update_notify" on "${t}";`);
      this.addSql(`drop trigger if exists "${t}_delete_notify" on "${t}";`);
      this.addSql(
        `create trigger "${t}_change_notify" after update or delete on "${t}" for each statement execute function notify_table_change();`,
      );
    }
    this.addSql(`drop function if exists notify_auth_change();`);
  }
}
