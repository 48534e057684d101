import { Migration } from '@mikro-orm/migrations';

/**
 * `totp_attempt`: the decision on an authenticator-app code the server has already compared with the
 * app's secret ($3: the matching time step, null for a wrong code), one attempt at a time per account
 * and per network, in one statement. It takes transaction-scoped advisory locks on both attempt
 * budgets (in a fixed order, so two calls cannot deadlock) and then, with a fresh snapshot (PL/pgSQL,
 * VOLATILE: each statement sees what committed before it, including the attempt that held the lock):
 *
 * - past either budget, or with second-step sign-in locked: 'LIMITED', the same work and answer for a
 *   right code and a wrong one, and nothing written;
 * - a right code: the replay guard moves past its step ('ACCEPTED', consecutive failures reset) and
 *   nothing is written to the budgets;
 * - the app the code was compared with gone meanwhile (removed, or replaced): 'GONE', right code or
 *   wrong, and nothing counted;
 * - a wrong code ('WRONG') or a step used already ('REPLAYED'): one attempt taken from the account's
 *   budget, then the network's, and a consecutive failure counted. Should another method's attempt
 *   have spent a budget since the check above (those take theirs up front, without these locks), it is
 *   'LIMITED' instead and no consecutive failure counts: refused by the account's budget, the attempt
 *   stays on the account's count (past its limit, where one more changes nothing) and none is taken
 *   from the network; refused by the network's, both get theirs back.
 *
 * Consecutive failures at the lockout ($9) count as locked before the lock itself is written (the
 * server writes it with its audit entry right after the failure that reached it), so a code queued
 * behind that failure is refused as locked, and a right one cannot reset the count meanwhile.
 *
 * Returned with the budgets as `TwoFactorService.limitFailure` reads them: `acct_count` with this
 * attempt, `net_count` before it; and the consecutive failures after a counted one.
 *
 * Parameters: account, authenticator, step, account budget key, network budget key, window seconds,
 * the account's most attempts, the network's most attempts, the consecutive failures that lock.
 */
export class Migration20261202140000 extends Migration {
  override async up(): Promise<void> {
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
          update totp_authenticator t set last_used_step = $3, last_used_at = now()
           where t.id = $2 and t.status = 'ACTIVE' and t.last_used_step < $3;
          get diagnostics v_rows = row_count;
          if v_rows = 1 then
            update two_factor_state s set consecutive_failures = 0 where s.account_id = $1 and s.consecutive_failures <> 0;
            return query select 'ACCEPTED'::text, null::timestamptz, a_count, a_start, n_count, n_start, 0;
            return;
          end if;
        end if;
        -- The app the code was compared with is gone (removed, or replaced by a new one): nothing counts.
        if not exists (select 1 from totp_authenticator t where t.id = $2 and t.status = 'ACTIVE') then
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
        return query select case when $3 is null then 'WRONG' else 'REPLAYED' end,
          v_locked, a_count, a_start, n_count, n_start, v_failures;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists totp_attempt(uuid, uuid, int, text, text, int, int, int, int);`);
  }
}
