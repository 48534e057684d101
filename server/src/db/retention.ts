import type { Logger } from 'pino';
import { isReadTimeout, planOnce, type SqlPool } from './pool.js';

/** How long what is over is kept (days; `loginHistoryDays` 0 keeps login history for ever). */
export interface Retention {
  /** Login events (but those an incident holds) and IP blocks that ended. */
  loginHistoryDays: number;
  /**
   * Ended sessions, used or expired links and tokens, expired trusted addresses and reset requests
   * (authenticator-app and e-mail setups never confirmed go a day after they lapsed, whatever this says).
   */
  endedRecordDays: number;
}

/** Strikes older than this no longer lengthen a block (see ProtectionService). */
const STRIKE_MEMORY_DAYS = 7;

/** An authenticator-app or e-mail setup that lapsed this long ago is deleted (its sealed secret, its address). */
const LAPSED_SETUP_DAYS = 1;

interface Job {
  table: string;
  /** A DELETE of at most $2 rows older than $1 days; its row count is the batch's. */
  sql: string;
  days: (r: Retention) => number;
}

const JOBS: Job[] = [
  {
    table: 'login_event',
    // Through the time index, oldest first; an event an incident lists stays with it.
    sql: `delete from login_event where id in (
            select e.id from login_event e
             where e.occurred_at < now() - make_interval(days => $1)
               and not exists (select 1 from security_incident_login l where l.login_event_id = e.id)
             order by e.occurred_at limit $2)`,
    days: (r) => r.loginHistoryDays,
  },
  {
    table: 'ip_block',
    // Lifted or expired (a permanent block that stands is kept).
    sql: `delete from ip_block where id in (
            select id from ip_block where coalesce(lifted_at, expires_at) < now() - make_interval(days => $1) limit $2)`,
    days: (r) => r.loginHistoryDays,
  },
  {
    table: 'ip_strike',
    sql: `delete from ip_strike where prefix in (
            select prefix from ip_strike where last_at < now() - make_interval(days => $1) limit $2)`,
    days: () => STRIKE_MEMORY_DAYS,
  },
  {
    table: 'session',
    sql: `delete from session where id in (
            select id from session
             where expires_at < now() - make_interval(days => $1) or revoked_at < now() - make_interval(days => $1) limit $2)`,
    days: (r) => r.endedRecordDays,
  },
  {
    table: 'totp_authenticator',
    // An app setup never confirmed: its sealed secret serves nothing once the setup lapsed (a day's
    // grace for the clocks). A working app, and a setup under way, stay.
    sql: `delete from totp_authenticator where id in (
            select id from totp_authenticator
             where status = 'PENDING' and expires_at < now() - make_interval(days => $1) limit $2)`,
    days: () => LAPSED_SETUP_DAYS,
  },
  {
    table: 'email_factor',
    // An e-mail address whose setup was never confirmed, started over a day ago: its code (ten
    // minutes) lapsed long since, and nothing can confirm it now. Every setup code is sent by a start
    // (`startEmail`), which restamps the row, so the stamp is its last code's; the codes' table is not
    // read (a maintenance round holding it waits for nothing here). Confirmed addresses stay. The row
    // is judged again as it is when deleted: one started again while this statement runs stays.
    sql: `delete from email_factor where id in (
            select id from email_factor
             where status = 'PENDING' and created_at < now() - make_interval(days => $1) limit $2)
            and status = 'PENDING' and created_at < now() - make_interval(days => $1)`,
    days: () => LAPSED_SETUP_DAYS,
  },
  ...['password_reset_token', 'incident_holder_link'].map((table) => ({
    table,
    sql: `delete from ${table} where token_hash in (
            select token_hash from ${table} where expires_at < now() - make_interval(days => $1) limit $2)`,
    days: (r: Retention) => r.endedRecordDays,
  })),
  ...['setup_token', 'two_factor_reset_request', 'trusted_ip'].map((table) => ({
    table,
    sql: `delete from ${table} where id in (
            select id from ${table} where expires_at < now() - make_interval(days => $1) limit $2)`,
    days: (r: Retention) => r.endedRecordDays,
  })),
];

/** One lock for every instance: one of them prunes at a time. */
const RETENTION_LOCK = 'retention';

/**
 * Deletes what is kept no longer, table by table, in batches of `batch` rows (each its own short
 * statement, so no long lock and no huge transaction), at most `maxBatches` per table per call: a
 * backlog (a first run on a big installation) is worked off over several rounds. Only one instance
 * prunes at a time (an advisory lock; the others skip the round). Returns the rows deleted per table,
 * or null when another instance holds the lock. The audit log is never pruned.
 */
export async function pruneRetained(
  pool: SqlPool,
  retention: Retention,
  logger: Logger,
  opts: { batch?: number; maxBatches?: number } = {},
): Promise<Record<string, number> | null> {
  const batch = opts.batch ?? 5000;
  const maxBatches = opts.maxBatches ?? 20;
  const client = await pool.connect();
  // A connection left planning for its values is not handed out again (closed instead), nor one whose
  // statement got no answer in time (its statement may still be in flight, holding the lock).
  let custom = false;
  let broken: Error | undefined;
  try {
    const { rows } = await client.query<{ got: boolean }>(`select pg_try_advisory_lock(hashtext($1)) as got`, [RETENTION_LOCK]);
    if (!rows[0]?.got) return null;
    // Planned for its values: under the pool's generic plans (`planOnce`) an age and a batch size given
    // as parameters are guessed (a third of the table, a tenth of it), and a batch may scan the whole table.
    await client.query('set plan_cache_mode = force_custom_plan');
    custom = true;
    try {
      const deleted: Record<string, number> = {};
      for (const job of JOBS) {
        const days = job.days(retention);
        if (days <= 0) continue;
        let total = 0;
        // One table failing (a lock timeout, say) leaves the others' pruning to run: logged, and tried
        // again at the next round.
        try {
          for (let i = 0; i < maxBatches; i++) {
            const { rowCount } = await client.query(job.sql, [days, batch]);
            total += rowCount ?? 0;
            if ((rowCount ?? 0) < batch) break;
          }
        } catch (err) {
          if (isReadTimeout(err)) throw (broken = err as Error);
          logger.warn({ err, table: job.table }, 'pruning old records failed');
        }
        if (total > 0) deleted[job.table] = total;
      }
      if (Object.keys(deleted).length > 0) logger.info({ deleted }, 'old records pruned');
      return deleted;
    } finally {
      // A connection that stopped answering is dropped, not asked again (PostgreSQL ends its session, and
      // the lock with it, once it notices; other instances' rounds skip meanwhile).
      if (broken === undefined) {
        await client.query(`select pg_advisory_unlock(hashtext($1))`, [RETENTION_LOCK]);
        await planOnce(client);
        custom = false;
      }
    }
  } catch (err) {
    if (isReadTimeout(err)) broken ??= err as Error;
    throw err;
  } finally {
    client.release(broken ?? (custom ? new Error('plan_cache_mode not restored') : undefined));
  }
}
