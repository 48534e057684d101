import { Migration } from '@mikro-orm/migrations';

/**
 * `login_event.reporter_id` becomes plain history (no foreign key): deleting an integrator no longer
 * rewrites every event it reported. Per-account failure counters are keyed `acct:<prefix>|<name>` (was
 * `acct:<name>|<prefix>`), with an index for prefix matches, so clearing a source's counts on a block or
 * unblock reads only that source's rows; counts in flight keep their value under the new key.
 */
/**
 * Swaps the two parts of every `acct:` key matched by `pattern` (a one-to-one mapping: the prefix part
 * holds no '|'). Moved out and back in, not updated in place: one row's new key may be another's old
 * one (a name such as "198.51.100.7/32"), which an in-place update would refuse as a duplicate.
 */
function rekey(pattern: string): string[] {
  return [
    `create temporary table "moved_counter" on commit drop as select "key", "count", "window_start" from "failure_counter" where "key" like 'acct:%';`,
    `delete from "failure_counter" where "key" like 'acct:%';`,
    `insert into "failure_counter" ("key", "count", "window_start")
       select regexp_replace("key", '${pattern}', 'acct:\\2|\\1'), "count", "window_start" from "moved_counter";`,
    `drop table "moved_counter";`,
  ];
}

export class Migration20261201200000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "login_event" drop constraint "login_event_reporter_id_foreign";`);
    // The prefix never holds a '|' (an address and a length); a name may.
    for (const sql of rekey('^acct:(.*)\\|([^|]*)$')) this.addSql(sql);
    this.addSql(`create index "failure_counter_key_prefix_idx" on "failure_counter" ("key" varchar_pattern_ops);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "failure_counter_key_prefix_idx";`);
    for (const sql of rekey('^acct:([^|]*)\\|(.*)$')) this.addSql(sql);
    this.addSql(
      `update "login_event" set "reporter_id" = null where "reporter_id" is not null and not exists (select 1 from "account" where "id" = "reporter_id");`,
    );
    this.addSql(
      `alter table "login_event" add constraint "login_event_reporter_id_foreign" foreign key ("reporter_id") references "account" ("id") on update cascade on delete set null;`,
    );
  }
}
