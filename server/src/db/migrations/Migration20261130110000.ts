import { Migration } from '@mikro-orm/migrations';

/**
 * Every committed change to a table some instance keeps in memory is announced on
 * `sc_table_change` (payload: the table), once per statement; see db/change-feed.ts.
 * Auth tables announce updates and deletes (a new session or account changes no cached row);
 * the range tables announce inserts too.
 */
export class Migration20261130110000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function notify_table_change() returns trigger language plpgsql as $$
      begin
        perform pg_notify('sc_table_change', TG_TABLE_NAME);
        return null;
      end $$;`);
    for (const t of ['account', 'session', 'api_token']) {
      this.addSql(
        `create trigger "${t}_change_notify" after update or delete on "${t}" for each statement execute function notify_table_change();`,
      );
      this.addSql(
        `create trigger "${t}_truncate_notify" after truncate on "${t}" for each statement execute function notify_table_change();`,
      );
    }
    for (const t of ['ip_block', 'trusted_ip']) {
      this.addSql(
        `create trigger "${t}_change_notify" after insert or update or delete on "${t}" for each statement execute function notify_table_change();`,
      );
      this.addSql(
        `create trigger "${t}_truncate_notify" after truncate on "${t}" for each statement execute function notify_table_change();`,
      );
    }
  }

  override async down(): Promise<void> {
    for (const t of ['account', 'session', 'api_token', 'ip_block', 'trusted_ip']) {
      this.addSql(`drop trigger if exists "${t}_change_notify" on "${t}";`);
      this.addSql(`drop trigger if exists "${t}_truncate_notify" on "${t}";`);
    }
    this.addSql(`drop function if exists notify_table_change();`);
  }
}
