import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveSessionCount, type TestDatabase } from '../support/database.js';
import { startStack, type Stack } from '../support/stack.js';
import {
  apiClientFor,
  CREATE_ACCOUNT,
  createAccount,
  createIntegration,
  LOGIN,
  PASSWORD,
  reauthenticate,
  setupAdmin,
  staleReauth,
  uniqueEmail,
} from '../support/factories.js';
import { codes, GqlClient, type GqlResponse } from '../support/graphql.js';
import { inLockOrder } from '../support/locks.js';
import { startServer, withServer, type RunningServer } from '../support/server.js';
import { MailSink, type ReceivedMail } from '../support/smtp.js';
import { totp } from '../support/totp.js';
import { awayFromStepEdge, enrollTotp, type Login, loginStep, loginWithTotp, Q } from '../support/two-factor.js';
import { SoftKey } from '../support/webauthn.js';

/**
 * Rules around the second factors that no single flow shows: an enrollment-only session sets up the
 * first factor and nothing beside one; a policy keeps the last method; re-authentication never falls
 * back to the password alone; who may unlock, grant and approve what.
 */
describe('two-factor rules', () => {
  let stack: Stack;
  let db: TestDatabase;
  let server: RunningServer;
  let mail: MailSink;
  let admin: GqlClient;
  let adminId: string;

  beforeAll(async () => {
    stack = await startStack('two_factor_rules', { EMAIL_CODE_COOLDOWN_SECONDS: '4' });
    ({ db, mail, server, admin, adminId } = stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const MARK = `mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { accountId } }`;
  const factors = async (id: string) =>
    (
      await db.query<{ n: number }>(
        `select ((select count(*) from totp_authenticator where account_id = $1 and status = 'ACTIVE')
              + (select count(*) from email_factor where account_id = $1 and status = 'ACTIVE')
              + (select count(*) from webauthn_credential where account_id = $1))::int as n`,
        [id],
      )
    )[0]!.n;

  const liveSessions = (id: string) => liveSessionCount(db, id);

  it('an enrollment-only session ends once its holder sets up a factor elsewhere: it can neither add one nor read the holder’s', async () => {
    const { email, id } = await createAccount(server, admin, { role: 'USER' });
    await admin.gql(MARK, { id });
    // Someone with the password only, and the holder: both are sent to enrollment.
    const intruder = new GqlClient(server.url);
    expect((await loginStep(intruder, email)).typename).toBe('TwoFactorEnrollmentRequired');
    const since = mail.count();
    const started = await intruder.gql(Q.startEmail, { a: 'intruder@example.test' });
    expect(started.data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
    const code = await mail.codeFor('intruder@example.test', since);

    const holder = new GqlClient(server.url);
    expect((await loginStep(holder, email)).typename).toBe('TwoFactorEnrollmentRequired');
    await enrollTotp(holder);
    expect((await holder.gql(Q.me)).data!['me']).toMatchObject({ id });

    // The intruder's session has ended: its enrollment in progress no longer completes, no other can
    // start, and the holder's factors (the app, the e-mail address a holder might set up) are not shown to it.
    expect(codes(await intruder.gql(Q.confirmEmail, { c: code }))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await intruder.gql(Q.startTotp))).toEqual(['UNAUTHENTICATED']);
    expect(codes(await intruder.gql(`mutation { webauthnRegistrationOptions(name: "mine") }`))).toEqual(['UNAUTHENTICATED']);
    const status = await intruder.gql(Q.status);
    expect(codes(status)).toEqual(['UNAUTHENTICATED']);
    expect(status.data?.['myTwoFactor'] ?? null).toBeNull();
    expect((await intruder.gql(Q.me)).data!['me']).toBeNull();
    expect(
      await db.query(
        `select revoked_reason from session where account_id = $1 and stage = 'ENROLLMENT_REQUIRED' and revoked_at is not null`,
        [id],
      ),
    ).toContainEqual({ revoked_reason: 'FACTOR_SET_UP' });
    // The holder's session goes on.
    expect((await holder.gql(Q.me)).data!['me']).toMatchObject({ id });
    expect(await factors(id)).toBe(1);
    const [row] = await db.query(`select status from email_factor where account_id = $1`, [id]);
    expect(row!['status']).toBe('PENDING');
    // Signing in again asks for the holder's factor.
    expect((await loginStep(new GqlClient(server.url), email)).typename).toBe('SecondFactorRequired');
  });

  it('an enrollment-only session whose account gets a first factor while its own confirmation waits adds none beside it, and reads none', async () => {
    const { email, id } = await createAccount(server, admin, { role: 'USER' });
    await admin.gql(MARK, { id });
    const intruder = new GqlClient(server.url);
    expect((await loginStep(intruder, email)).typename).toBe('TwoFactorEnrollmentRequired');
    const secret = ((await intruder.gql(Q.startTotp)).data!['startTotpEnrollment'].secret as string).replace(/\s/g, '');
    await awayFromStepEdge();
    // The intruder's confirmation passes the early check, then waits for the account's factor lock, held
    // here while the holder's first factor (an e-mail address, confirmed in another session) is written.
    const holderAddress = uniqueEmail('holder');
    const [confirmed] = await inLockOrder(
      db,
      ['select pg_advisory_xact_lock(hashtext($1))', [`two_factor_methods:${id}`]],
      [() => intruder.gql(Q.confirmTotp, { c: totp(secret, 0) })],
      {
        waitingOn: 'pg_advisory_xact_lock',
        meanwhile: (locker) =>
          locker.query(
            `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
             values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
            [id, holderAddress],
          ),
      },
    );
    expect(codes(confirmed!), JSON.stringify(confirmed)).toEqual(['SECOND_FACTOR_REQUIRED']);
    expect(await db.query(`select status from totp_authenticator where account_id = $1`, [id])).toEqual([{ status: 'PENDING' }]);
    expect(await factors(id)).toBe(1);
    // Its session still lives (nothing here ended it), and it reads nothing of the holder's factor.
    const status = await intruder.gql(Q.status);
    expect(codes(status)).toEqual(['SECOND_FACTOR_REQUIRED']);
    expect(JSON.stringify(status)).not.toContain(holderAddress);
    expect((await loginStep(new GqlClient(server.url), email)).typename).toBe('SecondFactorRequired');
  });

  it('under a policy the last method stays until another is set up; a setup in progress is not a method', async () => {
    const { client, email, id } = await createAccount(server, admin, { role: 'USER' });
    await client.gql(Q.startTotp);
    await reauthenticate(client);
    // Only an unconfirmed app: nothing to remove, nothing told, nothing audited.
    const since = mail.count();
    expect(codes(await client.gql(Q.disableTotp))).toEqual(['NOT_FOUND']);
    const [pending] = await db.query(`select status from totp_authenticator where account_id = $1`, [id]);
    expect(pending!['status']).toBe('PENDING');
    expect(await db.query(`select 1 from audit_log where target_id = $1 and action = 'TWO_FACTOR_DISABLED'`, [id])).toHaveLength(
      0,
    );

    await client.gql(Q.startTotp).then(async (r) => {
      const secret = (r.data!['startTotpEnrollment'].secret as string).replace(/\s/g, '');
      await awayFromStepEdge();
      const ok = await client.gql(Q.confirmTotp, { c: totp(secret, -1) });
      expect(ok.data!['confirmTotpEnrollment'].__typename).toBe('TwoFactorEnabled');
      await admin.gql(MARK, { id });
      const re = await client.gql(Q.reauth, {
        i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } },
      });
      expect(re.data!['reauthenticate'].__typename, JSON.stringify(re)).toBe('ReauthSuccess');
    });
    expect(codes(await client.gql(Q.disableTotp))).toEqual(['LAST_METHOD_REQUIRED']);
    expect(await factors(id)).toBe(1);

    // With e-mail codes beside it, the app may go.
    const sent = mail.count();
    expect((await client.gql(Q.startEmail, { a: email })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
    const code = await mail.codeFor(email, sent);
    expect((await client.gql(Q.confirmEmail, { c: code })).data!['confirmEmailEnrollment'].__typename).toBe('TwoFactorEnabled');
    expect((await client.gql(Q.disableTotp)).data!['disableTotp']).toBe(true);
    expect(codes(await client.gql(Q.disableEmail))).toEqual(['LAST_METHOD_REQUIRED']);
    expect(await factors(id)).toBe(1);
    expect(mail.count()).toBeGreaterThan(since);
  });

  it('a removal that will be refused says so before asking for a recent confirmation (which could cost a code for nothing); one that may go asks for it', async () => {
    const { client, id } = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(client);
    await admin.gql(MARK, { id });
    await staleReauth(db, client, id);
    expect(codes(await client.gql(Q.disableTotp))).toEqual(['LAST_METHOD_REQUIRED']);
    // No longer required: the app may go, once confirmed.
    const unmarked = await admin.gql(
      `mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: false) { accountId } }`,
      {
        id,
      },
    );
    expect(unmarked.errors).toBeUndefined();
    expect(codes(await client.gql(Q.disableTotp))).toEqual(['REAUTH_REQUIRED']);
    expect(await factors(id)).toBe(1);
  });

  it('the last method that can sign you in does not go while what stays cannot and no recovery code is left', async () => {
    // Staff: an app, and e-mail codes, which staff may not use (the default).
    const staff = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: [] });
    const { secret } = await enrollTotp(staff.client);
    await db.query(
      `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
       values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
      [staff.id, staff.email],
    );
    await awayFromStepEdge();
    const re = await staff.client.gql(Q.reauth, {
      i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } },
    });
    expect(re.data!['reauthenticate'].__typename, JSON.stringify(re)).toBe('ReauthSuccess');
    // Every recovery code used: removing the app would leave a second step nothing can give.
    await db.query(`update recovery_code set used_at = now() where account_id = $1`, [staff.id]);
    const refused = await staff.client.gql(Q.disableTotp);
    expect(codes(refused)).toEqual(['WOULD_LOCK_YOU_OUT']);
    expect(refused.errors![0]!.extensions!['reason']).toBe('NO_USABLE_METHOD_LEFT');
    expect(await factors(staff.id)).toBe(2);
    expect(await db.query(`select 1 from audit_log where target_id = $1 and action = 'TWO_FACTOR_DISABLED'`, [staff.id])).toEqual(
      [],
    );
    // With the unusable one removed first, the app goes (two-factor authentication off, nothing owed).
    expect((await staff.client.gql(Q.disableEmail)).data!['disableEmailFactor']).toBe(true);
    expect((await staff.client.gql(Q.disableTotp)).data!['disableTotp']).toBe(true);
    expect(await factors(staff.id)).toBe(0);

    // A user: an app and a key flagged as a copy. With one recovery code left, the app may go: each
    // sign-in then takes a recovery code (the dashboard says so before asking).
    const user = await createAccount(server, admin, { role: 'USER' });
    const app = await enrollTotp(user.client);
    await db.query(
      `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at, flagged_at)
       values (gen_random_uuid(), $1::uuid, 'cred-' || $1::text, 'pk', 3, '[]', 'Desk key', now(), now())`,
      [user.id],
    );
    await db.query(
      `update recovery_code set used_at = now() where account_id = $1 and id <> (select id from recovery_code where account_id = $1 limit 1)`,
      [user.id],
    );
    await awayFromStepEdge();
    const ok = await user.client.gql(Q.reauth, {
      i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(app.secret, 0) } },
    });
    expect(ok.data!['reauthenticate'].__typename, JSON.stringify(ok)).toBe('ReauthSuccess');
    expect((await user.client.gql(Q.disableTotp)).data!['disableTotp']).toBe(true);
    expect(await loginStep(new GqlClient(server.url), user.email)).toMatchObject({
      typename: 'SecondFactorRequired',
      methods: ['RECOVERY_CODE'],
    });
    // Its last recovery code used too: removing what it does not hold (the app, gone; e-mail codes,
    // never set up; a key that is not its own) is NOT_FOUND, not a judgement of what would be left.
    await db.query(`update recovery_code set used_at = now() where account_id = $1 and used_at is null`, [user.id]);
    expect(codes(await user.client.gql(Q.disableTotp))).toEqual(['NOT_FOUND']);
    expect(codes(await user.client.gql(Q.disableEmail))).toEqual(['NOT_FOUND']);
    const removeKey = `mutation($id: ID!) { removeWebauthnCredential(id: $id) }`;
    expect(codes(await user.client.gql(removeKey, { id: '00000000-0000-4000-8000-000000000000' }))).toEqual(['NOT_FOUND']);
    // The flagged key itself may go: nothing unusable is left behind.
    const [key] = await db.query<{ id: string }>(`select id from webauthn_credential where account_id = $1`, [user.id]);
    expect((await user.client.gql(removeKey, { id: key!.id })).data).toEqual({ removeWebauthnCredential: true });
  });

  it('re-authentication is refused, not done with the password alone, when the factor held cannot be used', async () => {
    const { client, id } = await createAccount(server, admin, { role: 'USER' });
    // A security key flagged as a possible clone, and no recovery code.
    await db.query(
      `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at, flagged_at)
       values (gen_random_uuid(), $1::uuid, 'cred-' || $1::text, 'pk', 7, '[]', 'Old key', now(), now())`,
      [id],
    );
    const re = await client.gql(Q.reauth, { i: { password: PASSWORD } });
    expect(re.data!['reauthenticate'].code).toBe('SECOND_FACTOR_UNAVAILABLE');
    expect(codes(await client.gql(Q.recovery))).toEqual(['REAUTH_REQUIRED']);
    expect(await db.query(`select 1 from recovery_code where account_id = $1`, [id])).toHaveLength(0);
  });

  it('under a policy, two removals at once cannot both go: one method stays', async () => {
    const { client, email, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    const sent = mail.count();
    expect((await client.gql(Q.startEmail, { a: email })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
    const code = await mail.codeFor(email, sent);
    expect((await client.gql(Q.confirmEmail, { c: code })).data!['confirmEmailEnrollment'].__typename).toBe('TwoFactorEnabled');
    await admin.gql(MARK, { id });
    await awayFromStepEdge();
    const re = await client.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } } });
    expect(re.data!['reauthenticate'].__typename, JSON.stringify(re)).toBe('ReauthSuccess');
    expect(await factors(id)).toBe(2);
    // Both methods' rows are held meanwhile, so that both removals are under way before either can delete.
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    let results: Awaited<ReturnType<typeof client.gql>>[];
    try {
      await locker.query('begin');
      await locker.query('select 1 from totp_authenticator where account_id = $1 for update', [id]);
      await locker.query('select 1 from email_factor where account_id = $1 for update', [id]);
      const inFlight = Promise.all([client.gql(Q.disableTotp), client.gql(Q.disableEmail)]);
      const waiting = async () =>
        (
          await db.query(
            `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`,
          )
        )[0]!['n'];
      for (let i = 0; i < 200 && (await waiting()) < 2; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await waiting()).toBe(2);
      await locker.query('commit');
      results = await inFlight;
    } finally {
      await locker.end();
    }
    const outcomes = results.map((r) => (r.errors ? codes(r)[0] : 'removed')).sort();
    expect(outcomes, JSON.stringify(results)).toEqual(['LAST_METHOD_REQUIRED', 'removed']);
    expect(await factors(id)).toBe(1);
  });

  it('an e-mail enrollment code confirms only the address it was sent to; parallel sends send once', async () => {
    const { client, id } = await createAccount(server, admin, { role: 'USER' });
    const first = `first-${id}@example.test`;
    const second = `second-${id}@example.test`;
    // Parallel first sends: one code goes out, the others are told to wait (no error, no second mail).
    const since = mail.count();
    const sends = await Promise.all(Array.from({ length: 5 }, () => client.gql(Q.startEmail, { a: first })));
    const kinds = sends.map((r) => r.data?.['startEmailEnrollment']?.code ?? r.data?.['startEmailEnrollment']?.__typename);
    expect(
      kinds.filter((k) => k === 'EmailCodeSent'),
      JSON.stringify(sends),
    ).toHaveLength(1);
    expect(
      kinds.filter((k) => k === 'EMAIL_COOLDOWN'),
      JSON.stringify(sends),
    ).toHaveLength(4);
    const code = await mail.codeFor(first, since);
    await new Promise((r) => setTimeout(r, 300));
    expect(mail.messages.slice(since).filter((m) => m.to.includes(first))).toHaveLength(1);

    // Another address inside the cool-down: refused, and nothing changed (the first code still stands).
    expect((await client.gql(Q.startEmail, { a: second })).data!['startEmailEnrollment'].code).toBe('EMAIL_COOLDOWN');
    expect((await db.query(`select status, address from email_factor where account_id = $1`, [id]))[0]).toEqual({
      status: 'PENDING',
      address: first,
    });
    // Past the cool-down the address is swapped for the other and a code sent there. (Waited for by the
    // time the server gave: a fixed pause, on a busy machine, could end too early.)
    const sent = sends.find((r) => r.data?.['startEmailEnrollment']?.__typename === 'EmailCodeSent')!;
    const nextSend = Date.parse(sent.data!['startEmailEnrollment'].nextSendAfter as string);
    await new Promise((r) => setTimeout(r, Math.max(0, nextSend - Date.now() + 100)));
    const again = mail.count();
    expect((await client.gql(Q.startEmail, { a: second })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
    const right = await mail.codeFor(second, again);
    // The first code no longer confirms anything, and a wrong code costs an attempt from the account's budget.
    expect((await client.gql(Q.confirmEmail, { c: code })).data!['confirmEmailEnrollment'].code).toBe('CODE_INVALID');
    expect((await db.query(`select status, address from email_factor where account_id = $1`, [id]))[0]).toEqual({
      status: 'PENDING',
      address: second,
    });
    const budget = async () =>
      (await db.query<{ count: number }>(`select count from failure_counter where key = $1`, [`2fa:acct:${id}`]))[0]?.count;
    expect(await budget()).toBe(1);
    // The code sent to the address now on file confirms it; its own attempt is given back, the wrong
    // code's stays counted.
    expect((await client.gql(Q.confirmEmail, { c: right })).data!['confirmEmailEnrollment'].__typename).toBe('TwoFactorEnabled');
    expect(await budget()).toBe(1);
  });

  it('a sub-admin grants only permissions it holds itself; taking some away is allowed', async () => {
    const { client: sub } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_SUB_ADMINS'] });
    const escalate = uniqueEmail('escalate');
    const create = await sub.gql(CREATE_ACCOUNT, {
      input: { email: escalate, name: 'X', password: PASSWORD, role: 'SUB_ADMIN', permissions: ['MANAGE_SETTINGS'] },
    });
    expect(codes(create)).toEqual(['FORBIDDEN']);
    expect(create.errors![0]!.extensions!['permissions']).toEqual(['MANAGE_SETTINGS']);
    expect(await db.query(`select 1 from account where email = $1`, [escalate])).toHaveLength(0);

    const peer = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_SUB_ADMINS', 'REPORT_LOGINS'] });
    const SET = `mutation($id: ID!, $p: [Permission!]!) { setPermissions(id: $id, permissions: $p) { permissions } }`;
    expect(codes(await sub.gql(SET, { id: peer.id, p: ['MANAGE_SUB_ADMINS', 'REPORT_LOGINS', 'MANAGE_USERS'] }))).toEqual([
      'FORBIDDEN',
    ]);
    const [kept] = await db.query(`select permissions from account where id = $1`, [peer.id]);
    expect([...(kept!['permissions'] as string[])].sort()).toEqual(['MANAGE_SUB_ADMINS', 'REPORT_LOGINS']);
    const removed = await sub.gql(SET, { id: peer.id, p: ['MANAGE_SUB_ADMINS'] });
    expect(removed.data!['setPermissions']).toEqual({ permissions: ['MANAGE_SUB_ADMINS'] });
    // A sub-admin it may create, after confirming it is itself (a new staff account is a standing credential).
    await reauthenticate(sub);
    const same = await sub.gql(CREATE_ACCOUNT, {
      input: { email: uniqueEmail('ok'), name: 'Y', password: PASSWORD, role: 'SUB_ADMIN', permissions: ['MANAGE_SUB_ADMINS'] },
    });
    expect(same.data!['createAccount'].__typename).toBe('AccountCreated');
  });

  it('a sub-admin mints API tokens only for accounts whose permissions it holds itself', async () => {
    const { client: sub } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_SUB_ADMINS'] });
    await reauthenticate(admin);
    const { id: botId } = await createIntegration(admin, ['MANAGE_SETTINGS'], 'Bot');
    await reauthenticate(sub);
    const TOKEN = `mutation($id: ID!) { createApiToken(input: { accountId: $id, name: "bot" }) { token } }`;
    expect(codes(await sub.gql(TOKEN, { id: botId }))).toEqual(['FORBIDDEN']);
    expect(await db.query(`select 1 from api_token where account_id = $1`, [botId])).toHaveLength(0);
    await reauthenticate(admin);
    expect((await admin.gql(TOKEN, { id: botId })).data!['createApiToken'].token).toMatch(/^sct_/);
  });

  it('unlocking follows the same ranks as a reset: a user manager cannot unlock an admin', async () => {
    const { client: users } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_USERS'] });
    await reauthenticate(users);
    const UNLOCK = `mutation($id: ID!) { unlockSecondFactor(accountId: $id) }`;
    // The admin's second step, locked (the admin re-authenticated just before): the refusal leaves it locked.
    await reauthenticate(admin);
    await db.query(
      `insert into two_factor_state (account_id, consecutive_failures, locked_at) values ($1, 100, now())
       on conflict (account_id) do update set locked_at = now()`,
      [adminId],
    );
    try {
      expect(codes(await users.gql(UNLOCK, { id: adminId }))).toEqual(['FORBIDDEN']);
      expect(
        (await db.query(`select locked_at from two_factor_state where account_id = $1`, [adminId]))[0]!['locked_at'],
      ).not.toBeNull();
      // Nor does the admin unlock its own second step (another admin does, or the server's CLI): a session of
      // its own, re-authenticated just before the lock, may be the one the guesses came from.
      const self = await admin.gql(UNLOCK, { id: adminId });
      expect(codes(self)).toEqual(['BAD_USER_INPUT']);
      expect(self.errors![0]!.extensions!['fields']).toEqual([expect.objectContaining({ field: 'accountId', reason: 'SELF' })]);
      expect(
        (await db.query(`select locked_at from two_factor_state where account_id = $1`, [adminId]))[0]!['locked_at'],
      ).not.toBeNull();
    } finally {
      await db.query(`update two_factor_state set locked_at = null, consecutive_failures = 0 where account_id = $1`, [adminId]);
    }
    const { id: userId } = await createAccount(server, admin, { role: 'USER' });
    await db.query(`insert into two_factor_state (account_id, consecutive_failures, locked_at) values ($1, 100, now())`, [
      userId,
    ]);
    expect((await users.gql(UNLOCK, { id: userId })).data!['unlockSecondFactor']).toBe(true);
  });

  describe('a second admin’s approval', () => {
    const RESET = `mutation($id: ID!) { resetTwoFactor(accountId: $id) { __typename ... on TwoFactorResetPending { requestId } } }`;
    const APPROVE = `mutation($id: ID!) { approveTwoFactorReset(requestId: $id) { __typename } }`;
    const signedInAdmin = async () => {
      const a = await createAccount(server, admin, { role: 'ADMIN' });
      await reauthenticate(a.client);
      return a;
    };
    /** An admin made more than a day ago (only such an admin approves: one made just before by the requester is no second opinion). */
    const adminOfADay = async () => {
      const a = await signedInAdmin();
      await db.query(`update account set created_at = created_at - interval '25 hours' where id = $1`, [a.id]);
      return a;
    };

    it('comes from an admin of a day when it was asked for, for a requester still standing behind it; once per account', async () => {
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      await enrollTotp(target.client);
      const requester = await adminOfADay();
      const before = await adminOfADay();
      // Made an hour before the request (by the requester, say, with a password it chose).
      const recent = await signedInAdmin();
      await db.query(`update account set created_at = created_at - interval '1 hour' where id = $1`, [recent.id]);
      const res = await requester.client.gql(RESET, { id: target.id });
      const requestId = res.data!['resetTwoFactor'].requestId as string;
      expect(res.data!['resetTwoFactor'].__typename).toBe('TwoFactorResetPending');
      // Asking again answers the same request.
      expect((await requester.client.gql(RESET, { id: target.id })).data!['resetTwoFactor'].requestId).toBe(requestId);

      // An admin made after the request (by the requester, say) is no second opinion.
      const after = await signedInAdmin();
      for (const young of [after, recent]) {
        const refused = await young.client.gql(APPROVE, { id: requestId });
        expect(codes(refused)).toEqual(['FORBIDDEN']);
        expect(refused.errors![0]!.extensions!['reason']).toBe('APPROVER_TOO_NEW');
      }
      expect(await factors(target.id)).toBe(1);

      // A requester disabled since then no longer stands behind it: its request is closed, for good.
      await admin.gql(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: true) { id } }`, { id: requester.id });
      expect(codes(await before.client.gql(APPROVE, { id: requestId }))).toEqual(['CONFLICT']);
      await admin.gql(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: false) { id } }`, { id: requester.id });
      expect(codes(await before.client.gql(APPROVE, { id: requestId }))).toEqual(['NOT_FOUND']);
      expect(await factors(target.id)).toBe(1);
      // Enabled again (its sessions ended with the disabling), it signs in and asks again: a new request.
      const back = new GqlClient(server.url);
      expect((await loginStep(back, requester.email)).typename).toBe('LoginSuccess');
      await reauthenticate(back);
      const asked = await back.gql(RESET, { id: target.id });
      expect(asked.data!['resetTwoFactor'].__typename, JSON.stringify(asked)).toBe('TwoFactorResetPending');
      const renewed = asked.data!['resetTwoFactor'].requestId as string;
      expect(renewed).not.toBe(requestId);

      // A second, older request (from before an earlier reset) is closed by the reset it did not cause.
      await db.query(
        `insert into two_factor_reset_request (id, target_id, requested_by_id, created_at, expires_at)
         values (gen_random_uuid(), $1, $2, now() - interval '1 hour', now() + interval '1 hour')`,
        [target.id, adminId],
      );
      const sinceApproval = mail.count();
      const done = await before.client.gql(APPROVE, { id: renewed });
      expect(done.data!['approveTwoFactorReset'].__typename, JSON.stringify(done)).toBe('TwoFactorResetDone');
      expect(await factors(target.id)).toBe(0);
      const open = await db.query(
        `select id from two_factor_reset_request where target_id = $1 and approved_at is null and expires_at > now()`,
        [target.id],
      );
      expect(open).toHaveLength(0);
      // The older request's requester is told how it closed: by the approval of another request, not
      // by a reset made directly.
      const [older] = await db.query<{ email: string }>(`select email from account where id = $1`, [adminId]);
      const closedMail = await mail.waitFor(older!.email, (m) => m.subject.startsWith('Closed: the reset'), sinceApproval);
      expect(MailSink.text(closedMail)).toContain(
        `${before.email} reset the two-factor authentication of the admin ${target.email}, approving another request to reset it, so`,
      );
      expect(MailSink.text(closedMail)).not.toContain('directly');
      const [audit] = await db.query(`select details from audit_log where target_id = $1 and action = 'TWO_FACTOR_RESET'`, [
        target.id,
      ]);
      // What went, for whoever reads the log later (the target had an app and its ten recovery codes).
      expect(audit!['details']).toEqual({
        requestId: renewed,
        removed: { app: 'ACTIVE', email: null, keys: 0, recoveryCodes: 10, locked: false },
      });
    });

    it('is not asked for by an admin of less than a day: one admin cannot make another, ask as it and approve as itself', async () => {
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      await enrollTotp(target.client);
      const maker = await adminOfADay();
      // Another admin of a day, who would have to approve a request `maker` asks for (also when this test runs alone).
      await adminOfADay();
      // Made by `maker` just now, with a password it chose.
      const puppet = await signedInAdmin();
      const open = () =>
        db.query(`select id from two_factor_reset_request where target_id = $1 and approved_at is null and expires_at > now()`, [
          target.id,
        ]);
      const asked = await puppet.client.gql(RESET, { id: target.id });
      expect(asked.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'REQUESTER_TOO_NEW' });
      const retryAfter = new Date(asked.errors![0]!.extensions!['retryAfter'] as string).getTime();
      expect(Math.abs(retryAfter - (Date.now() + 24 * 3600_000))).toBeLessThan(60_000);
      expect(await open()).toEqual([]);
      expect(await factors(target.id)).toBe(1);
      // A request such an admin made before this rule (written here directly) is approved by nobody,
      // not even an admin of a day; asking again replaces it with the asker's own.
      const [legacy] = await db.query<{ id: string }>(
        `insert into two_factor_reset_request (id, target_id, requested_by_id, created_at, expires_at)
         values (gen_random_uuid(), $1, $2, now(), now() + interval '1 hour') returning id`,
        [target.id, puppet.id],
      );
      const byMaker = await maker.client.gql(APPROVE, { id: legacy!.id });
      expect(codes(byMaker)).toEqual(['FORBIDDEN']);
      expect(byMaker.errors![0]!.extensions!['reason']).toBe('REQUESTED_BY_NEW_ADMIN');
      // An approver too new itself is told that first (it could not ask again either).
      const byYoung = await (await signedInAdmin()).client.gql(APPROVE, { id: legacy!.id });
      expect(byYoung.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'APPROVER_TOO_NEW' });
      expect(await factors(target.id)).toBe(1);
      const renewed = (await maker.client.gql(RESET, { id: target.id })).data!['resetTwoFactor'];
      expect(renewed.__typename).toBe('TwoFactorResetPending');
      expect(renewed.requestId).not.toBe(legacy!.id);
      expect(await open()).toEqual([{ id: renewed.requestId }]);
      // The new admin may still see the request asked for by another (and is told it cannot approve it).
      const seen = await puppet.client.gql(
        `mutation($id: ID!) { resetTwoFactor(accountId: $id) { __typename ... on TwoFactorResetPending { requestId newRequest request { approvableByYou } } } }`,
        { id: target.id },
      );
      expect(seen.data!['resetTwoFactor']).toEqual({
        __typename: 'TwoFactorResetPending',
        requestId: renewed.requestId,
        newRequest: false,
        request: { approvableByYou: false },
      });
    });

    it('says whether asking made a new request and whom it e-mailed, or who asked for the one already waiting', async () => {
      const ASK = `mutation($id: ID!) { resetTwoFactor(accountId: $id) { __typename ... on TwoFactorResetPending {
        requestId newRequest adminsAsked
        request { id createdAt expiresAt approvableByYou requestedByYou requestedBy { id } target { id } } } } }`;
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      await enrollTotp(target.client);
      const requester = await adminOfADay();
      const approver = await adminOfADay();
      // Those asked: every enabled admin of a day besides the requester and the target (other tests' too).
      const askable = (
        await db.query<{ email: string }>(
          `select email from account where role = 'ADMIN' and disabled_at is null
             and created_at <= now() - interval '1 day' and id <> all($1::uuid[])`,
          [[target.id, requester.id]],
        )
      ).map((r) => r.email.toLowerCase());
      expect(askable).toContain(approver.email.toLowerCase());
      const since = mail.count();
      const first = (await requester.client.gql(ASK, { id: target.id })).data!['resetTwoFactor'];
      expect(first).toMatchObject({
        __typename: 'TwoFactorResetPending',
        newRequest: true,
        adminsAsked: askable.length,
        request: {
          id: first.requestId,
          approvableByYou: false,
          requestedByYou: true,
          requestedBy: { id: requester.id },
          target: { id: target.id },
        },
      });
      for (const to of askable) await mail.waitFor(to, (m) => /approval needed/i.test(m.subject), since);

      // Asked again by the requester: the same request, nobody e-mailed again.
      const sinceAgain = mail.count();
      const again = (await requester.client.gql(ASK, { id: target.id })).data!['resetTwoFactor'];
      expect(again).toMatchObject({
        newRequest: false,
        adminsAsked: 0,
        requestId: first.requestId,
        request: { createdAt: first.request.createdAt, requestedByYou: true, requestedBy: { id: requester.id } },
      });
      // By an admin who may approve it: told who asked, and that it may approve it.
      const byApprover = (await approver.client.gql(ASK, { id: target.id })).data!['resetTwoFactor'];
      expect(byApprover).toMatchObject({
        newRequest: false,
        adminsAsked: 0,
        requestId: first.requestId,
        request: { approvableByYou: true, requestedByYou: false, requestedBy: { id: requester.id } },
      });
      // By an admin made after it: who asked, and that it may not approve it.
      const newcomer = await signedInAdmin();
      const byNewcomer = (await newcomer.client.gql(ASK, { id: target.id })).data!['resetTwoFactor'];
      expect(byNewcomer).toMatchObject({
        newRequest: false,
        request: { approvableByYou: false, requestedByYou: false, requestedBy: { id: requester.id } },
      });
      // Nobody was asked again: by the time the approver has the request for another admin, asked for
      // after those asks and an enrollment (so a mail the asks had sent would be out well before), it
      // has had no second one for this target.
      const other = await createAccount(server, admin, { role: 'ADMIN' });
      await enrollTotp(other.client);
      expect((await requester.client.gql(ASK, { id: other.id })).data!['resetTwoFactor'].newRequest).toBe(true);
      await mail.waitFor(approver.email, (m) => m.subject.includes(other.email), sinceAgain);
      expect(
        mail.messages
          .slice(sinceAgain)
          .filter((m) => /approval needed/i.test(m.subject) && m.subject.includes(target.email))
          .map((m) => m.to),
      ).toEqual([]);
      expect(await db.query(`select count(*)::int as n from two_factor_reset_request where target_id = $1`, [target.id])).toEqual(
        [{ n: 1 }],
      );
    });

    it('a new request that no enabled admin can approve now says so', async () => {
      const ASK = `mutation($id: ID!) { resetTwoFactor(accountId: $id) { ... on TwoFactorResetPending { newRequest adminsAsked } } }`;
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      await enrollTotp(target.client);
      const requester = await adminOfADay();
      const others = (
        await db.query<{ id: string }>(
          `select id from account where role = 'ADMIN' and disabled_at is null and id <> all($1::uuid[])`,
          [[target.id, requester.id]],
        )
      ).map((r) => r.id);
      // One admin of a day, disabled: the request waits for approval, and nobody is asked.
      const away = await adminOfADay();
      await db.query(`update account set disabled_at = now() where id = any($1::uuid[])`, [[...others, away.id]]);
      try {
        const res = (await requester.client.gql(ASK, { id: target.id })).data!['resetTwoFactor'];
        expect(res).toEqual({ newRequest: true, adminsAsked: 0 });
      } finally {
        await db.query(`update account set disabled_at = null where id = any($1::uuid[])`, [[...others, away.id]]);
      }
      expect(await factors(target.id)).toBe(1);
    });

    it('a request whose requester was disabled is closed for good: approved by nobody, listed to nobody, not back on re-enable; asking again makes a new one', async () => {
      const PENDING = `{ pendingTwoFactorResets { id approvableByYou } }`;
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      await enrollTotp(target.client);
      // An admin of a day (disabled later, it still counts: asking again waits for approval again).
      const requester = await adminOfADay();
      const approver = await adminOfADay();
      const old = (await requester.client.gql(RESET, { id: target.id })).data!['resetTwoFactor'].requestId as string;
      expect((await approver.client.gql(PENDING)).data!['pendingTwoFactorResets']).toContainEqual({
        id: old,
        approvableByYou: true,
      });
      // The requester leaves: the request waits for nobody, so it is not offered for approval any more…
      await admin.gql(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: true) { id } }`, { id: requester.id });
      const listed = (await approver.client.gql(PENDING)).data!['pendingTwoFactorResets'] as { id: string }[];
      expect(listed.map((r) => r.id)).not.toContain(old);
      expect(codes(await approver.client.gql(APPROVE, { id: old }))).toEqual(['CONFLICT']);
      // The disabling closed it, and says so in its audit entry.
      const [disabling] = await db.query(`select details from audit_log where action = 'ACCOUNT_DISABLED' and target_id = $1`, [
        requester.id,
      ]);
      expect(disabling!['details']).toMatchObject({ resetRequestsClosed: 1 });
      // …and asking again makes a new request in its place, which can be approved.
      const again = await approver.client.gql(RESET, { id: target.id });
      const fresh = again.data!['resetTwoFactor'].requestId as string;
      expect(again.data!['resetTwoFactor'].__typename).toBe('TwoFactorResetPending');
      expect(fresh).not.toBe(old);
      expect(
        await db.query(`select id from two_factor_reset_request where target_id = $1 and expires_at > now()`, [target.id]),
      ).toEqual([{ id: fresh }]);
      const [asked] = await db.query(
        `select actor_id, details from audit_log where action = 'TWO_FACTOR_RESET_REQUESTED' and details->>'requestId' = $1`,
        [fresh],
      );
      expect(asked).toEqual({ actor_id: approver.id, details: { requestId: fresh } });
      // Re-enabling the first requester does not bring the closed one back.
      await admin.gql(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: false) { id } }`, { id: requester.id });
      expect(codes(await approver.client.gql(APPROVE, { id: old }))).toEqual(['NOT_FOUND']);
      expect(await factors(target.id)).toBe(1);
      // The new one is approved by an admin of a day other than its requester.
      const second = await adminOfADay();
      const done = await second.client.gql(APPROVE, { id: fresh });
      expect(done.data!['approveTwoFactorReset'].__typename, JSON.stringify(done)).toBe('TwoFactorResetDone');
      expect(await factors(target.id)).toBe(0);
    });

    /**
     * An approval that passes its checks, then waits for the account's second factors (held here) while
     * `who` (the requester or the approver) is disabled, committed before the approval gets them: refused
     * with `code`, and nothing reset.
     */
    const disabledWhileApprovalWaits = async (who: 'requester' | 'approver', code: string, reason: string) => {
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      await enrollTotp(target.client);
      const requester = await adminOfADay();
      const approver = await adminOfADay();
      const requestId = (await requester.client.gql(RESET, { id: target.id })).data!['resetTwoFactor'].requestId as string;
      const disabled = who === 'requester' ? requester.id : approver.id;
      const [done] = await inLockOrder(
        db,
        ['select pg_advisory_xact_lock(hashtext($1))', [`two_factor_methods:${target.id}`]],
        [() => approver.client.gql(APPROVE, { id: requestId })],
        { meanwhile: (locker) => locker.query(`update account set disabled_at = now() where id = $1`, [disabled]) },
      );
      expect(codes(done!)).toEqual([code]);
      expect(done!.errors![0]!.extensions!['reason']).toBe(reason);
      expect(await factors(target.id)).toBe(1);
      expect(
        await db.query(`select approved_at, approved_by_id from two_factor_reset_request where id = $1`, [requestId]),
      ).toEqual([{ approved_at: null, approved_by_id: null }]);
      expect(await db.query(`select 1 from audit_log where target_id = $1 and action = 'TWO_FACTOR_RESET'`, [target.id])).toEqual(
        [],
      );
    };

    it('a requester disabled while the approval waits for the account is refused there: nothing is reset', () =>
      disabledWhileApprovalWaits('requester', 'CONFLICT', 'REQUESTER_GONE'));

    it('an approver disabled while its approval waits for the account is refused there: nothing is reset', () =>
      disabledWhileApprovalWaits('approver', 'FORBIDDEN', 'APPROVER_DISABLED'));

    /**
     * An approval that meets a change of its request at that very moment: `meanwhile` runs in a
     * transaction holding `lock` (one of the rows the approval takes) while the approval waits on
     * `waitingOn`, then commits. The approval is refused NOT_FOUND and nothing is reset.
     */
    const closedWhileApprovalWaits = async (
      lock: (ids: { requestId: string; targetId: string }) => [string, unknown[]],
      waitingOn: string,
      meanwhile: (
        locker: { query: (text: string, values: unknown[]) => Promise<unknown> },
        ids: { requestId: string; requesterId: string },
      ) => Promise<unknown>,
    ) => {
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      await enrollTotp(target.client);
      const requester = await adminOfADay();
      const approver = await adminOfADay();
      const requestId = (await requester.client.gql(RESET, { id: target.id })).data!['resetTwoFactor'].requestId as string;
      const [done] = await inLockOrder(
        db,
        lock({ requestId, targetId: target.id }),
        [() => approver.client.gql(APPROVE, { id: requestId })],
        {
          waitingOn,
          meanwhile: (locker) => meanwhile(locker, { requestId, requesterId: requester.id }),
        },
      );
      expect(codes(done!)).toEqual(['NOT_FOUND']);
      expect(await factors(target.id)).toBe(1);
      expect(await db.query(`select approved_at from two_factor_reset_request where id = $1`, [requestId])).toEqual([
        { approved_at: null },
      ]);
      expect(await db.query(`select 1 from audit_log where target_id = $1 and action = 'TWO_FACTOR_RESET'`, [target.id])).toEqual(
        [],
      );
    };
    const requestRow = ({ requestId }: { requestId: string }): [string, unknown[]] => [
      'select 1 from two_factor_reset_request where id = $1 for update',
      [requestId],
    ];

    it('a requester disabled at the very moment the approval claims the request (its request closed with it) is refused: nothing is reset', () =>
      // The disabling (as `setAccountDisabled` does it: the account, and its requests closed) holds the
      // request's row when the approval comes to claim it.
      closedWhileApprovalWaits(requestRow, 'two_factor_reset_request', async (locker, { requesterId }) => {
        await locker.query(`update account set disabled_at = now() where id = $1`, [requesterId]);
        await locker.query(`update two_factor_reset_request set expires_at = now() where requested_by_id = $1`, [requesterId]);
      }));

    it('a request withdrawn while an approval waits for it (by a transaction begun after the approval’s) is not claimed: nothing is reset', () =>
      // The withdrawal stamps its close with a time after the approval's transaction began (as one begun later would).
      closedWhileApprovalWaits(requestRow, 'two_factor_reset_request', (locker, { requestId }) =>
        locker.query(`update two_factor_reset_request set expires_at = clock_timestamp() where id = $1`, [requestId]),
      ));

    it('an approval and a disabling that holds the admins’ rows take them in one order: no deadlock, and the request closed first is not claimed', () =>
      // As disabling the requester does it: the admins' rows (the target's among them), then its requests'.
      closedWhileApprovalWaits(
        ({ targetId }) => ['select 1 from account where id = $1 for no key update', [targetId]],
        'account',
        (locker, { requestId }) =>
          locker.query(`update two_factor_reset_request set expires_at = clock_timestamp() where id = $1`, [requestId]),
      ));

    it('the target of a waiting request cannot stop it by disabling its requester; another admin can', async () => {
      const DISABLE = `mutation($id: ID!) { setAccountDisabled(id: $id, disabled: true) { id disabledAt } }`;
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      await enrollTotp(target.client);
      const requester = await adminOfADay();
      await adminOfADay();
      const requestId = (await requester.client.gql(RESET, { id: target.id })).data!['resetTwoFactor'].requestId as string;
      const open = async () =>
        (await db.query(`select 1 from two_factor_reset_request where id = $1 and expires_at > now()`, [requestId])).length === 1;
      const refused = await target.client.gql(DISABLE, { id: requester.id });
      expect(codes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.errors![0]!.extensions!['reason']).toBe('RESET_TARGET');
      // Nothing changed: the requester is enabled and signed in, and the request still waits.
      expect(await db.query(`select disabled_at from account where id = $1`, [requester.id])).toEqual([{ disabled_at: null }]);
      expect((await requester.client.gql(Q.me)).data!['me']).toMatchObject({ id: requester.id });
      expect(await open()).toBe(true);
      // Another admin may (the requester's session may have been taken over): the request closes with it.
      const done = await admin.gql(DISABLE, { id: requester.id });
      expect(done.errors).toBeUndefined();
      expect(await open()).toBe(false);
    });

    it('a request asked for while its requester is being disabled waits for the disabling and is refused, not left open behind it', async () => {
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      await enrollTotp(target.client);
      const requester = await adminOfADay();
      await adminOfADay();
      // The disabling holds the requester's row (as `setAccountDisabled` does) while the request is asked for.
      const [asked] = await inLockOrder(
        db,
        ['select 1 from account where id = $1 for no key update', [requester.id]],
        [() => requester.client.gql(RESET, { id: target.id })],
        {
          waitingOn: 'for share',
          meanwhile: (locker) => locker.query(`update account set disabled_at = now() where id = $1`, [requester.id]),
        },
      );
      expect(codes(asked!)).toEqual(['UNAUTHENTICATED']);
      expect(await db.query(`select 1 from two_factor_reset_request where target_id = $1`, [target.id])).toEqual([]);
      expect(await factors(target.id)).toBe(1);
    });

    /**
     * A waiting request whose requester is disabled, treated as compromised (its password reset only:
     * it stays enabled), or deleted. From a session of the request's target: FORBIDDEN, reason
     * RESET_TARGET, and nothing changes. By another admin: the request is closed for good, audited with
     * its reason, and the target and an admin asked to approve it are told; nobody can approve it
     * (also once the requester is back) and nothing is removed.
     */
    const requesterGone = async (why: 'DISABLED' | 'COMPROMISED' | 'DELETED') => {
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      const { secret } = await enrollTotp(target.client);
      const requester = await adminOfADay();
      const asked = await adminOfADay();
      const other = await adminOfADay();
      const requestId = (await requester.client.gql(RESET, { id: target.id })).data!['resetTwoFactor'].requestId as string;
      const open = async () =>
        (await db.query(`select 1 from two_factor_reset_request where id = $1 and expires_at > now()`, [requestId])).length === 1;
      const [incident] = await db.query<{ id: string }>(
        `insert into security_incident (account_id, status, severity, reason, opened_at, updated_at)
         values ($1, 'OPEN', 'LOW', 'UNKNOWN', now(), now()) returning id`,
        [requester.id],
      );
      const act = (client: GqlClient) =>
        why === 'DISABLED'
          ? client.gql(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: true) { id } }`, { id: requester.id })
          : why === 'DELETED'
            ? client.gql(`mutation($id: ID!) { deleteAccount(id: $id) }`, { id: requester.id })
            : client.gql(
                `mutation($i: TreatIncidentAsCompromisedInput!) { treatIncidentAsCompromised(input: $i) { incident { status } } }`,
                { i: { id: incident!.id, requirePasswordReset: true, lockAccount: false } },
              );
      // The target, confirmed with its password and app (as deleting an admin needs).
      await awayFromStepEdge();
      const re = await target.client.gql(Q.reauth, {
        i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } },
      });
      expect(re.data!['reauthenticate'].__typename, JSON.stringify(re)).toBe('ReauthSuccess');
      const refused = await act(target.client);
      expect(codes(refused)).toEqual(['FORBIDDEN']);
      expect(refused.errors![0]!.extensions!['reason']).toBe('RESET_TARGET');
      expect(await open()).toBe(true);
      expect((await requester.client.gql(Q.me)).data!['me']).toMatchObject({ id: requester.id });
      expect(await db.query(`select status from security_incident where id = $1`, [incident!.id])).toEqual([{ status: 'OPEN' }]);

      const since = mail.count();
      const done = await act(other.client);
      expect(done.errors, JSON.stringify(done)).toBeUndefined();
      expect(await open()).toBe(false);
      expect(
        await db.query(
          `select actor_id, details from audit_log where action = 'TWO_FACTOR_RESET_REQUEST_CLOSED' and target_id = $1`,
          [target.id],
        ),
      ).toEqual([{ actor_id: other.id, details: { requestId, reason: `REQUESTER_${why}` } }]);
      const acted = {
        DISABLED: `disabled the admin account ${requester.email}`,
        COMPROMISED: `treated the admin account ${requester.email} as compromised`,
        DELETED: `deleted the admin account ${requester.email}`,
      }[why];
      const toTarget = await mail.waitFor(
        target.email,
        (m) => m.subject === 'The reset of your two-factor authentication was closed',
        since,
      );
      expect(MailSink.text(toTarget)).toContain(`${other.email} ${acted}, so its request`);
      const toAsked = await mail.waitFor(
        asked.email,
        (m) => m.subject === `Closed: the reset of the two-factor authentication of ${target.email}`,
        since,
      );
      expect(MailSink.text(toAsked)).toContain('nothing left for you to do');
      // Nobody can approve it, also with the requester enabled again.
      if (why === 'DISABLED') {
        const back = await admin.gql(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: false) { disabledAt } }`, {
          id: requester.id,
        });
        expect(back.data).toEqual({ setAccountDisabled: { disabledAt: null } });
      }
      expect(codes(await asked.client.gql(APPROVE, { id: requestId }))).toEqual(['NOT_FOUND']);
      expect(await factors(target.id)).toBe(1);
      // The admin who acted, though asked to approve it, is not told what it did.
      await new Promise((r) => setTimeout(r, 500));
      expect(
        mail.messages.slice(since).filter((m) => m.to.includes(other.email.toLowerCase()) && m.subject.startsWith('Closed:')),
      ).toEqual([]);
    };

    it('a waiting request whose requester another admin disables is closed for good, audited and told; not by its target', () =>
      requesterGone('DISABLED'));

    it('a waiting request whose requester is treated as compromised (a password reset alone) is closed for good, audited and told; not by its target', () =>
      requesterGone('COMPROMISED'));

    it('a waiting request whose requester another admin deletes is closed (audited and told) before it goes; not by its target', () =>
      requesterGone('DELETED'));

    it('a waiting request can be withdrawn by its requester or another admin, not by its target: closed, audited, the target, the requester and the admins asked told', async () => {
      const WITHDRAW = `mutation($id: ID!) { withdrawTwoFactorReset(requestId: $id) }`;
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      await enrollTotp(target.client);
      const requester = await adminOfADay();
      const other = await adminOfADay();
      // Asked to approve it (an admin of a day), and not (an admin of an hour, who cannot approve).
      const asked = await adminOfADay();
      const young = await signedInAdmin();
      const requestId = (await requester.client.gql(RESET, { id: target.id })).data!['resetTwoFactor'].requestId as string;
      const open = async () =>
        (await db.query(`select 1 from two_factor_reset_request where id = $1 and expires_at > now()`, [requestId])).length === 1;
      // Bad input, an unknown request, a user, and the target itself: nothing changes.
      expect(codes(await other.client.gql(WITHDRAW, { id: 'nope' }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await other.client.gql(WITHDRAW, { id: '00000000-0000-4000-8000-000000000000' }))).toEqual(['NOT_FOUND']);
      const user = await createAccount(server, admin, { role: 'USER' });
      expect(codes(await user.client.gql(WITHDRAW, { id: requestId }))).toEqual(['FORBIDDEN']);
      expect(codes(await target.client.gql(WITHDRAW, { id: requestId }))).toEqual(['FORBIDDEN']);
      expect(await open()).toBe(true);
      expect(
        await db.query(`select 1 from audit_log where action = 'TWO_FACTOR_RESET_REQUEST_CLOSED' and target_id = $1`, [
          target.id,
        ]),
      ).toEqual([]);

      // A recent re-authentication first.
      await staleReauth(db, other.client, other.id);
      expect(codes(await other.client.gql(WITHDRAW, { id: requestId }))).toEqual(['REAUTH_REQUIRED']);
      expect(await open()).toBe(true);
      await reauthenticate(other.client);
      const since = mail.count();
      expect((await other.client.gql(WITHDRAW, { id: requestId })).data).toEqual({ withdrawTwoFactorReset: true });
      expect(await open()).toBe(false);
      expect(
        await db.query(
          `select actor_id, details from audit_log where action = 'TWO_FACTOR_RESET_REQUEST_CLOSED' and target_id = $1`,
          [target.id],
        ),
      ).toEqual([{ actor_id: other.id, details: { requestId, reason: 'WITHDRAWN' } }]);
      await mail.waitFor(target.email, (m) => /was withdrawn/i.test(m.subject), since);
      // The requester learns that another admin withdrew its request; an admin asked to approve it
      // learns that there is nothing left to do. Neither the withdrawer nor an admin who was not asked.
      const withdrawn = (m: ReceivedMail) =>
        m.subject === `Withdrawn: the reset of the two-factor authentication of ${target.email}`;
      const toRequester = await mail.waitFor(requester.email, withdrawn, since);
      expect(MailSink.text(toRequester)).toContain(`${other.email} withdrew your request`);
      const toAsked = await mail.waitFor(asked.email, withdrawn, since);
      expect(MailSink.text(toAsked)).toContain(`${other.email} withdrew the request`);
      expect(MailSink.text(toAsked)).toContain('nothing left for you to do');
      const toldOfIt = (address: string, from: number) =>
        mail.messages.slice(from).filter((m) => m.to.includes(address.toLowerCase()) && /withdrawn/i.test(m.subject));
      // Each notice is sent on its own: a moment more for any that should not have been.
      const settle = () => new Promise((r) => setTimeout(r, 1000));
      await settle();
      for (const not of [other.email, young.email]) expect(toldOfIt(not, since)).toEqual([]);
      // Withdrawn, it can be neither approved nor withdrawn again; nothing was removed.
      expect(codes(await other.client.gql(APPROVE, { id: requestId }))).toEqual(['NOT_FOUND']);
      expect(codes(await requester.client.gql(WITHDRAW, { id: requestId }))).toEqual(['NOT_FOUND']);
      expect(await factors(target.id)).toBe(1);
      // Asked for again, the requester may withdraw its own too.
      const again = (await requester.client.gql(RESET, { id: target.id })).data!['resetTwoFactor'].requestId as string;
      expect(again).not.toBe(requestId);
      const sinceAgain = mail.count();
      expect((await requester.client.gql(WITHDRAW, { id: again })).data).toEqual({ withdrawTwoFactorReset: true });
      // Withdrawn by its own requester: the admins asked are told, the requester is not.
      await mail.waitFor(other.email, withdrawn, sinceAgain);
      await mail.waitFor(asked.email, withdrawn, sinceAgain);
      await mail.waitFor(target.email, (m) => /was withdrawn/i.test(m.subject), sinceAgain);
      await settle();
      expect(toldOfIt(requester.email, sinceAgain)).toEqual([]);
    });

    it('a request the account made moot (it signed in, or set up a factor, after it was asked for) is closed, not approved: nothing is removed', async () => {
      const ASK = `mutation($id: ID!) { resetTwoFactor(accountId: $id) { __typename ... on TwoFactorResetPending { requestId newRequest } } }`;
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      const { secret } = await enrollTotp(target.client);
      const requester = await adminOfADay();
      const approver = await adminOfADay();
      const first = (await requester.client.gql(ASK, { id: target.id })).data!['resetTwoFactor'].requestId as string;
      // The holder found the phone: it signs in with its app after the request was made.
      await awayFromStepEdge();
      const phone = await loginWithTotp(server, target.email, secret, 0);
      const refused = await approver.client.gql(APPROVE, { id: first });
      expect(codes(refused)).toEqual(['CONFLICT']);
      expect(refused.errors![0]!.extensions!['reason']).toBe('TARGET_RECOVERED');
      // Nothing removed, nobody signed out; the request is closed.
      expect(await factors(target.id)).toBe(1);
      expect((await phone.gql(Q.me)).data!['me']).toMatchObject({ id: target.id });
      expect(
        await db.query(`select approved_at, expires_at <= now() as closed from two_factor_reset_request where id = $1`, [first]),
      ).toEqual([{ approved_at: null, closed: true }]);
      expect(await db.query(`select 1 from audit_log where target_id = $1 and action = 'TWO_FACTOR_RESET'`, [target.id])).toEqual(
        [],
      );
      // Who closed it, and why, is on record.
      expect(
        await db.query(
          `select actor_id, details from audit_log where action = 'TWO_FACTOR_RESET_REQUEST_CLOSED' and target_id = $1`,
          [target.id],
        ),
      ).toEqual([{ actor_id: approver.id, details: { requestId: first, reason: 'RECOVERED' } }]);

      // Asked again, it waits again; the holder then sets up new recovery codes: asking once more
      // replaces the request instead of answering it, and the new one can be approved.
      const second = await requester.client.gql(ASK, { id: target.id });
      expect(second.data!['resetTwoFactor']).toMatchObject({ newRequest: true });
      const confirmed = await phone.gql(Q.reauth, {
        i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 1) } },
      });
      expect(confirmed.data!['reauthenticate'].__typename, JSON.stringify(confirmed)).toBe('ReauthSuccess');
      expect((await phone.gql(Q.recovery)).data!['generateRecoveryCodes'].codes).toHaveLength(10);
      const third = await requester.client.gql(ASK, { id: target.id });
      expect(third.data!['resetTwoFactor']).toMatchObject({ newRequest: true });
      expect(third.data!['resetTwoFactor'].requestId).not.toBe(second.data!['resetTwoFactor'].requestId);
      expect(codes(await approver.client.gql(APPROVE, { id: second.data!['resetTwoFactor'].requestId }))).toEqual(['NOT_FOUND']);
      const done = await approver.client.gql(APPROVE, { id: third.data!['resetTwoFactor'].requestId });
      expect(done.data!['approveTwoFactorReset'].__typename, JSON.stringify(done)).toBe('TwoFactorResetDone');
      expect(await factors(target.id)).toBe(0);
    });

    it('two admins approving one request at once reset once: the other finds it approved', async () => {
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      await enrollTotp(target.client);
      const requester = await adminOfADay();
      const [one, two] = [await adminOfADay(), await adminOfADay()];
      const requestId = (await requester.client.gql(RESET, { id: target.id })).data!['resetTwoFactor'].requestId as string;
      // Both pass their checks, then wait for the account's second factors (held here).
      const answers = await inLockOrder(
        db,
        ['select pg_advisory_xact_lock(hashtext($1))', [`two_factor_methods:${target.id}`]],
        [() => one.client.gql(APPROVE, { id: requestId }), () => two.client.gql(APPROVE, { id: requestId })],
        { waitingOn: 'pg_advisory_xact_lock' },
      );
      expect(answers.map((r) => r.data?.['approveTwoFactorReset']?.__typename ?? codes(r)[0])).toEqual([
        'TwoFactorResetDone',
        'NOT_FOUND',
      ]);
      expect(await factors(target.id)).toBe(0);
      expect(
        await db.query(`select actor_id from audit_log where target_id = $1 and action = 'TWO_FACTOR_RESET'`, [target.id]),
      ).toEqual([{ actor_id: one.id }]);
    });

    it('is not skipped by disabling the other admins first', async () => {
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      await enrollTotp(target.client);
      const requester = await adminOfADay();
      // Every other admin disabled: there is nobody to ask, yet the reset still waits for approval.
      const others = (
        await db.query<{ id: string }>(`select id from account where role = 'ADMIN' and id <> all($1::uuid[])`, [
          [target.id, requester.id],
        ])
      ).map((r) => r.id);
      // (Admins of more than a day: younger ones are no second opinion and would not count anyway.)
      await db.query(
        `update account set disabled_at = now(), created_at = created_at - interval '25 hours' where id = any($1::uuid[])`,
        [others],
      );
      try {
        const res = await requester.client.gql(RESET, { id: target.id });
        expect(res.data!['resetTwoFactor'].__typename).toBe('TwoFactorResetPending');
        expect(await factors(target.id)).toBe(1);
      } finally {
        await db.query(`update account set disabled_at = null where id = any($1::uuid[])`, [others]);
      }
    });

    it('once approved, signs the target out everywhere and tells the holder (not before)', async () => {
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      const { secret } = await enrollTotp(target.client);
      await awayFromStepEdge();
      const phone = await loginWithTotp(server, target.email, secret, 0);
      const requester = await adminOfADay();
      const approver = await adminOfADay();
      const since = mail.count();
      const requestId = (await requester.client.gql(RESET, { id: target.id })).data!['resetTwoFactor'].requestId as string;
      // While the request waits, the target keeps its factor and its sessions, and is not told anything.
      await mail.waitFor(approver.email, (m) => /approval needed/i.test(m.subject), since);
      expect((await phone.gql(Q.me)).data!['me']).toMatchObject({ id: target.id });
      expect(await factors(target.id)).toBe(1);
      const toldOfReset = (m: { to: string[]; subject: string }) =>
        m.to.includes(target.email.toLowerCase()) && /two-factor authentication was reset/i.test(m.subject);
      expect(mail.messages.filter(toldOfReset)).toEqual([]);

      const done = await approver.client.gql(APPROVE, { id: requestId });
      expect(done.data!['approveTwoFactorReset'].__typename, JSON.stringify(done)).toBe('TwoFactorResetDone');
      expect(await factors(target.id)).toBe(0);
      expect((await phone.gql(Q.me)).data!['me']).toBeNull();
      expect((await target.client.gql(Q.me)).data!['me']).toBeNull();
      expect(await liveSessions(target.id)).toBe(0);
      await mail.waitFor(target.email, toldOfReset, since);
      expect(
        await db.query(`select actor_id from audit_log where target_id = $1 and action = 'TWO_FACTOR_RESET'`, [target.id]),
      ).toEqual([{ actor_id: approver.id }]);
    });
  });

  it('a factor switched on while the account is reset (its sessions revoked) is not written', async () => {
    const u = await createAccount(server, admin, { role: 'USER' });
    const start = await u.client.gql(Q.startTotp);
    const secret = (start.data!['startTotpEnrollment'].secret as string).replace(/\s/g, '');
    await awayFromStepEdge();
    // The confirmation waits for the account's factors (held here, as a reset would hold them), and
    // the reset signs the account out meanwhile: it must not come through afterwards.
    const [confirmed] = await inLockOrder(
      db,
      ['select pg_advisory_xact_lock(hashtext($1))', [`two_factor_methods:${u.id}`]],
      [() => u.client.gql(Q.confirmTotp, { c: totp(secret, 0) })],
      {
        waitingOn: 'pg_advisory_xact_lock',
        meanwhile: (locker) => locker.query(`update session set revoked_at = now() where account_id = $1`, [u.id]),
      },
    );
    expect(codes(confirmed!)).toEqual(['UNAUTHENTICATED']);
    expect(await db.query(`select status from totp_authenticator where account_id = $1`, [u.id])).toEqual([
      { status: 'PENDING' },
    ]);
  });

  it('removing the last method while the user is being marked: either the mark holds for the removal, or the removal signs the marked user out', async () => {
    for (const markFirst of [true, false]) {
      const u = await createAccount(server, admin, { role: 'USER' });
      const { secret } = await enrollTotp(u.client);
      const re = await u.client.gql(Q.reauth, {
        i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } },
      });
      expect(re.data!['reauthenticate'].__typename, JSON.stringify(re)).toBe('ReauthSuccess');
      // Both wait for the account's row (held here): the one that asked first goes first.
      const mark = () => admin.gql(MARK, { id: u.id });
      const remove = () => u.client.gql(Q.disableTotp);
      const answers = await inLockOrder<GqlResponse>(
        db,
        [`select 1 from account where id = $1 for update`, [u.id]],
        markFirst ? [mark, remove] : [remove, mark],
      );
      const [marked, removed] = markFirst ? answers : [answers[1], answers[0]];
      expect(marked!.errors, JSON.stringify(marked)).toBeUndefined();
      const apps = await db.query(`select status from totp_authenticator where account_id = $1`, [u.id]);
      if (markFirst) {
        // The removal read the mark as committed: refused, the app stays, the session goes on.
        expect(codes(removed!)).toEqual(['LAST_METHOD_REQUIRED']);
        expect(apps).toEqual([{ status: 'ACTIVE' }]);
        expect((await u.client.gql(Q.me)).data!['me']).toMatchObject({ id: u.id });
      } else {
        // The removal went first: the mark then finds no factor and signs the account out.
        expect(removed!.data!['disableTotp']).toBe(true);
        expect(apps).toEqual([]);
        expect((await u.client.gql(Q.me)).data?.['me']).toBeFalsy();
      }
    }
  });

  it('a right app setup code whose setup was restarted meanwhile (another tab) is refused without costing an attempt', async () => {
    const u = await createAccount(server, admin, { role: 'USER' });
    const start = await u.client.gql(Q.startTotp);
    const secret = (start.data!['startTotpEnrollment'].secret as string).replace(/\s/g, '');
    await awayFromStepEdge();
    const spent = async () =>
      (await db.query<{ count: number }>(`select count from failure_counter where key = $1`, [`2fa:acct:${u.id}`]))[0]?.count ??
      0;
    // The confirmation has checked its code against the secret it read, and waits for the account's
    // factors while a restart puts a new secret in the row.
    const [confirmed] = await inLockOrder(
      db,
      ['select pg_advisory_xact_lock(hashtext($1))', [`two_factor_methods:${u.id}`]],
      [() => u.client.gql(Q.confirmTotp, { c: totp(secret, 0) })],
      {
        waitingOn: 'pg_advisory_xact_lock',
        meanwhile: (locker) =>
          locker.query(`update totp_authenticator set secret_sealed = 'restarted-' || secret_sealed where account_id = $1`, [
            u.id,
          ]),
      },
    );
    expect(confirmed!.data!['confirmTotpEnrollment']).toMatchObject({ __typename: 'TwoFactorError', code: 'NOT_ENROLLING' });
    expect(await db.query(`select status from totp_authenticator where account_id = $1`, [u.id])).toEqual([
      { status: 'PENDING' },
    ]);
    // Its code was right: the attempt it took is given back.
    expect(await spent()).toBe(0);
  });

  it('the settings always leave something to set up, also for the staff a policy covers', async () => {
    const SETTINGS = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { allowedMethods requiredForStaff emailForStaff } }`;
    // Taking methods away needs a recent re-authentication (this file's earlier one may be too old by now).
    await reauthenticate(admin);
    const before = (await admin.gql(`{ twoFactorSettings { allowedMethods requiredForStaff emailForStaff } }`)).data![
      'twoFactorSettings'
    ];
    const nothing = await admin.gql(SETTINGS, { i: { allowedMethods: ['RECOVERY_CODE'] } });
    expect(codes(nothing)).toEqual(['BAD_USER_INPUT']);
    expect(nothing.errors![0]!.extensions!['fields']).toMatchObject([{ field: 'allowedMethods', reason: 'NOTHING_TO_ENROLL' }]);
    expect(codes(await admin.gql(SETTINGS, { i: { allowedMethods: [] } }))).toEqual(['BAD_USER_INPUT']);
    // Its preview refuses it alike, with the same reason.
    const previewed = await admin.gql(
      `query($i: TwoFactorSettingsInput!) { twoFactorSettingsImpact(input: $i) { accountsSignedOut } }`,
      { i: { allowedMethods: ['RECOVERY_CODE'] } },
    );
    expect(previewed.errors![0]!.extensions!['fields']).toMatchObject([{ field: 'allowedMethods', reason: 'NOTHING_TO_ENROLL' }]);
    // Staff may not use e-mail codes by default: e-mail alone leaves them nothing when required.
    expect(codes(await admin.gql(SETTINGS, { i: { allowedMethods: ['EMAIL'], requiredForStaff: true } }))).toEqual([
      'BAD_USER_INPUT',
    ]);
    const unchanged = (await admin.gql(`{ twoFactorSettings { allowedMethods requiredForStaff emailForStaff } }`)).data![
      'twoFactorSettings'
    ];
    expect(unchanged).toEqual(before);
    const fine = await admin.gql(SETTINGS, { i: { allowedMethods: ['EMAIL', 'RECOVERY_CODE'], requiredForStaff: false } });
    expect(fine.data!['updateTwoFactorSettings']).toMatchObject({ allowedMethods: ['EMAIL', 'RECOVERY_CODE'] });
    await admin.gql(SETTINGS, { i: { allowedMethods: before.allowedMethods, requiredForStaff: before.requiredForStaff } });
  });

  it('a method the settings no longer allow cannot be set up, and whoever has it keeps signing in with it', async () => {
    const SETTINGS = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { allowedMethods } }`;
    await reauthenticate(admin);
    const before = (await admin.gql(`{ twoFactorSettings { allowedMethods } }`)).data!['twoFactorSettings'].allowedMethods;
    const holder = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(holder.client);
    const u = await createAccount(server, admin, { role: 'USER' });
    const starts: Record<string, () => Promise<unknown>> = {
      TOTP: () => u.client.gql(Q.startTotp),
      EMAIL: () => u.client.gql(Q.startEmail, { a: uniqueEmail('codes') }),
      WEBAUTHN: () => u.client.gql(`mutation { webauthnRegistrationOptions(name: "Key") }`),
    };
    try {
      for (const method of ['TOTP', 'EMAIL', 'WEBAUTHN']) {
        const rest = ['TOTP', 'EMAIL', 'WEBAUTHN'].filter((m) => m !== method);
        // Recovery codes are always allowed: the stored list says so even when left out.
        const saved = await admin.gql(SETTINGS, { i: { allowedMethods: rest } });
        expect([...saved.data!['updateTwoFactorSettings'].allowedMethods].sort()).toEqual([...rest, 'RECOVERY_CODE'].sort());
        const refused = (await starts[method]!()) as Parameters<typeof codes>[0];
        expect(codes(refused), method).toEqual(['METHOD_NOT_ALLOWED']);
      }
      expect(await db.query(`select 1 from totp_authenticator where account_id = $1`, [u.id])).toEqual([]);
      expect(await db.query(`select 1 from webauthn_challenge where account_id = $1`, [u.id])).toEqual([]);
      // The app is not allowed now (the last round), yet its holder's sign-in still asks for it and takes it.
      await admin.gql(SETTINGS, { i: { allowedMethods: ['EMAIL', 'WEBAUTHN'] } });
      const client = new GqlClient(server.url);
      expect((await loginStep(client, holder.email)).methods).toContain('TOTP');
      await awayFromStepEdge();
      const done = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret) } });
      expect(done.data!['verifySecondFactor'].__typename).toBe('LoginSuccess');
    } finally {
      await admin.gql(SETTINGS, { i: { allowedMethods: before } });
    }
  });

  it('a setup the settings stopped allowing while it was under way is not switched on (app, e-mail for staff, security key)', async () => {
    const SETTINGS = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { allowedMethods emailForStaff } }`;
    const FINISH_KEY = `mutation($r: JSONObject!) { finishWebauthnRegistration(response: $r) { __typename ... on ErrorResult { code } } }`;
    await reauthenticate(admin);
    const before = (await admin.gql(`{ twoFactorSettings { allowedMethods emailForStaff } }`)).data!['twoFactorSettings'];
    try {
      // An app: set up while allowed, the code confirmed after the app was taken off the list.
      const appUser = await createAccount(server, admin, { role: 'USER' });
      const secret = ((await appUser.client.gql(Q.startTotp)).data!['startTotpEnrollment'].secret as string).replace(/\s/g, '');
      await admin.gql(SETTINGS, { i: { allowedMethods: ['EMAIL', 'WEBAUTHN'] } });
      await awayFromStepEdge();
      expect(codes(await appUser.client.gql(Q.confirmTotp, { c: totp(secret) }))).toEqual(['METHOD_NOT_ALLOWED']);
      expect(await db.query(`select status from totp_authenticator where account_id = $1`, [appUser.id])).toEqual([
        { status: 'PENDING' },
      ]);

      // A security key: its options asked for while allowed, the browser's answer sent after keys were taken off.
      await admin.gql(SETTINGS, { i: { allowedMethods: ['TOTP', 'EMAIL', 'WEBAUTHN'] } });
      const keyUser = await createAccount(server, admin, { role: 'USER' });
      const key = new SoftKey(server.url);
      const options = (await keyUser.client.gql(`mutation { webauthnRegistrationOptions(name: "Desk key") }`)).data![
        'webauthnRegistrationOptions'
      ];
      await admin.gql(SETTINGS, { i: { allowedMethods: ['TOTP', 'EMAIL'] } });
      expect(codes(await keyUser.client.gql(FINISH_KEY, { r: key.registration(options) }))).toEqual(['METHOD_NOT_ALLOWED']);
      expect(await db.query(`select 1 from webauthn_credential where account_id = $1`, [keyUser.id])).toEqual([]);

      // E-mail codes for a sub-admin: started while staff could use them, confirmed after they were switched off.
      await admin.gql(SETTINGS, { i: { allowedMethods: ['TOTP', 'EMAIL', 'WEBAUTHN'], emailForStaff: true } });
      const staff = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: [] });
      const since = mail.count();
      expect((await staff.client.gql(Q.startEmail, { a: staff.email })).data!['startEmailEnrollment'].__typename).toBe(
        'EmailCodeSent',
      );
      const code = await mail.codeFor(staff.email, since);
      await admin.gql(SETTINGS, { i: { emailForStaff: false } });
      expect(codes(await staff.client.gql(Q.confirmEmail, { c: code }))).toEqual(['METHOD_NOT_ALLOWED']);
      expect(await factors(staff.id)).toBe(0);
      expect(
        await db.query(`select 1 from recovery_code where account_id = any($1::uuid[])`, [[appUser.id, keyUser.id, staff.id]]),
      ).toEqual([]);
      // Allowed again, the same code confirms the same setup (it was not used up by the refusal).
      await admin.gql(SETTINGS, { i: { emailForStaff: true } });
      expect((await staff.client.gql(Q.confirmEmail, { c: code })).data!['confirmEmailEnrollment'].__typename).toBe(
        'TwoFactorEnabled',
      );
    } finally {
      await admin.gql(SETTINGS, { i: { allowedMethods: before.allowedMethods, emailForStaff: before.emailForStaff } });
    }
  });

  it('your only factor, e-mail codes, is not switched off for staff by switching 2FA on in the same change, or after it', async () => {
    const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { enabled emailForStaff } }`;
    await reauthenticate(admin);
    const before = (await admin.gql(`{ twoFactorSettings { enabled emailForStaff } }`)).data!['twoFactorSettings'];
    const other = await createAccount(server, admin, { role: 'ADMIN' });
    await reauthenticate(other.client);
    try {
      expect((await other.client.gql(SET, { i: { emailForStaff: true } })).errors).toBeUndefined();
      const since = mail.count();
      expect((await other.client.gql(Q.startEmail, { a: other.email })).data!['startEmailEnrollment'].__typename).toBe(
        'EmailCodeSent',
      );
      const code = await mail.codeFor(other.email, since);
      expect((await other.client.gql(Q.confirmEmail, { c: code })).data!['confirmEmailEnrollment'].__typename).toBe(
        'TwoFactorEnabled',
      );
      const now = async () => (await admin.gql(`{ twoFactorSettings { enabled emailForStaff } }`)).data!['twoFactorSettings'];
      const own = await other.client.gql(SET, { i: { emailForStaff: false } });
      expect(own.errors?.[0]?.extensions).toMatchObject({ code: 'WOULD_LOCK_YOU_OUT', reason: 'OWN_EMAIL_CODES' });
      // 2FA off for a moment: then on again together with e-mail codes off for staff is refused alike…
      expect((await other.client.gql(SET, { i: { enabled: false } })).errors).toBeUndefined();
      expect(codes(await other.client.gql(SET, { i: { enabled: true, emailForStaff: false } }))).toEqual(['WOULD_LOCK_YOU_OUT']);
      expect(await now()).toEqual({ enabled: false, emailForStaff: true });
      // …and so is switching it on after turning e-mail codes off for staff while it was off.
      expect((await other.client.gql(SET, { i: { emailForStaff: false } })).errors).toBeUndefined();
      expect(codes(await other.client.gql(SET, { i: { enabled: true } }))).toEqual(['WOULD_LOCK_YOU_OUT']);
      expect(await now()).toEqual({ enabled: false, emailForStaff: false });
      // With 2FA off, sign-in asks for nothing: the report calls no method unusable.
      const rows = (
        await admin.gql(
          `{ twoFactorCompliance(page: { limit: 200 }) { rows { account { id } enabled methods unusableMethods } } }`,
        )
      ).data!['twoFactorCompliance'].rows as { account: { id: string } }[];
      expect(rows.find((r) => r.account.id === other.id)).toEqual({
        account: { id: other.id },
        enabled: false,
        methods: [],
        unusableMethods: [],
      });
      // Whoever holds another factor (here: none at all, so nothing to lose) switches it on.
      expect((await admin.gql(SET, { i: { enabled: true } })).data!['updateTwoFactorSettings']).toEqual({
        enabled: true,
        emailForStaff: false,
      });
    } finally {
      await reauthenticate(admin);
      await admin.gql(SET, { i: { enabled: before.enabled, emailForStaff: before.emailForStaff } });
    }
  });

  it('a sub-admin’s compliance report covers only the accounts it may manage: never admins', async () => {
    const REPORT = `{ twoFactorCompliance(page: { limit: 200 }) { total withTwoFactor withoutTwoFactor rows { account { id } role } } }`;
    const anAdmin = await createAccount(server, admin, { role: 'ADMIN' });
    await enrollTotp(anAdmin.client);
    const users = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_USERS'] });
    const staff = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_USERS', 'MANAGE_SUB_ADMINS'] });
    // A user too, so that each report has a row of every role it covers (also when this test runs alone).
    await createAccount(server, admin, { role: 'USER' });
    const count = async (roles: string[]) =>
      (await db.query<{ n: number }>(`select count(*)::int as n from account where role = any($1::text[])`, [roles]))[0]!.n;
    for (const [viewer, roles] of [
      [users, ['USER']],
      [staff, ['USER', 'SUB_ADMIN']],
      [{ client: admin }, ['USER', 'SUB_ADMIN', 'ADMIN']],
    ] as const) {
      const r = (await viewer.client.gql(REPORT)).data!['twoFactorCompliance'];
      expect(r.total, roles.join()).toBe(await count([...roles]));
      expect(r.withTwoFactor + r.withoutTwoFactor).toBe(r.total);
      const shown = new Set(r.rows.map((row: { role: string }) => row.role));
      expect(
        [...shown].every((role) => (roles as readonly string[]).includes(role as string)),
        [...shown].join(),
      ).toBe(true);
      expect(shown.has(roles.at(-1)!)).toBe(true);
    }
    // What accountTwoFactor refuses it, the report does not show it either.
    expect(
      codes(await users.client.gql(`query($id: ID!) { accountTwoFactor(accountId: $id) { methods } }`, { id: anAdmin.id })),
    ).toEqual(['FORBIDDEN']);
  });

  it('e-mail codes off for staff: the report agrees with sign-in, and your own only factor is not switched off', async () => {
    const SETTINGS = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { emailForStaff } }`;
    await reauthenticate(admin);
    const COMPLIANCE = `{ twoFactorCompliance(page: { limit: 200 }) { rows { account { id } enabled methods unusableMethods recoveryCodesLeft } } }`;
    const row = async (id: string) =>
      ((await admin.gql(COMPLIANCE)).data!['twoFactorCompliance'].rows as { account: { id: string } }[]).find(
        (r) => r.account.id === id,
      );
    const enrollEmail = async (client: GqlClient, address: string) => {
      const since = mail.count();
      expect((await client.gql(Q.startEmail, { a: address })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
      const code = await mail.codeFor(address, since);
      expect((await client.gql(Q.confirmEmail, { c: code })).data!['confirmEmailEnrollment'].__typename).toBe('TwoFactorEnabled');
    };
    expect((await admin.gql(SETTINGS, { i: { emailForStaff: true } })).data!['updateTwoFactorSettings'].emailForStaff).toBe(true);
    const staff = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_INCIDENTS'] });
    await enrollEmail(staff.client, staff.email);
    expect(await row(staff.id)).toMatchObject({ enabled: true, methods: ['EMAIL'], unusableMethods: [], recoveryCodesLeft: 10 });
    expect((await admin.gql(SETTINGS, { i: { emailForStaff: false } })).data!['updateTwoFactorSettings'].emailForStaff).toBe(
      false,
    );
    // Held and refused: not "off" (its sign-ins use up its recovery codes; it is never led through setup).
    expect(await row(staff.id)).toMatchObject({ enabled: false, methods: [], unusableMethods: ['EMAIL'], recoveryCodesLeft: 10 });

    // The admin changing the setting relies on e-mail codes alone: refused, and nothing changes.
    await admin.gql(SETTINGS, { i: { emailForStaff: true } });
    const me = (await admin.gql(Q.me)).data!['me'] as { email: string };
    await enrollEmail(admin, me.email);
    expect(codes(await admin.gql(SETTINGS, { i: { emailForStaff: false } }))).toEqual(['WOULD_LOCK_YOU_OUT']);
    expect((await admin.gql(`{ twoFactorSettings { emailForStaff } }`)).data!['twoFactorSettings'].emailForStaff).toBe(true);
  });

  it('the compliance report tells an account whose only factor sign-in refuses from one without 2FA: not led through setup, and unable to sign in without a recovery code', async () => {
    const REPORT = `{ twoFactorCompliance(page: { limit: 200 }) { requiredButMissing onlyUnusableMethods cannotSignIn
      rows { account { id } enabled methods unusableMethods recoveryCodesLeft required } } }`;
    const report = async () => (await admin.gql(REPORT)).data!['twoFactorCompliance'];
    const user = await createAccount(server, admin, { role: 'USER' });
    await admin.gql(MARK, { id: user.id });
    // Its only factor, a security key, flagged as a possible clone; no recovery code.
    await db.query(
      `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at)
       values (gen_random_uuid(), $1, $2, 'AAAA', 0, '[]', 'Desk key', now())`,
      [user.id, `flagged-${user.id}`],
    );
    const before = await report();
    expect(before.rows).toContainEqual({
      account: { id: user.id },
      enabled: true,
      methods: ['WEBAUTHN'],
      unusableMethods: [],
      recoveryCodesLeft: 0,
      required: true,
    });
    await db.query(`update webauthn_credential set flagged_at = now() where account_id = $1`, [user.id]);
    const after = await report();
    expect(after.rows).toContainEqual({
      account: { id: user.id },
      enabled: false,
      methods: [],
      unusableMethods: ['WEBAUTHN'],
      recoveryCodesLeft: 0,
      required: true,
    });
    // Not among those led through setup: among those who cannot sign in.
    expect(after.requiredButMissing - before.requiredButMissing).toBe(0);
    expect(after.onlyUnusableMethods - before.onlyUnusableMethods).toBe(1);
    expect(after.cannotSignIn - before.cannotSignIn).toBe(1);
    // As sign-in has it.
    const signIn = await new GqlClient(server.url).gql(
      `mutation($i: LoginInput!) { login(input: $i) { __typename ... on ErrorResult { code } } }`,
      { i: { email: user.email, password: PASSWORD } },
    );
    expect(signIn.data!['login']).toMatchObject({ code: 'SECOND_FACTOR_UNAVAILABLE' });
  });

  it('the compliance report counts every account and pages its rows; bad paging is refused', async () => {
    const REPORT = `query($w: Boolean, $p: PageInput) { twoFactorCompliance(withoutTwoFactor: $w, page: $p) {
      total matching withTwoFactor withoutTwoFactor requiredButMissing rows { account { id } enabled } } }`;
    // Some with an app and some without, so that "without 2FA" has accounts to leave out.
    for (let i = 0; i < 5; i++) {
      const user = await createAccount(server, admin, { role: 'USER' });
      if (i < 2) await enrollTotp(user.client);
    }
    const fromDb = await db.query<{ id: string; on: boolean }>(
      `select a.id, (exists(select 1 from totp_authenticator t where t.account_id = a.id and t.status = 'ACTIVE')
          or exists(select 1 from webauthn_credential w where w.account_id = a.id and w.flagged_at is null)
          or exists(select 1 from email_factor e where e.account_id = a.id and e.status = 'ACTIVE'
                    and (a.role = 'USER' or (select (value->>'emailForStaff')::boolean from setting where key = 'twoFactor')))) as on
       from account a`,
    );
    expect(fromDb.length).toBeGreaterThan(5);
    expect(new Set(fromDb.map((a) => a.on))).toEqual(new Set([true, false]));
    for (const without of [false, true]) {
      const seen: string[] = [];
      let first: Record<string, number> | undefined;
      for (let offset = 0; offset < fromDb.length + 2; offset += 2) {
        const r = (await admin.gql(REPORT, { w: without, p: { limit: 2, offset } })).data!['twoFactorCompliance'];
        first ??= r;
        expect(r.rows.length).toBeLessThanOrEqual(2);
        seen.push(...r.rows.map((x: { account: { id: string } }) => x.account.id));
        if (without) expect(r.rows.every((x: { enabled: boolean }) => !x.enabled)).toBe(true);
      }
      const expected = fromDb.filter((a) => !without || !a.on).map((a) => a.id);
      // Every matching account once, over the pages; the counts cover all accounts on every page.
      expect([...seen].sort()).toEqual([...expected].sort());
      expect(first).toMatchObject({
        total: fromDb.length,
        matching: expected.length,
        withTwoFactor: fromDb.filter((a) => a.on).length,
        withoutTwoFactor: fromDb.filter((a) => !a.on).length,
      });
    }
    for (const p of [{ limit: 0 }, { limit: 201 }, { offset: -1 }]) {
      expect(codes(await admin.gql(REPORT, { p }))).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('the compliance report gives each account’s role, methods and last sign-in as stored', async () => {
    const COMPLIANCE = `{ twoFactorCompliance(page: { limit: 200 }) { rows { account { id } role enabled methods lastLoginAt } } }`;
    const row = async (id: string) =>
      ((await admin.gql(COMPLIANCE)).data!['twoFactorCompliance'].rows as { account: { id: string } }[]).find(
        (r) => r.account.id === id,
      );
    const lastLogin = async (id: string) =>
      (await db.query<{ at: Date | null }>(`select last_login_at as at from account where id = $1`, [id]))[0]!.at;
    const staff = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_INCIDENTS'] });
    const { secret } = await enrollTotp(staff.client);
    const first = await lastLogin(staff.id);
    expect(first).toBeInstanceOf(Date);
    expect(await row(staff.id)).toEqual({
      account: { id: staff.id },
      role: 'SUB_ADMIN',
      enabled: true,
      methods: ['TOTP'],
      lastLoginAt: first!.toISOString(),
    });
    // Signing in again (both steps) moves it, and the report follows.
    await new Promise((r) => setTimeout(r, 20));
    await awayFromStepEdge();
    await loginWithTotp(server, staff.email, secret, 0);
    const second = await lastLogin(staff.id);
    expect(second!.getTime()).toBeGreaterThan(first!.getTime());
    expect(await row(staff.id)).toMatchObject({ lastLoginAt: second!.toISOString() });

    // An account that never signed in says so.
    const created = await admin.gql(CREATE_ACCOUNT, {
      input: { email: uniqueEmail('never'), name: 'Never', password: PASSWORD, role: 'USER' },
    });
    const neverId = created.data!['createAccount'].account.id as string;
    expect(await row(neverId)).toEqual({
      account: { id: neverId },
      role: 'USER',
      enabled: false,
      methods: [],
      lastLoginAt: null,
    });
  });

  it('an e-mailed sign-in code outlives the maintenance rounds while its sign-in waits, with its failure count', async () => {
    // An instance whose maintenance runs every second (INCIDENT_MAIL_THROTTLE_SECONDS sets its pace).
    await withServer(
      'two_factor_code_kept',
      { SMTP_URL: mail.url, INCIDENT_MAIL_THROTTLE_SECONDS: '1' },
      async (fast, fastDb) => {
        const { client: fastAdmin } = await setupAdmin(fast);
        const { client: holder, email } = await createAccount(fast, fastAdmin, { role: 'USER' });
        let since = mail.count();
        expect((await holder.gql(Q.startEmail, { a: email })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
        const enrolled = await holder.gql(Q.confirmEmail, { c: await mail.codeFor(email, since) });
        expect(enrolled.data!['confirmEmailEnrollment'].__typename).toBe('TwoFactorEnabled');
        const pending = new GqlClient(fast.url);
        expect((await loginStep(pending, email)).typename).toBe('SecondFactorRequired');
        since = mail.count();
        expect((await pending.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
        const code = await mail.codeFor(email, since);
        const wrongCode = code === '000000' ? '111111' : '000000';
        const tryCode = async (c: string) =>
          (await pending.gql(Q.verify, { i: { method: 'EMAIL', code: c } })).data!['verifySecondFactor'];
        expect(await tryCode(wrongCode)).toMatchObject({ code: 'CODE_INVALID' });
        // Rounds pass while the holder reads the e-mail: the code is kept, and so is its wrong try.
        await new Promise((r) => setTimeout(r, 3_000));
        expect(await fastDb.query(`select failures from email_code where purpose = 'LOGIN'`)).toEqual([{ failures: 1 }]);
        expect(await tryCode(code)).toMatchObject({ __typename: 'LoginSuccess' });
      },
    );
  });

  it('a sign-in waiting for its second step is short-lived, and its second step is refused once its time is up', async () => {
    const { client: holder, email, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(holder);
    const LOGIN_STEP = `mutation($input: LoginInput!) { login(input: $input) { __typename ... on SecondFactorRequired { expiresAt } } }`;
    const pending = new GqlClient(server.url);
    const before = Date.now();
    const res = await pending.gql(LOGIN_STEP, { input: { email, password: PASSWORD } });
    const after = Date.now();
    expect(res.data!['login'].__typename).toBe('SecondFactorRequired');
    // PENDING_SESSION_SECONDS (600 by default) from now: minutes, where a full session lasts hours.
    const expiresAt = Date.parse(res.data!['login'].expiresAt as string);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 600_000 - 1_000);
    expect(expiresAt).toBeLessThanOrEqual(after + 600_000 + 1_000);
    expect((await pending.gql(Q.pending)).data!['pendingSignIn']).toMatchObject({ stage: 'PENDING_SECOND_FACTOR', email });
    const [full] = await db.query<{ seconds: number }>(
      `select extract(epoch from expires_at - created_at)::int as seconds from session
        where account_id = $1 and stage = 'FULL' and revoked_at is null`,
      [id],
    );
    expect(full!.seconds).toBe(12 * 3600);

    // Its time up: on an instance whose pending sign-ins last 10 s (the least PENDING_SESSION_SECONDS
    // allows), the right code no longer finishes the sign-in once they have passed.
    const short = await startServer({ DATABASE_URL: db.url, SMTP_URL: mail.url, PENDING_SESSION_SECONDS: '10' });
    try {
      const waiting = new GqlClient(short.url);
      const started = Date.now();
      const step = await waiting.gql(LOGIN_STEP, { input: { email, password: PASSWORD } });
      const until = Date.parse(step.data!['login'].expiresAt as string);
      expect(until).toBeGreaterThanOrEqual(started + 10_000 - 1_000);
      expect(until).toBeLessThanOrEqual(Date.now() + 10_000 + 1_000);
      expect((await waiting.gql(Q.pending)).data!['pendingSignIn']).toMatchObject({ email });
      await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now()) + 200));
      expect((await waiting.gql(Q.pending)).data!['pendingSignIn']).toBeNull();
      await awayFromStepEdge();
      const late = await waiting.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
      expect(codes(late), JSON.stringify(late)).toEqual(['UNAUTHENTICATED']);
      expect((await waiting.gql(Q.me)).data!['me']).toBeNull();
    } finally {
      await short.stop();
    }
    // No session came of it: only the holder's own is live.
    expect(await liveSessions(id)).toBe(1);
    expect((await holder.gql(Q.me)).data!['me']).toMatchObject({ id });
  });

  describe('lost device, reset by a sub-admin', () => {
    const RESET = `mutation($id: ID!) { resetTwoFactor(accountId: $id) { __typename ... on TwoFactorResetDone { account { id } } ... on TwoFactorResetPending { requestId } } }`;
    const resetAudits = async (id: string) =>
      db.query(`select action, actor_id from audit_log where target_id = $1 and action like 'TWO_FACTOR_RESET%'`, [id]);
    const recoveryLeft = async (id: string) =>
      (
        await db.query<{ n: number }>(`select count(*)::int as n from recovery_code where account_id = $1 and used_at is null`, [
          id,
        ])
      )[0]!.n;
    /** An account with an authenticator app, signed in with it on a second device too. */
    const withApp = async (role: 'ADMIN' | 'SUB_ADMIN' | 'USER') => {
      const a = await createAccount(server, admin, { role, permissions: role === 'SUB_ADMIN' ? ['READ_INCIDENTS'] : undefined });
      const { secret } = await enrollTotp(a.client);
      await awayFromStepEdge();
      return { ...a, phone: await loginWithTotp(server, a.email, secret, 0) };
    };

    it('with MANAGE_USERS resets a user’s 2FA: signed out everywhere, told by e-mail, audited', async () => {
      const users = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_USERS'] });
      await reauthenticate(users.client);
      const holder = await withApp('USER');
      expect(await liveSessions(holder.id)).toBe(2);
      const since = mail.count();
      const res = await users.client.gql(RESET, { id: holder.id });
      expect(res.data?.['resetTwoFactor'], JSON.stringify(res)).toEqual({
        __typename: 'TwoFactorResetDone',
        account: { id: holder.id },
      });
      expect(await factors(holder.id)).toBe(0);
      expect(await recoveryLeft(holder.id)).toBe(0);
      expect((await holder.phone.gql(Q.me)).data!['me']).toBeNull();
      expect((await holder.client.gql(Q.me)).data!['me']).toBeNull();
      expect(await liveSessions(holder.id)).toBe(0);
      await mail.waitFor(holder.email, (m) => /two-factor authentication was reset/i.test(m.subject), since);
      expect(await resetAudits(holder.id)).toEqual([{ action: 'TWO_FACTOR_RESET', actor_id: users.id }]);
      // The holder signs in with the password again, to set a method up anew.
      expect((await loginStep(new GqlClient(server.url), holder.email)).typename).toBe('LoginSuccess');
    });

    it('a setup that can no longer be confirmed (an app setup expired, an e-mail setup whose code expired) is nothing to reset: METHOD_NOT_SET_UP, sessions and API tokens kept, nobody e-mailed', async () => {
      const RESETTABLE = `query($id: ID!) { accountTwoFactor(accountId: $id) { resettable } }`;
      const resettable = async (id: string) => (await admin.gql(RESETTABLE, { id })).data!['accountTwoFactor'].resettable;
      // The admin has e-mail codes when the tests before this one ran: confirmed with one then.
      const me = (await admin.gql(Q.me)).data!['me'] as { email: string };
      const byPassword = await admin.gql(Q.reauth, { i: { password: PASSWORD } });
      if (byPassword.data?.['reauthenticate']?.__typename !== 'ReauthSuccess') {
        expect(byPassword.data?.['reauthenticate']?.code, JSON.stringify(byPassword)).toBe('SECOND_FACTOR_REQUIRED');
        const since = mail.count();
        expect((await admin.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
        const code = await mail.codeFor(me.email, since);
        const r = await admin.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'EMAIL', code } } });
        expect(r.data!['reauthenticate'].__typename, JSON.stringify(r)).toBe('ReauthSuccess');
      }
      // An app setup an hour past its expiry (a day past it, the hourly retention round may delete it,
      // and the row is brought back to life below).
      const app = await createAccount(server, admin, { role: 'USER' });
      expect((await app.client.gql(Q.startTotp)).data?.['startTotpEnrollment']).toBeTruthy();
      await db.query(`update totp_authenticator set expires_at = now() - interval '1 hour' where account_id = $1`, [app.id]);
      // An e-mail setup whose code expired (a setup has no expiry of its own: its code has).
      const email = await createAccount(server, admin, { role: 'USER' });
      expect((await email.client.gql(Q.startEmail, { a: uniqueEmail('setup') })).data!['startEmailEnrollment'].__typename).toBe(
        'EmailCodeSent',
      );
      await db.query(`update email_code set expires_at = now() - interval '1 second' where account_id = $1`, [email.id]);
      // An integration (its API tokens are its work) with both, the e-mail setup without any code.
      const integration = await createIntegration(admin, ['REPORT_LOGINS'], 'Billing');
      const api = await apiClientFor(server, admin, integration.id);
      await db.query(
        `with t as (insert into totp_authenticator (id, account_id, secret_sealed, status, last_used_step, created_at, expires_at)
                    values (gen_random_uuid(), $1, 'sealed', 'PENDING', 0, now() - interval '1 day', now() - interval '1 hour'))
         insert into email_factor (id, account_id, address, status, created_at) values (gen_random_uuid(), $1, $2, 'PENDING', now())`,
        [integration.id, uniqueEmail('never-sent')],
      );
      const since = mail.count();
      for (const target of [app, email, integration]) {
        expect(await resettable(target.id), target.email).toBe(false);
        const res = await admin.gql(RESET, { id: target.id });
        expect(codes(res), JSON.stringify(res)).toEqual(['METHOD_NOT_SET_UP']);
        expect(await resetAudits(target.id)).toEqual([]);
      }
      for (const target of [app, email]) {
        expect((await target.client.gql(Q.me)).data!['me']).toMatchObject({ id: target.id });
        expect(await liveSessions(target.id)).toBe(1);
      }
      expect((await api.gql(Q.me)).data!['me']).toMatchObject({ id: integration.id });
      await new Promise((r) => setTimeout(r, 300));
      expect(
        mail.messages
          .slice(since)
          .filter((m) => [app, email, integration].some((t) => m.to.includes(t.email.toLowerCase())))
          .map((m) => m.subject),
      ).toEqual([]);
      // Still live, each would be reset (its setup cancelled).
      await db.query(`update totp_authenticator set expires_at = now() + interval '5 minutes' where account_id = $1`, [app.id]);
      await db.query(`update email_code set expires_at = now() + interval '5 minutes' where account_id = $1`, [email.id]);
      expect(await resettable(app.id)).toBe(true);
      expect(await resettable(email.id)).toBe(true);
      // Being confirmed right now (an app read live a moment before its expiry, an address whose code was
      // just used: either is switched on next): still something to reset, or the reset would leave it on.
      await db.query(`update totp_authenticator set expires_at = now() - interval '5 seconds' where account_id = $1`, [app.id]);
      await db.query(`update email_code set used_at = now() - interval '5 seconds' where account_id = $1`, [email.id]);
      expect(await resettable(app.id)).toBe(true);
      expect(await resettable(email.id)).toBe(true);
    });

    it('is refused without the permission, and for an account above the sub-admin’s rank: nothing changes', async () => {
      const other = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_INCIDENTS', 'MANAGE_IPS'] });
      const users = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_USERS'] });
      // Confirmed recently: the refusals are about the right, not about a stale confirmation.
      await reauthenticate(other.client);
      await reauthenticate(users.client);
      const user = await withApp('USER');
      const anAdmin = await withApp('ADMIN');
      const aSubAdmin = await withApp('SUB_ADMIN');
      // Every permission a sub-admin can hold is still no admin's rank: an admin's 2FA is neither reset
      // nor unlocked by it, and the approvals are admins' only.
      const all = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_USERS', 'MANAGE_SUB_ADMINS'] });
      await reauthenticate(all.client);
      const attempts: [GqlClient, { id: string }][] = [
        [other.client, user],
        [users.client, anAdmin],
        [users.client, aSubAdmin],
        [all.client, anAdmin],
      ];
      for (const [as, target] of attempts) {
        const res = await as.gql(RESET, { id: target.id });
        expect(codes(res), JSON.stringify(res)).toEqual(['FORBIDDEN']);
      }
      expect(
        codes(await all.client.gql(`mutation($id: ID!) { unlockSecondFactor(accountId: $id) }`, { id: anAdmin.id })),
      ).toEqual(['FORBIDDEN']);
      expect(codes(await all.client.gql(`{ pendingTwoFactorResets { id } }`))).toEqual(['FORBIDDEN']);
      expect(
        codes(
          await all.client.gql(`mutation($id: ID!) { approveTwoFactorReset(requestId: $id) { __typename } }`, { id: anAdmin.id }),
        ),
      ).toEqual(['FORBIDDEN']);
      // An integration's token with MANAGE_USERS cannot give the recent confirmation a reset or an unlock needs.
      const issuer = await createAccount(server, admin, { role: 'ADMIN' });
      await reauthenticate(issuer.client);
      const integration = await createIntegration(issuer.client, ['MANAGE_USERS']);
      const token = await apiClientFor(server, issuer.client, integration.id);
      expect(codes(await token.gql(RESET, { id: user.id }))).toEqual(['REAUTH_REQUIRED']);
      expect(codes(await token.gql(`mutation($id: ID!) { unlockSecondFactor(accountId: $id) }`, { id: user.id }))).toEqual([
        'REAUTH_REQUIRED',
      ]);
      for (const target of [user, anAdmin, aSubAdmin]) {
        expect(await factors(target.id)).toBe(1);
        expect(await recoveryLeft(target.id)).toBe(10);
        expect((await target.phone.gql(Q.me)).data!['me']).toMatchObject({ id: target.id });
        expect(await liveSessions(target.id)).toBe(2);
        expect(await resetAudits(target.id)).toEqual([]);
        expect(await db.query(`select 1 from two_factor_reset_request where target_id = $1`, [target.id])).toEqual([]);
      }
    });

    it('when the requester and the target are the only admins (others younger than a day aside), an admin’s reset is carried out at once', async () => {
      await withServer('two_factor_two_admins', { SMTP_URL: mail.url }, async (only, onlyDb) => {
        const { client: first, id: firstId } = await setupAdmin(only);
        const target = await createAccount(only, first, { role: 'ADMIN' });
        // An admin made just now cannot approve, so it is no one to wait for (the request would wait for nobody).
        await createAccount(only, first, { role: 'ADMIN' });
        const { secret } = await enrollTotp(target.client);
        await awayFromStepEdge();
        const phone = await loginWithTotp(only, target.email, secret, 0);
        await reauthenticate(first);
        const since = mail.count();
        const res = await first.gql(RESET, { id: target.id });
        expect(res.data?.['resetTwoFactor'], JSON.stringify(res)).toEqual({
          __typename: 'TwoFactorResetDone',
          account: { id: target.id },
        });
        expect((await phone.gql(Q.me)).data!['me']).toBeNull();
        expect((await target.client.gql(Q.me)).data!['me']).toBeNull();
        await mail.waitFor(target.email, (m) => /two-factor authentication was reset/i.test(m.subject), since);
        expect(await onlyDb.query(`select 1 from totp_authenticator where account_id = $1`, [target.id])).toEqual([]);
        expect(await onlyDb.query(`select 1 from two_factor_reset_request`)).toEqual([]);
        expect(
          await onlyDb.query(`select action, actor_id from audit_log where target_id = $1 and action like 'TWO_FACTOR_RESET%'`, [
            target.id,
          ]),
        ).toEqual([{ action: 'TWO_FACTOR_RESET', actor_id: firstId }]);
      });
    });

    it('deleting the admin who would approve does not let an admin’s reset through alone: refused for a day after the deletion, nothing changed', async () => {
      await withServer('two_factor_deleted_approver', { SMTP_URL: mail.url }, async (only, onlyDb) => {
        const DELETE = `mutation($id: ID!) { deleteAccount(id: $id) }`;
        const { client: first } = await setupAdmin(only);
        const target = await createAccount(only, first, { role: 'ADMIN' });
        const approver = await createAccount(only, first, { role: 'ADMIN' });
        const young = await createAccount(only, first, { role: 'ADMIN' });
        // The approver has been an admin for more than a day; `young` was made today (no one to ask).
        await onlyDb.query(`update account set created_at = created_at - interval '25 hours' where id = $1`, [approver.id]);
        const { secret } = await enrollTotp(target.client);
        await awayFromStepEdge();
        const phone = await loginWithTotp(only, target.email, secret, 0);
        await reauthenticate(first);
        expect((await first.gql(DELETE, { id: young.id })).errors).toBeUndefined();
        expect((await first.gql(DELETE, { id: approver.id })).errors).toBeUndefined();
        const refused = await first.gql(RESET, { id: target.id });
        expect(codes(refused), JSON.stringify(refused)).toEqual(['APPROVER_RECENTLY_DELETED']);
        const deletedAt = async () =>
          (
            await onlyDb.query<{ at: Date }>(
              `select occurred_at as at from audit_log where action = 'ACCOUNT_DELETED' and target_id = $1`,
              [approver.id],
            )
          )[0]!.at;
        // When it may be done alone: a day after the approver's deletion.
        expect(new Date(refused.errors![0]!.extensions!['retryAfter'] as string).getTime()).toBe(
          (await deletedAt()).getTime() + 24 * 3600_000,
        );
        // Nothing changed: the target's app and sessions, no request made, no reset audited.
        expect(await onlyDb.query(`select 1 from totp_authenticator where account_id = $1`, [target.id])).toHaveLength(1);
        expect((await phone.gql(Q.me)).data!['me']).toMatchObject({ id: target.id });
        expect(await onlyDb.query(`select 1 from two_factor_reset_request`)).toEqual([]);
        expect(await onlyDb.query(`select 1 from audit_log where action like 'TWO_FACTOR_RESET%'`)).toEqual([]);
        // A day after it, the reset is carried out at once (the admin deleted today, made today, holds nothing up).
        await onlyDb.query(
          `update audit_log set occurred_at = occurred_at - interval '25 hours' where action = 'ACCOUNT_DELETED' and target_id = $1`,
          [approver.id],
        );
        const res = await first.gql(RESET, { id: target.id });
        expect(res.data?.['resetTwoFactor'], JSON.stringify(res)).toEqual({
          __typename: 'TwoFactorResetDone',
          account: { id: target.id },
        });
        expect((await phone.gql(Q.me)).data!['me']).toBeNull();
      });
    });
  });

  it('a user marked while its password sign-in is under way is led through enrollment, not signed in without a factor', async () => {
    const u = await createAccount(server, admin, { role: 'USER' });
    const client = new GqlClient(server.url);
    // The mark takes the account's row first; the sign-in has read the row (unmarked), checked the
    // password, and waits for the row behind the mark to start its session.
    const [marked, signedIn] = await inLockOrder<unknown>(
      db,
      [`select 1 from account where id = $1 for update`, [u.id]],
      [() => admin.gql(MARK, { id: u.id }), () => loginStep(client, u.email)],
    );
    expect((marked as { errors?: unknown }).errors).toBeUndefined();
    // In force at once: decided again on the marked account, the sign-in leads through enrollment.
    expect((signedIn as { typename: string }).typename).toBe('TwoFactorEnrollmentRequired');
    expect((await client.gql(Q.me)).data!['me']).toBeNull();
    expect(await liveSessions(u.id)).toBe(1);
    expect(await db.query(`select stage from session where account_id = $1 and revoked_at is null`, [u.id])).toEqual([
      { stage: 'ENROLLMENT_REQUIRED' },
    ]);
    // Its password was right: recorded as the step it reached (after the sign-in that made it), nothing counted against it.
    expect(await db.query(`select outcome from login_event where account_id = $1 order by id`, [u.id])).toEqual([
      { outcome: 'SUCCESS' },
      { outcome: 'SECOND_FACTOR_REQUIRED' },
    ]);
  });

  const DISABLE = `mutation($id: ID!, $disabled: Boolean!) { setAccountDisabled(id: $id, disabled: $disabled) { id } }`;

  it('a user disabled while its password sign-in is under way gets no enrollment-only session: answered as a wrong password, none back on re-enable', async () => {
    const u = await createAccount(server, admin, { role: 'USER' });
    expect((await admin.gql(MARK, { id: u.id })).errors).toBeUndefined();
    const client = new GqlClient(server.url);
    // The disable takes the account's row first; the sign-in has read the row (enabled), checked the
    // password, and waits for the row behind the disable to start its enrollment-only session.
    const [disabled, signedIn] = await inLockOrder<GqlResponse>(
      db,
      [`select 1 from account where id = $1 for update`, [u.id]],
      [
        () => admin.gql(DISABLE, { id: u.id, disabled: true }),
        () => client.gql(LOGIN, { input: { email: u.email, password: PASSWORD } }),
      ],
    );
    expect(disabled!.errors).toBeUndefined();
    // A disabled account's right password is answered as a wrong one, and recorded as what it was.
    expect(signedIn!.data?.['login']).toEqual({
      __typename: 'InvalidCredentialsError',
      code: 'INVALID_CREDENTIALS',
      message: expect.any(String),
    });
    expect(client.getCookie('sc_session')).toBeUndefined();
    expect(await db.query(`select outcome from login_event where account_id = $1 order by id`, [u.id])).toEqual([
      { outcome: 'SUCCESS' },
      { outcome: 'ACCOUNT_DISABLED' },
    ]);
    expect(await db.query(`select 1 from session where account_id = $1 and stage = 'ENROLLMENT_REQUIRED'`, [u.id])).toEqual([]);
    // Enabled again: nothing of that sign-in comes back; a new one is led through enrollment.
    expect((await admin.gql(DISABLE, { id: u.id, disabled: false })).errors).toBeUndefined();
    expect(await liveSessions(u.id)).toBe(0);
    expect((await client.gql(Q.pending)).data!['pendingSignIn']).toBeNull();
    expect(codes(await client.gql(Q.startTotp))).toEqual(['UNAUTHENTICATED']);
    expect((await loginStep(client, u.email)).typename).toBe('TwoFactorEnrollmentRequired');
  });

  it('a user whose sessions are all ended while its password sign-in is under way is decided again: led through enrollment, not refused', async () => {
    const u = await createAccount(server, admin, { role: 'USER' });
    expect((await admin.gql(MARK, { id: u.id })).errors).toBeUndefined();
    const client = new GqlClient(server.url);
    // What a revocation of all of its sessions (another instance's, an admin's reset) does to the
    // account, committed while the sign-in waits to start its enrollment-only session.
    const [signedIn] = await inLockOrder<Login>(
      db,
      [`select 1 from account where id = $1 for update`, [u.id]],
      [() => loginStep(client, u.email)],
      { meanwhile: (locker) => locker.query(`update account set session_epoch = session_epoch + 1 where id = $1`, [u.id]) },
    );
    // Its password is right and nothing else changed: not refused as a wrong one.
    expect(signedIn!.typename).toBe('TwoFactorEnrollmentRequired');
    expect(await db.query(`select stage from session where account_id = $1 and revoked_at is null`, [u.id])).toEqual([
      { stage: 'ENROLLMENT_REQUIRED' },
    ]);
    expect((await client.gql(Q.pending)).data!['pendingSignIn']).toMatchObject({ stage: 'ENROLLMENT_REQUIRED', email: u.email });
    expect(await db.query(`select outcome from login_event where account_id = $1 order by id`, [u.id])).toEqual([
      { outcome: 'SUCCESS' },
      { outcome: 'SECOND_FACTOR_REQUIRED' },
    ]);
  });

  it('a user whose sessions are all ended while its sign-in with password and app code in one request is under way is told to sign in again: not a wrong password, nothing counted', async () => {
    const u = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(u.client);
    const client = new GqlClient(server.url);
    await awayFromStepEdge();
    const ONE_REQUEST = `mutation($input: LoginInput!) { login(input: $input) { __typename ... on ErrorResult { code message } } }`;
    // Its app code is decided (and used up) by the statement that starts the session, which waits for
    // the account's row while a revocation of all of its sessions commits.
    const [signedIn] = await inLockOrder<GqlResponse>(
      db,
      [`select 1 from account where id = $1 for update`, [u.id]],
      [
        () =>
          client.gql(ONE_REQUEST, {
            input: { email: u.email, password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } },
          }),
      ],
      { meanwhile: (locker) => locker.query(`update account set session_epoch = session_epoch + 1 where id = $1`, [u.id]) },
    );
    expect(signedIn!.data?.['login']).toEqual({
      __typename: 'TwoFactorError',
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/sessions were ended while you were signing in.*Sign in again/),
    });
    expect(client.getCookie('sc_session')).toBeUndefined();
    // No session started (the one its set-up client had is the only row).
    expect(await liveSessions(u.id)).toBe(1);
    // Recorded as a right password whose second step did not finish; no wrong password counted anywhere.
    expect((await db.query(`select outcome from login_event where account_id = $1 order by id`, [u.id])).at(-1)).toEqual({
      outcome: 'SECOND_FACTOR_REQUIRED',
    });
    expect(
      await db.query(`select key from failure_counter where key like '%' || $1 and key not like '2fa:%'`, [
        u.email.toLowerCase(),
      ]),
    ).toEqual([]);
    // Signing in again with the next code works.
    const again = await client.gql(ONE_REQUEST, {
      input: { email: u.email, password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 1) } },
    });
    expect(again.data?.['login'].__typename, JSON.stringify(again)).toBe('LoginSuccess');
  });

  it('a user disabled while its sign-in to the second step is under way: the pending sign-in it got is dead, and stays so on re-enable', async () => {
    const u = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(u.client);
    const client = new GqlClient(server.url);
    // The sign-in's second step is owed: its token is made without waiting for the row, and it waits
    // to record the sign-in (whose account the disable holds) once the disable waits for the row.
    const [disabled, signedIn] = await inLockOrder<unknown>(
      db,
      [`select 1 from account where id = $1 for update`, [u.id]],
      [() => admin.gql(DISABLE, { id: u.id, disabled: true }), () => loginStep(client, u.email)],
    );
    expect((disabled as GqlResponse).errors).toBeUndefined();
    // Decided before the disable committed; its token is good only in the session epoch it was made in.
    expect((signedIn as { typename: string }).typename).toBe('SecondFactorRequired');
    await awayFromStepEdge();
    expect((await client.gql(Q.pending)).data!['pendingSignIn']).toBeNull();
    expect(codes(await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret) } }))).toEqual(['UNAUTHENTICATED']);
    expect((await admin.gql(DISABLE, { id: u.id, disabled: false })).errors).toBeUndefined();
    expect((await client.gql(Q.pending)).data!['pendingSignIn']).toBeNull();
    expect(codes(await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret) } }))).toEqual(['UNAUTHENTICATED']);
    expect(await liveSessions(u.id)).toBe(0);
  });

  it('bad input is refused with BAD_USER_INPUT and leaves nothing half-written', async () => {
    const APPROVE = `mutation($id: ID!) { approveTwoFactorReset(requestId: $id) { __typename } }`;
    const bad = await admin.gql(APPROVE, { id: 'bad' });
    expect(codes(bad), JSON.stringify(bad)).toEqual(['BAD_USER_INPUT']);
    expect(bad.errors![0]!.extensions!['fields']).toMatchObject([{ field: 'requestId', reason: 'INVALID_ID' }]);

    const READ = `{ twoFactorSettings { enabled issuer allowedMethods requiredForStaff emailForStaff } }`;
    const UPDATE = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { issuer allowedMethods } }`;
    const stored = async () => (await db.query(`select value, updated_at from setting where key = 'twoFactor'`))[0];
    const changes = async () =>
      (await db.query<{ n: number }>(`select count(*)::int as n from audit_log where action = 'SETTINGS_CHANGED'`))[0]!.n;
    const before = (await admin.gql(READ)).data!['twoFactorSettings'];
    const storedBefore = await stored();
    const changesBefore = await changes();
    const refused: Record<string, unknown>[] = [
      { issuer: '   ' },
      { issuer: ' \t\n ' },
      { issuer: 'x'.repeat(65) },
      // A valid change beside a refused one is not made either.
      { issuer: 'y'.repeat(65), allowedMethods: ['TOTP', 'RECOVERY_CODE'] },
      { issuer: '  ', requiredForStaff: true },
    ];
    for (const i of refused) {
      const res = await admin.gql(UPDATE, { i });
      expect(codes(res), JSON.stringify(i)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0]!.extensions!['fields'], JSON.stringify(res)).toMatchObject([
        { field: expect.stringMatching(/issuer$/) },
      ]);
    }
    expect((await admin.gql(READ)).data!['twoFactorSettings']).toEqual(before);
    expect(await stored()).toEqual(storedBefore);
    expect(await changes()).toBe(changesBefore);
    // 64 characters are fine (and recorded).
    const fine = await admin.gql(UPDATE, { i: { issuer: 'z'.repeat(64) } });
    expect(fine.data!['updateTwoFactorSettings'].issuer).toBe('z'.repeat(64));
    expect(await changes()).toBe(changesBefore + 1);
    await admin.gql(UPDATE, { i: { issuer: before.issuer } });
  });
});
