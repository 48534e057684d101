import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { CREATE_ACCOUNT, createAccount, setupAdmin, uniqueEmail, reauthenticate } from '../support/factories.js';
import { codes, type GqlClient } from '../support/graphql.js';
import { startServer, type RunningServer } from '../support/server.js';
import { totp } from '../support/totp.js';
import { awayFromStepEdge, Q } from '../support/two-factor.js';

const AUDIT = `query($f: AuditFilter, $p: PageInput) { auditLog(filter: $f, page: $p) { totalCount nodes { actorEmail action targetType targetId targetLabel ip details occurredAt } } }`;

describe('audit log', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: GqlClient;
  let adminEmail: string;
  let adminId: string;

  beforeAll(async () => {
    db = await createTestDatabase('audit');
    server = await startServer({ DATABASE_URL: db.url });
    ({ client: admin, email: adminEmail, id: adminId } = await setupAdmin(server));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  const actions = async (filter: Record<string, unknown> = {}) =>
    ((await admin.gql(AUDIT, { f: filter, p: { limit: 200 } })).data!['auditLog'].nodes as { action: string }[]).map(
      (n) => n.action,
    );

  it('records setup and the admin’s sign-in', async () => {
    const all = await actions();
    expect(all).toEqual(expect.arrayContaining(['FIRST_ADMIN_CREATED', 'ADMIN_LOGIN']));
    const login = (await admin.gql(AUDIT, { f: { action: 'ADMIN_LOGIN' } })).data!['auditLog'].nodes[0];
    expect(login).toMatchObject({
      actorEmail: null,
      targetType: 'Account',
      targetId: adminId,
      targetLabel: adminEmail,
      ip: '127.0.0.1',
    });
  });

  it('records each admin action with who, what, target, before/after and IP', async () => {
    const email = uniqueEmail('audited');
    const created = await admin.gql(CREATE_ACCOUNT, {
      input: { email, name: 'Audited', password: 'correct horse battery staple', role: 'USER' },
    });
    const userId = created.data!['createAccount'].account.id as string;
    await admin.gql(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: true) { id } }`, { id: userId });
    await admin.gql(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: false) { id } }`, { id: userId });
    await admin.gql(`mutation { blockIp(input: { cidr: "192.0.2.0/24", note: "abuse" }) { __typename } }`);
    await admin.gql(`mutation { unblockIp(ip: "192.0.2.1") { id } }`);
    const safe = await admin.gql(
      `mutation { markIpSafe(input: { cidr: "198.51.100.0/24", note: "partner" }) { ... on TrustedIp { id } } }`,
    );
    await admin.gql(`mutation($id: ID!) { removeTrustedIp(id: $id) }`, { id: safe.data!['markIpSafe'].id });
    const loc = await admin.gql(
      `mutation { createNamedLocation(input: { cidr: "10.0.0.0/8", name: "HQ" }) { ... on NamedLocation { id } } }`,
    );
    await admin.gql(`mutation($id: ID!) { deleteNamedLocation(id: $id) }`, { id: loc.data!['createNamedLocation'].id });
    await admin.gql(`mutation { setAsnNetworkKind(asn: 64500, kind: VPN) { asn } }`);
    // Blocking less needs a recent re-authentication.
    await reauthenticate(admin);
    await admin.gql(`mutation { updateBruteForceSettings(input: { ipThreshold: 30 }) { ipThreshold } }`);
    const api = await admin.gql(CREATE_ACCOUNT, {
      input: { email: uniqueEmail('mx'), name: 'mx', role: 'SUB_ADMIN', permissions: ['REPORT_LOGINS'], apiOnly: true },
    });
    await reauthenticate(admin);
    const tok = await admin.gql(
      `mutation($id: ID!) { createApiToken(input: { accountId: $id, name: "mx" }) { apiToken { id } } }`,
      { id: api.data!['createAccount'].account.id },
    );
    await admin.gql(`mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, { id: tok.data!['createApiToken'].apiToken.id });

    const all = await actions();
    for (const action of [
      'ACCOUNT_CREATED',
      'ACCOUNT_DISABLED',
      'ACCOUNT_ENABLED',
      'IP_BLOCKED',
      'IP_UNBLOCKED',
      'IP_MARKED_SAFE',
      'TRUSTED_IP_REMOVED',
      'NAMED_LOCATION_CREATED',
      'NAMED_LOCATION_DELETED',
      'ASN_KIND_SET',
      'SETTINGS_CHANGED',
      'API_TOKEN_CREATED',
      'API_TOKEN_REVOKED',
    ]) {
      expect(all, action).toContain(action);
    }
    const disabled = (await admin.gql(AUDIT, { f: { action: 'ACCOUNT_DISABLED' } })).data!['auditLog'].nodes;
    expect(disabled).toEqual([
      expect.objectContaining({
        actorEmail: adminEmail,
        targetType: 'Account',
        targetId: userId,
        targetLabel: email,
        ip: '127.0.0.1',
      }),
    ]);
    const settings = (await admin.gql(AUDIT, { f: { action: 'SETTINGS_CHANGED' } })).data!['auditLog'].nodes[0];
    expect(settings.details).toMatchObject({ before: { ipThreshold: 20 }, after: { ipThreshold: 30 } });
    // Failed actions leave no entry.
    await admin.gql(`mutation { blockIp(input: { cidr: "10.0.0.1/8", note: "x" }) { __typename } }`);
    expect((await admin.gql(AUDIT, { f: { action: 'IP_BLOCKED' } })).data!['auditLog'].totalCount).toBe(1);
  });

  it('a change whose audit entry cannot be written is not made either', async () => {
    // The database refuses audit entries of the listed actions (a full disk, a revoked grant…).
    await db.query(`create table test_refused_action (action text primary key)`);
    await db.query(`create function test_refuse_audit() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from test_refused_action where action = new.action::text) then
          raise exception 'audit entry refused by the test';
        end if;
        return new;
      end $$`);
    await db.query(
      `create trigger test_refuse_audit before insert on audit_log for each row execute function test_refuse_audit()`,
    );
    const refusing = async <T>(action: string, fn: () => Promise<T>): Promise<T> => {
      await db.query(`insert into test_refused_action values ($1)`, [action]);
      try {
        return await fn();
      } finally {
        await db.query(`delete from test_refused_action`);
      }
    };
    const one = async (sql: string, params: unknown[]) => (await db.query(sql, params))[0];
    try {
      const email = uniqueEmail('unaudited');
      const create = await refusing('ACCOUNT_CREATED', () =>
        admin.gql(CREATE_ACCOUNT, {
          input: { email, name: 'No record', password: 'correct horse battery staple', role: 'USER' },
        }),
      );
      expect(codes(create)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(await one(`select count(*)::int as n from account where email = $1`, [email])).toEqual({ n: 0 });

      const { client: user, id: userId } = await createAccount(server, admin, { role: 'USER' });
      const disable = await refusing('ACCOUNT_DISABLED', () =>
        admin.gql(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: true) { id } }`, { id: userId }),
      );
      expect(codes(disable)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(await one(`select disabled_at from account where id = $1`, [userId])).toEqual({ disabled_at: null });
      expect((await user.gql(`{ me { id } }`)).data!['me']).toEqual({ id: userId });

      const { id: subId } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_INCIDENTS'] });
      await reauthenticate(admin);
      const perms = await refusing('PERMISSIONS_CHANGED', () =>
        admin.gql(`mutation($id: ID!) { setPermissions(id: $id, permissions: [MANAGE_IPS]) { id } }`, { id: subId }),
      );
      expect(codes(perms)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(await one(`select permissions from account where id = $1`, [subId])).toEqual({ permissions: ['READ_INCIDENTS'] });

      const api = await admin.gql(CREATE_ACCOUNT, {
        input: { email: uniqueEmail('mx'), name: 'mx', role: 'SUB_ADMIN', permissions: ['REPORT_LOGINS'], apiOnly: true },
      });
      const apiId = api.data!['createAccount'].account.id as string;
      await reauthenticate(admin);
      const MINT = `mutation($id: ID!) { createApiToken(input: { accountId: $id, name: "mx" }) { token apiToken { id } } }`;
      const minted = await refusing('API_TOKEN_CREATED', () => admin.gql(MINT, { id: apiId }));
      expect(codes(minted)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(await one(`select count(*)::int as n from api_token where account_id = $1`, [apiId])).toEqual({ n: 0 });
      const token = (await admin.gql(MINT, { id: apiId })).data!['createApiToken'];
      const revoke = await refusing('API_TOKEN_REVOKED', () =>
        admin.gql(`mutation($id: ID!) { revokeApiToken(id: $id) { id } }`, { id: token.apiToken.id }),
      );
      expect(codes(revoke)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(await one(`select revoked_at from api_token where id = $1`, [token.apiToken.id])).toEqual({ revoked_at: null });

      const NAME = `mutation { createNamedLocation(input: { cidr: "10.66.0.0/16", name: "Unaudited" }) { ... on NamedLocation { id } } }`;
      expect(codes(await refusing('NAMED_LOCATION_CREATED', () => admin.gql(NAME)))).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(await one(`select count(*)::int as n from named_location where cidr = '10.66.0.0/16'`, [])).toEqual({ n: 0 });
      const locId = (await admin.gql(NAME)).data!['createNamedLocation'].id as string;
      const unname = await refusing('NAMED_LOCATION_DELETED', () =>
        admin.gql(`mutation($id: ID!) { deleteNamedLocation(id: $id) }`, { id: locId }),
      );
      expect(codes(unname)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(await one(`select count(*)::int as n from named_location where id = $1`, [locId])).toEqual({ n: 1 });

      const asn = await refusing('ASN_KIND_SET', () =>
        admin.gql(`mutation { setAsnNetworkKind(asn: 64777, kind: VPN) { asn } }`),
      );
      expect(codes(asn)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(await one(`select count(*)::int as n from asn_override where asn = 64777`, [])).toEqual({ n: 0 });

      const { client: second } = await createAccount(server, admin, { role: 'USER' });
      const sessions = (await second.gql(`{ mySessions { id current } }`)).data!['mySessions'] as { id: string }[];
      const signOut = await refusing('SESSION_REVOKED', () =>
        second.gql(`mutation($id: ID!) { revokeSession(id: $id) }`, { id: sessions[0]!.id }),
      );
      expect(codes(signOut)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(await one(`select revoked_at from session where id = $1`, [sessions[0]!.id])).toEqual({ revoked_at: null });

      const mark = await refusing('REQUIRES_TWO_FACTOR_CHANGED', () =>
        admin.gql(`mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { accountId } }`, { id: userId }),
      );
      expect(codes(mark)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(await one(`select requires_two_factor from account where id = $1`, [userId])).toEqual({
        requires_two_factor: false,
      });

      const start = await user.gql(Q.startTotp);
      const secret = (start.data!['startTotpEnrollment'].secret as string).replace(/ /g, '');
      await awayFromStepEdge();
      const confirm = await refusing('TWO_FACTOR_ENABLED', () => user.gql(Q.confirmTotp, { c: totp(secret) }));
      expect(codes(confirm)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(await one(`select status from totp_authenticator where account_id = $1`, [userId])).toEqual({ status: 'PENDING' });
    } finally {
      await db.query(`drop trigger test_refuse_audit on audit_log`);
      await db.query(`drop function test_refuse_audit()`);
      await db.query(`drop table test_refused_action`);
    }
  });

  it('filters by actor, target and time range, and pages', async () => {
    const byActor = (await admin.gql(AUDIT, { f: { actorId: adminId } })).data!['auditLog'];
    expect(byActor.totalCount).toBeGreaterThan(5);
    expect(byActor.nodes.every((n: { actorEmail: string }) => n.actorEmail === adminEmail)).toBe(true);
    const future = (await admin.gql(AUDIT, { f: { from: new Date(Date.now() + 60_000).toISOString() } })).data!['auditLog'];
    expect(future.totalCount).toBe(0);
    // By the actor's e-mail and the target's label, prefix and any case (what the dashboard's boxes send).
    const byEmail = (await admin.gql(AUDIT, { f: { actorEmail: adminEmail.slice(0, 10).toUpperCase() } })).data!['auditLog'];
    expect(byEmail.totalCount).toBe(byActor.totalCount);
    const blocks = (await admin.gql(AUDIT, { f: { action: 'IP_BLOCKED' } })).data!['auditLog'].nodes as { targetLabel: string }[];
    const byTarget = (await admin.gql(AUDIT, { f: { target: blocks[0]!.targetLabel } })).data!['auditLog'];
    expect(byTarget.nodes.map((n: { targetLabel: string }) => n.targetLabel)).toContain(blocks[0]!.targetLabel);
    expect(byTarget.nodes.every((n: { targetLabel: string }) => n.targetLabel.startsWith(blocks[0]!.targetLabel))).toBe(true);
    expect((await admin.gql(AUDIT, { f: { target: '%' } })).data!['auditLog'].totalCount).toBe(0);
    const page = (await admin.gql(AUDIT, { p: { limit: 2, offset: 1 } })).data!['auditLog'];
    expect(page.nodes).toHaveLength(2);
    expect(codes(await admin.gql(AUDIT, { f: { actorId: 'x' } }))).toEqual(['BAD_USER_INPUT']);
  });

  it('cannot be changed or deleted through the API, and needs READ_AUDIT_LOG to read', async () => {
    for (const m of [
      'mutation { deleteAuditEntry(id: "1") }',
      'mutation { updateAuditEntry(id: "1") }',
      'mutation { clearAuditLog }',
    ]) {
      expect(codes(await admin.gql(m))).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    }
    const { client: user } = await createAccount(server, admin, { role: 'USER' });
    const { client: auditor } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_AUDIT_LOG'] });
    const { client: other } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_IPS'] });
    expect(codes(await user.gql(AUDIT))).toEqual(['FORBIDDEN']);
    expect(codes(await other.gql(AUDIT))).toEqual(['FORBIDDEN']);
    expect((await auditor.gql(AUDIT)).errors).toBeUndefined();
  });

  it('exports CSV with the same filters, only for READ_AUDIT_LOG', async () => {
    const res = await fetch(`${server.url}/export/audit.csv?action=ACCOUNT_DISABLED`, {
      headers: { cookie: admin.cookieHeader() },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('occurredAt,actorEmail,action,targetType,targetId,targetLabel,ip,details');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('"ACCOUNT_DISABLED"');
    expect(lines[1]).toContain(`"${adminEmail}"`);
    expect((await fetch(`${server.url}/export/audit.csv`)).status).toBe(401);
    const { client: user } = await createAccount(server, admin, { role: 'USER' });
    expect((await fetch(`${server.url}/export/audit.csv`, { headers: { cookie: user.cookieHeader() } })).status).toBe(403);
  });

  it('exports every entry of a long log once, newest first, across its pages', async () => {
    // 2 345 entries with one label (more than two pages of 1 000), in time order, some sharing one timestamp.
    await db.query(
      `insert into audit_log (occurred_at, action, target_type, target_label, details, ip)
       select now() - interval '1 hour' + make_interval(secs => (g / 3)), 'SETTINGS_CHANGED', 'Settings', 'long-export', jsonb_build_object('n', g), '192.0.2.1'
         from generate_series(1, 2345) g`,
    );
    const res = await fetch(`${server.url}/export/audit.csv?target=long-export`, { headers: { cookie: admin.cookieHeader() } });
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\r\n').slice(1);
    expect(lines).toHaveLength(2345);
    const ns = lines.map((l) => Number(/""n"":\s*(\d+)/.exec(l)?.[1]));
    expect(new Set(ns).size).toBe(2345);
    // Newest first.
    expect(ns.slice(0, 3)).toEqual([2345, 2344, 2343]);
    expect(ns.at(-1)).toBe(1);
  });
});
