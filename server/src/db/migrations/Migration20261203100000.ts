import { Migration } from '@mikro-orm/migrations';
import { ACCOUNT_ANNOUNCED_COLUMNS as ACCOUNT_BEFORE } from './Migration20261201170000.js';

/**
 * A pending second step is no longer a stored session but a sealed token (see `PendingSignIns`):
 * `account.session_epoch` counts the revocations of all of an account's sessions (a sealed token is
 * good only under the epoch it was issued in), and `session.pending_id` names the pending sign-in a
 * full session was started from, unique, so that one pending sign-in yields at most one full session.
 * The epoch is announced to other instances like the rest of the account row.
 */
export const ACCOUNT_ANNOUNCED_COLUMNS = [...ACCOUNT_BEFORE, 'session_epoch'];

const trigger = (columns: string[]) =>
  `create trigger "account_update_notify" after update of ${columns.map((c) => `"${c}"`).join(', ')} on "account" for each row execute function notify_auth_change_row();`;

export class Migration20261203100000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "account" add column "session_epoch" int not null default 0;`);
    this.addSql(`alter table "session" add column "pending_id" uuid null;`);
    this.addSql(`alter table "session" add constraint "session_pending_id_unique" unique ("pending_id");`);
    this.addSql(`drop trigger if exists "account_update_notify" on "account";`);
    this.addSql(trigger(ACCOUNT_ANNOUNCED_COLUMNS));
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "account_update_notify" on "account";`);
    this.addSql(trigger(ACCOUNT_BEFORE));
    this.addSql(`alter table "session" drop constraint "session_pending_id_unique";`);
    this.addSql(`alter table "session" drop column "pending_id";`);
    this.addSql(`alter table "account" drop column "session_epoch";`);
  }
}
