import { MikroORM } from '@mikro-orm/postgresql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.js';
import { loadConfig } from '../../config.js';
import { migrate, ormOptions } from '../../db/orm.js';
import { SettingsService } from './settings.service.js';

describe('the settings read inside a transaction', () => {
  let db: TestDatabase;
  let orm: MikroORM;

  beforeAll(async () => {
    db = await createTestDatabase('settings_in_tx');
    // One connection in the pool (and a short wait for one): a read that needed a second connection
    // while a transaction holds the only one would wait for it, then fail.
    const options = ormOptions(db.url, undefined, undefined, false, 1000);
    orm = await MikroORM.init({
      ...options,
      pool: { ...options.pool, max: 1 },
      driverOptions: { ...(options.driverOptions as object), acquireConnectionTimeout: 2000 },
    });
    await migrate(orm);
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('reads on the transaction’s own connection (not another of the pool), and keeps nothing it read there', async () => {
    const settings = new SettingsService(loadConfig({}));
    await expect(
      orm.em.fork().transactional(async (tx) => {
        // The transaction's own write, which it sees and nobody else must: rolled back below.
        await tx.execute(
          `insert into setting (key, value, updated_at) values ('twoFactor', '{"enabled": false}', now())
           on conflict (key) do update set value = excluded.value`,
        );
        expect((await settings.twoFactor(tx)).enabled).toBe(false);
        expect((await settings.bruteForce(tx)).ipThreshold).toBe(loadConfig({}).bruteForce.ipThreshold);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    // Outside any transaction: the committed settings, not the rolled-back value from memory.
    expect((await settings.twoFactor(orm.em.fork())).enabled).toBe(true);
  });
});
