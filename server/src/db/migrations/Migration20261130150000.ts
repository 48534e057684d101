import { Migration } from '@mikro-orm/migrations';

/**
 * A sign-in's `last_login_at` is no news to other instances: no cached decision depends on it, and
 * announcing it cleared every instance's auth cache on every sign-in (integrators' API tokens
 * included). The account's update announcement therefore names every other column (a row trigger:
 * PostgreSQL allows no column list with a transition table); a new column of `account` must be added
 * here too, which a test checks.
 */
export const ACCOUNT_ANNOUNCED_COLUMNS = [
  'id',
  'email',
  'name',
  'role',
  'permissions',
  'disabled_at',
  'created_at',
  'updated_at',
  'api_only',
  'ip_restricted',
  'requires_two_factor',
  'password_reset_required',
];

export class Migration20261130150000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function notify_auth_change_row() returns trigger language plpgsql as $$
      begin
        perform pg_notify('sc_table_change', 'auth');
        return null;
      end $$;`);
    this.addSql(`drop trigger if exists "account_update_notify" on "account";`);
    this.addSql(
      `create trigger "account_update_notify" after update of ${ACCOUNT_ANNOUNCED_COLUMNS.map((c) => `"${c}"`).join(', ')} on "account" for each row execute function notify_auth_change_row();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "account_update_notify" on "account";`);
    this.addSql(
      `create trigger "account_update_notify" after update on "account" referencing old table as changed for each statement execute function notify_auth_change();`,
    );
    this.addSql(`drop function if exists notify_auth_change_row();`);
  }
}
