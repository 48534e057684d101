import pg from 'pg';
import { expect } from 'vitest';
import type { TestDatabase } from './database.js';

/**
 * Races made deterministic: holds `lock` (a `select … for update`, a `lock table`) in a connection of
 * its own while `requests` start one by one, each once the ones before wait on a lock in a statement
 * that mentions `waitingOn` (any statement when omitted); then runs `meanwhile` in that transaction and
 * commits. Postgres grants a row lock in the order it was asked for.
 */
export async function inLockOrder<T>(
  db: TestDatabase,
  lock: [string, unknown[]?],
  requests: (() => Promise<T>)[],
  opts: { waitingOn?: string; meanwhile?: (locker: pg.Client) => Promise<unknown> } = {},
): Promise<T[]> {
  const locker = new pg.Client({ connectionString: db.url });
  await locker.connect();
  try {
    await locker.query('begin');
    await locker.query(lock[0], lock[1] ?? []);
    const waiting = async () =>
      (
        await db.query(
          `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'
            and query like $1`,
          [`%${opts.waitingOn ?? ''}%`],
        )
      )[0]!['n'] as number;
    const inFlight: Promise<T>[] = [];
    for (const request of requests) {
      inFlight.push(request());
      for (let i = 0; i < 400 && (await waiting()) < inFlight.length; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await waiting()).toBe(inFlight.length);
    }
    await opts.meanwhile?.(locker);
    await locker.query('commit');
    return await Promise.all(inFlight);
  } finally {
    await locker.end();
  }
}
