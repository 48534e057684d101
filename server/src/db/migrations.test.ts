import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { initOrm, migrate } from './orm.js';
import { ACCOUNT_ANNOUNCED_COLUMNS } from './migrations/Migration20261130150000.js';

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

  it('announce every account column to other instances except last_login_at', async () => {
    await migrate(orm);
    const conn = orm.em.getConnection();
    const columns = (
      await conn.execute<{ column_name: string }[]>(
        `select column_name from information_schema.columns where table_schema = current_schema() and table_name = 'account'`,
      )
    ).map((r) => r.column_name);
    const announced = (
      await conn.execute<{ attname: string }[]>(
        `select a.attname from pg_trigger t join pg_attribute a on a.attrelid = t.tgrelid and a.attnum = any (t.tgattr::int2[])
          where t.tgrelid = 'account'::regclass and t.tgname = 'account_update_notify'`,
      )
    ).map((r) => r.attname);
    expect(announced.sort()).toEqual(columns.filter((c) => c !== 'last_login_at').sort());
    expect([...ACCOUNT_ANNOUNCED_COLUMNS].sort()).toEqual(announced.sort());
  });
});
