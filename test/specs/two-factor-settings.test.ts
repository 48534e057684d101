import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveSessionCount, type TestDatabase } from '../support/database.js';
import { createAccount, PASSWORD, reauthenticate, staleReauth } from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import { inLockOrder } from '../support/locks.js';
import { startServer, type RunningServer } from '../support/server.js';
import type { MailSink } from '../support/smtp.js';
import { startStack, type Stack } from '../support/stack.js';
import { totp } from '../support/totp.js';
import { awayFromStepEdge, enrollTotp, loginStep, Q } from '../support/two-factor.js';
import { SoftKey } from '../support/webauthn.js';

const IMPACT = `query($i: TwoFactorSettingsInput!) { twoFactorSettingsImpact(input: $i) { accountsSignedOut sessionsEnded } }`;

/**
 * The system-wide 2FA settings and the policies they make, against what is under way when they change:
 * sign-ins, sessions, resets. A file of its own: it switches 2FA off for the whole server at times, and
 * its admin holds no second factor (re-authenticated with the password alone).
 */
describe('two-factor settings and policies', () => {
  let stack: Stack;
  let db: TestDatabase;
  let server: RunningServer;
  let mail: MailSink;
  let admin: GqlClient;

  beforeAll(async () => {
    stack = await startStack('two_factor_settings', { SECOND_FACTOR_MAX_ATTEMPTS: '1000' });
    ({ db, mail, server, admin } = stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const MARK = `mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { accountId } }`;
  const liveSessions = (id: string) => liveSessionCount(db, id);

  it('a policy switched on while an account that owes it is disabled: both done (the accounts’ rows first, then their sessions: no deadlock)', async () => {
    const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { enabled } }`;
    const DISABLE = `mutation($id: ID!, $disabled: Boolean!) { setAccountDisabled(id: $id, disabled: $disabled) { id } }`;
    await reauthenticate(admin);
    expect((await admin.gql(SET, { i: { enabled: false } })).errors).toBeUndefined();
    try {
      // Marked while 2FA is off, a user keeps its full session (nothing is owed yet).
      const u = await createAccount(server, admin, { role: 'USER' });
      expect((await admin.gql(MARK, { id: u.id })).errors).toBeUndefined();
      const [s] = await db.query<{ id: string }>(
        `select id from session where account_id = $1 and stage = 'FULL' and revoked_at is null`,
        [u.id],
      );
      await reauthenticate(admin);
      // Switching 2FA on ends that session; disabling the user meanwhile takes its row, then its sessions.
      const [switched, disabled] = await inLockOrder(
        db,
        [`select 1 from session where id = $1 for update`, [s!.id]],
        [() => admin.gql(SET, { i: { enabled: true } }), () => admin.gql(DISABLE, { id: u.id, disabled: true })],
      );
      expect({ switched: codes(switched!), disabled: codes(disabled!) }).toEqual({ switched: [], disabled: [] });
      expect(await liveSessions(u.id)).toBe(0);
    } finally {
      await reauthenticate(admin);
      await admin.gql(SET, { i: { enabled: true } });
    }
  });

  it('2FA switched on holds at once on another instance that had just read it off: a marked user without a method signing in there is led through enrollment, not signed in', async () => {
    const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { enabled } }`;
    const LOGIN_STEP = `mutation($i: LoginInput!) { login(input: $i) { __typename } }`;
    const other = await startServer({ DATABASE_URL: db.url, SMTP_URL: mail.url });
    await reauthenticate(admin);
    expect((await admin.gql(SET, { i: { enabled: false } })).errors).toBeUndefined();
    try {
      // Marked while 2FA is off: nothing is owed yet, and the other instance signs the user in fully
      // (reading the settings as they are: off).
      const u = await createAccount(server, admin, { role: 'USER' });
      expect((await admin.gql(MARK, { id: u.id })).errors).toBeUndefined();
      const there = new GqlClient(other.url);
      expect((await there.gql(LOGIN_STEP, { i: { email: u.email, password: PASSWORD } })).data!['login']).toEqual({
        __typename: 'LoginSuccess',
      });
      // Switched on here: the user's sessions end (the mark is in force)...
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { enabled: true } })).errors).toBeUndefined();
      expect(await liveSessions(u.id)).toBe(0);
      // ...and the very next sign-in on the other instance is led through enrollment, within the
      // seconds it used to keep the settings it had read.
      const again = new GqlClient(other.url);
      expect((await again.gql(LOGIN_STEP, { i: { email: u.email, password: PASSWORD } })).data!['login']).toEqual({
        __typename: 'TwoFactorEnrollmentRequired',
      });
      expect(
        await db.query(`select stage from session where account_id = $1 and revoked_at is null and expires_at > now()`, [u.id]),
      ).toEqual([{ stage: 'ENROLLMENT_REQUIRED' }]);
    } finally {
      await other.stop();
      await reauthenticate(admin);
      await admin.gql(SET, { i: { enabled: true } });
    }
  });

  it('a settings change that requires nothing new (the issuer) leaves the sign-ins under way alone: a recovery code still finishes one, and its session stays', async () => {
    const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { issuer } }`;
    const u = await createAccount(server, admin, { role: 'USER' });
    const key = new SoftKey(server.url);
    const options = (await u.client.gql(`mutation { webauthnRegistrationOptions(name: "Desk key") }`)).data![
      'webauthnRegistrationOptions'
    ];
    const done = (
      await u.client.gql(
        `mutation($r: JSONObject!) { finishWebauthnRegistration(response: $r) { __typename ... on TwoFactorEnabled { recoveryCodes } } }`,
        { r: key.registration(options) },
      )
    ).data!['finishWebauthnRegistration'];
    expect((await admin.gql(MARK, { id: u.id })).errors).toBeUndefined();
    // Its key flagged as a possible clone: under the mark it owes an enrollment, and a recovery code finishes its sign-ins.
    await db.query(`update webauthn_credential set flagged_at = now() where account_id = $1`, [u.id]);
    const pending = new GqlClient(server.url);
    expect(await loginStep(pending, u.email)).toMatchObject({ typename: 'SecondFactorRequired', methods: ['RECOVERY_CODE'] });
    await reauthenticate(admin);
    const issuer = (await admin.gql(`{ twoFactorSettings { issuer } }`)).data!['twoFactorSettings'].issuer as string;
    try {
      expect((await admin.gql(SET, { i: { issuer: 'Renamed Issuer' } })).errors).toBeUndefined();
      expect(
        (await pending.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: (done.recoveryCodes as string[])[0] } })).data![
          'verifySecondFactor'
        ].__typename,
      ).toBe('LoginSuccess');
      // Signed in so, as it may be (its key cannot be used), it is not signed out by the next save that
      // changes nothing for it, and the admin is told so beforehand (it would cost another recovery code).
      const impact = await admin.gql(
        `query($i: TwoFactorSettingsInput!) { twoFactorSettingsImpact(input: $i) { accountsNewlyRequired accountsSignedOut sessionsEnded } }`,
        { i: { issuer: 'Renamed Again' } },
      );
      expect(impact.data!['twoFactorSettingsImpact']).toEqual({
        accountsNewlyRequired: 0,
        accountsSignedOut: 0,
        sessionsEnded: 0,
      });
      expect((await admin.gql(SET, { i: { issuer: 'Renamed Again' } })).errors).toBeUndefined();
      expect((await pending.gql(Q.me)).data!['me']).toMatchObject({ id: u.id });
      expect(await liveSessions(u.id)).toBeGreaterThan(0);
    } finally {
      await admin.gql(SET, { i: { issuer } });
    }
  });

  it('a run of wrong codes short of the lock is nothing to reset: with its only method removed, the account is left alone', async () => {
    const RESET = `mutation($id: ID!) { resetTwoFactor(accountId: $id) { __typename } }`;
    const u = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(u.client);
    await awayFromStepEdge();
    const typo = String((Number(totp(secret, 0)) + 1) % 1_000_000).padStart(6, '0');
    expect(
      (await u.client.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: typo } } })).data![
        'reauthenticate'
      ].__typename,
    ).toBe('TwoFactorError');
    expect(
      (await u.client.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } } }))
        .data!['reauthenticate'].__typename,
    ).toBe('ReauthSuccess');
    const removing = mail.count();
    expect((await u.client.gql(Q.disableTotp)).data).toEqual({ disableTotp: true });
    await mail.waitFor(u.email, (m) => /method was removed/.test(m.subject), removing);
    expect(await db.query(`select locked_at from two_factor_state where account_id = $1`, [u.id])).toEqual([{ locked_at: null }]);
    expect(
      (await admin.gql(`query($id: ID!) { accountTwoFactor(accountId: $id) { resettable } }`, { id: u.id })).data![
        'accountTwoFactor'
      ],
    ).toEqual({ resettable: false });
    await reauthenticate(admin);
    const since = mail.count();
    expect(codes(await admin.gql(RESET, { id: u.id }))).toEqual(['METHOD_NOT_SET_UP']);
    expect((await u.client.gql(Q.me)).data!['me']).toMatchObject({ id: u.id });
    await new Promise((r) => setTimeout(r, 300));
    expect(mail.messages.slice(since).filter((m) => m.to.includes(u.email.toLowerCase()))).toEqual([]);
  });

  it('e-mail codes are not taken from staff when that leaves no admin able to sign in (a sub-admin changing them), until one has a recovery code', async () => {
    // A system of its own: its only admin's only factor is e-mail codes, and it has no recovery code.
    const own = await startStack('two_factor_settings_no_admin_left');
    try {
      const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { emailForStaff } }`;
      await reauthenticate(own.admin);
      expect((await own.admin.gql(SET, { i: { emailForStaff: true } })).errors).toBeUndefined();
      await own.db.query(
        `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
         values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
        [own.adminId, own.adminEmail],
      );
      const settings = await createAccount(own.server, own.admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_SETTINGS'] });
      // Its preview refuses it alike: the dashboard then says so instead of asking to confirm it.
      const previewed = await settings.client.gql(IMPACT, { i: { emailForStaff: false } });
      expect(previewed.errors?.[0]?.extensions).toMatchObject({ code: 'WOULD_LOCK_YOU_OUT', reason: 'NO_ADMIN_LEFT' });
      const refused = await settings.client.gql(SET, { i: { emailForStaff: false } });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'WOULD_LOCK_YOU_OUT', reason: 'NO_ADMIN_LEFT' });
      expect((await own.admin.gql(`{ twoFactorSettings { emailForStaff } }`)).data!['twoFactorSettings']).toEqual({
        emailForStaff: true,
      });
      // With a recovery code left, the admin can still sign in (and set up another method): allowed.
      await own.db.query(
        `insert into recovery_code (id, account_id, code_hash, created_at) values (gen_random_uuid(), $1, 'x', now())`,
        [own.adminId],
      );
      expect((await settings.client.gql(SET, { i: { emailForStaff: false } })).data!['updateTwoFactorSettings']).toEqual({
        emailForStaff: false,
      });
    } finally {
      await own.stop();
    }
  });

  describe('2FA switched off for the system', () => {
    const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { enabled } }`;
    async function whileOff(run: () => Promise<void>): Promise<void> {
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { enabled: false } })).errors).toBeUndefined();
      try {
        await run();
      } finally {
        await reauthenticate(admin);
        expect((await admin.gql(SET, { i: { enabled: true } })).errors).toBeUndefined();
      }
    }

    it('switching 2FA on is refused to an admin whose only factor sign-in would refuse (a flagged key) with no recovery code left, until it has one', async () => {
      const other = await createAccount(server, admin, { role: 'ADMIN' });
      await db.query(
        `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at, flagged_at)
         values (gen_random_uuid(), $1::uuid, 'cred-' || $1::text, 'pk', 0, '[]', 'Desk key', now(), now())`,
        [other.id],
      );
      const enabled = async () => (await admin.gql(`{ twoFactorSettings { enabled } }`)).data!['twoFactorSettings'].enabled;
      await whileOff(async () => {
        await reauthenticate(other.client);
        const previewed = await other.client.gql(IMPACT, { i: { enabled: true } });
        expect(previewed.errors?.[0]?.extensions).toMatchObject({ code: 'WOULD_LOCK_YOU_OUT', reason: 'SELF' });
        const refused = await other.client.gql(SET, { i: { enabled: true } });
        expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'WOULD_LOCK_YOU_OUT', reason: 'SELF' });
        expect(await enabled()).toBe(false);
        // With a recovery code left, it could still sign in (and set up another method): allowed.
        await db.query(
          `insert into recovery_code (id, account_id, code_hash, created_at) values (gen_random_uuid(), $1, 'x', now())`,
          [other.id],
        );
        expect((await other.client.gql(SET, { i: { enabled: true } })).data!['updateTwoFactorSettings']).toEqual({
          enabled: true,
        });
      });
    });

    it('a sign-in waiting for its second step ends: the right code is told to sign in again (no "not set up"), and the password alone then signs in', async () => {
      const u = await createAccount(server, admin, { role: 'USER' });
      const { secret } = await enrollTotp(u.client);
      const pending = new GqlClient(server.url);
      expect((await loginStep(pending, u.email)).typename).toBe('SecondFactorRequired');
      await whileOff(async () => {
        expect((await pending.gql(Q.pending)).data!['pendingSignIn']).toBeNull();
        await awayFromStepEdge();
        expect(
          (await pending.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } })).data!['verifySecondFactor'],
        ).toMatchObject({
          __typename: 'TwoFactorError',
          code: 'UNAUTHENTICATED',
          message: 'Two-factor authentication was switched off meanwhile: sign in again (your password is enough now).',
        });
        expect((await pending.gql(Q.me)).data!['me']).toBeNull();
        expect((await loginStep(pending, u.email)).typename).toBe('LoginSuccess');
      });
    });

    it('switched off, it ends the enrollment-only sessions (nothing can be set up now): the holder signs in with the password; the audit entry counts them', async () => {
      const LOGIN_STEP = `mutation($i: LoginInput!) { login(input: $i) { __typename } }`;
      const u = await createAccount(server, admin, { role: 'USER' });
      expect((await admin.gql(MARK, { id: u.id })).errors).toBeUndefined();
      const enrolling = new GqlClient(server.url);
      expect((await enrolling.gql(LOGIN_STEP, { i: { email: u.email, password: PASSWORD } })).data!['login']).toEqual({
        __typename: 'TwoFactorEnrollmentRequired',
      });
      const PENDING = `{ pendingSignIn { stage } }`;
      expect((await enrolling.gql(PENDING)).data!['pendingSignIn']).toEqual({ stage: 'ENROLLMENT_REQUIRED' });
      // Every live enrollment-only session ends (other tests' too, if any are left): counted first.
      const live = (
        await db.query<{ n: number }>(
          `select count(*)::int as n from session where stage = 'ENROLLMENT_REQUIRED' and revoked_at is null and expires_at > now()`,
        )
      )[0]!.n;
      await whileOff(async () => {
        expect((await enrolling.gql(PENDING)).data!['pendingSignIn']).toBeNull();
        expect(
          await db.query(`select revoked_reason from session where account_id = $1 and stage = 'ENROLLMENT_REQUIRED'`, [u.id]),
        ).toEqual([{ revoked_reason: 'TWO_FACTOR_OFF' }]);
        const [entry] = await db.query(
          `select details from audit_log where action = 'SETTINGS_CHANGED' and target_id = 'twoFactor' order by id desc limit 1`,
        );
        expect(entry!['details']).toMatchObject({ before: { enabled: true }, after: { enabled: false }, sessionsEnded: live });
        expect((await enrolling.gql(LOGIN_STEP, { i: { email: u.email, password: PASSWORD } })).data!['login']).toEqual({
          __typename: 'LoginSuccess',
        });
      });
    });

    it('switched on again, it signs out the sessions that signed in without the second step meanwhile (said beforehand), and only those', async () => {
      const holder = await createAccount(server, admin, { role: 'USER' });
      await enrollTotp(holder.client);
      const plain = await createAccount(server, admin, { role: 'USER' });
      const withPasswordOnly = new GqlClient(server.url);
      const noFactor = new GqlClient(server.url);
      // Their sessions so far began well before it is switched off (sessions of the minute before count
      // as signed in while off: an instance's clock may be behind the database's).
      await db.query(`update session set created_at = created_at - interval '2 minutes' where account_id = any($1::uuid[])`, [
        [holder.id, plain.id],
      ]);
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { enabled: false } })).errors).toBeUndefined();
      try {
        // Signed in with the password alone while it is off: the holder (who has an app) and an account with none.
        expect((await loginStep(withPasswordOnly, holder.email)).typename).toBe('LoginSuccess');
        expect((await loginStep(noFactor, plain.email)).typename).toBe('LoginSuccess');
        // The holder's session from before confirms it is them with the password alone, as 2FA is off.
        await reauthenticate(holder.client);
        await reauthenticate(noFactor);
        expect((await admin.gql(IMPACT, { i: { enabled: true } })).data!['twoFactorSettingsImpact']).toEqual({
          accountsSignedOut: 1,
          sessionsEnded: 1,
        });
      } finally {
        expect((await admin.gql(SET, { i: { enabled: true } })).errors).toBeUndefined();
      }
      // The one that skipped the app's code is signed out; the holder's session from before (signed in
      // while it was on), the account without a factor and the admin who switched it on stay.
      expect((await withPasswordOnly.gql(Q.me)).data!['me']).toBeNull();
      expect((await holder.client.gql(Q.me)).data!['me']).toMatchObject({ id: holder.id });
      expect((await noFactor.gql(Q.me)).data!['me']).toMatchObject({ id: plain.id });
      expect((await admin.gql(Q.me)).data!['me']).not.toBeNull();
      expect(
        await db.query(`select revoked_reason from session where account_id = $1 and revoked_at is not null`, [holder.id]),
      ).toEqual([{ revoked_reason: 'TWO_FACTOR_REQUIRED' }]);
      // Its confirmation with the password alone no longer counts now that its app is asked for again;
      // that of the account without a factor (the password is all it ever gives) still does.
      expect(codes(await holder.client.gql(Q.recovery))).toEqual(['REAUTH_REQUIRED']);
      const [confirmed] = await db.query<{ n: number }>(
        `select count(*)::int as n from session where account_id = $1 and revoked_at is null and reauth_at is not null`,
        [plain.id],
      );
      expect(confirmed!.n).toBeGreaterThanOrEqual(1);
      // Off and on again with nobody signing in between: nothing more to end, and nothing said.
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { enabled: false } })).errors).toBeUndefined();
      expect((await admin.gql(IMPACT, { i: { enabled: true } })).data!['twoFactorSettingsImpact']).toEqual({
        accountsSignedOut: 0,
        sessionsEnded: 0,
      });
      expect((await admin.gql(SET, { i: { enabled: true } })).errors).toBeUndefined();
      expect((await holder.client.gql(Q.me)).data!['me']).toMatchObject({ id: holder.id });
    });

    it('switched on again by an admin who signed in meanwhile: its own session goes on, its other sessions signed in meanwhile end (said beforehand)', async () => {
      const saver = await createAccount(server, admin, { role: 'ADMIN' });
      await enrollTotp(saver.client);
      // Every session so far began well before it is switched off (see the test above).
      await db.query(
        `update session set created_at = created_at - interval '2 minutes' where created_at > now() - interval '2 minutes'`,
      );
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { enabled: false } })).errors).toBeUndefined();
      const own = new GqlClient(server.url);
      const elsewhere = new GqlClient(server.url);
      try {
        // The admin signs in twice with the password alone: here, and elsewhere (someone else, maybe).
        expect((await loginStep(own, saver.email)).typename).toBe('LoginSuccess');
        expect((await loginStep(elsewhere, saver.email)).typename).toBe('LoginSuccess');
        expect((await own.gql(IMPACT, { i: { enabled: true } })).data!['twoFactorSettingsImpact']).toEqual({
          accountsSignedOut: 1,
          sessionsEnded: 1,
        });
        expect((await own.gql(SET, { i: { enabled: true } })).data!['updateTwoFactorSettings']).toEqual({ enabled: true });
      } finally {
        await reauthenticate(admin);
        expect((await admin.gql(SET, { i: { enabled: true } })).errors).toBeUndefined();
      }
      await expect.poll(async () => (await elsewhere.gql(Q.me)).data!['me'], { interval: 20, timeout: 5000 }).toBeNull();
      expect((await own.gql(Q.me)).data!['me']).toMatchObject({ id: saver.id });
      expect((await saver.client.gql(Q.me)).data!['me']).toMatchObject({ id: saver.id });
    });

    it('an account’s 2FA as its holder and its managers see it: kept, not "no usable method" nor "none set up"', async () => {
      const u = await createAccount(server, admin, { role: 'USER' });
      await enrollTotp(u.client);
      await whileOff(async () => {
        const mine = (await u.client.gql(`{ myTwoFactor { enabled systemEnabled methods totpEnabled } }`)).data!['myTwoFactor'];
        // Nothing is asked at sign-in now (so no method is of use), and the page can say why.
        expect(mine).toEqual({ enabled: false, systemEnabled: false, methods: [], totpEnabled: true });
        const theirs = (
          await admin.gql(`query($id: ID!) { accountTwoFactor(accountId: $id) { methods systemEnabled resettable } }`, {
            id: u.id,
          })
        ).data!['accountTwoFactor'];
        expect(theirs).toEqual({ methods: ['TOTP', 'RECOVERY_CODE'], systemEnabled: false, resettable: true });
      });
      const on = (await admin.gql(`query($id: ID!) { accountTwoFactor(accountId: $id) { methods systemEnabled } }`, { id: u.id }))
        .data!['accountTwoFactor'];
      expect(on).toEqual({ methods: ['TOTP', 'RECOVERY_CODE'], systemEnabled: true });
    });
  });

  it('the allowed methods in another order are the same setting: nothing written, nothing audited', async () => {
    const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { allowedMethods } }`;
    const changes = async () =>
      (await db.query<{ n: number }>(`select count(*)::int as n from audit_log where action = 'SETTINGS_CHANGED'`))[0]!.n;
    await reauthenticate(admin);
    const before = await changes();
    expect(
      (await admin.gql(SET, { i: { allowedMethods: ['WEBAUTHN', 'EMAIL', 'TOTP'] } })).data!['updateTwoFactorSettings'],
    ).toEqual({
      allowedMethods: ['TOTP', 'EMAIL', 'WEBAUTHN', 'RECOVERY_CODE'],
    });
    expect(await changes()).toBe(before);
  });

  it('allowing e-mail codes again (the weakest method) needs a recent re-authentication; taking them away does not', async () => {
    const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { allowedMethods } }`;
    await staleReauth(db, admin, stack.adminId);
    expect((await admin.gql(SET, { i: { allowedMethods: ['TOTP', 'WEBAUTHN'] } })).data!['updateTwoFactorSettings']).toEqual({
      allowedMethods: ['TOTP', 'WEBAUTHN', 'RECOVERY_CODE'],
    });
    try {
      expect(codes(await admin.gql(SET, { i: { allowedMethods: ['TOTP', 'EMAIL', 'WEBAUTHN'] } }))).toEqual(['REAUTH_REQUIRED']);
      expect((await admin.gql(`{ twoFactorSettings { allowedMethods } }`)).data!['twoFactorSettings']).toEqual({
        allowedMethods: ['TOTP', 'WEBAUTHN', 'RECOVERY_CODE'],
      });
    } finally {
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { allowedMethods: ['TOTP', 'EMAIL', 'WEBAUTHN'] } })).errors).toBeUndefined();
    }
  });

  it('taking the authenticator app or security keys away needs a recent re-authentication (less would be left, or only e-mail codes)', async () => {
    const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { allowedMethods } }`;
    const allowed = async () =>
      (await admin.gql(`{ twoFactorSettings { allowedMethods } }`)).data!['twoFactorSettings'].allowedMethods;
    await reauthenticate(admin);
    expect((await admin.gql(SET, { i: { allowedMethods: ['TOTP', 'EMAIL', 'WEBAUTHN'] } })).errors).toBeUndefined();
    const before = await allowed();
    await staleReauth(db, admin, stack.adminId);
    try {
      for (const left of [['TOTP', 'EMAIL'], ['WEBAUTHN', 'EMAIL'], ['EMAIL']]) {
        expect(codes(await admin.gql(SET, { i: { allowedMethods: left } })), left.join()).toEqual(['REAUTH_REQUIRED']);
        expect(await allowed()).toEqual(before);
      }
    } finally {
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { allowedMethods: ['TOTP', 'EMAIL', 'WEBAUTHN'] } })).errors).toBeUndefined();
    }
  });

  it('an issuer with a line break, a tab, a control or an invisible formatting character is refused, and nothing is written', async () => {
    const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { issuer } }`;
    await reauthenticate(admin);
    const before = (await admin.gql(`{ twoFactorSettings { issuer } }`)).data!['twoFactorSettings'].issuer;
    for (const issuer of ['Acme\nHosting', 'Acme\tHosting', 'Acme\u0007', 'Acme\u202eHosting', 'Acme\u2028Hosting']) {
      const res = await admin.gql(SET, { i: { issuer } });
      expect(codes(res), JSON.stringify(issuer)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0]!.extensions!['fields']).toMatchObject([{ field: 'issuer', reason: 'CONTROL_CHARACTER' }]);
    }
    expect((await admin.gql(`{ twoFactorSettings { issuer } }`)).data!['twoFactorSettings'].issuer).toBe(before);
  });
});
