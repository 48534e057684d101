import { Migration } from '@mikro-orm/migrations';

/**
 * `totp_attempt` with a third budget: the IPv6 site's (its /48, `$10`, capped at `$11`), beside the
 * account's and the network's (the /64). Anyone can get a routed /48 (a free tunnel): someone holding
 * many accounts' passwords could otherwise spend one /64's budget of wrong codes after another, 65 536
 * of them. The site's budget is taken, refused and given back as the network's is (see
 * Migration20261202140000 for the whole of the function, and Migration20261204090000 for `STALE`);
 * `$10` null (an IPv4 source, whose network is its address) leaves it out. The budgets' turns (advisory
 * locks) are taken in one order everywhere, by their keys' hashes, so two attempts never wait on each
 * other crosswise.
 *
 * The nine-argument function stays: an instance not yet upgraded still calls it during a rolling
 * upgrade (it knows no site budget). A later migration may drop it.
 */
export class Migration20261205100000 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create or replace function totp_attempt(uuid, uuid, int, text, text, int, int, int, int, text, int)
      returns table (outcome text, locked_at timestamptz, acct_count int, acct_start timestamptz,
                     net_count int, net_start timestamptz, site_count int, site_start timestamptz,
                     consecutive_failures int)
      language plpgsql volatile as $$
      #variable_conflict use_column
      declare
        v_turn int;
        v_locked timestamptz;
        a_count int;
        a_start timestamptz;
        n_count int;
        n_start timestamptz;
        s_count int;
        s_start timestamptz;
        v_failures int;
        v_rows int;
        v_last int;
        v_used int;
      begin
        for v_turn in select distinct h from unnest(array[hashtext($4), hashtext($5), hashtext($10)]) as u(h)
                       where h is not null order by h loop
          perform pg_advisory_xact_lock(20261202, v_turn);
        end loop;
        -- Locked, or the failure that locks it counted and the lock about to be written (with its audit entry).
        select case when s.locked_at is null and s.consecutive_failures >= $9 then now() else s.locked_at end
          into v_locked from two_factor_state s where s.account_id = $1;
        select c.count, c.window_start into a_count, a_start from failure_counter c
         where c.key = $4 and c.window_start >= now() - make_interval(secs => $6);
        select c.count, c.window_start into n_count, n_start from failure_counter c
         where c.key = $5 and c.window_start >= now() - make_interval(secs => $6);
        select c.count, c.window_start into s_count, s_start from failure_counter c
         where c.key = $10 and c.window_start >= now() - make_interval(secs => $6);
        if v_locked is not null or coalesce(a_count, 0) >= $7 or coalesce(n_count, 0) >= $8
           or ($10 is not null and coalesce(s_count, 0) >= $11) then
          return query select 'LIMITED'::text, v_locked, coalesce(a_count, 0) + 1, a_start, n_count, n_start,
                              s_count, s_start, null::int;
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
            return query select 'ACCEPTED'::text, null::timestamptz, a_count, a_start, n_count, n_start, s_count, s_start, 0;
            return;
          end if;
        end if;
        -- The app the code was compared with is gone (removed, or replaced by a new one): nothing counts.
        -- Otherwise the step it last used tells a replay (that step) from an older code.
        select t.last_used_step, t.used_before into v_last, v_used from totp_authenticator t where t.id = $2 and t.status = 'ACTIVE';
        if not found then
          return query select 'GONE'::text, null::timestamptz, a_count, a_start, n_count, n_start, s_count, s_start, null::int;
          return;
        end if;
        -- Each budget's row is written in key order (2fa:acct:, 2fa:ip:, 2fa:site:), as every statement
        -- taking several of them does.
        insert into failure_counter as c (key, count, window_start) values ($4, 1, now())
          on conflict (key) do update set
            count = case when c.window_start < now() - make_interval(secs => $6) then 1 else c.count + 1 end,
            window_start = case when c.window_start < now() - make_interval(secs => $6) then now() else c.window_start end
          returning c.count, c.window_start into a_count, a_start;
        if a_count > $7 then
          return query select 'LIMITED'::text, null::timestamptz, a_count, a_start, null::int, null::timestamptz,
                              null::int, null::timestamptz, null::int;
          return;
        end if;
        insert into failure_counter as c (key, count, window_start) values ($5, 1, now())
          on conflict (key) do update set
            count = case when c.window_start < now() - make_interval(secs => $6) then 1 else c.count + 1 end,
            window_start = case when c.window_start < now() - make_interval(secs => $6) then now() else c.window_start end
          returning c.count - 1, c.window_start into n_count, n_start;
        if n_count >= $8 then
          update failure_counter c set count = greatest(c.count - 1, 0) where c.key in ($4, $5);
          return query select 'LIMITED'::text, null::timestamptz, a_count, a_start, n_count, n_start,
                              null::int, null::timestamptz, null::int;
          return;
        end if;
        if $10 is not null then
          insert into failure_counter as c (key, count, window_start) values ($10, 1, now())
            on conflict (key) do update set
              count = case when c.window_start < now() - make_interval(secs => $6) then 1 else c.count + 1 end,
              window_start = case when c.window_start < now() - make_interval(secs => $6) then now() else c.window_start end
            returning c.count - 1, c.window_start into s_count, s_start;
          if s_count >= $11 then
            update failure_counter c set count = greatest(c.count - 1, 0) where c.key in ($4, $5, $10);
            return query select 'LIMITED'::text, null::timestamptz, a_count, a_start, n_count, n_start,
                                s_count, s_start, null::int;
            return;
          end if;
        end if;
        insert into two_factor_state as s (account_id, consecutive_failures) values ($1, 1)
          on conflict (account_id) do update set consecutive_failures = s.consecutive_failures + 1
          returning s.consecutive_failures, s.locked_at into v_failures, v_locked;
        return query select case when $3 is null then 'WRONG'
                                 when $3 < v_last and ($3 < v_last - 2 or (v_used >> (v_last - $3 - 1)) & 1 = 0) then 'STALE'
                                 else 'REPLAYED' end,
          v_locked, a_count, a_start, n_count, n_start, s_count, s_start, v_failures;
      end $$;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop function if exists totp_attempt(uuid, uuid, int, text, text, int, int, int, int, text, int);`);
  }
}
