import pg from 'pg';

/**
 * A plain `pg` pool beside MikroORM for the few statements on the hot path of every request (session
 * lookup, login decision): one round trip each, named prepared statements, no ORM query building.
 * Everything else goes through MikroORM.
 */
export type SqlPool = pg.Pool;

/**
 * node-postgres settings for both pools (this one and MikroORM's): PostgreSQL cancels a statement
 * that runs, or waits for a lock, longer than `timeoutMs` (SQLSTATE 57014, answered `DATABASE_TIMEOUT`);
 * opening a connection (and, in this pool, waiting for a free one) gives up after as long (at least
 * 5 s); and TCP
 * keep-alives notice a peer that vanished from an idle connection. 0: no limits.
 */
export function connectionLimits(timeoutMs: number): {
  statement_timeout?: number;
  connectionTimeoutMillis?: number;
  keepAlive: true;
} {
  return timeoutMs > 0
    ? { statement_timeout: timeoutMs, connectionTimeoutMillis: connectTimeoutMs(timeoutMs), keepAlive: true }
    : { keepAlive: true };
}

/** How long opening or waiting for a connection may take: as long as a statement, at least 5 s. */
export function connectTimeoutMs(timeoutMs: number): number {
  return Math.max(timeoutMs, 5_000);
}

/**
 * `onIdleError` hears about connections that broke while idle in the pool (PostgreSQL restarted, or
 * an administrator ended the backend): the pool drops them and opens new ones on demand. Without a
 * listener, node-postgres re-emits such an error as an uncaught exception that ends the process.
 */
export function createSqlPool(url: string, onIdleError: (err: Error) => void, timeoutMs = 0): SqlPool {
  const pool = new pg.Pool({ connectionString: url, max: 10, idleTimeoutMillis: 30_000, ...connectionLimits(timeoutMs) });
  pool.on('error', onIdleError);
  return pool;
}

/**
 * Runs `fn` in a transaction on one connection of the plain pool: committed when `fn` answers
 * `keep: true`, rolled back when it answers `keep: false` or throws.
 */
export async function inPoolTransaction<T>(
  pool: SqlPool,
  fn: (client: pg.PoolClient) => Promise<{ keep: boolean; value: T }>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const { keep, value } = await fn(client);
    await client.query(keep ? 'commit' : 'rollback');
    return value;
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

const numbered = new Map<string, string>();

/**
 * Runs a statement written with `?` placeholders (as elsewhere in the code) as a named prepared
 * statement on the plain pool: planned once per connection, no query building. For hot paths outside
 * any ORM transaction only.
 */
export async function prepared<T extends pg.QueryResultRow>(
  pool: SqlPool,
  name: string,
  sql: string,
  values: unknown[],
): Promise<{ rows: T[]; rowCount: number }> {
  let text = numbered.get(name);
  if (text === undefined) {
    let i = 0;
    text = sql.replace(/\?/g, () => `$${++i}`);
    numbered.set(name, text);
  }
  const r = await pool.query<T>({ name, text, values });
  return { rows: r.rows, rowCount: r.rowCount ?? 0 };
}
