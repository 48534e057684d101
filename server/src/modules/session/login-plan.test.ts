import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MikroORM } from '@mikro-orm/postgresql';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/database.js';
import { initOrm, migrate } from '../../db/orm.js';
import { createSqlPool } from '../../db/pool.js';
import { LOGIN_ACCOUNT_SQL } from './auth.service.js';

/**
 * A sign-in reads one account: its statement must look it up through indexes however many accounts
 * there are. The server prepares it once per pooled connection, typically on the first sign-in of a
 * new installation, when every table is empty, and PostgreSQL keeps that plan until statistics change
 * (never, with autovacuum off). A correlated EXISTS planned then ran as a hashed subplan: every later
 * sign-in read and hashed every account's authenticator.
 */
describe('the sign-in statement', () => {
  let db: TestDatabase;
  let orm: MikroORM;
  let client: pg.Client;
  let pool: pg.Pool;
  let pooled: pg.PoolClient;
  /** The sign-in's read as the server runs it (a named statement on a pooled connection). */
  const signIn = (on: pg.ClientBase, email: string, withCode: boolean) =>
    on.query({
      name: 'login_account',
      text: LOGIN_ACCOUNT_SQL,
      values: [
        email,
        'no-such-counter',
        `name:${email}`,
        86400,
        '2fa:ip:2001:db8:1:2::/64',
        900,
        withCode,
        '2fa:site:2001:db8:1::/48',
      ],
    });
  beforeAll(async () => {
    db = await createTestDatabase('login_plan');
    orm = await initOrm(db.url);
    await migrate(orm);
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    // Planned on empty tables, as the pool's connections do on a new installation's first sign-ins.
    await client.query(`set plan_cache_mode = force_generic_plan`);
    await client.query(`prepare login_account(text, text, text, int, text, int, boolean, text) as ${LOGIN_ACCOUNT_SQL}`);
    await client.query(
      `execute login_account('nobody@example.test', 'no-such-counter', 'name:nobody@example.test', 86400, '2fa:ip:2001:db8:1:2::/64', 900, true, '2fa:site:2001:db8:1::/48')`,
    );
    // The server's own pool, its first sign-ins on the empty tables (most without an app code).
    pool = createSqlPool(db.url, () => undefined);
    pooled = await pool.connect();
    for (let i = 0; i < 12; i++) await signIn(pooled, `nobody-${i}@example.test`, i % 4 === 0);
    // Then many accounts with a password and an authenticator app, and no ANALYZE since.
    await client.query(`
      insert into account (id, email, name, role, created_at, updated_at)
      select gen_random_uuid(), 'user-' || i || '@example.test', 'User ' || i, 'USER', now(), now()
        from generate_series(1, 3000) i`);
    await client.query(`insert into account_password (account_id, hash, changed_at) select id, 'hash', now() from account`);
    await client.query(`
      insert into totp_authenticator (id, account_id, secret_sealed, status, created_at)
      select gen_random_uuid(), id, 'sealed', 'ACTIVE', now() from account`);
  });
  afterAll(async () => {
    pooled?.release();
    await pool?.end();
    await client?.end();
    await orm?.close(true);
    await db?.drop();
  });

  it('looks up one account’s second factors through indexes, whatever the plan was made on', async () => {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `explain execute login_account('user-7@example.test', 'no-such-counter', 'name:user-7@example.test', 86400, '2fa:ip:2001:db8:1:2::/64', 900, true, '2fa:site:2001:db8:1::/48')`,
    );
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/account_email_unique/);
    expect(plan).not.toMatch(/hashed SubPlan/);
    expect(plan).not.toMatch(
      /Seq Scan on (totp_authenticator|email_factor|webauthn_credential|recovery_code|failure_counter|two_factor_state)/,
    );
    // And it answers for that account.
    const { rows: found } = await client.query(
      `execute login_account('user-7@example.test', 'no-such-counter', 'name:user-7@example.test', 86400, '2fa:ip:2001:db8:1:2::/64', 900, true, '2fa:site:2001:db8:1::/48')`,
    );
    expect(found).toMatchObject([
      {
        email: 'user-7@example.test',
        password_hash: 'hash',
        tf_totp: true,
        tf_email: false,
        tf_webauthn: false,
        tf_recovery: 0,
        name_failures: null,
        // What an app code sent with the password is checked against, read in the same statement.
        totp_sealed: 'sealed',
        tf_locked_at: null,
        tf_acct_count: null,
        tf_net_count: null,
        tf_site_count: null,
      },
    ]);
  });

  it('is planned once per pooled connection, whatever its first runs were made on, and runs as planned', async () => {
    await client.query('analyze');
    for (let i = 1; i <= 20; i++) {
      const { rows } = await signIn(pooled, `user-${i}@example.test`, i % 2 === 0);
      expect(rows[0]).toMatchObject({
        email: `user-${i}@example.test`,
        tf_totp: true,
        totp_sealed: i % 2 === 0 ? 'sealed' : null,
      });
    }
    // Left to choose, PostgreSQL plans a connection's first five runs afresh, and every later one too
    // for as long as those plans look cheaper than the generic one (cheap plans made on empty tables, or
    // without the app's read, kept it so for good in the benchmark): 0.6–1 ms of planning per sign-in.
    const { rows } = await pooled.query<{ generic_plans: string; custom_plans: string }>(
      `select generic_plans, custom_plans from pg_prepared_statements where name = 'login_account'`,
    );
    expect(rows).toEqual([{ generic_plans: '32', custom_plans: '0' }]);
  });
});
