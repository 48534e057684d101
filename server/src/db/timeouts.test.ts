import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { initOrm, migrate } from './orm.js';
import { createSqlPool, type SqlPool } from './pool.js';

describe('the statement timeout (DB_STATEMENT_TIMEOUT_MS)', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let pool: SqlPool;
  // Long enough for the migrator's own bookkeeping (outside the exemption) on a loaded machine.
  const TIMEOUT_MS = 1000;

  beforeAll(async () => {
    db = await createTestDatabase('timeouts');
    orm = await initOrm(db.url, undefined, undefined, false, TIMEOUT_MS);
    pool = createSqlPool(db.url, () => undefined, TIMEOUT_MS);
  });
  afterAll(async () => {
    await pool?.end();
    await orm?.close(true);
    await db?.drop();
  });

  it('lets a migration run however long it takes (here: waiting for a lock far longer than the limit)', async () => {
    await orm.getMigrator().up({ to: 'Migration20261201220000' });
    // The next migration rewrites trusted_ip, which someone holds for a while.
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table trusted_ip in access exclusive mode');
      const migrating = migrate(orm);
      await new Promise((r) => setTimeout(r, 3 * TIMEOUT_MS));
      await holder.query('rollback');
      await migrating;
    } finally {
      await holder.end();
    }
    expect(await orm.getMigrator().getPendingMigrations()).toEqual([]);
  });

  it('cancels a longer statement in both pools (57014), and leaves their connections usable', async () => {
    const em = orm.em.fork();
    await expect(em.execute(`select pg_sleep(3)`)).rejects.toMatchObject({ code: '57014' });
    await expect(pool.query(`select pg_sleep(3)`)).rejects.toMatchObject({ code: '57014' });
    expect(await em.execute(`select 1 as one`)).toEqual([{ one: 1 }]);
    expect((await pool.query(`select 1 as one`)).rows).toEqual([{ one: 1 }]);
  });

  it('ends a plain-pool transaction left idle a few seconds after the pool stopped waiting for it (its locks with it)', async () => {
    const client = await pool.connect();
    try {
      // The read timeout (limit + 2 s), then 3 s more: 6 s here.
      expect((await client.query(`show idle_in_transaction_session_timeout`)).rows).toEqual([
        { idle_in_transaction_session_timeout: '6s' },
      ]);
    } finally {
      client.release();
    }
    // MikroORM's transactions may wait on the application (a migration, a deletion): no such limit there.
    expect(await orm.em.fork().execute(`show idle_in_transaction_session_timeout`)).toEqual([
      { idle_in_transaction_session_timeout: '0' },
    ]);
  });
});
