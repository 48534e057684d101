import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/database.js';
import { startStack, type Stack } from '../support/stack.js';
import { createAccount, PASSWORD, reauthenticate } from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import type { RunningServer } from '../support/server.js';
import type { MailSink } from '../support/smtp.js';
import { awayFromStepEdge, enrollTotp, loginStep, Q } from '../support/two-factor.js';
import { totp } from '../support/totp.js';
import { SoftKey } from '../support/webauthn.js';

/**
 * Bad input to the two-factor mutations beyond what each flow's own spec tries: every one answers a
 * typed error (or a typed result with its code) and writes nothing, takes no attempt, sends nothing.
 */
describe('two-factor bad input', () => {
  let stack: Stack;
  let db: TestDatabase;
  let server: RunningServer;
  let mail: MailSink;
  let admin: GqlClient;
  let adminId: string;

  beforeAll(async () => {
    stack = await startStack('two_factor_bad_input', { EMAIL_CODE_COOLDOWN_SECONDS: '1' });
    ({ db, mail, server, admin, adminId } = stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const newUser = () => createAccount(server, admin, { role: 'USER' });
  const OPTIONS = `mutation($n: String!) { webauthnRegistrationOptions(name: $n) }`;
  const FINISH = `mutation($r: JSONObject!) { finishWebauthnRegistration(response: $r) { __typename ... on ErrorResult { code } } }`;
  const AUTH_OPTIONS = `mutation { webauthnAuthenticationOptions }`;
  /** The account's second-factor attempt budget (0: none taken). */
  const budget = async (id: string) =>
    (await db.query<{ count: number }>(`select count from failure_counter where key = $1`, [`2fa:acct:${id}`]))[0]?.count ?? 0;
  const audits = async (id: string) =>
    (
      await db.query<{ n: number }>(
        `select count(*)::int as n from audit_log where target_id = $1 and action <> 'ACCOUNT_CREATED'`,
        [id],
      )
    )[0]!.n;

  it('enrollment codes: blank or overlong is BAD_USER_INPUT before any attempt; a malformed one is CODE_INVALID; the setups stay pending', async () => {
    const { client, id, email } = await newUser();
    await client.gql(Q.startTotp);
    const sent = mail.count();
    expect((await client.gql(Q.startEmail, { a: email })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
    await mail.codeFor(email, sent);
    const before = await budget(id);
    for (const [q, field] of [
      [Q.confirmTotp, 'confirmTotpEnrollment'],
      [Q.confirmEmail, 'confirmEmailEnrollment'],
    ] as const) {
      for (const [c, reason] of [
        ['', 'REQUIRED'],
        [' \t\n ', 'REQUIRED'],
        ['1'.repeat(33), 'TOO_LONG'],
      ] as const) {
        const res = await client.gql(q, { c });
        expect(codes(res), `${field} ${JSON.stringify(c)}`).toEqual(['BAD_USER_INPUT']);
        expect(res.errors![0]!.extensions!['fields']).toMatchObject([{ field: 'code', reason }]);
      }
      // Not a string at all: refused by the schema.
      expect(codes(await client.gql(`mutation { ${field}(code: 123456) { __typename } }`))).toEqual([
        'GRAPHQL_VALIDATION_FAILED',
      ]);
      expect(codes(await client.gql(q, { c: 123456 }))).toEqual(['BAD_USER_INPUT']);
    }
    expect(await budget(id)).toBe(before);
    expect((await db.query(`select failures from email_code where account_id = $1`, [id]))[0]).toEqual({ failures: 0 });
    // Letters and full-width digits are a wrong code (typed), not a crash, and switch nothing on.
    for (const c of ['abcdef', '１２３４５６']) {
      expect((await client.gql(Q.confirmTotp, { c })).data!['confirmTotpEnrollment']).toMatchObject({
        __typename: 'TwoFactorError',
        code: 'CODE_INVALID',
      });
    }
    expect(await db.query(`select status from totp_authenticator where account_id = $1`, [id])).toEqual([{ status: 'PENDING' }]);
    expect(await db.query(`select status from email_factor where account_id = $1`, [id])).toEqual([{ status: 'PENDING' }]);
    expect(await db.query(`select 1 from recovery_code where account_id = $1`, [id])).toEqual([]);
    expect(await audits(id)).toBe(0);
  });

  it('startEmailEnrollment: empty, blank, malformed, list and display-name addresses send, store and count nothing', async () => {
    const { client, id } = await newUser();
    const mailsBefore = mail.count();
    for (const a of [
      '',
      '   ',
      'a@b',
      'not-an-address',
      'a@b.test, c@d.test',
      'Name <victim@example.test>',
      'a"b@example.test',
      `${'x'.repeat(250)}@example.test`,
    ]) {
      const res = await client.gql(Q.startEmail, { a });
      expect(codes(res), JSON.stringify(a)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0]!.extensions!['fields']).toMatchObject([{ field: 'address', reason: 'INVALID_EMAIL' }]);
    }
    expect(codes(await client.gql(Q.startEmail, { a: null }))).toEqual(['BAD_USER_INPUT']);
    expect(
      await db.query(
        `select (select count(*)::int from email_factor where account_id = $1) as factors,
                (select count(*)::int from email_code where account_id = $1) as codes,
                (select count(*)::int from failure_counter where key = $2) as budget`,
        [id, `mail:${id}`],
      ),
    ).toEqual([{ factors: 0, codes: 0, budget: 0 }]);
    expect(mail.count()).toBe(mailsBefore);
  });

  it('malformed registration JSON is a typed error: nothing registered, and the live prompt not taken (it answers none)', async () => {
    const { client, id } = await newUser();
    const challenges = async () =>
      (await db.query<{ n: number }>(`select count(*)::int as n from webauthn_challenge where account_id = $1`, [id]))[0]!.n;
    for (const name of ['\t\n', '😀'.repeat(33)]) {
      expect(codes(await client.gql(OPTIONS, { n: name })), JSON.stringify(name)).toEqual(['BAD_USER_INPUT']);
    }
    expect(await challenges()).toBe(0);
    for (const r of [
      {},
      { id: 5 },
      { id: 'x', response: 'x' },
      { id: 'x', type: 'public-key', response: { clientDataJSON: 7 } },
    ]) {
      await client.gql(OPTIONS, { n: 'Key' });
      expect(await challenges()).toBe(1);
      const res = await client.gql(FINISH, { r });
      // No client data naming the prompt's challenge: not an answer to it, so it stays for the real one.
      // Unverifiable, not "no registration in progress" (one is).
      expect(res.data?.['finishWebauthnRegistration'], JSON.stringify(r)).toEqual({
        __typename: 'TwoFactorError',
        code: 'WEBAUTHN_FAILED',
      });
      expect(await challenges()).toBe(1);
    }
    // Not an object: refused by the scalar (variable or literal), before the resolver runs.
    await client.gql(OPTIONS, { n: 'Key' });
    expect(codes(await client.gql(FINISH, { r: [1, 2] }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await client.gql(FINISH, { r: 'x' }))).toEqual(['BAD_USER_INPUT']);
    expect(codes(await client.gql(`mutation { finishWebauthnRegistration(response: "x") { __typename } }`))).toEqual([
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    expect(await challenges()).toBe(1);
    expect(await db.query(`select 1 from webauthn_credential where account_id = $1`, [id])).toEqual([]);
    expect(await db.query(`select 1 from recovery_code where account_id = $1`, [id])).toEqual([]);
    expect(await audits(id)).toBe(0);
  });

  it('finishWebauthnRegistration: transports that are not a list (a string, an object, a number) store the key without them, never an internal error', async () => {
    const { client, id } = await newUser();
    for (const transports of ['usb', { usb: true }, 5]) {
      const key = new SoftKey(server.url, { transports: transports as unknown as unknown[] });
      const options = (await client.gql(OPTIONS, { n: `Key ${JSON.stringify(transports)}` })).data![
        'webauthnRegistrationOptions'
      ];
      const res = await client.gql(FINISH, { r: key.registration(options) });
      expect(res.errors, JSON.stringify(res)).toBeUndefined();
      expect(res.data!['finishWebauthnRegistration'].__typename).toBe('TwoFactorEnabled');
    }
    // Transports are only hints for the browser: none kept.
    expect(await db.query(`select transports from webauthn_credential where account_id = $1`, [id])).toEqual([
      { transports: [] },
      { transports: [] },
      { transports: [] },
    ]);
  });

  it('a key response made in a frame on another site (crossOrigin) is refused: no key registered, nobody signed in', async () => {
    const { client, id, email } = await newUser();
    const framed = new SoftKey(server.url);
    let options = (await client.gql(OPTIONS, { n: 'Framed' })).data!['webauthnRegistrationOptions'];
    expect(
      (await client.gql(FINISH, { r: framed.registration(options, { topOrigin: 'https://evil.example' }) })).data![
        'finishWebauthnRegistration'
      ],
    ).toMatchObject({ __typename: 'TwoFactorError', code: 'WEBAUTHN_FAILED' });
    expect(await db.query(`select 1 from webauthn_credential where account_id = $1`, [id])).toEqual([]);
    expect(await audits(id)).toBe(0);
    const key = new SoftKey(server.url);
    options = (await client.gql(OPTIONS, { n: 'Desk' })).data!['webauthnRegistrationOptions'];
    expect((await client.gql(FINISH, { r: key.registration(options) })).data!['finishWebauthnRegistration'].__typename).toBe(
      'TwoFactorEnabled',
    );
    const pending = new GqlClient(server.url);
    expect((await loginStep(pending, email)).typename).toBe('SecondFactorRequired');
    const assertion = key.assertion((await pending.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions'], {
      topOrigin: 'https://evil.example',
    });
    expect(
      (await pending.gql(Q.verify, { i: { method: 'WEBAUTHN', webauthnResponse: assertion } })).data!['verifySecondFactor'],
    ).toMatchObject({
      __typename: 'TwoFactorError',
      code: 'WEBAUTHN_FAILED',
    });
    expect((await pending.gql(Q.me)).data!['me']).toBeNull();
    // The same key from the dashboard itself still signs in.
    const own = key.assertion((await pending.gql(AUTH_OPTIONS)).data!['webauthnAuthenticationOptions']);
    expect(
      (await pending.gql(Q.verify, { i: { method: 'WEBAUTHN', webauthnResponse: own } })).data!['verifySecondFactor'].__typename,
    ).toBe('LoginSuccess');
  });

  it('verifySecondFactor: an unknown method or a non-object key response is BAD_USER_INPUT with no attempt; a malformed assertion is WEBAUTHN_FAILED and signs nobody in', async () => {
    const { client: setup, id, email } = await newUser();
    const key = new SoftKey(server.url);
    const options = (await setup.gql(OPTIONS, { n: 'Desk' })).data!['webauthnRegistrationOptions'];
    expect((await setup.gql(FINISH, { r: key.registration(options) })).data!['finishWebauthnRegistration'].__typename).toBe(
      'TwoFactorEnabled',
    );
    const pending = new GqlClient(server.url);
    expect((await loginStep(pending, email)).typename).toBe('SecondFactorRequired');
    const before = await budget(id);
    for (const i of [
      { method: 'SMS', code: '123456' },
      { method: 'totp', code: '123456' },
      { method: 'WEBAUTHN', webauthnResponse: [1] },
      { method: 'WEBAUTHN', webauthnResponse: 'x' },
      { method: 'TOTP', code: 123456 },
      { method: 'WEBAUTHN', code: '123456' },
    ]) {
      expect(codes(await pending.gql(Q.verify, { i })), JSON.stringify(i)).toEqual(['BAD_USER_INPUT']);
    }
    expect(await budget(id)).toBe(before);
    for (const webauthnResponse of [{}, { id: key.id, response: 'x' }, { id: key.id, type: 'public-key', response: {} }]) {
      await pending.gql(AUTH_OPTIONS);
      const res = await pending.gql(Q.verify, { i: { method: 'WEBAUTHN', webauthnResponse } });
      expect(res.data!['verifySecondFactor'], JSON.stringify(webauthnResponse)).toMatchObject({
        __typename: 'TwoFactorError',
        code: 'WEBAUTHN_FAILED',
      });
    }
    expect((await pending.gql(Q.me)).data!['me']).toBeNull();
    expect((await pending.gql(Q.pending)).data!['pendingSignIn']).toMatchObject({ stage: 'PENDING_SECOND_FACTOR' });
    expect(
      await db.query(`select counter::int, flagged_at, last_used_at from webauthn_credential where account_id = $1`, [id]),
    ).toEqual([{ counter: 0, flagged_at: null, last_used_at: null }]);
    // Only the session that set the key up: the second step started none.
    expect(await db.query(`select stage from session where account_id = $1`, [id])).toEqual([{ stage: 'FULL' }]);
  });

  it('reauthenticate: a second factor without its proof, or of an unknown method, is BAD_USER_INPUT and opens no sudo window', async () => {
    const { client, id } = await newUser();
    await enrollTotp(client);
    const before = await budget(id);
    for (const secondFactor of [
      { method: 'TOTP' },
      { method: 'TOTP', code: ' \t ' },
      { method: 'RECOVERY_CODE', code: '' },
      { method: 'EMAIL', code: '   ' },
      { method: 'WEBAUTHN', code: '123456' },
      { method: 'WEBAUTHN', webauthnResponse: [] },
      { method: 'SMS', code: '123456' },
    ]) {
      const res = await client.gql(Q.reauth, { i: { password: PASSWORD, secondFactor } });
      expect(codes(res), JSON.stringify(secondFactor)).toEqual(['BAD_USER_INPUT']);
    }
    expect(codes(await client.gql(Q.reauth, { i: { password: null } }))).toEqual(['BAD_USER_INPUT']);
    expect(await budget(id)).toBe(before);
    expect(await db.query(`select 1 from session where account_id = $1 and reauth_at is not null`, [id])).toEqual([]);
    // Nothing was opened: a sensitive change still needs a re-authentication.
    expect(codes(await client.gql(Q.recovery))).toEqual(['REAUTH_REQUIRED']);
    expect(codes(await client.gql(Q.disableTotp))).toEqual(['REAUTH_REQUIRED']);
  });

  it('login: a blank recovery code, an unknown method, a non-string code or a non-object key response is BAD_USER_INPUT before the password is checked', async () => {
    const { client: setup, id, email } = await newUser();
    await enrollTotp(setup);
    const t0 = new Date();
    const LOGIN_WITH = `mutation($input: LoginInput!) { login(input: $input) { __typename ... on ErrorResult { code } } }`;
    for (const secondFactor of [
      { method: 'RECOVERY_CODE', code: '   ' },
      { method: 'RECOVERY_CODE' },
      { method: 'SMS', code: '123456' },
      { method: 'TOTP', code: 123456 },
      { method: 'TOTP', code: '123456', webauthnResponse: [1] },
    ]) {
      const res = await new GqlClient(server.url).gql(LOGIN_WITH, { input: { email, password: PASSWORD, secondFactor } });
      expect(codes(res), JSON.stringify(secondFactor)).toEqual(['BAD_USER_INPUT']);
    }
    expect(await db.query(`select outcome from login_event where account_id = $1 and occurred_at >= $2`, [id, t0])).toEqual([]);
    expect(await db.query(`select stage from session where account_id = $1 and created_at >= $2`, [id, t0])).toEqual([]);
    expect(await budget(id)).toBe(0);
  });

  it('settings: wrong types, unknown or too many methods change nothing and audit nothing', async () => {
    const UPDATE = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { issuer } }`;
    const stored = async () => (await db.query(`select value, updated_at from setting where key = 'twoFactor'`))[0];
    const changes = async () =>
      (await db.query<{ n: number }>(`select count(*)::int as n from audit_log where action = 'SETTINGS_CHANGED'`))[0]!.n;
    await reauthenticate(admin);
    const storedBefore = await stored();
    const changesBefore = await changes();
    for (const i of [
      { allowedMethods: ['TOTP', 'EMAIL', 'WEBAUTHN', 'RECOVERY_CODE', 'TOTP'] },
      { allowedMethods: ['SMS'] },
      { allowedMethods: 'TOTP,EMAIL' },
      { enabled: 'yes' },
      { requiredForStaff: 1 },
      { issuer: 123 },
      { issuer: ['Acme'] },
      { unknownField: true },
    ]) {
      expect(codes(await admin.gql(UPDATE, { i })), JSON.stringify(i)).toEqual(['BAD_USER_INPUT']);
    }
    expect(codes(await admin.gql(`mutation { updateTwoFactorSettings(input: { allowedMethods: [SMS] }) { issuer } }`))).toEqual([
      'GRAPHQL_VALIDATION_FAILED',
    ]);
    expect(await stored()).toEqual(storedBefore);
    expect(await changes()).toBe(changesBefore);
  });

  it('ids: malformed, unknown, wrong-type and wrong-kind ids, and an expired reset request, change nothing', async () => {
    await reauthenticate(admin);
    const user = await newUser();
    const wrote = await audits(user.id);
    for (const [q, code] of [
      [`mutation { setRequiresTwoFactor(accountId: "bad", required: true) { accountId } }`, 'BAD_USER_INPUT'],
      [`mutation { setRequiresTwoFactor(accountId: "", required: true) { accountId } }`, 'BAD_USER_INPUT'],
      [`mutation { setRequiresTwoFactor(email: "   ", required: true) { accountId } }`, 'BAD_USER_INPUT'],
      [`mutation { setRequiresTwoFactor(email: "${'x'.repeat(250)}@e.test", required: true) { accountId } }`, 'BAD_USER_INPUT'],
      [`mutation { setRequiresTwoFactor(accountId: 12, required: true) { accountId } }`, 'BAD_USER_INPUT'],
      [`mutation { unlockSecondFactor(accountId: "00000000-0000-4000-8000-000000000000") }`, 'NOT_FOUND'],
      [`mutation { unlockSecondFactor(accountId: "{${user.id}}") }`, 'BAD_USER_INPUT'],
      [`mutation { resetTwoFactor(accountId: "") { __typename } }`, 'BAD_USER_INPUT'],
      [`mutation { resetTwoFactor(accountId: " ${user.id} ") { __typename } }`, 'BAD_USER_INPUT'],
      [`mutation { renameWebauthnCredential(id: 1.5, name: "x") { id } }`, 'GRAPHQL_VALIDATION_FAILED'],
      [`mutation { removeWebauthnCredential(id: "") }`, 'BAD_USER_INPUT'],
      // An id of another kind (an account's) is no reset request.
      [`mutation { approveTwoFactorReset(requestId: "${user.id}") { __typename } }`, 'NOT_FOUND'],
    ] as const) {
      const res = await admin.gql(q);
      expect(codes(res), q).toEqual([code]);
    }
    expect(await db.query(`select requires_two_factor from account where id = $1`, [user.id])).toEqual([
      { requires_two_factor: false },
    ]);
    expect(await audits(user.id)).toBe(wrote);

    // A reset request past its expiry cannot be approved: NOT_FOUND, and the target keeps its factor.
    const target = await createAccount(server, admin, { role: 'ADMIN' });
    const requester = await createAccount(server, admin, { role: 'ADMIN' });
    await enrollTotp(target.client);
    const [req] = await db.query<{ id: string }>(
      `insert into two_factor_reset_request (id, target_id, requested_by_id, created_at, expires_at)
       values (gen_random_uuid(), $1, $2, now() - interval '3 days', now() - interval '1 day') returning id`,
      [target.id, requester.id],
    );
    await db.query(`update account set created_at = created_at - interval '5 days' where id = $1`, [adminId]);
    await reauthenticate(admin);
    expect(
      codes(await admin.gql(`mutation($id: ID!) { approveTwoFactorReset(requestId: $id) { __typename } }`, { id: req!.id })),
    ).toEqual(['NOT_FOUND']);
    expect(await db.query(`select status from totp_authenticator where account_id = $1`, [target.id])).toEqual([
      { status: 'ACTIVE' },
    ]);
    expect(await db.query(`select approved_at from two_factor_reset_request where id = $1`, [req!.id])).toEqual([
      { approved_at: null },
    ]);
    expect(await db.query(`select 1 from audit_log where target_id = $1 and action = 'TWO_FACTOR_RESET'`, [target.id])).toEqual(
      [],
    );
  });

  it('removal without a method: disableEmailFactor and disableTotp answer NOT_FOUND and tell nobody', async () => {
    const { client, id, email } = await newUser();
    await reauthenticate(client);
    const since = mail.count();
    expect(codes(await client.gql(Q.disableEmail))).toEqual(['NOT_FOUND']);
    expect(codes(await client.gql(Q.disableTotp))).toEqual(['NOT_FOUND']);
    expect(mail.messages.slice(since).filter((m) => m.to.includes(email))).toEqual([]);
    expect(await audits(id)).toBe(0);
  });

  const UPDATE_SETTINGS = `mutation($i: TwoFactorSettingsInput!) { updateTwoFactorSettings(input: $i) { issuer } }`;
  const storedSettings = async () => (await db.query(`select value, updated_at from setting where key = 'twoFactor'`))[0];
  const settingsChanges = async () =>
    (await db.query<{ n: number }>(`select count(*)::int as n from audit_log where action = 'SETTINGS_CHANGED'`))[0]!.n;

  it('text with a lone surrogate half (valid JSON, not Unicode) is BAD_USER_INPUT (in a literal, a parse error): nothing stored, sent or audited', async () => {
    const { client, id } = await newUser();
    const key = new SoftKey(server.url);
    const options = (await client.gql(OPTIONS, { n: 'Desk' })).data!['webauthnRegistrationOptions'];
    expect((await client.gql(FINISH, { r: key.registration(options) })).data!['finishWebauthnRegistration'].__typename).toBe(
      'TwoFactorEnabled',
    );
    const [{ id: keyId }] = (await db.query(`select id from webauthn_credential where account_id = $1`, [id])) as [
      { id: string },
    ];
    await reauthenticate(admin);
    const sent = mail.count();
    const auditsBefore = await audits(id);
    const settingsBefore = await storedSettings();
    const reasons = (res: Awaited<ReturnType<GqlClient['gql']>>) =>
      (res.errors ?? []).flatMap((e) =>
        ((e.extensions?.['fields'] as { reason: string }[] | undefined) ?? []).map((f) => f.reason),
      );
    for (const [who, query, variables] of [
      [client, Q.startEmail, { a: `a\ud800@example.test` }],
      [client, Q.startEmail, { a: `x@ex\udc00ample.test` }],
      [
        client,
        `mutation($id: ID!, $n: String!) { renameWebauthnCredential(id: $id, name: $n) { id } }`,
        { id: keyId, n: 'ok\udc00' },
      ],
      [client, OPTIONS, { n: '\ud800' }],
      [admin, UPDATE_SETTINGS, { i: { issuer: 'Acme\ud800' } }],
    ] as const) {
      const res = await who.gql(query, variables);
      expect(codes(res), JSON.stringify(variables)).toEqual(['BAD_USER_INPUT']);
      expect(reasons(res)).toEqual(['LONE_SURROGATE']);
    }
    // Written into the operation itself as a GraphQL escape, graphql-js's parser refuses it first.
    expect(codes(await client.gql(`mutation { webauthnRegistrationOptions(name: "Key \\ud800") }`))).toEqual([
      'GRAPHQL_PARSE_FAILED',
    ]);
    // A whole pair is a character like any other.
    const renamed = await client.gql(`mutation($id: ID!, $n: String!) { renameWebauthnCredential(id: $id, name: $n) { name } }`, {
      id: keyId,
      n: 'Desk \ud83d\udd11',
    });
    expect(renamed.data!['renameWebauthnCredential']).toEqual({ name: 'Desk 🔑' });

    expect(await db.query(`select name from webauthn_credential where account_id = $1`, [id])).toEqual([{ name: 'Desk 🔑' }]);
    expect(await db.query(`select 1 from email_factor where account_id = $1`, [id])).toEqual([]);
    expect(await db.query(`select 1 from webauthn_challenge where account_id = $1`, [id])).toEqual([]);
    expect(await audits(id)).toBe(auditsBefore + 1); // the rename to a pair, only
    expect(await storedSettings()).toEqual(settingsBefore);
    // No code was sent for the refused addresses (the key's own notices may arrive meanwhile).
    await new Promise((r) => setTimeout(r, 200));
    expect(mail.messages.slice(sent).filter((m) => /verification code/i.test(m.subject))).toEqual([]);
  });

  it('names, issuers and addresses made only of invisible characters are refused: nothing stored or sent', async () => {
    const { client, id } = await newUser();
    const key = new SoftKey(server.url);
    const options = (await client.gql(OPTIONS, { n: 'Desk' })).data!['webauthnRegistrationOptions'];
    await client.gql(FINISH, { r: key.registration(options) });
    const [{ id: keyId }] = (await db.query(`select id from webauthn_credential where account_id = $1`, [id])) as [
      { id: string },
    ];
    // Zero-width space, word joiner, byte-order mark, left-to-right mark, no-break space.
    const invisible = '\u200b\u2060\ufeff\u200e\u00a0';
    expect(codes(await client.gql(OPTIONS, { n: invisible }))).toEqual(['BAD_USER_INPUT']);
    expect(await db.query(`select 1 from webauthn_challenge where account_id = $1`, [id])).toEqual([]);
    expect(
      codes(
        await client.gql(`mutation($id: ID!, $n: String!) { renameWebauthnCredential(id: $id, name: $n) { id } }`, {
          id: keyId,
          n: invisible,
        }),
      ),
    ).toEqual(['BAD_USER_INPUT']);
    // Nor is a key renamed to a second line, or to text that runs the other way (as a new key is not named so).
    for (const n of ['Desk\nApproved by IT', 'Desk \u202eTI yb devorppA']) {
      const res = await client.gql(`mutation($id: ID!, $n: String!) { renameWebauthnCredential(id: $id, name: $n) { id } }`, {
        id: keyId,
        n,
      });
      expect(codes(res), JSON.stringify(n)).toEqual(['BAD_USER_INPUT']);
      expect((res.errors![0]!.extensions!['fields'] as { reason: string }[]).map((f) => f.reason)).toEqual(['CONTROL_CHARACTER']);
    }
    expect(await db.query(`select name from webauthn_credential where account_id = $1`, [id])).toEqual([{ name: 'Desk' }]);
    const sent = mail.count();
    const address = await client.gql(Q.startEmail, { a: '\u200b@example.test' });
    expect(codes(address)).toEqual(['BAD_USER_INPUT']);
    expect(await db.query(`select 1 from email_factor where account_id = $1`, [id])).toEqual([]);
    await new Promise((r) => setTimeout(r, 200));
    expect(mail.messages.slice(sent).filter((m) => /verification code/i.test(m.subject))).toEqual([]);
    await reauthenticate(admin);
    const before = await storedSettings();
    expect(codes(await admin.gql(UPDATE_SETTINGS, { i: { issuer: '\u200b' } }))).toEqual(['BAD_USER_INPUT']);
    expect(await storedSettings()).toEqual(before);
  });

  it('a settings change that changes nothing (no field, or the values in force) writes and audits nothing', async () => {
    await reauthenticate(admin);
    const current = (await admin.gql(`{ twoFactorSettings { issuer enabled } }`)).data!['twoFactorSettings'] as {
      issuer: string;
      enabled: boolean;
    };
    const before = await storedSettings();
    const changesBefore = await settingsChanges();
    for (const i of [
      {},
      { issuer: null },
      { issuer: current.issuer },
      { issuer: `  ${current.issuer} ` },
      { enabled: current.enabled },
    ]) {
      const res = await admin.gql(UPDATE_SETTINGS, { i });
      expect(res.data?.['updateTwoFactorSettings'], JSON.stringify(i)).toEqual({ issuer: current.issuer });
    }
    expect(await storedSettings()).toEqual(before);
    expect(await settingsChanges()).toBe(changesBefore);
    // A real change is written and audited once.
    expect((await admin.gql(UPDATE_SETTINGS, { i: { issuer: `${current.issuer} X` } })).data!['updateTwoFactorSettings']).toEqual(
      {
        issuer: `${current.issuer} X`,
      },
    );
    expect(await settingsChanges()).toBe(changesBefore + 1);
    await admin.gql(UPDATE_SETTINGS, { i: { issuer: current.issuer } });
  });

  it('an app code with the space apps show in it ("123 456") is a code, not bad input', async () => {
    const { client, email } = await newUser();
    const { secret } = await enrollTotp(client);
    await awayFromStepEdge();
    const code = totp(secret, 0);
    const pending = new GqlClient(server.url);
    expect((await loginStep(pending, email)).typename).toBe('SecondFactorRequired');
    const res = await pending.gql(Q.verify, { i: { method: 'TOTP', code: ` ${code.slice(0, 3)} ${code.slice(3)} ` } });
    expect(res.data!['verifySecondFactor'].__typename, JSON.stringify(res)).toBe('LoginSuccess');
  });
  it('the remaining mutations and queries in a wrong state or for someone else: typed errors, nothing written or sent', async () => {
    const { client, id, email } = await newUser();
    const sent = mail.count();
    const auditsBefore = await audits(id);
    // No e-mail codes: none is sent, no row kept.
    const send = await client.gql(Q.sendCode);
    expect(send.data?.['sendEmailCode'] ?? codes(send), JSON.stringify(send)).toMatchObject({ code: 'METHOD_NOT_SET_UP' });
    // No key: no challenge made.
    const opts = await client.gql(AUTH_OPTIONS);
    expect(codes(opts), JSON.stringify(opts)).toEqual(['METHOD_NOT_SET_UP']);
    expect(await db.query(`select 1 from webauthn_challenge where account_id = $1`, [id])).toEqual([]);
    expect(await db.query(`select 1 from email_code where account_id = $1`, [id])).toEqual([]);
    // Someone else's key, and a key that does not exist: not found, nothing removed.
    const { client: owner, id: ownerId } = await newUser();
    const key = new SoftKey(server.url);
    const reg = (await owner.gql(OPTIONS, { n: 'Theirs' })).data!['webauthnRegistrationOptions'];
    expect((await owner.gql(FINISH, { r: key.registration(reg) })).data!['finishWebauthnRegistration'].__typename).toBe(
      'TwoFactorEnabled',
    );
    const [{ id: theirs }] = (await db.query(`select id from webauthn_credential where account_id = $1`, [ownerId])) as [
      { id: string },
    ];
    await reauthenticate(client);
    const REMOVE = `mutation($id: ID!) { removeWebauthnCredential(id: $id) }`;
    expect(codes(await client.gql(REMOVE, { id: theirs }))).toEqual(['NOT_FOUND']);
    expect(codes(await client.gql(REMOVE, { id: '00000000-0000-4000-8000-000000000000' }))).toEqual(['NOT_FOUND']);
    expect(await db.query(`select 1 from webauthn_credential where id = $1`, [theirs])).toHaveLength(1);
    // Recovery codes back up a method: with none, no set is made.
    expect(codes(await client.gql(`mutation { generateRecoveryCodes { codes } }`))).toEqual(['METHOD_NOT_SET_UP']);
    expect(await db.query(`select 1 from recovery_code where account_id = $1`, [id])).toEqual([]);
    // The admins' lists are theirs alone; pages out of range are refused.
    expect(codes(await client.gql(`{ pendingTwoFactorResets { id } }`))).toEqual(['FORBIDDEN']);
    expect(codes(await client.gql(`{ twoFactorCompliance { matching } }`))).toEqual(['FORBIDDEN']);
    for (const page of [{ limit: -1 }, { limit: 100000 }, { offset: -5 }]) {
      const res = await admin.gql(`query($p: PageInput) { twoFactorCompliance(page: $p) { matching } }`, { p: page });
      expect(codes(res), JSON.stringify(page)).toEqual(['BAD_USER_INPUT']);
    }
    await new Promise((r) => setTimeout(r, 800));
    expect(mail.messages.slice(sent).filter((m) => m.to.includes(email))).toEqual([]);
    expect(await audits(id)).toBe(auditsBefore);
    expect(await budget(id)).toBe(0);
  });
});
