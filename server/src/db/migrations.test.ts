import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { initOrm, migrate } from './orm.js';

describe('migrations', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  beforeAll(async () => {
    db = await createTestDatabase('migrations');
    orm = await initOrm(db.url);
  });
  afterAll(async () => {
    await orm?.close(true);
    await db?.drop();
  });

  it('applied to an empty database give exactly the entities’ schema', async () => {
    await migrate(orm);
    const diff = await orm.getSchemaGenerator().getUpdateSchemaSQL({ wrap: false });
    expect(diff.trim()).toBe('');
    expect(await orm.getMigrator().checkMigrationNeeded()).toBe(false);
  });

  it('are idempotent: a second run applies nothing', async () => {
    await migrate(orm);
    expect(await orm.getMigrator().getPendingMigrations()).toEqual([]);
  });
});
