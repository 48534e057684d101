import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDatabase } from '../support/database.js';
import { startStack, type Stack } from '../support/stack.js';
import { createAccount, login, PASSWORD } from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import type { RunningServer } from '../support/server.js';
import { MailSink, type ReceivedMail } from '../support/smtp.js';
import { totp } from '../support/totp.js';
import { awayFromStepEdge, enrollTotp, loginStep, loginWithTotp, Q } from '../support/two-factor.js';
import { SoftKey } from '../support/webauthn.js';

/**
 * The two-factor e-mails: one notice per committed change, to the right address; none for a refused
 * change; no secret in a notice; no text smuggled in through a device name; links on the public URL;
 * wording true to what happened (a sign-in, a re-authentication, a lock).
 */
describe('two-factor e-mails', () => {
  let stack: Stack;
  let db: TestDatabase;
  let server: RunningServer;
  let mail: MailSink;
  let admin: GqlClient;
  let adminId: string;
  let adminEmail: string;

  beforeAll(async () => {
    stack = await startStack('two_factor_mail', {
      SECOND_FACTOR_MAX_ATTEMPTS: '1000',
      SECOND_FACTOR_LOCKOUT_FAILURES: '3',
      EMAIL_CODE_COOLDOWN_SECONDS: '2',
    });
    ({ db, mail, server, admin, adminId, adminEmail } = stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const newUser = () => createAccount(server, admin, { role: 'USER' });
  /** Notices are sent after the response: give them time to arrive before asserting that none did. */
  const settle = (ms = 1200) => new Promise((r) => setTimeout(r, ms));
  const to = (address: string, subject: RegExp, since: number): ReceivedMail[] =>
    mail.messages.slice(since).filter((m) => m.to.includes(address.toLowerCase()) && subject.test(m.subject));
  const anyTo = (address: string, since: number): ReceivedMail[] =>
    mail.messages.slice(since).filter((m) => m.to.includes(address.toLowerCase()));
  /** The decoded body (after the headers). */
  const body = (m: ReceivedMail): string => {
    const t = MailSink.text(m);
    const i = t.search(/\r?\n\r?\n/);
    return t.slice(i).trim();
  };
  /** A notice (not a code e-mail): no 6-digit code, every link on the public URL. */
  const assertCleanNotice = (m: ReceivedMail) => {
    const b = body(m);
    expect(b, b).not.toMatch(/\b\d{6}\b/);
    for (const link of b.match(/https?:\/\/[^\s"<>]+/g) ?? []) expect(link.startsWith(server.url), link).toBe(true);
  };
  /** enrollTotp, then waits for its "added" notice (sent after the response) so later counts start clean. */
  const enrolled = async (client: GqlClient, email: string) => {
    const since = mail.count();
    const r = await enrollTotp(client);
    await mail.waitFor(email, (m) => /method was added/i.test(m.subject), since);
    return r;
  };
  const reauthTotp = async (client: GqlClient, code: string) => {
    const r = await client.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'TOTP', code } } });
    expect(r.data?.['reauthenticate']?.__typename, JSON.stringify(r)).toBe('ReauthSuccess');
  };

  const OPTIONS = `mutation($n: String!) { webauthnRegistrationOptions(name: $n) }`;
  const FINISH = `mutation($r: JSONObject!) { finishWebauthnRegistration(response: $r) { __typename ... on ErrorResult { code } } }`;
  const MARK = `mutation($id: ID!, $r: Boolean!) { setRequiresTwoFactor(accountId: $id, required: $r) { accountId } }`;
  const RESET = `mutation($id: ID!) { resetTwoFactor(accountId: $id) { __typename ... on TwoFactorResetPending { requestId } } }`;
  const APPROVE = `mutation($id: ID!) { approveTwoFactorReset(requestId: $id) { __typename } }`;

  it('authenticator app: a wrong code sends nothing; the right one one notice to the account, no secret', async () => {
    const { client, email } = await newUser();
    const start = await client.gql(Q.startTotp);
    const secret = (start.data!['startTotpEnrollment'].secret as string).replace(/\s/g, '');
    const since = mail.count();
    await awayFromStepEdge();
    const wrong = totp(secret, 0) === '000000' ? '111111' : '000000';
    expect((await client.gql(Q.confirmTotp, { c: wrong })).data!['confirmTotpEnrollment'].code).toBe('CODE_INVALID');
    await settle();
    expect(anyTo(email, since)).toEqual([]);
    // Two confirmations at once: one switches it on, one notice.
    const code = totp(secret, 0);
    const both = await Promise.all([client.gql(Q.confirmTotp, { c: code }), client.gql(Q.confirmTotp, { c: code })]);
    expect(both.map((r) => r.data!['confirmTotpEnrollment'].__typename).sort()).toEqual(['TwoFactorEnabled', 'TwoFactorError']);
    await mail.waitFor(email, (m) => /method was added/i.test(m.subject), since);
    await settle();
    const notices = anyTo(email, since);
    expect(notices.map((m) => m.subject)).toEqual(['A two-factor method was added to your account']);
    expect(body(notices[0]!)).not.toContain(secret);
    assertCleanNotice(notices[0]!);
  });

  it('removing the app: refused without re-authentication or under a policy sends nothing; a removal one notice', async () => {
    const { client, email, id } = await newUser();
    const { secret } = await enrolled(client, email);
    let since = mail.count();
    expect(codes(await client.gql(Q.disableTotp))).toEqual(['REAUTH_REQUIRED']);
    await awayFromStepEdge();
    await reauthTotp(client, totp(secret, 0));
    expect((await admin.gql(MARK, { id, r: true })).errors).toBeUndefined();
    expect(codes(await client.gql(Q.disableTotp))).toEqual(['LAST_METHOD_REQUIRED']);
    await settle();
    expect(to(email, /removed/i, since)).toEqual([]);
    expect((await admin.gql(MARK, { id, r: false })).errors).toBeUndefined();
    since = mail.count();
    // Two removals at once: one removes, one finds nothing; the last method gone is one notice (its
    // recovery codes go with it, not reported separately).
    const both = await Promise.all([client.gql(Q.disableTotp), client.gql(Q.disableTotp)]);
    expect(both.map((r) => (r.errors ? codes(r)[0] : r.data!['disableTotp'])).sort()).toEqual(['NOT_FOUND', true]);
    await mail.waitFor(email, (m) => /method was removed/i.test(m.subject), since);
    await settle();
    const notices = anyTo(email, since);
    expect(notices.map((m) => m.subject)).toEqual(['A two-factor method was removed from your account']);
    assertCleanNotice(notices[0]!);
    // It was the last: the notice says what went with it, and what a sign-in asks for now.
    expect(body(notices[0]!)).toContain(
      'It was your last method: your recovery codes were deleted with it, and signing in now asks only for your password.',
    );
  });

  it('recovery code at sign-in: a wrong one sends nothing; a right one one notice, without any code', async () => {
    const { client, email } = await newUser();
    const { recoveryCodes } = await enrolled(client, email);
    const since = mail.count();
    const c = new GqlClient(server.url);
    expect((await loginStep(c, email)).typename).toBe('SecondFactorRequired');
    expect(
      (await c.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: 'AAAAA-BBBBB' } })).data!['verifySecondFactor'].code,
    ).toBe('CODE_INVALID');
    await settle();
    expect(anyTo(email, since)).toEqual([]);
    expect(
      (await c.gql(Q.verify, { i: { method: 'RECOVERY_CODE', code: recoveryCodes[0] } })).data!['verifySecondFactor'].__typename,
    ).toBe('LoginSuccess');
    await mail.waitFor(email, (m) => /recovery code was used/i.test(m.subject), since);
    await settle();
    const notices = anyTo(email, since);
    expect(notices).toHaveLength(1);
    for (const rc of recoveryCodes) expect(body(notices[0]!)).not.toContain(rc);
    assertCleanNotice(notices[0]!);
    // No actor: a sign-in had proved only the password when the code was used.
    expect(
      await db.query(
        `select actor_id, details from audit_log where action = 'RECOVERY_CODE_USED' and target_id = (select id::text from account where email = $1)`,
        [email],
      ),
    ).toEqual([{ actor_id: null, details: { remaining: 9, purpose: 'login' } }]);
  });

  it('recovery code used to re-authenticate: the notice does not say it signed someone in; a new set is told too', async () => {
    const { client, email, id } = await newUser();
    const { recoveryCodes } = await enrolled(client, email);
    let since = mail.count();
    const r = await client.gql(Q.reauth, {
      i: { password: PASSWORD, secondFactor: { method: 'RECOVERY_CODE', code: recoveryCodes[1] } },
    });
    expect(r.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
    const m = await mail.waitFor(email, (x) => /recovery code was used/i.test(x.subject), since);
    // The holder, signed in, confirmed a change: "used to sign in" is untrue.
    expect(`${m.subject}\n${body(m)}`).not.toMatch(/to sign in/i);
    // Nor does the audit log: the signed-in holder did it, to confirm a change.
    expect(
      await db.query(`select actor_id, details from audit_log where action = 'RECOVERY_CODE_USED' and target_id = $1`, [id]),
    ).toEqual([{ actor_id: id, details: { remaining: 9, purpose: 'reauth' } }]);
    // A new set replaces the codes the holder kept: told, without any code.
    since = mail.count();
    const renewed = await client.gql(`mutation { generateRecoveryCodes { codes } }`);
    const fresh = renewed.data!['generateRecoveryCodes'].codes as string[];
    expect(fresh).toHaveLength(10);
    const notice = await mail.waitFor(email, (x) => /new recovery codes/i.test(x.subject), since);
    for (const c of [...fresh, ...recoveryCodes]) expect(body(notice)).not.toContain(c);
    assertCleanNotice(notice);
    await settle();
    expect(anyTo(email, since)).toHaveLength(1);
  });

  it('authenticator code replayed: one notice to the account, without the code', async () => {
    const { client, email } = await newUser();
    const { secret } = await enrolled(client, email);
    await awayFromStepEdge();
    const code = totp(secret, 0);
    const a = new GqlClient(server.url);
    await loginStep(a, email);
    expect((await a.gql(Q.verify, { i: { method: 'TOTP', code } })).data!['verifySecondFactor'].__typename).toBe('LoginSuccess');
    const since = mail.count();
    const b = new GqlClient(server.url);
    await loginStep(b, email);
    expect((await b.gql(Q.verify, { i: { method: 'TOTP', code } })).data!['verifySecondFactor'].code).toBe('CODE_ALREADY_USED');
    await mail.waitFor(email, (m) => /used twice/i.test(m.subject), since);
    // Replayed again: refused and audited again, but the holder's inbox is not filled with notices.
    expect((await b.gql(Q.verify, { i: { method: 'TOTP', code } })).data!['verifySecondFactor'].code).toBe('CODE_ALREADY_USED');
    await settle();
    const notices = anyTo(email, since);
    expect(notices).toHaveLength(1);
    expect(body(notices[0]!)).not.toContain(code);
    assertCleanNotice(notices[0]!);
    // When and from where, as the audit log has it.
    const entries = await db.query<{ ip: string }>(
      `select ip from audit_log where action = 'TOTP_REPLAY_REFUSED' and target_id = (select id::text from account where email = $1)`,
      [email],
    );
    expect(entries).toHaveLength(2);
    expect(body(notices[0]!)).toContain(`from ${entries[0]!.ip} at `);
    expect(body(notices[0]!)).toMatch(/ at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC\./);
  });

  it('an older authenticator code never used, after a newer one signed in, is refused without a replay notice or audit entry', async () => {
    const { client, email, id } = await newUser();
    const { secret } = await enrolled(client, email);
    await awayFromStepEdge();
    const [ahead, current] = [totp(secret, 1), totp(secret, 0)];
    // A phone about 20 s ahead signs in with the next step's code.
    const phone = new GqlClient(server.url);
    await loginStep(phone, email);
    expect((await phone.gql(Q.verify, { i: { method: 'TOTP', code: ahead } })).data!['verifySecondFactor'].__typename).toBe(
      'LoginSuccess',
    );
    const since = mail.count();
    // Another device, with the right clock, then gives the current step's code: never used, but older
    // than the one used. Refused (accepting it would reopen every skipped step), as a code no longer
    // valid: no replay happened.
    const other = new GqlClient(server.url);
    await loginStep(other, email);
    expect((await other.gql(Q.verify, { i: { method: 'TOTP', code: current } })).data!['verifySecondFactor']).toMatchObject({
      __typename: 'TwoFactorError',
      code: 'CODE_INVALID',
    });
    expect((await other.gql(Q.me)).data!['me']).toBeNull();
    const replays = () => db.query(`select 1 from audit_log where action = 'TOTP_REPLAY_REFUSED' and target_id = $1`, [id]);
    expect(await replays()).toEqual([]);
    // It counts as a failed attempt, as a wrong or replayed code does.
    expect(await db.query(`select consecutive_failures from two_factor_state where account_id = $1`, [id])).toEqual([
      { consecutive_failures: 1 },
    ]);
    // The newer code again is a replay, and is told as one.
    expect((await other.gql(Q.verify, { i: { method: 'TOTP', code: ahead } })).data!['verifySecondFactor'].code).toBe(
      'CODE_ALREADY_USED',
    );
    await mail.waitFor(email, (m) => /used twice/i.test(m.subject), since);
    await settle();
    expect(anyTo(email, since).map((m) => m.subject)).toHaveLength(1);
    expect(await replays()).toHaveLength(1);
  });

  it('a used authenticator code replayed after a newer one signed in is still a replay: refused, audited and e-mailed', async () => {
    const { client, email, id } = await newUser();
    const { secret } = await enrolled(client, email);
    await awayFromStepEdge();
    const current = totp(secret, 0);
    // The holder signs in with the current code (seen by someone), then again with the next step's.
    await loginWithTotp(server, email, secret, 0);
    await loginWithTotp(server, email, secret, 1);
    const since = mail.count();
    // Whoever saw the first code, and knows the password, tries it: a replay, not a lagging clock.
    const thief = new GqlClient(server.url);
    await loginStep(thief, email);
    expect((await thief.gql(Q.verify, { i: { method: 'TOTP', code: current } })).data!['verifySecondFactor']).toMatchObject({
      __typename: 'TwoFactorError',
      code: 'CODE_ALREADY_USED',
    });
    expect((await thief.gql(Q.me)).data!['me']).toBeNull();
    await mail.waitFor(email, (m) => /used twice/i.test(m.subject), since);
    expect(await db.query(`select 1 from audit_log where action = 'TOTP_REPLAY_REFUSED' and target_id = $1`, [id])).toHaveLength(
      1,
    );
  });

  it('second step locked: one notice, telling the holder to have it unlocked before signing in', async () => {
    const { client, email } = await newUser();
    const { secret } = await enrolled(client, email);
    const c = new GqlClient(server.url);
    await loginStep(c, email);
    const since = mail.count();
    const good = totp(secret, 0);
    const wrong = ['000000', '111111', '222222', '333333'].filter(
      (x) => x !== good && x !== totp(secret, 1) && x !== totp(secret, -1),
    );
    await Promise.all(wrong.map((w) => c.gql(Q.verify, { i: { method: 'TOTP', code: w } })));
    const m = await mail.waitFor(email, (x) => /locked/i.test(x.subject), since);
    await settle();
    expect(to(email, /locked/i, since)).toHaveLength(1);
    assertCleanNotice(m);
    // Not the usual "if this was not you, sign in and review": signing in is what is locked.
    expect(body(m)).not.toMatch(/If this was not you, sign in/i);
    expect(body(m)).toMatch(/ask an administrator to unlock it, then sign in at \S+ and change your password/);
  });

  it('security key registered: one notice (not also "method added"), link on the public URL', async () => {
    const { client, email } = await newUser();
    const key = new SoftKey(server.url);
    const options = (await client.gql(OPTIONS, { n: 'Desk key' })).data!['webauthnRegistrationOptions'];
    const since = mail.count();
    expect((await client.gql(FINISH, { r: key.registration(options) })).data!['finishWebauthnRegistration'].__typename).toBe(
      'TwoFactorEnabled',
    );
    await mail.waitFor(email, (m) => /registered/i.test(m.subject), since);
    await settle();
    const notices = anyTo(email, since);
    expect(notices.map((m) => m.subject)).toEqual(['A security key or passkey was registered']);
    assertCleanNotice(notices[0]!);
  });

  it('a removal’s audit entry says which key (two may share a name) or which address went', async () => {
    const { client, email, id } = await newUser();
    const { secret } = await enrolled(client, email);
    for (let i = 0; i < 2; i++) {
      const opts = await client.gql(OPTIONS, { n: 'Desk key' });
      const done = await client.gql(FINISH, {
        r: new SoftKey(server.url).registration(opts.data!['webauthnRegistrationOptions']),
      });
      expect(done.data!['finishWebauthnRegistration'].__typename).toBe('TwoFactorEnabled');
    }
    const keys = await db.query<{ id: string }>(`select id from webauthn_credential where account_id = $1 order by created_at`, [
      id,
    ]);
    const address = `removed-${Date.now()}@example.test`;
    const since = mail.count();
    expect((await client.gql(Q.startEmail, { a: address })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
    const code = await mail.codeFor(address, since);
    expect((await client.gql(Q.confirmEmail, { c: code })).data!['confirmEmailEnrollment'].__typename).toBe('TwoFactorEnabled');
    await awayFromStepEdge();
    await reauthTotp(client, totp(secret, 0));
    const remove = `mutation($id: ID!) { removeWebauthnCredential(id: $id) }`;
    expect((await client.gql(remove, { id: keys[1]!.id })).data!['removeWebauthnCredential']).toBe(true);
    expect((await client.gql(Q.disableEmail)).data!['disableEmailFactor']).toBe(true);
    expect(
      await db.query(
        `select details from audit_log where action = 'TWO_FACTOR_DISABLED' and target_id = $1 order by occurred_at, id`,
        [id],
      ),
    ).toEqual([
      { details: { method: 'WEBAUTHN', name: 'Desk key', keyId: keys[1]!.id } },
      { details: { method: 'EMAIL', address } },
    ]);
    // The key's addition named the same id.
    expect(
      await db.query(
        `select details->>'keyId' as key from audit_log where action = 'TWO_FACTOR_ENABLED' and target_id = $1 and details->>'method' = 'WEBAUTHN' order by occurred_at, id`,
        [id],
      ),
    ).toEqual(keys.map((k) => ({ key: k.id })));
  });

  it('a device name cannot put extra lines or a foreign link into the notices: one line, quoted on a line of its own', async () => {
    const { client, id, email } = await newUser();
    for (const name of [
      'Key" - approved by IT.\n\nQuestions? https://evil.example/help',
      'Key\r\nBcc: x',
      'Key\u2028Line',
      'Key\u0007',
      // Text-direction overrides and isolates: a name that reads backwards, or turns the line after it.
      'Office \u202eyeKbuY',
      'Key \u2067x\u2069',
      'Key\u200f',
    ]) {
      const refused = await client.gql(OPTIONS, { n: name });
      expect(codes(refused), JSON.stringify(name)).toEqual(['BAD_USER_INPUT']);
    }
    expect(await db.query(`select 1 from webauthn_challenge where account_id = $1`, [id])).toEqual([]);
    // Emoji joined into one (a zero-width joiner) are not an override.
    expect((await client.gql(OPTIONS, { n: '\u{1F469}\u200d\u{1F4BB} Laptop' })).errors).toBeUndefined();
    // One line is a name like any other, and the notice shows it as the name given, not as its own words.
    const name = 'Key" - approved by IT';
    const since = mail.count();
    const key = new SoftKey(server.url);
    const opts = await client.gql(OPTIONS, { n: name });
    await client.gql(FINISH, { r: key.registration(opts.data!['webauthnRegistrationOptions']) });
    const m = await mail.waitFor(email, (x) => /registered/i.test(x.subject), since);
    expect(body(m).split(/\r?\n/)).toContain(`Name given to it: ${name}`);
  });

  it('e-mail codes: bad input sends nothing; the code goes to the new address only; the account address is told of the addition and of a change of address', async () => {
    const { client, email } = await newUser();
    const first = `first-${Date.now()}@example.test`;
    const second = `second-${Date.now()}@example.test`;
    let since = mail.count();
    expect(codes(await client.gql(Q.startEmail, { a: 'not an address' }))).toEqual(['BAD_USER_INPUT']);
    await settle(600);
    expect(mail.messages.slice(since)).toEqual([]);
    expect((await client.gql(Q.startEmail, { a: first })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
    const code = await mail.codeFor(first, since);
    const codeMail = mail.messages.slice(since).find((m) => m.to.includes(first))!;
    expect(codeMail.to).toEqual([first]);
    expect(anyTo(email, since)).toEqual([]);
    expect(
      (await client.gql(Q.confirmEmail, { c: code === '000000' ? '111111' : '000000' })).data!['confirmEmailEnrollment'].code,
    ).toBe('CODE_INVALID');
    await settle(600);
    expect(to(email, /added/i, since)).toEqual([]);
    expect((await client.gql(Q.confirmEmail, { c: code })).data!['confirmEmailEnrollment'].__typename).toBe('TwoFactorEnabled');
    const added = await mail.waitFor(email, (m) => /method was added/i.test(m.subject), since);
    expect(body(added)).toContain(first);
    assertCleanNotice(added);
    await settle();
    expect(to(first, /added/i, since)).toEqual([]);

    // Moving codes to another address (remove, then set up again) tells the account's address both.
    since = mail.count();
    expect((await client.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
    const reauthCode = await mail.codeFor(first, since);
    const r = await client.gql(Q.reauth, { i: { password: PASSWORD, secondFactor: { method: 'EMAIL', code: reauthCode } } });
    expect(r.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
    expect((await client.gql(Q.disableEmail)).data!['disableEmailFactor']).toBe(true);
    await mail.waitFor(email, (m) => /method was removed/i.test(m.subject), since);
    await new Promise((res) => setTimeout(res, 2100));
    const s2 = mail.count();
    expect((await client.gql(Q.startEmail, { a: second })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
    expect(
      (await client.gql(Q.confirmEmail, { c: await mail.codeFor(second, s2) })).data!['confirmEmailEnrollment'].__typename,
    ).toBe('TwoFactorEnabled');
    expect(body(await mail.waitFor(email, (m) => /method was added/i.test(m.subject), s2))).toContain(second);
  });

  it('a code e-mailed for a re-authentication does not say it finishes a sign-in', async () => {
    const { client } = await newUser();
    const address = `reauth-${Date.now()}@example.test`;
    const since = mail.count();
    await client.gql(Q.startEmail, { a: address });
    await client.gql(Q.confirmEmail, { c: await mail.codeFor(address, since) });
    await new Promise((res) => setTimeout(res, 2100));
    const s2 = mail.count();
    expect((await client.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
    const m = await mail.waitFor(address, (x) => /verification code/i.test(x.subject), s2);
    expect(body(m)).not.toMatch(/finish signing in/i);
  });

  it('no sign-in code is e-mailed while second-step sign-in is locked (it could not be used)', async () => {
    const { client, id } = await newUser();
    const address = `locked-${Date.now()}@example.test`;
    const since = mail.count();
    await client.gql(Q.startEmail, { a: address });
    await client.gql(Q.confirmEmail, { c: await mail.codeFor(address, since) });
    await db.query(
      `insert into two_factor_state (account_id, consecutive_failures, locked_at) values ($1, 3, now())
       on conflict (account_id) do update set locked_at = now()`,
      [id],
    );
    const c = new GqlClient(server.url);
    const email = (await db.query(`select email from account where id = $1`, [id]))[0]!['email'] as string;
    expect((await loginStep(c, email)).typename).toBe('SecondFactorRequired');
    const s2 = mail.count();
    const sent = (await c.gql(Q.sendCode)).data!['sendEmailCode'];
    await settle();
    expect(to(address, /verification code/i, s2)).toEqual([]);
    expect(sent).toMatchObject({ __typename: 'TwoFactorError', code: 'SECOND_FACTOR_LOCKED' });
  });

  it('admin reset: refused without re-authentication sends nothing; done, one notice to the holder', async () => {
    const { client, email, id } = await newUser();
    await enrolled(client, email);
    await login(admin, adminEmail);
    const since = mail.count();
    expect(codes(await admin.gql(RESET, { id }))).toEqual(['REAUTH_REQUIRED']);
    await settle();
    expect(anyTo(email, since)).toEqual([]);
    const r = await admin.gql(Q.reauth, { i: { password: PASSWORD } });
    expect(r.data!['reauthenticate'].__typename).toBe('ReauthSuccess');
    expect((await admin.gql(RESET, { id })).data!['resetTwoFactor'].__typename).toBe('TwoFactorResetDone');
    await mail.waitFor(email, (m) => /was reset/i.test(m.subject), since);
    await settle();
    const notices = anyTo(email, since);
    expect(notices.map((m) => m.subject)).toEqual(['Your two-factor authentication was reset']);
    assertCleanNotice(notices[0]!);
  });

  it('two-admin approval: approvers asked with a link to an existing page and a time with its zone; the holder told once when done', async () => {
    const target = await createAccount(server, admin, { role: 'ADMIN' });
    const second = await createAccount(server, admin, { role: 'ADMIN' });
    await db.query(`update account set created_at = created_at - interval '25 hours' where id = any($1::uuid[])`, [
      [second.id, adminId],
    ]);
    // Something to reset (its notice in before the count starts).
    const enrolling = mail.count();
    await enrollTotp(target.client);
    await mail.waitFor(target.email, (m) => m.subject === 'A two-factor method was added to your account', enrolling);
    await login(admin, adminEmail);
    expect((await admin.gql(Q.reauth, { i: { password: PASSWORD } })).data!['reauthenticate'].__typename).toBe('ReauthSuccess');
    const since = mail.count();
    const pending = (await admin.gql(RESET, { id: target.id })).data!['resetTwoFactor'];
    expect(pending.__typename).toBe('TwoFactorResetPending');
    const asked = await mail.waitFor(second.email, (m) => /approval needed/i.test(m.subject), since);
    const b = body(asked);
    expect(b).toContain(`${server.url}/security/two-factor`);
    expect(b).toMatch(/\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|UTC|[+-]\d{2}:?\d{2})/);
    assertCleanNotice(asked);
    expect((await second.client.gql(Q.reauth, { i: { password: PASSWORD } })).data!['reauthenticate'].__typename).toBe(
      'ReauthSuccess',
    );
    expect((await second.client.gql(APPROVE, { id: pending.requestId })).data!['approveTwoFactorReset'].__typename).toBe(
      'TwoFactorResetDone',
    );
    await mail.waitFor(target.email, (m) => /was reset/i.test(m.subject), since);
    await settle();
    // The target heard of the request when it was made (the one best placed to object), then of the reset.
    expect(to(target.email, /two-factor|method/i, since).map((m) => m.subject)).toEqual([
      'A reset of your two-factor authentication was requested',
      'Your two-factor authentication was reset',
    ]);
    const told = to(target.email, /was requested/i, since)[0]!;
    expect(body(told)).toContain(adminEmail);
    expect(body(told)).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    assertCleanNotice(told);
    // Nobody else was told of the request twice, and the requester was not told at all.
    expect(to(adminEmail, /approval needed|was requested/i, since)).toEqual([]);
    expect(to(second.email, /approval needed/i, since)).toHaveLength(1);
  });
});
