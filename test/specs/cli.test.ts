import pg from 'pg';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { startStack, type Stack } from '../support/stack.js';
import { CREATE_ACCOUNT, createAccount, PASSWORD, reauthenticate, setupAdmin, uniqueEmail } from '../support/factories.js';
import { GqlClient } from '../support/graphql.js';
import { runCli, startServer, type RunningServer } from '../support/server.js';
import { MailSink } from '../support/smtp.js';
import { totp } from '../support/totp.js';
import { enrollTotp, loginStep, Q } from '../support/two-factor.js';
import { SoftKey } from '../support/webauthn.js';

/**
 * The server-side CLI against a real database beside a running server (the CLI is another instance:
 * it reaches the server through the database's announcements): `reset-2fa`, the sole owner's way back
 * after a lost device; `create-admin` and `setup-token`; a mistyped database.
 */
describe('CLI reset-2fa', () => {
  let stack: Stack;
  let db: TestDatabase;
  let server: RunningServer;
  let mail: MailSink;
  let admin: GqlClient;
  let adminId: string;

  beforeAll(async () => {
    stack = await startStack('cli_reset_2fa');
    ({ db, mail, server, admin, adminId } = stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { DATABASE_URL: db.url, SMTP_URL: mail.url, ...env });
  const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

  const OPTIONS = `mutation($n: String!) { webauthnRegistrationOptions(name: $n) }`;
  const FINISH = `mutation($r: JSONObject!) { finishWebauthnRegistration(response: $r) { __typename ... on ErrorResult { code } } }`;

  const state = async (id: string) =>
    (
      await db.query(
        `select (select count(*)::int from totp_authenticator where account_id = $1) as totp,
                (select count(*)::int from email_factor where account_id = $1) as email,
                (select count(*)::int from email_code where account_id = $1) as codes,
                (select count(*)::int from webauthn_credential where account_id = $1) as keys,
                (select count(*)::int from recovery_code where account_id = $1) as recovery,
                (select count(*)::int from two_factor_state where account_id = $1) as lock,
                (select count(*)::int from session where account_id = $1 and revoked_at is null and expires_at > now()) as sessions,
                (select count(*)::int from two_factor_reset_request where target_id = $1 and approved_at is null and expires_at > now()) as requests`,
        [id],
      )
    )[0]!;

  /** A user with every kind of factor, a pending sign-in with an e-mailed code, a lock row and a waiting reset request. */
  async function fullyLoaded() {
    const { client, id, email } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    let since = mail.count();
    expect((await client.gql(Q.startEmail, { a: email })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
    const enrollCode = await mail.codeFor(email, since);
    expect((await client.gql(Q.confirmEmail, { c: enrollCode })).data!['confirmEmailEnrollment'].__typename).toBe(
      'TwoFactorEnabled',
    );
    const key = new SoftKey(server.url);
    const options = (await client.gql(OPTIONS, { n: 'Desk key' })).data!['webauthnRegistrationOptions'];
    expect((await client.gql(FINISH, { r: key.registration(options) })).data!['finishWebauthnRegistration'].__typename).toBe(
      'TwoFactorEnabled',
    );
    // Someone half-way through a sign-in, holding an e-mailed code.
    const pending = new GqlClient(server.url);
    expect((await loginStep(pending, email)).typename).toBe('SecondFactorRequired');
    since = mail.count();
    expect((await pending.gql(Q.sendCode)).data!['sendEmailCode'].__typename).toBe('EmailCodeSent');
    const loginCode = await mail.codeFor(email, since);
    await db.query(`insert into two_factor_state (account_id, consecutive_failures, locked_at) values ($1, 7, null)`, [id]);
    await db.query(
      `insert into two_factor_reset_request (id, target_id, requested_by_id, created_at, expires_at)
       values (gen_random_uuid(), $1, $2, now(), now() + interval '1 day')`,
      [id, adminId],
    );
    return { client, id, email, secret, pending, loginCode };
  }

  it('removes every factor, code, lock and request; ends sessions and pending sign-ins on the running server; audits; e-mails', async () => {
    const u = await fullyLoaded();
    expect(await state(u.id)).toMatchObject({ totp: 1, email: 1, keys: 1, lock: 1, requests: 1 });
    const since = mail.count();
    const auditBefore = (await db.query(`select coalesce(max(id), 0)::int as m from audit_log`))[0]!['m'] as number;
    // Mixed case and spaces, as a person types it.
    const res = await cli(['reset-2fa', '--email', `  ${u.email.toUpperCase()} `]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      `Two-factor authentication reset for ${u.email}: removed the authenticator app, e-mail codes, 1 security key, 10 unused recovery codes; second-step sign-in unlocked; signed out everywhere (sessions and API tokens).`,
    );
    expect(res.stdout).toContain('Its next sign-in needs the password only');
    expect(res.stdout).toContain('The holder was e-mailed.');
    expect(await state(u.id)).toEqual({ totp: 0, email: 0, codes: 0, keys: 0, recovery: 0, lock: 0, sessions: 0, requests: 0 });
    // The running server (another process) hears of it: the session and the pending sign-in are dead.
    await expect.poll(async () => (await u.client.gql(Q.me)).data?.['me'], { interval: 20, timeout: 5000 }).toBeNull();
    const late = await u.pending.gql(Q.verify, { i: { method: 'EMAIL', code: u.loginCode } });
    expect(late.data?.['verifySecondFactor']?.__typename).not.toBe('LoginSuccess');
    const late2 = await u.pending.gql(Q.verify, { i: { method: 'TOTP', code: totp(u.secret) } });
    expect(late2.data?.['verifySecondFactor']?.__typename).not.toBe('LoginSuccess');
    // The password alone signs in now.
    expect((await loginStep(new GqlClient(server.url), u.email)).typename).toBe('LoginSuccess');
    const audit = await db.query(
      `select action, actor_id, target_id from audit_log where id > $1 and target_id = $2 order by id`,
      [auditBefore, u.id],
    );
    expect(audit.map((a) => a['action'])).toEqual(['TWO_FACTOR_RESET', 'TWO_FACTOR_RESET_BY_CLI']);
    expect(audit.every((a) => a['actor_id'] === null)).toBe(true);
    await mail.waitFor(u.email, (m) => /two-factor authentication was reset/i.test(m.subject), since);
  });

  it('an API-only integration holds no second factor: nothing to reset, its tokens keep working', async () => {
    await reauthenticate(admin);
    const created = await admin.gql(CREATE_ACCOUNT, {
      input: { email: uniqueEmail('api'), name: 'api', role: 'SUB_ADMIN', permissions: ['REPORT_LOGINS'], apiOnly: true },
    });
    const { id, email } = created.data!['createAccount'].account as { id: string; email: string };
    await reauthenticate(admin);
    const { token } = (
      await admin.gql(`mutation($id: ID!) { createApiToken(input: { accountId: $id, name: "t" }) { token } }`, { id })
    ).data!['createApiToken'];
    const api = new GqlClient(server.url, { authorization: `Bearer ${token}` });
    expect((await api.gql(Q.me)).data?.['me']).toMatchObject({ id });
    const res = await cli(['reset-2fa', '--email', email]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('nothing to reset');
    expect(await db.query(`select count(*)::int as n from api_token where account_id = $1 and revoked_at is null`, [id])).toEqual(
      [{ n: 1 }],
    );
    expect((await api.gql(Q.me)).data?.['me']).toMatchObject({ id });
  });

  it('is all or nothing: a failure after the reset (the CLI’s own audit entry) leaves everything as it was, exit 1, no stack, no e-mail', async () => {
    const u = await fullyLoaded();
    const before = await state(u.id);
    await db.query(`create or replace function reset_fail() returns trigger language plpgsql as $$
      begin if new.action = 'TWO_FACTOR_RESET_BY_CLI' then raise exception 'audit refused'; end if; return new; end $$`);
    await db.query(`create trigger reset_fail before insert on audit_log for each row execute function reset_fail()`);
    const since = mail.count();
    try {
      const res = await cli(['reset-2fa', '--email', u.email]);
      expect(res.code).toBe(1);
      expect(res.stdout).not.toContain('reset for');
      noStack(res.stderr);
    } finally {
      await db.query(`drop trigger reset_fail on audit_log`);
      await db.query(`drop function reset_fail()`);
    }
    expect(await state(u.id)).toEqual(before);
    expect((await u.client.gql(Q.me)).data?.['me']).toMatchObject({ id: u.id });
    expect(
      await db.query(`select action from audit_log where target_id = $1 and action like 'TWO_FACTOR_RESET%'`, [u.id]),
    ).toEqual([]);
    await new Promise((r) => setTimeout(r, 500));
    expect(mail.messages.slice(since).filter((m) => m.to.includes(u.email))).toEqual([]);
  });

  it('bad input: no --email, an unknown one, a malformed option: a sentence on stderr, exit 2 or 1, no stack', async () => {
    const none = await cli(['reset-2fa']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--email/);
    const unknown = await cli(['reset-2fa', '--email', 'nobody@example.test']);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).not.toBe('');
    noStack(unknown.stderr);
    const missing = await cli(['reset-2fa', '--email']);
    expect(missing.code).not.toBe(0);
    noStack(missing.stderr);
    const typo = await cli(['reset-2fa', '--emial', 'x@example.test']);
    expect(typo.code).not.toBe(0);
    noStack(typo.stderr);
  });

  it('DATABASE_URL unreachable: one line, exit 1, no stack', async () => {
    const res = await runCli(['reset-2fa', '--email', 'a@example.test'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x' });
    expect(res.code).toBe(1);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    noStack(res.stderr);
  });

  // A wrong database name would otherwise be created, migrated and keyed afresh: reset-2fa would answer
  // that no such account exists, setup-token print a link the real server never accepts.
  it('a DATABASE_URL naming a database that does not exist is refused, not created', async () => {
    const missing = new URL(db.url);
    missing.pathname = `${missing.pathname}_typo`;
    const name = missing.pathname.slice(1);
    const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
    await admin.connect();
    try {
      const res = await runCli(['setup-token'], {
        DATABASE_URL: missing.toString(),
        DATA_DIR: `/tmp/cli-test-typo-${process.pid}`,
      });
      const created = (await admin.query(`select 1 from pg_database where datname = $1`, [name])).rowCount;
      expect({ code: res.code, created, printedLink: /setup#token=/.test(res.stdout) }).toEqual({
        code: 1,
        created: 0,
        printedLink: false,
      });
    } finally {
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.end();
    }
  });

  it('an account without any second factor: says so, and changes nothing (not signed out, not e-mailed)', async () => {
    const { id, email, client } = await createAccount(server, admin, { role: 'USER' });
    const since = mail.count();
    const res = await cli(['reset-2fa', '--email', email]);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      `${email} has no second factor, recovery code or second-step lock: nothing to reset (its sessions go on).\n`,
    );
    expect((await client.gql(Q.me)).data!['me']).toMatchObject({ id });
    expect(await db.query(`select 1 from audit_log where target_id = $1 and action like 'TWO_FACTOR_RESET%'`, [id])).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(mail.messages.slice(since).filter((m) => m.to.includes(email))).toEqual([]);
  });

  it('a disabled account: reset, and the CLI says it cannot sign in until enabled', async () => {
    const { id, email, client } = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(client);
    await db.query(`update account set disabled_at = now() where id = $1`, [id]);
    const res = await cli(['reset-2fa', '--email', email]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('The account is disabled: it cannot sign in until an admin enables it again.');
    expect(res.stdout).not.toContain('needs the password only');
    expect(await state(id)).toMatchObject({ totp: 0, recovery: 0 });
  });

  it('mail server down: says the holder’s e-mail is not sent yet but queued; log lines stay off standard output', async () => {
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(client);
    const res = await cli(['reset-2fa', '--email', email], { SMTP_URL: 'smtp://127.0.0.1:1' });
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`Two-factor authentication reset for ${email}`);
    expect(res.stdout).toMatch(/The e-mail to the holder could not be sent yet \(.*ECONNREFUSED.*\): it stays queued/);
    expect(res.stdout.split('\n').filter((l) => l.startsWith('{'))).toEqual([]);
    expect(await db.query(`select 1 from mail_queue where given_up_at is null`)).not.toEqual([]);
  });

  it('without a mail server configured: says where the holder’s e-mail was written', async () => {
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(client);
    const res = await runCli(['reset-2fa', '--email', email], { DATABASE_URL: db.url });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/No mail server is configured \(SMTP_URL\): the e-mail to the holder was written to .*outbox\./);
  });

  it('an unknown e-mail names the address and the database it looked in', async () => {
    const res = await cli(['reset-2fa', '--email', 'Nobody@Example.test']);
    expect(res.code).toBe(2);
    expect(res.stderr).toBe(
      `No account has the e-mail nobody@example.test in this database (${new URL(db.url).pathname.slice(1)}).\n`,
    );
  });
});

describe('CLI create-admin and setup-token', () => {
  it('create-admin announces the new admin to the other enabled admins, as createAccount does', async () => {
    const db = await createTestDatabase('cli_create_admin');
    const mail = await MailSink.start();
    const server = await startServer({ DATABASE_URL: db.url, SMTP_URL: mail.url });
    try {
      const { email: first } = await setupAdmin(server);
      const since = mail.count();
      const email = uniqueEmail('cli-admin');
      const res = await runCli(['create-admin', '--email', email, '--name', 'Ops'], {
        DATABASE_URL: db.url,
        SMTP_URL: mail.url,
        ADMIN_PASSWORD: PASSWORD,
      });
      expect(res.code).toBe(0);
      expect(res.stdout).toContain('The other admin was e-mailed.');
      const told = await mail.waitFor(first, (m) => m.subject === `A new admin account was created: ${email}`, since);
      expect(MailSink.text(told)).toContain("Someone at the server's command line created the admin account");
    } finally {
      await server.stop();
      await mail.stop();
      await db.drop();
    }
  });

  it('setup-token: the printed link sets up the first admin on the running server; refused (exit 1) once an admin exists', async () => {
    const db = await createTestDatabase('cli_setup_token');
    const server = await startServer({ DATABASE_URL: db.url });
    try {
      const res = await runCli(['setup-token'], { DATABASE_URL: db.url });
      expect(res.code).toBe(0);
      const token = /setup#token=([\w-]+)/.exec(res.stdout)?.[1];
      expect(token).toBeDefined();
      const { SETUP } = await import('../support/factories.js');
      const done = await new GqlClient(server.url).gql(SETUP, {
        input: { token, email: uniqueEmail('first'), name: 'First', password: PASSWORD },
      });
      expect(done.data?.['setupFirstAdmin']?.__typename).toBe('SetupSuccess');
      const again = await runCli(['setup-token'], { DATABASE_URL: db.url });
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('setup is closed');
      expect(again.stdout).toBe('');
    } finally {
      await server.stop();
      await db.drop();
    }
  });
});
