import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createAccount, setupAdmin } from '../support/factories.js';
import { codes, type GqlClient } from '../support/graphql.js';
import { startServer, type RunningServer } from '../support/server.js';

const DECIDE = `query($i: LoginDecisionInput!) { loginDecision(input: $i) { allowed reason } }`;
const REPORTS = `mutation($r: [LoginReportInput!]!) { reportLogins(reports: $r) { allowed } }`;
const REPORT = `mutation($i: LoginReportInput!) { reportLogin(input: $i) { allowed reason } }`;
const DISABLE = `mutation($id: ID!) { setAccountDisabled(id: $id, disabled: true) { id } }`;

/**
 * The integrator API's rules that hold whatever the source: a locked account stays locked from a
 * trusted address, and guessing it is counted; a batch is validated item by item before anything is
 * written.
 */
describe('integrator rules', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: GqlClient;

  beforeAll(async () => {
    db = await createTestDatabase('integrator_rules');
    server = await startServer({ DATABASE_URL: db.url });
    ({ client: admin } = await setupAdmin(server));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('a locked account is refused from a safe address too', async () => {
    const { email, id } = await createAccount(server, admin, { role: 'USER' });
    const safe = await admin.gql(`mutation($i: MarkIpSafeInput!) { markIpSafe(input: $i) { __typename } }`, {
      i: { cidr: '198.51.100.0/24', note: 'webmail hosts' },
    });
    expect(safe.data!['markIpSafe'].__typename).toBe('TrustedIp');
    expect((await admin.gql(DECIDE, { i: { account: email, ip: '198.51.100.7' } })).data!['loginDecision']).toEqual({
      allowed: true,
      reason: null,
    });
    await admin.gql(DISABLE, { id });
    expect((await admin.gql(DECIDE, { i: { account: email, ip: '198.51.100.7' } })).data!['loginDecision']).toEqual({
      allowed: false,
      reason: 'ACCOUNT_LOCKED',
    });
    const report = await admin.gql(REPORT, { i: { account: email, ip: '198.51.100.8', outcome: 'SUCCESS', service: 'imap' } });
    expect(report.data!['reportLogin']).toEqual({ allowed: false, reason: 'ACCOUNT_LOCKED' });
  });

  it('failed logins against a locked account count toward the source’s block', async () => {
    const { email, id } = await createAccount(server, admin, { role: 'USER' });
    await admin.gql(DISABLE, { id });
    for (let i = 0; i < 3; i++) {
      const r = await admin.gql(REPORT, { i: { account: email, ip: '203.0.113.45', outcome: 'FAILURE', service: 'imap' } });
      expect(r.data!['reportLogin'].reason).toBe('ACCOUNT_LOCKED');
    }
    const [counted] = await db.query<{ n: number }>(
      `select coalesce(max(count), 0)::int as n from failure_counter where key like '%203.0.113.45%'`,
    );
    expect(counted!.n).toBe(3);
  });

  it('a batch is checked item by item and nothing is written when one item is bad', async () => {
    const good = {
      account: 'batch@example.test',
      ip: '192.0.2.10',
      outcome: 'FAILURE',
      service: 'imap',
      userAgent: 'batch-marker',
    };
    const tooLong = await admin.gql(REPORTS, { r: [good, { ...good, service: 'x'.repeat(40) }] });
    expect(codes(tooLong)).toEqual(['BAD_USER_INPUT']);
    const badOutcome = await admin.gql(REPORTS, { r: [good, { ...good, outcome: 'MAYBE' }] });
    expect(codes(badOutcome)).toEqual(['BAD_USER_INPUT']);
    expect(await db.query(`select 1 from login_event where user_agent = 'batch-marker'`)).toHaveLength(0);
    const ok = await admin.gql(REPORTS, { r: [good, good] });
    expect(ok.data!['reportLogins']).toHaveLength(2);
    expect(await db.query(`select 1 from login_event where user_agent = 'batch-marker'`)).toHaveLength(2);
  });

  it('an integrator asks for an address alone: blocked (why, until when, which repeat), globally safe, recent failures', async () => {
    const STATUS = `query($ip: String!) { ipStatus(ip: $ip) { ip sourcePrefix blocked blockedRange blockReason blockedUntil strike globallySafe recentFailures } }`;
    const { client: reporter } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['REPORT_LOGINS'] });
    const quiet = '203.0.113.60';
    expect((await reporter.gql(STATUS, { ip: quiet })).data?.['ipStatus']).toEqual({
      ip: quiet,
      sourcePrefix: `${quiet}/32`,
      blocked: false,
      blockedRange: null,
      blockReason: null,
      blockedUntil: null,
      strike: null,
      globallySafe: false,
      recentFailures: 0,
    });

    // Five wrong passwords for one account: blocked automatically (the default threshold and 15 minutes).
    const guesser = '203.0.113.61';
    for (let i = 0; i < 5; i++) {
      await reporter.gql(REPORT, {
        i: { account: 'target@example.test', ip: guesser, outcome: 'FAILURE', service: 'imap', secretFingerprint: `g${i}` },
      });
    }
    const blocked = (await reporter.gql(STATUS, { ip: guesser })).data?.['ipStatus'];
    expect(blocked).toMatchObject({
      blocked: true,
      blockedRange: `${guesser}/32`,
      blockReason: 'BRUTE_FORCE',
      strike: 1,
      recentFailures: 5,
    });
    expect(new Date(blocked.blockedUntil).getTime()).toBeGreaterThan(Date.now() + 10 * 60_000);

    // Blocked by hand, until lifted; and a globally safe address.
    await admin.gql(`mutation { blockIp(input: { cidr: "203.0.113.64/30", note: "abuse" }) { __typename } }`);
    expect((await reporter.gql(STATUS, { ip: '203.0.113.65' })).data?.['ipStatus']).toMatchObject({
      blocked: true,
      blockedRange: '203.0.113.64/30',
      blockReason: 'MANUAL',
      blockedUntil: null,
    });
    await admin.gql(`mutation { markIpSafe(input: { cidr: "203.0.113.70" }) { __typename } }`);
    expect((await reporter.gql(STATUS, { ip: '203.0.113.70' })).data?.['ipStatus']).toMatchObject({
      blocked: false,
      globallySafe: true,
    });

    // A right password refused (a disabled account) counts like a wrong one: the count tells nothing
    // about which password was right.
    const { email: lockedEmail, id: lockedId } = await createAccount(server, admin, { role: 'USER' });
    await admin.gql(DISABLE, { id: lockedId });
    await reporter.gql(REPORT, { i: { account: lockedEmail, ip: '203.0.113.80', outcome: 'SUCCESS', service: 'imap' } });
    await reporter.gql(REPORT, {
      i: { account: lockedEmail, ip: '203.0.113.80', outcome: 'FAILURE', service: 'imap', secretFingerprint: 'x' },
    });
    expect((await reporter.gql(STATUS, { ip: '203.0.113.80' })).data?.['ipStatus'].recentFailures).toBe(2);

    expect(codes(await reporter.gql(STATUS, { ip: 'not-an-ip' }))).toEqual(['BAD_USER_INPUT']);
    const { client: user } = await createAccount(server, admin, { role: 'USER' });
    expect(codes(await user.gql(STATUS, { ip: quiet }))).toEqual(['FORBIDDEN']);
  });
});
