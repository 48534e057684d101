import { Migration } from '@mikro-orm/migrations';
import { ACCOUNT_ANNOUNCED_COLUMNS as ACCOUNT_BEFORE } from './Migration20261201170000.js';
import { SESSION_ANNOUNCED_COLUMNS as SESSION_BEFORE } from './Migration20261130160000.js';

/**
 * A pending second step is no longer a stored session but a sealed token (see `PendingSignIns`):
 * `account.session_epoch` counts the revocations of all of an account's sessions (a sealed token is
 * good only under the epoch it was issued in), and `session.pending_id` names the pending sign-in a
 * full session was started from (or that a revoked row cancelling it names), unique, so that one
 * pending sign-in yields at most one full session. Inserting such a row announces `auth:s:p:<id>`: every
 * instance forgets that pending sign-in's remembered row (the AuthCache keeps it as `s:p:<id>`).
 * Both are announced to other instances like the rest of their rows (`pending_id` is only ever
 * written with its row, but a column left out of the list would be missed the day it is not).
 */
export const ACCOUNT_ANNOUNCED_COLUMNS = [...ACCOUNT_BEFORE, 'session_epoch'];
export const SESSION_ANNOUNCED_COLUMNS = [...SESSION_BEFORE, 'pending_id'];

const TABLES: [table: string, notify: string, columns: string[], before: string[]][] = [
  ['account', 'notify_auth_change_row', ACCOUNT_ANNOUNCED_COLUMNS, ACCOUNT_BEFORE],
  ['session', 'notify_session_change_row', SESSION_ANNOUNCED_COLUMNS, SESSION_BEFORE],
];

const trigger = (table: string, notify: string, columns: string[]) =>
  `create trigger "${table}_update_notify" after update of ${columns.map((c) => `"${c}"`).join(', ')} on "${table}" for each row execute function ${notify}();`;

export class Migration20261203100000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "account" add column "session_epoch" int not null default 0;`);
    this.addSql(`alter table "session" add column "pending_id" uuid null;`);
    this.addSql(`alter table "session" add constraint "session_pending_id_unique" unique ("pending_id");`);
    for (const [table, notify, columns] of TABLES) {
      this.addSql(`drop trigger if exists "${table}_update_notify" on "${table}";`);
      this.addSql(trigger(table, notify, columns));
    }
    this.addSql(`create or replace function notify_pending_spent() returns trigger language plpgsql as $$
      begin
        perform pg_notify('sc_table_change', 'auth:s:p:' || new.pending_id::text);
        return null;
      end $$;`);
    this.addSql(
      `create trigger "session_pending_spent_notify" after insert on "session" for each row when (new.pending_id is not null) execute function notify_pending_spent();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "session_pending_spent_notify" on "session";`);
    this.addSql(`drop function if exists notify_pending_spent();`);
    for (const [table, notify, , before] of TABLES) {
      this.addSql(`drop trigger if exists "${table}_update_notify" on "${table}";`);
      this.addSql(trigger(table, notify, before));
    }
    this.addSql(`alter table "session" drop constraint "session_pending_id_unique";`);
    this.addSql(`alter table "session" drop column "pending_id";`);
    this.addSql(`alter table "account" drop column "session_epoch";`);
  }
}
