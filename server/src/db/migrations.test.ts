import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { initOrm, migrate } from './orm.js';
import { SESSION_ANNOUNCED_COLUMNS } from './migrations/Migration20261130160000.js';
import { ACCOUNT_ANNOUNCED_COLUMNS, API_TOKEN_ANNOUNCED_COLUMNS } from './migrations/Migration20261201170000.js';

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

  it.each([
    ['account', ['last_login_at'], ACCOUNT_ANNOUNCED_COLUMNS],
    ['session', ['last_seen_at'], SESSION_ANNOUNCED_COLUMNS],
    ['api_token', ['last_used_at', 'last_used_ip'], API_TOKEN_ANNOUNCED_COLUMNS],
  ])('announce every %s column to other instances except %j', async (table, unannounced, listed) => {
    await migrate(orm);
    const conn = orm.em.getConnection();
    const columns = (
      await conn.execute<{ column_name: string }[]>(
        `select column_name from information_schema.columns where table_schema = current_schema() and table_name = ?`,
        [table],
      )
    ).map((r) => r.column_name);
    const announced = (
      await conn.execute<{ attname: string }[]>(
        `select a.attname from pg_trigger t join pg_attribute a on a.attrelid = t.tgrelid and a.attnum = any (t.tgattr::int2[])
          where t.tgrelid = ?::regclass and t.tgname = ?`,
        [table, `${table}_update_notify`],
      )
    ).map((r) => r.attname);
    expect(announced.sort()).toEqual(columns.filter((c) => !unannounced.includes(c)).sort());
    expect([...listed].sort()).toEqual(announced.sort());
  });
});
