import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/database.js';
import { startStack, type Stack } from '../support/stack.js';
import { createAccount, LOGIN, PASSWORD, reauthenticate, uniqueEmail } from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import { MailSink } from '../support/smtp.js';
import { runCli, type RunningServer } from '../support/server.js';

/**
 * The password guard: wrong passwords for one account name from many places together (each place
 * below its own thresholds) pause sign-ins of that name from new places.
 */
const GUARD = 6;
const ENV = {
  TRUSTED_PROXIES: '127.0.0.1/32',
  PASSWORD_GUARD_FAILURES: String(GUARD),
  // Each address stays well below its own thresholds: two wrong passwords per address below.
  BRUTE_FORCE_ACCOUNT_IP_THRESHOLD: '5',
  BRUTE_FORCE_IP_THRESHOLD: '20',
};
const MARK_SAFE = `mutation($i: MarkIpSafeInput!) { markIpSafe(input: $i) { __typename ... on ErrorResult { code } } }`;
const REPORT = `mutation($i: LoginReportInput!) { reportLogin(input: $i) { allowed reason } }`;
const ADD = `mutation($l: String!) { addAdminAccessEntries(lines: $l) { entries { cidr } } }`;
const RESTRICT = `mutation($r: Boolean!) { setIpRestriction(restricted: $r) { restricted } }`;
const EVENTS = `query($f: LoginEventFilter) { loginEvents(filter: $f) { nodes { ip outcome attemptedName } } }`;

let n = 0;
/** A fresh documentation-range address per call: no counter of one test is another's. */
const newPlace = () => `198.51.100.${++n}`;

describe('password guard', () => {
  let stack: Stack;
  let db: TestDatabase;
  let server: RunningServer;
  let mail: MailSink;
  let admin: GqlClient;
  let adminId: string;

  beforeAll(async () => {
    stack = await startStack('password_guard', { ...ENV });
    ({ db, mail, server, admin, adminId } = stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const from = (ip: string) => new GqlClient(server.url, { 'x-forwarded-for': ip });
  const signIn = async (ip: string, email: string, password: string) => {
    const res = await from(ip).gql(LOGIN, { input: { email, password } });
    return res.data?.['login'] as { __typename: string; code?: string; message?: string };
  };
  const verifications = async () => {
    const text = await (await fetch(`${server.url}/metrics`)).text();
    return Number(/security_center_password_verifications_total (\d+)/.exec(text)![1]);
  };
  /** `count` different wrong passwords for `email`, two from each new address. */
  const spray = async (email: string, count: number, tag = 'guess') => {
    let ip = newPlace();
    for (let i = 0; i < count; i++) {
      if (i > 0 && i % 2 === 0) ip = newPlace();
      expect((await signIn(ip, email, `${tag}-${i}`)).__typename).toBe('InvalidCredentialsError');
    }
  };

  it('after many wrong passwords from many places, a new address is refused unchecked (a right password too); a known one still signs in and ends the run', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    const home = '203.0.113.10';
    expect((await signIn(home, user.email, PASSWORD)).__typename).toBe('LoginSuccess');
    const since = mail.count();

    await spray(user.email, GUARD - 1);
    // One short of the guard: a new place still signs in with the right password... which ends the run.
    expect((await signIn(newPlace(), user.email, PASSWORD)).__typename).toBe('LoginSuccess');
    // (Other wrong passwords than before: a repeat of a recent one counts once.)
    await spray(user.email, GUARD - 1, 'again');
    const stillHeard = newPlace();
    expect((await signIn(stillHeard, user.email, 'another wrong one')).__typename).toBe('InvalidCredentialsError');

    // Now paused: from a new address the right password is not even checked.
    const before = await verifications();
    const stranger = newPlace();
    const paused = await signIn(stranger, user.email, PASSWORD);
    expect(paused).toMatchObject({ __typename: 'SignInPausedError', code: 'SIGN_IN_PAUSED' });
    expect(paused.message).toMatch(/paused/);
    expect((await signIn(stranger, user.email, 'wrong')).__typename).toBe('SignInPausedError');
    expect(await verifications()).toBe(before);
    // The login history shows the refusal.
    const events = await admin.gql(EVENTS, { f: { ip: stranger } });
    expect(events.data?.['loginEvents'].nodes).toContainEqual({ ip: stranger, outcome: 'BLOCKED', attemptedName: user.email });

    // The holder is told once, when it starts.
    const told = await mail.waitFor(user.email, (m) => /paused/.test(m.subject), since);
    expect(MailSink.text(told)).toContain(`${GUARD} wrong passwords`);

    // An address the account signed in from before is still heard, and its right password ends the pause.
    expect((await signIn(home, user.email, PASSWORD)).__typename).toBe('LoginSuccess');
    expect((await signIn(stranger, user.email, PASSWORD)).__typename).toBe('LoginSuccess');
    expect(mail.messages.slice(since).filter((m) => m.to.includes(user.email) && /paused/.test(m.subject))).toHaveLength(1);
  });

  it('answers a name without an account alike, so the pause tells nothing about who exists', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    const nobody = uniqueEmail('nobody');
    await spray(user.email, GUARD);
    await spray(nobody, GUARD);
    const ip = newPlace();
    const known = await signIn(ip, user.email, 'wrong');
    const unknown = await signIn(ip, nobody, 'wrong');
    expect(known).toMatchObject({ __typename: 'SignInPausedError', code: 'SIGN_IN_PAUSED' });
    expect(unknown).toEqual(known);
  });

  it('counts a repeated wrong password once, and neither pauses nor counts an address marked safe for the account', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    // One stale password from many devices is one guess.
    for (let i = 0; i < GUARD + 2; i++) {
      expect((await signIn(newPlace(), user.email, 'last year’s password')).__typename).toBe('InvalidCredentialsError');
    }
    expect((await signIn(newPlace(), user.email, PASSWORD)).__typename).toBe('LoginSuccess');

    await spray(user.email, GUARD);
    const office = newPlace();
    expect((await signIn(office, user.email, PASSWORD)).__typename).toBe('SignInPausedError');
    const marked = await admin.gql(MARK_SAFE, { i: { cidr: office, accountId: user.id, note: 'new office' } });
    expect(marked.data?.['markIpSafe'].__typename).toBe('TrustedIp');
    // Wrong passwords from there are not counted toward anything, and the right one gets in.
    for (let i = 0; i < 3; i++)
      expect((await signIn(office, user.email, `typo-${i}`)).__typename).toBe('InvalidCredentialsError');
    expect((await signIn(office, user.email, PASSWORD)).__typename).toBe('LoginSuccess');
  });

  it('pauses only the name under attack: other accounts sign in from the same new places', async () => {
    const victim = await createAccount(server, admin, { role: 'USER' });
    const bystander = await createAccount(server, admin, { role: 'USER' });
    await spray(victim.email, GUARD);
    const ip = newPlace();
    expect((await signIn(ip, victim.email, PASSWORD)).__typename).toBe('SignInPausedError');
    expect((await signIn(ip, bystander.email, PASSWORD)).__typename).toBe('LoginSuccess');
  });

  it('knows an IPv6 place by its /64, and only by sign-ins to the dashboard (never an integrator’s reported success)', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    expect((await signIn('2001:db8:5:6::10', user.email, PASSWORD)).__typename).toBe('LoginSuccess');
    // A success an integrator reports (its token could be leaked) does not make an address known.
    // Not even one that names the dashboard's own service.
    const reported = '203.0.113.77';
    const posing = '203.0.113.78';
    const r = await admin.gql(REPORT, { i: { account: user.email, ip: reported, outcome: 'SUCCESS', service: 'imap' } });
    expect(r.data?.['reportLogin'].allowed).toBe(true);
    const p = await admin.gql(REPORT, { i: { account: user.email, ip: posing, outcome: 'SUCCESS', service: 'panel' } });
    expect(p.data?.['reportLogin'].allowed).toBe(true);
    await spray(user.email, GUARD);
    expect((await signIn('2001:db8:5:6::99', user.email, PASSWORD)).__typename).toBe('LoginSuccess');
    await spray(user.email, GUARD, 'v6');
    expect((await signIn('2001:db8:5:7::1', user.email, PASSWORD)).__typename).toBe('SignInPausedError');
    expect((await signIn(reported, user.email, PASSWORD)).__typename).toBe('SignInPausedError');
    expect((await signIn(posing, user.email, PASSWORD)).__typename).toBe('SignInPausedError');
  });

  it('an integrator’s reported wrong passwords do not make the dashboard’s guesses of them repeats', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    // Candidates reported as failed secrets first: on the panel each still counts as a new guess.
    for (let i = 0; i < GUARD; i++) {
      await admin.gql(REPORT, {
        i: { account: user.email, ip: newPlace(), outcome: 'FAILURE', service: 'imap', secretFingerprint: `candidate-${i}` },
      });
    }
    await spray(user.email, GUARD, 'candidate');
    expect((await signIn(newPlace(), user.email, PASSWORD)).__typename).toBe('SignInPausedError');
  });

  it('hears restricted staff from anywhere on their IP access list', async () => {
    const staff = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_IPS'] });
    await reauthenticate(staff.client);
    expect((await staff.client.gql(ADD, { l: '127.0.0.1/32\n192.0.2.0/24' })).errors).toBeUndefined();
    expect((await staff.client.gql(RESTRICT, { r: true })).data).toEqual({ setIpRestriction: { restricted: true } });
    await spray(staff.email, GUARD);
    // Never signed in from this desk of the listed office: heard all the same.
    expect((await signIn('192.0.2.77', staff.email, PASSWORD)).__typename).toBe('LoginSuccess');
    await spray(staff.email, GUARD, 'staff');
    expect((await signIn(newPlace(), staff.email, PASSWORD)).__typename).toBe('SignInPausedError');
  });

  it('a source sending paused sign-ins in a loop gets blocked like one guessing', async () => {
    const nobody = uniqueEmail('looped');
    await spray(nobody, GUARD);
    const ip = newPlace();
    const answers: string[] = [];
    // The source threshold is 20: paused answers until then, then the block.
    for (let i = 0; i < 21; i++) answers.push((await signIn(ip, nobody, `loop-${i}`)).__typename);
    expect(answers.slice(0, 20)).toEqual(Array(20).fill('SignInPausedError'));
    expect(answers[20]).toBe('IpBlockedError');
  });

  it('the CLI ends a pause for an owner who cannot wait (audited)', async () => {
    const user = await createAccount(server, admin, { role: 'USER' });
    await spray(user.email, GUARD);
    const ip = newPlace();
    expect((await signIn(ip, user.email, PASSWORD)).__typename).toBe('SignInPausedError');
    const cli = await runCli(['resume-sign-ins', '--email', user.email], { DATABASE_URL: db.url, ...ENV });
    expect(cli).toMatchObject({
      code: 0,
      stdout: expect.stringContaining(`Sign-ins to ${user.email} are heard from everywhere again`),
    });
    expect((await signIn(ip, user.email, PASSWORD)).__typename).toBe('LoginSuccess');
    const audit = await admin.gql(`{ auditLog(filter: { action: SIGN_INS_RESUMED }) { nodes { targetLabel actorEmail } } }`);
    expect(audit.data?.['auditLog'].nodes).toEqual([{ targetLabel: user.email, actorEmail: null }]);
    expect((await runCli(['resume-sign-ins', '--email', 'nobody@example.test'], { DATABASE_URL: db.url })).code).toBe(2);
  });

  it('an admin sees the count on the account and resumes sign-ins after confirming it is them (audited); bad input changes nothing', async () => {
    const GUARD_Q = `query($a: ID!) { signInGuard(accountId: $a) { failures threshold paused } }`;
    const RESUME = `mutation($a: ID!) { resumeSignIns(accountId: $a) { failures threshold paused } }`;
    const user = await createAccount(server, admin, { role: 'USER' });
    await spray(user.email, GUARD);
    expect((await admin.gql(GUARD_Q, { a: user.id })).data?.['signInGuard']).toEqual({
      failures: GUARD,
      threshold: GUARD,
      paused: true,
    });
    // Not the user's own business; a sub-admin managing users sees a user's…
    expect(codes(await user.client.gql(GUARD_Q, { a: user.id }))).toEqual(['FORBIDDEN']);
    const ipManager = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_USERS'] });
    expect((await ipManager.client.gql(GUARD_Q, { a: user.id })).data?.['signInGuard'].paused).toBe(true);
    // …but not an admin's.
    expect(codes(await ipManager.client.gql(GUARD_Q, { a: adminId }))).toEqual(['FORBIDDEN']);

    // Bad input, and a stale confirmation: refused, and the pause stays.
    expect(codes(await admin.gql(RESUME, { a: 'not-an-id' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await admin.gql(RESUME, { a: '00000000-0000-4000-8000-000000000000' }))).toEqual(['NOT_FOUND']);
    expect(codes(await admin.gql(RESUME, { a: user.id }))).toEqual(['REAUTH_REQUIRED']);
    // Never one's own (an intruder in a session at a known place must not open new places), nor an
    // account of a role one may not manage: confirmed or not.
    await reauthenticate(admin);
    const self = await admin.gql(RESUME, { a: adminId });
    expect(self.errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      fields: [{ field: 'accountId', reason: 'SELF' }],
    });
    await reauthenticate(ipManager.client);
    expect(codes(await ipManager.client.gql(RESUME, { a: adminId }))).toEqual(['FORBIDDEN']);
    const staffManager = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_SUB_ADMINS'] });
    await reauthenticate(staffManager.client);
    expect(codes(await staffManager.client.gql(RESUME, { a: user.id }))).toEqual(['FORBIDDEN']);
    expect((await signIn(newPlace(), user.email, PASSWORD)).__typename).toBe('SignInPausedError');
    expect((await admin.gql(GUARD_Q, { a: user.id })).data?.['signInGuard'].failures).toBe(GUARD);

    // A sub-admin managing users resumes a user's.
    expect((await ipManager.client.gql(RESUME, { a: user.id })).data?.['resumeSignIns']).toEqual({
      failures: 0,
      threshold: GUARD,
      paused: false,
    });
    expect((await signIn(newPlace(), user.email, PASSWORD)).__typename).toBe('LoginSuccess');
    const audit = await admin.gql(
      `{ auditLog(filter: { action: SIGN_INS_RESUMED }) { nodes { targetLabel actorEmail details } } }`,
    );
    expect(audit.data?.['auditLog'].nodes).toContainEqual({
      targetLabel: user.email,
      actorEmail: ipManager.email,
      details: { failures: GUARD },
    });
  });
});
