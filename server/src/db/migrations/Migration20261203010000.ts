import { Migration } from '@mikro-orm/migrations';
import { SESSION_ANNOUNCED_COLUMNS } from './Migration20261130160000.js';

const columns = SESSION_ANNOUNCED_COLUMNS.map((c) => `"${c}"`).join(', ');

/**
 * An update of a session row names that session (`auth:s:<token hash>`) instead of announcing `auth`:
 * every instance then forgets only that session's remembered row, not every row behind every
 * presented token. Each completed two-step sign-in revokes its pending session, so with `auth` every
 * dashboard sign-in emptied every instance's auth cache (integrators' tokens included). One
 * announcement per row (a revocation of many sessions sends many), after the same columns as before
 * (`last_seen_at` stays no news). Account and token updates, and deletions, still announce `auth`.
 */
export class Migration20261203010000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function notify_session_change_row() returns trigger language plpgsql as $$
      begin
        perform pg_notify('sc_table_change', 'auth:s:' || old.token_hash);
        if new.token_hash is distinct from old.token_hash then
          perform pg_notify('sc_table_change', 'auth:s:' || new.token_hash);
        end if;
        return null;
      end $$;`);
    this.addSql(`drop trigger if exists "session_update_notify" on "session";`);
    this.addSql(
      `create trigger "session_update_notify" after update of ${columns} on "session" for each row execute function notify_session_change_row();`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists "session_update_notify" on "session";`);
    this.addSql(
      `create trigger "session_update_notify" after update of ${columns} on "session" for each row execute function notify_auth_change_row();`,
    );
    this.addSql(`drop function if exists notify_session_change_row();`);
  }
}
