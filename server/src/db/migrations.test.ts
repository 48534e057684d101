import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { initOrm, migrate } from './orm.js';
import { API_TOKEN_ANNOUNCED_COLUMNS } from './migrations/Migration20261201170000.js';
import { ACCOUNT_ANNOUNCED_COLUMNS, SESSION_ANNOUNCED_COLUMNS } from './migrations/Migration20261203100000.js';

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

  it('link tokens minted before 20261201150000 to their minter from the audit log', async () => {
    // A database as it was before the migration: accounts, tokens and their creation's audit entries.
    const old = await createTestDatabase('migrations_backfill');
    const oldOrm = await initOrm(old.url);
    try {
      await oldOrm.getMigrator().up({ to: 'Migration20261201140000' });
      const conn = oldOrm.em.getConnection();
      const account = async (email: string) =>
        (
          await conn.execute<{ id: string }[]>(
            `insert into account (email, name, role, created_at, updated_at) values (?, 'x', 'ADMIN', now(), now()) returning id`,
            [email],
          )
        )[0]!.id;
      const minter = await account('minter@example.test');
      const holder = await account('integration@example.test');
      const gone = await account('gone@example.test');
      const token = async (prefix: string) =>
        (
          await conn.execute<{ id: string }[]>(
            `insert into api_token (account_id, name, token_hash, prefix, created_at) values (?, ?, ?, ?, now()) returning id`,
            [holder, prefix, `hash-${prefix}`, prefix],
          )
        )[0]!.id;
      const audited = await token('audited');
      const unaudited = await token('unaudited');
      const byGone = await token('bygone');
      const otherAction = await token('other');
      const audit = (actor: string, action: string, target: string) =>
        conn.execute(
          `insert into audit_log (occurred_at, actor_id, action, target_type, target_id, details, ip) values (now(), ?, ?, 'ApiToken', ?, '{}', '127.0.0.1')`,
          [actor, action, target],
        );
      await audit(minter, 'API_TOKEN_CREATED', audited);
      await audit(gone, 'API_TOKEN_CREATED', byGone);
      await audit(minter, 'API_TOKEN_REVOKED', otherAction);
      // The minter of `byGone` was deleted since (the audit entry keeps its id).
      await conn.execute(`update audit_log set actor_id = null where actor_id = ?`, [gone]);
      await conn.execute(`delete from account where id = ?`, [gone]);

      await oldOrm.getMigrator().up({ to: 'Migration20261201150000' });
      const rows = await conn.execute<{ id: string; created_by_id: string | null }[]>(`select id, created_by_id from api_token`);
      const by = Object.fromEntries(rows.map((r) => [r.id, r.created_by_id]));
      expect(by).toEqual({ [audited]: minter, [unaudited]: null, [byGone]: null, [otherAction]: null });
      // And the rest of the migrations apply on top of it.
      await migrate(oldOrm);
      expect(await oldOrm.getMigrator().checkMigrationNeeded()).toBe(false);
    } finally {
      await oldOrm.close(true);
      await old.drop();
    }
  });
  it('rewrite ranges inside NAT64’s prefix to IPv4 in 20261201230000, dropping wide ones where they would trust or block most of IPv4', async () => {
    const old = await createTestDatabase('migrations_nat64');
    const oldOrm = await initOrm(old.url);
    try {
      await oldOrm.getMigrator().up({ to: 'Migration20261201220000' });
      const conn = oldOrm.em.getConnection();
      const [account] = await conn.execute<{ id: string }[]>(
        `insert into account (id, email, name, role, permissions, api_only, created_at, updated_at)
         values (gen_random_uuid(), 'nat64@example.test', 'x', 'ADMIN', '{}', false, now(), now()) returning id`,
      );
      await conn.execute(
        `insert into trusted_ip (cidr, created_at) values ('64:ff9b::/96', now()), ('64:ff9b::c000:200/120', now()), ('2001:db8::/32', now())`,
      );
      await conn.execute(
        `insert into ip_block (cidr, reason, created_at) values ('64:ff9b::cb00:7107/128', 'MANUAL', now()), ('64:ff9b::/100', 'MANUAL', now())`,
      );
      await conn.execute(
        `insert into admin_access_entry (account_id, cidr, created_at) values (?, '64:ff9b::/96', now()), (?, '64:ff9b::c633:6407/128', now()),
           (?, '198.51.100.7/32', now())`,
        [account!.id, account!.id, account!.id],
      );
      await oldOrm.getMigrator().up({ to: 'Migration20261201230000' });
      const cidrs = async (table: string) =>
        (await conn.execute<{ c: string }[]>(`select cidr::text as c from ${table} order by cidr`)).map((r) => r.c);
      expect(await cidrs('trusted_ip')).toEqual(['192.0.2.0/24', '2001:db8::/32']);
      expect(await cidrs('ip_block')).toEqual(['203.0.113.7/32']);
      // An access list keeps its entries (converted), once each.
      expect(await cidrs('admin_access_entry')).toEqual(['0.0.0.0/0', '198.51.100.7/32']);
    } finally {
      await oldOrm.close(true);
      await old.drop();
    }
  });

  it('re-key per-account failure counts source first in 20261201200000 (counts kept), and back', async () => {
    const old = await createTestDatabase('migrations_counters');
    const oldOrm = await initOrm(old.url);
    try {
      await oldOrm.getMigrator().up({ to: 'Migration20261201190000' });
      const conn = oldOrm.em.getConnection();
      await conn.execute(
        `insert into failure_counter (key, count, window_start) values
           ('acct:a|b@example.test|198.51.100.0/24', 2, now()), ('acct:c@example.test|2001:db8::/64', 1, now()),
           ('acct:192.0.2.7/32|192.0.2.8/32', 5, now()), ('acct:192.0.2.8/32|192.0.2.7/32', 6, now()),
           ('ip:198.51.100.0/24', 3, now()), ('2fa:acct:0d7b5bd4-3c7e-4a7e-9d55-3f6f1f0a6a11', 4, now())`,
      );
      const keys = async () =>
        (await conn.execute<{ key: string; count: number }[]>(`select key, count from failure_counter order by key`)).map(
          (r) => `${r.key}=${r.count}`,
        );
      await oldOrm.getMigrator().up({ to: 'Migration20261201200000' });
      // Two keys that swap into each other (an attacker's names) move without a clash.
      expect(await keys()).toEqual([
        '2fa:acct:0d7b5bd4-3c7e-4a7e-9d55-3f6f1f0a6a11=4',
        'acct:192.0.2.7/32|192.0.2.8/32=6',
        'acct:192.0.2.8/32|192.0.2.7/32=5',
        'acct:198.51.100.0/24|a|b@example.test=2',
        'acct:2001:db8::/64|c@example.test=1',
        'ip:198.51.100.0/24=3',
      ]);
      await oldOrm.getMigrator().down({ to: 'Migration20261201190000' });
      expect(await keys()).toEqual([
        '2fa:acct:0d7b5bd4-3c7e-4a7e-9d55-3f6f1f0a6a11=4',
        'acct:192.0.2.7/32|192.0.2.8/32=5',
        'acct:192.0.2.8/32|192.0.2.7/32=6',
        'acct:a|b@example.test|198.51.100.0/24=2',
        'acct:c@example.test|2001:db8::/64=1',
        'ip:198.51.100.0/24=3',
      ]);
    } finally {
      await oldOrm.close(true);
      await old.drop();
    }
  });
});
