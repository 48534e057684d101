import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.js';
import { ChangeFeed } from '../../db/change-feed.js';
import { initOrm, migrate } from '../../db/orm.js';
import { createSqlPool, type SqlPool } from '../../db/pool.js';
import { DECIDE_SQL } from './protection.service.js';
import { RangeIndex, RangeMatcher } from './range-matcher.js';

const logger = pino({ level: 'silent' });

// A small deterministic generator, so a failure can be replayed.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('RangeMatcher', () => {
  it('finds the covering ranges by prefix length, IPv4 and IPv6, and prefers a permanent or later block', () => {
    const m = new RangeMatcher();
    const soon = new Date(Date.now() + 60_000);
    const later = new Date(Date.now() + 120_000);
    m.setBlock('a', '10.0.0.0/8', soon);
    m.setBlock('b', '10.1.0.0/16', later);
    m.setBlock('c', '2001:db8::/32', null);
    m.setTrust('t', '192.0.2.0/24', 'acct-1', null);
    m.setTrust('g', '0.0.0.0/0', null, new Date(Date.now() - 1));
    expect(m.match('10.1.2.3', null).block).toEqual({ id: 'b', expiresAt: later });
    expect(m.match('10.2.0.1', null).block).toEqual({ id: 'a', expiresAt: soon });
    expect(m.match('11.0.0.1', null)).toEqual({ trusted: false, block: null });
    expect(m.match('2001:db8:ffff::1', null).block).toEqual({ id: 'c', expiresAt: null });
    expect(m.match('2001:db9::1', null).block).toBeNull();
    expect(m.match('192.0.2.7', 'acct-1').trusted).toBe(true);
    expect(m.match('192.0.2.7', 'acct-2').trusted).toBe(false); // someone else's trust; the global one expired
    m.remove('b');
    expect(m.match('10.1.2.3', null).block?.id).toBe('a');
    m.setBlock('a', '10.0.0.0/8', new Date(Date.now() - 1)); // expired
    expect(m.match('10.1.2.3', null).block).toBeNull();
    expect(m.size).toBe(4);
  });

  it('forgets expired ranges when pruned, and keeps the rest', () => {
    const m = new RangeMatcher();
    const now = Date.now();
    for (let i = 0; i < 1000; i++) m.setBlock(`x${i}`, `2001:db8:0:${i.toString(16)}::/64`, new Date(now - 1));
    m.setBlock('live', '10.0.0.0/8', new Date(now + 60_000));
    m.setBlock('forever', '10.0.0.0/16', null);
    m.setTrust('old', '192.0.2.0/24', null, new Date(now - 1));
    m.setTrust('kept', '192.0.2.0/24', 'acct-1', null);
    expect(m.size).toBe(1004);
    expect(m.prune(now)).toBe(1001);
    expect(m.size).toBe(3);
    expect(m.match('10.0.0.1', null).block?.id).toBe('forever');
    expect(m.match('192.0.2.1', 'acct-1').trusted).toBe(true);
    expect(m.match('2001:db8::1', null).block).toBeNull();
  });
});

describe('RangeIndex against PostgreSQL', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let pool: SqlPool;
  let feed: ChangeFeed;
  let index: RangeIndex;
  const accounts = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];

  beforeAll(async () => {
    db = await createTestDatabase('range_matcher');
    orm = await initOrm(db.url);
    await migrate(orm);
    pool = createSqlPool(db.url, (err) => {
      throw err;
    });
    for (const id of accounts) {
      await db.query(
        `insert into account (id, email, name, role, permissions, api_only, created_at, updated_at)
         values ($1::uuid, $1::text || '@example.test', 'x', 'USER', '{}', false, now(), now())`,
        [id],
      );
    }
    feed = new ChangeFeed(db.url, logger);
    index = new RangeIndex(pool, feed, logger);
    await feed.start();
    await index.start();
  });
  afterAll(async () => {
    await feed?.stop();
    await pool?.end();
    await orm?.close(true);
    await db?.drop();
  });

  /** Random ranges in a few small networks, so that addresses hit several of them at once. */
  async function seed(random: () => number, n: number): Promise<void> {
    for (let i = 0; i < n; i++) {
      const v6 = random() < 0.3;
      const len = v6 ? 112 + Math.floor(random() * 17) : 20 + Math.floor(random() * 13);
      const addr = v6
        ? `2001:db8::${Math.floor(random() * 65536).toString(16)}`
        : `10.${Math.floor(random() * 4)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`;
      const expiry = random() < 0.2 ? null : `now() + interval '${Math.floor(random() * 7200) - 1800} seconds'`;
      if (random() < 0.5) {
        await db.query(
          `insert into ip_block (id, cidr, reason, failures, strike, created_at, expires_at, lifted_at)
           values (gen_random_uuid(), set_masklen($1::inet, $2)::cidr, 'MANUAL', 0, 1, now(), ${expiry ?? 'null'}, ${random() < 0.15 ? 'now()' : 'null'})`,
          [addr, len],
        );
      } else {
        await db.query(
          `insert into trusted_ip (id, cidr, account_id, note, created_at, expires_at)
           values (gen_random_uuid(), set_masklen($1::inet, $2)::cidr, $3, 'seed', now(), ${expiry ?? 'null'})`,
          [addr, len, random() < 0.5 ? null : accounts[Math.floor(random() * 2)]],
        );
      }
    }
  }

  async function disagreements(random: () => number, probes: number): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < probes; i++) {
      const ip =
        random() < 0.3
          ? `2001:db8::${Math.floor(random() * 65536).toString(16)}`
          : `10.${Math.floor(random() * 4)}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}`;
      const account = random() < 0.3 ? null : accounts[Math.floor(random() * 2)]!;
      const mem = index.match(ip, account);
      if (mem === undefined) {
        out.push(`${ip}: not usable`);
        continue;
      }
      const { rows } = await pool.query(DECIDE_SQL, [ip, account]);
      const sql = rows[0] as { trusted: boolean; block_expires_at: Date | null; block_id: string | null };
      const memExpiry = mem.block?.expiresAt?.getTime() ?? null;
      const sqlExpiry = sql.block_expires_at?.getTime() ?? null;
      if (mem.trusted !== sql.trusted || (mem.block === null) !== (sql.block_id === null) || memExpiry !== sqlExpiry)
        out.push(`${ip} ${account}: memory ${JSON.stringify(mem)} vs SQL ${JSON.stringify(sql)}`);
    }
    return out;
  }

  it('agrees exactly with the decision SQL on random ranges and addresses, and follows later writes', async () => {
    const random = rng(20261130);
    await seed(random, 400);
    index.noteLocalWrite();
    await index.sync();
    expect(index.matcher.size).toBeGreaterThan(0);
    expect(await disagreements(random, 1500)).toEqual([]);

    // Lift, delete, re-expire and add: each row change reaches memory by its announcement.
    await db.query(
      `update ip_block set lifted_at = now() where id in (select id from ip_block where lifted_at is null limit 40)`,
    );
    await db.query(`delete from trusted_ip where id in (select id from trusted_ip limit 40)`);
    await db.query(`update ip_block set expires_at = now() + interval '3 days' where id in (select id from ip_block limit 40)`);
    await seed(random, 100);
    index.noteLocalWrite();
    await index.sync();
    expect(await disagreements(random, 1500)).toEqual([]);
  });

  it('a write confirmed by another request’s sync before it committed is in memory after its own sync', async () => {
    const writer = await pool.connect();
    try {
      await writer.query('begin');
      const before = index.writes;
      index.noteLocalWrite();
      const {
        rows: [row],
      } = await writer.query(
        `insert into ip_block (id, cidr, reason, failures, strike, created_at, expires_at)
         values (gen_random_uuid(), '203.0.113.0/24', 'MANUAL', 0, 1, now(), null) returning id`,
      );
      // Another request's sync, while the write is still open, counts it as confirmed.
      await index.sync();
      expect(index.unconfirmed).toBe(false);
      await writer.query('commit');
      // So the writer syncs because the count of writes moved during its request (app.ts).
      expect(index.writes).not.toBe(before);
      await index.sync();
      expect(index.match('203.0.113.9', null)?.block?.id).toBe((row as { id: string }).id);
    } finally {
      writer.release();
    }
  });

  it('does not answer from memory while a write of this process is unconfirmed', async () => {
    index.noteLocalWrite();
    expect(index.match('10.0.0.1', null)).toBeUndefined();
    await index.sync();
    expect(index.match('10.0.0.1', null)).toBeDefined();
  });
});
