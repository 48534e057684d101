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
