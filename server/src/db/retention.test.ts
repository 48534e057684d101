import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import pg from 'pg';
import { pino } from 'pino';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { inLockOrder } from '../../../test/support/locks.js';
import { initOrm, migrate } from './orm.js';
import { createSqlPool, type SqlPool } from './pool.js';
import { pruneRetained } from './retention.js';

const logger = pino({ level: 'silent' });

describe('pruning of what is kept no longer', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let pool: SqlPool;
  const account = randomUUID();

  beforeAll(async () => {
    db = await createTestDatabase('retention');
    orm = await initOrm(db.url);
    await migrate(orm);
    pool = createSqlPool(db.url, (err) => {
      throw err;
    });
    await db.query(
      `insert into account (id, email, name, role, permissions, api_only, created_at, updated_at)
       values ($1::uuid, 'kept@example.test', 'x', 'USER', '{}', false, now(), now())`,
      [account],
    );
  });
  afterAll(async () => {
    await pool?.end();
    await orm?.close(true);
    await db?.drop();
  });

  const count = async (table: string, where = 'true') =>
    (await db.query(`select count(*)::int as n from ${table} where ${where}`))[0]!['n'] as number;
  const event = async (daysAgo: number, note: string) =>
    (
      await db.query(
        `insert into login_event (account_id, attempted_name, ip, outcome, service, occurred_at, network_kind)
         values ($1, $2, '192.0.2.1', 'SUCCESS', 'imap', now() - make_interval(days => $3), 'UNKNOWN') returning id`,
        [account, note, daysAgo],
      )
    )[0]!['id'] as string;

  it('deletes old login events in batches but keeps those an incident lists; old ended records go, live ones stay', async () => {
    for (let i = 0; i < 5; i++) await event(400, 'old');
    await event(10, 'recent');
    const listed = await event(500, 'in incident');
    const [incident] = await db.query(
      `insert into security_incident (account_id, status, severity, reason, opened_at, updated_at)
       values ($1, 'OPEN', 'LOW', 'UNKNOWN', now(), now()) returning id`,
      [account],
    );
    await db.query(`insert into security_incident_login (incident_id, login_event_id) values ($1, $2)`, [
      incident!['id'],
      listed,
    ]);
    // Blocks: lifted long ago, expired long ago, permanent, expired lately.
    for (const [lifted, expires] of [
      ["now() - interval '400 days'", 'null'],
      ['null', "now() - interval '400 days'"],
      ['null', 'null'],
      ['null', "now() - interval '1 day'"],
    ]) {
      await db.query(
        `insert into ip_block (cidr, reason, created_at, expires_at, lifted_at) values ('198.51.100.0/24', 'MANUAL', now() - interval '500 days', ${expires}, ${lifted})`,
      );
    }
    await db.query(`insert into ip_strike (prefix, strikes, last_at) values ('203.0.113.0/24', 2, now() - interval '8 days'),
      ('203.0.113.1/32', 1, now())`);
    // Sessions: revoked and expired long ago, live.
    for (const [expires, revoked] of [
      ["now() - interval '40 days'", 'null'],
      ["now() + interval '1 day'", "now() - interval '40 days'"],
      ["now() + interval '1 day'", 'null'],
      ["now() + interval '1 day'", "now() - interval '1 day'"],
    ]) {
      await db.query(
        `insert into session (account_id, token_hash, stage, created_at, last_seen_at, expires_at, ip, revoked_at)
         values ($1, $2, 'FULL', now() - interval '50 days', now(), ${expires}, '192.0.2.1', ${revoked})`,
        [account, randomUUID()],
      );
    }
    await db.query(
      `insert into password_reset_token (token_hash, account_id, expires_at) values ('old', $1, now() - interval '40 days'),
      ('live', $1, now() + interval '1 day')`,
      [account],
    );
    await db.query(
      `insert into trusted_ip (cidr, account_id, expires_at, created_at) values ('192.0.2.0/24', $1, now() - interval '40 days', now()),
      ('192.0.2.9/32', $1, null, now())`,
      [account],
    );

    const deleted = await pruneRetained(pool, { loginHistoryDays: 365, endedRecordDays: 30 }, logger, { batch: 2 });
    expect(deleted).toEqual({
      login_event: 5,
      ip_block: 2,
      ip_strike: 1,
      session: 2,
      password_reset_token: 1,
      trusted_ip: 1,
    });
    expect(
      (await db.query(`select attempted_name from login_event order by attempted_name`)).map((r) => r['attempted_name']),
    ).toEqual(['in incident', 'recent']);
    expect(await count('ip_block')).toBe(2);
    expect(await count('ip_strike')).toBe(1);
    expect(await count('session')).toBe(2);
    expect(await count('password_reset_token', `token_hash = 'live'`)).toBe(1);
    expect(await count('trusted_ip')).toBe(1);
    // Nothing more to do: a second round deletes nothing.
    expect(await pruneRetained(pool, { loginHistoryDays: 365, endedRecordDays: 30 }, logger, { batch: 2 })).toEqual({});
  });

  it('deletes an authenticator-app setup never confirmed a day after it lapsed, its sealed secret with it; working apps and setups under way stay', async () => {
    const rows: [string, string][] = [
      ['PENDING', "now() - interval '2 days'"],
      ['PENDING', "now() - interval '1 hour'"],
      ['PENDING', "now() + interval '5 minutes'"],
      ['ACTIVE', "now() - interval '400 days'"],
    ];
    const ids: string[] = [];
    for (const [status, expires] of rows) {
      const id = randomUUID();
      ids.push(id);
      await db.query(
        `insert into account (id, email, name, role, permissions, api_only, created_at, updated_at)
         values ($1::uuid, $2, 'x', 'USER', '{}', false, now(), now())`,
        [id, `app-${id}@example.test`],
      );
      await db.query(
        `insert into totp_authenticator (id, account_id, secret_sealed, status, last_used_step, created_at, expires_at)
         values ($1, $2, 'v1.sealed', $3, 0, now() - interval '3 days', ${expires})`,
        [randomUUID(), id, status],
      );
    }
    expect(await pruneRetained(pool, { loginHistoryDays: 365, endedRecordDays: 30 }, logger)).toEqual({ totp_authenticator: 1 });
    expect(
      (await db.query(`select account_id from totp_authenticator where account_id = any($1::uuid[])`, [ids])).map(
        (r) => r['account_id'],
      ),
    ).toEqual(expect.arrayContaining(ids.slice(1)));
    expect(await count('totp_authenticator', `account_id = '${ids[0]}'`)).toBe(0);
    expect(await count('totp_authenticator')).toBe(3);
  });

  it('deletes an e-mail address whose setup was never confirmed a day after it was last started; confirmed addresses and setups started lately stay', async () => {
    // [status, when the setup was last started (each start mails its code and restamps the row)]
    const rows: [string, string][] = [
      ['PENDING', "now() - interval '3 days'"],
      ['PENDING', "now() - interval '25 hours'"],
      ['PENDING', "now() - interval '23 hours'"],
      ['PENDING', "now() - interval '1 hour'"],
      ['ACTIVE', "now() - interval '400 days'"],
    ];
    const ids: string[] = [];
    for (const [status, started] of rows) {
      const id = randomUUID();
      ids.push(id);
      await db.query(
        `insert into account (id, email, name, role, permissions, api_only, created_at, updated_at)
         values ($1::uuid, $2, 'x', 'USER', '{}', false, now(), now())`,
        [id, `mail-${id}@example.test`],
      );
      await db.query(
        `insert into email_factor (id, account_id, address, status, created_at) values ($1, $2, $3, $4, ${started})`,
        [randomUUID(), id, `codes-${id}@example.test`, status],
      );
    }
    expect(await pruneRetained(pool, { loginHistoryDays: 365, endedRecordDays: 30 }, logger)).toEqual({ email_factor: 2 });
    const left = (await db.query(`select account_id from email_factor where account_id = any($1::uuid[])`, [ids])).map(
      (r) => r['account_id'] as string,
    );
    expect(left.sort()).toEqual(ids.slice(2).sort());
  });

  it('keeps an e-mail setup started again while the pruning waits for its row (judged again as it is when deleted)', async () => {
    const id = randomUUID();
    await db.query(
      `insert into account (id, email, name, role, permissions, api_only, created_at, updated_at)
       values ($1::uuid, $2, 'x', 'USER', '{}', false, now(), now())`,
      [id, `restart-${id}@example.test`],
    );
    await db.query(
      `insert into email_factor (id, account_id, address, status, created_at) values ($1, $2, $3, 'PENDING', now() - interval '3 days')`,
      [randomUUID(), id, `codes-${id}@example.test`],
    );
    // The setup is started again (its row restamped, as startEmail does) while the pruning's delete
    // waits for the row: the delete then finds it fresh and leaves it.
    await inLockOrder(
      db,
      ['select 1 from email_factor where account_id = $1 for update', [id]],
      [() => pruneRetained(pool, { loginHistoryDays: 365, endedRecordDays: 30 }, logger)],
      {
        waitingOn: 'email_factor',
        meanwhile: (locker) => locker.query(`update email_factor set created_at = now() where account_id = $1`, [id]),
      },
    );
    expect(await count('email_factor', `account_id = '${id}'`)).toBe(1);
  });

  it('works a backlog off over rounds (a bounded number of batches each), and keeps login history for ever with 0 days', async () => {
    for (let i = 0; i < 7; i++) await event(1000, 'backlog');
    expect(await pruneRetained(pool, { loginHistoryDays: 0, endedRecordDays: 30 }, logger, { batch: 2 })).toEqual({});
    expect(await count('login_event', `attempted_name = 'backlog'`)).toBe(7);
    const first = await pruneRetained(pool, { loginHistoryDays: 365, endedRecordDays: 30 }, logger, { batch: 2, maxBatches: 2 });
    expect(first).toEqual({ login_event: 4 });
    const second = await pruneRetained(pool, { loginHistoryDays: 365, endedRecordDays: 30 }, logger, { batch: 2, maxBatches: 2 });
    expect(second).toEqual({ login_event: 3 });
  });

  it('one table failing leaves the others pruned (and it is tried again at the next round)', async () => {
    await event(1000, 'stuck');
    await db.query(
      `insert into ip_block (cidr, reason, created_at, expires_at) values ('198.51.100.77/32', 'MANUAL', now() - interval '500 days', now() - interval '400 days')`,
    );
    await db.query(
      `create function refuse_delete() returns trigger language plpgsql as $$ begin raise exception 'refused'; end $$`,
    );
    await db.query(
      `create trigger refuse_delete before delete on login_event for each statement execute function refuse_delete()`,
    );
    try {
      expect(await pruneRetained(pool, { loginHistoryDays: 365, endedRecordDays: 30 }, logger)).toMatchObject({ ip_block: 1 });
      expect(await count('login_event', `attempted_name = 'stuck'`)).toBe(1);
    } finally {
      await db.query(`drop trigger refuse_delete on login_event`);
      await db.query(`drop function refuse_delete()`);
    }
    expect(await pruneRetained(pool, { loginHistoryDays: 365, endedRecordDays: 30 }, logger)).toEqual({ login_event: 1 });
  });

  it('lets one instance prune at a time: another skips the round while the lock is held', async () => {
    const other = new pg.Client({ connectionString: db.url });
    await other.connect();
    try {
      await other.query(`select pg_advisory_lock(hashtext('retention'))`);
      await event(1000, 'while locked');
      expect(await pruneRetained(pool, { loginHistoryDays: 365, endedRecordDays: 30 }, logger)).toBeNull();
      expect(await count('login_event', `attempted_name = 'while locked'`)).toBe(1);
    } finally {
      await other.end();
    }
    expect(await pruneRetained(pool, { loginHistoryDays: 365, endedRecordDays: 30 }, logger)).toEqual({ login_event: 1 });
  });

  it('hands its connection back to the pool planning generically, as every connection of the pool does', async () => {
    await event(1000, 'planned');
    // Every connection of the pool plans its statements once (`planOnce`); pruning plans its batches for
    // their age and size on its connection (`force_custom_plan`), and restores it before handing it back.
    const modes = await Promise.all(
      Array.from({ length: 3 }, () => pool.query<{ plan_cache_mode: string }>('show plan_cache_mode')),
    );
    expect(modes.map((r) => r.rows[0]!.plan_cache_mode)).toEqual([
      'force_generic_plan',
      'force_generic_plan',
      'force_generic_plan',
    ]);
    expect(await pruneRetained(pool, { loginHistoryDays: 365, endedRecordDays: 30 }, logger)).toEqual({ login_event: 1 });
    // The connection it used is the pool's most recently idle one, the next handed out.
    const after = await pool.query<{ plan_cache_mode: string }>('show plan_cache_mode');
    expect(after.rows[0]!.plan_cache_mode).toBe('force_generic_plan');
  });
});
