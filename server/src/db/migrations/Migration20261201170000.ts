import { Migration } from '@mikro-orm/migrations';
import { ACCOUNT_ANNOUNCED_COLUMNS as ACCOUNT_BEFORE } from './Migration20261130150000.js';
import { API_TOKEN_ANNOUNCED_COLUMNS as API_TOKEN_BEFORE } from './Migration20261130160000.js';

/**
 * The columns added on 2026-12-01 (`account.password_version`, `api_token.created_by_id`) are
 * announced to other instances like the rest of their rows (a new column must be added to these
 * lists, which a test checks).
 */
export const ACCOUNT_ANNOUNCED_COLUMNS = [...ACCOUNT_BEFORE, 'password_version'];
export const API_TOKEN_ANNOUNCED_COLUMNS = [...API_TOKEN_BEFORE, 'created_by_id'];

const TABLES: [string, string[], string[]][] = [
  ['account', ACCOUNT_ANNOUNCED_COLUMNS, ACCOUNT_BEFORE],
  ['api_token', API_TOKEN_ANNOUNCED_COLUMNS, API_TOKEN_BEFORE],
];

const trigger = (table: string, columns: string[]) =>
  `create trigger "${table}_update_notify" after update of ${columns.map((c) => `"${c}"`).join(', ')} on "${table}" for each row execute function notify_auth_change_row();`;

export class Migration20261201170000 extends Migration {
  override async up(): Promise<void> {
    for (const [table, columns] of TABLES) {
      this.addSql(`drop trigger if exists "${table}_update_notify" on "${table}";`);
      this.addSql(trigger(table, columns));
    }
  }

  override async down(): Promise<void> {
    for (const [table, , before] of TABLES) {
      this.addSql(`drop trigger if exists "${table}_update_notify" on "${table}";`);
      this.addSql(trigger(table, before));
    }
  }
}
