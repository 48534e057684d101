import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { CREATE_ACCOUNT, createAccount, setupAdmin, uniqueEmail, reauthenticate } from '../support/factories.js';
import { codes, type GqlClient } from '../support/graphql.js';
import { startServer, type RunningServer } from '../support/server.js';

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
});
