import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenTableChanges } from '../support/change-feed.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  CREATE_ACCOUNT,
  createAccount,
  createIntegration,
  LOGIN,
  PASSWORD,
  setupAdmin,
  uniqueEmail,
  login,
  reauthenticate,
} from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import { inLockOrder } from '../support/locks.js';
import { startServer, type RunningServer } from '../support/server.js';

const CREATE_TOKEN = `mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { token apiToken { id name prefix expiresAt lastUsedAt lastUsedIp revokedAt } } }`;
const REPORT = `mutation { reportLogin(input: { account: "a@example.test", ip: "192.0.2.10", outcome: "SUCCESS", service: "smtp" }) { allowed } }`;

describe('API tokens for API-only sub-admins', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: GqlClient;
  let integratorId: string;
  let integratorEmail: string;
  let adminEmail: string;

  beforeAll(async () => {
    db = await createTestDatabase('api_tokens');
    server = await startServer({ DATABASE_URL: db.url });
    ({ client: admin, email: adminEmail } = await setupAdmin(server));
    await reauthenticate(admin);
    integratorEmail = uniqueEmail('mx');
    const res = await admin.gql(CREATE_ACCOUNT, {
      input: { email: integratorEmail, name: 'Mail server', role: 'SUB_ADMIN', permissions: ['REPORT_LOGINS'], apiOnly: true },
    });
    expect(res.data?.['createAccount']?.__typename).toBe('AccountCreated');
    integratorId = res.data!['createAccount'].account.id as string;
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  const bearer = (token: string) => new GqlClient(server.url, { authorization: `Bearer ${token}` });

  it('creating a token needs a recent re-authentication (a token is a standing credential)', async () => {
    const fresh = new GqlClient(server.url);
    await login(fresh, adminEmail);
    const refused = await fresh.gql(CREATE_TOKEN, { i: { accountId: integratorId, name: 'no-sudo' } });
    expect(codes(refused)).toEqual(['REAUTH_REQUIRED']);
    expect(await db.query(`select id from api_token where name = 'no-sudo'`)).toEqual([]);
    await reauthenticate(fresh);
    const ok = await fresh.gql(CREATE_TOKEN, { i: { accountId: integratorId, name: 'with-sudo' } });
    expect(ok.data?.['createApiToken'].apiToken.name).toBe('with-sudo');
  });

  it('a valid token acts with the account’s permissions, and records its last use', async () => {
    const created = await admin.gql(CREATE_TOKEN, { i: { accountId: integratorId, name: 'mx1' } });
    const { token, apiToken } = created.data!['createApiToken'];
    expect(token).toMatch(/^sct_[A-Za-z0-9_-]{43}$/);
    expect(apiToken).toMatchObject({ name: 'mx1', prefix: token.slice(0, 10), lastUsedAt: null, revokedAt: null });
    expect(await db.query(`select id from api_token where token_hash = $1`, [token])).toEqual([]);

    const client = bearer(token);
    expect((await client.gql(REPORT)).data).toEqual({ reportLogin: { allowed: true } });
    // Scoped by the account's permissions: REPORT_LOGINS only.
    expect(codes(await client.gql(`{ accounts { totalCount } }`))).toEqual(['FORBIDDEN']);
    const list = await admin.gql(`query($id: ID!) { apiTokens(accountId: $id) { id lastUsedAt lastUsedIp } }`, {
      id: integratorId,
    });
    expect(list.data!['apiTokens'][0]).toMatchObject({
      id: apiToken.id,
      lastUsedAt: expect.any(String),
      lastUsedIp: '127.0.0.1',
    });
  });

  it('an action taken with a token is audited naming the token (its id and name), not only its account', async () => {
    const { id: integration } = await createIntegration(admin, ['MANAGE_USERS'], 'Billing panel');
    const minted: Record<string, { id: string; token: string }> = {};
    for (const name of ['billing-1', 'billing-2']) {
      const created = (await admin.gql(CREATE_TOKEN, { i: { accountId: integration, name } })).data!['createApiToken'];
      minted[name] = { id: created.apiToken.id, token: created.token };
    }
    const { id: user } = await createAccount(server, admin, { role: 'USER' });
    const MARK = `mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { requiresTwoFactor } }`;
    const marked = await bearer(minted['billing-2']!.token).gql(MARK, { id: user });
    expect(marked.data?.['setRequiresTwoFactor'], JSON.stringify(marked)).toEqual({ requiresTwoFactor: true });
    const [entry] = await db.query(
      `select actor_id, details from audit_log where action = 'REQUIRES_TWO_FACTOR_CHANGED' and target_id = $1`,
      [user],
    );
    expect(entry).toEqual({
      actor_id: integration,
      details: expect.objectContaining({ apiToken: { id: minted['billing-2']!.id, name: 'billing-2' } }),
    });
    // A person's own action names no token.
    await admin.gql(`mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: false) { requiresTwoFactor } }`, {
      id: user,
    });
    const [byPerson] = await db.query(
      `select details from audit_log where action = 'REQUIRES_TWO_FACTOR_CHANGED' and target_id = $1 and actor_id <> $2`,
      [user, integration],
    );
    expect(byPerson!['details']).not.toHaveProperty('apiToken');
  });

  it('refuses a revoked, an expired, an unknown and a malformed token', async () => {
    const { token, apiToken } = (await admin.gql(CREATE_TOKEN, { i: { accountId: integratorId, name: 'to revoke' } })).data![
      'createApiToken'
    ];
    expect((await bearer(token).gql(REPORT)).data?.['reportLogin']).toEqual({ allowed: true });
    const revoked = await admin.gql(`mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, { id: apiToken.id });
    expect(revoked.data?.['revokeApiToken']?.revokedAt).toEqual(expect.any(String));
    expect(codes(await bearer(token).gql(REPORT))).toEqual(['UNAUTHENTICATED']);

    const soon = (
      await admin.gql(CREATE_TOKEN, {
        i: { accountId: integratorId, name: 'short', expiresAt: new Date(Date.now() + 60_000).toISOString() },
      })
    ).data!['createApiToken'];
    await db.query(`update api_token set expires_at = now() - interval '1 second' where id = $1`, [soon.apiToken.id]);
    expect(codes(await bearer(soon.token).gql(REPORT))).toEqual(['UNAUTHENTICATED']);

    expect(codes(await bearer(`sct_${'A'.repeat(43)}`).gql(REPORT))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await bearer('not-a-token').gql(REPORT))).toEqual(['UNAUTHENTICATED']);
  });

  it('a token does not open the dashboard, and an API-only account cannot sign in with a password', async () => {
    const { token } = (await admin.gql(CREATE_TOKEN, { i: { accountId: integratorId, name: 'no-dashboard' } })).data![
      'createApiToken'
    ];
    // A bearer request sets no session cookie.
    const res = await bearer(token).raw({ query: REPORT });
    expect(res.headers.getSetCookie()).toEqual([]);
    // The token is not a session cookie either.
    const asCookie = new GqlClient(server.url);
    asCookie.setCookie('sc_session', token);
    expect((await asCookie.gql(`{ me { id } }`)).data).toEqual({ me: null });
    // Even with the right password an API-only account is refused at the login page.
    await db.query(
      `update account_password set hash = (select hash from account_password ap join account a on a.id = ap.account_id where a.email = $1) where account_id = $2`,
      [(await admin.gql(`{ me { email } }`)).data!['me'].email, integratorId],
    );
    const login = await new GqlClient(server.url).gql(LOGIN, { input: { email: integratorEmail, password: PASSWORD } });
    expect(login.data?.['login']?.code).toBe('INVALID_CREDENTIALS');
  });

  it('using a token or a session is no news to the other instances; revoking a token is', async () => {
    const { token, apiToken } = (await admin.gql(CREATE_TOKEN, { i: { accountId: integratorId, name: 'quiet' } })).data![
      'createApiToken'
    ];
    const changes = await listenTableChanges(db);
    const settle = changes.settle;
    try {
      // A new token and a new session, both due for the write that records their use.
      const browser = new GqlClient(server.url);
      await login(browser, adminEmail);
      await db.query(`update api_token set last_used_at = now() - interval '1 hour' where id = $1`, [apiToken.id]);
      await db.query(`update session set last_seen_at = now() - interval '5 minutes' where revoked_at is null`);
      expect(await settle('due')).toEqual(['due']);
      expect((await bearer(token).gql(REPORT)).data?.['reportLogin']).toEqual({ allowed: true });
      expect((await browser.gql(`{ me { email } }`)).data?.['me']).toEqual({ email: adminEmail });
      const [used] = await db.query<{ token: boolean; session: boolean }>(
        `select (select last_used_at > now() - interval '1 minute' from api_token where id = $1) as token,
                (select bool_or(last_seen_at > now() - interval '1 minute') from session where revoked_at is null) as session`,
        [apiToken.id],
      );
      expect(used).toEqual({ token: true, session: true });
      // Every instance keeps its auth cache.
      expect(await settle('used')).toEqual(['used']);
      await admin.gql(`mutation($id: ID!) { revokeApiToken(id: $id) { revokedAt } }`, { id: apiToken.id });
      expect(await settle('revoked')).toEqual(['auth', 'revoked']);
    } finally {
      await changes.end();
    }
  });

  const DISABLE = `mutation($id: ID!, $d: Boolean!) { setAccountDisabled(id: $id, disabled: $d) { id disabledAt } }`;
  /** A new API-only sub-admin with REPORT_LOGINS (made by `by`), its id. */
  async function integration(by: GqlClient, name: string, permissions = ['REPORT_LOGINS']): Promise<string> {
    const acc = await by.gql(CREATE_ACCOUNT, {
      input: { email: uniqueEmail(name), name, role: 'SUB_ADMIN', permissions, apiOnly: true },
    });
    expect(acc.data?.['createAccount']?.__typename, JSON.stringify(acc)).toBe('AccountCreated');
    return acc.data!['createAccount'].account.id as string;
  }
  const revokedAt = async (token: string) =>
    (await db.query(`select revoked_at from api_token where prefix = $1`, [token.slice(0, 10)]))[0]!['revoked_at'];

  it('disabling an account revokes its tokens: re-enabling it brings none back', async () => {
    const id = await integration(admin, 'mx2');
    const { token } = (await admin.gql(CREATE_TOKEN, { i: { accountId: id, name: 'mx2' } })).data!['createApiToken'];
    expect((await bearer(token).gql(REPORT)).data).toEqual({ reportLogin: { allowed: true } });
    await admin.gql(DISABLE, { id, d: true });
    expect(codes(await bearer(token).gql(REPORT))).toEqual(['UNAUTHENTICATED']);
    expect(await revokedAt(token)).not.toBeNull();
    const [audit] = await db.query(`select details from audit_log where action = 'ACCOUNT_DISABLED' and target_id = $1`, [id]);
    expect(audit!['details']).toEqual({ apiTokensRevoked: 1 });
    await admin.gql(DISABLE, { id, d: false });
    expect(codes(await bearer(token).gql(REPORT))).toEqual(['UNAUTHENTICATED']);
  });

  it('the tokens a sub-admin minted die when it is disabled or deleted (it saw their secrets)', async () => {
    for (const end of ['disabled', 'deleted'] as const) {
      const minter = await createAccount(server, admin, {
        role: 'SUB_ADMIN',
        permissions: ['MANAGE_SUB_ADMINS', 'REPORT_LOGINS'],
      });
      await reauthenticate(minter.client);
      const id = await integration(minter.client, `mx-${end}`);
      const minted = await minter.client.gql(CREATE_TOKEN, { i: { accountId: id, name: `by ${end}` } });
      const { token } = minted.data!['createApiToken'];
      // One the admin minted for the same integration stays.
      const { token: adminsToken } = (await admin.gql(CREATE_TOKEN, { i: { accountId: id, name: 'by admin' } })).data![
        'createApiToken'
      ];
      expect((await bearer(token).gql(REPORT)).data).toEqual({ reportLogin: { allowed: true } });
      const listed = await admin.gql(`query($id: ID!) { apiTokens(accountId: $id) { name createdByEmail } }`, { id });
      expect(listed.data!['apiTokens']).toEqual(
        expect.arrayContaining([
          { name: `by ${end}`, createdByEmail: minter.email },
          { name: 'by admin', createdByEmail: adminEmail },
        ]),
      );
      if (end === 'disabled') await admin.gql(DISABLE, { id: minter.id, d: true });
      else
        expect((await admin.gql(`mutation($id: ID!) { deleteAccount(id: $id) }`, { id: minter.id })).data).toEqual({
          deleteAccount: minter.id,
        });
      expect(codes(await bearer(token).gql(REPORT)), end).toEqual(['UNAUTHENTICATED']);
      expect((await bearer(adminsToken).gql(REPORT)).data, end).toEqual({ reportLogin: { allowed: true } });
      const [audit] = await db.query(`select details from audit_log where action = $1 and target_id = $2`, [
        end === 'disabled' ? 'ACCOUNT_DISABLED' : 'ACCOUNT_DELETED',
        minter.id,
      ]);
      expect(audit!['details']).toMatchObject({ apiTokensRevoked: 1 });
    }
  });

  it('a token minted while its minter is being disabled is refused, not left working behind the disable', async () => {
    const minter = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_SUB_ADMINS', 'REPORT_LOGINS'] });
    await reauthenticate(minter.client);
    const id = await integration(minter.client, 'mx-race');
    const [minted] = await inLockOrder(
      db,
      [`select 1 from account where id = $1 for no key update`, [minter.id]],
      [() => minter.client.gql(CREATE_TOKEN, { i: { accountId: id, name: 'raced' } })],
      {
        waitingOn: 'for share',
        meanwhile: (locker) => locker.query(`update account set disabled_at = now() where id = $1`, [minter.id]),
      },
    );
    expect(codes(minted!)).toEqual(['UNAUTHENTICATED']);
    expect(await db.query(`select id from api_token where name = 'raced'`)).toEqual([]);
    expect(
      await db.query(`select 1 from audit_log where action = 'API_TOKEN_CREATED' and details->>'accountId' = $1`, [id]),
    ).toEqual([]);
  });

  it('a token minted while its minter is treated as compromised (sessions revoked, password reset forced) is refused', async () => {
    const minter = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_SUB_ADMINS', 'REPORT_LOGINS'] });
    await reauthenticate(minter.client);
    const id = await integration(minter.client, 'mx-compromised');
    const [minted] = await inLockOrder(
      db,
      [`select 1 from account where id = $1 for no key update`, [minter.id]],
      [() => minter.client.gql(CREATE_TOKEN, { i: { accountId: id, name: 'raced-compromised' } })],
      {
        waitingOn: 'for share',
        // What "treat as compromised" with a forced reset (and no lock) commits while holding that row.
        meanwhile: async (locker) => {
          await locker.query(
            `update session set revoked_at = now(), revoked_reason = 'COMPROMISED' where account_id = $1 and revoked_at is null`,
            [minter.id],
          );
          await locker.query(
            `update account set password_reset_required = true, password_version = password_version + 1 where id = $1`,
            [minter.id],
          );
        },
      },
    );
    expect(codes(minted!)).toEqual(['UNAUTHENTICATED']);
    expect(await db.query(`select id from api_token where name = 'raced-compromised'`)).toEqual([]);
  });

  it('a token minted while its minter is being deleted is revoked with the deletion, not left working without a minter', async () => {
    const minter = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_SUB_ADMINS', 'REPORT_LOGINS'] });
    await reauthenticate(minter.client);
    await reauthenticate(admin);
    const id = await integration(minter.client, 'mx-deleted');
    // The mint waits on its audit entry (its token row written, its minter's row read `for share`); the
    // deletion starts then and waits for it.
    const [minted, deleted] = await inLockOrder(
      db,
      ['lock table audit_log in exclusive mode'],
      [
        () => minter.client.gql(CREATE_TOKEN, { i: { accountId: id, name: 'raced-delete' } }),
        () => admin.gql(`mutation($id: ID!) { deleteAccount(id: $id) }`, { id: minter.id }),
      ],
    );
    expect(deleted!.data).toEqual({ deleteAccount: minter.id });
    const token = minted!.data?.['createApiToken']?.token as string | undefined;
    if (token !== undefined) expect(codes(await bearer(token).gql(REPORT))).toEqual(['UNAUTHENTICATED']);
    else expect(codes(minted!)).toEqual(['UNAUTHENTICATED']);
    expect(await db.query(`select id from api_token where name = 'raced-delete' and revoked_at is null`)).toEqual([]);
  });

  it('a deleted integration’s token is refused, and a permission taken away stops working at once', async () => {
    const id = await integration(admin, 'mx3', ['REPORT_LOGINS', 'MANAGE_IPS']);
    const { token } = (await admin.gql(CREATE_TOKEN, { i: { accountId: id, name: 'mx3' } })).data!['createApiToken'];
    const CHECK = `{ checkIp(ip: "192.0.2.44") { ip } }`;
    expect((await bearer(token).gql(CHECK)).data).toEqual({ checkIp: { ip: '192.0.2.44' } });
    const set = await admin.gql(`mutation($id: ID!, $p: [Permission!]!) { setPermissions(id: $id, permissions: $p) { id } }`, {
      id,
      p: ['REPORT_LOGINS'],
    });
    expect(set.errors).toBeUndefined();
    expect(codes(await bearer(token).gql(CHECK))).toEqual(['FORBIDDEN']);
    expect((await bearer(token).gql(REPORT)).data).toEqual({ reportLogin: { allowed: true } });
    // A token is no dashboard session: it changes no password.
    expect(codes(await bearer(token).gql(`mutation { changePassword(newPassword: "a token's own passphrase") }`))).toEqual([
      'FORBIDDEN',
    ]);
    await admin.gql(`mutation($id: ID!) { deleteAccount(id: $id) }`, { id });
    expect(codes(await bearer(token).gql(REPORT))).toEqual(['UNAUTHENTICATED']);
    expect(await db.query(`select id from api_token where account_id = $1`, [id])).toEqual([]);
    // What it reported stays as it was: the deletion rewrote none of its events (history, no foreign key).
    expect(await db.query(`select count(*)::int as n from login_event where reporter_id = $1`, [id])).toEqual([{ n: 1 }]);
  });

  it('bad input: non-API-only account, blank name, past expiry, unknown ids; and permissions', async () => {
    const { id: userId } = await createAccount(server, admin, { role: 'USER' });
    const count = async () => (await db.query<{ n: number }>(`select count(*)::int as n from api_token`))[0]!.n;
    const before = await count();
    const cases: [Record<string, unknown>, string][] = [
      [{ accountId: userId, name: 'x' }, 'BAD_USER_INPUT'],
      [{ accountId: integratorId, name: '  ' }, 'BAD_USER_INPUT'],
      [{ accountId: integratorId, name: 'x'.repeat(101) }, 'BAD_USER_INPUT'],
      [{ accountId: integratorId, name: 'x', expiresAt: new Date(Date.now() - 1000).toISOString() }, 'BAD_USER_INPUT'],
      [{ accountId: '00000000-0000-4000-8000-000000000000', name: 'x' }, 'NOT_FOUND'],
      [{ accountId: 'nope', name: 'x' }, 'BAD_USER_INPUT'],
    ];
    for (const [i, code] of cases) expect(codes(await admin.gql(CREATE_TOKEN, { i }))).toEqual([code]);
    expect(await count()).toBe(before);
    const revokedBefore = (
      await db.query<{ n: number }>(`select count(*)::int as n from api_token where revoked_at is not null`)
    )[0]!.n;
    expect(codes(await admin.gql(`mutation { revokeApiToken(id: "00000000-0000-4000-8000-000000000000") { id } }`))).toEqual([
      'NOT_FOUND',
    ]);
    expect(codes(await admin.gql(`mutation { revokeApiToken(id: "nope") { id } }`))).toEqual(['BAD_USER_INPUT']);
    expect((await db.query<{ n: number }>(`select count(*)::int as n from api_token where revoked_at is not null`))[0]!.n).toBe(
      revokedBefore,
    );
    // API-only is for sub-admins; a password is required otherwise.
    expect(
      codes(await admin.gql(CREATE_ACCOUNT, { input: { email: uniqueEmail(), name: 'x', role: 'USER', apiOnly: true } })),
    ).toEqual(['BAD_USER_INPUT']);
    expect(codes(await admin.gql(CREATE_ACCOUNT, { input: { email: uniqueEmail(), name: 'x', role: 'USER' } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    const { client: manager } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_USERS'] });
    expect(codes(await manager.gql(CREATE_TOKEN, { i: { accountId: integratorId, name: 'x' } }))).toEqual(['FORBIDDEN']);
  });
});
