import { Migration } from '@mikro-orm/migrations';

/**
 * A session's `last_seen_at` and an API token's `last_used_at`/`last_used_ip` are no news to other
 * instances: they are written as sessions and tokens are used (a session once a minute; a token on
 * every change of address), no cached decision depends on them, and announcing them cleared every
 * instance's auth cache each time. Their update announcements therefore name every other column (row
 * triggers: PostgreSQL allows no column list with a transition table), like the account's (migration
 * 20261130150000); a new column must be added here too, which a test checks.
 */
export const SESSION_ANNOUNCED_COLUMNS = [
  'id',
  'account_id',
  'token_hash',
  'stage',
  'created_at',
  'expires_at',
  'ip',
  'user_agent',
  'revoked_at',
  'revoked_reason',
  'reauth_at',
];

export const API_TOKEN_ANNOUNCED_COLUMNS = [
  'id',
  'account_id',
  'name',
  'token_hash',
  'prefix',
  'created_at',
  'expires_at',
  'revoked_at',
];

const TABLES: [string, string[]][] = [
  ['session', SESSION_ANNOUNCED_COLUMNS],
  ['api_token', API_TOKEN_ANNOUNCED_COLUMNS],
];

export class Migration20261130160000 extends Migration {
  override async up(): Promise<void> {
    for (const [table, columns] of TABLES) {
      this.addSql(`drop trigger if exists "${table}_update_notify" on "${table}";`);
      this.addSql(
        `create trigger "${table}_update_notify" after update of ${columns.map((c) => `"${c}"`).join(', ')} on "${table}" for each row execute function notify_auth_change_row();`,
      );
    }
  }

  override async down(): Promise<void> {
    for (const [table] of TABLES) {
      this.addSql(`drop trigger if exists "${table}_update_notify" on "${table}";`);
      this.addSql(
        `create trigger "${table}_update_notify" after update on "${table}" referencing old table as changed for each statement execute function notify_auth_change();`,
      );
    }
  }
}
