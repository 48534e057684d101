import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createAccount, LOGIN, PASSWORD, reauthenticate, setupAdmin } from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import { startServer, type RunningServer } from '../support/server.js';

const SETTINGS = `{ bruteForceSettings { ipThreshold accountIpThreshold windowSeconds blockSeconds maxBlockSeconds escalationFactor } }`;
const UPDATE = `mutation($i: BruteForceSettingsInput!) { updateBruteForceSettings(input: $i) { ipThreshold accountIpThreshold blockSeconds maxBlockSeconds } }`;
const REPORT = `mutation($i: LoginReportInput!) { reportLogin(input: $i) { allowed reason } }`;
const DEFAULTS = {
  ipThreshold: 20,
  accountIpThreshold: 5,
  windowSeconds: 900,
  blockSeconds: 900,
  maxBlockSeconds: 86400,
  escalationFactor: 2,
};

describe('brute-force settings, trusted-IP and named-location removal, ASN overrides', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: GqlClient;
  let adminEmail: string;

  beforeAll(async () => {
    db = await createTestDatabase('protection_settings');
    server = await startServer({ DATABASE_URL: db.url });
    ({ client: admin, email: adminEmail } = await setupAdmin(server));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('shows sensible defaults', async () => {
    expect((await admin.gql(SETTINGS)).data).toEqual({ bruteForceSettings: DEFAULTS });
  });

  it('a changed threshold takes effect', async () => {
    const res = await admin.gql(UPDATE, { i: { accountIpThreshold: 2 } });
    expect(res.data?.['updateBruteForceSettings']).toMatchObject({ accountIpThreshold: 2, ipThreshold: 20 });
    const ip = '198.51.100.200';
    const first = await admin.gql(REPORT, {
      i: { account: 'x@example.test', ip, outcome: 'FAILURE', service: 'imap', secretFingerprint: '1' },
    });
    const second = await admin.gql(REPORT, {
      i: { account: 'x@example.test', ip, outcome: 'FAILURE', service: 'imap', secretFingerprint: '2' },
    });
    expect(first.data?.['reportLogin']).toEqual({ allowed: true, reason: null });
    expect(second.data?.['reportLogin']).toEqual({ allowed: false, reason: 'IP_BLOCKED' });
  });

  it.each([
    [{ ipThreshold: 0 }, 'ipThreshold'],
    [{ windowSeconds: 5 }, 'windowSeconds'],
    [{ escalationFactor: 1000 }, 'escalationFactor'],
    [{ blockSeconds: 7200, maxBlockSeconds: 3600 }, 'maxBlockSeconds'],
  ])('refuses %j and changes nothing', async (input, field) => {
    const before = (await admin.gql(SETTINGS)).data;
    const res = await admin.gql(UPDATE, { i: input });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.extensions!['fields']).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect((await admin.gql(SETTINGS)).data).toEqual(before);
  });

  it('needs MANAGE_SETTINGS to change them', async () => {
    const { client: ipManager } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_IPS'] });
    expect((await ipManager.gql(SETTINGS)).errors).toBeUndefined();
    expect(codes(await ipManager.gql(UPDATE, { i: { ipThreshold: 3 } }))).toEqual(['FORBIDDEN']);
  });

  it('removes trusted IPs and named locations; unknown and malformed ids are clear errors', async () => {
    const marked = await admin.gql(`mutation { markIpSafe(input: { cidr: "192.0.2.5" }) { ... on TrustedIp { id } } }`);
    const id = marked.data!['markIpSafe'].id as string;
    const remove = `mutation($id: ID!) { removeTrustedIp(id: $id) }`;
    expect((await admin.gql(remove, { id })).data).toEqual({ removeTrustedIp: true });
    expect(codes(await admin.gql(remove, { id }))).toEqual(['NOT_FOUND']);
    expect(codes(await admin.gql(remove, { id: 'x' }))).toEqual(['BAD_USER_INPUT']);

    const loc = await admin.gql(
      `mutation { createNamedLocation(input: { cidr: "10.1.0.0/16", name: "Branch" }) { ... on NamedLocation { id } } }`,
    );
    const locId = loc.data!['createNamedLocation'].id as string;
    const del = `mutation($id: ID!) { deleteNamedLocation(id: $id) }`;
    // Bad and unknown ids delete nothing while the location exists.
    expect(codes(await admin.gql(del, { id: '1' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await admin.gql(del, { id: '00000000-0000-4000-8000-000000000000' }))).toEqual(['NOT_FOUND']);
    expect(await db.query('select id from named_location')).toEqual([{ id: locId }]);
    expect((await admin.gql(del, { id: locId })).data).toEqual({ deleteNamedLocation: true });
    expect(codes(await admin.gql(del, { id: locId }))).toEqual(['NOT_FOUND']);
    expect(await db.query('select id from named_location')).toEqual([]);
  });

  it('an ASN override changes the network kind reported for its addresses', async () => {
    const kind = async () =>
      (await admin.gql(`{ checkIp(ip: "8.8.8.8") { location { networkKind } } }`)).data!['checkIp'].location.networkKind;
    expect(await kind()).toBe('HOSTING');
    const set = await admin.gql(`mutation { setAsnNetworkKind(asn: 15169, kind: FIXED) { asn kind } }`);
    expect(set.data).toEqual({ setAsnNetworkKind: { asn: 15169, kind: 'FIXED' } });
    expect(await kind()).toBe('FIXED');
    expect((await admin.gql(`{ asnNetworkKinds { asn kind } }`)).data).toEqual({
      asnNetworkKinds: [{ asn: 15169, kind: 'FIXED' }],
    });
    await admin.gql(`mutation { setAsnNetworkKind(asn: 15169, kind: null) { asn } }`);
    expect(await kind()).toBe('HOSTING');
    expect(codes(await admin.gql(`mutation { setAsnNetworkKind(asn: 0, kind: VPN) { asn } }`))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await admin.gql(`mutation { setAsnNetworkKind(asn: -5, kind: VPN) { asn } }`))).toEqual(['BAD_USER_INPUT']);
    expect((await admin.gql(`{ asnNetworkKinds { asn kind } }`)).data).toEqual({ asnNetworkKinds: [] });
    expect(await kind()).toBe('HOSTING');
  });

  it('changes of different fields at once, on one instance or two, keep each other', async () => {
    const stored = async () => {
      const [row] = await db.query<{ value: Record<string, number> }>(`select value from setting where key = 'bruteForce'`);
      return row!.value;
    };
    const other = await startServer({ DATABASE_URL: db.url });
    try {
      const adminB = new GqlClient(other.url);
      await adminB.gql(LOGIN, { input: { email: adminEmail, password: PASSWORD } });
      // The second instance has read the settings (and remembers them for a few seconds)...
      expect((await adminB.gql(SETTINGS)).data!['bruteForceSettings'].windowSeconds).toBe(900);
      // ...when the first changes one field; the second then changes another.
      await admin.gql(UPDATE, { i: { blockSeconds: 1200 } });
      await adminB.gql(UPDATE, { i: { escalationFactor: 3 } });
      expect(await stored()).toMatchObject({ blockSeconds: 1200, escalationFactor: 3 });
      // Four admins at the same moment, each a different field (some block less: confirmed first).
      await reauthenticate(admin);
      await reauthenticate(adminB);
      await Promise.all([
        admin.gql(UPDATE, { i: { ipThreshold: 31 } }),
        adminB.gql(UPDATE, { i: { windowSeconds: 1800 } }),
        admin.gql(UPDATE, { i: { maxBlockSeconds: 7200 } }),
        adminB.gql(UPDATE, { i: { accountIpThreshold: 4 } }),
      ]);
      expect(await stored()).toMatchObject({
        blockSeconds: 1200,
        escalationFactor: 3,
        ipThreshold: 31,
        windowSeconds: 1800,
        maxBlockSeconds: 7200,
        accountIpThreshold: 4,
      });
      expect(
        await db.query(
          `select count(*)::int as n from audit_log where action = 'SETTINGS_CHANGED' and target_label = 'bruteForce'`,
        ),
      ).toEqual([{ n: 7 }]);
    } finally {
      await other.stop();
    }
  });

  it('blocking less needs a fresh re-authentication, blocking more does not; a refused change changes nothing', async () => {
    const { client: other } = await createAccount(server, admin, { role: 'ADMIN' });
    // What is stored (an instance may remember the settings for a few seconds after the other one's change).
    const stored = async () => {
      const [row] = await db.query<{ value: Partial<typeof DEFAULTS> }>(`select value from setting where key = 'bruteForce'`);
      return { ...DEFAULTS, ...row?.value };
    };
    const before = await stored();
    for (const looser of [
      { ipThreshold: before.ipThreshold + 1 },
      { accountIpThreshold: before.accountIpThreshold + 1 },
      { windowSeconds: before.windowSeconds - 60 },
      { blockSeconds: before.blockSeconds - 60 },
      { maxBlockSeconds: before.maxBlockSeconds - 60 },
      { escalationFactor: before.escalationFactor - 1 },
    ]) {
      expect(codes(await other.gql(UPDATE, { i: looser })), JSON.stringify(looser)).toEqual(['REAUTH_REQUIRED']);
    }
    expect(await stored()).toEqual(before);
    const tighter = await other.gql(UPDATE, {
      i: { ipThreshold: before.ipThreshold - 1, blockSeconds: before.blockSeconds + 60 },
    });
    expect(tighter.data?.['updateBruteForceSettings']).toMatchObject({
      ipThreshold: before.ipThreshold - 1,
      blockSeconds: before.blockSeconds + 60,
    });
    await reauthenticate(other);
    const looser = await other.gql(UPDATE, { i: { ipThreshold: before.ipThreshold + 5 } });
    expect(looser.data?.['updateBruteForceSettings']).toMatchObject({ ipThreshold: before.ipThreshold + 5 });
  });
});
