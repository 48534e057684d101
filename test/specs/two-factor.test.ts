import { createDecipheriv, randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/database.js';
import { startStack, type Stack } from '../support/stack.js';
import {
  apiClientFor,
  CREATE_ACCOUNT,
  createAccount,
  createIntegration,
  login,
  PASSWORD,
  reauthenticate,
  setupAdmin,
  staleReauth,
  uniqueEmail,
} from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import { freePort, runCli, startServer, withServer, type RunningServer } from '../support/server.js';
import { inLockOrder } from '../support/locks.js';
import { MailSink } from '../support/smtp.js';
import { totp } from '../support/totp.js';
import { awayFromStepEdge, enrollTotp, LOGIN, loginStep, loginWithTotp, Q } from '../support/two-factor.js';
import { SoftKey } from '../support/webauthn.js';

/** Second factors over the real API: TOTP, e-mail codes, recovery codes, re-authentication, policies, resets. */
describe('two-factor authentication', () => {
  let stack: Stack;
  let db: TestDatabase;
  let server: RunningServer;
  let mail: MailSink;
  let admin: GqlClient;
  let adminId: string;
  let adminEmail: string;

  beforeAll(async () => {
    stack = await startStack('two_factor', {
      // Limits have their own file; here they must not get in the way of many deliberate failures.
      SECOND_FACTOR_MAX_ATTEMPTS: '1000',
      EMAIL_CODE_COOLDOWN_SECONDS: '2',
      TOTP_ISSUER: 'Acme Hosting',
    });
    ({ db, mail, server, admin, adminId, adminEmail } = stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const newUser = () => createAccount(server, admin, { role: 'USER' });
  /** Statements of this test's database waiting for an advisory transaction lock (an account's methods' lock, say). */
  const advisoryWaiters = async () =>
    (
      await db.query(
        `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'
          and query like '%pg_advisory_xact_lock%'`,
      )
    )[0]!['n'] as number;
  const LOGIN_WITH = `mutation($input: LoginInput!) { login(input: $input) { __typename
    ... on LoginSuccess { account { id email } } ... on SecondFactorRequired { methods }
    ... on ErrorResult { code message } ... on TwoFactorError { retryAfter } } }`;
  const oneRequest = (email: string, method: string, code: string, password = PASSWORD) => {
    const client = new GqlClient(server.url);
    return client
      .gql(LOGIN_WITH, { input: { email, password, secondFactor: { method, code } } })
      .then((res) => ({ client, res, login: res.data?.['login'] }));
  };
  const usedRecoveryCodes = async (id: string) =>
    (await db.query(`select count(*)::int as n from recovery_code where account_id = $1 and used_at is not null`, [id]))[0]![
      'n'
    ] as number;
  const auditCount = async (id: string, action: string) =>
    (await db.query(`select count(*)::int as n from audit_log where target_id = $1 and action = $2`, [id, action]))[0]![
      'n'
    ] as number;
  /**
   * Runs `requests` while another connection holds the account's row locked, releasing it (after
   * `meanwhile`, in that transaction) once `n` of them wait in the statement that would use up their
   * recovery code and start the session.
   */
  async function whileAccountLocked<T>(
    id: string,
    n: number,
    requests: () => Promise<T>,
    meanwhile?: (locker: pg.Client) => Promise<unknown>,
  ): Promise<T> {
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query('select 1 from account where id = $1 for update', [id]);
      const inFlight = requests();
      const waiting = async () =>
        (
          await db.query(
            `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'
              and query like '%update recovery_code set used_at%'`,
          )
        )[0]!['n'];
      for (let i = 0; i < 200 && (await waiting()) < n; i++) await new Promise((r) => setTimeout(r, 25));
      expect(await waiting()).toBe(n);
      await meanwhile?.(locker);
      await locker.query('commit');
      return await inFlight;
    } finally {
      await locker.end();
    }
  }

  describe('authenticator app', () => {
    it('enrollment returns the otpauth URI, a QR code and the grouped secret; a wrong code leaves 2FA off', async () => {
      const { client, email } = await newUser();
      const start = await client.gql(Q.startTotp);
      const e = start.data!['startTotpEnrollment'];
      const uri = new URL(e.otpauthUri);
      expect(uri.protocol).toBe('otpauth:');
      expect(uri.host).toBe('totp');
      expect(decodeURIComponent(uri.pathname)).toBe(`/Acme Hosting:${email}`);
      expect(uri.searchParams.get('issuer')).toBe('Acme Hosting');
      expect(uri.searchParams.get('secret')).toBe(e.secret.replace(/ /g, ''));
      expect(e.secret).toMatch(/^([A-Z2-7]{4} ){7}[A-Z2-7]{4}$/);
      expect(e.qrCodeSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

      // The secret is stored sealed, never as the Base32 text.
      const [row] = await db.query(
        `select secret_sealed, status from totp_authenticator where account_id = (select id from account where email = $1)`,
        [email],
      );
      expect(row!['status']).toBe('PENDING');
      expect(row!['secret_sealed']).not.toContain(e.secret.replace(/ /g, ''));

      const secret = e.secret.replace(/ /g, '') as string;
      // A blank code is bad input and takes no attempt.
      const attempts = () => db.query(`select key, count from failure_counter order by key`);
      const attemptsBefore = await attempts();
      expect(codes(await client.gql(Q.confirmTotp, { c: '  ' }))).toEqual(['BAD_USER_INPUT']);
      expect(await attempts()).toEqual(attemptsBefore);
      const wrong = totp(secret) === '000000' ? '111111' : '000000';
      const bad = await client.gql(Q.confirmTotp, { c: wrong });
      expect(bad.data!['confirmTotpEnrollment']).toMatchObject({ __typename: 'TwoFactorError', code: 'CODE_INVALID' });
      expect((await client.gql(Q.status)).data!['myTwoFactor']).toMatchObject({
        enabled: false,
        totpEnabled: false,
        methods: [],
      });
      // An unconfirmed enrollment never affects sign-in.
      expect((await loginStep(new GqlClient(server.url), email)).typename).toBe('LoginSuccess');

      await awayFromStepEdge();
      const ok = await client.gql(Q.confirmTotp, { c: totp(secret) });
      const enabled = ok.data!['confirmTotpEnrollment'];
      expect(enabled).toMatchObject({ __typename: 'TwoFactorEnabled', method: 'TOTP', signedIn: false });
      expect(enabled.recoveryCodes).toHaveLength(10);
      expect(new Set(enabled.recoveryCodes).size).toBe(10);
      expect((await client.gql(Q.status)).data!['myTwoFactor']).toMatchObject({
        enabled: true,
        totpEnabled: true,
        methods: ['TOTP', 'RECOVERY_CODE'],
        recoveryCodesRemaining: 10,
        recommendSecondMethod: true,
      });
      await mail.waitFor(email, (m) => /two-factor method was added/i.test(m.subject));
      // Confirming again is a wrong-state transition.
      expect((await client.gql(Q.confirmTotp, { c: totp(secret) })).data!['confirmTotpEnrollment'].code).toBe('ALREADY_ENABLED');
      expect(codes(await client.gql(Q.startTotp))).toEqual(['ALREADY_ENABLED']);
    });

    it('sign-in asks for the second step; the pending session can do nothing else; the code finishes it', async () => {
      const { client: setupClient, email, id } = await newUser();
      const { secret } = await enrollTotp(setupClient);

      const client = new GqlClient(server.url);
      const first = await loginStep(client, email);
      expect(first).toMatchObject({ typename: 'SecondFactorRequired', methods: ['TOTP', 'RECOVERY_CODE'] });
      expect((await client.gql(Q.me)).data!['me']).toBeNull();
      expect((await client.gql(Q.pending)).data!['pendingSignIn']).toMatchObject({ stage: 'PENDING_SECOND_FACTOR', email });
      expect(codes(await client.gql(`{ mySessions { id } }`))).toEqual(['UNAUTHENTICATED']);
      expect(codes(await client.gql(Q.status))).toEqual(['UNAUTHENTICATED']);
      expect(codes(await client.gql(Q.startTotp))).toEqual(['UNAUTHENTICATED']);

      const res = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
      expect(res.data!['verifySecondFactor']).toMatchObject({ __typename: 'LoginSuccess', account: { id, email } });
      expect((await client.gql(Q.me)).data!['me']).toMatchObject({ id, email });
      expect((await client.gql(Q.pending)).data!['pendingSignIn']).toBeNull();
      // A full session cannot "verify" again.
      expect(codes(await client.gql(Q.verify, { i: { method: 'TOTP', code: '123456' } }))).toEqual(['FORBIDDEN']);

      const events = await db.query(`select outcome from login_event where account_id = $1 order by id`, [id]);
      expect(events.map((e) => e['outcome']).slice(-2)).toEqual(['SECOND_FACTOR_REQUIRED', 'SUCCESS']);
    });

    it('a pending sign-in stores nothing, is no sign-in once its token is altered, and ends when cancelled', async () => {
      const { client: setupClient, email, id } = await newUser();
      const { secret } = await enrollTotp(setupClient);
      const sessionRows = async () =>
        (await db.query<{ n: number }>(`select count(*)::int as n from session where account_id = $1`, [id]))[0]!.n;
      const stored = await sessionRows();
      const first = new GqlClient(server.url);
      expect((await loginStep(first, email)).typename).toBe('SecondFactorRequired');
      // No session row: only the sign-in's event, committed before the answer came.
      expect(await sessionRows()).toBe(stored);
      expect(await db.query(`select outcome from login_event where account_id = $1 order by id desc limit 1`, [id])).toEqual([
        { outcome: 'SECOND_FACTOR_REQUIRED' },
      ]);
      // A token changed anywhere (its nonce, its sealed facts, its tag) is no token at all.
      const token = first.getCookie('sc_session')!;
      expect(token).toMatch(/^p\.[A-Za-z0-9_-]+$/);
      await awayFromStepEdge();
      for (const at of [2, 20, Math.floor(token.length / 2), token.length - 2]) {
        const forged = new GqlClient(server.url);
        forged.setCookie('sc_session', token.slice(0, at) + (token[at] === 'A' ? 'B' : 'A') + token.slice(at + 1));
        expect((await forged.gql(Q.pending)).data!['pendingSignIn'], `changed at ${at}`).toBeNull();
        expect(codes(await forged.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } }))).toEqual(['UNAUTHENTICATED']);
      }
      expect(await sessionRows()).toBe(stored);
      // Cancelled (the pop-up's Cancel signs out): that sign-in ends (a revoked row names it), and
      // neither the account's other pending sign-ins nor its full sessions do.
      const second = new GqlClient(server.url);
      expect((await loginStep(second, email)).typename).toBe('SecondFactorRequired');
      expect((await first.gql('mutation { logout }')).data).toEqual({ logout: true });
      const replay = new GqlClient(server.url);
      replay.setCookie('sc_session', token);
      expect((await replay.gql(Q.pending)).data!['pendingSignIn']).toBeNull();
      expect(codes(await replay.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } }))).toEqual(['UNAUTHENTICATED']);
      expect(
        await db.query(`select stage, revoked_reason from session where account_id = $1 and pending_id is not null`, [id]),
      ).toEqual([{ stage: 'PENDING_SECOND_FACTOR', revoked_reason: 'LOGOUT' }]);
      expect((await setupClient.gql(Q.me)).data!['me']).toMatchObject({ id });
      expect((await second.gql(Q.pending)).data!['pendingSignIn']).toMatchObject({ email });
      const done = await second.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
      expect(done.data!['verifySecondFactor'], JSON.stringify(done)).toMatchObject({ __typename: 'LoginSuccess' });
      // The cancelled one's row and the full session.
      expect(await sessionRows()).toBe(stored + 2);
    });

    /**
     * A user with an app at the second step, whose right code has passed the session check and waits at
     * its replay guard while `meanwhile` runs; the second step must then start no session. The
     * account's session rows (all, and unrevoked) before and after.
     */
    async function finishWhileCodeHeld(meanwhile: (u: { id: string; pending: GqlClient }) => Promise<void>) {
      const { client: setupClient, email, id } = await newUser();
      const { secret } = await enrollTotp(setupClient);
      const rows = async () =>
        (
          await db.query<{ n: number; live: number }>(
            `select count(*)::int as n, (count(*) filter (where revoked_at is null))::int as live from session where account_id = $1`,
            [id],
          )
        )[0]!;
      const before = await rows();
      const pending = new GqlClient(server.url);
      expect((await loginStep(pending, email)).typename).toBe('SecondFactorRequired');
      await awayFromStepEdge();
      const [finished] = await inLockOrder(
        db,
        [`select 1 from totp_authenticator where account_id = $1 for update`, [id]],
        [() => pending.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } })],
        { waitingOn: 'totp_attempt', meanwhile: () => meanwhile({ id, pending }) },
      );
      expect(finished!.data?.['verifySecondFactor'], JSON.stringify(finished)).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect((await pending.gql(Q.me)).data!['me']).toBeNull();
      return { id, before, after: await rows() };
    }

    it('a pending sign-in whose account’s sessions are all revoked while its code is being checked starts no session', async () => {
      const { before, after } = await finishWhileCodeHeld(async ({ id }) => {
        // What every revocation of all of an account's sessions does to its pending sign-ins.
        await db.query(`update account set session_epoch = session_epoch + 1 where id = $1`, [id]);
      });
      expect(after.live).toBe(before.live);
    });

    it('a sign-in with the app code sent with the password, whose account’s sessions are all revoked while the code is checked, starts no session', async () => {
      const { client: setup, email, id } = await newUser();
      const { secret } = await enrollTotp(setup);
      const live = async () =>
        (
          await db.query<{ n: number }>(`select count(*)::int as n from session where account_id = $1 and revoked_at is null`, [
            id,
          ])
        )[0]!.n;
      const before = await live();
      await awayFromStepEdge();
      const [answer] = await inLockOrder(
        db,
        [`select 1 from totp_authenticator where account_id = $1 for update`, [id]],
        [() => oneRequest(email, 'TOTP', totp(secret, 0))],
        {
          waitingOn: 'totp_attempt',
          // What every revocation of all of an account's sessions does ("sign out everywhere", an incident
          // treated as compromised): the sign-in under way must not outlive it.
          meanwhile: () => db.query(`update account set session_epoch = session_epoch + 1 where id = $1`, [id]),
        },
      );
      expect(answer!.login?.__typename, JSON.stringify(answer!.res)).not.toBe('LoginSuccess');
      expect((await answer!.client.gql(Q.me)).data!['me']).toBeNull();
      expect(await live()).toBe(before);
    });

    it('a pending sign-in cancelled while its code is being checked starts no session', async () => {
      const { id, before, after } = await finishWhileCodeHeld(async ({ pending }) => {
        // Another tab of the same browser cancels the sign-in.
        expect((await pending.withBaseUrl(server.url).gql('mutation { logout }')).data).toEqual({ logout: true });
      });
      // Only the cancellation's row, revoked.
      expect(after).toEqual({ n: before.n + 1, live: before.live });
      expect(await db.query(`select revoked_reason from session where account_id = $1 and pending_id is not null`, [id])).toEqual(
        [{ revoked_reason: 'LOGOUT' }],
      );
    });

    it('an app removed while its right code is being checked answers "not set up", with no replay alarm', async () => {
      const { client: setup, id, email } = await newUser();
      const { secret } = await enrollTotp(setup);
      const pending = new GqlClient(server.url);
      expect((await loginStep(pending, email)).typename).toBe('SecondFactorRequired');
      await awayFromStepEdge();
      const since = mail.count();
      // The code's check waits on the app's row while the app is removed (another session, an admin reset).
      const [answer] = await inLockOrder(
        db,
        ['select 1 from totp_authenticator where account_id = $1 for update', [id]],
        [() => pending.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } })],
        {
          waitingOn: 'totp_attempt',
          meanwhile: (locker) => locker.query('delete from totp_authenticator where account_id = $1', [id]),
        },
      );
      expect(answer!.data!['verifySecondFactor'], JSON.stringify(answer)).toMatchObject({
        __typename: 'TwoFactorError',
        code: 'METHOD_NOT_SET_UP',
      });
      expect((await pending.gql(Q.me)).data?.['me']).toBeFalsy();
      expect(await auditCount(id, 'TOTP_REPLAY_REFUSED')).toBe(0);
      // Nothing was compared: no failure counts toward the lock, and the attempt went back.
      expect(await db.query(`select 1 from two_factor_state where account_id = $1 and consecutive_failures > 0`, [id])).toEqual(
        [],
      );
      expect(await db.query(`select 1 from failure_counter where key = $1 and count > 0`, [`2fa:acct:${id}`])).toEqual([]);
      // Mail goes out in order: once a later message to the holder is in, an alarm would have come first.
      await enrollTotp(setup);
      await mail.waitFor(email, (m) => /method was added/i.test(m.subject), since);
      expect(mail.messages.slice(since).filter((m) => /used twice/i.test(m.subject))).toEqual([]);
    });

    it('two setups started at once both answer; a setup started while another confirms leaves the confirmed app working', async () => {
      const { client, id, email } = await newUser();
      // Both inserts wait on the account row (their foreign key), then go on one after the other.
      const [a, b] = await inLockOrder(
        db,
        ['select 1 from account where id = $1 for update', [id]],
        [() => client.gql(Q.startTotp), () => client.gql(Q.startTotp)],
        { waitingOn: 'totp_authenticator' },
      );
      expect(a!.errors, JSON.stringify(a)).toBeUndefined();
      expect(b!.errors, JSON.stringify(b)).toBeUndefined();
      expect(await db.query(`select status from totp_authenticator where account_id = $1`, [id])).toEqual([
        { status: 'PENDING' },
      ]);

      const start = await client.gql(Q.startTotp);
      const secret = (start.data!['startTotpEnrollment'].secret as string).replace(/ /g, '');
      await awayFromStepEdge();
      // The confirmation takes the row first; the new setup comes after it and must not replace the
      // secret of the app that was just switched on.
      const [confirmed, restarted] = await inLockOrder(
        db,
        ['select 1 from totp_authenticator where account_id = $1 for update', [id]],
        [() => client.gql(Q.confirmTotp, { c: totp(secret, -1) }), () => client.gql(Q.startTotp)],
        { waitingOn: 'totp_authenticator' },
      );
      expect(confirmed!.data!['confirmTotpEnrollment']).toMatchObject({ __typename: 'TwoFactorEnabled' });
      expect(codes(restarted!)).toEqual(['ALREADY_ENABLED']);
      await loginWithTotp(server, email, secret, 1);
    });

    it('a confirmation switches on only the secret its code was checked against, not one a restart put there meanwhile', async () => {
      const { client, id } = await newUser();
      const start = await client.gql(Q.startTotp);
      const secret = (start.data!['startTotpEnrollment'].secret as string).replace(/ /g, '');
      await awayFromStepEdge();
      // The code is checked against this secret; before the confirmation's write, the setup is restarted
      // in another tab (here: the row gets another sealed secret in the locking transaction).
      const [confirmed] = await inLockOrder(
        db,
        ['select 1 from totp_authenticator where account_id = $1 for update', [id]],
        [() => client.gql(Q.confirmTotp, { c: totp(secret, -1) })],
        {
          waitingOn: 'totp_authenticator',
          meanwhile: (locker) =>
            locker.query(`update totp_authenticator set secret_sealed = 'restarted' where account_id = $1`, [id]),
        },
      );
      expect(confirmed!.data!['confirmTotpEnrollment']).toMatchObject({ __typename: 'TwoFactorError', code: 'NOT_ENROLLING' });
      expect(await db.query(`select status from totp_authenticator where account_id = $1`, [id])).toEqual([
        { status: 'PENDING' },
      ]);
      expect(await auditCount(id, 'TWO_FACTOR_ENABLED')).toBe(0);
    });

    it('a used code is refused when replayed, logged, audited and the holder is told', async () => {
      const { client: setupClient, email, id } = await newUser();
      const { secret } = await enrollTotp(setupClient);
      await awayFromStepEdge();
      const code = totp(secret, 0);
      const a = new GqlClient(server.url);
      await loginStep(a, email);
      expect((await a.gql(Q.verify, { i: { method: 'TOTP', code } })).data!['verifySecondFactor'].__typename).toBe(
        'LoginSuccess',
      );

      const since = mail.count();
      const b = new GqlClient(server.url);
      await loginStep(b, email);
      const replay = await b.gql(Q.verify, { i: { method: 'TOTP', code } });
      expect(replay.data!['verifySecondFactor']).toMatchObject({ __typename: 'TwoFactorError', code: 'CODE_ALREADY_USED' });
      expect((await b.gql(Q.me)).data!['me']).toBeNull();
      await mail.waitFor(email, (m) => /used twice/i.test(m.subject), since);
      // With no actor: a pending sign-in proves only the password, which whoever replays may hold.
      const audit = await db.query(`select actor_id from audit_log where target_id = $1 and action = 'TOTP_REPLAY_REFUSED'`, [
        id,
      ]);
      expect(audit).toEqual([{ actor_id: null }]);
      const failed = await db.query(
        `select count(*)::int as n from login_event where account_id = $1 and outcome = 'SECOND_FACTOR_FAILED'`,
        [id],
      );
      expect(failed[0]!['n']).toBe(1);
    });

    it('two concurrent verifications of one code: exactly one wins', async () => {
      const { client: setupClient, email } = await newUser();
      const { secret } = await enrollTotp(setupClient);
      const clients = await Promise.all(
        Array.from({ length: 6 }, async () => {
          const c = new GqlClient(server.url);
          await loginStep(c, email);
          return c;
        }),
      );
      await awayFromStepEdge();
      const code = totp(secret, 0);
      const results = await Promise.all(clients.map((c) => c.gql(Q.verify, { i: { method: 'TOTP', code } })));
      for (const r of results) expect(r.data?.['verifySecondFactor'], JSON.stringify(r.errors)).toBeTruthy();
      const kinds = results.map((r) => r.data!['verifySecondFactor'].__typename ?? r.data!['verifySecondFactor'].code);
      expect(kinds.filter((k) => k === 'LoginSuccess')).toHaveLength(1);
      expect(results.filter((r) => r.data!['verifySecondFactor'].code === 'CODE_ALREADY_USED')).toHaveLength(5);
    });

    it('one pending sign-in yields one full session, even when different proofs race', async () => {
      const { client: setupClient, email, id } = await newUser();
      const { secret, recoveryCodes } = await enrollTotp(setupClient);
      const pending = new GqlClient(server.url);
      await loginStep(pending, email);
      // The same pending cookie, finished at once with the app code and with three recovery codes. The
      // account's row is held locked meanwhile, so that every request has checked its proof before any
      // of them can finish the sign-in.
      const tabs = Array.from({ length: 4 }, () => pending.withBaseUrl(server.url));
      const proofs = [
        { method: 'TOTP', code: totp(secret, 0) },
        ...recoveryCodes.slice(0, 3).map((code) => ({ method: 'RECOVERY_CODE', code })),
      ];
      const before = await db.query(`select count(*)::int as n from session where account_id = $1 and stage = 'FULL'`, [id]);
      await awayFromStepEdge();
      const locker = new pg.Client({ connectionString: db.url });
      await locker.connect();
      const finish = (t: GqlClient, i: { method: string; code: string }) => t.gql(Q.verify, { i });
      let results: Awaited<ReturnType<typeof finish>>[];
      try {
        await locker.query('begin');
        await locker.query('select 1 from account where id = $1 for update', [id]);
        const inFlight = Promise.all(tabs.map((t, i) => finish(t, proofs[i]!)));
        const waiting = async () =>
          (
            await db.query(
              // Waiting in the statement that finishes a sign-in (not in a passing wait on a counter row).
              `select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'
                and query like '%on conflict (pending_id)%'`,
            )
          )[0]!['n'];
        for (let i = 0; i < 200 && (await waiting()) < 4; i++) await new Promise((r) => setTimeout(r, 25));
        expect(await waiting()).toBe(4);
        await locker.query('commit');
        results = await inFlight;
      } finally {
        await locker.end();
      }
      const wins = results.filter((r) => r.data?.['verifySecondFactor']?.__typename === 'LoginSuccess');
      expect(wins, JSON.stringify(results)).toHaveLength(1);
      for (const r of results.filter((x) => !wins.includes(x))) {
        expect(r.data?.['verifySecondFactor']?.code, JSON.stringify(r)).toBe('UNAUTHENTICATED');
      }
      const after = await db.query(`select count(*)::int as n from session where account_id = $1 and stage = 'FULL'`, [id]);
      expect(after[0]!['n'] - before[0]!['n']).toBe(1);
      const successes = await db.query(
        `select count(*)::int as n from login_event where account_id = $1 and outcome = 'SUCCESS'`,
        [id],
      );
      expect(successes[0]!['n']).toBe(2); // the setup client's sign-in and this one
      // Only the winning proof is spent: a recovery code that lost the race is still unused.
      const winner = proofs[results.indexOf(wins[0]!)]!;
      const spent = winner.method === 'RECOVERY_CODE' ? 1 : 0;
      expect(await usedRecoveryCodes(id)).toBe(spent);
      expect(await auditCount(id, 'RECOVERY_CODE_USED')).toBe(spent);
      const loser = proofs.find((p) => p.method === 'RECOVERY_CODE' && p !== winner)!;
      expect((await oneRequest(email, 'RECOVERY_CODE', loser.code)).login.__typename).toBe('LoginSuccess');
    });

    it('accepts one step of drift either way and refuses two', async () => {
      const { client: setupClient, email } = await newUser();
      await awayFromStepEdge();
      // Enrolled with the previous step's code (drift −1 accepted).
      const { secret } = await enrollTotp(setupClient, -1);
      const c = new GqlClient(server.url);
      await loginStep(c, email);
      await awayFromStepEdge();
      for (const drift of [-2, 2]) {
        const r = await c.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, drift) } });
        expect(r.data!['verifySecondFactor'].code, `drift ${drift}`).toBe('CODE_INVALID');
      }
      const plus1 = await c.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 1) } });
      expect(plus1.data!['verifySecondFactor'].__typename).toBe('LoginSuccess');
      // After step +1 was used, the current step's code is older: refused as no longer valid (it was
      // never used itself: no replay).
      const d = new GqlClient(server.url);
      await loginStep(d, email);
      expect((await d.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } })).data!['verifySecondFactor'].code).toBe(
        'CODE_INVALID',
      );
    });

    it('changing the issuer name keeps existing authenticator entries working', async () => {
      const { client: setupClient, email } = await newUser();
      const { secret } = await enrollTotp(setupClient);
      const upd = await admin.gql(`mutation { updateTwoFactorSettings(input: { issuer: "Acme Renamed" }) { issuer } }`);
      expect(upd.data!['updateTwoFactorSettings'].issuer).toBe('Acme Renamed');
      await awayFromStepEdge();
      await loginWithTotp(server, email, secret, 0);
      const { client: other } = await newUser();
      const uri = new URL((await other.gql(Q.startTotp)).data!['startTotpEnrollment'].otpauthUri);
      expect(uri.searchParams.get('issuer')).toBe('Acme Renamed');
      await admin.gql(`mutation { updateTwoFactorSettings(input: { issuer: "Acme Hosting" }) { issuer } }`);
    });

    it('of verifications of one code all held until each has checked it, exactly one signs in (forced overlap)', async () => {
      const { client: setupClient, email, id } = await newUser();
      const { secret } = await enrollTotp(setupClient);
      const n = 5;
      const clients: GqlClient[] = [];
      for (let i = 0; i < n; i++) {
        const c = new GqlClient(server.url);
        expect((await loginStep(c, email)).typename).toBe('SecondFactorRequired');
        clients.push(c);
      }
      const fullSessions = async () =>
        (await db.query(`select count(*)::int as n from session where account_id = $1 and stage = 'FULL'`, [id]))[0]![
          'n'
        ] as number;
      const before = await fullSessions();
      await awayFromStepEdge();
      const code = totp(secret, 0);
      // The app's row is held: every request has found the code right for the secret and waits in the
      // statement that decides it (the first at the replay guard, the others for their turn).
      const results = await inLockOrder(
        db,
        ['select 1 from totp_authenticator where account_id = $1 for update', [id]],
        clients.map((c) => () => c.gql(Q.verify, { i: { method: 'TOTP', code } })),
        { waitingOn: 'totp_attempt' },
      );
      const kinds = results.map((r) => {
        const v = r.data?.['verifySecondFactor'];
        expect(v, JSON.stringify(r)).toBeTruthy();
        return v.__typename === 'LoginSuccess' ? 'LoginSuccess' : `${v.__typename}:${v.code}`;
      });
      expect(kinds.sort()).toEqual(['LoginSuccess', ...Array.from({ length: n - 1 }, () => 'TwoFactorError:CODE_ALREADY_USED')]);
      const signedIn = await Promise.all(clients.map(async (c) => (await c.gql(Q.me)).data!['me']));
      expect(signedIn.filter((m) => m !== null)).toEqual([{ id, email }]);
      expect((await fullSessions()) - before).toBe(1);
      expect(await auditCount(id, 'TOTP_REPLAY_REFUSED')).toBe(n - 1);
    });

    it('two re-authentications with one app code held until both have checked it: exactly one succeeds', async () => {
      const { client, id } = await newUser();
      const { secret } = await enrollTotp(client);
      await awayFromStepEdge();
      const code = totp(secret, 0);
      const tabs = [client, client.withBaseUrl(server.url)];
      const results = await inLockOrder(
        db,
        ['select 1 from totp_authenticator where account_id = $1 for update', [id]],
        tabs.map((t) => () => t.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'TOTP', code } } })),
        { waitingOn: 'totp_attempt' },
      );
      const kinds = results.map((r) => {
        const v = r.data?.['reauthenticate'];
        expect(v, JSON.stringify(r)).toBeTruthy();
        return v.__typename === 'ReauthSuccess' ? 'ReauthSuccess' : `${v.__typename}:${v.code}`;
      });
      expect(kinds.sort()).toEqual(['ReauthSuccess', 'TwoFactorError:CODE_ALREADY_USED']);
      expect(await auditCount(id, 'TOTP_REPLAY_REFUSED')).toBe(1);
    });

    it('the code that confirmed the app cannot be replayed to sign in', async () => {
      const { client, email, id } = await newUser();
      const start = await client.gql(Q.startTotp);
      const secret = (start.data!['startTotpEnrollment'].secret as string).replace(/ /g, '');
      await awayFromStepEdge();
      const code = totp(secret, 0);
      expect((await client.gql(Q.confirmTotp, { c: code })).data!['confirmTotpEnrollment']).toMatchObject({
        __typename: 'TwoFactorEnabled',
      });
      // Whoever watched the setup (shoulder, screen share) holds the password and that code: it is spent.
      const oneStep = await oneRequest(email, 'TOTP', code);
      expect(oneStep.login).toMatchObject({ __typename: 'TwoFactorError', code: 'CODE_ALREADY_USED' });
      expect((await oneStep.client.gql(Q.me)).data!['me']).toBeNull();
      const pending = new GqlClient(server.url);
      expect((await loginStep(pending, email)).typename).toBe('SecondFactorRequired');
      const twoSteps = await pending.gql(Q.verify, { i: { method: 'TOTP', code } });
      expect(twoSteps.data!['verifySecondFactor']).toMatchObject({ __typename: 'TwoFactorError', code: 'CODE_ALREADY_USED' });
      expect((await pending.gql(Q.me)).data!['me']).toBeNull();
      expect(await auditCount(id, 'TOTP_REPLAY_REFUSED')).toBe(2);
      // A later step's code still signs in.
      const next = await pending.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 1) } });
      expect(next.data!['verifySecondFactor']).toMatchObject({ __typename: 'LoginSuccess', account: { id, email } });
    });

    it('an app switched on is told to its holder and answered as on, even when the bookkeeping after the commit times out', async () => {
      // A server whose statements give up after 3 s, and the account's attempt counter held locked by
      // another connection from the moment the confirmation waits for the account's methods: its commit
      // goes through, then giving its attempt back times out.
      const slow = await startServer({ DATABASE_URL: db.url, SMTP_URL: mail.url, DB_STATEMENT_TIMEOUT_MS: '3000' });
      const methods = new pg.Client({ connectionString: db.url });
      const counter = new pg.Client({ connectionString: db.url });
      await methods.connect();
      await counter.connect();
      try {
        const { client: c, email, id } = await newUser();
        const client = c.withBaseUrl(slow.url);
        const start = await client.gql(Q.startTotp);
        const secret = (start.data!['startTotpEnrollment'].secret as string).replace(/\s/g, '');
        await awayFromStepEdge();
        await methods.query('select pg_advisory_lock(hashtext($1))', [`two_factor_methods:${id}`]);
        const since = mail.count();
        const confirming = client.gql(Q.confirmTotp, { c: totp(secret, 0) });
        for (let i = 0; i < 200 && (await advisoryWaiters()) < 1; i++) await new Promise((r) => setTimeout(r, 10));
        expect(await advisoryWaiters()).toBe(1);
        await counter.query('begin');
        await counter.query(`select 1 from failure_counter where key = $1 for update`, [`2fa:acct:${id}`]);
        await methods.query('select pg_advisory_unlock(hashtext($1))', [`two_factor_methods:${id}`]);
        const res = await confirming;
        await counter.query('commit');
        expect(res.data?.['confirmTotpEnrollment'], JSON.stringify(res)).toMatchObject({
          __typename: 'TwoFactorEnabled',
          method: 'TOTP',
        });
        expect(res.data!['confirmTotpEnrollment'].recoveryCodes).toHaveLength(10);
        expect(await db.query(`select status from totp_authenticator where account_id = $1`, [id])).toEqual([
          { status: 'ACTIVE' },
        ]);
        await mail.waitFor(email, (m) => /method was added/i.test(m.subject), since);
      } finally {
        await counter.end();
        await methods.end();
        await slow.stop();
      }
    });

    it('more removals of one account’s methods at once than the server has connections are each answered in turn, none left waiting for a connection', async () => {
      // The server's statements give up after 8 s. Twelve removals (its pool has ten connections) wait
      // at the account's lock, held here: ten of them hold a connection while they wait, and the one let
      // through reads the account's methods on its own, not on another connection it cannot get.
      const slow = await startServer({ DATABASE_URL: db.url, SMTP_URL: mail.url, DB_STATEMENT_TIMEOUT_MS: '8000' });
      const methods = new pg.Client({ connectionString: db.url });
      await methods.connect();
      try {
        const { client: c, id } = await newUser();
        const client = c.withBaseUrl(slow.url);
        await reauthenticate(client);
        await methods.query('select pg_advisory_lock(hashtext($1))', [`two_factor_methods:${id}`]);
        const removals = Array.from({ length: 12 }, () => client.gql(Q.disableTotp));
        // (Well within the statement timeout, which the waits count against.)
        for (let i = 0; i < 150 && (await advisoryWaiters()) < 10; i++) await new Promise((r) => setTimeout(r, 10));
        expect(await advisoryWaiters()).toBe(10);
        await methods.query('select pg_advisory_unlock(hashtext($1))', [`two_factor_methods:${id}`]);
        // Nothing to remove: each is told so, none that its statement timed out (DATABASE_TIMEOUT).
        for (const r of await Promise.all(removals)) expect(codes(r), JSON.stringify(r)).toEqual(['NOT_FOUND']);
        // The server still answers, with every connection back.
        expect((await client.gql(Q.disableTotp)).errors?.[0]?.extensions?.['code']).toBe('NOT_FOUND');
      } finally {
        await methods.end();
        await slow.stop();
      }
    });

    it('an app setup left unconfirmed past its expiry cannot be switched on, even with a right code', async () => {
      const { client, email, id } = await newUser();
      const start = await client.gql(Q.startTotp);
      const secret = (start.data!['startTotpEnrollment'].secret as string).replace(/ /g, '');
      // A setup waits fifteen minutes for its code.
      const [left] = await db.query<{ s: number }>(
        `select extract(epoch from expires_at - now())::float as s from totp_authenticator where account_id = $1`,
        [id],
      );
      expect(left!.s).toBeGreaterThan(14 * 60);
      expect(left!.s).toBeLessThanOrEqual(15 * 60);
      await db.query(`update totp_authenticator set expires_at = now() - interval '1 second' where account_id = $1`, [id]);
      await awayFromStepEdge();
      const late = await client.gql(Q.confirmTotp, { c: totp(secret, 0) });
      expect(late.data!['confirmTotpEnrollment']).toMatchObject({ __typename: 'TwoFactorError', code: 'NOT_ENROLLING' });
      expect((await client.gql(Q.status)).data!['myTwoFactor']).toMatchObject({
        enabled: false,
        totpEnabled: false,
        methods: [],
        recoveryCodesRemaining: 0,
      });
      expect(await db.query(`select status from totp_authenticator where account_id = $1`, [id])).toEqual([
        { status: 'PENDING' },
      ]);
      expect(await auditCount(id, 'TWO_FACTOR_ENABLED')).toBe(0);
      expect((await loginStep(new GqlClient(server.url), email)).typename).toBe('LoginSuccess');
    });

    it('an app setup that expires while its right code is being checked is switched on (it was live when read, by the database’s clock), its attempt given back', async () => {
      const { client, id } = await newUser();
      const start = await client.gql(Q.startTotp);
      const secret = (start.data!['startTotpEnrollment'].secret as string).replace(/ /g, '');
      await awayFromStepEdge();
      const budget = () => db.query(`select count from failure_counter where key = $1 and count > 0`, [`2fa:acct:${id}`]);
      const before = await budget();
      // Read live and its code checked; the write that switches it on waits at the row while it expires.
      const [confirmed] = await inLockOrder(
        db,
        ['select 1 from totp_authenticator where account_id = $1 for update', [id]],
        [() => client.gql(Q.confirmTotp, { c: totp(secret, -1) })],
        {
          waitingOn: 'totp_authenticator',
          meanwhile: (locker) => locker.query(`update totp_authenticator set expires_at = now() where account_id = $1`, [id]),
        },
      );
      expect(confirmed!.data!['confirmTotpEnrollment']).toMatchObject({ __typename: 'TwoFactorEnabled' });
      expect(await db.query(`select status from totp_authenticator where account_id = $1`, [id])).toEqual([{ status: 'ACTIVE' }]);
      expect(await budget()).toEqual(before);
    });

    it('the app secret is stored sealed with ENCRYPTION_KEY (AES-256-GCM, bound to its account)', async () => {
      const encryptionKey = randomBytes(32);
      await withServer(
        'two_factor_sealed',
        { SESSION_SECRET: randomBytes(32).toString('hex'), ENCRYPTION_KEY: encryptionKey.toString('hex'), SMTP_URL: mail.url },
        async (sealedServer, sealedDb) => {
          const { client: firstAdmin } = await setupAdmin(sealedServer);
          const user = await createAccount(sealedServer, firstAdmin, { role: 'USER' });
          const other = await createAccount(sealedServer, firstAdmin, { role: 'USER' });
          const start = await user.client.gql(Q.startTotp);
          const secret = (start.data!['startTotpEnrollment'].secret as string).replace(/ /g, '');
          const [row] = await sealedDb.query<{ secret_sealed: string }>(
            `select secret_sealed from totp_authenticator where account_id = $1`,
            [user.id],
          );
          // v1.<iv>.<tag>.<ciphertext>, base64url; the account id is the associated data.
          const [version, iv, tag, ciphertext, ...rest] = row!.secret_sealed.split('.');
          expect({ version, rest }).toEqual({ version: 'v1', rest: [] });
          expect(Buffer.from(iv!, 'base64url')).toHaveLength(12);
          expect(Buffer.from(tag!, 'base64url')).toHaveLength(16);
          const open = (key: Buffer, associatedData: string) => {
            const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv!, 'base64url'));
            decipher.setAAD(Buffer.from(associatedData, 'utf8'));
            decipher.setAuthTag(Buffer.from(tag!, 'base64url'));
            return Buffer.concat([decipher.update(Buffer.from(ciphertext!, 'base64url')), decipher.final()]).toString('utf8');
          };
          expect(open(encryptionKey, user.id)).toBe(secret);
          // Copied to another account's row, or opened with another key, it reads as nothing.
          expect(() => open(encryptionKey, other.id)).toThrow();
          expect(() => open(randomBytes(32), user.id)).toThrow();
        },
      );
    });
  });

  describe('a code sent with the password (one request)', () => {
    const since = async (id: string, t0: Date) => ({
      events: (
        await db.query(`select outcome from login_event where account_id = $1 and occurred_at >= $2 order by id`, [id, t0])
      ).map((r) => r['outcome']),
      sessions: (
        await db.query(`select stage from session where account_id = $1 and created_at >= $2 order by created_at`, [id, t0])
      ).map((r) => r['stage']),
    });
    const verifications = async () =>
      Number(/security_center_password_verifications_total (\d+)/.exec(await (await fetch(`${server.url}/metrics`)).text())![1]);

    it('an account deleted while one of its app codes is being decided waits for that sign-in: both succeed, no deadlock', async () => {
      const { client: setupClient, email, id } = await newUser();
      const { secret } = await enrollTotp(setupClient);
      await awayFromStepEdge();
      // The app's row held: the sign-in waits there holding the account's turn; the deletion comes next.
      // Once released, the sign-in takes the app's row and then wants the account's, which a deletion that
      // locked the account row first would hold while it waited for the app's row (a deadlock).
      const [signIn, deletion] = await inLockOrder(
        db,
        ['select 1 from totp_authenticator where account_id = $1 for update', [id]],
        [
          () => oneRequest(email, 'TOTP', totp(secret, 0)).then((r) => r.res),
          () => admin.gql(`mutation($id: ID!) { deleteAccount(id: $id) }`, { id }),
        ],
      );
      expect(signIn!.errors, JSON.stringify(signIn)).toBeUndefined();
      expect(signIn!.data?.['login']).toMatchObject({ __typename: 'LoginSuccess' });
      expect(deletion!.errors, JSON.stringify(deletion!.errors)).toBeUndefined();
      expect(deletion!.data).toEqual({ deleteAccount: id });
      expect(await db.query('select 1 from account where id = $1', [id])).toEqual([]);
    });

    it('signs in with the app code at once: a full session, one SUCCESS event, no pending sign-in; a replay is refused', async () => {
      const { client: setupClient, email, id } = await newUser();
      const { secret } = await enrollTotp(setupClient);
      await awayFromStepEdge();
      const t0 = new Date();
      const code = totp(secret, 0);
      const first = await oneRequest(email, 'TOTP', code);
      expect(first.login).toEqual({ __typename: 'LoginSuccess', account: { id, email } });
      expect((await first.client.gql(Q.me)).data!['me']).toMatchObject({ id, email });
      expect(await since(id, t0)).toEqual({ events: ['SUCCESS'], sessions: ['FULL'] });

      // The same code again, in one request or in the second step: used already.
      const replay = await oneRequest(email, 'TOTP', code);
      expect(replay.login).toMatchObject({ __typename: 'TwoFactorError', code: 'CODE_ALREADY_USED' });
      expect((await replay.client.gql(Q.me)).data!['me']).toBeNull();
      expect((await replay.client.gql(Q.pending)).data!['pendingSignIn']).toBeNull();
      expect(await since(id, t0)).toEqual({ events: ['SUCCESS', 'SECOND_FACTOR_FAILED'], sessions: ['FULL'] });
    });

    it('a wrong code fails the sign-in and counts as an attempt; a wrong password with a code takes none', async () => {
      const { client: setupClient, email, id } = await newUser();
      const { secret } = await enrollTotp(setupClient);
      const budget = async () =>
        (await db.query<{ count: number }>(`select count from failure_counter where key = $1`, [`2fa:acct:${id}`]))[0]?.count ??
        0;
      await awayFromStepEdge();
      const right = new Set([-1, 0, 1].map((d) => totp(secret, d)));
      let n = 100000;
      while (right.has(String(n))) n++;
      const t0 = new Date();
      const wrong = await oneRequest(email, 'TOTP', String(n));
      expect(wrong.login).toMatchObject({ __typename: 'TwoFactorError', code: 'CODE_INVALID' });
      expect(await budget()).toBe(1);
      const badPassword = await oneRequest(email, 'TOTP', totp(secret, 0), 'not the password at all');
      expect(badPassword.login).toMatchObject({ __typename: 'InvalidCredentialsError', code: 'INVALID_CREDENTIALS' });
      expect(await budget()).toBe(1);
      expect(await since(id, t0)).toEqual({ events: ['SECOND_FACTOR_FAILED', 'INVALID_CREDENTIALS'], sessions: [] });
      // The code that was not checked still works.
      expect((await oneRequest(email, 'TOTP', totp(secret, 0))).login.__typename).toBe('LoginSuccess');
    });

    it('a recovery code is used up together with its audit entry, at sign-in and at re-authentication (never one without the other)', async () => {
      const { client: setupClient, email, id } = await newUser();
      const { recoveryCodes } = await enrollTotp(setupClient);
      const [forSignIn, forReauth] = recoveryCodes;
      const sessions = async () =>
        (await db.query(`select count(*)::int as n from session where account_id = $1 and stage = 'FULL'`, [id]))[0]![
          'n'
        ] as number;
      const before = await sessions();
      // While the audit log cannot be written, the code's use (and the session it starts) is not
      // committed either: a crash then would leave neither.
      const [signedIn] = await inLockOrder(
        db,
        ['lock table audit_log in share mode'],
        [() => oneRequest(email, 'RECOVERY_CODE', forSignIn!)],
        {
          waitingOn: 'audit_log',
          meanwhile: async () => {
            expect(await usedRecoveryCodes(id)).toBe(0);
            expect(await sessions()).toBe(before);
          },
        },
      );
      expect(signedIn!.login.__typename).toBe('LoginSuccess');
      expect(await usedRecoveryCodes(id)).toBe(1);
      expect(await auditCount(id, 'RECOVERY_CODE_USED')).toBe(1);
      const [entry] = await db.query(
        `select actor_id, details from audit_log where target_id = $1 and action = 'RECOVERY_CODE_USED'`,
        [id],
      );
      expect(entry).toEqual({ actor_id: null, details: { remaining: 9, purpose: 'login' } });

      const [reauth] = await inLockOrder(
        db,
        ['lock table audit_log in share mode'],
        [
          () =>
            signedIn!.client.gql(Q.reauth, {
              i: { password: PASSWORD, secondFactor: { method: 'RECOVERY_CODE', code: forReauth } },
            }),
        ],
        { waitingOn: 'audit_log', meanwhile: async () => expect(await usedRecoveryCodes(id)).toBe(1) },
      );
      expect(reauth!.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
      expect(await usedRecoveryCodes(id)).toBe(2);
      expect(await auditCount(id, 'RECOVERY_CODE_USED')).toBe(2);
    });

    it('a recovery code is spent only by the sign-in it starts (account disabled meanwhile, or the code used twice at once)', async () => {
      const { client: setupClient, email, id } = await newUser();
      const { recoveryCodes } = await enrollTotp(setupClient);
      const [code, other] = recoveryCodes;
      // Disabled after the code was checked: refused like a disabled account, and the code is kept.
      const refused = await whileAccountLocked(
        id,
        1,
        () => oneRequest(email, 'RECOVERY_CODE', code!),
        (locker) => locker.query('update account set disabled_at = now() where id = $1', [id]),
      );
      expect(refused.login).toMatchObject({ __typename: 'InvalidCredentialsError' });
      expect(await usedRecoveryCodes(id)).toBe(0);
      expect(await auditCount(id, 'RECOVERY_CODE_USED')).toBe(0);
      const [last] = await db.query(`select outcome from login_event where account_id = $1 order by id desc limit 1`, [id]);
      expect(last!['outcome']).toBe('ACCOUNT_DISABLED');
      await db.query('update account set disabled_at = null where id = $1', [id]);

      // Two sign-ins with one code at the same moment: one signs in, the other is told the code was used.
      const since = mail.count();
      const both = await whileAccountLocked(id, 2, () =>
        Promise.all([oneRequest(email, 'RECOVERY_CODE', other!), oneRequest(email, 'RECOVERY_CODE', other!)]),
      );
      const kinds = both.map((r) => r.login?.__typename + ':' + (r.login?.code ?? '')).sort();
      expect(kinds, JSON.stringify(both.map((r) => r.res))).toEqual(['LoginSuccess:', 'TwoFactorError:CODE_INVALID']);
      expect(await usedRecoveryCodes(id)).toBe(1);
      expect(await auditCount(id, 'RECOVERY_CODE_USED')).toBe(1);
      await mail.waitFor(email, (m) => /recovery code was used/i.test(m.subject), since);
      // The first code was never spent.
      expect((await oneRequest(email, 'RECOVERY_CODE', code!)).login.__typename).toBe('LoginSuccess');
      expect(await usedRecoveryCodes(id)).toBe(2);
    });

    it('a recovery code signs in once; an account without 2FA ignores the code', async () => {
      const { client: setupClient, email } = await newUser();
      const { recoveryCodes } = await enrollTotp(setupClient);
      expect((await oneRequest(email, 'RECOVERY_CODE', recoveryCodes[0]!)).login.__typename).toBe('LoginSuccess');
      expect((await oneRequest(email, 'RECOVERY_CODE', recoveryCodes[0]!)).login).toMatchObject({
        __typename: 'TwoFactorError',
        code: 'CODE_INVALID',
      });
      await mail.waitFor(email, (m) => /recovery code/i.test(m.subject));
      const plain = await newUser();
      expect((await oneRequest(plain.email, 'TOTP', '123456')).login).toMatchObject({
        __typename: 'LoginSuccess',
        account: { id: plain.id },
      });
    });

    it('under a policy, a code sent along cannot skip the enrollment an account without a method owes', async () => {
      const { id, email } = await newUser();
      await admin.gql(`mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { accountId } }`, { id });
      const { client, login } = await oneRequest(email, 'TOTP', '123456');
      expect(login.__typename).toBe('TwoFactorEnrollmentRequired');
      expect((await client.gql(Q.me)).data!['me']).toBeNull();
      expect((await client.gql(Q.pending)).data!['pendingSignIn']).toMatchObject({ stage: 'ENROLLMENT_REQUIRED' });
    });

    it('bad input: an e-mailed code or a security key, or no code, is refused before any password is hashed', async () => {
      const { client: setupClient, email, id } = await newUser();
      await enrollTotp(setupClient);
      const t0 = new Date();
      const before = await verifications();
      for (const [method, code] of [
        ['EMAIL', '123456'],
        ['WEBAUTHN', '123456'],
        ['TOTP', ''],
        ['TOTP', '   '],
      ] as const) {
        const { res } = await oneRequest(email, method, code);
        expect(codes(res), `${method} ${JSON.stringify(code)}`).toEqual(['BAD_USER_INPUT']);
      }
      expect(codes((await oneRequest(email, 'TOTP', '1'.repeat(33))).res)).toEqual(['BAD_USER_INPUT']);
      expect(await verifications()).toBe(before);
      expect(await since(id, t0)).toEqual({ events: [], sessions: [] });
    });
  });

  describe('e-mail codes', () => {
    it('other spellings of one mailbox share its budget of setup codes: capitals, a +tag, dots and googlemail.com for Gmail', async () => {
      const box = `inbox${randomBytes(4).toString('hex')}`;
      const spellings = [
        `${box}@gmail.com`,
        `${box.slice(0, 3)}.${box.slice(3)}@gmail.com`,
        `${box}+news@gmail.com`,
        `${box.toUpperCase()}@GMAIL.COM`,
        `${box}@googlemail.com`,
      ];
      // Setups naming them (each in a session of its own: no cool-down), from two accounts.
      const senders = [await newUser(), await newUser()];
      const setUp = async (k: number, address: string) => {
        const c = new GqlClient(server.url);
        await login(c, senders[k % 2]!.email);
        return (await c.gql(Q.startEmail, { a: address })).data!['startEmailEnrollment'];
      };
      for (const [k, address] of spellings.entries()) expect((await setUp(k, address)).__typename).toBe('EmailCodeSent');
      // A sixth spelling of the same mailbox is refused; another mailbox is not.
      expect(await setUp(5, `${box}+shop@gmail.com`)).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', reason: 'CODES_EMAILED' });
      expect((await setUp(6, `${box}x@gmail.com`)).__typename).toBe('EmailCodeSent');
    });

    it('code e-mails are budgeted per address and per account across sign-ins and setups, not only per session', async () => {
      // A victim whose sign-in codes go to their own address (the setup's code counts for the address)…
      const victim = uniqueEmail('victim');
      const owner = await newUser();
      let since = mail.count();
      await owner.client.gql(Q.startEmail, { a: victim });
      expect(
        (await owner.client.gql(Q.confirmEmail, { c: await mail.codeFor(victim, since) })).data!['confirmEmailEnrollment']
          .__typename,
      ).toBe('TwoFactorEnabled');
      // …then setups by someone else (each in a session of its own, so no cool-down applies) naming it.
      const { email: sender } = await newUser();
      // One at a time: many sign-ins at once could wait past the hashing queue's limit on a loaded machine.
      const sessions = async (email: string, n: number) => {
        const made: GqlClient[] = [];
        for (let i = 0; i < n; i++) {
          const c = new GqlClient(server.url);
          await login(c, email);
          made.push(c);
        }
        return made;
      };
      since = mail.count();
      const perAddress = await sessions(sender, 5);
      for (const c of perAddress.slice(0, 4)) {
        expect((await c.gql(Q.startEmail, { a: victim })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
      }
      const fifth = (await perAddress[4]!.gql(Q.startEmail, { a: victim })).data!['startEmailEnrollment'];
      // Said as the mail budget (ask again later, or use another method), not as wrong codes.
      expect(fifth).toMatchObject({ __typename: 'TwoFactorError', code: 'TOO_MANY_ATTEMPTS', reason: 'CODES_EMAILED' });
      expect(new Date(fifth.retryAfter as string).getTime()).toBeGreaterThan(Date.now());
      // Once the fourth code is in, no fifth follows it (mails go out in order: the account's next one comes first).
      await mail.codeFor(victim, since);
      since = mail.count();
      expect((await perAddress[4]!.gql(Q.startEmail, { a: uniqueEmail('own') })).data!['startEmailEnrollment'].__typename).toBe(
        'EmailCodeSent',
      );
      await expect.poll(() => mail.count()).toBeGreaterThan(since);
      expect(mail.messages.filter((m) => m.to.includes(victim))).toHaveLength(5);
      // The victim's own sign-in codes still come: others' setups do not spend them.
      const signIn = new GqlClient(server.url);
      expect((await loginStep(signIn, owner.email)).methods).toContain('EMAIL');
      expect((await signIn.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');

      // Ten per account, whatever the addresses.
      const { email: busy, id: busyId } = await newUser();
      const perAccount = await sessions(busy, 11);
      let last = '';
      for (const c of perAccount.slice(0, 10)) {
        last = uniqueEmail('many');
        expect((await c.gql(Q.startEmail, { a: last })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
      }
      expect((await perAccount[10]!.gql(Q.startEmail, { a: uniqueEmail('many') })).data!['startEmailEnrollment']).toMatchObject({
        code: 'TOO_MANY_ATTEMPTS',
        reason: 'CODES_EMAILED',
      });
      // Refused before anything changed: the setup still waits for the last address's code.
      expect(await db.query(`select address from email_factor where account_id = $1`, [busyId])).toEqual([{ address: last }]);
    });

    it('enrolls an address with a code read from the SMTP server; a wrong code leaves it off', async () => {
      const { client, email } = await newUser();
      const address = uniqueEmail('codes');
      const since = mail.count();
      const sent = await client.gql(Q.startEmail, { a: address });
      expect(sent.data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
      const code = await mail.codeFor(address, since);
      // A blank code is bad input: it takes no attempt and costs the code none of its tries.
      const attempts = () =>
        db.query(
          `select (select json_agg(json_build_array(key, count) order by key) from failure_counter) as budgets,
                  (select json_agg(failures) from email_code) as tries`,
        );
      const attemptsBefore = await attempts();
      expect(codes(await client.gql(Q.confirmEmail, { c: '' }))).toEqual(['BAD_USER_INPUT']);
      expect(await attempts()).toEqual(attemptsBefore);
      const wrong = code === '000000' ? '111111' : '000000';
      expect((await client.gql(Q.confirmEmail, { c: wrong })).data!['confirmEmailEnrollment'].code).toBe('CODE_INVALID');
      expect((await client.gql(Q.status)).data!['myTwoFactor'].emailAddress).toBeNull();
      const ok = await client.gql(Q.confirmEmail, { c: code });
      expect(ok.data!['confirmEmailEnrollment']).toMatchObject({ __typename: 'TwoFactorEnabled', method: 'EMAIL' });
      expect((await client.gql(Q.status)).data!['myTwoFactor']).toMatchObject({
        emailAddress: address,
        methods: ['EMAIL', 'RECOVERY_CODE'],
      });
      await mail.waitFor(email, (m) => /method was added/i.test(m.subject));
      expect(codes(await client.gql(Q.startEmail, { a: 'not-an-address' }))).toEqual(['BAD_USER_INPUT']);
      // Only a bare address: a display name or a list would reach another inbox than the one budgeted.
      const before = mail.count();
      for (const a of [
        'a<victim@example.test>',
        'Victim <victim@example.test>',
        'x@example.test, victim@example.test',
        '"a b"@example.test',
      ]) {
        expect(codes(await client.gql(Q.startEmail, { a })), a).toEqual(['BAD_USER_INPUT']);
      }
      expect(mail.messages.slice(before).filter((m) => m.to.includes('victim@example.test'))).toEqual([]);
    });

    it('a confirmation switches on only the address its code was sent to, not one a restart put there meanwhile', async () => {
      const { client, id } = await newUser();
      const address = uniqueEmail('codes');
      const since = mail.count();
      await client.gql(Q.startEmail, { a: address });
      const code = await mail.codeFor(address, since);
      const [confirmed] = await inLockOrder(
        db,
        ['select 1 from email_factor where account_id = $1 for update', [id]],
        [() => client.gql(Q.confirmEmail, { c: code })],
        {
          waitingOn: 'email_factor',
          meanwhile: (locker) =>
            locker.query(`update email_factor set address = 'someone-else@example.test' where account_id = $1`, [id]),
        },
      );
      expect(confirmed!.data!['confirmEmailEnrollment']).toMatchObject({ __typename: 'TwoFactorError', code: 'NOT_ENROLLING' });
      expect(await db.query(`select status, address from email_factor where account_id = $1`, [id])).toEqual([
        { status: 'PENDING', address: 'someone-else@example.test' },
      ]);
      expect(await auditCount(id, 'TWO_FACTOR_ENABLED')).toBe(0);
    });

    it('an e-mail setup started again days after an unconfirmed one is stamped anew (what the daily pruning goes by) and confirms', async () => {
      const { client, id } = await newUser();
      await client.gql(Q.startEmail, { a: uniqueEmail('first') });
      // Three days go by: the first setup and its code are old.
      await db.query(`update email_factor set created_at = created_at - interval '3 days' where account_id = $1`, [id]);
      await db.query(
        `update email_code set sent_at = sent_at - interval '3 days', expires_at = expires_at - interval '3 days' where account_id = $1`,
        [id],
      );
      const address = uniqueEmail('again');
      const since = mail.count();
      expect((await client.gql(Q.startEmail, { a: address })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
      // Pruning deletes a setup started over a day ago (see retention.ts): this one started now.
      expect(
        await db.query(`select created_at > now() - interval '1 minute' as fresh from email_factor where account_id = $1`, [id]),
      ).toEqual([{ fresh: true }]);
      const code = await mail.codeFor(address, since);
      expect((await client.gql(Q.confirmEmail, { c: code })).data!['confirmEmailEnrollment'].__typename).toBe('TwoFactorEnabled');
    });

    /** A code asked for in `a`'s sign-in while the mail server refuses `address`: MAIL_FAILED. */
    const refusedSend = (a: GqlClient, address: string) =>
      mail.refusingWhile(address, async () =>
        expect((await a.gql(Q.sendCode)).data!['sendEmailCode']).toMatchObject({ code: 'MAIL_FAILED' }),
      );
    /** An e-mail setup started for `address` while the mail server refuses it: MAIL_FAILED. */
    const refusedStart = (client: GqlClient, address: string) =>
      mail.refusingWhile(address, async () =>
        expect((await client.gql(Q.startEmail, { a: address })).data!['startEmailEnrollment']).toMatchObject({
          code: 'MAIL_FAILED',
        }),
      );
    async function userWithEmailCodes(): Promise<{ email: string; address: string }> {
      const { client, email } = await newUser();
      const address = uniqueEmail('codes');
      const since = mail.count();
      await client.gql(Q.startEmail, { a: address });
      await client.gql(Q.confirmEmail, { c: await mail.codeFor(address, since) });
      return { email, address };
    }

    /** A user with e-mail codes, and a client of theirs at the second step of a sign-in. */
    async function signInAtSecondStepWithEmailCodes(): Promise<{ a: GqlClient; email: string; address: string }> {
      const { email, address } = await userWithEmailCodes();
      const a = new GqlClient(server.url);
      await loginStep(a, email);
      return { a, email, address };
    }

    it('signs in with an e-mailed code; cool-down between sends; a code is bound to its sign-in', async () => {
      const { email, address } = await userWithEmailCodes();
      const a = new GqlClient(server.url);
      expect((await loginStep(a, email)).methods).toEqual(['EMAIL', 'RECOVERY_CODE']);
      let since = mail.count();
      const sent = await a.gql(Q.sendCode);
      expect(sent.data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      const code = await mail.codeFor(address, since);
      const again = await a.gql(Q.sendCode);
      expect(again.data!['sendEmailCode']).toMatchObject({ __typename: 'TwoFactorError', code: 'EMAIL_COOLDOWN' });
      expect(Date.parse(again.data!['sendEmailCode'].retryAfter)).toBeGreaterThan(Date.now());

      // Another sign-in of the same account cannot use a code asked for by the first.
      const b = new GqlClient(server.url);
      await loginStep(b, email);
      expect((await b.gql(Q.verify, { i: { method: 'EMAIL', code } })).data!['verifySecondFactor'].code).toBe('NO_CODE_SENT');

      const ok = await a.gql(Q.verify, { i: { method: 'EMAIL', code } });
      expect(ok.data!['verifySecondFactor'].__typename).toBe('LoginSuccess');
      // Stored hashed.
      const rows = await db.query(
        `select code_hash from email_code where account_id = (select id from account where email = $1)`,
        [email],
      );
      expect(rows.every((r) => r['code_hash'] !== code && /^[0-9a-f]{64}$/.test(r['code_hash']))).toBe(true);
      since = mail.count();
    });

    it('an expired code is refused; a used code cannot be used again', async () => {
      const { a, email, address } = await signInAtSecondStepWithEmailCodes();
      let since = mail.count();
      await a.gql(Q.sendCode);
      const code = await mail.codeFor(address, since);
      await db.query(
        `update email_code set expires_at = now() - interval '1 second' where account_id = (select id from account where email = $1)`,
        [email],
      );
      expect((await a.gql(Q.verify, { i: { method: 'EMAIL', code } })).data!['verifySecondFactor'].code).toBe('CODE_EXPIRED');

      // Single use, shown through re-authentication in a full session.
      const full = new GqlClient(server.url);
      await loginStep(full, email);
      since = mail.count();
      await full.gql(Q.sendCode);
      const loginCode = await mail.codeFor(address, since);
      expect((await full.gql(Q.verify, { i: { method: 'EMAIL', code: loginCode } })).data!['verifySecondFactor'].__typename).toBe(
        'LoginSuccess',
      );
      since = mail.count();
      await full.gql(Q.sendCode);
      const reauthCode = await mail.codeFor(address, since);
      const first = await full.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'EMAIL', code: reauthCode } } });
      expect(first.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
      const second = await full.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'EMAIL', code: reauthCode } } });
      expect(second.data!['reauthenticate'].code).toBe('CODE_INVALID');
    });

    /**
     * A sign-in at its second step with a code e-mailed, and what a try on it may count: the consecutive
     * failures, the account's and the networks' attempt budgets, the code's tries.
     */
    const atSecondStepWithCodeSent = async () => {
      const { a, email, address } = await signInAtSecondStepWithEmailCodes();
      const since = mail.count();
      await a.gql(Q.sendCode);
      const code = await mail.codeFor(address, since);
      const id = (await db.query<{ id: string }>(`select id from account where email = $1`, [email]))[0]!.id;
      const counted = () =>
        db.query(
          `select coalesce((select consecutive_failures from two_factor_state where account_id = $1), 0) as failures,
                  (select json_agg(json_build_array(key, count) order by key) from failure_counter
                    where (key = '2fa:acct:' || $1::text or key like '2fa:ip:%') and count > 0) as budgets,
                  (select json_agg(failures) from email_code where account_id = $1 and purpose = 'LOGIN') as tries`,
          [id],
        );
      return { a, code, id, counted };
    };

    it('a right code that expires while it is being checked is answered CODE_EXPIRED, not "used already", and counts nothing', async () => {
      const { a, code, id, counted } = await atSecondStepWithCodeSent();
      const before = await counted();
      // The code was read live; its try waits at the code's row while the code expires (by the
      // database's clock, which set its expiry), then goes on.
      const [answer] = await inLockOrder(
        db,
        [`select 1 from email_code where account_id = $1 and purpose = 'LOGIN' for update`, [id]],
        [() => a.gql(Q.verify, { i: { method: 'EMAIL', code } })],
        {
          waitingOn: 'update email_code set failures = failures + 1',
          meanwhile: (locker) =>
            locker.query(`update email_code set expires_at = now() where account_id = $1 and purpose = 'LOGIN'`, [id]),
        },
      );
      expect(answer!.data!['verifySecondFactor']).toMatchObject({ __typename: 'TwoFactorError', code: 'CODE_EXPIRED' });
      expect(await counted()).toEqual(before);
      expect((await a.gql(Q.me)).data!['me']).toBeNull();
    });

    it('a code (right or wrong) replaced by a resend while it is being checked is answered "a newer code was sent": no try is charged to the new code, and nothing counts', async () => {
      // A wrong one too: it was never compared with the code now sent, so it counts against nothing.
      for (const which of ['right', 'wrong'] as const) {
        const { a, code, id, counted } = await atSecondStepWithCodeSent();
        const before = await counted();
        const sent = which === 'right' ? code : code === '000001' ? '000002' : '000001';
        // The code was read; its try waits at the code's row while a resend puts another code in its place
        // (a resend keeps the row and replaces its hash).
        const [answer] = await inLockOrder(
          db,
          [`select 1 from email_code where account_id = $1 and purpose = 'LOGIN' for update`, [id]],
          [() => a.gql(Q.verify, { i: { method: 'EMAIL', code: sent } })],
          {
            waitingOn: 'update email_code set failures = failures + 1',
            meanwhile: (locker) =>
              locker.query(
                `update email_code set code_hash = md5(random()::text), sent_at = now(), expires_at = now() + interval '10 minutes'
                  where account_id = $1 and purpose = 'LOGIN'`,
                [id],
              ),
          },
        );
        expect(answer!.data!['verifySecondFactor'], which).toMatchObject({
          __typename: 'TwoFactorError',
          code: 'CODE_INVALID',
          message: expect.stringMatching(/newer code was sent/),
        });
        expect(await counted(), which).toEqual(before);
        expect((await a.gql(Q.me)).data!['me']).toBeNull();
      }
    });

    it('a right code replaced by a resend just after its try was taken is answered "a newer code was sent": the try is given back, and nothing counts', async () => {
      const { a, code, id, counted } = await atSecondStepWithCodeSent();
      const before = await counted();
      // A resend lands right after the try is taken, before the code is marked used: as a trigger, the
      // statement that takes the try also puts another code in its place (a resend keeps the tries).
      await db.query(`create or replace function resend_now() returns trigger language plpgsql as $$
        begin if new.failures = old.failures + 1 then new.code_hash := md5(random()::text); end if; return new; end $$`);
      await db.query(
        `create trigger resend_now before update on email_code for each row when (new.account_id = '${id}') execute function resend_now()`,
      );
      let answer;
      try {
        answer = await a.gql(Q.verify, { i: { method: 'EMAIL', code } });
      } finally {
        await db.query(`drop trigger resend_now on email_code`);
      }
      expect(answer.data!['verifySecondFactor']).toMatchObject({
        __typename: 'TwoFactorError',
        code: 'CODE_INVALID',
        message: expect.stringMatching(/newer code was sent/),
      });
      expect(await counted()).toEqual(before);
      expect((await a.gql(Q.me)).data!['me']).toBeNull();
    });

    it('a code that was used leaves its wrong tries behind: the next code (a later re-authentication, a setup begun anew) has five', async () => {
      const { client, id } = await newUser();
      const typo = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      // Setup with four typos, then the right code.
      const address = uniqueEmail('typos');
      let since = mail.count();
      await client.gql(Q.startEmail, { a: address });
      const setupCode = await mail.codeFor(address, since);
      for (let i = 0; i < 4; i++)
        expect((await client.gql(Q.confirmEmail, { c: typo(setupCode) })).data!['confirmEmailEnrollment'].code).toBe(
          'CODE_INVALID',
        );
      expect((await client.gql(Q.confirmEmail, { c: setupCode })).data!['confirmEmailEnrollment'].__typename).toBe(
        'TwoFactorEnabled',
      );
      const reauthWith = (code: string) =>
        client.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'EMAIL', code } } });
      // A re-authentication with four typos, then the right code; later another, four typos again, then the right code.
      for (let round = 0; round < 2; round++) {
        await new Promise((r) => setTimeout(r, 2_100)); // the cool-down
        since = mail.count();
        expect((await client.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
        const code = await mail.codeFor(address, since);
        for (let i = 0; i < 4; i++) expect((await reauthWith(typo(code))).data!['reauthenticate'].code).toBe('CODE_INVALID');
        expect((await reauthWith(code)).data!['reauthenticate'].__typename, `round ${round}`).toBe('ReauthSuccess');
      }
      // Removed and set up again in the same session: four typos, then the right code.
      expect((await client.gql(Q.disableEmail)).data).toEqual({ disableEmailFactor: true });
      const again = uniqueEmail('again');
      await new Promise((r) => setTimeout(r, 2_100));
      since = mail.count();
      expect((await client.gql(Q.startEmail, { a: again })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
      const code = await mail.codeFor(again, since);
      for (let i = 0; i < 4; i++)
        expect((await client.gql(Q.confirmEmail, { c: typo(code) })).data!['confirmEmailEnrollment'].code).toBe('CODE_INVALID');
      expect((await client.gql(Q.confirmEmail, { c: code })).data!['confirmEmailEnrollment'].__typename).toBe('TwoFactorEnabled');
      expect(await db.query(`select address from email_factor where account_id = $1 and status = 'ACTIVE'`, [id])).toEqual([
        { address: again },
      ]);
    });

    it('a code dies after five wrong tries, and a resend does not reset the count', async () => {
      const { a, address } = await signInAtSecondStepWithEmailCodes();
      let since = mail.count();
      await a.gql(Q.sendCode);
      await mail.codeFor(address, since);
      for (let i = 0; i < 3; i++) {
        expect((await a.gql(Q.verify, { i: { method: 'EMAIL', code: '000001' } })).data!['verifySecondFactor'].code).toBe(
          'CODE_INVALID',
        );
      }
      await new Promise((r) => setTimeout(r, 2100)); // the cool-down
      since = mail.count();
      expect((await a.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      const fresh = await mail.codeFor(address, since);
      for (let i = 0; i < 2; i++) {
        expect((await a.gql(Q.verify, { i: { method: 'EMAIL', code: '000001' } })).data!['verifySecondFactor'].code).toBe(
          'CODE_INVALID',
        );
      }
      const dead = await a.gql(Q.verify, { i: { method: 'EMAIL', code: fresh } });
      expect(dead.data!['verifySecondFactor']).toMatchObject({ __typename: 'TwoFactorError', code: 'TOO_MANY_ATTEMPTS' });
      expect((await a.gql(Q.me)).data!['me']).toBeNull();
    });

    it('a code the mail server refused holds no cool-down; a restart inside the cool-down keeps the address its code confirms', async () => {
      const { a, address } = await signInAtSecondStepWithEmailCodes();
      await refusedSend(a, address);
      // The failure is logged with the mail server's words, not the address it was for.
      await expect.poll(() => server.output().includes('could not send the e-mail code')).toBe(true);
      expect(server.output()).not.toContain(address);
      let since = mail.count();
      expect((await a.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      const code = await mail.codeFor(address, since);
      expect((await a.gql(Q.verify, { i: { method: 'EMAIL', code } })).data!['verifySecondFactor'].__typename).toBe(
        'LoginSuccess',
      );

      // Setting up: a second address asked for at once is refused, and the first one's code still works.
      const { client } = await newUser();
      const first = uniqueEmail('first');
      since = mail.count();
      await client.gql(Q.startEmail, { a: first });
      const firstCode = await mail.codeFor(first, since);
      const second = await client.gql(Q.startEmail, { a: uniqueEmail('second') });
      expect(second.data!['startEmailEnrollment']).toMatchObject({ code: 'EMAIL_COOLDOWN' });
      const done = await client.gql(Q.confirmEmail, { c: firstCode });
      expect(done.data!['confirmEmailEnrollment'].__typename).toBe('TwoFactorEnabled');
    });

    it('a resend the mail server refused leaves the code already in the inbox working', async () => {
      const { a, address } = await signInAtSecondStepWithEmailCodes();
      const since = mail.count();
      expect((await a.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      const delivered = await mail.codeFor(address, since);
      await new Promise((r) => setTimeout(r, 2100)); // the cool-down
      await refusedSend(a, address);
      expect((await a.gql(Q.verify, { i: { method: 'EMAIL', code: delivered } })).data!['verifySecondFactor'].__typename).toBe(
        'LoginSuccess',
      );
    });

    it('a resend the mail server refused changes nothing: the code it would have replaced still dies of its fifth wrong try for good', async () => {
      const { a, address } = await signInAtSecondStepWithEmailCodes();
      let since = mail.count();
      expect((await a.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      const delivered = await mail.codeFor(address, since);
      const bad = delivered === '000001' ? '000002' : '000001';
      const wrong = async () =>
        expect((await a.gql(Q.verify, { i: { method: 'EMAIL', code: bad } })).data!['verifySecondFactor'].code).toBe(
          'CODE_INVALID',
        );
      for (let i = 0; i < 4; i++) await wrong();
      await new Promise((r) => setTimeout(r, 2100)); // the cool-down
      await refusedSend(a, address);
      await wrong(); // the fifth try at the code still in the inbox
      // Dead: no new code (with five fresh tries) until the attempt window since it was sent is over.
      since = mail.count();
      // Said as the dead code (a new one can be asked for once the window is over), not as the mail budget.
      expect((await a.gql(Q.sendCode)).data!['sendEmailCode']).toMatchObject({ code: 'TOO_MANY_ATTEMPTS', reason: 'CODE_DEAD' });
      expect((await a.gql(Q.verify, { i: { method: 'EMAIL', code: delivered } })).data!['verifySecondFactor']).toMatchObject({
        code: 'TOO_MANY_ATTEMPTS',
        reason: 'CODE_DEAD',
      });
      expect(mail.count()).toBe(since);
      expect((await a.gql(Q.me)).data!['me']).toBeNull();
    });

    it('wrong tries at a resent code while the mail server took its time still count once it refused: the code in the inbox dies of them', async () => {
      const { a, address } = await signInAtSecondStepWithEmailCodes();
      const since = mail.count();
      expect((await a.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      const delivered = await mail.codeFor(address, since);
      const bad = delivered === '000001' ? '000002' : '000001';
      await new Promise((r) => setTimeout(r, 2100)); // the cool-down
      // The mail server holds the resend at its recipient, then refuses it.
      let release!: () => void;
      const held = new Promise<void>((r) => (release = r));
      let reached = false;
      mail.rcptHook = async (to) => {
        if (to !== address.toLowerCase()) return;
        reached = true;
        await held;
        return 550;
      };
      try {
        const resend = a.gql(Q.sendCode);
        await expect.poll(() => reached, { interval: 20 }).toBe(true);
        // Meanwhile the new code (stored before it is sent) takes the five wrong tries a code has.
        for (let i = 0; i < 5; i++) {
          expect((await a.gql(Q.verify, { i: { method: 'EMAIL', code: bad } })).data!['verifySecondFactor'].code).toBe(
            'CODE_INVALID',
          );
        }
        release();
        expect((await resend).data!['sendEmailCode']).toMatchObject({ code: 'MAIL_FAILED' });
      } finally {
        release();
        mail.rcptHook = undefined;
      }
      // The code in the inbox is back, with those tries counted: dead, not five fresh ones.
      expect((await a.gql(Q.verify, { i: { method: 'EMAIL', code: delivered } })).data!['verifySecondFactor']).toMatchObject({
        code: 'TOO_MANY_ATTEMPTS',
        reason: 'CODE_DEAD',
      });
      expect((await a.gql(Q.me)).data!['me']).toBeNull();
    });

    it('a first code the mail server refused leaves no code behind: a guess finds none to try', async () => {
      const { a, address } = await signInAtSecondStepWithEmailCodes();
      await refusedSend(a, address);
      expect((await a.gql(Q.verify, { i: { method: 'EMAIL', code: '000001' } })).data!['verifySecondFactor']).toMatchObject({
        code: 'NO_CODE_SENT',
      });
      const since = mail.count();
      expect((await a.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      const code = await mail.codeFor(address, since);
      expect((await a.gql(Q.verify, { i: { method: 'EMAIL', code } })).data!['verifySecondFactor'].__typename).toBe(
        'LoginSuccess',
      );
    });

    it('a setup restart that sent no code keeps the address the last code confirms; a first start that sent none leaves no setup', async () => {
      const addressOf = async (id: string) =>
        (await db.query(`select address from email_factor where account_id = $1`, [id])).map((r) => r['address']);
      // The mail server refuses the new address: the first address and its code stand.
      const u = await newUser();
      const first = uniqueEmail('first');
      let since = mail.count();
      expect((await u.client.gql(Q.startEmail, { a: first })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
      const firstCode = await mail.codeFor(first, since);
      await new Promise((r) => setTimeout(r, 2100)); // the cool-down
      const refused = uniqueEmail('refused');
      await refusedStart(u.client, refused);
      expect(await addressOf(u.id)).toEqual([first]);
      expect((await u.client.gql(Q.confirmEmail, { c: firstCode })).data!['confirmEmailEnrollment'].__typename).toBe(
        'TwoFactorEnabled',
      );
      expect(await addressOf(u.id)).toEqual([first]);

      // The setup's code died of five wrong tries: a restart with another address is refused, and changes nothing.
      const v = await newUser();
      since = mail.count();
      await v.client.gql(Q.startEmail, { a: first });
      const code = await mail.codeFor(first, since);
      const bad = code === '000001' ? '000002' : '000001';
      for (let i = 0; i < 5; i++) {
        expect((await v.client.gql(Q.confirmEmail, { c: bad })).data!['confirmEmailEnrollment'].code).toBe('CODE_INVALID');
      }
      await new Promise((r) => setTimeout(r, 2100));
      expect((await v.client.gql(Q.startEmail, { a: uniqueEmail('other') })).data!['startEmailEnrollment']).toMatchObject({
        code: 'TOO_MANY_ATTEMPTS',
        reason: 'CODE_DEAD',
      });
      expect(await addressOf(v.id)).toEqual([first]);

      // A first start whose code could not be sent leaves no setup in progress.
      const w = await newUser();
      await refusedStart(w.client, refused);
      expect(await addressOf(w.id)).toEqual([]);
    });

    it('of many guesses at once, only five are compared with a code', async () => {
      const { email, address } = await userWithEmailCodes();
      /** A pending sign-in with its e-mailed code, and a wrong one. */
      const pendingWithCode = async () => {
        const client = new GqlClient(server.url);
        await loginStep(client, email);
        const since = mail.count();
        await client.gql(Q.sendCode);
        const code = await mail.codeFor(address, since);
        return { client, code, wrong: code === '000001' ? '000002' : '000001' };
      };
      const codesOf = (answers: { data?: Record<string, { code?: string }> | null }[]) =>
        answers.map((r) => r.data!['verifySecondFactor']!.code);
      const a = await pendingWithCode();
      const got = codesOf(
        await Promise.all(Array.from({ length: 20 }, () => a.client.gql(Q.verify, { i: { method: 'EMAIL', code: a.wrong } }))),
      );
      expect(got.filter((c) => c === 'CODE_INVALID')).toHaveLength(5);
      expect(got.filter((c) => c === 'TOO_MANY_ATTEMPTS')).toHaveLength(15);
      // The code is dead, right or not.
      const dead = await a.client.gql(Q.verify, { i: { method: 'EMAIL', code: a.code } });
      expect(dead.data!['verifySecondFactor']).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });

      // The same with every guess having read the code's tries (none used yet) before any is counted:
      // held at the code's row until all of them wait there, then let go.
      const b = await pendingWithCode();
      const held = codesOf(
        await inLockOrder(
          db,
          [
            `select 1 from email_code e join account a on a.id = e.account_id
              where a.email = $1 and e.purpose = 'LOGIN' and e.failures = 0 for update of e`,
            [email],
          ],
          Array.from({ length: 8 }, () => () => b.client.gql(Q.verify, { i: { method: 'EMAIL', code: b.wrong } })),
          { waitingOn: 'update email_code set failures = failures + 1' },
        ),
      );
      expect(held.filter((c) => c === 'CODE_INVALID')).toHaveLength(5);
      expect(held.filter((c) => c === 'TOO_MANY_ATTEMPTS')).toHaveLength(3);
    });

    it('is off for admins and sub-admins unless the setting allows it, with the reason in the schema', async () => {
      const {
        client: sub,
        email: subEmail,
        id: subId,
      } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: [] });
      const refused = await sub.gql(Q.startEmail, { a: uniqueEmail('staff') });
      expect(codes(refused)).toEqual(['METHOD_NOT_ALLOWED']);
      expect((await sub.gql(Q.status)).data!['myTwoFactor'].allowedMethods).toEqual(['TOTP', 'WEBAUTHN']);
      const s = await admin.gql(`{ twoFactorSettings { emailForStaff } }`);
      expect(s.data!['twoFactorSettings'].emailForStaff).toBe(false);
      // Allowing e-mail codes for staff weakens their second step: a fresh confirmation first.
      const EMAIL_FOR_STAFF = `mutation { updateTwoFactorSettings(input: { emailForStaff: true }) { emailForStaff } }`;
      expect(codes(await admin.gql(EMAIL_FOR_STAFF))).toEqual(['REAUTH_REQUIRED']);
      expect((await admin.gql(`{ twoFactorSettings { emailForStaff } }`)).data!['twoFactorSettings'].emailForStaff).toBe(false);
      await reauthenticate(admin);
      await admin.gql(EMAIL_FOR_STAFF);
      const address = uniqueEmail('staff');
      let since = mail.count();
      const allowed = await sub.gql(Q.startEmail, { a: address });
      expect(allowed.data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
      const setupCode = await mail.codeFor(address, since);
      expect((await sub.gql(Q.confirmEmail, { c: setupCode })).data!['confirmEmailEnrollment'].__typename).toBe(
        'TwoFactorEnabled',
      );
      // A sign-in that got its code while they were allowed...
      const pending = new GqlClient(server.url);
      expect((await loginStep(pending, subEmail)).methods).toContain('EMAIL');
      since = mail.count();
      expect((await pending.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      const code = await mail.codeFor(address, since);
      await admin.gql(`mutation { updateTwoFactorSettings(input: { emailForStaff: false }) { emailForStaff } }`);
      // ...cannot finish with it once they are not, nor have another sent.
      since = mail.count();
      const late = await pending.gql(Q.verify, { i: { method: 'EMAIL', code } });
      expect(late.data!['verifySecondFactor'].__typename, JSON.stringify(late)).not.toBe('LoginSuccess');
      expect((await pending.gql(Q.me)).data!['me']).toBeNull();
      expect((await pending.gql(Q.sendCode)).data!['sendEmailCode'].__typename).not.toBe('EmailCodeSent');
      // A new sign-in is not offered e-mail codes, and none is sent when asked for; nor to the staff
      // member's full session (a re-authentication).
      const next = new GqlClient(server.url);
      expect((await loginStep(next, subEmail)).methods).not.toContain('EMAIL');
      expect((await next.gql(Q.sendCode)).data!['sendEmailCode']).toMatchObject({ code: 'METHOD_NOT_SET_UP' });
      expect((await sub.gql(Q.sendCode)).data!['sendEmailCode']).toMatchObject({ code: 'METHOD_NOT_SET_UP' });
      expect(mail.messages.slice(since).filter((m) => m.to.includes(address))).toEqual([]);
      expect(
        await db.query(`select 1 from email_code where account_id = $1 and purpose = 'LOGIN' and used_at is not null`, [subId]),
      ).toEqual([]);
    });

    it('an e-mailed code is good for ten minutes, at setup and at sign-in', async () => {
      const { client, email, id } = await newUser();
      const address = uniqueEmail('ttl');
      const lifetimes = async (purpose: string) =>
        db.query<{ lifetime: number; left: number }>(
          `select extract(epoch from expires_at - sent_at)::float8 as lifetime, extract(epoch from expires_at - now())::float8 as left
             from email_code where account_id = $1 and purpose = $2`,
          [id, purpose],
        );
      const aboutTenMinutes = (rows: { lifetime: number; left: number }[]) => {
        expect(rows).toHaveLength(1);
        expect(Math.abs(rows[0]!.lifetime - 600), JSON.stringify(rows)).toBeLessThanOrEqual(1);
        expect(rows[0]!.left, JSON.stringify(rows)).toBeGreaterThan(590);
        expect(rows[0]!.left, JSON.stringify(rows)).toBeLessThanOrEqual(601);
      };
      let since = mail.count();
      expect((await client.gql(Q.startEmail, { a: address })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
      aboutTenMinutes(await lifetimes('ENROLL'));
      const enrollCode = await mail.codeFor(address, since);
      expect((await client.gql(Q.confirmEmail, { c: enrollCode })).data!['confirmEmailEnrollment'].__typename).toBe(
        'TwoFactorEnabled',
      );

      const pending = new GqlClient(server.url);
      expect((await loginStep(pending, email)).methods).toContain('EMAIL');
      since = mail.count();
      expect((await pending.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      aboutTenMinutes(await lifetimes('LOGIN'));
      await mail.codeFor(address, since);
    });

    it('an e-mail setup that was never confirmed leaves sign-in as it was (no second step owed)', async () => {
      const { client, email, id } = await newUser();
      const address = uniqueEmail('unconfirmed');
      const since = mail.count();
      expect((await client.gql(Q.startEmail, { a: address })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
      await mail.codeFor(address, since);
      expect(await db.query(`select status, address from email_factor where account_id = $1`, [id])).toEqual([
        { status: 'PENDING', address },
      ]);
      const c = new GqlClient(server.url);
      expect(await loginStep(c, email)).toMatchObject({ typename: 'LoginSuccess' });
      expect((await c.gql(Q.me)).data!['me']).toEqual({ id, email });
      expect((await c.gql(Q.status)).data!['myTwoFactor']).toMatchObject({
        enabled: false,
        methods: [],
        emailAddress: null,
        recoveryCodesRemaining: 0,
      });
      // No code can be asked for a sign-in: the address is not a method yet.
      expect((await c.gql(Q.sendCode)).data!['sendEmailCode']).toMatchObject({ code: 'METHOD_NOT_SET_UP' });
    });
    it('a sign-in code mailed to an address the holder has since given up signs nobody in', async () => {
      const { client, email, id } = await newUser();
      const oldAddress = uniqueEmail('given-up');
      let since = mail.count();
      await client.gql(Q.startEmail, { a: oldAddress });
      const enabled = (await client.gql(Q.confirmEmail, { c: await mail.codeFor(oldAddress, since) })).data![
        'confirmEmailEnrollment'
      ];
      expect(enabled.__typename).toBe('TwoFactorEnabled');
      // Someone with the password and the old mailbox starts a sign-in and gets its code…
      const intruder = new GqlClient(server.url);
      expect((await loginStep(intruder, email)).methods).toContain('EMAIL');
      since = mail.count();
      expect((await intruder.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      const stolen = await mail.codeFor(oldAddress, since);
      const [mailed] = await db.query(`select * from email_code where account_id = $1 and purpose = 'LOGIN'`, [id]);
      // …while the holder moves to a new address (re-authentication, removal, a new setup).
      const re = await client.gql(Q.reauth, {
        i: { password: PASSWORD, secondFactor: { method: 'RECOVERY_CODE', code: enabled.recoveryCodes[0] } },
      });
      expect(re.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
      expect((await client.gql(Q.disableEmail)).data!['disableEmailFactor']).toBe(true);
      const newAddress = uniqueEmail('new-home');
      // (Past the setup's cool-down.)
      await db.query(
        `update email_code set sent_at = sent_at - interval '1 minute' where account_id = $1 and purpose = 'ENROLL'`,
        [id],
      );
      since = mail.count();
      await client.gql(Q.startEmail, { a: newAddress });
      expect(
        (await client.gql(Q.confirmEmail, { c: await mail.codeFor(newAddress, since) })).data!['confirmEmailEnrollment']
          .__typename,
      ).toBe('TwoFactorEnabled');
      // The code was deleted with the method…
      const r = await intruder.gql(Q.verify, { i: { method: 'EMAIL', code: stolen } });
      expect(r.data!['verifySecondFactor'], JSON.stringify(r)).toMatchObject({
        __typename: 'TwoFactorError',
        code: 'NO_CODE_SENT',
      });
      // …and one that outlived the removal (a send racing it) is bound to the address it went to.
      await db.query(
        `insert into email_code (id, account_id, purpose, session_id, code_hash, sent_at, expires_at, failures, used_at)
         values ($1, $2, $3, $4, $5, now() - interval '1 minute', $6, $7, $8)`,
        [
          mailed!['id'],
          id,
          'LOGIN',
          mailed!['session_id'],
          mailed!['code_hash'],
          mailed!['expires_at'],
          mailed!['failures'],
          null,
        ],
      );
      const raced = await intruder.gql(Q.verify, { i: { method: 'EMAIL', code: stolen } });
      expect(raced.data!['verifySecondFactor'], JSON.stringify(raced)).toMatchObject({
        __typename: 'TwoFactorError',
        code: 'CODE_INVALID',
      });
      expect((await intruder.gql(Q.me)).data?.['me']).toBeFalsy();
      // A code sent now goes to the new address, and works.
      since = mail.count();
      expect((await intruder.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      const fresh = await mail.codeFor(newAddress, since);
      expect(mail.messages.slice(since).flatMap((m) => m.to)).not.toContain(oldAddress);
      expect((await intruder.gql(Q.verify, { i: { method: 'EMAIL', code: fresh } })).data!['verifySecondFactor'].__typename).toBe(
        'LoginSuccess',
      );
    });

    it('a sign-in whose code is dead and whose code e-mails are spent is told the later of the two times', async () => {
      const { a, id } = await atSecondStepWithCodeSent();
      // The code died of wrong tries: a new one can come 15 minutes after it was sent.
      await db.query(`update email_code set failures = 5 where account_id = $1 and purpose = 'LOGIN'`, [id]);
      const [{ sent_at: sentAt }] = (await db.query(
        `select sent_at from email_code where account_id = $1 and purpose = 'LOGIN'`,
        [id],
      )) as [{ sent_at: Date }];
      // The account's budget of code e-mails (ten per window) is spent too, and gives way first.
      const spendMail = (startedAgo: string) =>
        db.query(
          `insert into failure_counter (key, count, window_start) values ($1, 10, now() - $2::interval)
           on conflict (key) do update set count = 10, window_start = excluded.window_start`,
          [`mail:${id}`, startedAgo],
        );
      await spendMail('10 minutes');
      const first = (await a.gql(Q.sendCode)).data!['sendEmailCode'];
      expect(first).toMatchObject({ __typename: 'TwoFactorError', code: 'TOO_MANY_ATTEMPTS', reason: 'CODE_DEAD' });
      expect(Date.parse(first.retryAfter) - sentAt.getTime()).toBe(900_000);
      // The budget giving way last: said as the budget.
      await spendMail('0 minutes');
      const second = (await a.gql(Q.sendCode)).data!['sendEmailCode'];
      expect(second).toMatchObject({ __typename: 'TwoFactorError', code: 'TOO_MANY_ATTEMPTS', reason: 'CODES_EMAILED' });
      expect(Date.parse(second.retryAfter)).toBeGreaterThan(Date.parse(first.retryAfter));
    });

    it('a re-authentication code dead of five wrong tries is replaced only once the attempt window is over', async () => {
      const { client, id } = await newUser();
      const address = uniqueEmail('reauth-tries');
      let since = mail.count();
      await client.gql(Q.startEmail, { a: address });
      await client.gql(Q.confirmEmail, { c: await mail.codeFor(address, since) });
      since = mail.count();
      expect((await client.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      const code = await mail.codeFor(address, since);
      const bad = code === '000000' ? '111111' : '000000';
      const reauth = (c: string) =>
        client.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'EMAIL', code: c } } });
      for (let i = 0; i < 5; i++) expect((await reauth(bad)).data!['reauthenticate'].code).toBe('CODE_INVALID');
      expect((await reauth(code)).data!['reauthenticate'].code).toBe('TOO_MANY_ATTEMPTS');
      // Past the cool-down a new code is still refused, with the time it can be asked for (the window, 900 s).
      await db.query(`update email_code set sent_at = sent_at - interval '5 seconds' where account_id = $1`, [id]);
      const early = (await client.gql(Q.sendCode)).data!['sendEmailCode'];
      expect(early).toMatchObject({ __typename: 'TwoFactorError', code: 'TOO_MANY_ATTEMPTS', reason: 'CODE_DEAD' });
      const [{ sent_at: sentAt }] = (await db.query(
        `select sent_at from email_code where account_id = $1 and purpose = 'LOGIN'`,
        [id],
      )) as [{ sent_at: Date }];
      expect(Date.parse(early.retryAfter) - sentAt.getTime()).toBe(900_000);
      // Once the window is over, a new code comes with five fresh tries, and it works.
      await db.query(`update email_code set sent_at = sent_at - interval '15 minutes' where account_id = $1`, [id]);
      since = mail.count();
      expect((await client.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      const next = await mail.codeFor(address, since);
      expect((await reauth(next === '000000' ? '111111' : '000000')).data!['reauthenticate'].code).toBe('CODE_INVALID');
      expect((await reauth(next)).data!['reauthenticate'].__typename).toBe('ReauthSuccess');
    });
  });

  describe('recovery codes and re-authentication', () => {
    it('two first methods set up at the same moment (two tabs) show one set of recovery codes, and it works', async () => {
      const { client, email, id } = await newUser();
      const { secret } = (await client.gql(Q.startTotp)).data!['startTotpEnrollment'];
      const since = mail.count();
      const address = uniqueEmail('tabs');
      expect((await client.gql(Q.startEmail, { a: address })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
      const emailCode = await mail.codeFor(address, since);
      await awayFromStepEdge();
      // Both confirmations done, both wait to read how many recovery codes there are (none yet).
      const [app, mailed] = await inLockOrder(
        db,
        ['lock table recovery_code in access exclusive mode'],
        [() => client.gql(Q.confirmTotp, { c: totp(secret, 0) }), () => client.gql(Q.confirmEmail, { c: emailCode })],
      );
      const shown = [app!.data!['confirmTotpEnrollment'], mailed!.data!['confirmEmailEnrollment']];
      expect(shown.map((r) => r.__typename)).toEqual(['TwoFactorEnabled', 'TwoFactorEnabled']);
      const sets = shown.map((r) => r.recoveryCodes as string[] | null).filter((c) => c !== null);
      expect(sets).toHaveLength(1);
      expect(sets[0]).toHaveLength(10);
      expect(await db.query(`select count(*)::int as n from recovery_code where account_id = $1`, [id])).toEqual([{ n: 10 }]);
      expect((await oneRequest(email, 'RECOVERY_CODE', sets[0]![0]!)).login.__typename).toBe('LoginSuccess');
    });

    it('changing your own password needs a re-authentication, refuses weak or unchanged ones, and signs the other sessions out', async () => {
      const { client: mine, email, id } = await newUser();
      const { secret } = await enrollTotp(mine);
      await awayFromStepEdge();
      const other = await loginWithTotp(server, email, secret, 0);
      const CHANGE = `mutation($p: String!) { changePassword(newPassword: $p) }`;
      const hash = async () => (await db.query(`select hash from account_password where account_id = $1`, [id]))[0]!['hash'];
      const before = await hash();
      const NEW = 'a brand new passphrase 42';
      expect(codes(await mine.gql(CHANGE, { p: NEW }))).toEqual(['REAUTH_REQUIRED']);
      const re = await mine.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 1) } } });
      expect(re.data!['reauthenticate'].__typename, JSON.stringify(re)).toBe('ReauthSuccess');
      for (const [p, reason] of [
        ['short', 'PASSWORD_TOO_SHORT'],
        [PASSWORD, 'SAME_AS_CURRENT'],
      ] as const) {
        const bad = await mine.gql(CHANGE, { p });
        expect(codes(bad)).toEqual(['BAD_USER_INPUT']);
        expect(bad.errors![0]!.extensions!['fields']).toEqual([expect.objectContaining({ field: 'newPassword', reason })]);
      }
      expect(await hash()).toBe(before);
      expect((await other.gql(Q.me)).data!['me']).toMatchObject({ id });

      const since = mail.count();
      const changed = await mine.gql(CHANGE, { p: NEW });
      expect(changed.data).toEqual({ changePassword: 1 });
      // This session goes on; the other one is signed out; only the new password signs in.
      expect((await mine.gql(Q.me)).data!['me']).toMatchObject({ id });
      expect((await other.gql(Q.me)).data!['me']).toBeNull();
      const oldPw = await new GqlClient(server.url).gql(LOGIN, { input: { email, password: PASSWORD } });
      expect(oldPw.data!['login'].__typename).toBe('InvalidCredentialsError');
      const newPw = await new GqlClient(server.url).gql(LOGIN, { input: { email, password: NEW } });
      expect(newPw.data!['login'].__typename).toBe('SecondFactorRequired');
      await mail.waitFor(email, (m) => /password was changed/i.test(m.subject), since);
      const audit = await db.query(
        `select actor_id, details from audit_log where target_id = $1 and action = 'PASSWORD_CHANGED'`,
        [id],
      );
      expect(audit).toEqual([{ actor_id: id, details: { sessionsRevoked: 1 } }]);
    });

    /** The owner, with an app, re-authenticated for a password change; `liveSessions` counts theirs by stage. */
    async function ownerReadyToChange() {
      const user = await newUser();
      await reauthenticate(user.client);
      const { secret } = await enrollTotp(user.client);
      const liveSessions = async () =>
        db.query<{ stage: string; n: number }>(
          `select stage, count(*)::int as n from session where account_id = $1 and revoked_at is null and expires_at > now()
            group by stage order by stage`,
          [user.id],
        );
      return { ...user, secret, liveSessions };
    }
    const CHANGE_PASSWORD = `mutation($p: String!) { changePassword(newPassword: $p) }`;

    it('a sign-in that checked the old password while it was being changed starts no session (password and code in one request)', async () => {
      const owner = await ownerReadyToChange();
      await awayFromStepEdge();
      // The intruder's sign-in has checked the old password and waits at the app code's replay guard
      // while the owner changes the password, which revokes every other session.
      const [intruder] = await inLockOrder(
        db,
        [`select 1 from totp_authenticator where account_id = $1 for update`, [owner.id]],
        [() => oneRequest(owner.email, 'TOTP', totp(owner.secret, 0))],
        {
          waitingOn: 'totp_attempt',
          meanwhile: async () => {
            const changed = await owner.client.gql(CHANGE_PASSWORD, { p: 'a brand new passphrase 43' });
            expect(changed.data, JSON.stringify(changed.errors)).toEqual({ changePassword: 0 });
          },
        },
      );
      expect(intruder!.login.__typename).toBe('InvalidCredentialsError');
      expect((await intruder!.client.gql(Q.me)).data!['me']).toBeNull();
      // Only the owner's own session is live.
      expect(await owner.liveSessions()).toEqual([{ stage: 'FULL', n: 1 }]);
    });

    it('a pending sign-in that checked the old password cannot finish once the password was changed (two steps)', async () => {
      const owner = await ownerReadyToChange();
      const client = new GqlClient(server.url);
      expect((await loginStep(client, owner.email)).typename).toBe('SecondFactorRequired');
      await awayFromStepEdge();
      // The second step has passed its session check and waits at the app code's replay guard while the
      // owner changes the password (nothing of the pending sign-in is stored for the change to revoke).
      const [second] = await inLockOrder(
        db,
        [`select 1 from totp_authenticator where account_id = $1 for update`, [owner.id]],
        [() => client.gql(Q.verify, { i: { method: 'TOTP', code: totp(owner.secret, 0) } })],
        {
          waitingOn: 'totp_attempt',
          meanwhile: async () => {
            const changed = await owner.client.gql(CHANGE_PASSWORD, { p: 'a brand new passphrase 44' });
            expect(changed.data, JSON.stringify(changed.errors)).toEqual({ changePassword: 0 });
          },
        },
      );
      expect(second!.data?.['verifySecondFactor'], JSON.stringify(second)).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect((await client.gql(Q.pending)).data?.['pendingSignIn']).toBeFalsy();
      expect(await owner.liveSessions()).toEqual([{ stage: 'FULL', n: 1 }]);
      // Asked again with the next code, the pending sign-in is gone.
      const again = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(owner.secret, 1) } });
      expect(again.errors?.[0]?.extensions?.['code'], JSON.stringify(again)).toBe('UNAUTHENTICATED');
      expect(await owner.liveSessions()).toEqual([{ stage: 'FULL', n: 1 }]);
    });

    it('two recovery codes used at the same moment: each e-mail and audit entry counts the codes left after its own use', async () => {
      const { client: one, email, id } = await newUser();
      const { secret, recoveryCodes } = await enrollTotp(one);
      await awayFromStepEdge();
      const two = await loginWithTotp(server, email, secret, 0);
      const since = mail.count();
      // Both re-authentications claim their code while the audit log is held: without a turn per
      // account, each counts the other's code as unused still.
      const answers = await inLockOrder(
        db,
        ['lock table audit_log in share mode'],
        [one, two].map(
          (c, i) => () =>
            c.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'RECOVERY_CODE', code: recoveryCodes[i] } } }),
        ),
      );
      for (const r of answers) expect(r.data!['reauthenticate'].__typename, JSON.stringify(r)).toBe('ReauthSuccess');
      const audited = await db.query<{ remaining: number }>(
        `select (details->>'remaining')::int as remaining from audit_log where target_id = $1 and action = 'RECOVERY_CODE_USED' order by remaining`,
        [id],
      );
      expect(audited.map((a) => a.remaining)).toEqual([8, 9]);
      // The notices go out after the answers.
      const notices = () =>
        mail.messages.slice(since).filter((m) => m.to.includes(email.toLowerCase()) && /recovery code was used/i.test(m.subject));
      await expect.poll(() => notices().length).toBe(2);
      const counts = notices()
        .map((m) => Number(/(\d+) unused codes? remains?/.exec(MailSink.text(m))?.[1]))
        .sort();
      expect(counts).toEqual([8, 9]);
    });

    /** A new user with an authenticator app, re-authenticated with it just now. */
    async function userReauthenticatedWithApp() {
      const user = await newUser();
      const { secret } = await enrollTotp(user.client);
      await awayFromStepEdge();
      const reauth = await user.client.gql(Q.reauth, {
        i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } },
      });
      expect(reauth.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
      return { ...user, secret };
    }

    it('regenerating recovery codes while the last method is removed leaves no codes behind: METHOD_NOT_SET_UP, nothing written', async () => {
      const { client, id } = await userReauthenticatedWithApp();
      const generated = async () =>
        (
          await db.query(
            `select count(*)::int as n from audit_log where target_id = $1 and action = 'RECOVERY_CODES_GENERATED'`,
            [id],
          )
        )[0]!['n'] as number;
      const before = await generated();
      // Both find the app there and wait for the lock on the account's factors: the removal gets it first.
      const [removed, regenerated] = await inLockOrder(
        db,
        [`select pg_advisory_xact_lock(hashtext($1))`, [`two_factor_methods:${id}`]],
        [() => client.gql(Q.disableTotp), () => client.gql(Q.recovery)],
        { waitingOn: 'pg_advisory_xact_lock' },
      );
      expect(removed!.data?.['disableTotp'], JSON.stringify(removed)).toBe(true);
      expect(codes(regenerated!), JSON.stringify(regenerated)).toEqual(['METHOD_NOT_SET_UP']);
      // No set backs up nothing: none stored, none audited as made.
      expect(await db.query(`select 1 from recovery_code where account_id = $1`, [id])).toEqual([]);
      expect(await generated()).toBe(before);
      expect((await client.gql(Q.status)).data!['myTwoFactor'].recoveryCodesRemaining).toBe(0);
    });

    it('two regenerations of recovery codes at once leave one set of ten: the codes of the one that finished first are void', async () => {
      const { client, id } = await userReauthenticatedWithApp();
      // Both reach the set in force (its rows held here) before either replaces it.
      const [a, b] = await inLockOrder(
        db,
        [`select 1 from recovery_code where account_id = $1 for update`, [id]],
        [() => client.gql(Q.recovery), () => client.gql(Q.recovery)],
      );
      const sets = [a!, b!].map((r) => r.data!['generateRecoveryCodes'].codes as string[]);
      expect(sets.map((c) => c.length)).toEqual([10, 10]);
      expect(
        await db.query(`select count(*)::int as n from recovery_code where account_id = $1 and used_at is null`, [id]),
      ).toEqual([{ n: 10 }]);
      // Exactly one of the two sets works.
      const works = async (code: string) => {
        const c = new GqlClient(server.url);
        expect(
          (await loginStep(c, (await db.query(`select email from account where id = $1`, [id]))[0]!['email'] as string)).typename,
        ).toBe('SecondFactorRequired');
        return (
          (await c.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code } })).data!['verifySecondFactor'].__typename ===
          'LoginSuccess'
        );
      };
      expect([await works(sets[0]![0]!), await works(sets[1]![0]!)].sort()).toEqual([false, true]);
    });

    it('a recovery code signs in once, e-mails the holder, and regenerating needs re-authentication and replaces the set', async () => {
      const { client: setupClient, email, id } = await newUser();
      const { secret, recoveryCodes } = await enrollTotp(setupClient);
      const [first, second] = recoveryCodes;

      const a = new GqlClient(server.url);
      await loginStep(a, email);
      const since = mail.count();
      // Typed in lower case without the dash: still accepted.
      const used = await a.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: first!.toLowerCase().replace('-', '') } });
      expect(used.data!['verifySecondFactor'].__typename).toBe('LoginSuccess');
      await mail.waitFor(email, (m) => /recovery code was used/i.test(m.subject), since);
      expect((await a.gql(Q.status)).data!['myTwoFactor'].recoveryCodesRemaining).toBe(9);

      const b = new GqlClient(server.url);
      await loginStep(b, email);
      expect((await b.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: first } })).data!['verifySecondFactor'].code).toBe(
        'CODE_INVALID',
      );

      expect(codes(await a.gql(Q.recovery))).toEqual(['REAUTH_REQUIRED']);
      const noFactor = await a.gql(Q.reauth, { i: { password: PASSWORD } });
      expect(noFactor.data!['reauthenticate'].code).toBe('SECOND_FACTOR_REQUIRED');
      const wrongPw = await a.gql(Q.reauth, {
        i: { password: 'wrong password entirely', secondFactor: { method: 'TOTP', code: totp(secret) } },
      });
      expect(wrongPw.data!['reauthenticate'].code).toBe('INVALID_CREDENTIALS');
      await awayFromStepEdge();
      const reauth = await a.gql(Q.reauth, {
        i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } },
      });
      expect(reauth.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
      const regenerated = await a.gql(Q.recovery);
      const fresh = regenerated.data!['generateRecoveryCodes'].codes as string[];
      expect(fresh).toHaveLength(10);
      expect(fresh).not.toContain(second);
      const stored = await db.query(`select code_hash from recovery_code where account_id = $1`, [id]);
      expect(stored).toHaveLength(10);
      expect(stored.some((r) => fresh.includes(r['code_hash']))).toBe(false);
      // Stored hashed (HMAC-SHA-256 in hex), never as the code in any spelling a holder may type.
      const typed = fresh.map((c) => c.replace(/[^A-Z0-9]/gi, '').toUpperCase());
      for (const { code_hash: hash } of stored) {
        expect(hash).toMatch(/^[0-9a-f]{64}$/);
        expect(typed.some((c) => hash.toUpperCase().includes(c))).toBe(false);
      }

      const c = new GqlClient(server.url);
      await loginStep(c, email);
      expect((await c.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: second } })).data!['verifySecondFactor'].code).toBe(
        'CODE_INVALID',
      );
      expect(
        (await c.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: fresh[0] } })).data!['verifySecondFactor'].__typename,
      ).toBe('LoginSuccess');
      const audit = await db.query(`select action from audit_log where target_id = $1 order by id`, [id]);
      expect(audit.map((r) => r['action'])).toEqual(
        expect.arrayContaining(['TWO_FACTOR_ENABLED', 'RECOVERY_CODES_GENERATED', 'RECOVERY_CODE_USED']),
      );
    });

    it('a recovery code that confirmed a re-authentication is used up: it neither re-authenticates again nor signs in, and one used at sign-in does not re-authenticate', async () => {
      const { client, email, id } = await newUser();
      const { recoveryCodes } = await enrollTotp(client);
      const [first, second] = recoveryCodes;
      const reauthWith = (c: GqlClient, code: string) =>
        c
          .gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'RECOVERY_CODE', code } } })
          .then((r) => r.data!['reauthenticate']);
      const usedAt = async () =>
        (
          await db.query<{ used_at: Date }>(`select used_at from recovery_code where account_id = $1 and used_at is not null`, [
            id,
          ])
        ).map((r) => r.used_at.toISOString());

      expect(await reauthWith(client, first!)).toMatchObject({ __typename: 'ReauthSuccess' });
      const spent = await usedAt();
      expect(spent).toHaveLength(1);
      await db.query(`update session set reauth_at = null where account_id = $1`, [id]);
      expect(await reauthWith(client, first!)).toMatchObject({ __typename: 'TwoFactorError', code: 'CODE_INVALID' });
      expect(await db.query(`select 1 from session where account_id = $1 and reauth_at is not null`, [id])).toEqual([]);
      // Not used again: its time of use is the first one's.
      expect(await usedAt()).toEqual(spent);
      const pending = new GqlClient(server.url);
      expect((await loginStep(pending, email)).typename).toBe('SecondFactorRequired');
      expect(
        (await pending.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: first } })).data!['verifySecondFactor'],
      ).toMatchObject({ __typename: 'TwoFactorError', code: 'CODE_INVALID' });
      expect((await pending.gql(Q.me)).data!['me']).toBeNull();

      // The other way round: a code that signed in does not confirm a re-authentication afterwards.
      expect(
        (await pending.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: second } })).data!['verifySecondFactor'],
      ).toMatchObject({ __typename: 'LoginSuccess' });
      expect(await reauthWith(pending, second!)).toMatchObject({ __typename: 'TwoFactorError', code: 'CODE_INVALID' });
      expect(await db.query(`select 1 from session where account_id = $1 and reauth_at is not null`, [id])).toEqual([]);
      expect(await usedRecoveryCodes(id)).toBe(2);
    });

    it('a removal that fails half way is not reported to the holder as done', async () => {
      const { client: setupClient, email, id } = await newUser();
      const { secret } = await enrollTotp(setupClient);
      await mail.waitFor(email, (m) => /method was added/i.test(m.subject));
      await awayFromStepEdge();
      const client = await loginWithTotp(server, email, secret, 0);
      await awayFromStepEdge();
      const r = await client.gql(Q.reauth, {
        i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 1) } },
      });
      expect(r.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
      const since = mail.count();
      // The removal's last step (its recovery codes) is held on their rows, and cancelled there: rolled back.
      const [failed] = await inLockOrder(
        db,
        [`select id from recovery_code where account_id = $1 for update`, [id]],
        [() => client.gql(Q.disableTotp)],
        {
          waitingOn: 'recovery_code',
          meanwhile: (locker) =>
            locker.query(
              `select pg_cancel_backend(pid) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query like '%recovery_code%'`,
            ),
        },
      );
      expect(codes(failed!)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect((await client.gql(Q.status)).data!['myTwoFactor'].totpEnabled).toBe(true);
      // Removed for real now, then set up again: once both of those e-mails are in (each goes over a
      // connection of its own, in no set order), the real removal's is the only removal e-mail.
      expect((await client.gql(Q.disableTotp)).data!['disableTotp']).toBe(true);
      await mail.waitFor(email, (m) => /method was removed/i.test(m.subject), since);
      await enrollTotp(client);
      await mail.waitFor(email, (m) => /method was added/i.test(m.subject), since);
      expect(
        mail.messages.slice(since).filter((m) => m.to.includes(email) && /method was removed/i.test(m.subject)),
      ).toHaveLength(1);
    });

    it('disabling the app needs a fresh re-authentication; then sign-in is password-only again', async () => {
      const { client: setupClient, email } = await newUser();
      const { secret } = await enrollTotp(setupClient);
      await awayFromStepEdge();
      const client = await loginWithTotp(server, email, secret, 0);
      expect(codes(await client.gql(Q.disableTotp))).toEqual(['REAUTH_REQUIRED']);
      expect((await client.gql(Q.status)).data!['myTwoFactor'].totpEnabled).toBe(true);
      await awayFromStepEdge();
      const r = await client.gql(Q.reauth, {
        i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 1) } },
      });
      expect(r.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
      const since = mail.count();
      expect((await client.gql(Q.disableTotp)).data!['disableTotp']).toBe(true);
      await mail.waitFor(email, (m) => /method was removed/i.test(m.subject), since);
      // The last method went, so the recovery codes went with it.
      expect((await client.gql(Q.status)).data!['myTwoFactor']).toMatchObject({ enabled: false, recoveryCodesRemaining: 0 });
      expect((await loginStep(new GqlClient(server.url), email)).typename).toBe('LoginSuccess');
      expect(codes(await client.gql(Q.disableTotp))).toEqual(['NOT_FOUND']);
    });

    it('adding a method in a session signed in longer ago than REAUTH_SECONDS needs a re-authentication first', async () => {
      // Someone at an unlocked computer, or holding a copied cookie, must not tie the account to their
      // own phone, inbox or key: its holder would be locked out at the next sign-in.
      const { client, id } = await newUser();
      await db.query(`update session set created_at = now() - interval '10 minutes' where account_id = $1`, [id]);
      const WEBAUTHN = `mutation($n: String!) { webauthnRegistrationOptions(name: $n) }`;
      // Until the server has heard of it (its cache of the session row follows the announcement). The
      // probe starts nothing: its address is refused once the session's age has been checked.
      await expect
        .poll(async () => codes(await client.gql(Q.startEmail, { a: 'not an address' })), { interval: 20 })
        .toEqual(['REAUTH_REQUIRED']);
      expect(codes(await client.gql(Q.startTotp))).toEqual(['REAUTH_REQUIRED']);
      expect(codes(await client.gql(Q.startEmail, { a: uniqueEmail('inbox') }))).toEqual(['REAUTH_REQUIRED']);
      expect(codes(await client.gql(WEBAUTHN, { n: 'Taker key' }))).toEqual(['REAUTH_REQUIRED']);
      // Nothing was begun: no secret, no address waiting for its code, no challenge.
      const begun = await db.query(
        `select (select count(*) from totp_authenticator where account_id = $1)
              + (select count(*) from email_factor where account_id = $1)
              + (select count(*) from webauthn_challenge where account_id = $1) as n`,
        [id],
      );
      expect(Number(begun[0]!['n'])).toBe(0);
      // The holder confirms it is them: the set-up goes ahead in the same session.
      await reauthenticate(client);
      await enrollTotp(client);
      expect((await client.gql(Q.status)).data!['myTwoFactor'].totpEnabled).toBe(true);
    });

    it('a re-authentication expires after REAUTH_SECONDS', async () => {
      const { client, id } = await newUser();
      const re = await client.gql(Q.reauth, { i: { password: PASSWORD } });
      expect(re.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
      // Inside the window the change gets past the check (and finds no e-mail factor to remove).
      expect(codes(await client.gql(Q.disableEmail))).toEqual(['NOT_FOUND']);
      await db.query(
        `update session set reauth_at = now() - interval '10 minutes' where account_id = $1 and reauth_at is not null`,
        [id],
      );
      // The server hears of the SQL change by its announcement (its cache of the session row).
      await expect.poll(async () => codes(await client.gql(Q.disableEmail)), { interval: 20 }).toEqual(['REAUTH_REQUIRED']);
    });

    it('a re-authentication holds for the session that made it, not for the account’s other sessions', async () => {
      const { client: setup, email } = await newUser();
      const { secret, recoveryCodes } = await enrollTotp(setup);
      await awayFromStepEdge();
      const laptop = await loginWithTotp(server, email, secret, 0);
      const phone = await loginWithTotp(server, email, secret, 1);
      const r = await laptop.gql(Q.reauth, {
        i: { password: PASSWORD, secondFactor: { method: 'RECOVERY_CODE', code: recoveryCodes[0] } },
      });
      expect(r.data!['reauthenticate'].__typename, JSON.stringify(r)).toBe('ReauthSuccess');
      // The other session (someone at the other computer) still has to confirm it is them.
      expect(codes(await phone.gql(Q.disableTotp))).toEqual(['REAUTH_REQUIRED']);
      expect((await phone.gql(Q.status)).data!['myTwoFactor'].totpEnabled).toBe(true);
      expect((await laptop.gql(Q.disableTotp)).data!['disableTotp']).toBe(true);
    });

    it('an e-mailed code asked for at sign-in, left unused, does not confirm a re-authentication in the session the sign-in became', async () => {
      const { client: setup, email } = await newUser();
      const { secret } = await enrollTotp(setup);
      const address = uniqueEmail('reauth');
      let since = mail.count();
      expect((await setup.gql(Q.startEmail, { a: address })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
      const setupCode = await mail.codeFor(address, since);
      expect((await setup.gql(Q.confirmEmail, { c: setupCode })).data!['confirmEmailEnrollment'].__typename).toBe(
        'TwoFactorEnabled',
      );
      // A sign-in asks for an e-mailed code, then finishes with the app instead...
      const client = new GqlClient(server.url);
      expect((await loginStep(client, email)).methods).toEqual(expect.arrayContaining(['EMAIL', 'TOTP']));
      since = mail.count();
      expect((await client.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      const code = await mail.codeFor(address, since);
      await awayFromStepEdge();
      const done = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
      expect(done.data!['verifySecondFactor'].__typename, JSON.stringify(done)).toBe('LoginSuccess');
      // ...and that code was for the sign-in: it does not confirm the full session's re-authentication.
      const r = await client.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'EMAIL', code } } });
      expect(r.data!['reauthenticate'].__typename, JSON.stringify(r)).toBe('TwoFactorError');
      expect(codes(await client.gql(Q.disableEmail))).toEqual(['REAUTH_REQUIRED']);
    });

    it('a re-authentication stamped ahead of the server’s clock (another instance’s clock, a clock stepped back) is not fresh beyond a minute of difference', async () => {
      const { client, id } = await newUser();
      const re = await client.gql(Q.reauth, { i: { password: PASSWORD } });
      expect(re.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
      const stamp = (ahead: string) =>
        db.query(`update session set reauth_at = now() + $2::interval where account_id = $1 and reauth_at is not null`, [
          id,
          ahead,
        ]);
      // Ten minutes ahead: it would stay fresh for fifteen.
      await stamp('10 minutes');
      await expect.poll(async () => codes(await client.gql(Q.disableEmail)), { interval: 20 }).toEqual(['REAUTH_REQUIRED']);
      // Twenty seconds ahead: clocks a little apart, fresh.
      await stamp('20 seconds');
      await expect.poll(async () => codes(await client.gql(Q.disableEmail)), { interval: 20 }).toEqual(['NOT_FOUND']);
    });
  });

  describe('policies', () => {
    /**
     * An admin with an authenticator app, for switching a staff policy on: one without a usable factor
     * may not (ENROLL_YOURSELF_FIRST). It confirms it is itself with its recovery codes, one each time.
     * Switching the policy on signs out the first admin (it has no factor): `restore` switches it off
     * and signs the first admin in again (re-authenticated).
     */
    async function policyAdmin() {
      const a = await createAccount(server, admin, { role: 'ADMIN' });
      const { recoveryCodes } = await enrollTotp(a.client);
      const reauth = async () => {
        const r = await a.client.gql(Q.reauth, {
          i: { password: PASSWORD, secondFactor: { method: 'RECOVERY_CODE', code: recoveryCodes.pop()! } },
        });
        expect(r.data!['reauthenticate'].__typename, JSON.stringify(r)).toBe('ReauthSuccess');
      };
      const restore = async (settings: Record<string, unknown>) => {
        await reauth();
        const r = await a.client.gql(`mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { enabled } }`, {
          i: settings,
        });
        expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
        // Signed in again, and re-authenticated, as the tests before left it.
        await login(admin, adminEmail);
        await reauthenticate(admin);
      };
      return { ...a, reauth, restore };
    }

    it('switching 2FA off system-wide, or no longer requiring it of staff, needs a fresh re-authentication', async () => {
      const p = await policyAdmin();
      const fresh = p.client;
      const SETTINGS = `{ twoFactorSettings { enabled requiredForStaff } }`;
      const UPDATE = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { enabled requiredForStaff } }`;
      // Strengthening needs none.
      expect((await fresh.gql(UPDATE, { i: { requiredForStaff: true } })).data!['updateTwoFactorSettings']).toEqual({
        enabled: true,
        requiredForStaff: true,
      });
      try {
        for (const weaker of [{ requiredForStaff: false }, { enabled: false }]) {
          expect(codes(await fresh.gql(UPDATE, { i: weaker })), JSON.stringify(weaker)).toEqual(['REAUTH_REQUIRED']);
          expect((await fresh.gql(SETTINGS)).data!['twoFactorSettings']).toEqual({ enabled: true, requiredForStaff: true });
        }
        await p.reauth();
        expect((await fresh.gql(UPDATE, { i: { requiredForStaff: false } })).data!['updateTwoFactorSettings']).toEqual({
          enabled: true,
          requiredForStaff: false,
        });
      } finally {
        await p.restore({ requiredForStaff: false, enabled: true });
      }
    });

    it('a policy is in force at once: live sessions that owe an enrollment end; whoever switches it on must hold a factor', async () => {
      const MARK = `mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { requiresTwoFactor } }`;
      const STAFF_POLICY = `mutation { updateTwoFactorSettings(input: { requiredForStaff: true }) { requiredForStaff } }`;
      const signedIn = async (c: GqlClient) => (await c.gql(Q.me)).data!['me'] !== null;
      // A user without a factor is signed out by the mark (and led through enrollment at the next
      // sign-in); one with an app keeps its session.
      const bare = await newUser();
      const withApp = await newUser();
      await enrollTotp(withApp.client);
      for (const u of [bare, withApp]) expect((await admin.gql(MARK, { id: u.id })).errors).toBeUndefined();
      expect(await signedIn(bare.client)).toBe(false);
      expect(await signedIn(withApp.client)).toBe(true);
      expect((await loginStep(new GqlClient(server.url), bare.email)).typename).toBe('TwoFactorEnrollmentRequired');
      const [marked] = await db.query(
        `select details from audit_log where action = 'REQUIRES_TWO_FACTOR_CHANGED' and target_id = $1`,
        [bare.id],
      );
      expect(marked!['details']).toEqual({ required: true, sessionsEnded: 1 });

      // Staff: the first admin holds no factor, so it may not put the policy on itself; nothing changes.
      const staff = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_AUDIT_LOG'] });
      expect(codes(await admin.gql(STAFF_POLICY))).toEqual(['ENROLL_YOURSELF_FIRST']);
      // Also when the same change weakens something (e-mail codes allowed for staff, which needs a fresh
      // confirmation that it is you): the refusal comes first, not a confirmation that would lead to it.
      await staleReauth(db, admin, adminId);
      expect(
        codes(
          await admin.gql(
            `mutation { updateTwoFactorSettings(input: { requiredForStaff: true, emailForStaff: true }) { requiredForStaff } }`,
          ),
        ),
      ).toEqual(['ENROLL_YOURSELF_FIRST']);
      await reauthenticate(admin);
      // Its preview refuses it alike (the dashboard then asks nothing).
      expect(
        codes(
          await admin.gql(`query($i: TwoFactorSettingsInput!) { twoFactorSettingsImpact(input: $i) { accountsSignedOut } }`, {
            i: { requiredForStaff: true },
          }),
        ),
      ).toEqual(['ENROLL_YOURSELF_FIRST']);
      expect((await admin.gql(`{ twoFactorSettings { requiredForStaff } }`)).data!['twoFactorSettings']).toEqual({
        requiredForStaff: false,
      });
      expect(await signedIn(staff.client)).toBe(true);
      // An admin with an app may: the staff without a factor are signed out at once, the first admin too.
      const p = await policyAdmin();
      try {
        expect((await p.client.gql(STAFF_POLICY)).data!['updateTwoFactorSettings']).toEqual({ requiredForStaff: true });
        expect(await signedIn(staff.client)).toBe(false);
        expect(await signedIn(admin)).toBe(false);
        expect(await signedIn(p.client)).toBe(true);
        expect((await loginStep(new GqlClient(server.url), staff.email)).typename).toBe('TwoFactorEnrollmentRequired');
        expect(
          await db.query(
            `select distinct revoked_reason from session where account_id = any($1::uuid[]) and revoked_at is not null`,
            [[staff.id, bare.id]],
          ),
        ).toEqual([{ revoked_reason: 'TWO_FACTOR_REQUIRED' }]);
      } finally {
        await p.restore({ requiredForStaff: false });
      }
      expect(await signedIn(admin)).toBe(true);
    });

    it('what a settings change would do is told before it is saved (as the save then does it), and asking changes nothing', async () => {
      const IMPACT = `query($i: TwoFactorSettingsInput!) { twoFactorSettingsImpact(input: $i) {
        accountsNewlyRequired staffNewlyRequired accountsSignedOut sessionsEnded } }`;
      const signedIn = async (c: GqlClient) => (await c.gql(Q.me)).data!['me'] !== null;
      const p = await policyAdmin();
      type Impact = Record<'accountsNewlyRequired' | 'staffNewlyRequired' | 'accountsSignedOut' | 'sessionsEnded', number>;
      const impact = async (i: Record<string, unknown>): Promise<Impact> => {
        const r = await p.client.gql(IMPACT, { i });
        expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
        return r.data!['twoFactorSettingsImpact'] as Impact;
      };
      const minus = (a: Impact, b: Impact) =>
        Object.fromEntries(Object.entries(a).map(([k, v]) => [k, v - b[k as keyof Impact]])) as Impact;
      const staffOn = { requiredForStaff: true };
      const staffOnWithEmail = { requiredForStaff: true, emailForStaff: true };
      // The accounts the tests before left (the first admin without a factor among them), then these:
      const baseline = { strict: await impact(staffOn), withEmail: await impact(staffOnWithEmail) };
      // a sub-admin without a method signed in twice, one signed out, one with an app, one whose only
      // method is e-mail codes (not for staff by default), and a user (no staff policy covers it).
      // (The first admin re-authenticated: creating staff then signs it in nowhere else.)
      await reauthenticate(admin);
      const sub = () => createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_AUDIT_LOG'] });
      const twice = await sub();
      await login(new GqlClient(server.url), twice.email);
      const away = await sub();
      expect((await away.client.gql(`mutation { logout }`)).errors).toBeUndefined();
      await enrollTotp((await sub()).client);
      const emailOnly = await sub();
      await db.query(
        `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
         values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
        [emailOnly.id, uniqueEmail('codes')],
      );
      await newUser();
      const strict = await impact(staffOn);
      expect(minus(strict, baseline.strict)).toEqual({
        accountsNewlyRequired: 3,
        staffNewlyRequired: 3,
        accountsSignedOut: 2,
        sessionsEnded: 3,
      });
      // With e-mail codes allowed for staff in the same change, the e-mail holder owes nothing.
      expect(minus(await impact(staffOnWithEmail), baseline.withEmail)).toEqual({
        accountsNewlyRequired: 2,
        staffNewlyRequired: 2,
        accountsSignedOut: 1,
        sessionsEnded: 2,
      });
      // Asking changed nothing.
      expect((await p.client.gql(`{ twoFactorSettings { requiredForStaff } }`)).data!['twoFactorSettings']).toEqual({
        requiredForStaff: false,
      });
      for (const c of [twice.client, emailOnly.client]) expect(await signedIn(c)).toBe(true);
      // A refused input is refused here too.
      expect(codes(await p.client.gql(IMPACT, { i: { issuer: 'x'.repeat(65) } }))).toEqual(['BAD_USER_INPUT']);

      // The save does what was told: the sessions it ends, their accounts, and the accounts it leads
      // through enrollment (their session epoch moved).
      const epochs = async () =>
        new Map(
          (await db.query<{ id: string; role: string; e: string }>(`select id, role, session_epoch::text as e from account`)).map(
            (r) => [r.id, r],
          ),
        );
      const [{ t0 }] = (await db.query<{ t0: Date }>(`select clock_timestamp() as t0`)) as [{ t0: Date }];
      const epochsBefore = await epochs();
      try {
        expect(
          (await p.client.gql(`mutation { updateTwoFactorSettings(input: { requiredForStaff: true }) { requiredForStaff } }`))
            .errors,
        ).toBeUndefined();
        const ended = await db.query<{ account_id: string }>(
          `select account_id from session where revoked_reason = 'TWO_FACTOR_REQUIRED' and revoked_at >= $1`,
          [t0],
        );
        const moved = [...(await epochs()).values()].filter((r) => epochsBefore.get(r.id)?.e !== r.e);
        expect({
          accountsNewlyRequired: moved.length,
          staffNewlyRequired: moved.filter((r) => r.role !== 'USER').length,
          accountsSignedOut: new Set(ended.map((r) => r.account_id)).size,
          sessionsEnded: ended.length,
        }).toEqual(strict);
        expect(moved.map((r) => r.id)).toEqual(expect.arrayContaining([twice.id, away.id, emailOnly.id]));
      } finally {
        await p.restore({ requiredForStaff: false });
      }
    });

    it('turning e-mail codes off for staff counts the staff it leaves with only recovery codes (required of them or not), and those with none', async () => {
      const IMPACT = `query($i: TwoFactorSettingsInput!) { twoFactorSettingsImpact(input: $i) {
        accountsSignedOut staffLeftWithoutUsableFactor staffWithoutRecoveryCode } }`;
      const p = await policyAdmin();
      const impact = async () => {
        const r = await p.client.gql(IMPACT, { i: { emailForStaff: false } });
        expect(r.errors, JSON.stringify(r.errors)).toBeUndefined();
        return r.data!['twoFactorSettingsImpact'] as Record<
          'accountsSignedOut' | 'staffLeftWithoutUsableFactor' | 'staffWithoutRecoveryCode',
          number
        >;
      };
      // While e-mail codes are refused from staff already, refusing them changes nothing.
      expect(await impact()).toMatchObject({ staffLeftWithoutUsableFactor: 0, staffWithoutRecoveryCode: 0 });
      await p.restore({ emailForStaff: true });
      try {
        const baseline = await impact();
        // Two sub-admins with e-mail codes only (one keeps a recovery code). Not counted: one with an app
        // too, one with a security key too, a disabled one (it cannot sign in), and a user (e-mail codes
        // stay theirs).
        const sub = () => createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_AUDIT_LOG'] });
        const [withCode, without, withApp, withKey, disabled] = [await sub(), await sub(), await sub(), await sub(), await sub()];
        const user = await createAccount(server, admin, { role: 'USER' });
        await enrollTotp(withApp.client);
        await db.query(
          `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at)
           values (gen_random_uuid(), $1::uuid, 'cred-' || $1::text, 'pk', 7, '[]', 'Key', now())`,
          [withKey.id],
        );
        await db.query(`update account set disabled_at = now() where id = $1`, [disabled.id]);
        for (const a of [withCode, without, withApp, withKey, disabled, user])
          await db.query(
            `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
             values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
            [a.id, uniqueEmail('codes')],
          );
        await db.query(
          `insert into recovery_code (id, account_id, code_hash, created_at) values (gen_random_uuid(), $1, 'x', now())`,
          [withCode.id],
        );
        const after = await impact();
        expect(after.staffLeftWithoutUsableFactor - baseline.staffLeftWithoutUsableFactor).toBe(2);
        expect(after.staffWithoutRecoveryCode - baseline.staffWithoutRecoveryCode).toBe(1);
        // Not required of staff: nobody is signed out for it.
        expect(after.accountsSignedOut).toBe(baseline.accountsSignedOut);
        // The save does what was counted: those two are then asked for a recovery code, or refused.
        await p.restore({ emailForStaff: false });
        const step = async (email: string) => {
          const r = await new GqlClient(server.url).gql(
            `mutation($i: LoginInput!) { login(input: $i) { __typename ... on SecondFactorRequired { methods } ... on ErrorResult { code } } }`,
            { i: { email, password: PASSWORD } },
          );
          return r.data!['login'] as Record<string, unknown>;
        };
        expect(await step(withCode.email)).toEqual({ __typename: 'SecondFactorRequired', methods: ['RECOVERY_CODE'] });
        expect(await step(without.email)).toEqual({ __typename: 'TwoFactorError', code: 'SECOND_FACTOR_UNAVAILABLE' });
      } finally {
        await p.restore({ emailForStaff: false });
      }
    });

    it('a user marked requiresTwoFactor is led through enrollment and can do nothing else until done', async () => {
      const { id, email } = await newUser();
      const mark = await admin.gql(
        `mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { accountId requiresTwoFactor account { id requiresTwoFactor } } }`,
        { id },
      );
      expect(mark.data!['setRequiresTwoFactor']).toEqual({
        accountId: id,
        requiresTwoFactor: true,
        account: { id, requiresTwoFactor: true },
      });

      const client = new GqlClient(server.url);
      const first = await loginStep(client, email);
      expect(first).toMatchObject({ typename: 'TwoFactorEnrollmentRequired', allowedMethods: ['TOTP', 'EMAIL', 'WEBAUTHN'] });
      expect((await client.gql(Q.me)).data!['me']).toBeNull();
      expect(codes(await client.gql(`{ mySessions { id } }`))).toEqual(['UNAUTHENTICATED']);
      expect(codes(await client.gql(`{ myLoginEvents { totalCount } }`))).toEqual(['UNAUTHENTICATED']);
      expect((await client.gql(Q.pending)).data!['pendingSignIn']).toMatchObject({ stage: 'ENROLLMENT_REQUIRED' });
      expect((await client.gql(Q.status)).data!['myTwoFactor']).toMatchObject({ required: true, enabled: false });

      const start = await client.gql(Q.startTotp);
      const secret = start.data!['startTotpEnrollment'].secret.replace(/ /g, '');
      await awayFromStepEdge();
      const done = await client.gql(Q.confirmTotp, { c: totp(secret, -1) });
      expect(done.data!['confirmTotpEnrollment']).toMatchObject({ __typename: 'TwoFactorEnabled', signedIn: true });
      expect(done.data!['confirmTotpEnrollment'].recoveryCodes).toHaveLength(10);
      expect((await client.gql(Q.me)).data!['me']).toMatchObject({ id });
      const events = await db.query(`select outcome from login_event where account_id = $1 order by id`, [id]);
      expect(events.map((e) => e['outcome']).slice(-2)).toEqual(['SECOND_FACTOR_REQUIRED', 'SUCCESS']);
    });

    it('an integrator marks a user by e-mail address (what it knows); the mark is audited; bad input changes nothing', async () => {
      const { id, email } = await newUser();
      const { client: integrator } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['REPORT_LOGINS'] });
      const MARK_BY = `mutation($e: String, $id: ID, $r: Boolean!) { setRequiresTwoFactor(email: $e, accountId: $id, required: $r) { accountId requiresTwoFactor account { name lastLoginAt } } }`;
      const marked = await integrator.gql(MARK_BY, { e: `  ${email.toUpperCase()} `, r: true });
      // The integrator learns the mark, not the user's own data (name, sign-in times).
      expect(marked.data?.['setRequiresTwoFactor']).toEqual({ accountId: id, requiresTwoFactor: true, account: null });
      expect((await loginStep(new GqlClient(server.url), email)).typename).toBe('TwoFactorEnrollmentRequired');
      // Setting what is set already writes nothing.
      await integrator.gql(MARK_BY, { e: email, r: true });
      expect(await auditCount(id, 'REQUIRES_TWO_FACTOR_CHANGED')).toBe(1);

      for (const [vars, code] of [
        [{ e: email, id, r: false }, 'BAD_USER_INPUT'],
        [{ r: false }, 'BAD_USER_INPUT'],
        [{ e: 'not-an-address', r: false }, 'BAD_USER_INPUT'],
        [{ e: 'nobody@example.test', r: false }, 'NOT_FOUND'],
        // Staff answer as unknown addresses do, by address: nothing to learn about who they are.
        [{ e: adminEmail, r: true }, 'NOT_FOUND'],
        // And by id to an integration that does not manage users: as an unknown id does.
        [{ id: adminId, r: true }, 'NOT_FOUND'],
        [{ id: randomUUID(), r: true }, 'NOT_FOUND'],
      ] as const) {
        expect(codes(await integrator.gql(MARK_BY, vars)), JSON.stringify(vars)).toEqual([code]);
      }
      expect((await db.query(`select requires_two_factor from account where id = $1`, [id]))[0]).toEqual({
        requires_two_factor: true,
      });
      expect(await auditCount(id, 'REQUIRES_TWO_FACTOR_CHANGED')).toBe(1);
      const { client: user } = await newUser();
      expect(codes(await user.gql(MARK_BY, { e: email, r: false }))).toEqual(['FORBIDDEN']);
      // Who manages users knows the staff: named by id, one is said not to be a user.
      const byAdmin = await admin.gql(MARK_BY, { id: adminId, r: true });
      expect(byAdmin.errors?.[0]?.extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        fields: [{ field: 'accountId', reason: 'NOT_A_USER' }],
      });
      expect((await db.query(`select requires_two_factor from account where id = $1`, [adminId]))[0]).toEqual({
        requires_two_factor: false,
      });
    });

    it('"required for staff" holds sub-admins at enrollment; the compliance report counts it', async () => {
      const { email, id } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_AUDIT_LOG'] });
      // An integration (API-only) and a disabled sub-admin will never be led through enrollment.
      // (Making an API-only account needs a recent re-authentication.)
      await reauthenticate(admin);
      const integration = await admin.gql(CREATE_ACCOUNT, {
        input: { email: uniqueEmail('api'), name: 'mx', role: 'SUB_ADMIN', permissions: ['REPORT_LOGINS'], apiOnly: true },
      });
      expect(integration.errors, JSON.stringify(integration.errors)).toBeUndefined();
      const integrationId = integration.data!['createAccount'].account.id as string;
      const { id: disabledId } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_AUDIT_LOG'] });
      await admin.gql(`mutation($id: ID!) { setAccountDisabled(id: $id, disabled: true) { id } }`, { id: disabledId });
      const p = await policyAdmin();
      const on = await p.client.gql(
        `mutation { updateTwoFactorSettings(input: { requiredForStaff: true }) { requiredForStaff } }`,
      );
      expect(on.errors, JSON.stringify(on.errors)).toBeUndefined();
      try {
        const c = new GqlClient(server.url);
        expect((await loginStep(c, email)).typename).toBe('TwoFactorEnrollmentRequired');
        const report = await p.client.gql(
          `query($w: Boolean) { twoFactorCompliance(withoutTwoFactor: $w, page: { limit: 200 }) { total withTwoFactor withoutTwoFactor requiredButMissing rows { account { id } role enabled methods required } } }`,
          { w: true },
        );
        const r = report.data!['twoFactorCompliance'];
        expect(r.total).toBe(r.withTwoFactor + r.withoutTwoFactor);
        expect(r.rows.every((row: { enabled: boolean }) => !row.enabled)).toBe(true);
        expect(r.rows).toContainEqual({ account: { id }, role: 'SUB_ADMIN', enabled: false, methods: [], required: true });
        for (const other of [integrationId, disabledId]) {
          expect(r.rows).toContainEqual({
            account: { id: other },
            role: 'SUB_ADMIN',
            enabled: false,
            methods: [],
            required: false,
          });
        }
        // Those holding no factor at all (one that holds only factors sign-in refuses is never led through setup).
        const holdsNone = `not exists (select 1 from totp_authenticator t where t.account_id = a.id and t.status = 'ACTIVE')
              and not exists (select 1 from webauthn_credential w where w.account_id = a.id)
              and not exists (select 1 from email_factor e where e.account_id = a.id and e.status = 'ACTIVE')`;
        const [missing] = (await db.query(
          `select count(*)::int as n from account a where a.role <> 'USER' and not a.api_only and a.disabled_at is null and ${holdsNone}`,
        )) as { n: number }[];
        expect(r.requiredButMissing).toBe(
          missing!.n +
            (
              await db.query(
                `select count(*)::int as n from account a where a.role = 'USER' and a.requires_two_factor and a.disabled_at is null and ${holdsNone}`,
              )
            )[0]!['n'],
        );
        expect(r.requiredButMissing).toBeGreaterThanOrEqual(2); // the sub-admin and the first admin
        const [count] = (await db.query(`select count(*)::int as n from account`)) as { n: number }[];
        expect(r.total).toBe(count!.n);
        const all = await p.client.gql(
          `{ twoFactorCompliance(page: { limit: 200 }) { rows { account { id } enabled methods } } }`,
        );
        const withTotp = await db.query(`select account_id from totp_authenticator where status = 'ACTIVE'`);
        for (const row of withTotp)
          expect(all.data!['twoFactorCompliance'].rows).toContainEqual({
            account: { id: row['account_id'] },
            enabled: true,
            methods: expect.arrayContaining(['TOTP']),
          });
        // The account's own 2FA card: an API-only account is never led through enrollment (as in the
        // report); a disabled one shows what applies once it is enabled again (the report, what applies now).
        const requiredOf = async (accountId: string) =>
          (await p.client.gql(`query($id: ID!) { accountTwoFactor(accountId: $id) { required } }`, { id: accountId })).data![
            'accountTwoFactor'
          ].required as boolean;
        expect(await requiredOf(id)).toBe(true);
        expect(await requiredOf(integrationId)).toBe(false);
        expect(await requiredOf(disabledId)).toBe(true);
      } finally {
        await p.restore({ requiredForStaff: false });
      }
    });

    it('under "required for staff", e-mail codes staff may not use are not the method kept', async () => {
      const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { emailForStaff requiredForStaff } }`;
      let policy: Awaited<ReturnType<typeof policyAdmin>> | undefined;
      await reauthenticate(admin);
      expect((await admin.gql(SET, { i: { emailForStaff: true } })).errors).toBeUndefined();
      try {
        const staff = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['READ_AUDIT_LOG'] });
        const { secret } = await enrollTotp(staff.client);
        const address = uniqueEmail('staff-codes');
        const since = mail.count();
        await staff.client.gql(Q.startEmail, { a: address });
        expect(
          (await staff.client.gql(Q.confirmEmail, { c: await mail.codeFor(address, since) })).data!['confirmEmailEnrollment']
            .__typename,
        ).toBe('TwoFactorEnabled');
        // Then e-mail codes are no longer accepted from staff, and staff must use 2FA.
        const p = await policyAdmin();
        policy = p;
        expect((await p.client.gql(SET, { i: { emailForStaff: false, requiredForStaff: true } })).errors).toBeUndefined();
        await awayFromStepEdge();
        const re = await staff.client.gql(Q.reauth, {
          i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } },
        });
        expect(re.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
        // The app is the only method that can sign this account in: it stays.
        expect(codes(await staff.client.gql(Q.disableTotp))).toEqual(['LAST_METHOD_REQUIRED']);
        expect((await staff.client.gql(Q.status)).data!['myTwoFactor'].totpEnabled).toBe(true);
        expect((await loginStep(new GqlClient(server.url), staff.email)).methods).toContain('TOTP');
      } finally {
        if (policy) await policy.restore({ emailForStaff: false, requiredForStaff: false });
        else {
          await reauthenticate(admin);
          await admin.gql(SET, { i: { emailForStaff: false, requiredForStaff: false } });
        }
      }
    });

    it('2FA switched off system-wide: no second step, no enrollment', async () => {
      const { client: setupClient, email } = await newUser();
      await enrollTotp(setupClient);
      await reauthenticate(admin);
      await admin.gql(`mutation { updateTwoFactorSettings(input: { enabled: false }) { enabled } }`);
      try {
        expect((await loginStep(new GqlClient(server.url), email)).typename).toBe('LoginSuccess');
        const { client, id } = await newUser();
        expect(codes(await client.gql(Q.startTotp))).toEqual(['TWO_FACTOR_DISABLED']);
        expect(await db.query(`select id from totp_authenticator where account_id = $1`, [id])).toEqual([]);
      } finally {
        await admin.gql(`mutation { updateTwoFactorSettings(input: { enabled: true }) { enabled } }`);
      }
      expect((await loginStep(new GqlClient(server.url), email)).typename).toBe('SecondFactorRequired');
    });
  });

  describe('lost device: admin reset', () => {
    const RESET = `mutation($id: ID!) { resetTwoFactor(accountId: $id) { __typename ... on TwoFactorResetDone { account { id } } ... on TwoFactorResetPending { requestId code } } }`;
    const APPROVE = `mutation($id: ID!) { approveTwoFactorReset(requestId: $id) { __typename ... on TwoFactorResetDone { account { id } } } }`;

    async function reauthAdmin(client: GqlClient): Promise<void> {
      const r = await client.gql(Q.reauth, { i: { password: PASSWORD } });
      expect(r.data!['reauthenticate'].__typename, JSON.stringify(r)).toBe('ReauthSuccess');
    }

    /** The first admin has been one for a day (so that it may ask where another must approve), also when a test runs alone. */
    const firstAdminOfADay = () =>
      db.query(`update account set created_at = least(created_at, now() - interval '25 hours') where id = $1`, [adminId]);

    it('resets a user: needs re-authentication, revokes the sessions, e-mails the holder, audits', async () => {
      const { client: userClient, email, id } = await newUser();
      const { secret } = await enrollTotp(userClient);
      await awayFromStepEdge();
      const signedIn = await loginWithTotp(server, email, secret, 0);
      // Someone at the second step meanwhile (their password was right): the reset ends that too.
      const waiting = new GqlClient(server.url);
      expect((await loginStep(waiting, email)).typename).toBe('SecondFactorRequired');
      // A fresh session of the admin's (earlier tests re-authenticated the old one).
      await login(admin, adminEmail);
      expect(codes(await admin.gql(RESET, { id }))).toEqual(['REAUTH_REQUIRED']);
      // Refused: the factors and the sessions are as they were.
      expect(await db.query(`select status from totp_authenticator where account_id = $1`, [id])).toEqual([{ status: 'ACTIVE' }]);
      expect((await signedIn.gql(Q.me)).data!['me']).toMatchObject({ id });
      expect(await auditCount(id, 'TWO_FACTOR_RESET')).toBe(0);
      await reauthAdmin(admin);
      expect(codes(await admin.gql(RESET, { id: 'not-an-id' }))).toEqual(['BAD_USER_INPUT']);
      const since = mail.count();
      const res = await admin.gql(RESET, { id });
      expect(res.data!['resetTwoFactor']).toEqual({ __typename: 'TwoFactorResetDone', account: { id } });
      expect((await signedIn.gql(Q.me)).data!['me']).toBeNull();
      expect((await waiting.gql(Q.pending)).data!['pendingSignIn']).toBeNull();
      await mail.waitFor(email, (m) => /two-factor authentication was reset/i.test(m.subject), since);
      expect((await loginStep(new GqlClient(server.url), email)).typename).toBe('LoginSuccess');
      const audit = await db.query(`select actor_id from audit_log where target_id = $1 and action = 'TWO_FACTOR_RESET'`, [id]);
      expect(audit).toEqual([{ actor_id: adminId }]);
      expect(codes(await admin.gql(RESET, { id: '00000000-0000-4000-8000-000000000000' }))).toEqual(['NOT_FOUND']);
      expect(codes(await admin.gql(RESET, { id: adminId }))).toEqual(['BAD_USER_INPUT']);
    });

    it('an account with nothing to reset is left alone: METHOD_NOT_SET_UP, its sessions and API tokens go on, nobody is asked or e-mailed', async () => {
      await reauthAdmin(admin);
      // An integration's API-only sub-admin (it has no second factor, and its tokens are its work).
      const integration = await createIntegration(admin, ['REPORT_LOGINS'], 'Billing');
      const api = await apiClientFor(server, admin, integration.id);
      const user = await newUser();
      const otherAdmin = await createAccount(server, admin, { role: 'ADMIN' });
      await db.query(`update account set created_at = created_at - interval '25 hours' where id = $1`, [adminId]);
      await reauthAdmin(admin);
      const since = mail.count();
      for (const target of [integration, user, otherAdmin]) {
        const res = await admin.gql(RESET, { id: target.id });
        expect(codes(res), target.email).toEqual(['METHOD_NOT_SET_UP']);
        expect(res.errors![0]!.message).toBe(
          'This account has no second factor, recovery code or second-step lock: there is nothing to reset.',
        );
      }
      expect((await api.gql(Q.me)).data!['me']).toMatchObject({ id: integration.id });
      expect((await user.client.gql(Q.me)).data!['me']).toMatchObject({ id: user.id });
      expect((await otherAdmin.client.gql(Q.me)).data!['me']).toMatchObject({ id: otherAdmin.id });
      expect(await db.query(`select 1 from two_factor_reset_request where target_id = $1`, [otherAdmin.id])).toEqual([]);
      for (const target of [integration, user, otherAdmin]) {
        expect(
          await db.query(`select action from audit_log where target_id = $1 and action like 'TWO_FACTOR_RESET%'`, [target.id]),
        ).toEqual([]);
      }
      await new Promise((r) => setTimeout(r, 500));
      // (Other admins hear of the new admin made above, before or after `since`: no reset's mail.)
      expect(
        mail.messages
          .slice(since)
          .filter(
            (m) =>
              /reset|approval/i.test(m.subject) ||
              [integration, user, otherAdmin].some((t) => m.to.includes(t.email.toLowerCase())),
          )
          .map((m) => m.subject),
      ).toEqual([]);
      // With a factor, the same reset goes ahead.
      await enrollTotp(user.client);
      expect((await admin.gql(RESET, { id: user.id })).data!['resetTwoFactor']).toEqual({
        __typename: 'TwoFactorResetDone',
        account: { id: user.id },
      });
    });

    it('a reset request whose admin removed every factor meanwhile has nothing left to approve: METHOD_NOT_SET_UP, and it is closed', async () => {
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      const second = await createAccount(server, admin, { role: 'ADMIN' });
      await db.query(`update account set created_at = created_at - interval '25 hours' where id = any($1)`, [
        [second.id, adminId],
      ]);
      const { secret } = await enrollTotp(target.client);
      await reauthAdmin(admin);
      const pending = (await admin.gql(RESET, { id: target.id })).data!['resetTwoFactor'];
      expect(pending).toMatchObject({ __typename: 'TwoFactorResetPending' });
      // The target removes its app itself (and with it its recovery codes).
      await awayFromStepEdge();
      await target.client.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } } });
      const removing = mail.count();
      expect((await target.client.gql(Q.disableTotp)).data).toEqual({ disableTotp: true });
      await mail.waitFor(target.email, (m) => /method was removed/.test(m.subject), removing);
      await reauthAdmin(second.client);
      const since = mail.count();
      expect(codes(await second.client.gql(APPROVE, { id: pending.requestId }))).toEqual(['METHOD_NOT_SET_UP']);
      expect((await target.client.gql(Q.me)).data!['me']).toMatchObject({ id: target.id });
      expect(await auditCount(target.id, 'TWO_FACTOR_RESET')).toBe(0);
      expect((await second.client.gql(`{ pendingTwoFactorResets { id } }`)).data!['pendingTwoFactorResets']).not.toContainEqual({
        id: pending.requestId,
      });
      await new Promise((r) => setTimeout(r, 300));
      expect(mail.messages.slice(since).filter((m) => m.to.includes(target.email.toLowerCase()))).toEqual([]);
    });

    it('two admins asking at once to reset a third admin make one request', async () => {
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      const second = await createAccount(server, admin, { role: 'ADMIN' });
      // Admins of more than a day each (only such an admin is a second opinion the other must wait for).
      await db.query(`update account set created_at = created_at - interval '25 hours' where id = any($1::uuid[])`, [
        [second.id, adminId],
      ]);
      await enrollTotp(target.client);
      await reauthAdmin(admin);
      await reauthAdmin(second.client);
      const answers = await inLockOrder(
        db,
        [`lock table two_factor_reset_request in exclusive mode`],
        [() => admin.gql(RESET, { id: target.id }), () => second.client.gql(RESET, { id: target.id })],
      );
      const ids = answers.map((a) => a.data!['resetTwoFactor'].requestId as string);
      expect(ids[0]).toBe(ids[1]);
      expect(await db.query(`select id from two_factor_reset_request where target_id = $1`, [target.id])).toEqual([
        { id: ids[0] },
      ]);
      expect(
        await db.query(
          `select count(*)::int as n from audit_log where action = 'TWO_FACTOR_RESET_REQUESTED' and target_id = $1`,
          [target.id],
        ),
      ).toEqual([{ n: 1 }]);
    });

    it('resetting an admin waits for a second admin, who is neither the requester nor the target', async () => {
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      const second = await createAccount(server, admin, { role: 'ADMIN' });
      // An admin of a day (one made just now, by the requester say, is no second opinion: below). The
      // requester is one too: its own approval is refused for asking, not for its age.
      await db.query(`update account set created_at = created_at - interval '25 hours' where id = any($1)`, [
        [second.id, adminId],
      ]);
      const made = mail.count();
      const puppet = await createAccount(server, admin, { role: 'ADMIN' });
      // Every new admin is announced to the other enabled admins (not to its maker, nor to itself).
      const announced = await mail.waitFor(second.email, (m) => m.subject.includes(puppet.email), made);
      expect(announced.subject).toBe(`A new admin account was created: ${puppet.email}`);
      expect(MailSink.text(announced)).toContain(`${server.url}/users/${puppet.id}`);
      await mail.waitFor(target.email, (m) => m.subject.includes(puppet.email), made);
      expect(
        mail.messages
          .slice(made)
          .filter((m) => m.subject.includes(puppet.email))
          .flatMap((m) => m.to),
      ).not.toContain(adminEmail);
      await enrollTotp(target.client);
      await reauthAdmin(admin);
      const since = mail.count();
      const res = await admin.gql(RESET, { id: target.id });
      const pending = res.data!['resetTwoFactor'];
      expect(pending).toMatchObject({ __typename: 'TwoFactorResetPending', code: 'APPROVAL_REQUIRED' });
      // The admins who could approve are told (not the requester, not the target, not the new admin).
      const asked = await mail.waitFor(second.email, (m) => /approval needed/i.test(m.subject), since);
      expect(MailSink.text(asked)).toContain(`${server.url}/security/two-factor`);
      expect(MailSink.text(asked)).toContain(target.email);
      const askedOf = mail.messages
        .slice(since)
        .filter((m) => /approval needed/i.test(m.subject))
        .flatMap((m) => m.to);
      expect(askedOf).not.toContain(target.email);
      expect(askedOf).not.toContain(adminEmail);
      expect(askedOf).not.toContain(puppet.email);
      expect((await target.client.gql(Q.status)).data!['myTwoFactor'].totpEnabled).toBe(true);

      const refusedFor = async (client: GqlClient) => {
        const res = await client.gql(APPROVE, { id: pending.requestId });
        expect(codes(res)).toEqual(['FORBIDDEN']);
        return res.errors![0]!.extensions!['reason'];
      };
      expect(await refusedFor(admin)).toBe('SECOND_ADMIN_ONLY');
      expect(await refusedFor(target.client)).toBe('SECOND_ADMIN_ONLY');
      // An admin made an hour, a minute, before the request cannot approve it (re-authenticated or not).
      await reauthAdmin(puppet.client);
      expect(await refusedFor(puppet.client)).toBe('APPROVER_TOO_NEW');
      expect((await target.client.gql(Q.status)).data!['myTwoFactor'].totpEnabled).toBe(true);
      const LIST = `{ pendingTwoFactorResets { id target { id } requestedBy { id } approvableByYou } }`;
      const list = await second.client.gql(LIST);
      expect(list.data!['pendingTwoFactorResets']).toContainEqual({
        id: pending.requestId,
        target: { id: target.id },
        requestedBy: { id: adminId },
        approvableByYou: true,
      });
      for (const [who, c] of [
        ['requester', admin],
        ['target', target.client],
        ['new admin', puppet.client],
      ] as const) {
        const mine = (await c.gql(LIST)).data!['pendingTwoFactorResets'].find((r: { id: string }) => r.id === pending.requestId);
        expect(mine?.approvableByYou, who).toBe(false);
      }
      expect(codes(await second.client.gql(APPROVE, { id: pending.requestId }))).toEqual(['REAUTH_REQUIRED']);
      await reauthAdmin(second.client);
      const done = await second.client.gql(APPROVE, { id: pending.requestId });
      expect(done.data!['approveTwoFactorReset']).toEqual({ __typename: 'TwoFactorResetDone', account: { id: target.id } });
      expect((await loginStep(new GqlClient(server.url), target.email)).typename).toBe('LoginSuccess');
      expect(codes(await second.client.gql(APPROVE, { id: pending.requestId }))).toEqual(['NOT_FOUND']);
      // Deleting the approver keeps the request's record (approved, by someone the audit log names).
      await reauthAdmin(admin);
      expect((await admin.gql(`mutation($id: ID!) { deleteAccount(id: $id) }`, { id: second.id })).errors).toBeUndefined();
      expect((await admin.gql(`mutation($id: ID!) { deleteAccount(id: $id) }`, { id: puppet.id })).errors).toBeUndefined();
      expect(
        await db.query(`select approved_at is not null as approved, approved_by_id from two_factor_reset_request where id = $1`, [
          pending.requestId,
        ]),
      ).toEqual([{ approved: true, approved_by_id: null }]);
    });

    it('only an admin of at least a day when the reset was asked for approves it: one of almost a day is refused', async () => {
      await firstAdminOfADay();
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      const almost = await createAccount(server, admin, { role: 'ADMIN' });
      const ofADay = await createAccount(server, admin, { role: 'ADMIN' });
      await db.query(`update account set created_at = created_at - interval '23 hours 50 minutes' where id = $1`, [almost.id]);
      await db.query(`update account set created_at = created_at - interval '24 hours 1 minute' where id = $1`, [ofADay.id]);
      await enrollTotp(target.client);
      await reauthAdmin(admin);
      const pending = (await admin.gql(RESET, { id: target.id })).data!['resetTwoFactor'];
      expect(pending).toMatchObject({ __typename: 'TwoFactorResetPending', code: 'APPROVAL_REQUIRED' });
      const LIST = `{ pendingTwoFactorResets { id approvableByYou } }`;
      const listedFor = async (c: GqlClient) =>
        (await c.gql(LIST)).data!['pendingTwoFactorResets'].find((r: { id: string }) => r.id === pending.requestId);

      // Re-authenticated, yet ten minutes short of a day: neither offered nor allowed to approve.
      await reauthAdmin(almost.client);
      expect(await listedFor(almost.client)).toEqual({ id: pending.requestId, approvableByYou: false });
      expect(codes(await almost.client.gql(APPROVE, { id: pending.requestId }))).toEqual(['FORBIDDEN']);
      expect((await target.client.gql(Q.status)).data!['myTwoFactor'].totpEnabled).toBe(true);
      expect(await auditCount(target.id, 'TWO_FACTOR_RESET')).toBe(0);
      expect(await db.query(`select approved_at from two_factor_reset_request where id = $1`, [pending.requestId])).toEqual([
        { approved_at: null },
      ]);

      // An admin of a day and a minute approves it.
      await reauthAdmin(ofADay.client);
      expect(await listedFor(ofADay.client)).toEqual({ id: pending.requestId, approvableByYou: true });
      expect((await ofADay.client.gql(APPROVE, { id: pending.requestId })).data!['approveTwoFactorReset']).toEqual({
        __typename: 'TwoFactorResetDone',
        account: { id: target.id },
      });
      expect(await db.query(`select 1 from totp_authenticator where account_id = $1`, [target.id])).toEqual([]);
    });

    it('a reset request lapses a day after it was asked for, as answered, listed and stored', async () => {
      await firstAdminOfADay();
      const target = await createAccount(server, admin, { role: 'ADMIN' });
      const second = await createAccount(server, admin, { role: 'ADMIN' });
      await db.query(`update account set created_at = created_at - interval '25 hours' where id = $1`, [second.id]);
      await enrollTotp(target.client);
      await reauthAdmin(admin);
      const before = Date.now();
      const res = await admin.gql(
        `mutation($id: ID!) { resetTwoFactor(accountId: $id) { __typename
          ... on TwoFactorResetPending { requestId expiresAt request { id createdAt expiresAt } } } }`,
        { id: target.id },
      );
      const after = Date.now();
      const pending = res.data!['resetTwoFactor'];
      expect(pending).toMatchObject({
        __typename: 'TwoFactorResetPending',
        request: { id: pending.requestId, expiresAt: pending.expiresAt },
      });
      const DAY = 24 * 3600_000;
      const expiresAt = Date.parse(pending.expiresAt);
      expect(expiresAt).toBeGreaterThanOrEqual(before + DAY - 1000);
      expect(expiresAt).toBeLessThanOrEqual(after + DAY + 1000);
      expect(Math.abs(expiresAt - Date.parse(pending.request.createdAt) - DAY)).toBeLessThan(5000);
      const listed = (await second.client.gql(`{ pendingTwoFactorResets { id expiresAt } }`)).data![
        'pendingTwoFactorResets'
      ].find((r: { id: string }) => r.id === pending.requestId);
      expect(listed).toEqual({ id: pending.requestId, expiresAt: pending.expiresAt });
      const [stored] = await db.query<{ lasts: number }>(
        `select extract(epoch from expires_at - created_at)::float8 as lasts from two_factor_reset_request where id = $1`,
        [pending.requestId],
      );
      expect(Math.abs(stored!.lasts - DAY / 1000)).toBeLessThan(5);
    });
  });

  describe('security keys over the API (a software key)', () => {
    const OPTIONS = `mutation($n: String!) { webauthnRegistrationOptions(name: $n) }`;
    const FINISH = `mutation($r: JSONObject!) { finishWebauthnRegistration(response: $r) { __typename
      ... on TwoFactorEnabled { method recoveryCodes } ... on ErrorResult { code } } }`;
    const RENAME = `mutation($id: ID!, $n: String!) { renameWebauthnCredential(id: $id, name: $n) { id name } }`;
    const REMOVE = `mutation($id: ID!) { removeWebauthnCredential(id: $id) }`;
    const AUTH_OPTIONS = `mutation { webauthnAuthenticationOptions }`;
    const keysOf = async (accountId: string) =>
      db.query(
        `select id, name, counter::int, flagged_at, last_used_at from webauthn_credential where account_id = $1 order by created_at`,
        [accountId],
      );
    const challengesOf = async (accountId: string) =>
      (await db.query(`select count(*)::int as n from webauthn_challenge where account_id = $1`, [accountId]))[0]!['n'] as number;

    /** Registers `key` for the signed-in `client` through the API, as the dashboard does. */
    async function register(client: GqlClient, key: SoftKey, name = 'Desk key') {
      const options = (await client.gql(OPTIONS, { n: name })).data!['webauthnRegistrationOptions'];
      return (await client.gql(FINISH, { r: key.registration(options) })).data!['finishWebauthnRegistration'];
    }
    /** Password, then the key, as a fresh client: the second step's answer. */
    async function signInWithKey(email: string, key: SoftKey) {
      const client = new GqlClient(server.url);
      expect((await loginStep(client, email)).methods).toContain('WEBAUTHN');
      const options = (await client.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
      const res = await client.gql(Q.verify, { i: { method: 'WEBAUTHN', webauthnResponse: key.assertion(options) } });
      return { client, result: res.data!['verifySecondFactor'] };
    }

    it('a sign-in has one live challenge: asked for again, also at the same moment, the last one asked stands', async () => {
      const user = await newUser();
      const key = new SoftKey(server.url);
      await register(user.client, key);
      const client = new GqlClient(server.url);
      expect((await loginStep(client, user.email)).methods).toContain('WEBAUTHN');
      await client.gql(AUTH_OPTIONS);
      const [sessionRow] = await db.query<{ session_id: string }>(
        `select session_id from webauthn_challenge where account_id = $1`,
        [user.id],
      );
      // Two more asked while the first is held: both wait on it, then go on one after the other.
      const [a, b] = await inLockOrder(
        db,
        ['select 1 from webauthn_challenge where session_id = $1 for update', [sessionRow!.session_id]],
        [() => client.gql(AUTH_OPTIONS), () => client.gql(AUTH_OPTIONS)],
        { waitingOn: 'webauthn_challenge' },
      );
      expect(await challengesOf(user.id)).toBe(1);
      const [live] = await db.query<{ challenge: string }>(`select challenge from webauthn_challenge where account_id = $1`, [
        user.id,
      ]);
      const options = [a, b].map((r) => r!.data!['webauthnAuthenticationOptions']);
      const standing = options.find((o) => o.challenge === live!.challenge);
      expect(standing).toBeDefined();
      const res = await client.gql(Q.verify, { i: { method: 'WEBAUTHN', webauthnResponse: key.assertion(standing) } });
      expect(res.data!['verifySecondFactor'].__typename, JSON.stringify(res)).toBe('LoginSuccess');
    });

    it('registers a key, signs in with it, renames it and removes it (re-authentication, bad input, other accounts’ keys)', async () => {
      const user = await newUser();
      const key = new SoftKey(server.url);
      const since = mail.count();
      const enabled = await register(user.client, key);
      expect(enabled).toMatchObject({ __typename: 'TwoFactorEnabled', method: 'WEBAUTHN' });
      expect(enabled.recoveryCodes).toHaveLength(10);
      await mail.waitFor(user.email, (m) => /security key or passkey was registered/i.test(m.subject), since);
      const [stored] = await keysOf(user.id);
      expect(stored).toMatchObject({ name: 'Desk key', counter: 0, flagged_at: null });

      const { client, result } = await signInWithKey(user.email, key);
      expect(result).toMatchObject({ __typename: 'LoginSuccess', account: { id: user.id } });
      expect((await keysOf(user.id))[0]).toMatchObject({ counter: 1 });
      expect((await keysOf(user.id))[0]!['last_used_at']).not.toBeNull();

      // Another account's key is not this account's: its assertion is refused.
      const other = await newUser();
      const otherKey = new SoftKey(server.url);
      await register(other.client, otherKey, 'Other key');
      const pending = new GqlClient(server.url);
      await loginStep(pending, user.email);
      const opts = (await pending.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
      const foreign = await pending.gql(Q.verify, { i: { method: 'WEBAUTHN', webauthnResponse: otherKey.assertion(opts) } });
      expect(foreign.data!['verifySecondFactor']).toMatchObject({ __typename: 'TwoFactorError', code: 'WEBAUTHN_FAILED' });
      expect((await pending.gql(Q.me)).data?.['me']).toBeFalsy();

      // Rename: bad names and someone else's key change nothing.
      const [otherStored] = await keysOf(other.id);
      expect(codes(await client.gql(RENAME, { id: stored!['id'], n: '   ' }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await client.gql(RENAME, { id: stored!['id'], n: 'k'.repeat(65) }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await client.gql(RENAME, { id: otherStored!['id'], n: 'Mine now' }))).toEqual(['NOT_FOUND']);
      expect((await keysOf(user.id))[0]!['name']).toBe('Desk key');
      expect((await keysOf(other.id))[0]!['name']).toBe('Other key');
      expect(await auditCount(user.id, 'WEBAUTHN_RENAMED')).toBe(0);
      expect((await client.gql(RENAME, { id: stored!['id'], n: '  Keyring key ' })).data!['renameWebauthnCredential']).toEqual({
        id: stored!['id'],
        name: 'Keyring key',
      });
      const [renamed] = await db.query(`select details from audit_log where target_id = $1 and action = 'WEBAUTHN_RENAMED'`, [
        user.id,
      ]);
      // With the key's id: names are not unique, and change.
      expect(renamed!['details']).toEqual({ keyId: stored!['id'], before: 'Desk key', after: 'Keyring key' });

      // Remove: needs a recent re-authentication; bad, unknown and foreign ids remove nothing.
      expect(codes(await client.gql(REMOVE, { id: stored!['id'] }))).toEqual(['REAUTH_REQUIRED']);
      expect(await keysOf(user.id)).toHaveLength(1);
      const reauthOptions = (await client.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
      const reauth = await client.gql(Q.reauth, {
        i: { password: PASSWORD, secondFactor: { method: 'WEBAUTHN', webauthnResponse: key.assertion(reauthOptions) } },
      });
      expect(reauth.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
      expect(codes(await client.gql(REMOVE, { id: 'nope' }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await client.gql(REMOVE, { id: '00000000-0000-4000-8000-000000000000' }))).toEqual(['NOT_FOUND']);
      expect(codes(await client.gql(REMOVE, { id: otherStored!['id'] }))).toEqual(['NOT_FOUND']);
      expect(await keysOf(other.id)).toHaveLength(1);
      expect(await keysOf(user.id)).toHaveLength(1);
      expect(await auditCount(user.id, 'TWO_FACTOR_DISABLED')).toBe(0);

      const beforeRemoval = mail.count();
      expect((await client.gql(REMOVE, { id: stored!['id'] })).data!['removeWebauthnCredential']).toBe(true);
      expect(await keysOf(user.id)).toEqual([]);
      expect(await auditCount(user.id, 'TWO_FACTOR_DISABLED')).toBe(1);
      await mail.waitFor(user.email, (m) => /method was removed/i.test(m.subject), beforeRemoval);
      // The last method gone: 2FA is off and the recovery codes went with it.
      const status = (await client.gql(Q.status)).data!['myTwoFactor'];
      expect(status).toMatchObject({ enabled: false, recoveryCodesRemaining: 0, webauthnCredentials: [] });
      expect((await loginStep(new GqlClient(server.url), user.email)).typename).toBe('LoginSuccess');
    });

    it('an account holds at most 20 keys, flagged ones included: the 21st is refused at its options, and of two finishing at 19 one is stored', async () => {
      const user = await newUser();
      const first = new SoftKey(server.url);
      await register(user.client, first, 'Key 1');
      for (let i = 2; i <= 19; i++) {
        expect(await register(user.client, new SoftKey(server.url), `Key ${i}`)).toMatchObject({
          __typename: 'TwoFactorEnabled',
        });
      }
      // A second session of the account: two registrations at once, each with its own options taken at 19.
      const { client: other, result } = await signInWithKey(user.email, first);
      expect(result.__typename).toBe('LoginSuccess');
      const [a, b] = [new SoftKey(server.url), new SoftKey(server.url)];
      const optionsA = (await user.client.gql(OPTIONS, { n: 'Key A' })).data!['webauthnRegistrationOptions'];
      const optionsB = (await other.gql(OPTIONS, { n: 'Key B' })).data!['webauthnRegistrationOptions'];
      const answers = await Promise.all([
        user.client.gql(FINISH, { r: a.registration(optionsA) }),
        other.gql(FINISH, { r: b.registration(optionsB) }),
      ]);
      const finished = answers.map((r) => r.data!['finishWebauthnRegistration']);
      expect(finished.map((f) => f.__typename).sort()).toEqual(['TwoFactorEnabled', 'TwoFactorError']);
      expect(finished.find((f) => f.__typename === 'TwoFactorError')).toMatchObject({ code: 'TOO_MANY_KEYS' });
      expect(await keysOf(user.id)).toHaveLength(20);
      expect(await auditCount(user.id, 'TWO_FACTOR_ENABLED')).toBe(20);
      // One e-mail per key stored: twenty, not twenty-one.
      const registered = () =>
        mail.messages.filter(
          (m) => m.to.includes(user.email.toLowerCase()) && /security key or passkey was registered/i.test(m.subject),
        ).length;
      await expect.poll(registered).toBe(20);
      await new Promise((r) => setTimeout(r, 300));
      expect(registered()).toBe(20);

      // At 20 the options are refused (a typed error with the limit) and leave no challenge; a flagged key counts.
      const challenges = await challengesOf(user.id);
      const refused = await user.client.gql(OPTIONS, { n: 'Key 21' });
      expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_KEYS', limit: 20 });
      expect(refused.errors?.[0]?.message).toMatch(/at most 20 security keys/);
      expect(await challengesOf(user.id)).toBe(challenges);
      const flagged = (await keysOf(user.id))[1]!;
      await db.query(`update webauthn_credential set flagged_at = now() where id = $1`, [flagged['id']]);
      expect(codes(await user.client.gql(OPTIONS, { n: 'Key 21' }))).toEqual(['TOO_MANY_KEYS']);

      // One removed (after confirming it is you), one can be added.
      const reauthOptions = (await other.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
      const reauth = await other.gql(Q.reauth, {
        i: { password: PASSWORD, secondFactor: { method: 'WEBAUTHN', webauthnResponse: first.assertion(reauthOptions) } },
      });
      expect(reauth.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
      expect((await other.gql(REMOVE, { id: flagged['id'] })).data!['removeWebauthnCredential']).toBe(true);
      expect(await register(other, new SoftKey(server.url), 'Key 21')).toMatchObject({ __typename: 'TwoFactorEnabled' });
      expect(await keysOf(user.id)).toHaveLength(20);
    });

    it('a forged or misdirected registration is refused, its challenge used up, and a key is registered once', async () => {
      const user = await newUser();
      const key = new SoftKey(server.url);
      // Bad names leave no challenge behind.
      expect(codes(await user.client.gql(OPTIONS, { n: ' ' }))).toEqual(['BAD_USER_INPUT']);
      expect(await challengesOf(user.id)).toBe(0);

      for (const tamper of [{ origin: 'https://evil.example' }, { rpId: 'evil.example' }]) {
        const options = (await user.client.gql(OPTIONS, { n: 'Key' })).data!['webauthnRegistrationOptions'];
        expect(await challengesOf(user.id)).toBe(1);
        const refused = (await user.client.gql(FINISH, { r: key.registration(options, tamper) })).data![
          'finishWebauthnRegistration'
        ];
        expect(refused, JSON.stringify(tamper)).toMatchObject({ __typename: 'TwoFactorError', code: 'WEBAUTHN_FAILED' });
        expect(await keysOf(user.id)).toEqual([]);
        // The challenge died with the refusal: the right answer to it now finds nothing to finish.
        expect(await challengesOf(user.id)).toBe(0);
        const late = (await user.client.gql(FINISH, { r: key.registration(options) })).data!['finishWebauthnRegistration'];
        expect(late).toMatchObject({ code: 'NOT_ENROLLING' });
        expect(await keysOf(user.id)).toEqual([]);
      }
      // A response to another challenge than the one stored is refused too, and takes nothing: the
      // live prompt (a newer one, in another tab say) can still finish.
      await user.client.gql(OPTIONS, { n: 'Key' });
      const stale = await user.client.gql(FINISH, {
        r: key.registration({ challenge: Buffer.from('not the challenge').toString('base64url') }),
      });
      expect(stale.data!['finishWebauthnRegistration']).toMatchObject({ code: 'NOT_ENROLLING' });
      expect(await keysOf(user.id)).toEqual([]);
      expect(await challengesOf(user.id)).toBe(1);
      expect((await user.client.gql(Q.status)).data!['myTwoFactor'].enabled).toBe(false);

      expect(await register(user.client, key)).toMatchObject({ __typename: 'TwoFactorEnabled' });
      expect(await register(user.client, key, 'Same key again')).toMatchObject({ code: 'ALREADY_ENABLED' });
      expect(await keysOf(user.id)).toHaveLength(1);
    });

    it('a key whose counter went backwards is flagged, refused, audited and its holder e-mailed', async () => {
      const user = await newUser();
      const key = new SoftKey(server.url);
      expect(await register(user.client, key)).toMatchObject({ __typename: 'TwoFactorEnabled' });
      expect((await signInWithKey(user.email, key)).result).toMatchObject({ __typename: 'LoginSuccess' });
      const since = mail.count();
      // A copy of the key that has signed less often than the original: its counter is behind.
      key.counter = 0;
      expect((await signInWithKey(user.email, key)).result).toMatchObject({ code: 'CREDENTIAL_FLAGGED' });
      expect((await keysOf(user.id))[0]!['flagged_at']).not.toBeNull();
      await mail.waitFor(user.email, (m) => /security key of yours was flagged/i.test(m.subject), since);
      // Presented at a sign-in that had proven only the password (a clone's holder may be anyone): the
      // entry names no actor, as a replayed app code's does, not the account holder.
      expect(
        await db.query(`select actor_id from audit_log where action = 'WEBAUTHN_COUNTER_REGRESSION' and target_id = $1`, [
          user.id,
        ]),
      ).toEqual([{ actor_id: null }]);
    });

    it('a flagged key stays refused once its counter is past the stored one again, at sign-in and re-authentication; the other key still works', async () => {
      const user = await newUser();
      const copied = new SoftKey(server.url);
      const spare = new SoftKey(server.url);
      expect(await register(user.client, copied, 'Desk key')).toMatchObject({ __typename: 'TwoFactorEnabled' });
      expect(await register(user.client, spare, 'Spare key')).toMatchObject({ __typename: 'TwoFactorEnabled' });
      expect((await signInWithKey(user.email, copied)).result).toMatchObject({ __typename: 'LoginSuccess' });
      // A copy whose counter is behind the stored one (1): flagged.
      copied.counter = 0;
      expect((await signInWithKey(user.email, copied)).result).toMatchObject({ code: 'CREDENTIAL_FLAGGED' });
      // Whoever holds the copy moves its counter far past the stored one: still refused (the spare key
      // keeps security keys among the account's methods, so the answer is checked).
      copied.counter = 50;
      const { client: pending, result } = await signInWithKey(user.email, copied);
      expect(result).toMatchObject({ __typename: 'TwoFactorError', code: 'CREDENTIAL_FLAGGED' });
      expect((await pending.gql(Q.me)).data!['me']).toBeNull();
      // Its holder signs in with the spare key; a re-authentication with the copy is refused too (it is
      // not offered, yet a copy answers any challenge).
      const { client: signedIn, result: withSpare } = await signInWithKey(user.email, spare);
      expect(withSpare).toMatchObject({ __typename: 'LoginSuccess', account: { id: user.id } });
      const options = (await signedIn.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
      expect(options.allowCredentials.map((c: { id: string }) => c.id)).toEqual([spare.id]);
      const reauth = await signedIn.gql(Q.reauth, {
        i: { password: PASSWORD, secondFactor: { method: 'WEBAUTHN', webauthnResponse: copied.assertion(options) } },
      });
      expect(reauth.data!['reauthenticate']).toMatchObject({ __typename: 'TwoFactorError', code: 'CREDENTIAL_FLAGGED' });
      expect(await db.query(`select 1 from session where account_id = $1 and reauth_at is not null`, [user.id])).toEqual([]);
      // The stored counter stayed where the flag found it.
      expect(await keysOf(user.id)).toEqual([
        expect.objectContaining({ name: 'Desk key', counter: 1, flagged_at: expect.any(Date) }),
        expect.objectContaining({ name: 'Spare key', counter: 1, flagged_at: null }),
      ]);
    });

    it('a key that keeps no counter (always 0, as many passkeys) signs in again and again and is never flagged', async () => {
      const user = await newUser();
      const key = new SoftKey(server.url, { counterless: true });
      expect(await register(user.client, key)).toMatchObject({ __typename: 'TwoFactorEnabled' });
      for (let n = 0; n < 3; n++) {
        const { result } = await signInWithKey(user.email, key);
        expect(result, `sign-in ${n + 1}`).toMatchObject({ __typename: 'LoginSuccess' });
      }
      expect(await keysOf(user.id)).toEqual([expect.objectContaining({ counter: 0, flagged_at: null })]);
    });

    it('a key that counted and then reports 0 (a clone, or a copy of its secret in a counterless authenticator) is flagged', async () => {
      const user = await newUser();
      const key = new SoftKey(server.url);
      expect(await register(user.client, key)).toMatchObject({ __typename: 'TwoFactorEnabled' });
      expect((await signInWithKey(user.email, key)).result).toMatchObject({ __typename: 'LoginSuccess' });
      expect(await keysOf(user.id)).toEqual([expect.objectContaining({ counter: 1, flagged_at: null })]);
      key.counter = 0;
      key.counterless = true;
      expect((await signInWithKey(user.email, key)).result).toMatchObject({ code: 'CREDENTIAL_FLAGGED' });
      expect(await keysOf(user.id)).toEqual([expect.objectContaining({ counter: 1, flagged_at: expect.any(Date) })]);
    });

    it('a passkey backed up after its registration shows as backed up once it signs in (the backup state of each sign-in is kept)', async () => {
      const KEYS = `{ myTwoFactor { webauthnCredentials { name backedUp } } }`;
      const user = await newUser();
      // May be synced by its provider, not synced yet when registered.
      const key = new SoftKey(server.url, { backupEligible: true, backedUp: false });
      expect(await register(user.client, key)).toMatchObject({ __typename: 'TwoFactorEnabled' });
      expect((await user.client.gql(KEYS)).data!['myTwoFactor']).toEqual({
        webauthnCredentials: [{ name: 'Desk key', backedUp: false }],
      });
      // Synced since: the next sign-in's authenticator data says backed up.
      key.backedUp = true;
      const { client, result } = await signInWithKey(user.email, key);
      expect(result).toMatchObject({ __typename: 'LoginSuccess', account: { id: user.id } });
      expect((await client.gql(KEYS)).data!['myTwoFactor']).toEqual({
        webauthnCredentials: [{ name: 'Desk key', backedUp: true }],
      });
      expect(
        await db.query(`select counter::int, backed_up, device_type from webauthn_credential where account_id = $1`, [user.id]),
      ).toEqual([{ counter: 1, backed_up: true, device_type: 'multiDevice' }]);
      // And back (the provider's sync switched off): shown as it is now.
      key.backedUp = false;
      expect((await signInWithKey(user.email, key)).result).toMatchObject({ __typename: 'LoginSuccess' });
      expect((await client.gql(KEYS)).data!['myTwoFactor']).toEqual({
        webauthnCredentials: [{ name: 'Desk key', backedUp: false }],
      });
    });

    it('a server whose public URL is an IP address starts, says so once, and refuses security-key options (browsers refuse an IP as RP ID)', async () => {
      const port = await freePort();
      await withServer(
        'two_factor_ip_rp_id',
        { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, SMTP_URL: mail.url },
        async (ipServer, ipDb) => {
          const { client: first, id: firstId, email: firstEmail } = await setupAdmin(ipServer);
          const unavailable = {
            message: expect.stringMatching(/domain name/),
            extensions: { code: 'METHOD_NOT_ALLOWED', method: 'WEBAUTHN', reason: 'RP_ID_NOT_A_DOMAIN' },
          };
          // Adding a key: no challenge is made for a ceremony no browser would run.
          const options = await first.gql(OPTIONS, { n: 'Desk key' });
          expect(options.errors).toEqual([expect.objectContaining(unavailable)]);
          expect(await ipDb.query(`select 1 from webauthn_challenge`)).toEqual([]);
          // A key registered while the server had a domain name: its sign-in options are refused alike,
          // and an answer offered anyway costs no attempt.
          await ipDb.query(
            `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at)
             values (gen_random_uuid(), $1, 'AAAA', 'AAAA', 0, '[]', 'Old key', now())`,
            [firstId],
          );
          const pending = new GqlClient(ipServer.url);
          expect((await loginStep(pending, firstEmail)).methods).toEqual(['WEBAUTHN']);
          const authOptions = await pending.gql(AUTH_OPTIONS);
          expect(authOptions.errors).toEqual([expect.objectContaining(unavailable)]);
          const offered = await pending.gql(Q.verify, {
            i: { method: 'WEBAUTHN', webauthnResponse: new SoftKey(ipServer.url).assertion({ challenge: 'AAAA' }) },
          });
          expect(offered.data!['verifySecondFactor']).toMatchObject({ __typename: 'TwoFactorError', code: 'METHOD_NOT_ALLOWED' });
          expect(
            await ipDb.query(`select 1 from two_factor_state where account_id = $1 and consecutive_failures > 0`, [firstId]),
          ).toEqual([]);
          // Settings that would leave keys the only thing to set up are refused: a policy would send people
          // to an enrollment no browser can make here. Nothing changes.
          const SETTINGS = `{ twoFactorSettings { allowedMethods requiredForStaff emailForStaff } }`;
          const before = (await first.gql(SETTINGS)).data;
          const SET = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { allowedMethods } }`;
          const keysOnly = await first.gql(SET, { i: { allowedMethods: ['WEBAUTHN'] } });
          expect(keysOnly.errors?.[0]?.extensions).toMatchObject({
            code: 'BAD_USER_INPUT',
            fields: [{ field: 'allowedMethods', reason: 'NOTHING_TO_ENROLL', message: expect.stringMatching(/IP address/) }],
          });
          // For staff under a policy, with e-mail codes off for them: keys and e-mail codes leave them nothing.
          const staffKeys = await first.gql(SET, { i: { allowedMethods: ['WEBAUTHN', 'EMAIL'], requiredForStaff: true } });
          expect(staffKeys.errors?.[0]?.extensions).toMatchObject({
            code: 'BAD_USER_INPUT',
            fields: [{ field: 'allowedMethods', reason: 'NOTHING_TO_ENROLL', message: expect.stringMatching(/IP address/) }],
          });
          expect((await first.gql(SETTINGS)).data).toEqual(before);
          expect(await ipDb.query(`select 1 from audit_log where action = 'SETTINGS_CHANGED'`)).toEqual([]);
          // The operator is told once, at start, what to set.
          expect(ipServer.output().match(/security keys and passkeys are unavailable/g)).toHaveLength(1);
        },
      );
    });

    it('a server reached by an IP address whose stored settings leave security keys the only method to set up says so at start, naming the fix', async () => {
      const port = await freePort();
      const env = { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, SMTP_URL: mail.url };
      const said = /security keys the only method (anyone|admins and sub-admins) can set up/;
      await withServer('two_factor_ip_keys_only', env, async (first, ipDb) => {
        // The defaults leave the app: nothing to say.
        expect(first.output()).not.toMatch(said);
        await first.stop();
        // Saved while the server had a domain name (the save refuses them on an IP address).
        const keep = async (value: Record<string, unknown>) => {
          await ipDb.query(
            `insert into setting (key, value, updated_at) values ('twoFactor', $1, now())
             on conflict (key) do update set value = excluded.value`,
            [JSON.stringify(value)],
          );
          const restarted = await startServer({ DATABASE_URL: ipDb.url, ...env });
          await restarted.stop();
          return restarted.output();
        };
        const everyone = await keep({ allowedMethods: ['WEBAUTHN', 'RECOVERY_CODE'] });
        expect(everyone).toMatch(/security keys the only method anyone can set up/);
        expect(everyone).toMatch(/Set WEBAUTHN_RP_ID \(or PUBLIC_URL\) to a host name/);
        const staff = await keep({
          allowedMethods: ['WEBAUTHN', 'EMAIL', 'RECOVERY_CODE'],
          requiredForStaff: true,
          emailForStaff: false,
        });
        expect(staff).toMatch(/security keys the only method admins and sub-admins can set up/);
        // E-mail codes for staff, or no policy for them: something is left to set up.
        expect(
          await keep({ allowedMethods: ['WEBAUTHN', 'EMAIL', 'RECOVERY_CODE'], requiredForStaff: true, emailForStaff: true }),
        ).not.toMatch(said);
        expect(await keep({ allowedMethods: ['WEBAUTHN', 'EMAIL', 'RECOVERY_CODE'], requiredForStaff: false })).not.toMatch(said);
      });
    });

    it('a flagged key is not excluded from a new registration: the authenticator can be added again, as the notice advises', async () => {
      const user = await newUser();
      const desk = new SoftKey(server.url);
      const spare = new SoftKey(server.url);
      expect(await register(user.client, desk)).toMatchObject({ __typename: 'TwoFactorEnabled' });
      expect(await register(user.client, spare, 'Spare key')).toMatchObject({ __typename: 'TwoFactorEnabled' });
      await db.query(`update webauthn_credential set flagged_at = now() where account_id = $1 and name = 'Desk key'`, [user.id]);
      // The browser refuses to make a credential on an authenticator holding one of these.
      const options = (await user.client.gql(OPTIONS, { n: 'Desk key, again' })).data!['webauthnRegistrationOptions'];
      expect(options.excludeCredentials.map((c: { id: string }) => c.id)).toEqual([spare.id]);
    });

    it('a key removed while its answer is checked: refused as no longer set up, and no failure counted against the account', async () => {
      const user = await newUser();
      const key = new SoftKey(server.url);
      expect(await register(user.client, key)).toMatchObject({ __typename: 'TwoFactorEnabled' });
      const client = new GqlClient(server.url);
      expect((await loginStep(client, user.email)).methods).toContain('WEBAUTHN');
      const options = (await client.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
      const [row] = await keysOf(user.id);
      // The answer is checked and waits to move the key's counter on; the holder removes the key meanwhile.
      const [res] = await inLockOrder(
        db,
        ['select 1 from webauthn_credential where id = $1 for update', [row!['id']]],
        [() => client.gql(Q.verify, { i: { method: 'WEBAUTHN', webauthnResponse: key.assertion(options) } })],
        {
          waitingOn: 'update webauthn_credential set counter',
          meanwhile: (locker) => locker.query(`delete from webauthn_credential where id = $1`, [row!['id']]),
        },
      );
      expect(res!.data!['verifySecondFactor']).toMatchObject({ code: 'METHOD_NOT_SET_UP' });
      expect(
        await db.query(`select 1 from two_factor_state where account_id = $1 and consecutive_failures > 0`, [user.id]),
      ).toEqual([]);
      expect(await db.query(`select 1 from failure_counter where key = $1 and count > 0`, [`2fa:acct:${user.id}`])).toEqual([]);
      expect(
        await db.query(`select 1 from audit_log where action = 'WEBAUTHN_COUNTER_REGRESSION' and target_id = $1`, [user.id]),
      ).toEqual([]);
    });

    it('a user a policy requires 2FA of, whose only key is flagged, is signed out everywhere; one held freely keeps its sessions', async () => {
      const MARK = `mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { requiresTwoFactor } }`;
      const live = async (id: string) =>
        db.query(`select revoked_reason from session where account_id = $1 and stage = 'FULL' order by created_at`, [id]);
      const flagged = async (marked: boolean) => {
        const user = await newUser();
        const key = new SoftKey(server.url);
        expect(await register(user.client, key)).toMatchObject({ __typename: 'TwoFactorEnabled' });
        if (marked) expect((await admin.gql(MARK, { id: user.id })).data!['setRequiresTwoFactor'].requiresTwoFactor).toBe(true);
        // Signed in with the key on a second device; then a copy that signed less often is offered.
        const { client: second, result } = await signInWithKey(user.email, key);
        expect(result).toMatchObject({ __typename: 'LoginSuccess' });
        key.counter = 0;
        expect((await signInWithKey(user.email, key)).result).toMatchObject({ code: 'CREDENTIAL_FLAGGED' });
        return { user, second };
      };

      const marked = await flagged(true);
      expect(await live(marked.user.id)).toEqual([
        { revoked_reason: 'TWO_FACTOR_REQUIRED' },
        { revoked_reason: 'TWO_FACTOR_REQUIRED' },
      ]);
      expect((await marked.user.client.gql(Q.me)).data!['me']).toBeNull();
      expect((await marked.second.gql(Q.me)).data!['me']).toBeNull();
      const [entry] = await db.query(
        `select details from audit_log where action = 'WEBAUTHN_COUNTER_REGRESSION' and target_id = $1`,
        [marked.user.id],
      );
      const [flaggedKey] = await db.query(`select id from webauthn_credential where account_id = $1`, [marked.user.id]);
      expect(entry!['details']).toMatchObject({ sessionsEnded: 2, keyId: flaggedKey!['id'] });

      // Nothing requires it of this one: losing its only usable factor is its own business (it signs in
      // with a recovery code or an admin's reset next time); its sessions go on.
      const free = await flagged(false);
      expect(await live(free.user.id)).toEqual([{ revoked_reason: null }, { revoked_reason: null }]);
      expect((await free.second.gql(Q.me)).data!['me']).toMatchObject({ id: free.user.id });
    });

    it('a key flagged while another method is removed, or while the user is marked, still leaves no session without a usable factor', async () => {
      const MARK = `mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { requiresTwoFactor } }`;
      const full = async (id: string) =>
        db.query(`select revoked_reason from session where account_id = $1 and stage = 'FULL' order by created_at`, [id]);
      /** A clone of the user's key (its counter behind) at a sign-in that proved the password and holds a challenge. */
      const cloneAt = async (email: string, key: SoftKey) => {
        const client = new GqlClient(server.url);
        expect((await loginStep(client, email)).methods).toContain('WEBAUTHN');
        const options = (await client.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
        key.counter = 0;
        const assertion = key.assertion(options);
        return () => client.gql(Q.verify, { i: { method: 'WEBAUTHN', webauthnResponse: assertion } });
      };

      // Marked, with an app and a key: the app's removal counted the key as the factor left (its check
      // and delete run under the account's factors' lock, held here), and commits while the clone's
      // flag waits for that lock.
      const removing = await newUser();
      const key = new SoftKey(server.url);
      expect(await register(removing.client, key)).toMatchObject({ __typename: 'TwoFactorEnabled' });
      await enrollTotp(removing.client);
      expect((await admin.gql(MARK, { id: removing.id })).data!['setRequiresTwoFactor'].requiresTwoFactor).toBe(true);
      expect((await signInWithKey(removing.email, key)).result).toMatchObject({ __typename: 'LoginSuccess' });
      const clone = await cloneAt(removing.email, key);
      const [flagged] = await inLockOrder(
        db,
        [`select pg_advisory_xact_lock(hashtext($1))`, [`two_factor_methods:${removing.id}`]],
        [clone],
        {
          waitingOn: 'pg_advisory_xact_lock(hashtext',
          meanwhile: (locker) => locker.query(`delete from totp_authenticator where account_id = $1`, [removing.id]),
        },
      );
      expect(flagged!.data!['verifySecondFactor']).toMatchObject({ code: 'CREDENTIAL_FLAGGED' });
      expect(await full(removing.id)).toEqual([
        { revoked_reason: 'TWO_FACTOR_REQUIRED' },
        { revoked_reason: 'TWO_FACTOR_REQUIRED' },
      ]);

      // Not marked, with only a key: the mark found the key usable and ended no session (it holds the
      // account row, as here), and commits while the clone's flag waits for that row.
      const marking = await newUser();
      const only = new SoftKey(server.url);
      expect(await register(marking.client, only)).toMatchObject({ __typename: 'TwoFactorEnabled' });
      expect((await signInWithKey(marking.email, only)).result).toMatchObject({ __typename: 'LoginSuccess' });
      const clone2 = await cloneAt(marking.email, only);
      const [flagged2] = await inLockOrder(
        db,
        [`select 1 from account where id = $1 for no key update`, [marking.id]],
        [clone2],
        {
          waitingOn: 'for no key update',
          meanwhile: (locker) => locker.query(`update account set requires_two_factor = true where id = $1`, [marking.id]),
        },
      );
      expect(flagged2!.data!['verifySecondFactor']).toMatchObject({ code: 'CREDENTIAL_FLAGGED' });
      expect(await full(marking.id)).toEqual([
        { revoked_reason: 'TWO_FACTOR_REQUIRED' },
        { revoked_reason: 'TWO_FACTOR_REQUIRED' },
      ]);
    });

    it('two keys are two methods, but a flagged one is none: with it, a second method is recommended again', async () => {
      const user = await newUser();
      for (const name of ['Desk key', 'Spare key']) {
        expect(await register(user.client, new SoftKey(server.url), name)).toMatchObject({ __typename: 'TwoFactorEnabled' });
      }
      expect((await user.client.gql(Q.status)).data!['myTwoFactor'].recommendSecondMethod).toBe(false);
      await db.query(`update webauthn_credential set flagged_at = now() where account_id = $1 and name = 'Spare key'`, [user.id]);
      expect((await user.client.gql(Q.status)).data!['myTwoFactor'].recommendSecondMethod).toBe(true);
    });

    it('a crafted registration: an overlong credential id or a padded public key is refused, unknown transports are not kept', async () => {
      const user = await newUser();
      // WebAuthn caps credential ids at 1023 bytes; the attestation format alone would carry 65 535.
      const long = new SoftKey(server.url, { idBytes: 1100 });
      expect(await register(user.client, long)).toMatchObject({ __typename: 'TwoFactorError', code: 'WEBAUTHN_FAILED' });
      expect(await keysOf(user.id)).toEqual([]);
      // A public key is a few hundred bytes; unsigned ("none" attestation), one could carry a request's
      // worth of padding, stored and read back at every sign-in.
      const padded = new SoftKey(server.url, { publicKeyPadding: 100_000 });
      expect(await register(user.client, padded)).toMatchObject({ __typename: 'TwoFactorError', code: 'WEBAUTHN_FAILED' });
      expect(await keysOf(user.id)).toEqual([]);
      const odd = new SoftKey(server.url, { transports: ['usb', 'usb', 'x-ray', { any: 'thing' }, 'nfc'] });
      expect(await register(user.client, odd)).toMatchObject({ __typename: 'TwoFactorEnabled' });
      expect(await db.query(`select transports from webauthn_credential where account_id = $1`, [user.id])).toEqual([
        { transports: ['usb', 'nfc'] },
      ]);
    });

    it('under a policy the last key cannot be removed, and stays', async () => {
      const user = await newUser();
      const key = new SoftKey(server.url);
      await register(user.client, key);
      const mark = await admin.gql(
        `mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { requiresTwoFactor } }`,
        {
          id: user.id,
        },
      );
      expect(mark.data!['setRequiresTwoFactor'].requiresTwoFactor).toBe(true);
      const options = (await user.client.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
      await user.client.gql(Q.reauth, {
        i: { password: PASSWORD, secondFactor: { method: 'WEBAUTHN', webauthnResponse: key.assertion(options) } },
      });
      const [stored] = await keysOf(user.id);
      expect(codes(await user.client.gql(REMOVE, { id: stored!['id'] }))).toEqual(['LAST_METHOD_REQUIRED']);
      expect(await keysOf(user.id)).toHaveLength(1);
      expect(await auditCount(user.id, 'TWO_FACTOR_DISABLED')).toBe(0);
    });

    /** A user with `key` registered, and a sign-in of theirs waiting for its second step. */
    async function pendingWithKey(key = new SoftKey(server.url)) {
      const user = await newUser();
      expect(await register(user.client, key)).toMatchObject({ __typename: 'TwoFactorEnabled' });
      const pending = new GqlClient(server.url);
      expect((await loginStep(pending, user.email)).methods).toContain('WEBAUTHN');
      return { user, key, pending };
    }
    /** An assertion refused as unverifiable: the sign-in still waits, the key is not flagged, its counter kept. */
    async function expectRefusedAssertion(
      pending: GqlClient,
      accountId: string,
      response: Record<string, unknown>,
      storedCounter: number,
      what = '',
    ) {
      const res = await pending.gql(Q.verify, { i: { method: 'WEBAUTHN', webauthnResponse: response } });
      expect(res.data?.['verifySecondFactor'], `${what} ${JSON.stringify(res)}`).toMatchObject({
        __typename: 'TwoFactorError',
        code: 'WEBAUTHN_FAILED',
      });
      expect((await pending.gql(Q.me)).data!['me']).toBeNull();
      expect((await pending.gql(Q.pending)).data!['pendingSignIn']).toMatchObject({ stage: 'PENDING_SECOND_FACTOR' });
      expect(await keysOf(accountId)).toEqual([expect.objectContaining({ flagged_at: null, counter: storedCounter })]);
    }
    const finishWithKey = async (pending: GqlClient, key: SoftKey) => {
      const options = (await pending.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
      return (await pending.gql(Q.verify, { i: { method: 'WEBAUTHN', webauthnResponse: key.assertion(options) } })).data![
        'verifySecondFactor'
      ];
    };

    it('an assertion that signed in once is refused when replayed in another sign-in', async () => {
      const { user, key, pending: first } = await pendingWithKey();
      const options = (await first.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
      const captured = key.assertion(options);
      expect(
        (await first.gql(Q.verify, { i: { method: 'WEBAUTHN', webauthnResponse: captured } })).data!['verifySecondFactor'],
      ).toMatchObject({ __typename: 'LoginSuccess', account: { id: user.id } });
      // Someone with the password and a copy of that response: with no challenge of their own, and with one.
      const replayer = new GqlClient(server.url);
      expect((await loginStep(replayer, user.email)).typename).toBe('SecondFactorRequired');
      await expectRefusedAssertion(replayer, user.id, captured, 1);
      await replayer.gql(AUTH_OPTIONS);
      await expectRefusedAssertion(replayer, user.id, captured, 1);
      // The key itself still signs in there.
      expect(await finishWithKey(replayer, key)).toMatchObject({ __typename: 'LoginSuccess' });
    });

    it('an assertion to a challenge past its expiry is refused', async () => {
      const { user, key, pending } = await pendingWithKey();
      const options = (await pending.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
      // Short-lived: five minutes to answer.
      const [left] = await db.query<{ s: number }>(
        `select extract(epoch from expires_at - now())::float as s from webauthn_challenge where account_id = $1 and purpose = 'LOGIN'`,
        [user.id],
      );
      expect(left!.s).toBeGreaterThan(240);
      expect(left!.s).toBeLessThanOrEqual(300);
      await db.query(
        `update webauthn_challenge set expires_at = now() - interval '1 second' where account_id = $1 and purpose = 'LOGIN'`,
        [user.id],
      );
      await expectRefusedAssertion(pending, user.id, key.assertion(options), 0);
      expect(await finishWithKey(pending, key)).toMatchObject({ __typename: 'LoginSuccess' });
    });

    it('a challenge given to one sign-in does not finish another sign-in of the same account', async () => {
      const { user, key, pending: mine } = await pendingWithKey();
      const options = (await mine.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
      const other = new GqlClient(server.url);
      expect((await loginStep(other, user.email)).typename).toBe('SecondFactorRequired');
      await expectRefusedAssertion(other, user.id, key.assertion(options), 0);
      // Nor did the attempt use it up: the sign-in it was given to finishes with it.
      const res = await mine.gql(Q.verify, { i: { method: 'WEBAUTHN', webauthnResponse: key.assertion(options) } });
      expect(res.data!['verifySecondFactor']).toMatchObject({ __typename: 'LoginSuccess', account: { id: user.id } });
    });

    it('an assertion by another account’s key does not finish a sign-in, and leaves that key as it was', async () => {
      // Someone holding the password of one account, and a key registered to an account of their own.
      const { user: victim, key: victimKey, pending } = await pendingWithKey();
      const { user: other, key: otherKey } = await pendingWithKey();
      const options = (await pending.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
      // A good signature over this sign-in's own challenge, by a registered key: not one of this account's.
      await expectRefusedAssertion(pending, victim.id, otherKey.assertion(options), 0);
      expect(await keysOf(other.id)).toEqual([expect.objectContaining({ flagged_at: null, counter: 0 })]);
      // The account's own key still finishes it.
      expect(await finishWithKey(pending, victimKey)).toMatchObject({ __typename: 'LoginSuccess', account: { id: victim.id } });
    });

    it('an assertion made for another origin or RP ID is refused', async () => {
      const { user, key, pending } = await pendingWithKey();
      for (const tamper of [
        { origin: 'https://evil.example' },
        { origin: `http://127.0.0.1:${server.port}` },
        { rpId: 'evil.example' },
      ]) {
        const options = (await pending.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
        await expectRefusedAssertion(pending, user.id, key.assertion(options, tamper), 0, JSON.stringify(tamper));
      }
      expect(await finishWithKey(pending, key)).toMatchObject({ __typename: 'LoginSuccess' });
    });

    it('one user-verification policy ("preferred") for registration and sign-in: a touch-only key works for both', async () => {
      const user = await newUser();
      // A plain security key without PIN or biometric: none of its responses carries the UV flag.
      const key = new SoftKey(server.url, { userVerifies: false });
      const registration = (await user.client.gql(OPTIONS, { n: 'Touch key' })).data!['webauthnRegistrationOptions'];
      const enabled = await user.client.gql(FINISH, { r: key.registration(registration) });
      expect(enabled.data!['finishWebauthnRegistration']).toMatchObject({ __typename: 'TwoFactorEnabled', method: 'WEBAUTHN' });

      const pending = new GqlClient(server.url);
      expect((await loginStep(pending, user.email)).methods).toContain('WEBAUTHN');
      const authentication = (await pending.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
      expect(authentication.userVerification).toBe(registration.authenticatorSelection.userVerification);
      // "preferred": verification is asked for, not required, so such a key is let in (and not only at registration).
      expect(authentication.userVerification).toBe('preferred');
      const signedIn = await pending.gql(Q.verify, {
        i: { method: 'WEBAUTHN', webauthnResponse: key.assertion(authentication) },
      });
      expect(signedIn.data!['verifySecondFactor']).toMatchObject({ __typename: 'LoginSuccess', account: { id: user.id } });
      const reauthOptions = (await pending.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
      expect(reauthOptions.userVerification).toBe('preferred');
      const reauth = await pending.gql(Q.reauth, {
        i: { password: PASSWORD, secondFactor: { method: 'WEBAUTHN', webauthnResponse: key.assertion(reauthOptions) } },
      });
      expect(reauth.data!['reauthenticate'].__typename, JSON.stringify(reauth)).toBe('ReauthSuccess');
    });

    it('a key registered to one account is refused for another (without saying it is registered), and stays the first account’s', async () => {
      const first = await newUser();
      const second = await newUser();
      const key = new SoftKey(server.url);
      expect(await register(first.client, key, 'First key')).toMatchObject({ __typename: 'TwoFactorEnabled' });
      const stored = () => db.query(`select * from webauthn_credential where credential_id = $1`, [key.id]);
      const before = await stored();
      expect(before).toEqual([expect.objectContaining({ account_id: first.id, name: 'First key' })]);

      // Answered as an unverifiable response: whether an id is registered to someone is not told.
      expect(await register(second.client, key, 'Taken key')).toMatchObject({
        __typename: 'TwoFactorError',
        code: 'WEBAUTHN_FAILED',
      });
      expect(await stored()).toEqual(before);
      expect(await keysOf(second.id)).toEqual([]);
      expect((await second.client.gql(Q.status)).data!['myTwoFactor']).toMatchObject({
        enabled: false,
        methods: [],
        recoveryCodesRemaining: 0,
      });
      expect(await auditCount(second.id, 'TWO_FACTOR_ENABLED')).toBe(0);
      // The key signs in to the first account; the second still signs in with its password alone.
      expect((await signInWithKey(first.email, key)).result).toMatchObject({
        __typename: 'LoginSuccess',
        account: { id: first.id },
      });
      expect((await loginStep(new GqlClient(server.url), second.email)).typename).toBe('LoginSuccess');
    });

    it('an account with two keys signs in with either, the second registered one too', async () => {
      const user = await newUser();
      const desk = new SoftKey(server.url);
      const pocket = new SoftKey(server.url);
      expect(await register(user.client, desk, 'Desk key')).toMatchObject({ __typename: 'TwoFactorEnabled' });
      expect(await register(user.client, pocket, 'Pocket key')).toMatchObject({ __typename: 'TwoFactorEnabled' });

      const pending = new GqlClient(server.url);
      expect((await loginStep(pending, user.email)).methods).toContain('WEBAUTHN');
      const options = (await pending.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'];
      expect(options.allowCredentials.map((c: { id: string }) => c.id).sort()).toEqual([desk.id, pocket.id].sort());
      const res = await pending.gql(Q.verify, { i: { method: 'WEBAUTHN', webauthnResponse: pocket.assertion(options) } });
      expect(res.data!['verifySecondFactor']).toMatchObject({ __typename: 'LoginSuccess', account: { id: user.id } });
      expect(await keysOf(user.id)).toEqual([
        expect.objectContaining({ name: 'Desk key', counter: 0, last_used_at: null }),
        expect.objectContaining({ name: 'Pocket key', counter: 1, last_used_at: expect.any(Date) }),
      ]);
      expect((await signInWithKey(user.email, desk)).result).toMatchObject({ __typename: 'LoginSuccess' });
    });
  });

  describe('bad input', () => {
    it('every 2FA mutation answers a clear code and writes nothing', async () => {
      const { client, id, email } = await newUser();
      const mailsBefore = mail.count();
      expect((await client.gql(Q.confirmTotp, { c: '123456' })).data!['confirmTotpEnrollment'].code).toBe('NOT_ENROLLING');
      expect((await client.gql(Q.confirmEmail, { c: '123456' })).data!['confirmEmailEnrollment'].code).toBe('NOT_ENROLLING');
      expect(codes(await client.gql(Q.confirmTotp, { c: '1'.repeat(40) }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await client.gql(Q.startEmail, { a: `${'x'.repeat(250)}@example.test` }))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await client.gql(`mutation { webauthnRegistrationOptions(name: "  ") }`))).toEqual(['BAD_USER_INPUT']);
      expect(codes(await client.gql(`mutation { webauthnRegistrationOptions(name: "${'k'.repeat(65)}") }`))).toEqual([
        'BAD_USER_INPUT',
      ]);
      const finish = await client.gql(
        `mutation { finishWebauthnRegistration(response: { id: "x" }) { __typename ... on ErrorResult { code } } }`,
      );
      expect(finish.data?.['finishWebauthnRegistration']?.code, JSON.stringify(finish.errors)).toBe('NOT_ENROLLING');
      expect(codes(await client.gql(`mutation { renameWebauthnCredential(id: "nope", name: "x") { id } }`))).toEqual([
        'BAD_USER_INPUT',
      ]);
      expect(
        codes(
          await client.gql(`mutation { renameWebauthnCredential(id: "00000000-0000-4000-8000-000000000000", name: "x") { id } }`),
        ),
      ).toEqual(['NOT_FOUND']);
      expect(codes(await client.gql(`mutation { webauthnAuthenticationOptions }`))).toEqual(['METHOD_NOT_SET_UP']);
      expect((await client.gql(Q.sendCode)).data!['sendEmailCode'].code).toBe('METHOD_NOT_SET_UP');
      expect(codes(await client.gql(Q.recovery))).toEqual(['REAUTH_REQUIRED']);
      await client.gql(Q.reauth, { i: { password: PASSWORD } });
      expect(codes(await client.gql(Q.recovery))).toEqual(['METHOD_NOT_SET_UP']);
      expect(codes(await client.gql(Q.reauth, { i: { password: 'x'.repeat(2000) } }))).toEqual(['BAD_USER_INPUT']);
      expect(
        codes(await client.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: '1'.repeat(40) } } })),
      ).toEqual(['BAD_USER_INPUT']);

      expect(codes(await admin.gql(`mutation { updateTwoFactorSettings(input: { issuer: "" }) { issuer } }`))).toEqual([
        'BAD_USER_INPUT',
      ]);
      expect(codes(await admin.gql(`mutation { updateTwoFactorSettings(input: { issuer: "a:b" }) { issuer } }`))).toEqual([
        'BAD_USER_INPUT',
      ]);
      expect((await admin.gql(`{ twoFactorSettings { issuer } }`)).data!['twoFactorSettings'].issuer).toBe('Acme Hosting');
      expect(
        codes(
          await admin.gql(`mutation($id: ID!) { setRequiresTwoFactor(accountId: $id, required: true) { accountId } }`, {
            id: adminId,
          }),
        ),
      ).toEqual(['BAD_USER_INPUT']);
      expect(
        codes(
          await admin.gql(
            `mutation { setRequiresTwoFactor(accountId: "00000000-0000-4000-8000-000000000000", required: true) { accountId } }`,
          ),
        ),
      ).toEqual(['NOT_FOUND']);
      expect(codes(await admin.gql(`mutation { unlockSecondFactor(accountId: "bad") }`))).toEqual(['BAD_USER_INPUT']);
      expect(
        codes(
          await admin.gql(`mutation { approveTwoFactorReset(requestId: "00000000-0000-4000-8000-000000000000") { __typename } }`),
        ),
      ).toEqual(['NOT_FOUND']);
      const written = await db.query(
        `select (select count(*)::int from totp_authenticator where account_id = $1) as totp, (select count(*)::int from email_factor where account_id = $1) as email,
                (select count(*)::int from recovery_code where account_id = $1) as recovery, (select count(*)::int from webauthn_credential where account_id = $1) as keys`,
        [id],
      );
      expect(written).toEqual([{ totp: 0, email: 0, recovery: 0, keys: 0 }]);
      // No code was mailed or stored, no challenge kept, no audit entry written for the account.
      const leftovers = await db.query(
        `select (select count(*)::int from email_code where account_id = $1::uuid) as codes,
                (select count(*)::int from webauthn_challenge where account_id = $1::uuid) as challenges,
                (select count(*)::int from audit_log where target_id = $1::text and action <> 'ACCOUNT_CREATED') as audited`,
        [id],
      );
      expect(leftovers).toEqual([{ codes: 0, challenges: 0, audited: 0 }]);
      expect(mail.messages.slice(mailsBefore).filter((m) => m.to.includes(email))).toEqual([]);
    });

    it('a second step with a malformed or missing code is a clear error and takes no attempt', async () => {
      const { client, email, id } = await newUser();
      await enrollTotp(client);
      const pending = new GqlClient(server.url);
      expect((await loginStep(pending, email)).typename).toBe('SecondFactorRequired');
      const budget = async () =>
        (await db.query<{ count: number }>(`select count from failure_counter where key = $1`, [`2fa:acct:${id}`]))[0]?.count ??
        0;
      const before = await budget();
      for (const i of [
        { method: 'TOTP', code: '1'.repeat(40) },
        { method: 'TOTP', code: '  ' },
        { method: 'TOTP' },
        { method: 'RECOVERY_CODE', code: '' },
        { method: 'WEBAUTHN' },
      ]) {
        const res = await pending.gql(Q.verify, { i });
        expect(codes(res), JSON.stringify(i)).toEqual(['BAD_USER_INPUT']);
      }
      expect(await budget()).toBe(before);
      expect((await pending.gql(Q.pending)).data!['pendingSignIn']).toMatchObject({ stage: 'PENDING_SECOND_FACTOR' });
    });
  });

  describe('lost device, sole owner', () => {
    it('the server-side CLI resets an account’s 2FA: methods gone, sessions revoked, holder e-mailed, audited', async () => {
      const { client, email } = await newUser();
      await enrollTotp(client);
      expect((await loginStep(new GqlClient(server.url), email)).typename).toBe('SecondFactorRequired');
      const since = mail.count();
      const res = await runCli(['reset-2fa', '--email', email], { DATABASE_URL: db.url, SMTP_URL: mail.url });
      expect(res.code).toBe(0);
      expect(res.stdout).toContain(`Two-factor authentication reset for ${email}`);
      // The old session is gone (the CLI is another process: the server hears of it through NOTIFY);
      // the password alone signs in now.
      await expect.poll(async () => (await client.gql(`{ me { id } }`)).data?.['me'], { interval: 20 }).toBeNull();
      expect((await loginStep(new GqlClient(server.url), email)).typename).toBe('LoginSuccess');
      await mail.waitFor(email, (m) => /two-factor authentication was reset/i.test(m.subject), since);
      const audit = await db.query(
        `select action from audit_log where target_label = $1 and action like 'TWO_FACTOR_RESET%' order by id`,
        [email],
      );
      expect(audit.map((r) => (r as { action: string }).action)).toEqual(['TWO_FACTOR_RESET', 'TWO_FACTOR_RESET_BY_CLI']);
    });

    it('the CLI refuses an unknown account', async () => {
      const { code } = await runCli(['reset-2fa', '--email', 'nobody@example.test'], { DATABASE_URL: db.url });
      expect(code).toBe(2);
    });
  });
});
