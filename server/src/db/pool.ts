import pg from 'pg';

/**
 * A plain `pg` pool beside MikroORM for the few statements on the hot path of every request (session
 * lookup, login decision): one round trip each, named prepared statements, no ORM query building.
 * Everything else goes through MikroORM.
 */
export type SqlPool = pg.Pool;

export function createSqlPool(url: string): SqlPool {
  return new pg.Pool({ connectionString: url, max: 10, idleTimeoutMillis: 30_000 });
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
