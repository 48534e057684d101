import { Migration } from '@mikro-orm/migrations';
import { Migration20261202140000 } from './Migration20261202140000.js';

/**
 * `totp_attempt` (see Migration20261202140000 for the whole of it) tells a replay from an older code.
 * A right code whose step was used before is 'REPLAYED' (the server logs, audits and e-mails it as a
 * code used twice); one whose step is older than the last used one and was never used itself is
 * 'STALE': a device whose clock is behind the one that signed in last (a phone a few seconds ahead
 * used the next step), no replay at all. Both are still refused (accepting an older step would let
 * each step skipped over be used after a newer one), and both count as a wrong code does: an attempt
 * taken from both budgets and a consecutive failure.
 *
 * Which older steps were used: `used_before` holds two bits beside `last_used_step`, bit 0 for the
 * step before it and bit 1 for the one before that. A code is accepted for at most one step either
 * side of the server's, and the last used step is at most one ahead, so no older step a code can
 * still name lies further back. (Its attempts given back, when the network's budget refuses one, are
 * given back in the statement that took them, under their rows' locks: in the window they were taken in.)
 */
export class Migration20261204090000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "totp_authenticator" add column "used_before" smallint not null default 0;`);
    this.addSql(`create or replace function totp_attempt(uuid, uuid, int, text, text, int, int, int, int)
      returns table (outcome text, locked_at timestamptz, acct_count int, acct_start timestamptz,
                     net_count int, net_start timestamptz, consecutive_failures int)
      language plpgsql volatile as $$
      #variable_conflict use_column
      declare
        h1 int := hashtext($4);
        h2 int := hashtext($5);
        v_locked timestamptz;
        a_count int;
        a_start timestamptz;
        n_count int;
        n_start timestamptz;
        v_failures int;
        v_rows int;
        v_last int;
        v_used int;
      begin
        perform pg_advisory_xact_lock(20261202, least(h1, h2));
        perform pg_advisory_xact_lock(20261202, greatest(h1, h2));
        -- Locked, or the failure that locks it counted and the lock about to be written (with its audit entry).
        select case when s.locked_at is null and s.consecutive_failures >= $9 then now() else s.locked_at end
          into v_locked from two_factor_state s where s.account_id = $1;
        select c.count, c.window_start into a_count, a_start from failure_counter c
         where c.key = $4 and c.window_start >= now() - make_interval(secs => $6);
        select c.count, c.window_start into n_count, n_start from failure_counter c
         where c.key = $5 and c.window_start >= now() - make_interval(secs => $6);
        if v_locked is not null or coalesce(a_count, 0) >= $7 or coalesce(n_count, 0) >= $8 then
          return query select 'LIMITED'::text, v_locked, coalesce(a_count, 0) + 1, a_start, n_count, n_start, null::int;
          return;
        end if;
        if $3 is not null then
          -- The steps used before the new one: the old last one, and what the bits said, moved along.
          update totp_authenticator t set last_used_step = $3, last_used_at = now(),
                 used_before = ((t.used_before << least($3 - t.last_used_step, 3)) | (1 << least($3 - t.last_used_step - 1, 2))) & 3
           where t.id = $2 and t.status = 'ACTIVE' and t.last_used_step < $3;
          get diagnostics v_rows = row_count;
          if v_rows = 1 then
            update two_factor_state s set consecutive_failures = 0 where s.account_id = $1 and s.consecutive_failures <> 0;
            return query select 'ACCEPTED'::text, null::timestamptz, a_count, a_start, n_count, n_start, 0;
            return;
          end if;
        end if;
        -- The app the code was compared with is gone (removed, or replaced by a new one): nothing counts.
        -- Otherwise the step it last used tells a replay (that step) from an older code.
        select t.last_used_step, t.used_before into v_last, v_used from totp_authenticator t where t.id = $2 and t.status = 'ACTIVE';
        if not found then
          return query select 'GONE'::text, null::timestamptz, a_count, a_start, n_count, n_start, null::int;
          return;
        end if;
        insert into failure_counter as c (key, count, window_start) values ($4, 1, now())
          on conflict (key) do update set
            count = case when c.window_start < now() - make_interval(secs => $6) then 1 else c.count + 1 end,
            window_start = case when c.window_start < now() - make_interval(secs => $6) then now() else c.window_start end
          returning c.count, c.window_start into a_count, a_start;
        if a_count > $7 then
          return query select 'LIMITED'::text, null::timestamptz, a_count, a_start, null::int, null::timestamptz, null::int;
          return;
        end if;
        insert into failure_counter as c (key, count, window_start) values ($5, 1, now())
          on conflict (key) do update set
            count = case when c.window_start < now() - make_interval(secs => $6) then 1 else c.count + 1 end,
            window_start = case when c.window_start < now() - make_interval(secs => $6) then now() else c.window_start end
          returning c.count - 1, c.window_start into n_count, n_start;
        if n_count >= $8 then
          update failure_counter c set count = greatest(c.count - 1, 0) where c.key in ($4, $5);
          return query select 'LIMITED'::text, null::timestamptz, a_count, a_start, n_count, n_start, null::int;
          return;
        end if;
        insert into two_factor_state as s (account_id, consecutive_failures) values ($1, 1)
          on conflict (account_id) do update set consecutive_failures = s.consecutive_failures + 1
          returning s.consecutive_failures, s.locked_at into v_failures, v_locked;
        return query select case when $3 is null then 'WRONG'
                                 when $3 < v_last and ($3 < v_last - 2 or (v_used >> (v_last - $3 - 1)) & 1 = 0) then 'STALE'
                                 else 'REPLAYED' end,
          v_locked, a_count, a_start, n_count, n_start, v_failures;
      end $$;`);
  }

  /** The function as Migration20261202140000 made it, and no `used_before`. */
  override async down(): Promise<void> {
    const before = new Migration20261202140000(this.driver, this.config);
    await before.up();
    for (const sql of before.getQueries()) this.addSql(sql);
    this.addSql(`alter table "totp_authenticator" drop column "used_before";`);
  }
}
