import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { LOGIN, PASSWORD, reauthenticate, SETUP, setupAdmin, uniqueEmail } from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import { runCli, startServer, type RunningServer } from '../support/server.js';

const STATUS = `{ setupStatus { needsSetup } }`;

/** New password hashes made by the server so far (its metrics). */
async function hashes(server: RunningServer): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/security_center_password_hashes_total (\d+)/.exec(text)![1]);
}

describe('first-admin setup', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let api: GqlClient;

  beforeAll(async () => {
    db = await createTestDatabase('setup');
    server = await startServer({ DATABASE_URL: db.url });
    api = new GqlClient(server.url);
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('prints a one-time setup link on first start and reports that setup is needed', async () => {
    expect(server.output()).toMatch(new RegExp(`${server.url}/setup#token=[A-Za-z0-9_-]{43}`));
    expect(server.setupToken).toBeDefined();
    const res = await api.gql(STATUS);
    expect(res.data).toEqual({ setupStatus: { needsSetup: true } });
    // The token is stored hashed only.
    const rows = await db.query<{ token_hash: string }>('select token_hash from setup_token');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toContain(server.setupToken);
  });

  it.each([
    ['malformed e-mail', { email: 'not-an-email' }, 'email', 'isEmail'],
    ['overlong e-mail', { email: `${'a'.repeat(250)}@example.test` }, 'email', 'maxLength'],
    ['short password', { password: 'short' }, 'password', 'PASSWORD_TOO_SHORT'],
    ['overlong password', { password: 'x'.repeat(300) }, 'password', 'maxLength'],
    [
      'password equal to the e-mail',
      { email: 'owner.person@example.test', password: 'Owner.Person@example.test' },
      'password',
      'PASSWORD_SAME_AS_EMAIL',
    ],
    ['blank name', { name: '   ' }, 'name', 'REQUIRED'],
    ['overlong name', { name: 'n'.repeat(101) }, 'name', 'isLength'],
    ['empty token', { token: '' }, 'token', 'isLength'],
  ])('refuses %s with BAD_USER_INPUT naming the field, and writes nothing', async (_label, override, field, reason) => {
    const input = { token: server.setupToken, email: uniqueEmail('admin'), name: 'Admin', password: PASSWORD, ...override };
    const res = await api.gql(SETUP, { input });
    expect(res.data).toBeNull();
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.extensions!['fields']).toEqual(expect.arrayContaining([expect.objectContaining({ field, reason })]));
    expect(JSON.stringify(res)).not.toMatch(/stack|at .*\.js/);
    expect(await db.query('select id from account')).toEqual([]);
    expect(await db.query('select id from setup_token where used_at is not null')).toEqual([]);
  });

  it('refuses a wrong token, without hashing the password (anyone may call this)', async () => {
    const before = await hashes(server);
    const res = await api.gql(SETUP, {
      input: { token: 'x'.repeat(43), email: uniqueEmail(), name: 'Admin', password: PASSWORD },
    });
    expect(await hashes(server)).toBe(before);
    expect(res.data).toEqual({
      setupFirstAdmin: { __typename: 'SetupTokenInvalidError', code: 'SETUP_TOKEN_INVALID', message: expect.any(String) },
    });
    expect(await db.query('select id from account')).toEqual([]);
  });

  it('accepts the token exactly once, even when two requests race', async () => {
    const attempt = (email: string) =>
      api.gql(SETUP, { input: { token: server.setupToken, email, name: 'Admin', password: PASSWORD } });
    const emails = [uniqueEmail('racer-a'), uniqueEmail('racer-b')];
    const results = await Promise.all(emails.map(attempt));
    const types = results.map((r) => r.data?.['setupFirstAdmin']?.__typename).sort();
    expect(types).toEqual(['SetupAlreadyDoneError', 'SetupSuccess']);
    const admins = await db.query<{ email: string; role: string }>('select email, role from account');
    expect(admins).toHaveLength(1);
    expect(admins[0]!.role).toBe('ADMIN');
    expect((await db.query('select id from setup_token where used_at is not null')).length).toBe(1);

    // The admin can sign in; setup is closed for good.
    const signIn = await new GqlClient(server.url).gql(LOGIN, { input: { email: admins[0]!.email, password: PASSWORD } });
    expect(signIn.data?.['login']?.__typename).toBe('LoginSuccess');
    expect((await api.gql(STATUS)).data).toEqual({ setupStatus: { needsSetup: false } });
    // Once closed, setup costs no hash, whatever the token.
    const hashed = await hashes(server);
    const again = await attempt(uniqueEmail('late'));
    expect(again.data?.['setupFirstAdmin']?.code).toBe('SETUP_ALREADY_DONE');
    const guessed = await api.gql(SETUP, {
      input: { token: 'y'.repeat(43), email: uniqueEmail(), name: 'A', password: PASSWORD },
    });
    expect(guessed.data?.['setupFirstAdmin']?.code).toBe('SETUP_ALREADY_DONE');
    expect(await hashes(server)).toBe(hashed);
  });

  it('prints no setup link on a restart once an admin exists', async () => {
    await server.stop();
    server = await startServer({ DATABASE_URL: db.url, PORT: String(server.port) });
    expect(server.setupToken).toBeUndefined();
    expect(server.output()).not.toContain('/setup#token=');
  });
});

describe('first-admin setup token expiry', () => {
  it('refuses an expired token', async () => {
    const db = await createTestDatabase('setup_expiry');
    const server = await startServer({ DATABASE_URL: db.url, SETUP_TOKEN_TTL_SECONDS: '1' });
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const res = await new GqlClient(server.url).gql(SETUP, {
        input: { token: server.setupToken, email: uniqueEmail(), name: 'Admin', password: PASSWORD },
      });
      expect(res.data?.['setupFirstAdmin']?.code).toBe('SETUP_TOKEN_INVALID');
      expect(await db.query('select id from account')).toEqual([]);
    } finally {
      await server.stop();
      await db.drop();
    }
  });
});

describe('CLI create-admin', () => {
  it('creates an admin non-interactively (password on stdin) who can then sign in', async () => {
    const db = await createTestDatabase('cli');
    try {
      const email = uniqueEmail('cli-admin');
      const weak = await runCli(
        ['create-admin', '--email', email, '--name', 'Ops', '--password-stdin'],
        { DATABASE_URL: db.url },
        'short\n',
      );
      expect(weak.code).toBe(1);
      expect(weak.stderr).toContain('at least 12 characters');
      expect(await db.query('select id from account')).toEqual([]);
      const notAnAddress = await runCli(
        ['create-admin', '--email', 'ops', '--name', 'Ops', '--password-stdin'],
        { DATABASE_URL: db.url },
        `${PASSWORD}\n`,
      );
      expect(notAnAddress.code).toBe(1);
      expect(notAnAddress.stderr).toContain('valid e-mail address');
      expect(await db.query('select id from account')).toEqual([]);

      const ok = await runCli(
        ['create-admin', '--email', email, '--name', 'Ops', '--password-stdin'],
        { DATABASE_URL: db.url },
        `${PASSWORD}\n`,
      );
      expect(ok.stderr).toBe('');
      expect(ok.code).toBe(0);
      expect(ok.stdout).toContain(`Admin ${email} created`);
      // Audited like every account creation (no actor: the server shell).
      expect(await db.query(`select action, actor_id, target_label, details from audit_log`)).toEqual([
        { action: 'ACCOUNT_CREATED', actor_id: null, target_label: email, details: { role: 'ADMIN', via: 'cli' } },
      ]);

      const dup = await runCli(['create-admin', '--email', email.toUpperCase(), '--name', 'Ops'], {
        DATABASE_URL: db.url,
        ADMIN_PASSWORD: PASSWORD,
      });
      expect(dup.code).toBe(1);
      expect(dup.stderr).toContain('exists already');

      const server = await startServer({ DATABASE_URL: db.url });
      try {
        expect(server.setupToken).toBeUndefined();
        const res = await new GqlClient(server.url).gql(LOGIN, { input: { email, password: PASSWORD } });
        expect(res.data?.['login']).toEqual({
          __typename: 'LoginSuccess',
          account: { id: expect.any(String), email, role: 'ADMIN' },
        });
      } finally {
        await server.stop();
      }
    } finally {
      await db.drop();
    }
  });
});

describe('the keys and the database', () => {
  it('refuses to start (server and CLI) on keys other than the ones the database was set up with', async () => {
    const db = await createTestDatabase('keys');
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'sc-other-keys-'));
    try {
      const first = await startServer({ DATABASE_URL: db.url });
      await setupAdmin(first);
      await first.stop();
      // A data folder lost (or not shared by another instance): new keys would lock every 2FA user out.
      await expect(startServer({ DATABASE_URL: db.url, DATA_DIR: elsewhere })).rejects.toThrow(
        /not the ones this database was set up with/,
      );
      await expect(
        startServer({ DATABASE_URL: db.url, SESSION_SECRET: '11'.repeat(32), ENCRYPTION_KEY: '22'.repeat(32) }),
      ).rejects.toThrow(/SESSION_SECRET and ENCRYPTION_KEY are not the ones/);
      const cli = await runCli(['unblock-ip', '--ip', '192.0.2.1'], { DATABASE_URL: db.url, DATA_DIR: elsewhere });
      expect(cli.code).toBe(1);
      expect(cli.stdout + cli.stderr).toContain('not the ones this database was set up with');
      // With its own keys it starts as before.
      const again = await startServer({ DATABASE_URL: db.url });
      await again.stop();
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
      await db.drop();
    }
  });

  it('only the server records the keys: a CLI run first with other keys records nothing; an older database is checked on a stored app secret', async () => {
    const db = await createTestDatabase('keys_first');
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'sc-cli-keys-'));
    try {
      // A CLI run on a database no server has set up is refused: no tables, no keys, no check recorded.
      const cli = await runCli(['unblock-ip', '--ip', '192.0.2.1'], { DATABASE_URL: db.url, DATA_DIR: elsewhere });
      expect(cli.code).toBe(2);
      expect(cli.stdout + cli.stderr).not.toContain('not the ones');
      expect(await db.query(`select to_regclass('setting') as t`)).toEqual([{ t: null }]);
      expect(await readdir(elsewhere)).toEqual([]);
      // The server, with its own keys, records them and starts; an app secret is sealed with them.
      const server = await startServer({ DATABASE_URL: db.url });
      const { client } = await setupAdmin(server);
      await reauthenticate(client);
      const start = await client.gql(`mutation { startTotpEnrollment { secret } }`);
      expect(start.data?.['startTotpEnrollment']?.secret).toBeTruthy();
      await server.stop();
      // A database from before the check (no check value) holding that secret: other keys are refused.
      await db.query(`delete from setting where key = 'keyCheck'`);
      await expect(startServer({ DATABASE_URL: db.url, DATA_DIR: elsewhere })).rejects.toThrow(
        /not the ones this database was set up with/,
      );
      expect(await db.query(`select key from setting where key = 'keyCheck'`)).toEqual([]);
      await (await startServer({ DATABASE_URL: db.url })).stop();
      expect(await db.query(`select key from setting where key = 'keyCheck'`)).toEqual([{ key: 'keyCheck' }]);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
      await db.drop();
    }
  });

  it('two processes creating the keys of one data folder at once end up with the same keys', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sc-race-keys-'));
    const dbs = [await createTestDatabase('keys_a'), await createTestDatabase('keys_b')];
    try {
      // Two servers on two databases, one fresh data folder, started at once: each database records
      // the keys its server used, so both start again only if both used the one keys.json.
      const first = await Promise.all(dbs.map((d) => startServer({ DATABASE_URL: d.url, DATA_DIR: dir })));
      for (const s of first) await s.stop();
      for (const d of dbs) await (await startServer({ DATABASE_URL: d.url, DATA_DIR: dir })).stop();
      expect((await readdir(dir)).filter((f) => f.startsWith('keys.json'))).toEqual(['keys.json']);
    } finally {
      await rm(dir, { recursive: true, force: true });
      for (const d of dbs) await d.drop();
    }
  });
});
