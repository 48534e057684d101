import pg from 'pg';
import { inLockOrder } from '../support/locks.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { createAccount, PASSWORD, reauthenticate, setupAdmin } from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import { startServer, type RunningServer } from '../support/server.js';
import { MailSink } from '../support/smtp.js';
import { totp } from '../support/totp.js';
import { awayFromStepEdge, enrollTotp, loginStep, Q } from '../support/two-factor.js';
import { SoftKey } from '../support/webauthn.js';

/**
 * Wrong second factors are limited per account and per network (5 per window here), also when many
 * guesses arrive in one HTTP request; enough consecutive failures lock the second step until an admin
 * unlocks it. Sources are told apart through a trusted proxy's X-Forwarded-For.
 */
describe('second-factor attempt limits', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: GqlClient;
  let mail: MailSink;
  let net = 10;

  beforeAll(async () => {
    db = await createTestDatabase('two_factor_limits');
    mail = await MailSink.start();
    server = await startServer({
      DATABASE_URL: db.url,
      SMTP_URL: mail.url,
      TRUSTED_PROXIES: '127.0.0.1',
      SECOND_FACTOR_MAX_ATTEMPTS: '5',
      // Long enough that no burst of concurrent requests outlasts it on a slow machine; a test that
      // needs the window to pass moves the stored window starts back (`windowPasses`).
      SECOND_FACTOR_WINDOW_SECONDS: '60',
      SECOND_FACTOR_LOCKOUT_FAILURES: '8',
    });
    ({ client: admin } = await setupAdmin(server));
  });
  afterAll(async () => {
    await server?.stop();
    await mail?.stop();
    await db?.drop();
  });

  /** The attempt windows in force end now, as if a minute had passed (every other state stays). */
  const windowPasses = () =>
    db.query(`update failure_counter set window_start = window_start - interval '61 seconds' where key like '2fa:%'`);

  /** A user with an authenticator app, and a client from its own address that stopped after the password. */
  async function pendingUser(
    ip = `198.51.100.${net++}`,
  ): Promise<{ client: GqlClient; secret: string; id: string; email: string; recoveryCodes: string[] }> {
    const { client: setup, email, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret, recoveryCodes } = await enrollTotp(setup);
    const client = new GqlClient(server.url, { 'x-forwarded-for': ip });
    expect((await loginStep(client, email)).typename).toBe('SecondFactorRequired');
    return { client, secret, id, email, recoveryCodes };
  }

  let farNet = 1;
  /**
   * An address in a network no other test uses, with its second-factor budget's key: alternately IPv4
   * (its own /24, keyed by the /32) and IPv6 (its own /48, keyed by the /64).
   */
  function farAddress(): { ip: string; key: string } {
    const n = farNet++;
    if (n % 2 === 1) return { ip: `198.18.${n}.1`, key: `2fa:ip:198.18.${n}.1/32` };
    const hex = n.toString(16);
    return { ip: `2001:db8:${hex}::1`, key: `2fa:ip:2001:db8:${hex}::/64` };
  }

  /** What a network's second-factor budget has spent in its window (0: nothing, or no row). */
  const spent = async (key: string) =>
    (await db.query<{ count: number }>(`select count from failure_counter where key = $1`, [key]))[0]?.count ?? 0;

  /** A client from that address that gave the account's password and now owes the second step. */
  async function signInFrom(ip: string, email: string): Promise<GqlClient> {
    const client = new GqlClient(server.url, { 'x-forwarded-for': ip });
    expect((await loginStep(client, email)).typename).toBe('SecondFactorRequired');
    return client;
  }

  const wrong = (secret: string) => {
    const right = new Set([totp(secret, -1), totp(secret, 0), totp(secret, 1)]);
    let n = 100000;
    while (right.has(String(n))) n++;
    return String(n);
  };

  /** Every guess as an alias of one mutation document; the answers' codes (or type names), in order. */
  async function aliased(client: GqlClient, guesses: string[], field: (guess: string) => string): Promise<string[]> {
    const doc = `mutation { ${guesses.map((g, i) => `g${i}: ${field(g)} { __typename ... on ErrorResult { code } }`).join('\n')} }`;
    const res = await client.gql(doc);
    return guesses.map((_, i) => res.data![`g${i}`].code ?? res.data![`g${i}`].__typename);
  }

  it('asking for a method that cannot finish the sign-in costs no attempt', async () => {
    const budget = async (accountId: string) =>
      (await db.query<{ count: number }>(`select count from failure_counter where key = $1`, [`2fa:acct:${accountId}`]))[0]
        ?.count ?? 0;
    const verify = (c: GqlClient, method: string, code: string) =>
      c
        .gql(Q.verify, { i: method === 'WEBAUTHN' ? { method, webauthnResponse: { id: code } } : { method, code } })
        .then((r) => r.data!['verifySecondFactor'].code as string | undefined);

    // Methods the user never set up.
    const { client, secret, id } = await pendingUser();
    for (const method of ['EMAIL', 'WEBAUTHN', 'EMAIL', 'WEBAUTHN'])
      expect(await verify(client, method, '123456')).toBe('METHOD_NOT_SET_UP');
    expect(await budget(id)).toBe(0);
    // A wrong app code does count (this is the budget's row).
    expect(await verify(client, 'TOTP', wrong(secret))).toBe('CODE_INVALID');
    expect(await budget(id)).toBe(1);
    // Recovery codes alone are no method: they only back one up.
    await db.query(`delete from totp_authenticator where account_id = $1`, [id]);
    expect(await verify(client, 'RECOVERY_CODE', 'AAAAA-BBBBB')).toBe('METHOD_NOT_SET_UP');
    expect(await budget(id)).toBe(1);

    // Staff with an e-mail factor while e-mail codes are off for staff (the default).
    const { client: setup, email, id: staffId } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: [] });
    await enrollTotp(setup);
    await db.query(
      `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
       values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
      [staffId, email],
    );
    const staff = new GqlClient(server.url, { 'x-forwarded-for': `198.51.100.${net++}` });
    expect(await loginStep(staff, email)).toMatchObject({ typename: 'SecondFactorRequired', methods: ['TOTP', 'RECOVERY_CODE'] });
    expect(await verify(staff, 'EMAIL', '123456')).toBe('METHOD_NOT_SET_UP');
    expect(await budget(staffId)).toBe(0);
  });

  it('a factor that cannot be used now still owes the second step: a recovery code, or an admin reset', async () => {
    const client = () => new GqlClient(server.url, { 'x-forwarded-for': `198.51.100.${net++}` });
    const login = async (c: GqlClient, email: string) =>
      (
        await c.gql(`mutation($i: LoginInput!) { login(input: $i) { __typename ... on ErrorResult { code } } }`, {
          i: { email, password: PASSWORD },
        })
      ).data!['login'];
    // Its only method a security key flagged as a possible clone (its signature counter went back).
    const { client: setup, email, id } = await createAccount(server, admin, { role: 'USER' });
    const { recoveryCodes } = await enrollTotp(setup);
    expect(recoveryCodes.length).toBeGreaterThan(1);
    await db.query(`delete from totp_authenticator where account_id = $1`, [id]);
    await db.query(
      `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at, flagged_at)
       values (gen_random_uuid(), $1, $2, 'key', 7, '[]', 'Phone', now(), now())`,
      [id, `credential-${id}`],
    );
    // With recovery codes left, only a recovery code finishes the sign-in.
    const first = client();
    expect(await loginStep(first, email)).toMatchObject({ typename: 'SecondFactorRequired', methods: ['RECOVERY_CODE'] });
    const ok = await first.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: recoveryCodes[0] } });
    expect(ok.data!['verifySecondFactor'].__typename).toBe('LoginSuccess');
    // Recovery codes are its way in: it can renew them (after confirming with one).
    const reauth = await first.gql(Q.reauth, {
      i: { password: PASSWORD, secondFactor: { method: 'RECOVERY_CODE', code: recoveryCodes[1] } },
    });
    expect(reauth.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
    const renewed = await first.gql(`mutation { generateRecoveryCodes { codes } }`);
    expect(renewed.data?.['generateRecoveryCodes']?.codes, JSON.stringify(renewed)).toHaveLength(10);
    // Without any: refused, with no session, pending or full, and no enrollment that the password alone could make.
    await db.query(`delete from recovery_code where account_id = $1`, [id]);
    const second = client();
    expect(await login(second, email)).toEqual({ __typename: 'TwoFactorError', code: 'SECOND_FACTOR_UNAVAILABLE' });
    expect((await second.gql(Q.me)).data!['me']).toBeNull();
    expect(second.getCookie('sc_session')).toBeUndefined();
    expect(
      await db.query(`select 1 from session where account_id = $1 and revoked_at is null and stage <> 'FULL'`, [id]),
    ).toEqual([]);

    // Staff whose only method is e-mail codes while those are off for staff (the default): the same.
    const { email: staffEmail, id: staffId } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: [] });
    await db.query(
      `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
       values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
      [staffId, staffEmail],
    );
    expect(await login(client(), staffEmail)).toEqual({ __typename: 'TwoFactorError', code: 'SECOND_FACTOR_UNAVAILABLE' });
  });

  it('after five wrong codes even the right one is refused until the window passes', async () => {
    const { client, secret } = await pendingUser();
    // Away from a 30 s step edge first.
    await awayFromStepEdge();
    for (let i = 0; i < 5; i++) {
      const r = await client.gql(Q.verify, { i: { method: 'TOTP', code: wrong(secret) } });
      expect(r.data!['verifySecondFactor'].code).toBe('CODE_INVALID');
    }
    const limited = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
    expect(limited.data!['verifySecondFactor']).toMatchObject({
      __typename: 'TwoFactorError',
      code: 'TOO_MANY_ATTEMPTS',
      reason: 'WRONG_CODES',
    });
    expect(Date.parse(limited.data!['verifySecondFactor'].retryAfter)).toBeGreaterThan(Date.now() - 1000);
    await windowPasses();
    await awayFromStepEdge();
    const ok = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
    expect(ok.data!['verifySecondFactor'].__typename).toBe('LoginSuccess');
  });

  it('an admin reset starts the account’s budget afresh: the holder who spent it sets up a new app at once', async () => {
    // The holder lost the phone and tried five codes from memory: the account's budget is spent.
    const { client, secret, id, email } = await pendingUser();
    await awayFromStepEdge();
    for (let i = 0; i < 5; i++) {
      expect((await client.gql(Q.verify, { i: { method: 'TOTP', code: wrong(secret) } })).data!['verifySecondFactor'].code).toBe(
        'CODE_INVALID',
      );
    }
    // (Another admin: this file's admin must stay without a fresh re-authentication for later tests.)
    const { client: resetter } = await createAccount(server, admin, { role: 'ADMIN' });
    await reauthenticate(resetter);
    const reset = await resetter.gql(`mutation($id: ID!) { resetTwoFactor(accountId: $id) { __typename } }`, { id });
    expect(reset.data?.['resetTwoFactor']?.__typename, JSON.stringify(reset)).toBe('TwoFactorResetDone');
    // Nothing to guess at any more: the password signs in, and the new phone's app is set up at once.
    const holder = new GqlClient(server.url, { 'x-forwarded-for': `198.51.100.${net++}` });
    expect((await loginStep(holder, email)).typename).toBe('LoginSuccess');
    const start = await holder.gql(Q.startTotp);
    const fresh = (start.data!['startTotpEnrollment'].secret as string).replace(/\s/g, '');
    await awayFromStepEdge();
    const wrongOnce = await holder.gql(Q.confirmTotp, { c: wrong(fresh) });
    expect(wrongOnce.data!['confirmTotpEnrollment'].code).toBe('CODE_INVALID');
    const confirmed = await holder.gql(Q.confirmTotp, { c: totp(fresh, 0) });
    expect(confirmed.data!['confirmTotpEnrollment'], JSON.stringify(confirmed)).toMatchObject({ __typename: 'TwoFactorEnabled' });
    // The fresh budget is a budget all the same: five wrong tries still stop the sixth.
    expect(await spent(`2fa:acct:${id}`)).toBe(1);
  });

  it('a replayed app code is e-mailed once an hour per network: the holder’s own double sign-in does not hide a replay from elsewhere', async () => {
    const ip = `198.51.100.${net++}`;
    const { client, secret, email } = await pendingUser(ip);
    await awayFromStepEdge();
    const code = totp(secret, 0);
    expect((await client.gql(Q.verify, { i: { method: 'TOTP', code } })).data!['verifySecondFactor'].__typename).toBe(
      'LoginSuccess',
    );
    const since = mail.count();
    const replayFrom = async (from: string) => {
      const c = new GqlClient(server.url, { 'x-forwarded-for': from });
      expect((await loginStep(c, email)).typename).toBe('SecondFactorRequired');
      expect((await c.gql(Q.verify, { i: { method: 'TOTP', code } })).data!['verifySecondFactor'].code).toBe('CODE_ALREADY_USED');
    };
    // The holder's second device on the same network, twice: told once.
    await replayFrom(ip);
    await replayFrom(ip);
    const replays = () => mail.messages.slice(since).filter((m) => m.to.includes(email) && /used twice/i.test(m.subject));
    await expect.poll(() => replays().length).toBe(1);
    // Then someone elsewhere: told again, with that address.
    const far = farAddress();
    await replayFrom(far.ip);
    await expect.poll(() => replays().length).toBe(2);
    await new Promise((r) => setTimeout(r, 1000));
    expect(replays()).toHaveLength(2);
    expect(MailSink.text(replays()[1]!)).toContain(`from ${far.ip} at `);
  });

  it('a refusal with nothing to compare costs no attempt and no failure: no code sent, a code expired, a key answer without a challenge', async () => {
    const { client: setup, email, id } = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(setup);
    await db.query(
      `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
       values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
      [id, email],
    );
    await db.query(
      `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at)
       values (gen_random_uuid(), $1, $2, 'key', 7, '[]', 'Phone', now())`,
      [id, `credential-${id}`],
    );
    const { ip, key: netKey } = farAddress();
    const client = new GqlClient(server.url, { 'x-forwarded-for': ip });
    expect((await loginStep(client, email)).typename).toBe('SecondFactorRequired');
    const failures = async () =>
      (await db.query<{ n: number }>(`select consecutive_failures as n from two_factor_state where account_id = $1`, [id]))[0]
        ?.n ?? 0;
    const verify = async (i: Record<string, unknown>) => (await client.gql(Q.verify, { i })).data!['verifySecondFactor'].code;
    // Six times each, more than the budget: none of them is refused as too many.
    for (let n = 0; n < 6; n++) expect(await verify({ method: 'EMAIL', code: '123456' })).toBe('NO_CODE_SENT');
    expect((await client.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
    await db.query(`update email_code set expires_at = now() - interval '1 second' where account_id = $1`, [id]);
    for (let n = 0; n < 6; n++) expect(await verify({ method: 'EMAIL', code: '123456' })).toBe('CODE_EXPIRED');
    // A code used already (a double submit, say): whatever is sent, nothing is compared.
    await db.query(`update email_code set used_at = now(), expires_at = now() + interval '5 minutes' where account_id = $1`, [
      id,
    ]);
    for (let n = 0; n < 6; n++) expect(await verify({ method: 'EMAIL', code: '123456' })).toBe('CODE_INVALID');
    const assertion = {
      id: `credential-${id}`,
      rawId: `credential-${id}`,
      type: 'public-key',
      response: { clientDataJSON: 'e30', authenticatorData: 'AAAA', signature: 'AAAA' },
    };
    for (let n = 0; n < 6; n++) expect(await verify({ method: 'WEBAUTHN', webauthnResponse: assertion })).toBe('WEBAUTHN_FAILED');
    expect(await spent(`2fa:acct:${id}`)).toBe(0);
    expect(await spent(netKey)).toBe(0);
    expect(await failures()).toBe(0);
    // A code that is compared counts, as always.
    expect(await verify({ method: 'RECOVERY_CODE', code: 'AAAAA-BBBBB' })).toBe('CODE_INVALID');
    expect(await spent(`2fa:acct:${id}`)).toBe(1);
    expect(await failures()).toBe(1);

    // Confirming an e-mail setup with no live code (expired here) costs the account nothing either.
    const { client: other, id: otherId } = await createAccount(server, admin, { role: 'USER' });
    const address = `late-${Date.now()}@example.test`;
    expect((await other.gql(Q.startEmail, { a: address })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
    await db.query(`update email_code set expires_at = now() - interval '1 second' where account_id = $1`, [otherId]);
    for (let n = 0; n < 6; n++)
      expect((await other.gql(Q.confirmEmail, { c: '123456' })).data!['confirmEmailEnrollment'].code).toBe('CODE_EXPIRED');
    expect(await spent(`2fa:acct:${otherId}`)).toBe(0);
  });

  it('a security-key prompt replaced by a newer one (another tab): its answer takes nothing and costs nothing, and the newer one still signs in', async () => {
    const { client: setup, email, id } = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(setup);
    const key = new SoftKey(server.url);
    const REGISTER = `mutation($r: JSONObject!) { finishWebauthnRegistration(response: $r) { __typename ... on ErrorResult { code } } }`;
    const registrationOptions = () =>
      setup.gql(`mutation { webauthnRegistrationOptions(name: "Desk key") }`).then((r) => r.data!['webauthnRegistrationOptions']);
    // Adding a key: two prompts of one setup; the first one's answer finds its setup replaced, the second's is stored.
    const firstSetup = await registrationOptions();
    const secondSetup = await registrationOptions();
    expect((await setup.gql(REGISTER, { r: key.registration(firstSetup) })).data!['finishWebauthnRegistration']).toEqual({
      __typename: 'TwoFactorError',
      code: 'NOT_ENROLLING',
    });
    expect((await setup.gql(REGISTER, { r: key.registration(secondSetup) })).data!['finishWebauthnRegistration'].__typename).toBe(
      'TwoFactorEnabled',
    );

    // Signing in: two prompts of one sign-in (two tabs); the first one's answer is refused with nothing compared.
    const { ip, key: netKey } = farAddress();
    const client = await signInFrom(ip, email);
    const options = () =>
      client.gql(`mutation { webauthnAuthenticationOptions }`).then((r) => r.data!['webauthnAuthenticationOptions']);
    const first = await options();
    const second = await options();
    const verify = async (o: { challenge: string }) =>
      (await client.gql(Q.verify, { i: { method: 'WEBAUTHN', webauthnResponse: key.assertion(o) } })).data!['verifySecondFactor'];
    expect(await verify(first)).toMatchObject({ __typename: 'TwoFactorError', code: 'WEBAUTHN_FAILED' });
    expect(await spent(`2fa:acct:${id}`)).toBe(0);
    expect(await spent(netKey)).toBe(0);
    expect(
      (await db.query<{ n: number }>(`select consecutive_failures as n from two_factor_state where account_id = $1`, [id]))[0]
        ?.n ?? 0,
    ).toBe(0);
    expect((await verify(second)).__typename).toBe('LoginSuccess');
  });

  it('an attempt given back after its window ended leaves the next window’s count alone', async () => {
    // Someone with the password reads the window's end from `retryAfter` and sends attempts just before
    // it whose give-backs land in the next window: each must not cancel a guess counted there.
    const { client: setup, email, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(setup);
    await db.query(
      `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
       values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
      [id, email],
    );
    const { ip, key: netKey } = farAddress();
    const acctKey = `2fa:acct:${id}`;
    /** A sign-in from that network with its code e-mailed to it. */
    const withCode = async () => {
      const c = await signInFrom(ip, email);
      const since = mail.count();
      expect((await c.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      return { client: c, code: await mail.codeFor(email, since) };
    };
    // One will be right (given back as a success), one dies of wrong tries while it waits (nothing
    // compared: given back as unchecked).
    const [right, dead] = [await withCode(), await withCode()];
    const verify = (s: { client: GqlClient; code: string }) =>
      s.client.gql(Q.verify, { i: { method: 'EMAIL', code: s.code } }).then((r) => r.data!['verifySecondFactor']);
    const [rightAnswer, deadAnswer] = await inLockOrder(
      db,
      [`select 1 from email_code where account_id = $1 for update`, [id]],
      [() => verify(right), () => verify(dead)],
      {
        waitingOn: 'email_code',
        meanwhile: async (locker) => {
          // Both attempts were taken in the window in force, and wait on their codes. That window ends,
          // and three wrong app codes from the same network are counted in the next one.
          expect([await spent(acctKey), await spent(netKey)]).toEqual([2, 2]);
          await windowPasses();
          for (let i = 0; i < 3; i++) {
            const r = await (await signInFrom(ip, email)).gql(Q.verify, { i: { method: 'TOTP', code: wrong(secret) } });
            expect(r.data!['verifySecondFactor'].code, JSON.stringify(r)).toBe('CODE_INVALID');
          }
          expect([await spent(acctKey), await spent(netKey)]).toEqual([3, 3]);
          await locker.query(
            `update email_code set failures = 5
              where id = (select id from email_code where account_id = $1 order by sent_at desc limit 1)`,
            [id],
          );
        },
      },
    );
    expect(rightAnswer.__typename, JSON.stringify(rightAnswer)).toBe('LoginSuccess');
    expect(deadAnswer.code, JSON.stringify(deadAnswer)).toBe('TOO_MANY_ATTEMPTS');
    // Given back in a window that has ended: the new window's counts stand.
    expect([await spent(acctKey), await spent(netKey)]).toEqual([3, 3]);
  });

  it('a spent budget or a lock refuses an app code before it is compared, in both flows', async () => {
    const ip = `198.51.100.${net++}`;
    const { client, secret, id, email } = await pendingUser(ip);
    // The pending sign-in's first code is compared with what the password step read (the next test);
    // from the second on, the app and the limits are read when the code comes.
    expect((await client.gql(Q.verify, { i: { method: 'TOTP', code: wrong(secret) } })).data!['verifySecondFactor'].code).toBe(
      'CODE_INVALID',
    );
    const oneRequest = () =>
      new GqlClient(server.url, { 'x-forwarded-for': ip })
        .gql(`mutation($i: LoginInput!) { login(input: $i) { __typename ... on ErrorResult { code } } }`, {
          i: { email, password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } },
        })
        .then((r) => r.data!['login'].code as string);
    const verify = () =>
      client
        .gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } })
        .then((r) => r.data!['verifySecondFactor'].code as string);
    // The account's turn to be decided is held throughout: an answer while it is held was given before
    // the code reached the decision. A code that reached it waits there, and is reported so after 15 s
    // (the lock is then let go, and the request ends).
    const answered = (p: Promise<string>) =>
      Promise.race([p, new Promise<string>((r) => setTimeout(() => r('still waiting at the decision'), 15_000))]);
    const locker = new pg.Client({ connectionString: db.url });
    await locker.connect();
    try {
      await locker.query('begin');
      await locker.query(`select pg_advisory_xact_lock(20261202, hashtext($1))`, [`2fa:acct:${id}`]);
      await awayFromStepEdge();
      await db.query(
        `insert into failure_counter (key, count, window_start) values ($1, 5, now())
           on conflict (key) do update set count = excluded.count, window_start = now()`,
        [`2fa:acct:${id}`],
      );
      expect(await answered(verify())).toBe('TOO_MANY_ATTEMPTS');
      expect(await answered(oneRequest())).toBe('TOO_MANY_ATTEMPTS');
      await db.query(`delete from failure_counter where key = $1`, [`2fa:acct:${id}`]);
      await db.query(
        `insert into failure_counter (key, count, window_start) values ($1, 20, now())
           on conflict (key) do update set count = excluded.count, window_start = now()`,
        [`2fa:ip:${ip}/32`],
      );
      expect(await answered(verify())).toBe('TOO_MANY_ATTEMPTS');
      expect(await answered(oneRequest())).toBe('TOO_MANY_ATTEMPTS');
      await db.query(`delete from failure_counter where key = $1`, [`2fa:ip:${ip}/32`]);
      // (The wrong code above began the account's run of failures.)
      await db.query(
        `insert into two_factor_state (account_id, consecutive_failures, locked_at) values ($1, 8, now())
           on conflict (account_id) do update set consecutive_failures = 8, locked_at = now()`,
        [id],
      );
      expect(await answered(verify())).toBe('SECOND_FACTOR_LOCKED');
      expect(await answered(oneRequest())).toBe('SECOND_FACTOR_LOCKED');
    } finally {
      await locker.query('rollback');
      await locker.end();
    }
  });

  it('the first code of a pending sign-in is held to the limits as they stand when it comes, not as the password step read them', async () => {
    const ip = `198.51.100.${net++}`;
    const { client, secret, id } = await pendingUser(ip);
    await awayFromStepEdge();
    const verify = async () =>
      (await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } })).data!['verifySecondFactor'];
    // Spent after the password step read the limits along with the app.
    await db.query(
      `insert into failure_counter (key, count, window_start) values ($1, 5, now())
         on conflict (key) do update set count = excluded.count, window_start = now()`,
      [`2fa:acct:${id}`],
    );
    expect(await verify()).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    // Nothing was counted, and the right code refused past the budget is not used up.
    expect(await spent(`2fa:acct:${id}`)).toBe(5);
    await db.query(`delete from failure_counter where key = $1`, [`2fa:acct:${id}`]);
    await db.query(`insert into two_factor_state (account_id, consecutive_failures, locked_at) values ($1, 8, now())`, [id]);
    expect(await verify()).toMatchObject({ code: 'SECOND_FACTOR_LOCKED' });
    await db.query(`delete from two_factor_state where account_id = $1`, [id]);
    expect(await verify()).toMatchObject({ __typename: 'LoginSuccess' });
  });

  it('a code compared with an app that was removed or replaced meanwhile counts for nothing, right or wrong', async () => {
    const ip = `198.51.100.${net++}`;
    const { id } = await pendingUser(ip);
    // The decision for a code compared with an app id that is no longer the account's working app (a
    // one-request sign-in reads the app before its hash, which may wait): asked directly of the database.
    const gone = `00000000-0000-4000-8000-${String(net).padStart(12, '0')}`;
    const decide = (step: number | null) =>
      db.query<{ outcome: string }>(`select outcome from totp_attempt($1, $2, $3, $4, $5, 900, 5, 20, 8, null, 100)`, [
        id,
        gone,
        step,
        `2fa:acct:${id}`,
        `2fa:ip:${ip}/32`,
      ]);
    expect(await decide(null)).toEqual([{ outcome: 'GONE' }]);
    expect(await decide(Math.floor(Date.now() / 30_000))).toEqual([{ outcome: 'GONE' }]);
    expect(await spent(`2fa:acct:${id}`)).toBe(0);
    expect(await spent(`2fa:ip:${ip}/32`)).toBe(0);
    expect(await db.query(`select 1 from two_factor_state where account_id = $1 and consecutive_failures > 0`, [id])).toEqual([]);
  });

  it('aliased guesses in one request are limited like separate requests', async () => {
    const { client, secret } = await pendingUser();
    await awayFromStepEdge();
    const guesses = Array.from({ length: 12 }, (_, i) => (i === 9 ? totp(secret, 0) : wrong(secret)));
    const answers = await aliased(client, guesses, (g) => `verifySecondFactor(input: { method: TOTP, code: "${g}" })`);
    expect(answers.slice(0, 5)).toEqual(Array(5).fill('CODE_INVALID'));
    // The right code, tenth in the batch, never got checked.
    expect(answers.slice(5)).toEqual(Array(7).fill('TOO_MANY_ATTEMPTS'));
    expect((await client.gql(Q.me)).data!['me']).toBeNull();
  });

  it('codes sent with the password are limited alike, also aliased in one request', async () => {
    const ip = `198.51.100.${net++}`;
    const { client: setup, email } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(setup);
    const client = new GqlClient(server.url, { 'x-forwarded-for': ip });
    await awayFromStepEdge();
    const guesses = Array.from({ length: 8 }, (_, i) => (i === 6 ? totp(secret, 0) : wrong(secret)));
    const answers = await aliased(
      client,
      guesses,
      (g) => `login(input: { email: "${email}", password: "${PASSWORD}", secondFactor: { method: TOTP, code: "${g}" } })`,
    );
    expect(answers.slice(0, 5)).toEqual(Array(5).fill('CODE_INVALID'));
    // The right code, seventh in the batch, never got checked.
    expect(answers.slice(5)).toEqual(Array(3).fill('TOO_MANY_ATTEMPTS'));
    expect((await client.gql(Q.me)).data!['me']).toBeNull();
  });

  it('the limit also holds per network, across accounts (four accounts’ worth by default)', async () => {
    const ip = '203.0.113.77';
    const users = [];
    for (let i = 0; i < 5; i++) users.push(await pendingUser(ip));
    await awayFromStepEdge(); // before, not after: the window must not pass in between
    // Four accounts' budgets of wrong codes (4 × 5 = 20) spend the network's.
    for (const u of users.slice(0, 4)) {
      for (let i = 0; i < 5; i++) {
        const r = await u.client.gql(Q.verify, { i: { method: 'TOTP', code: wrong(u.secret) } });
        expect(r.data!['verifySecondFactor'].code, JSON.stringify(r)).toBe('CODE_INVALID');
      }
    }
    const b = users[4]!;
    const r = await b.client.gql(Q.verify, { i: { method: 'TOTP', code: totp(b.secret, 0) } });
    expect(r.data!['verifySecondFactor'].code, JSON.stringify(r)).toBe('TOO_MANY_ATTEMPTS');
    // The same account from another network still has its own budget left.
    const elsewhere = new GqlClient(server.url, { 'x-forwarded-for': '192.0.2.200' });
    await loginStep(elsewhere, b.email);
    const ok = await elsewhere.gql(Q.verify, { i: { method: 'TOTP', code: totp(b.secret, 0) } });
    expect(ok.data!['verifySecondFactor'].__typename).toBe('LoginSuccess');
  });

  it('an IPv6 site (/48) has a budget of its own, five networks’ worth: one /64 after another gives no fresh budget each', async () => {
    // Someone with many accounts' passwords and a routed /48 (a free tunnel): each account's guesses
    // from a /64 of its own, each /64 far from its network's budget (5 of 20).
    const site = '2001:db8:5e00';
    let subnet = 1;
    const from = () => `${site}:${(subnet++).toString(16)}::1`;
    const users = [];
    for (let i = 0; i < 20; i++) users.push(await pendingUser(from()));
    await awayFromStepEdge();
    // Five networks' budgets (5 × 20 = 100 wrong codes): half by app codes, half by recovery codes.
    for (const [i, u] of users.entries()) {
      const guess = (g: string) =>
        i % 2 === 0
          ? `verifySecondFactor(input: { method: TOTP, code: "${g}" })`
          : `verifySecondFactor(input: { method: RECOVERY_CODE, code: "${g}" })`;
      const guesses = Array.from({ length: 5 }, () => (i % 2 === 0 ? wrong(u.secret) : 'AAAAA-BBBBB'));
      expect(await aliased(u.client, guesses, guess)).toEqual(Array(5).fill('CODE_INVALID'));
    }
    expect(await spent(`2fa:site:${site}::/48`)).toBe(100);

    // Another account, from yet another /64 of that site: its right app code and its right recovery
    // code are refused unchecked, in the dashboard's flow and with the password alike.
    const late = await pendingUser(from());
    const app = await late.client.gql(Q.verify, { i: { method: 'TOTP', code: totp(late.secret, 0) } });
    expect(app.data!['verifySecondFactor'], JSON.stringify(app)).toMatchObject({
      code: 'TOO_MANY_ATTEMPTS',
      reason: 'WRONG_CODES',
    });
    const rec = await late.client.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: late.recoveryCodes[0] } });
    expect(rec.data!['verifySecondFactor'].code, JSON.stringify(rec)).toBe('TOO_MANY_ATTEMPTS');
    const oneRequest = await new GqlClient(server.url, { 'x-forwarded-for': from() }).gql(
      `mutation($i: LoginInput!) { login(input: $i) { __typename ... on ErrorResult { code } } }`,
      { i: { email: late.email, password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(late.secret, 0) } } },
    );
    expect(oneRequest.data!['login'], JSON.stringify(oneRequest)).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    // The account is not at fault: its own budget and its failures are untouched, and the site paid nothing more.
    expect(await spent(`2fa:acct:${late.id}`)).toBe(0);
    expect(
      await db.query(`select 1 from two_factor_state where account_id = $1 and consecutive_failures > 0`, [late.id]),
    ).toEqual([]);
    expect(await spent(`2fa:site:${site}::/48`)).toBe(100);

    // From another site the holder signs in with that recovery code (still unused), and a right code
    // leaves that site's budget as it found it.
    const elsewhere = new GqlClient(server.url, { 'x-forwarded-for': '2001:db8:5e01:1::1' });
    expect((await loginStep(elsewhere, late.email)).typename).toBe('SecondFactorRequired');
    const ok = await elsewhere.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: late.recoveryCodes[0] } });
    expect(ok.data!['verifySecondFactor'].__typename, JSON.stringify(ok)).toBe('LoginSuccess');
    expect(await spent('2fa:site:2001:db8:5e01::/48')).toBe(0);
    // Signed in, the holder cannot re-authenticate from the spent site either (its budget is read there too).
    const reauth = await elsewhere.gql(
      Q.reauth,
      { i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(late.secret, 0) } } },
      { 'x-forwarded-for': from() },
    );
    expect(reauth.data!['reauthenticate'].code, JSON.stringify(reauth)).toBe('TOO_MANY_ATTEMPTS');
    // An IPv4 source has no site: its network is its address.
    expect(await db.query(`select key from failure_counter where key like '2fa:site:%' and key not like '2fa:site:%:%'`)).toEqual(
      [],
    );
  });

  it('one person’s wrong codes do not stop the others behind the same address', async () => {
    const ip = '203.0.113.80';
    const [guesser, other] = [await pendingUser(ip), await pendingUser(ip)];
    await awayFromStepEdge();
    // The guesser spends the whole of its own account's budget, and more.
    for (let i = 0; i < 7; i++) await guesser.client.gql(Q.verify, { i: { method: 'TOTP', code: wrong(guesser.secret) } });
    const refused = await guesser.client.gql(Q.verify, { i: { method: 'TOTP', code: totp(guesser.secret, 0) } });
    expect(refused.data!['verifySecondFactor'].code).toBe('TOO_MANY_ATTEMPTS');
    // Someone else at that address signs in, and re-authenticates there, with their own right codes.
    const ok = await other.client.gql(Q.verify, { i: { method: 'TOTP', code: totp(other.secret, 0) } });
    expect(ok.data!['verifySecondFactor'].__typename, JSON.stringify(ok)).toBe('LoginSuccess');
    const again = await other.client.gql(Q.reauth, {
      i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(other.secret, 1) } },
    });
    expect(again.data!['reauthenticate'].__typename, JSON.stringify(again)).toBe('ReauthSuccess');
  });

  it('an address whose budget is spent does not spend the account’s: re-authentications refused there cost it nothing', async () => {
    const ip = '203.0.113.81';
    // Others behind the address spend its budget (four accounts' worth of wrong codes).
    for (let n = 0; n < 4; n++) {
      const u = await pendingUser(ip);
      for (let i = 0; i < 5; i++) await u.client.gql(Q.verify, { i: { method: 'TOTP', code: wrong(u.secret) } });
    }
    // A signed-in holder re-authenticates from that address, with the right password and code, over and over.
    const { client: holder, id, email } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(holder);
    await awayFromStepEdge();
    for (let i = 0; i < 6; i++) {
      const r = await holder.gql(
        Q.reauth,
        { i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } } },
        { 'x-forwarded-for': ip },
      );
      expect(r.data!['reauthenticate'].code, JSON.stringify(r)).toBe('TOO_MANY_ATTEMPTS');
    }
    // The account's own budget is untouched: from elsewhere its right code signs it in.
    expect(await db.query(`select count from failure_counter where key = $1 and count > 0`, [`2fa:acct:${id}`])).toEqual([]);
    const elsewhere = new GqlClient(server.url, { 'x-forwarded-for': '192.0.2.201' });
    expect((await loginStep(elsewhere, email)).typename).toBe('SecondFactorRequired');
    const ok = await elsewhere.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
    expect(ok.data!['verifySecondFactor'].__typename, JSON.stringify(ok)).toBe('LoginSuccess');
  });

  it('the account limit holds on its own: five wrong codes from five networks refuse the right one from a sixth', async () => {
    // Each network is far from its own budget (1 of 5): only the account's budget can refuse here.
    const { client: setup, email, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(setup);
    const guessed: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { ip, key } = farAddress();
      const r = await (await signInFrom(ip, email)).gql(Q.verify, { i: { method: 'TOTP', code: wrong(secret) } });
      expect(r.data!['verifySecondFactor'].code, JSON.stringify(r)).toBe('CODE_INVALID');
      guessed.push(key);
    }
    for (const key of guessed) expect(await spent(key)).toBe(1);
    const fresh = farAddress();
    const client = await signInFrom(fresh.ip, email);
    await awayFromStepEdge();
    const limited = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
    expect(limited.data!['verifySecondFactor']).toMatchObject({
      __typename: 'TwoFactorError',
      code: 'TOO_MANY_ATTEMPTS',
      reason: 'WRONG_CODES',
    });
    expect(Date.parse(limited.data!['verifySecondFactor'].retryAfter)).toBeGreaterThan(Date.now() - 1000);
    expect((await client.gql(Q.me)).data!['me']).toBeNull();
    // Refused for the account, with no code checked: the new network paid nothing, and no failure counts
    // toward the lock.
    expect(await spent(fresh.key)).toBe(0);
    expect(await db.query(`select consecutive_failures, locked_at from two_factor_state where account_id = $1`, [id])).toEqual([
      { consecutive_failures: 5, locked_at: null },
    ]);
    // Once the window has passed, the same right code from there signs in.
    await windowPasses();
    await awayFromStepEdge();
    const ok = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
    expect(ok.data!['verifySecondFactor'].__typename, JSON.stringify(ok)).toBe('LoginSuccess');
  });

  it('the account limit holds on its own for concurrent guesses from several networks', async () => {
    // Someone with the password guesses one account's codes from four networks at once, three each
    // (never more than a network's budget of 5): the account's budget alone lets five through.
    const { client: setup, email, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(setup);
    const sources: { key: string; client: GqlClient }[] = [];
    for (let i = 0; i < 4; i++) {
      const { ip, key } = farAddress();
      sources.push({ key, client: await signInFrom(ip, email) });
    }
    const answers = await Promise.all(
      sources.map(({ client }) =>
        Promise.all(
          Array.from({ length: 3 }, () =>
            client
              .gql(Q.verify, { i: { method: 'TOTP', code: wrong(secret) } })
              .then((r) => r.data!['verifySecondFactor'].code as string),
          ),
        ),
      ),
    );
    const all = answers.flat();
    expect(all.filter((c) => c === 'CODE_INVALID')).toHaveLength(5);
    expect(all.filter((c) => c === 'TOO_MANY_ATTEMPTS')).toHaveLength(7);
    // Each network paid only for the codes that were checked.
    for (const [i, { key }] of sources.entries())
      expect(await spent(key)).toBe(answers[i]!.filter((c) => c === 'CODE_INVALID').length);
    // The right code, from a fifth network, is refused too.
    const fresh = farAddress();
    const client = await signInFrom(fresh.ip, email);
    await awayFromStepEdge();
    const limited = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
    expect(limited.data!['verifySecondFactor']).toMatchObject({ __typename: 'TwoFactorError', code: 'TOO_MANY_ATTEMPTS' });
    expect((await client.gql(Q.me)).data!['me']).toBeNull();
    expect(await spent(fresh.key)).toBe(0);
    expect(await db.query(`select consecutive_failures, locked_at from two_factor_state where account_id = $1`, [id])).toEqual([
      { consecutive_failures: 5, locked_at: null },
    ]);
  });

  it('the account limit holds on its own for recovery codes and e-mailed codes too: five wrong from five networks refuse the right one from a sixth', async () => {
    const used = async (table: string, id: string) =>
      (
        await db.query<{ n: number }>(`select count(*)::int as n from ${table} where account_id = $1 and used_at is not null`, [
          id,
        ])
      )[0]!.n;
    const failuresOf = (id: string) =>
      db.query(`select consecutive_failures, locked_at from two_factor_state where account_id = $1`, [id]);

    // Recovery codes: each network far from its own budget (1 of 5), so only the account's can refuse.
    const { client: setup, email, id } = await createAccount(server, admin, { role: 'USER' });
    const { recoveryCodes } = await enrollTotp(setup);
    const guessed: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { ip, key } = farAddress();
      const r = await (await signInFrom(ip, email)).gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: 'AAAAA-BBBBB' } });
      expect(r.data!['verifySecondFactor'].code, JSON.stringify(r)).toBe('CODE_INVALID');
      guessed.push(key);
    }
    for (const key of guessed) expect(await spent(key)).toBe(1);
    const fresh = farAddress();
    const client = await signInFrom(fresh.ip, email);
    const limited = await client.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: recoveryCodes[0] } });
    expect(limited.data!['verifySecondFactor']).toMatchObject({ __typename: 'TwoFactorError', code: 'TOO_MANY_ATTEMPTS' });
    expect((await client.gql(Q.me)).data!['me']).toBeNull();
    // Refused before it was compared: the code is still unused, the new network paid nothing.
    expect(await used('recovery_code', id)).toBe(0);
    expect(await spent(fresh.key)).toBe(0);
    expect(await failuresOf(id)).toEqual([{ consecutive_failures: 5, locked_at: null }]);

    // E-mailed codes, one wrong try in each of five sign-ins (each code has five tries of its own).
    const { client: mailSetup, email: mailEmail, id: mailId } = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(mailSetup);
    await db.query(
      `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
       values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
      [mailId, mailEmail],
    );
    /** A sign-in from a network of its own, with the code e-mailed to it. */
    const withCode = async () => {
      const net = farAddress();
      const c = await signInFrom(net.ip, mailEmail);
      const since = mail.count();
      expect((await c.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      return { client: c, key: net.key, code: await mail.codeFor(mailEmail, since) };
    };
    // The sixth sign-in's code is e-mailed first: once the account's budget is spent, none is sent.
    const last = await withCode();
    for (let i = 0; i < 5; i++) {
      const { client: c, key, code } = await withCode();
      const other = code === '123456' ? '654321' : '123456';
      const r = await c.gql(Q.verify, { i: { method: 'EMAIL', code: other } });
      expect(r.data!['verifySecondFactor'].code, JSON.stringify(r)).toBe('CODE_INVALID');
      expect(await spent(key)).toBe(1);
    }
    const refused = await last.client.gql(Q.verify, { i: { method: 'EMAIL', code: last.code } });
    expect(refused.data!['verifySecondFactor']).toMatchObject({
      __typename: 'TwoFactorError',
      code: 'TOO_MANY_ATTEMPTS',
      reason: 'WRONG_CODES',
    });
    expect((await last.client.gql(Q.me)).data!['me']).toBeNull();
    expect(await used('email_code', mailId)).toBe(0);
    expect(await spent(last.key)).toBe(0);
    expect(await failuresOf(mailId)).toEqual([{ consecutive_failures: 5, locked_at: null }]);
    // A code asked for now, from yet another network, is not e-mailed: it could only be refused when it
    // came. Said as the wrong codes, with the end of their window; nothing is counted for asking.
    const late = farAddress();
    const lateClient = await signInFrom(late.ip, mailEmail);
    const codesSent = () => mail.messages.filter((m) => m.to.includes(mailEmail) && /verification code/i.test(m.subject)).length;
    const before = codesSent();
    const notSent = (await lateClient.gql(Q.sendCode)).data!['sendEmailCode'];
    expect(notSent).toMatchObject({ __typename: 'TwoFactorError', code: 'TOO_MANY_ATTEMPTS', reason: 'WRONG_CODES' });
    expect(Date.parse(notSent.retryAfter)).toBe(Date.parse(refused.data!['verifySecondFactor'].retryAfter));
    expect(codesSent()).toBe(before);
    expect(await spent(late.key)).toBe(0);
    expect(await failuresOf(mailId)).toEqual([{ consecutive_failures: 5, locked_at: null }]);

    // Once the window has passed, the same right codes sign in.
    await windowPasses();
    const ok = await client.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: recoveryCodes[0] } });
    expect(ok.data!['verifySecondFactor'].__typename, JSON.stringify(ok)).toBe('LoginSuccess');
    const mailed = await last.client.gql(Q.verify, { i: { method: 'EMAIL', code: last.code } });
    expect(mailed.data!['verifySecondFactor'].__typename, JSON.stringify(mailed)).toBe('LoginSuccess');
  });

  it('re-authentication passwords are limited per account: after five wrong attempts the right password and code wait for the window', async () => {
    const { client, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    const from = { 'x-forwarded-for': farAddress().ip };
    const reauth = (password: string) =>
      client
        .gql(Q.reauth, { i: { password, secondFactor: { method: 'TOTP', code: totp(secret, 0) } } }, from)
        .then((r) => r.data!['reauthenticate']);
    const confirmed = () => db.query(`select 1 from session where account_id = $1 and reauth_at is not null`, [id]);
    for (let i = 0; i < 4; i++) {
      expect(await reauth('not the password at all'), `guess ${i + 1}`).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    }
    // The fifth attempt of the window: the right password with a wrong code.
    await awayFromStepEdge();
    const wrongCode = await client
      .gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: wrong(secret) } } }, from)
      .then((r) => r.data!['reauthenticate']);
    expect(wrongCode).toMatchObject({ code: 'CODE_INVALID' });
    expect(await reauth(PASSWORD)).toMatchObject({ __typename: 'TwoFactorError', code: 'TOO_MANY_ATTEMPTS' });
    expect(await confirmed()).toEqual([]);
    // Once the window has passed, the right password and code confirm it is the holder.
    await windowPasses();
    await awayFromStepEdge();
    expect(await reauth(PASSWORD)).toMatchObject({ __typename: 'ReauthSuccess' });
    expect(await confirmed()).toHaveLength(1);
  });

  it('a wrong re-authentication password or second factor is audited; five wrong passwords in a row end the session, not the holder’s sign-in', async () => {
    const { client, id, email } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    const from = { 'x-forwarded-for': farAddress().ip };
    const reauth = (password: string, code?: string) =>
      client
        .gql(Q.reauth, { i: { password, ...(code ? { secondFactor: { method: 'TOTP', code } } : {}) } }, from)
        .then((r) => r.data?.['reauthenticate'] ?? r.errors?.[0]?.extensions);
    const audited = () =>
      db.query<{ actor_id: string; details: Record<string, unknown> }>(
        `select actor_id, details from audit_log where target_id = $1 and action = 'REAUTH_FAILED' order by id`,
        [id],
      );
    const sid = (await db.query<{ sid: string }>(`select id as sid from session where account_id = $1`, [id]))[0]!.sid;
    const wrongPassword = { reason: 'PASSWORD', sessionId: sid };

    for (let i = 0; i < 3; i++) expect(await reauth('not the password at all')).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await audited()).toEqual(Array.from({ length: 3 }, () => ({ actor_id: id, details: wrongPassword })));
    // The right password without the factor it needs: asked for it, nothing audited.
    expect(await reauth(PASSWORD)).toMatchObject({ code: 'SECOND_FACTOR_REQUIRED' });
    // The right password and a wrong code: the code's failure, audited as such.
    await awayFromStepEdge();
    expect(await reauth(PASSWORD, wrong(secret))).toMatchObject({ code: 'CODE_INVALID' });
    expect((await audited()).map((e) => e.details)).toEqual([
      wrongPassword,
      wrongPassword,
      wrongPassword,
      { reason: 'SECOND_FACTOR', method: 'TOTP', sessionId: sid },
    ]);
    // The window's fifth attempt; then a refusal that compared nothing (the budget spent) is not audited.
    expect(await reauth('not the password at all')).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(await reauth('not the password at all')).toMatchObject({ code: 'TOO_MANY_ATTEMPTS' });
    expect(await audited()).toHaveLength(5);

    // The right password ended the run of wrong ones (one since): four more, across windows, and the
    // session ends at the fifth in a row (a stolen cookie gets that many guesses in all)…
    await windowPasses();
    for (let i = 0; i < 3; i++) expect(await reauth('not the password at all')).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect((await client.gql(Q.me)).data!['me']).toMatchObject({ id });
    await windowPasses();
    expect(await reauth('not the password at all')).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect((await client.gql(Q.me)).data!['me']).toBeNull();
    expect(await db.query(`select revoked_reason from session where id = $1`, [sid])).toEqual([
      { revoked_reason: 'REAUTH_FAILED' },
    ]);
    // …while the holder's second step is not locked: they sign in as ever.
    expect(
      await db.query(`select locked_at from two_factor_state where account_id = $1 and locked_at is not null`, [id]),
    ).toEqual([]);
    await windowPasses();
    await awayFromStepEdge();
    const again = await signInFrom(farAddress().ip, email);
    expect(
      (await again.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } })).data!['verifySecondFactor'].__typename,
    ).toBe('LoginSuccess');
  });

  it('the right re-authentication password ends the session’s run of wrong ones', async () => {
    const { client, id } = await createAccount(server, admin, { role: 'USER' });
    const from = { 'x-forwarded-for': farAddress().ip };
    const reauth = (password: string) =>
      client.gql(Q.reauth, { i: { password } }, from).then((r) => r.data?.['reauthenticate'] ?? r.errors?.[0]?.extensions);
    for (let i = 0; i < 4; i++) expect(await reauth('not the password at all')).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    await windowPasses();
    expect(await reauth(PASSWORD)).toMatchObject({ __typename: 'ReauthSuccess' });
    await windowPasses();
    for (let i = 0; i < 4; i++) expect(await reauth('not the password at all')).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect((await client.gql(Q.me)).data!['me']).toMatchObject({ id });
  });

  it('the network limit holds for concurrent guesses across accounts', async () => {
    // Someone with the passwords of several accounts guesses their codes from one address all at once
    // (32 requests in flight, each account within its own budget: when the network's budget was read
    // first and counted after, more got through than it holds).
    const ip = '203.0.113.78';
    const users = [];
    for (let i = 0; i < 8; i++) users.push(await pendingUser(ip));
    const answers = await Promise.all(
      users.flatMap((u) =>
        Array.from({ length: 4 }, () =>
          u.client
            .gql(Q.verify, { i: { method: 'TOTP', code: wrong(u.secret) } })
            .then((r) => r.data!['verifySecondFactor'].code as string),
        ),
      ),
    );
    expect(answers.filter((c) => c === 'CODE_INVALID')).toHaveLength(20);
    expect(answers.filter((c) => c === 'TOO_MANY_ATTEMPTS')).toHaveLength(12);
  });

  it('right codes leave the network budget alone: many people behind one address sign in at once', async () => {
    const ip = '203.0.113.79';
    const key = `2fa:ip:${ip}/32`;
    const users = [];
    for (let i = 0; i < 12; i++) users.push(await pendingUser(ip));
    await awayFromStepEdge(); // then all twelve at once, well within the window
    const answers = await Promise.all(
      users.map((u) =>
        u.client
          .gql(Q.verify, { i: { method: 'TOTP', code: totp(u.secret, 0) } })
          .then((r) => r.data!['verifySecondFactor'].__typename as string),
      ),
    );
    expect(answers).toEqual(Array(12).fill('LoginSuccess'));
    expect(await spent(key)).toBe(0);

    // A recovery code takes its attempt from both budgets up front (and gives it back when right). The
    // network's budget taken by twenty attempts in flight (all it holds) that turn out right: one more
    // waits for them to give their slots back instead of being told "too many wrong codes".
    // Deterministic: the late attempt waits on the budget's row while it is set to 20 (taken), so it
    // finds the budget spent; the twenty give their slots back only after it took its own.
    const late = await pendingUser(ip);
    await db.query(`insert into failure_counter (key, count, window_start) values ($1, 0, now())`, [key]);
    const [inFlight] = await inLockOrder(
      db,
      [`select 1 from failure_counter where key = $1 for update`, [key]],
      [async () => ({ answer: late.client.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: late.recoveryCodes[0] } }) })],
      {
        waitingOn: 'failure_counter',
        meanwhile: (locker) => locker.query(`update failure_counter set count = 20, window_start = now() where key = $1`, [key]),
      },
    );
    // Queued behind the late attempt's own statement on that row: runs after it found the budget spent.
    await db.query(`update failure_counter set count = greatest(count - 20, 0) where key = $1`, [key]);
    expect((await inFlight!.answer).data!['verifySecondFactor'].__typename).toBe('LoginSuccess');
    expect(await spent(key)).toBe(0);
  });

  it('app codes arriving together are decided one at a time: past the budget a right code is refused like a wrong one, and not used up', async () => {
    const ip = `198.51.100.${net++}`;
    const netKey = `2fa:ip:${ip}/32`;
    const step = async (id: string) =>
      (await db.query<{ s: number }>(`select last_used_step as s from totp_authenticator where account_id = $1`, [id]))[0]!.s;
    const replayAudits = async (id: string) =>
      (await db.query(`select 1 from audit_log where target_id = $1 and action = 'TOTP_REPLAY_REFUSED'`, [id])).length;
    /** The answers to these codes, sent in this order and decided in it: the account's turn is held until all wait. */
    const inTurn = async (
      u: { client: GqlClient; id: string },
      codes: string[],
      meanwhile?: (locker: pg.Client) => Promise<unknown>,
    ) => {
      const held = await inLockOrder(
        db,
        [`select pg_advisory_xact_lock(20261202, hashtext($1))`, [`2fa:acct:${u.id}`]],
        codes.map((code) => async () => ({
          answer: u.client
            .gql(Q.verify, { i: { method: 'TOTP', code } })
            .then((r) => (r.data!['verifySecondFactor'].code ?? r.data!['verifySecondFactor'].__typename) as string),
        })),
        { waitingOn: 'totp_attempt', meanwhile },
      );
      return Promise.all(held.map((h) => h.answer));
    };

    // Five wrong codes ahead of the right one: they spend the account's budget, and the right code is
    // then answered as any attempt past it. Its step stays unused, and it cost the network nothing.
    const a = await pendingUser(ip);
    const before = await step(a.id);
    await awayFromStepEdge();
    const right = new Set([-1, 0, 1].map((o) => totp(a.secret, o)));
    const wrongs = Array.from({ length: 8 }, (_, i) => String(100001 + i))
      .filter((c) => !right.has(c))
      .slice(0, 5);
    expect(await inTurn(a, [...wrongs, totp(a.secret, 0)])).toEqual([...Array(5).fill('CODE_INVALID'), 'TOO_MANY_ATTEMPTS']);
    expect(await step(a.id)).toBe(before);
    expect(await spent(netKey)).toBe(5);
    // A code used already (here: by a sign-in elsewhere) past the budget is refused as past it, with no
    // replay alarm: the answer tells nothing of the code. Refused before it is compared, or, when it
    // waited its turn behind the wrong codes that spent the budget, in its turn.
    const useStep = (id: string) =>
      db.query(`update totp_authenticator set last_used_step = $2 where account_id = $1`, [id, Math.floor(Date.now() / 30_000)]);
    await useStep(a.id);
    const replayed = await a.client.gql(Q.verify, { i: { method: 'TOTP', code: totp(a.secret, 0) } });
    expect(replayed.data!['verifySecondFactor'].code).toBe('TOO_MANY_ATTEMPTS');
    expect(await replayAudits(a.id)).toBe(0);
    await db.query(`delete from failure_counter where key = $1`, [netKey]);
    const r = await pendingUser(ip);
    await awayFromStepEdge();
    await useStep(r.id);
    expect(await inTurn(r, [...wrongs, totp(r.secret, 0)])).toEqual([...Array(5).fill('CODE_INVALID'), 'TOO_MANY_ATTEMPTS']);
    expect(await replayAudits(r.id)).toBe(0);
    await db.query(`delete from failure_counter where key = $1`, [netKey]);

    // The failure that reaches the lockout (eight here) locks out the right code queued behind it: it
    // cannot slip in before the lock is written, nor reset the count.
    const l = await pendingUser(ip);
    const lockedBefore = await step(l.id);
    await db.query(`insert into two_factor_state (account_id, consecutive_failures) values ($1, 7)`, [l.id]);
    await awayFromStepEdge();
    const lWrong = [...new Set(wrongs)].find((w) => ![-1, 0, 1].some((o) => totp(l.secret, o) === w))!;
    expect(await inTurn(l, [lWrong, totp(l.secret, 0)])).toEqual(['CODE_INVALID', 'SECOND_FACTOR_LOCKED']);
    expect(await step(l.id)).toBe(lockedBefore);
    expect(
      await db.query(`select consecutive_failures, locked_at is not null as locked from two_factor_state where account_id = $1`, [
        l.id,
      ]),
    ).toEqual([{ consecutive_failures: 8, locked: true }]);
    await db.query(`delete from failure_counter where key = $1`, [netKey]);

    // The budget spent while the right code waited its turn (by the account's, the network's budget, or
    // the lock, committed before its turn came): refused alike.
    const b = await pendingUser(ip);
    const bStep = await step(b.id);
    await awayFromStepEdge();
    expect(
      await inTurn(b, [totp(b.secret, 0)], (locker) =>
        locker.query(
          `insert into failure_counter (key, count, window_start) values ($1, 5, now())
             on conflict (key) do update set count = excluded.count, window_start = now()`,
          [`2fa:acct:${b.id}`],
        ),
      ),
    ).toEqual(['TOO_MANY_ATTEMPTS']);
    const c = await pendingUser(ip);
    const cStep = await step(c.id);
    await awayFromStepEdge();
    expect(
      await inTurn(c, [totp(c.secret, 0)], (locker) =>
        locker.query(
          `insert into failure_counter (key, count, window_start) values ($1, 20, now())
             on conflict (key) do update set count = excluded.count, window_start = now()`,
          [netKey],
        ),
      ),
    ).toEqual(['TOO_MANY_ATTEMPTS']);
    await db.query(`delete from failure_counter where key = $1`, [netKey]);
    const d = await pendingUser(ip);
    const dStep = await step(d.id);
    await awayFromStepEdge();
    expect(
      await inTurn(d, [totp(d.secret, 0)], (locker) =>
        locker.query(`insert into two_factor_state (account_id, consecutive_failures, locked_at) values ($1, 8, now())`, [d.id]),
      ),
    ).toEqual(['SECOND_FACTOR_LOCKED']);
    expect([await step(b.id), await step(c.id), await step(d.id)]).toEqual([bStep, cStep, dStep]);

    // With room in the budgets the same wait ends in a sign-in, and the right code takes no attempt.
    const e = await pendingUser(ip);
    await awayFromStepEdge();
    expect(await inTurn(e, [totp(e.secret, 0)])).toEqual(['LoginSuccess']);
    expect(await spent(`2fa:acct:${e.id}`)).toBe(0);
    expect(await spent(netKey)).toBe(0);
  });

  it('second steps refused without comparing anything (locked, no such method) are recorded once a minute per source, not per request; wrong codes each time', async () => {
    const { client, secret, id } = await pendingUser();
    const failed = async () =>
      (
        await db.query<{ n: number }>(
          `select count(*)::int as n from login_event where account_id = $1 and outcome = 'SECOND_FACTOR_FAILED'`,
          [id],
        )
      )[0]!.n;
    const answer = async (c: GqlClient, method: string, code: string) =>
      (await c.gql(Q.verify, { i: { method, code } })).data!['verifySecondFactor'].code as string;
    await awayFromStepEdge();
    expect(await answer(client, 'TOTP', wrong(secret))).toBe('CODE_INVALID');
    expect(await answer(client, 'TOTP', wrong(secret))).toBe('CODE_INVALID');
    expect(await failed()).toBe(2);
    // E-mail codes it does not have: refused five times, recorded once.
    for (let i = 0; i < 5; i++) expect(await answer(client, 'EMAIL', '123456')).toBe('METHOD_NOT_SET_UP');
    expect(await failed()).toBe(3);
    // Locked: its right code is refused five times without being compared, recorded once.
    await db.query(`update two_factor_state set consecutive_failures = 8, locked_at = now() where account_id = $1`, [id]);
    for (let i = 0; i < 5; i++) expect(await answer(client, 'TOTP', totp(secret, 0))).toBe('SECOND_FACTOR_LOCKED');
    expect(await failed()).toBe(4);
    // From another network, its first refusal is recorded too.
    const elsewhere = new GqlClient(server.url, { 'x-forwarded-for': `198.51.100.${net++}` });
    expect(
      (await loginStep(elsewhere, (await db.query(`select email from account where id = $1`, [id]))[0]!['email'])).typename,
    ).toBe('SecondFactorRequired');
    expect(await answer(elsewhere, 'TOTP', totp(secret, 0))).toBe('SECOND_FACTOR_LOCKED');
    expect(await answer(elsewhere, 'TOTP', totp(secret, 0))).toBe('SECOND_FACTOR_LOCKED');
    expect(await failed()).toBe(5);
  });

  it('the second step from a blocked source is refused (IP_BLOCKED with the block’s end), nothing compared, counted or e-mailed; the sign-in goes on elsewhere', async () => {
    const { client, secret, id, email } = await pendingUser();
    const blockedIp = `198.51.100.${net++}`;
    const block = await admin.gql(`mutation($i: BlockIpInput!) { blockIp(input: $i) { __typename } }`, {
      i: { cidr: blockedIp, note: 'hostile', expiresAt: new Date(Date.now() + 30 * 60_000).toISOString() },
    });
    expect(block.data?.['blockIp']?.__typename, JSON.stringify(block)).toBe('IpBlock');
    // The same pending sign-in (its cookie) from the blocked address.
    const there = new GqlClient(server.url, { 'x-forwarded-for': blockedIp });
    there.setCookie('sc_session', client.getCookie('sc_session')!);
    await awayFromStepEdge();
    const FULL = `mutation($i: SecondFactorInput!) { verifySecondFactor(input: $i) { __typename ... on ErrorResult { code } ... on TwoFactorError { retryAfter } } }`;
    const refused = (await there.gql(FULL, { i: { method: 'TOTP', code: totp(secret, 0) } })).data!['verifySecondFactor'];
    expect(refused).toMatchObject({ __typename: 'TwoFactorError', code: 'IP_BLOCKED' });
    expect(Date.parse(refused.retryAfter) - Date.now()).toBeGreaterThan(25 * 60_000);
    // It has e-mail codes too: none is sent to the blocked address's sign-in.
    await db.query(
      `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
       values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
      [id, email],
    );
    const since = mail.count();
    const send = (await there.gql(`mutation { sendEmailCode { __typename ... on ErrorResult { code } } }`)).data![
      'sendEmailCode'
    ];
    expect(send).toEqual({ __typename: 'TwoFactorError', code: 'IP_BLOCKED' });
    expect((await there.gql(Q.me)).data!['me']).toBeNull();
    expect(await spent(`2fa:acct:${id}`)).toBe(0);
    expect(await db.query(`select consecutive_failures from two_factor_state where account_id = $1`, [id])).toEqual([]);
    // Recorded once as a blocked sign-in.
    const refusals = async () =>
      (await db.query(`select outcome from login_event where account_id = $1 and host(ip) = $2`, [id, blockedIp])).map(
        (r) => r['outcome'],
      );
    expect(await refusals()).toEqual(['BLOCKED']);
    // From its own address the same code finishes the sign-in (it was not used up).
    const ok = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
    expect(ok.data!['verifySecondFactor'].__typename, JSON.stringify(ok)).toBe('LoginSuccess');
    await new Promise((r) => setTimeout(r, 200));
    expect(mail.messages.slice(since).filter((m) => m.to.includes(email.toLowerCase()) && /code/i.test(m.subject))).toEqual([]);
  });

  it('a run of failures at the lockout with no lock written (the lockout lowered since) is locked on the next app code: audited, told, and unlockable', async () => {
    const { client, secret, id, email } = await pendingUser();
    // Eight failures counted when the lockout was higher (or the lock's own write failed after the last).
    await db.query(
      `insert into two_factor_state (account_id, consecutive_failures) values ($1, 8)
       on conflict (account_id) do update set consecutive_failures = 8, locked_at = null`,
      [id],
    );
    await awayFromStepEdge();
    const first = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
    expect(first.data!['verifySecondFactor'].code).toBe('SECOND_FACTOR_LOCKED');
    const state = async () =>
      (await db.query(`select locked_at is not null as locked from two_factor_state where account_id = $1`, [id]))[0]?.['locked'];
    expect(await state()).toBe(true);
    const again = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
    expect(again.data!['verifySecondFactor'].code).toBe('SECOND_FACTOR_LOCKED');
    // Audited once, with no actor and the count, and the holder is told.
    expect(
      await db.query(
        `select actor_id, details->'consecutiveFailures' as n from audit_log where target_id = $1 and action = 'SECOND_FACTOR_LOCKED'`,
        [id],
      ),
    ).toEqual([{ actor_id: null, n: 8 }]);
    await mail.waitFor(email, (m) => /sign-in to your account was locked/i.test(m.subject));
    // Its managers see it locked, and can unlock it.
    const STATUS = `query($id: ID!) { accountTwoFactor(accountId: $id) { locked } }`;
    expect((await admin.gql(STATUS, { id })).data!['accountTwoFactor'].locked).toBe(true);
    // (Another admin: the one of the other tests stays without a recent re-authentication.)
    const unlocker = (await createAccount(server, admin, { role: 'ADMIN' })).client;
    await reauthenticate(unlocker);
    expect(
      (await unlocker.gql(`mutation($id: ID!) { unlockSecondFactor(accountId: $id) }`, { id })).data!['unlockSecondFactor'],
    ).toBe(true);
    const ok = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
    expect(ok.data!['verifySecondFactor'].__typename, JSON.stringify(ok)).toBe('LoginSuccess');
  });

  it('consecutive failures lock the second step until an admin unlocks it', async () => {
    const ip = `198.51.100.${net++}`;
    const netKey = `2fa:ip:${ip}/32`;
    const { client, secret, id, email } = await pendingUser(ip);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) await client.gql(Q.verify, { i: { method: 'TOTP', code: wrong(secret) } });
      await windowPasses(); // only the lockout counts on
    }
    await awayFromStepEdge();
    const network = async () =>
      (await db.query<{ count: number }>(`select count from failure_counter where key = $1`, [netKey]))[0]?.count ?? 0;
    const locked = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
    expect(locked.data!['verifySecondFactor'].code).toBe('SECOND_FACTOR_LOCKED');
    // Refused for the account, with no code checked: the people behind its address do not pay for it.
    const before = await network();
    const again = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
    expect(again.data!['verifySecondFactor'].code).toBe('SECOND_FACTOR_LOCKED');
    expect(await network()).toBe(before);
    // Sending the code with the password does not get round the lock either.
    const oneRequest = await new GqlClient(server.url, { 'x-forwarded-for': '192.0.2.99' }).gql(
      `mutation($i: LoginInput!) { login(input: $i) { __typename ... on ErrorResult { code } } }`,
      { i: { email, password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } } },
    );
    expect(oneRequest.data!['login']).toEqual({ __typename: 'TwoFactorError', code: 'SECOND_FACTOR_LOCKED' });
    // Audited once, with no actor (the lock is automatic), and the holder is told.
    const audit = await db.query(`select actor_id from audit_log where target_id = $1 and action = 'SECOND_FACTOR_LOCKED'`, [id]);
    expect(audit).toEqual([{ actor_id: null }]);
    await mail.waitFor(email, (m) => /sign-in to your account was locked/i.test(m.subject));

    // Its managers see the lock (and its methods) on its account page; the holder and others do not.
    const STATUS = `query($id: ID!) { accountTwoFactor(accountId: $id) { methods recoveryCodesRemaining flaggedKeys required locked } }`;
    expect((await admin.gql(STATUS, { id })).data!['accountTwoFactor']).toEqual({
      methods: expect.arrayContaining(['TOTP', 'RECOVERY_CODE']),
      recoveryCodesRemaining: 10,
      flaggedKeys: 0,
      required: false,
      locked: true,
    });
    const someone = await createAccount(server, admin, { role: 'USER' });
    expect(codes(await someone.client.gql(STATUS, { id }))).toEqual(['FORBIDDEN']);
    // By the ranks: MANAGE_USERS reads users, not staff; MANAGE_SUB_ADMINS reads sub-admins, not users.
    const usersManager = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_USERS'] });
    const staffManager = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_SUB_ADMINS'] });
    const otherAdmin = await createAccount(server, admin, { role: 'ADMIN' });
    expect((await usersManager.client.gql(STATUS, { id })).data!['accountTwoFactor'].locked).toBe(true);
    expect(codes(await usersManager.client.gql(STATUS, { id: otherAdmin.id }))).toEqual(['FORBIDDEN']);
    expect(codes(await usersManager.client.gql(STATUS, { id: staffManager.id }))).toEqual(['FORBIDDEN']);
    expect(codes(await staffManager.client.gql(STATUS, { id }))).toEqual(['FORBIDDEN']);
    expect((await staffManager.client.gql(STATUS, { id: usersManager.id })).data!['accountTwoFactor'].methods).toEqual([]);
    expect(codes(await admin.gql(STATUS, { id: 'nope' }))).toEqual(['BAD_USER_INPUT']);

    // Unlocking is a sensitive change: a recent re-authentication first. The attempt budget stays (an
    // unlock between rounds of guesses gives no fresh round).
    const unlockQ = `mutation($id: ID!) { unlockSecondFactor(accountId: $id) }`;
    const lockedAt = async () =>
      (await db.query(`select locked_at from two_factor_state where account_id = $1`, [id]))[0]?.['locked_at'] ?? null;
    expect(codes(await admin.gql(unlockQ, { id }))).toEqual(['REAUTH_REQUIRED']);
    expect(await lockedAt()).not.toBeNull();
    await reauthenticate(admin);
    expect(codes(await admin.gql(unlockQ, { id: '00000000-0000-4000-8000-000000000000' }))).toEqual(['NOT_FOUND']);
    expect(await lockedAt()).not.toBeNull();
    expect(await db.query(`select 1 from audit_log where target_id = $1 and action = 'SECOND_FACTOR_UNLOCKED'`, [id])).toEqual(
      [],
    );
    const acctKey = `2fa:acct:${id}`;
    await db.query(`update failure_counter set count = 3 where key = $1`, [acctKey]);
    const sinceUnlock = mail.count();
    const unlock = await admin.gql(unlockQ, { id });
    expect(unlock.data!['unlockSecondFactor']).toBe(true);
    // The holder is told, once.
    await mail.waitFor(email, (m) => /second-step sign-in to your account was unlocked/i.test(m.subject), sinceUnlock);
    // An unlock of an account not locked (any more) changes nothing, records nothing and tells nobody.
    expect(codes(await admin.gql(unlockQ, { id }))).toEqual(['BAD_USER_INPUT']);
    expect(
      await db.query(`select count(*)::int as n from audit_log where target_id = $1 and action = 'SECOND_FACTOR_UNLOCKED'`, [id]),
    ).toEqual([{ n: 1 }]);
    expect((await admin.gql(STATUS, { id })).data!['accountTwoFactor'].locked).toBe(false);
    expect((await db.query<{ count: number }>(`select count from failure_counter where key = $1`, [acctKey]))[0]?.count).toBe(3);
    const ok = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
    expect(ok.data!['verifySecondFactor'].__typename).toBe('LoginSuccess');
    expect(mail.messages.slice(sinceUnlock).filter((m) => /was unlocked/i.test(m.subject))).toHaveLength(1);
  });
  it('wrong e-mailed and recovery codes count towards the lock as app codes do, the last one locks it; a right code of any method starts the count again', async () => {
    const { client: setup, email, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret, recoveryCodes } = await enrollTotp(setup);
    await db.query(
      `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
       values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
      [id, email],
    );
    const state = async () =>
      (
        await db.query<{ failures: number; locked: boolean }>(
          `select consecutive_failures as failures, locked_at is not null as locked from two_factor_state where account_id = $1`,
          [id],
        )
      )[0];
    const verify = async (client: GqlClient, method: string, code: string) =>
      (await client.gql(Q.verify, { i: { method, code } })).data!['verifySecondFactor'] as { __typename: string; code?: string };
    /** A new sign-in from a network of its own, with a code e-mailed to it (and a wrong one to try). */
    const signIn = async (withCode = false) => {
      const client = await signInFrom(farAddress().ip, email);
      if (!withCode) return { client, wrongMailed: '' };
      const since = mail.count();
      expect((await client.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
      const code = await mail.codeFor(email, since);
      return { client, wrongMailed: code === '123456' ? '654321' : '123456' };
    };

    // Four wrong e-mailed codes, then the right app code: signed in, and the count starts again.
    const first = await signIn(true);
    for (let i = 0; i < 4; i++) expect((await verify(first.client, 'EMAIL', first.wrongMailed)).code).toBe('CODE_INVALID');
    expect(await state()).toEqual({ failures: 4, locked: false });
    await windowPasses();
    await awayFromStepEdge();
    expect((await verify(first.client, 'TOTP', totp(secret, 0))).__typename).toBe('LoginSuccess');
    expect(await state()).toEqual({ failures: 0, locked: false });

    // Four wrong app codes, then a right recovery code: the same.
    const second = await signIn();
    for (let i = 0; i < 4; i++) expect((await verify(second.client, 'TOTP', wrong(secret))).code).toBe('CODE_INVALID');
    await windowPasses();
    expect((await verify(second.client, 'RECOVERY_CODE', recoveryCodes[0]!)).__typename).toBe('LoginSuccess');
    expect(await state()).toEqual({ failures: 0, locked: false });

    // Seven wrong (app, then recovery codes) lock nothing; the eighth, an e-mailed code, locks the second step.
    const third = await signIn(true);
    for (let i = 0; i < 4; i++) expect((await verify(third.client, 'TOTP', wrong(secret))).code).toBe('CODE_INVALID');
    await windowPasses();
    for (let i = 0; i < 3; i++) expect((await verify(third.client, 'RECOVERY_CODE', 'AAAAA-BBBBB')).code).toBe('CODE_INVALID');
    expect(await state()).toEqual({ failures: 7, locked: false });
    expect((await verify(third.client, 'EMAIL', third.wrongMailed)).code).toBe('CODE_INVALID');
    expect(await state()).toEqual({ failures: 8, locked: true });
    // Every method is refused now, the right ones too, in this sign-in and the next.
    await windowPasses();
    expect((await verify(third.client, 'RECOVERY_CODE', recoveryCodes[1]!)).code).toBe('SECOND_FACTOR_LOCKED');
    const fourth = await signIn();
    await awayFromStepEdge();
    expect((await verify(fourth.client, 'TOTP', totp(secret, 1))).code).toBe('SECOND_FACTOR_LOCKED');
    expect(
      await db.query(`select actor_id from audit_log where target_id = $1 and action = 'SECOND_FACTOR_LOCKED'`, [id]),
    ).toEqual([{ actor_id: null }]);
    await mail.waitFor(email, (m) => /sign-in to your account was locked/i.test(m.subject));
  });

  it('the lock after consecutive failures does not wear off: the right code is refused days later', async () => {
    const { client, secret, id, email } = await pendingUser();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 4; i++) {
        const r = await client.gql(Q.verify, { i: { method: 'TOTP', code: wrong(secret) } });
        expect(r.data!['verifySecondFactor'].code).toBe('CODE_INVALID');
      }
      await windowPasses();
    }
    const state = () => db.query(`select locked_at is not null as locked from two_factor_state where account_id = $1`, [id]);
    expect(await state()).toEqual([{ locked: true }]);
    // A month later: the lock's time and every attempt window lie far behind.
    await db.query(`update two_factor_state set locked_at = locked_at - interval '30 days' where account_id = $1`, [id]);
    await db.query(`update failure_counter set window_start = window_start - interval '30 days' where key like '2fa:%'`);
    // The right code is refused all the same, in a new sign-in from a new network and sent with the password.
    const later = await signInFrom(farAddress().ip, email);
    await awayFromStepEdge();
    const r = await later.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
    expect(r.data!['verifySecondFactor'], JSON.stringify(r)).toMatchObject({
      __typename: 'TwoFactorError',
      code: 'SECOND_FACTOR_LOCKED',
    });
    expect((await later.gql(Q.me)).data!['me']).toBeNull();
    const oneRequest = await new GqlClient(server.url, { 'x-forwarded-for': farAddress().ip }).gql(
      `mutation($i: LoginInput!) { login(input: $i) { __typename ... on ErrorResult { code } } }`,
      { i: { email, password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } } },
    );
    expect(oneRequest.data!['login']).toEqual({ __typename: 'TwoFactorError', code: 'SECOND_FACTOR_LOCKED' });
    expect(await state()).toEqual([{ locked: true }]);
    expect(
      (await admin.gql(`query($id: ID!) { accountTwoFactor(accountId: $id) { locked } }`, { id })).data!['accountTwoFactor'],
    ).toEqual({ locked: true });
  });

  it('re-authentications refused for the lock spend none of the account’s attempts: unlocked, it confirms at once', async () => {
    const { client, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    await db.query(`insert into two_factor_state (account_id, consecutive_failures, locked_at) values ($1, 100, now())`, [id]);
    const confirm = async () =>
      (
        await client.gql(Q.reauth, {
          i: { password: PASSWORD, secondFactor: { method: 'TOTP', code: totp(secret, 0) } },
        })
      ).data!['reauthenticate'];
    await awayFromStepEdge();
    // A window's budget of them.
    for (let i = 0; i < 5; i++) expect(await confirm()).toMatchObject({ code: 'SECOND_FACTOR_LOCKED' });
    expect(await db.query(`select count from failure_counter where key = $1 and count > 0`, [`2fa:acct:${id}`])).toEqual([]);
    await db.query(`delete from two_factor_state where account_id = $1`, [id]);
    expect(await confirm()).toMatchObject({ __typename: 'ReauthSuccess' });
  });

  it('the lock holds for every method: a right recovery code, security key or e-mailed code is refused and left unused', async () => {
    const { client: setup, email, id } = await createAccount(server, admin, { role: 'USER' });
    const { recoveryCodes } = await enrollTotp(setup);
    const key = new SoftKey(server.url);
    const options = (await setup.gql(`mutation { webauthnRegistrationOptions(name: "Desk key") }`)).data![
      'webauthnRegistrationOptions'
    ];
    const registered = await setup.gql(`mutation($r: JSONObject!) { finishWebauthnRegistration(response: $r) { __typename } }`, {
      r: key.registration(options),
    });
    expect(registered.data!['finishWebauthnRegistration'].__typename, JSON.stringify(registered)).toBe('TwoFactorEnabled');
    await db.query(
      `insert into email_factor (id, account_id, address, status, created_at, confirmed_at)
       values (gen_random_uuid(), $1, $2, 'ACTIVE', now(), now())`,
      [id, email],
    );
    const client = await signInFrom(farAddress().ip, email);
    expect((await client.gql(Q.pending)).data!['pendingSignIn'].methods).toEqual(['TOTP', 'EMAIL', 'WEBAUTHN', 'RECOVERY_CODE']);
    // A code e-mailed before the lock (none is sent while it holds).
    const since = mail.count();
    expect((await client.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
    const code = await mail.codeFor(email, since);
    await db.query(`insert into two_factor_state (account_id, consecutive_failures, locked_at) values ($1, 8, now())`, [id]);

    const verify = async (c: GqlClient, i: Record<string, unknown>) => (await c.gql(Q.verify, { i })).data!['verifySecondFactor'];
    const keyAnswer = async (c: GqlClient) =>
      key.assertion((await c.gql(`mutation { webauthnAuthenticationOptions }`)).data!['webauthnAuthenticationOptions']);
    const locked = { __typename: 'TwoFactorError', code: 'SECOND_FACTOR_LOCKED' };
    expect(await verify(client, { method: 'RECOVERY_CODE', code: recoveryCodes[0] })).toMatchObject(locked);
    expect(await verify(client, { method: 'WEBAUTHN', webauthnResponse: await keyAnswer(client) })).toMatchObject(locked);
    expect(await verify(client, { method: 'EMAIL', code })).toMatchObject(locked);
    expect(await verify(client, { method: 'RECOVERY_CODE', code: recoveryCodes[2] })).toMatchObject(locked);
    // Sent with the password, in one request: the same.
    const oneRequest = await new GqlClient(server.url, { 'x-forwarded-for': farAddress().ip }).gql(
      `mutation($i: LoginInput!) { login(input: $i) { __typename ... on ErrorResult { code } } }`,
      { i: { email, password: PASSWORD, secondFactor: { method: 'RECOVERY_CODE', code: recoveryCodes[1] } } },
    );
    expect(oneRequest.data!['login']).toEqual(locked);
    expect((await client.gql(Q.me)).data!['me']).toBeNull();
    // Nothing was used up, nor counted.
    expect(await db.query(`select 1 from recovery_code where account_id = $1 and used_at is not null`, [id])).toEqual([]);
    expect(await db.query(`select counter::int, last_used_at from webauthn_credential where account_id = $1`, [id])).toEqual([
      { counter: 0, last_used_at: null },
    ]);
    expect(await db.query(`select used_at from email_code where account_id = $1`, [id])).toEqual([{ used_at: null }]);
    expect(
      await db.query(`select consecutive_failures, locked_at is not null as locked from two_factor_state where account_id = $1`, [
        id,
      ]),
    ).toEqual([{ consecutive_failures: 8, locked: true }]);
    // Five answers refused for the lock (a window's budget) spent none of the account's attempts.
    expect(await db.query(`select count from failure_counter where key = $1 and count > 0`, [`2fa:acct:${id}`])).toEqual([]);

    // Unlocked, at once (in the same window), the very same proofs sign in.
    await db.query(`delete from two_factor_state where account_id = $1`, [id]);
    expect(await verify(client, { method: 'EMAIL', code })).toMatchObject({ __typename: 'LoginSuccess' });
    const withKey = await signInFrom(farAddress().ip, email);
    expect(await verify(withKey, { method: 'WEBAUTHN', webauthnResponse: await keyAnswer(withKey) })).toMatchObject({
      __typename: 'LoginSuccess',
    });
    const withCode = await signInFrom(farAddress().ip, email);
    expect(await verify(withCode, { method: 'RECOVERY_CODE', code: recoveryCodes[0] })).toMatchObject({
      __typename: 'LoginSuccess',
    });
  });

  it('unlocking an account that is not locked changes nothing: its failures stay, nothing is audited, and the answer says NOT_LOCKED', async () => {
    const { client, secret, id } = await pendingUser();
    await awayFromStepEdge();
    for (let i = 0; i < 3; i++) {
      expect((await client.gql(Q.verify, { i: { method: 'TOTP', code: wrong(secret) } })).data!['verifySecondFactor'].code).toBe(
        'CODE_INVALID',
      );
    }
    const state = () => db.query(`select consecutive_failures, locked_at from two_factor_state where account_id = $1`, [id]);
    expect(await state()).toEqual([{ consecutive_failures: 3, locked_at: null }]);
    // (Another manager: this file's admin must stay without a fresh re-authentication for other tests.)
    const { client: manager } = await createAccount(server, admin, { role: 'SUB_ADMIN', permissions: ['MANAGE_USERS'] });
    await reauthenticate(manager);
    const UNLOCK = `mutation($id: ID!) { unlockSecondFactor(accountId: $id) }`;
    const res = await manager.gql(UNLOCK, { id });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(res.errors![0]!.extensions!['fields']).toEqual([
      { field: 'accountId', reason: 'NOT_LOCKED', message: expect.any(String) },
    ]);
    expect(res.data).toBeNull();
    expect(await state()).toEqual([{ consecutive_failures: 3, locked_at: null }]);
    expect(await db.query(`select 1 from audit_log where target_id = $1 and action = 'SECOND_FACTOR_UNLOCKED'`, [id])).toEqual(
      [],
    );
    // An account with no failures at all answers the same.
    const { id: calm } = await createAccount(server, admin, { role: 'USER' });
    expect(codes(await manager.gql(UNLOCK, { id: calm }))).toEqual(['BAD_USER_INPUT']);
    expect(await db.query(`select 1 from two_factor_state where account_id = $1`, [calm])).toEqual([]);

    // The run goes on from where it was: five more wrong codes (a new window) reach the lockout of eight.
    await windowPasses();
    await awayFromStepEdge();
    for (let i = 0; i < 5; i++) {
      expect((await client.gql(Q.verify, { i: { method: 'TOTP', code: wrong(secret) } })).data!['verifySecondFactor'].code).toBe(
        'CODE_INVALID',
      );
    }
    expect((await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } })).data!['verifySecondFactor'].code).toBe(
      'SECOND_FACTOR_LOCKED',
    );
  });
});

describe('maintenance rounds: second-factor budgets, the counters clean-up, notification retries', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: GqlClient;
  let mail: MailSink;

  beforeAll(async () => {
    db = await createTestDatabase('two_factor_cleanup');
    mail = await MailSink.start();
    server = await startServer({
      DATABASE_URL: db.url,
      SMTP_URL: mail.url,
      // The clean-up runs every second; brute-force counters live 10 s, second-factor budgets 900 s.
      INCIDENT_MAIL_THROTTLE_SECONDS: '1',
      BRUTE_FORCE_WINDOW_SECONDS: '10',
      SECOND_FACTOR_MAX_ATTEMPTS: '5',
      SECOND_FACTOR_WINDOW_SECONDS: '900',
    });
    ({ client: admin } = await setupAdmin(server));
  });
  afterAll(async () => {
    await server?.stop();
    await mail?.stop();
    await db?.drop();
  });

  it('a notification the mail server put off waits in the queue and a later round sends it', async () => {
    const { client, email } = await createAccount(server, admin, { role: 'USER' });
    const address = email.toLowerCase();
    const since = mail.count();
    mail.deferring.add(address);
    try {
      await enrollTotp(client);
      await expect.poll(() => db.query(`select attempts from mail_queue`)).toEqual([{ attempts: 1 }]);
      // Rounds pass (one a second here) while its next try is a minute away: not tried again yet.
      await new Promise((r) => setTimeout(r, 2500));
      expect(await db.query(`select attempts from mail_queue`)).toEqual([{ attempts: 1 }]);
    } finally {
      mail.deferring.delete(address);
    }
    await db.query(`update mail_queue set next_attempt_at = now()`);
    const got = await mail.waitFor(address, (m) => m.subject === 'A two-factor method was added to your account', since);
    expect(got.raw).toContain('An authenticator app was added');
    // Gone from the queue once the mail server has answered (just after the message arrived).
    await expect.poll(() => db.query(`select 1 from mail_queue`)).toEqual([]);
    expect(mail.messages.slice(since).filter((m) => m.to.includes(address))).toHaveLength(1);
  });

  it('an e-mail setup while the second step is locked, or the attempt budget is spent, mails no code (its confirmation would be refused): nothing stored or sent', async () => {
    const u = await createAccount(server, admin, { role: 'USER' });
    const start = async () =>
      (await u.client.gql(Q.startEmail, { a: `codes-${u.id}@example.test` })).data!['startEmailEnrollment'];
    const nothingSent = async (since: number) => {
      await new Promise((r) => setTimeout(r, 300));
      expect(mail.count()).toBe(since);
      expect(await db.query(`select 1 from email_code where account_id = $1`, [u.id])).toEqual([]);
      expect(await db.query(`select 1 from email_factor where account_id = $1`, [u.id])).toEqual([]);
    };
    await db.query(`insert into two_factor_state (account_id, consecutive_failures, locked_at) values ($1, 100, now())`, [u.id]);
    let since = mail.count();
    expect(await start()).toMatchObject({ __typename: 'TwoFactorError', code: 'SECOND_FACTOR_LOCKED' });
    await nothingSent(since);
    await db.query(`delete from two_factor_state where account_id = $1`, [u.id]);
    await db.query(
      `insert into failure_counter (key, count, window_start) values ($1, 5, now())
         on conflict (key) do update set count = excluded.count, window_start = now()`,
      [`2fa:acct:${u.id}`],
    );
    since = mail.count();
    expect(await start()).toMatchObject({ __typename: 'TwoFactorError', code: 'TOO_MANY_ATTEMPTS', reason: 'WRONG_CODES' });
    await nothingSent(since);
    // With the budget back, the code goes.
    await db.query(`delete from failure_counter where key = $1`, [`2fa:acct:${u.id}`]);
    expect(await start()).toMatchObject({ __typename: 'EmailCodeSent' });
  });

  it('clears a backlog of old counters larger than one batch, and keeps the live ones', async () => {
    // As after a flood from many sources: more old rows than one batch (5 000) takes.
    await db.query(
      `insert into failure_counter (key, count, window_start)
       select 'ip:198.18.' || (g / 256) || '.' || (g % 256) || '/32', 3, now() - interval '1 hour' from generate_series(0, 12001) g`,
    );
    await db.query(`insert into failure_counter (key, count, window_start) values ('ip:198.19.0.1/32', 1, now())`);
    await expect
      .poll(async () => (await db.query(`select count(*)::int as n from failure_counter where key like 'ip:198.18.%'`))[0]!['n'])
      .toBe(0);
    expect(await db.query(`select count from failure_counter where key = 'ip:198.19.0.1/32'`)).toEqual([{ count: 1 }]);
  });

  it('a spent second-factor budget outlives the shorter brute-force window', async () => {
    const { client: setup, email, id } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(setup);
    const client = new GqlClient(server.url);
    expect((await loginStep(client, email)).typename).toBe('SecondFactorRequired');
    const right = new Set([totp(secret, -1), totp(secret, 0), totp(secret, 1)]);
    let n = 100000;
    for (let i = 0; i < 5; i++) {
      while (right.has(String(n))) n++;
      const r = await client.gql(Q.verify, { i: { method: 'TOTP', code: String(n++) } });
      expect(r.data!['verifySecondFactor'].code).toBe('CODE_INVALID');
    }
    // A minute later: past the brute-force window, well inside the second-factor one.
    await db.query(`update failure_counter set window_start = window_start - interval '60 seconds' where key like '2fa:%'`);
    await new Promise((r) => setTimeout(r, 2500)); // two clean-up runs
    expect(await db.query(`select 1 from failure_counter where key = $1`, [`2fa:acct:${id}`])).toHaveLength(1);
    await awayFromStepEdge();
    const r = await client.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret, 0) } });
    expect(r.data!['verifySecondFactor']).toMatchObject({ __typename: 'TwoFactorError', code: 'TOO_MANY_ATTEMPTS' });
  });

  it('forgets the e-mail codes of ended sessions and expired security-key challenges, and only those', async () => {
    const { id } = await createAccount(server, admin, { role: 'USER' });
    const [live] = await db.query<{ id: string }>(`select id from session where account_id = $1 and revoked_at is null`, [id]);
    const code = (session: string) =>
      db.query(
        `insert into email_code (id, account_id, purpose, session_id, code_hash, sent_at, expires_at, failures)
         values (gen_random_uuid(), $1, 'LOGIN', $2, 'x', now() - interval '1 hour', now() - interval '50 minutes', 3)`,
        [id, session],
      );
    await code(live!.id); // expired, but its session lives: its failure count must stay
    await code('00000000-0000-4000-8000-000000000001'); // a session that is gone
    // (One challenge per session and purpose: the expired one a sign-in's, the live one a registration's.)
    const challenge = (purpose: string, expires: string) =>
      db.query(
        `insert into webauthn_challenge (id, account_id, session_id, purpose, challenge, expires_at)
         values (gen_random_uuid(), $1, $2, $3, 'c', now() + $4::interval)`,
        [id, live!.id, purpose, expires],
      );
    await challenge('LOGIN', '-1 minute');
    await challenge('REGISTER', '5 minutes');
    await new Promise((r) => setTimeout(r, 2500)); // two clean-up runs
    expect(await db.query(`select session_id from email_code where account_id = $1`, [id])).toEqual([{ session_id: live!.id }]);
    expect(await db.query(`select 1 from webauthn_challenge where account_id = $1 and expires_at > now()`, [id])).toHaveLength(1);
    expect(await db.query(`select 1 from webauthn_challenge where account_id = $1`, [id])).toHaveLength(1);
  });
});
