import pg from 'pg';

/**
 * A plain `pg` pool beside MikroORM for the few statements on the hot path of every request (session
 * lookup, login decision): one round trip each, named prepared statements, no ORM query building.
 * Everything else goes through MikroORM.
 */
export type SqlPool = pg.Pool;

/**
 * node-postgres settings for both pools (this one and MikroORM's): opening a connection (and, in this
 * pool, waiting for a free one) gives up after `timeoutMs` (at least 5 s), and TCP keep-alives from
 * 30 s of silence on notice a peer that vanished. 0: no limits but the keep-alives. The statement
 * timeout itself is set by `limitStatements` on each new connection.
 */
export function connectionLimits(timeoutMs: number): {
  connectionTimeoutMillis?: number;
  keepAlive: true;
  keepAliveInitialDelayMillis: number;
} {
  const keepAlive = { keepAlive: true, keepAliveInitialDelayMillis: 30_000 } as const;
  return timeoutMs > 0 ? { connectionTimeoutMillis: connectTimeoutMs(timeoutMs), ...keepAlive } : keepAlive;
}

/**
 * How long this pool's client waits for a statement's answer before it gives up on the connection:
 * the statement timeout (which PostgreSQL enforces and answers) and 2 s more, for when PostgreSQL
 * cannot answer at all (the network path to it frozen, the host gone). The connection is then dropped:
 * its statement may still be in flight. Only this pool: its statements are all short, while MikroORM's
 * lift the timeout for migrations and large deletions.
 */
export function readTimeoutMs(timeoutMs: number): number {
  return timeoutMs + 2_000;
}

const READ_TIMEOUT_MESSAGE = 'Query read timeout';

/** Whether `err` is node-postgres giving up on an answer (`readTimeoutMs`). */
export function isReadTimeout(err: unknown): boolean {
  return err instanceof Error && err.message === READ_TIMEOUT_MESSAGE;
}

/** How long opening or waiting for a connection may take: as long as a statement, at least 5 s. */
export function connectTimeoutMs(timeoutMs: number): number {
  return Math.max(timeoutMs, 5_000);
}

/**
 * PostgreSQL cancels a statement of this connection that runs, or waits for a lock, longer than
 * `timeoutMs` (SQLSTATE 57014; a GraphQL request is answered `DATABASE_TIMEOUT`). Sent as a `SET` once
 * connected, before the connection is handed out, rather than as a start-up parameter, which connection
 * poolers such as PgBouncer refuse (a pooler must keep sessions: session pooling). Migrations lift it
 * for their transaction (see db/orm.ts).
 */
export async function limitStatements(client: pg.ClientBase, timeoutMs: number): Promise<void> {
  if (timeoutMs > 0) await client.query(`set statement_timeout = ${Math.floor(timeoutMs)}`);
}

/**
 * A transaction of this pool left idle (its client gave up on an answer, `readTimeoutMs`, and dropped
 * the connection while the network path was frozen) is ended by PostgreSQL a few seconds after the
 * client stopped waiting, with the row locks it held (a sign-in's account row), rather than when TCP
 * notices hours later. This pool's transactions never wait on the application for long.
 */
export async function endAbandonedTransactions(client: pg.ClientBase, timeoutMs: number): Promise<void> {
  if (timeoutMs > 0)
    await client.query(`set idle_in_transaction_session_timeout = ${Math.floor(readTimeoutMs(timeoutMs) + 3_000)}`);
}

/**
 * This pool's statements are key lookups planned once per connection and then run as planned
 * (`plan_cache_mode = force_generic_plan`). Left to choose, PostgreSQL plans a named statement afresh on
 * every run for as long as the plans it made for its first runs were cheaper than the generic one:
 * forever, for a connection whose first sign-ins ran on a new installation's empty tables, or whose
 * first runs had no app code to read. Planning the sign-in's read again took 0.6–1 ms of PostgreSQL's
 * time per sign-in here, several times the 0.15 ms of running it.
 */
export async function planOnce(client: pg.ClientBase): Promise<void> {
  await client.query('set plan_cache_mode = force_generic_plan');
}

/**
 * `onIdleError` hears about connections that broke while idle in the pool (PostgreSQL restarted, or
 * an administrator ended the backend): the pool drops them and opens new ones on demand. Without a
 * listener, node-postgres re-emits such an error as an uncaught exception that ends the process.
 */
export function createSqlPool(url: string, onIdleError: (err: Error) => void, timeoutMs = 0): SqlPool {
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    idleTimeoutMillis: 30_000,
    ...connectionLimits(timeoutMs),
    // `pool.query` drops a connection whose statement got no answer in time (see `readTimeoutMs`).
    ...(timeoutMs > 0 ? { query_timeout: readTimeoutMs(timeoutMs) } : {}),
    // Awaited before the connection is handed out; a failed SET closes it and fails that request.
    onConnect: async (client) => {
      await limitStatements(client, timeoutMs);
      await endAbandonedTransactions(client, timeoutMs);
      await planOnce(client);
    },
  });
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
  let broken: Error | undefined;
  try {
    await client.query('begin');
    const { keep, value } = await fn(client);
    await client.query(keep ? 'commit' : 'rollback');
    return value;
  } catch (err) {
    // No answer in time: the connection is dropped, not asked to roll back (PostgreSQL ends the
    // transaction once idle for long: `endAbandonedTransactions`). What it wrote may still commit.
    if (isReadTimeout(err)) broken = err as Error;
    else await client.query('rollback').catch(() => undefined);
    throw err;
  } finally {
    client.release(broken);
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
