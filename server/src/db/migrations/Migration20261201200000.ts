import { Migration } from '@mikro-orm/migrations';

/**
 * `login_event.reporter_id` becomes plain history (no foreign key): deleting an integrator no longer
 * rewrites every event it reported. Per-account failure counters are keyed `acct:<prefix>|<name>` (was
 * `acct:<name>|<prefix>`), with an index for prefix matches, so clearing a source's counts on a block or
 * unblock reads only that source's rows; counts in flight keep their value under the new key.
 */
export class Migration20261201200000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "login_event" drop constraint "login_event_reporter_id_foreign";`);
    // The prefix never holds a '|' (an address and a length); a name may.
    this.addSql(
      `update "failure_counter" set "key" = regexp_replace("key", '^acct:(.*)\\|([^|]*)$', 'acct:\\2|\\1') where "key" like 'acct:%';`,
    );
    this.addSql(`create index "failure_counter_key_prefix_idx" on "failure_counter" ("key" varchar_pattern_ops);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "failure_counter_key_prefix_idx";`);
    this.addSql(
      `update "failure_counter" set "key" = regexp_replace("key", '^acct:([^|]*)\\|(.*)$', 'acct:\\2|\\1') where "key" like 'acct:%';`,
    );
    this.addSql(
      `update "login_event" set "reporter_id" = null where "reporter_id" is not null and not exists (select 1 from "account" where "id" = "reporter_id");`,
    );
    this.addSql(
      `alter table "login_event" add constraint "login_event_reporter_id_foreign" foreign key ("reporter_id") references "account" ("id") on update cascade on delete set null;`,
    );
  }
}
