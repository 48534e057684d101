import { createHash } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenTableChanges } from '../support/change-feed.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createAccount, LOGIN, PASSWORD, setupAdmin, uniqueEmail } from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import { startServer, withServer, type RunningServer } from '../support/server.js';
import { totp } from '../support/totp.js';
import { awayFromStepEdge, enrollTotp, loginStep, Q } from '../support/two-factor.js';

/**
 * Runs `request` while the session table is locked against every read: whether it had to read it
 * (a backend waiting for that lock; it is then let go) or answered from memory, with its answer.
 */
async function whileSessionsLocked<T>(
  db: TestDatabase,
  request: () => Promise<T>,
): Promise<{ readSessions: boolean; value?: T }> {
  const locker = new pg.Client({ connectionString: db.url });
  await locker.connect();
  try {
    await locker.query('begin');
    await locker.query('lock table session in access exclusive mode');
    let done = false;
    const answer = request().finally(() => (done = true));
    while (!done) {
      const { rows } = await locker.query<{ n: number }>(
        `select count(*)::int as n from pg_locks where relation = 'session'::regclass and not granted`,
      );
      if (rows[0]!.n > 0) {
        await locker.query('rollback');
        await answer.catch(() => undefined);
        return { readSessions: true };
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    return { readSessions: false, value: await answer };
  } finally {
    await locker.query('rollback').catch(() => undefined);
    await locker.end();
  }
}

const ME = `{ me { id email } }`;
const SESSIONS = `{ mySessions { id current ip userAgent stage } }`;

/**
 * How many sign-ins' full-session statements wait on a lock in this database, once `n` of them do (or
 * after 4 s).
 */
async function fullSessionsWaiting(db: TestDatabase, n: number): Promise<number> {
  const waiting = async () =>
    (
      await db.query(
        `select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock' and query like 'with acct as (%'`,
      )
    )[0]!['n'] as number;
  for (let i = 0; i < 400 && (await waiting()) < n; i++) await new Promise((r) => setTimeout(r, 10));
  return waiting();
}

describe('password login and sessions', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: GqlClient;
  let adminEmail: string;

  beforeAll(async () => {
    db = await createTestDatabase('auth');
    server = await startServer({ DATABASE_URL: db.url });
    ({ client: admin, email: adminEmail } = await setupAdmin(server));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('sets an HttpOnly, SameSite=Strict session cookie (no Secure on plain-http localhost) with no-store', async () => {
    const c = new GqlClient(server.url);
    const res = await c.raw({ query: LOGIN, variables: { input: { email: adminEmail, password: PASSWORD } } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const cookies = res.headers.getSetCookie();
    expect(cookies).toHaveLength(1);
    const cookie = cookies[0]!;
    expect(cookie).toMatch(/^sc_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    expect(cookie).not.toMatch(/; Secure/);
    // The token itself is not what the database holds.
    const token = cookie.split(';')[0]!.split('=')[1]!;
    expect(await db.query('select id from session where token_hash = $1', [token])).toEqual([]);
  });

  it('answers an unknown account and a wrong password identically, and records both attempts', async () => {
    const unknown = uniqueEmail('ghost');
    const a = await new GqlClient(server.url).gql(
      LOGIN,
      { input: { email: unknown, password: PASSWORD } },
      { 'user-agent': 'probe/1' },
    );
    const b = await new GqlClient(server.url).gql(
      LOGIN,
      { input: { email: adminEmail, password: 'wrong password here' } },
      { 'user-agent': 'probe/1' },
    );
    expect(a.data).toEqual({
      login: {
        __typename: 'InvalidCredentialsError',
        code: 'INVALID_CREDENTIALS',
        message: 'The e-mail address or password is incorrect.',
      },
    });
    expect(b.data).toEqual(a.data);
    expect(a.headers.getSetCookie()).toEqual([]);
    expect(b.headers.getSetCookie()).toEqual([]);

    const events = await db.query<{
      attempted_name: string;
      account_id: string | null;
      outcome: string;
      ip: string;
      user_agent: string;
      service: string;
    }>(
      `select attempted_name, account_id, outcome, host(ip) as ip, user_agent, service from login_event where user_agent = 'probe/1' order by id`,
    );
    expect(events).toEqual([
      {
        attempted_name: unknown,
        account_id: null,
        outcome: 'INVALID_CREDENTIALS',
        ip: '127.0.0.1',
        user_agent: 'probe/1',
        service: 'panel',
      },
      {
        attempted_name: adminEmail,
        account_id: expect.any(String),
        outcome: 'INVALID_CREDENTIALS',
        ip: '127.0.0.1',
        user_agent: 'probe/1',
        service: 'panel',
      },
    ]);
  });

  it('records a successful login and treats the e-mail case-insensitively', async () => {
    const c = new GqlClient(server.url, { 'user-agent': 'case-test/1' });
    const res = await c.gql(LOGIN, { input: { email: adminEmail.toUpperCase(), password: PASSWORD } });
    expect(res.data?.['login']?.__typename).toBe('LoginSuccess');
    const events = await db.query(`select outcome from login_event where user_agent = 'case-test/1'`);
    expect(events).toEqual([{ outcome: 'SUCCESS' }]);
  });

  it('signs one account in from many places at once: every sign-in gets its session (no deadlock)', async () => {
    const { id, email } = await createAccount(server, admin, { role: 'USER' });
    const before = await db.query(`select count(*)::int as n from session where account_id = $1 and stage = 'FULL'`, [id]);
    // What a busy account's row sees: a row referencing it being written (a login event's foreign-key
    // lock) and an update of it in flight, while six sign-ins arrive and queue on it. The update commits
    // first, then the reference: the sign-ins then go through together.
    const referencing = new pg.Client({ connectionString: db.url });
    const updating = new pg.Client({ connectionString: db.url });
    await referencing.connect();
    await updating.connect();
    const signIn = () => new GqlClient(server.url).gql(LOGIN, { input: { email, password: PASSWORD } });
    let results: Awaited<ReturnType<typeof signIn>>[];
    try {
      await referencing.query('begin');
      await referencing.query('select 1 from account where id = $1 for key share', [id]);
      await updating.query('begin');
      await updating.query('update account set last_login_at = now() where id = $1', [id]);
      const inFlight = Promise.all(Array.from({ length: 6 }, signIn));
      expect(await fullSessionsWaiting(db, 6)).toBe(6);
      await updating.query('commit');
      await new Promise((r) => setTimeout(r, 300));
      await referencing.query('commit');
      results = await inFlight;
    } finally {
      await referencing.end();
      await updating.end();
    }
    for (const r of results) expect(r.data?.['login']?.__typename, JSON.stringify(r)).toBe('LoginSuccess');
    const after = await db.query(`select count(*)::int as n from session where account_id = $1 and stage = 'FULL'`, [id]);
    expect(after[0]!['n'] - before[0]!['n']).toBe(6);
  });

  it.each([
    ['disabled', 'disabled_at = now()', 'ACCOUNT_DISABLED'],
    // Its password is no longer the one checked: refused as a wrong one (the account is not disabled).
    ['put under a forced password reset (a compromised incident)', 'password_reset_required = true', 'INVALID_CREDENTIALS'],
  ])('a sign-in whose account is %s while it finishes gets no session', async (_, change, outcome) => {
    const { id, email } = await createAccount(server, admin, { role: 'USER' });
    const before = await db.query(`select count(*)::int as n from session where account_id = $1`, [id]);
    // The account is being changed (row updated, not yet committed) when the right password arrives.
    const disabling = new pg.Client({ connectionString: db.url });
    await disabling.connect();
    try {
      await disabling.query('begin');
      await disabling.query(`update account set ${change} where id = $1`, [id]);
      const signIn = new GqlClient(server.url).gql(LOGIN, { input: { email, password: PASSWORD } });
      expect(await fullSessionsWaiting(db, 1)).toBe(1);
      await disabling.query('commit');
      expect((await signIn).data?.['login']).toMatchObject({ __typename: 'InvalidCredentialsError' });
    } finally {
      await disabling.end();
    }
    expect(await db.query(`select count(*)::int as n from session where account_id = $1`, [id])).toEqual(before);
    // Recorded as the refusal it was, not as a success.
    expect(await db.query(`select outcome from login_event where account_id = $1 order by id desc limit 1`, [id])).toEqual([
      { outcome },
    ]);
  });

  it('a sign-in is no news to the other instances; disabling an account is, once, with its live sessions by name', async () => {
    const { id, client } = await createAccount(server, admin, { role: 'USER' });
    const sessionHash = createHash('sha256').update(client.getCookie('sc_session')!).digest('hex');
    // A session past its absolute expiry (not yet deleted): dead for good, left as it is.
    await db.query(
      `insert into session (id, account_id, token_hash, stage, created_at, last_seen_at, expires_at, ip)
       values (gen_random_uuid(), $1, $2, 'FULL', now() - interval '2 days', now() - interval '2 days', now() - interval '1 day', '192.0.2.1')`,
      [id, 'e'.repeat(64)],
    );
    const changes = await listenTableChanges(db);
    const settle = changes.settle;
    try {
      const ok = await new GqlClient(server.url).gql(LOGIN, { input: { email: adminEmail, password: PASSWORD } });
      expect(ok.data?.['login']?.__typename).toBe('LoginSuccess');
      const refused = await new GqlClient(server.url).gql(LOGIN, { input: { email: adminEmail, password: 'not it at all' } });
      expect(refused.data?.['login']?.__typename).toBe('InvalidCredentialsError');
      // Only the account's last sign-in time changed: every instance keeps its auth cache.
      expect(await settle('after-sign-in')).toEqual(['after-sign-in']);
      const off = await admin.gql(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: true) { disabledAt } }`, { id });
      expect(off.data?.['setAccountDisabled']?.disabledAt).toEqual(expect.any(String));
      // The account once (every instance forgets everything), and the session it revoked.
      expect((await settle('after-disable')).sort()).toEqual(['after-disable', 'auth', `auth:s:${sessionHash}`]);
      expect(await db.query(`select revoked_at from session where token_hash = $1`, ['e'.repeat(64)])).toEqual([
        { revoked_at: null },
      ]);
    } finally {
      await changes.end();
    }
  });

  it('a second step is news of its own pending sign-in only: every other remembered session stays', async () => {
    const { client: other, email: otherEmail } = await createAccount(server, admin, { role: 'USER' });
    const { client: user, email, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(user);
    const changes = await listenTableChanges(db);
    try {
      expect((await other.gql(Q.me)).data?.['me']?.email).toBe(otherEmail);
      const signingIn = new GqlClient(server.url);
      expect((await loginStep(signingIn, email)).typename).toBe('SecondFactorRequired');
      const pendingToken = signingIn.getCookie('sc_session')!;
      const pendingHash = createHash('sha256').update(pendingToken).digest('hex');
      // The pending sign-in was remembered as it was made: its second step does not read it back.
      const pending = await whileSessionsLocked(db, () => signingIn.gql(Q.pending));
      expect(pending).toMatchObject({ readSessions: false, value: { data: { pendingSignIn: { email } } } });
      await awayFromStepEdge();
      const done = await signingIn.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret) } });
      expect(done.data?.['verifySecondFactor']?.__typename, JSON.stringify(done)).toBe('LoginSuccess');
      // A pending sign-in has no row: the full session names it, and that is announced by its name
      // (every instance forgets that pending sign-in alone)…
      const [started] = await db.query<{ pending_id: string }>(
        `select pending_id from session where account_id = $1 and pending_id is not null`,
        [id],
      );
      expect(await changes.settle('after-second-step')).toEqual([`auth:s:p:${started!.pending_id}`, 'after-second-step']);
      // …and keeps serving the others from memory (reads of the session table would wait here).
      const again = await whileSessionsLocked(db, () => other.gql(Q.me));
      expect(again).toMatchObject({ readSessions: false, value: { data: { me: { email: otherEmail } } } });
      // The pending cookie is dead: forgotten here before the session started, and spent (the full
      // session names it) for any instance that reads it afresh.
      expect(await db.query(`select count(*)::int as n from session where token_hash = $1`, [pendingHash])).toEqual([{ n: 0 }]);
      const replay = new GqlClient(server.url);
      replay.setCookie('sc_session', pendingToken);
      expect((await replay.gql(Q.pending)).data?.['pendingSignIn']).toBeNull();
    } finally {
      await changes.end();
    }
  });

  it('a sign-in over an old cookie revokes that session alone: the others, and the new pending one, stay remembered', async () => {
    const { client: other, email: otherEmail } = await createAccount(server, admin, { role: 'USER' });
    const { client: user, email } = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(user);
    const oldToken = user.getCookie('sc_session')!;
    expect((await other.gql(Q.me)).data?.['me']?.email).toBe(otherEmail);
    // The browser still holds its full session when it signs in again.
    expect((await loginStep(user, email)).typename).toBe('SecondFactorRequired');
    const pending = await whileSessionsLocked(db, () => user.gql(Q.pending));
    expect(pending).toMatchObject({ readSessions: false, value: { data: { pendingSignIn: { email } } } });
    const again = await whileSessionsLocked(db, () => other.gql(Q.me));
    expect(again).toMatchObject({ readSessions: false, value: { data: { me: { email: otherEmail } } } });
    // The old session died with the sign-in.
    const old = new GqlClient(server.url);
    old.setCookie('sc_session', oldToken);
    expect((await old.gql(Q.me)).data?.['me']).toBeNull();
    expect(
      await db.query(`select revoked_reason from session where token_hash = $1`, [
        createHash('sha256').update(oldToken).digest('hex'),
      ]),
    ).toEqual([{ revoked_reason: 'ROTATED' }]);
  });

  it('a remembered pending sign-in ended by another instance is refused once that is announced', async () => {
    const { client: user, email, id } = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(user);
    const signingIn = new GqlClient(server.url);
    expect((await loginStep(signingIn, email)).typename).toBe('SecondFactorRequired');
    expect((await signingIn.gql(Q.pending)).data?.['pendingSignIn']?.email).toBe(email);
    // What another instance's revocation of the account's sessions does to its pending sign-ins.
    await db.query(`update account set session_epoch = session_epoch + 1 where id = $1`, [id]);
    await expect.poll(async () => (await signingIn.gql(Q.pending)).data?.['pendingSignIn'], { interval: 20 }).toBeNull();
  });

  it('logout kills the session on the server, not just the cookie', async () => {
    const { client, email } = await createAccount(server, admin, { role: 'USER' });
    const token = client.getCookie('sc_session')!;
    expect((await client.gql(ME)).data).toEqual({ me: { id: expect.any(String), email } });
    const out = await client.raw({ query: 'mutation { logout }' });
    expect(out.headers.getSetCookie()[0]).toMatch(/^sc_session=; Max-Age=0/);
    // Replaying the old token must not work.
    const replay = new GqlClient(server.url);
    replay.setCookie('sc_session', token);
    expect((await replay.gql(ME)).data).toEqual({ me: null });
    expect(codes(await replay.gql(SESSIONS))).toEqual(['UNAUTHENTICATED']);
  });

  it('rotates the token on every sign-in: the token held before dies', async () => {
    const { client, email } = await createAccount(server, admin, { role: 'USER' });
    const before = client.getCookie('sc_session')!;
    const again = await client.gql(LOGIN, { input: { email, password: PASSWORD } });
    expect(again.data?.['login']?.__typename).toBe('LoginSuccess');
    const after = client.getCookie('sc_session')!;
    expect(after).not.toBe(before);
    const old = new GqlClient(server.url);
    old.setCookie('sc_session', before);
    expect((await old.gql(ME)).data).toEqual({ me: null });
    expect((await client.gql(ME)).data?.['me']?.email).toBe(email);
  });

  it('a sign-in over a pending sign-in’s cookie cancels that pending sign-in: the new one goes on, remembered', async () => {
    const { client: user, email, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(user);
    const { email: otherEmail } = await createAccount(server, admin, { role: 'USER' });
    const browser = new GqlClient(server.url);
    expect((await loginStep(browser, email)).typename).toBe('SecondFactorRequired');
    const before = browser.getCookie('sc_session')!;
    const changes = await listenTableChanges(db);
    try {
      // The same browser signs in again, over the pending sign-in's cookie.
      expect((await loginStep(browser, email)).typename).toBe('SecondFactorRequired');
      const after = browser.getCookie('sc_session')!;
      expect(after).toMatch(/^p\./);
      expect(after).not.toBe(before);
      // The earlier one is cancelled as `logout` cancels it: a revoked row names it, announced by that
      // name alone…
      const cancelled = await db.query<{ pending_id: string }>(
        `select pending_id, account_id, stage, revoked_reason from session where token_hash = $1`,
        [createHash('sha256').update(before).digest('hex')],
      );
      expect(cancelled).toEqual([
        { pending_id: expect.any(String), account_id: id, stage: 'PENDING_SECOND_FACTOR', revoked_reason: 'ROTATED' },
      ]);
      expect(await changes.settle('after-sign-in')).toEqual([`auth:s:p:${cancelled[0]!.pending_id}`, 'after-sign-in']);
    } finally {
      await changes.end();
    }
    // …so the new one is still served from memory (a read would wait for the session table here).
    const pending = await whileSessionsLocked(db, () => browser.gql(Q.pending));
    expect(pending).toMatchObject({ readSessions: false, value: { data: { pendingSignIn: { email } } } });
    // The old token cannot be finished, not even with the right code.
    const old = new GqlClient(server.url);
    old.setCookie('sc_session', before);
    expect((await old.gql(Q.pending)).data?.['pendingSignIn']).toBeNull();
    await awayFromStepEdge();
    expect(codes(await old.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret) } }))).toEqual(['UNAUTHENTICATED']);
    const done = await browser.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret) } });
    expect(done.data?.['verifySecondFactor'], JSON.stringify(done)).toMatchObject({
      __typename: 'LoginSuccess',
      account: { id },
    });

    // Over another account's pending cookie, a sign-in without a second step cancels it too.
    const other = new GqlClient(server.url);
    expect((await loginStep(other, email)).typename).toBe('SecondFactorRequired');
    const held = other.getCookie('sc_session')!;
    expect((await loginStep(other, otherEmail)).typename).toBe('LoginSuccess');
    expect((await other.gql(ME)).data?.['me']?.email).toBe(otherEmail);
    const replay = new GqlClient(server.url);
    replay.setCookie('sc_session', held);
    expect((await replay.gql(Q.pending)).data?.['pendingSignIn']).toBeNull();
  });

  it('a sign-in over the pending cookie of an account deleted since signs in (nothing is left to cancel)', async () => {
    const { client: user, email, id } = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(user);
    const { email: otherEmail } = await createAccount(server, admin, { role: 'USER' });
    const browser = new GqlClient(server.url);
    expect((await loginStep(browser, email)).typename).toBe('SecondFactorRequired');
    const held = browser.getCookie('sc_session')!;
    const deleted = await admin.gql(`mutation($id: ID!) { deleteAccount(id: $id) }`, { id });
    expect(deleted.errors, JSON.stringify(deleted)).toBeUndefined();
    expect((await loginStep(browser, otherEmail)).typename).toBe('LoginSuccess');
    expect((await browser.gql(ME)).data?.['me']?.email).toBe(otherEmail);
    expect(
      await db.query(`select 1 from session where token_hash = $1`, [createHash('sha256').update(held).digest('hex')]),
    ).toEqual([]);
  });

  it('refuses a session past its absolute expiry, and one idle for too long', async () => {
    const { client: absolute, id: absId } = await createAccount(server, admin, { role: 'USER' });
    const { client: idle, id: idleId } = await createAccount(server, admin, { role: 'USER' });
    await db.query(`update session set expires_at = now() - interval '1 second' where account_id = $1`, [absId]);
    await db.query(`update session set last_seen_at = now() - interval '31 minutes' where account_id = $1`, [idleId]);
    expect(codes(await absolute.gql(SESSIONS))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await idle.gql(SESSIONS))).toEqual(['UNAUTHENTICATED']);
  });

  it('lists live sessions and revokes another one', async () => {
    const { client: first, email, id } = await createAccount(server, admin, { role: 'USER' });
    const second = new GqlClient(server.url, { 'user-agent': 'second-browser' });
    await second.gql(LOGIN, { input: { email, password: PASSWORD } });
    const list = await first.gql<{
      mySessions: { id: string; current: boolean; userAgent: string | null; ip: string; stage: string }[];
    }>(SESSIONS);
    expect(list.data!.mySessions).toHaveLength(2);
    expect(list.data!.mySessions.filter((s) => s.current)).toHaveLength(1);
    const other = list.data!.mySessions.find((s) => !s.current)!;
    expect(other).toMatchObject({ userAgent: 'second-browser', ip: '127.0.0.1', stage: 'FULL' });

    const revoked = await first.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: other.id });
    expect(revoked.data).toEqual({ revokeSession: true });
    expect(codes(await second.gql(SESSIONS))).toEqual(['UNAUTHENTICATED']);
    expect((await first.gql(SESSIONS)).data!['mySessions']).toHaveLength(1);
    const rows = await db.query<{ revoked_reason: string }>(
      `select revoked_reason from session where id = $1 and account_id = $2`,
      [other.id, id],
    );
    expect(rows).toEqual([{ revoked_reason: 'REVOKED_BY_USER' }]);
  });

  it('revokeSession: bad input and other people’s sessions', async () => {
    const { client: mallory } = await createAccount(server, admin, { role: 'USER' });
    const adminSessions = await admin.gql<{ mySessions: { id: string }[] }>(SESSIONS);
    const victim = adminSessions.data!.mySessions[0]!.id;
    // Someone else's session id is indistinguishable from an unknown one.
    expect(codes(await mallory.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: victim }))).toEqual(['NOT_FOUND']);
    expect(
      codes(await mallory.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: '00000000-0000-4000-8000-000000000000' })),
    ).toEqual(['NOT_FOUND']);
    expect(codes(await mallory.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: 'not-a-uuid' }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    expect(codes(await new GqlClient(server.url).gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: victim }))).toEqual([
      'UNAUTHENTICATED',
    ]);
    expect((await admin.gql(ME)).data?.['me']).not.toBeNull();
    expect(await db.query('select id from session where id = $1 and revoked_at is not null', [victim])).toEqual([]);
  });

  it('login: overlong input is BAD_USER_INPUT, and a missing field is a validation error', async () => {
    const c = new GqlClient(server.url);
    const before = await db.query<{ n: string }>('select count(*) as n from login_event');
    expect(codes(await c.gql(LOGIN, { input: { email: 'a'.repeat(300), password: 'x' } }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await c.gql(LOGIN, { input: { email: 'a@b.c', password: 'x'.repeat(300) } }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await c.gql(LOGIN, { input: { email: 'a@b.c' } }))).toEqual(['BAD_USER_INPUT']);
    expect(await db.query<{ n: string }>('select count(*) as n from login_event')).toEqual(before);
  });
});

describe('the minimum duration of a refused login', () => {
  it('pads every refusal (unknown account, wrong password, disabled account) to LOGIN_MIN_DURATION_MS, and not a right password', async () => {
    // A floor far above what a sign-in takes even on a loaded machine (five hashes on two threads).
    await withServer('auth_floor', { LOGIN_MIN_DURATION_MS: '10000', PASSWORD_HASH_MAX_WAIT_MS: '60000' }, async (server) => {
      const { client: admin, email } = await setupAdmin(server);
      const disabled = await createAccount(server, admin, { role: 'USER' });
      const off = await admin.gql(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: true) { disabledAt } }`, {
        id: disabled.id,
      });
      expect(off.data?.['setAccountDisabled']?.disabledAt).toEqual(expect.any(String));
      const finished: string[] = [];
      const timed = async (input: { email: string; password: string }) => {
        const t0 = performance.now();
        const res = await new GqlClient(server.url).gql(LOGIN, { input });
        const type = res.data?.['login']?.__typename as string;
        finished.push(type);
        return { type, ms: performance.now() - t0 };
      };
      const [unknown, wrong, stopped, right] = await Promise.all([
        timed({ email: uniqueEmail('ghost'), password: PASSWORD }),
        timed({ email, password: 'not the password at all' }),
        timed({ email: disabled.email, password: PASSWORD }),
        timed({ email, password: PASSWORD }),
      ]);
      for (const refused of [unknown, wrong, stopped]) {
        expect(refused.type).toBe('InvalidCredentialsError');
        expect(refused.ms).toBeGreaterThanOrEqual(10000);
      }
      // The answer already says the password was right: it is not held back to the floor, so it comes
      // before every refusal sent with it (an order, not a speed: the refusals wait out the floor).
      expect(right.type).toBe('LoginSuccess');
      expect(finished[0]).toBe('LoginSuccess');
    });
  });
});

describe('on an https public URL', () => {
  it('uses a __Host- prefixed Secure cookie', async () => {
    await withServer('auth_https', { PUBLIC_URL: 'https://security.example.test' }, async (server) => {
      const { email } = await setupAdminOverHttp(server);
      const c = new GqlClient(server.url);
      const res = await c.raw({ query: LOGIN, variables: { input: { email, password: PASSWORD } } });
      const cookie = res.headers.getSetCookie()[0]!;
      // No Max-Age: the cookie ends with the browser (the server ends the session itself).
      expect(cookie).toMatch(/^__Host-sc_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict$/);
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=/);
    });
  });
});

async function setupAdminOverHttp(server: RunningServer): Promise<{ email: string }> {
  const email = uniqueEmail('admin');
  const res = await new GqlClient(server.url).gql(
    `mutation($input: SetupFirstAdminInput!) { setupFirstAdmin(input: $input) { __typename } }`,
    { input: { token: server.setupToken, email, name: 'Admin', password: PASSWORD } },
  );
  expect(res.data?.['setupFirstAdmin']?.__typename).toBe('SetupSuccess');
  return { email };
}

describe('two server processes on one database', () => {
  it('a session signed out on one instance stops working on the other', async () => {
    const db = await createTestDatabase('auth_shared');
    const a = await startServer({ DATABASE_URL: db.url });
    const b = await startServer({ DATABASE_URL: db.url });
    try {
      const { client: onA } = await setupAdmin(a);
      const onB = new GqlClient(b.url);
      onB.setCookie('sc_session', onA.getCookie('sc_session')!);
      // B has seen (and remembers) the session…
      expect((await onB.gql(ME)).data?.['me']).not.toBeNull();
      expect((await onB.gql(ME)).data?.['me']).not.toBeNull();
      await onA.gql('mutation { logout }');
      // …and learns of the sign-out through the database's NOTIFY, not by asking again.
      await expect.poll(async () => (await onB.gql(ME)).data?.['me'], { interval: 20 }).toBeNull();
    } finally {
      await a.stop();
      await b.stop();
      await db.drop();
    }
  });
});

describe('an idle timeout with several instances', () => {
  it('a remembered session that looks idle is read again: another instance may have seen it since', async () => {
    await withServer('auth_idle', { SESSION_IDLE_TIMEOUT_SECONDS: '5' }, async (server, db) => {
      const { client, email } = await setupAdmin(server);
      const me = async () => (await client.gql(`{ me { email } }`)).data?.['me'];
      // This instance remembers the session as last seen 3 s ago (too recent to be written again): an
      // announced change (any account's name) clears what it remembered, and the next request reads it.
      await db.query(`update session set last_seen_at = now() - interval '3 seconds' where revoked_at is null`);
      await db.query(`update account set name = name`);
      await new Promise((r) => setTimeout(r, 300));
      expect(await me()).toEqual({ email });
      // Another instance sees it now: that write is announced to nobody.
      await db.query(`update session set last_seen_at = now() where revoked_at is null`);
      await new Promise((r) => setTimeout(r, 2500));
      // 5.6 s since the remembered time, 2.5 s since the real one: still signed in.
      expect(await me()).toEqual({ email });
      // Really idle: signed out.
      await new Promise((r) => setTimeout(r, 5200));
      expect(await me()).toBeNull();
    });
  });
});

describe('a flood of sign-ins', () => {
  it('answers the passwords that waited too long for a hashing thread SERVER_BUSY, unchecked and unrecorded', async () => {
    await withServer('auth_busy', { PASSWORD_HASH_CONCURRENCY: '1', PASSWORD_HASH_MAX_WAIT_MS: '100' }, async (server, db) => {
      const { email } = await setupAdmin(server);
      const before = await db.query<{ n: number }>(`select count(*)::int as n from login_event`);
      const answers = await Promise.all(
        Array.from({ length: 40 }, () =>
          new GqlClient(server.url).gql(LOGIN, { input: { email, password: PASSWORD } }).then((r) => {
            return r.data?.['login']?.__typename ?? codes(r)[0];
          }),
        ),
      );
      expect(answers).toContain('LoginSuccess');
      expect(answers).toContain('SERVER_BUSY');
      expect(new Set(answers)).toEqual(new Set(['LoginSuccess', 'SERVER_BUSY']));
      // Only the checked ones left a login event.
      const after = await db.query<{ n: number }>(`select count(*)::int as n from login_event`);
      expect(after[0]!.n - before[0]!.n).toBe(answers.filter((a) => a === 'LoginSuccess').length);
    });
  });
});
