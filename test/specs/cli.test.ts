import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, dataDirFor, type TestDatabase } from '../support/database.js';
import { startStack, type Stack } from '../support/stack.js';
import { CREATE_ACCOUNT, createAccount, PASSWORD, reauthenticate, setupAdmin, uniqueEmail } from '../support/factories.js';
import { GqlClient } from '../support/graphql.js';
import { repoRoot, runCli, startServer, type RunningServer } from '../support/server.js';
import { inLockOrder } from '../support/locks.js';
import { MailSink } from '../support/smtp.js';
import { totp } from '../support/totp.js';
import { enrollTotp, loginStep, loginWithTotp, Q } from '../support/two-factor.js';
import { SoftKey } from '../support/webauthn.js';

const cliEntry = path.join(repoRoot, 'server', 'dist', 'cli.js');
const DB_DOWN = 'postgres://postgres@127.0.0.1:1/x';
const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

/**
 * The built CLI with standard input left open (`runCli` ends it at once), or run on a terminal of its
 * own through util-linux `script` (`tty`); `type` writes to its input. Killed after `timeoutMs`, its
 * exit code then null: a CLI waiting for input it should not wait for shows as null, not as a hang.
 */
function openCli(args: string[], env: Record<string, string>, opts: { tty?: boolean; timeoutMs?: number } = {}) {
  const argv = [process.execPath, cliEntry, ...args];
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
  const child = opts.tty
    ? spawn('script', ['-q', '-e', '-c', argv.map(quote).join(' '), '/dev/null'], {
        cwd: repoRoot,
        env: { PATH: process.env['PATH'], ...env },
      })
    : spawn(argv[0]!, argv.slice(1), { cwd: repoRoot, env: { PATH: process.env['PATH'], ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
  const result = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: out, stderr: err });
    }),
  );
  return {
    result,
    /** Waits until the output (either stream) contains `text`. */
    waitFor: (text: string) => expect.poll(() => out + err, { interval: 20, timeout: 15_000 }).toContain(text),
    type: (keys: string) => child.stdin.write(keys),
  };
}

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
  let adminEmail: string;

  beforeAll(async () => {
    stack = await startStack('cli_reset_2fa');
    ({ db, mail, server, admin, adminId, adminEmail } = stack);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(args, { DATABASE_URL: db.url, SMTP_URL: mail.url, ...env });

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

  /** A user with every kind of factor, a pending sign-in with an e-mailed code, a second-step lock and a waiting reset request. */
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
    await db.query(`insert into two_factor_state (account_id, consecutive_failures, locked_at) values ($1, 100, now())`, [id]);
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
      `Two-factor authentication reset for ${u.email}: removed the authenticator app, e-mail codes, 1 security key, 10 unused recovery codes; second-step sign-in unlocked; signed out everywhere (every session).`,
    );
    expect(res.stdout).toContain('Its next sign-in needs the password only');
    expect(res.stdout).toContain('The holder was e-mailed.');
    // The lock says someone had the password.
    expect(res.stdout).toContain(
      `Warning: a second-step lock means someone got past the password of ${u.email} and then failed the second step many times in a row. ` +
        `Unless that was the holder, consider the password known to someone else and have it changed: pnpm cli reset-password-link --email ${u.email} prints a link to set a new one.\n`,
    );
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
      `select action, actor_id, target_id, details from audit_log where id > $1 and target_id = $2 order by id`,
      [auditBefore, u.id],
    );
    // The request that waited for a second admin is closed, with its reason.
    expect(audit.map((a) => a['action'])).toEqual([
      'TWO_FACTOR_RESET_REQUEST_CLOSED',
      'TWO_FACTOR_RESET',
      'TWO_FACTOR_RESET_BY_CLI',
    ]);
    expect(audit[0]!['details']).toEqual({ requestId: expect.any(String), reason: 'RESET' });
    expect(audit.every((a) => a['actor_id'] === null)).toBe(true);
    await mail.waitFor(u.email, (m) => /two-factor authentication was reset/i.test(m.subject), since);
    // Its requester learns that there is nothing left to approve.
    const closed = await mail.waitFor(
      adminEmail,
      (m) => m.subject === `Closed: the reset of the two-factor authentication of ${u.email}`,
      since,
    );
    expect(MailSink.text(closed)).toContain(
      "Someone with access to the server's command line reset the two-factor authentication",
    );
  });

  it('prints what it removed as read under the account’s locks: a key added while it waited for them is named', async () => {
    const { client, id, email } = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(client);
    // The reset has read what there is and waits for the account's factors, while a key is added.
    const [res] = await inLockOrder(
      db,
      ['select pg_advisory_xact_lock(hashtext($1))', [`two_factor_methods:${id}`]],
      [() => cli(['reset-2fa', '--email', email])],
      {
        meanwhile: () =>
          db.query(
            `insert into webauthn_credential (id, account_id, credential_id, public_key, counter, transports, name, created_at)
             values (gen_random_uuid(), $1::uuid, 'cred-' || $1::text, 'pk', 0, '[]', 'Late key', now())`,
            [id],
          ),
      },
    );
    expect(res!.code, res!.stderr).toBe(0);
    expect(res!.stdout).toContain(
      `Two-factor authentication reset for ${email}: removed the authenticator app, 1 security key, 10 unused recovery codes; signed out everywhere (every session).`,
    );
    expect(await state(id)).toMatchObject({ totp: 0, keys: 0, recovery: 0 });
  });

  it('a request withdrawn while the reset waits for the account is not closed a second time', async () => {
    const u = await fullyLoaded();
    const [request] = await db.query(`select id from two_factor_reset_request where target_id = $1`, [u.id]);
    const auditBefore = (await db.query(`select coalesce(max(id), 0)::int as m from audit_log`))[0]!['m'] as number;
    await reauthenticate(admin);
    // The reset's transaction has begun and waits for the account's factors while the request is withdrawn.
    const [res] = await inLockOrder(
      db,
      ['select pg_advisory_xact_lock(hashtext($1))', [`two_factor_methods:${u.id}`]],
      [() => cli(['reset-2fa', '--email', u.email])],
      {
        meanwhile: async () => {
          const withdrawn = await admin.gql(`mutation($id: ID!) { withdrawTwoFactorReset(requestId: $id) }`, {
            id: request!['id'],
          });
          expect(withdrawn.data, JSON.stringify(withdrawn)).toEqual({ withdrawTwoFactorReset: true });
        },
      },
    );
    expect(res!.code, res!.stderr).toBe(0);
    expect(
      await db.query(
        `select details->>'reason' as reason from audit_log
          where action = 'TWO_FACTOR_RESET_REQUEST_CLOSED' and target_id = $1 and id > $2`,
        [u.id, auditBefore],
      ),
    ).toEqual([{ reason: 'WITHDRAWN' }]);
    expect(await state(u.id)).toMatchObject({ totp: 0, requests: 0 });
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

  it('bad input: no --email, an unknown one, a malformed option: a sentence on stderr, exit 2, no stack', async () => {
    const none = await cli(['reset-2fa']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--email/);
    const unknown = await cli(['reset-2fa', '--email', 'nobody@example.test']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).not.toBe('');
    noStack(unknown.stderr);
    const missing = await cli(['reset-2fa', '--email']);
    expect(missing.code).toBe(2);
    noStack(missing.stderr);
    const typo = await cli(['reset-2fa', '--emial', 'x@example.test']);
    expect(typo.code).toBe(2);
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

  it('reset-2fa of an account never locked does not say it unlocked second-step sign-in, nor warn about the password', async () => {
    const { email, client } = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(client);
    const res = await cli(['reset-2fa', '--email', email]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      `Two-factor authentication reset for ${email}: removed the authenticator app, 10 unused recovery codes; signed out everywhere (every session).\n`,
    );
    expect(res.stdout).not.toMatch(/unlocked|Warning/);
  });

  it('reset-2fa names an app or e-mail address being set up and never confirmed as such, not as the authenticator app', async () => {
    const { id, email, client } = await createAccount(server, admin, { role: 'USER' });
    expect((await client.gql(Q.startTotp)).data?.['startTotpEnrollment']).toBeTruthy();
    expect((await client.gql(Q.startEmail, { a: email })).data!['startEmailEnrollment'].__typename).toBe('EmailCodeSent');
    const res = await cli(['reset-2fa', '--email', email]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(
      `Two-factor authentication reset for ${email}: removed an authenticator app being set up (never confirmed), an address for e-mail codes being set up (never confirmed); signed out everywhere (every session).\n`,
    );
    expect(await state(id)).toMatchObject({ totp: 0, email: 0 });
  });

  it('unlock-2fa ends the second-step lock on the running server, keeps the factors and sessions, audits without an actor, warns about the password', async () => {
    const { id, email, client } = await createAccount(server, admin, { role: 'USER' });
    const { secret } = await enrollTotp(client);
    await db.query(`insert into two_factor_state (account_id, consecutive_failures, locked_at) values ($1, 100, now())`, [id]);
    const locked = new GqlClient(server.url);
    expect((await loginStep(locked, email)).typename).toBe('SecondFactorRequired');
    const refused = await locked.gql(Q.verify, { i: { method: 'TOTP', code: totp(secret) } });
    expect(refused.data?.['verifySecondFactor']).toMatchObject({ code: 'SECOND_FACTOR_LOCKED' });
    const auditBefore = (await db.query(`select coalesce(max(id), 0)::int as m from audit_log`))[0]!['m'] as number;
    const before = await state(id);

    const res = await cli(['unlock-2fa', '--email', ` ${email.toUpperCase()}`]);
    expect(res).toEqual({
      code: 0,
      stderr: '',
      stdout:
        `Second-step sign-in unlocked for ${email}: the second step can be tried again (within the attempt limits). Its methods, recovery codes and sessions are unchanged.\n` +
        `The holder was e-mailed.\n` +
        `Warning: a second-step lock means someone got past the password of ${email} and then failed the second step many times in a row. ` +
        `Unless that was the holder, consider the password known to someone else and have it changed: pnpm cli reset-password-link --email ${email} prints a link to set a new one.\n`,
    });
    expect(await state(id)).toEqual({ ...before, lock: 0 });
    expect((await client.gql(Q.me)).data?.['me']).toMatchObject({ id });
    expect(
      await db.query(
        `select action, actor_id, target_id, ip, details from audit_log where id > $1 and target_id = $2 order by id`,
        [auditBefore, id],
      ),
    ).toEqual([{ action: 'SECOND_FACTOR_UNLOCKED', actor_id: null, target_id: id, ip: '127.0.0.1', details: { by: 'cli' } }]);
    // The holder hears of it (an unlock someone talked an admin into must not go unnoticed).
    const told = await mail.waitFor(email, (m) => /second-step sign-in to your account was unlocked/i.test(m.subject));
    expect(MailSink.text(told)).toMatch(/An administrator unlocked the second sign-in step of your account/);
    // The running server lets the app's code through now.
    await loginWithTotp(server, email, secret);
  });

  it('unlock-2fa of an account not locked says so and changes nothing (its count of failures stays)', async () => {
    const { id, email, client } = await createAccount(server, admin, { role: 'USER' });
    await enrollTotp(client);
    await db.query(`insert into two_factor_state (account_id, consecutive_failures, locked_at) values ($1, 7, null)`, [id]);
    const res = await cli(['unlock-2fa', '--email', email]);
    expect(res).toEqual({
      code: 0,
      stderr: '',
      stdout: `Second-step sign-in is not locked for ${email}: nothing to unlock (nothing changed).\n`,
    });
    expect(await db.query(`select consecutive_failures from two_factor_state where account_id = $1`, [id])).toEqual([
      { consecutive_failures: 7 },
    ]);
    expect(await db.query(`select 1 from audit_log where target_id = $1 and action = 'SECOND_FACTOR_UNLOCKED'`, [id])).toEqual(
      [],
    );
    const unknown = await cli(['unlock-2fa', '--email', 'nobody@example.test']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No account has the e-mail nobody@example.test');
  });

  // The server's database, but not its DATA_DIR: keys.json used to be created there (new keys, which
  // then did not fit the database).
  it('a set-up database with a DATA_DIR holding no keys is refused, exit 2, and no keys.json is created there', async () => {
    const dir = path.join(dataDirFor(db.url), `..`, `${db.name}_wrong_dir`);
    const res = await runCli(['reset-2fa', '--email', 'a@example.test'], { DATABASE_URL: db.url, DATA_DIR: dir });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`${dir}/keys.json is missing`);
    expect(existsSync(path.join(dir, 'keys.json'))).toBe(false);
  });

  it('create-admin checks --email and --name before reading the password: exit 2 at once, standard input left unread', async () => {
    const run = openCli(['create-admin', '--email', uniqueEmail('noname'), '--password-stdin'], {
      DATABASE_URL: db.url,
      DATA_DIR: dataDirFor(db.url),
    });
    const res = await run.result;
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('create-admin needs --email, --name and a password');
  });

  it('create-admin --password-stdin at a terminal prompts on stderr and does not show the password', async () => {
    const email = uniqueEmail('tty');
    const password = 'Tty-typed secret 42';
    const run = openCli(
      ['create-admin', '--email', email, '--name', 'Tty', '--password-stdin'],
      {
        DATABASE_URL: db.url,
        DATA_DIR: dataDirFor(db.url),
      },
      { tty: true },
    );
    await run.waitFor('Password: ');
    // A slip taken back with Backspace, and an arrow key (ignored), on the way.
    run.type(`x\x7f${password.slice(0, 4)}\x1b[D${password.slice(4)}\r`);
    const res = await run.result;
    expect(res.code).toBe(0);
    expect(res.stdout).toContain(`Admin ${email} created`);
    expect(res.stdout + res.stderr).not.toContain(password.slice(4));
    expect((await loginStep(new GqlClient(server.url), email, password)).typename).toMatch(
      /LoginSuccess|TwoFactorEnrollmentRequired/,
    );
  });

  it('create-admin --password-stdin at a terminal: Ctrl-C aborts, exit 130, no account', async () => {
    const email = uniqueEmail('ttyabort');
    const run = openCli(
      ['create-admin', '--email', email, '--name', 'Tty', '--password-stdin'],
      {
        DATABASE_URL: db.url,
        DATA_DIR: dataDirFor(db.url),
      },
      { tty: true },
    );
    await run.waitFor('Password: ');
    run.type('half\x03');
    const res = await run.result;
    expect(res.code).toBe(130);
    expect(await db.query(`select 1 from account where email = $1`, [email])).toEqual([]);
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

describe('CLI command line, checked before the database is opened', () => {
  const down = (args: string[]) => runCli(args, { DATABASE_URL: DB_DOWN });
  const usageHint = (line: string) => `Usage: pnpm cli ${line}    (pnpm cli --help: every command)\n`;

  it('an unknown command: the usage, exit 2, even with the database down', async () => {
    const res = await down(['reset-2faa', '--email', 'a@example.test']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^Unknown command "reset-2faa"\.\n\nUsage: pnpm cli <command>/);
    expect(res.stderr).toContain('  unlock-2fa --email <e-mail>\n');
  });

  it('<command> --help prints the usage, exit 0, without touching the database', async () => {
    for (const args of [['reset-2fa', '--help'], ['setup-token', '-h'], ['--help']]) {
      const res = await down(args);
      expect({ code: res.code, stderr: res.stderr }).toEqual({ code: 0, stderr: '' });
      expect(res.stdout).toMatch(/^Usage: pnpm cli <command>/);
      expect(res.stdout).toContain('  reset-2fa --email <e-mail>\n');
    }
  });

  it('an unknown option, an argument, a missing value or a repeated option: a sentence and the usage hint, exit 2', async () => {
    const cases: [string[], string][] = [
      [['reset-2fa', '--emial', 'a@example.test'], 'Unknown option --emial for reset-2fa.\n'],
      [
        ['reset-2fa', 'a@example.test'],
        'Unexpected argument "a@example.test": reset-2fa takes options only (such as --email <e-mail>).\n',
      ],
      [['reset-2fa', '--email'], '--email needs a value.\n'],
      [['reset-2fa', '--email', '--ip', '10.0.0.1'], '--email needs a value.\n'],
      [
        ['reset-2fa', '--email', 'a@example.test', '--email', 'b@example.test'],
        '--email is given more than once: give it once.\n',
      ],
      [['unlock-2fa', '--email=a@example.test', '--email', 'a@example.test'], '--email is given more than once: give it once.\n'],
      [['setup-token', '--email', 'a@example.test'], 'Unknown option --email for setup-token.\n'],
    ];
    for (const [args, message] of cases) {
      const res = await down(args);
      const line = args[0] === 'setup-token' ? 'setup-token' : `${args[0]} --email <e-mail>`;
      expect({ args, code: res.code, stderr: res.stderr, stdout: res.stdout }).toEqual({
        args,
        code: 2,
        stderr: message + usageHint(line),
        stdout: '',
      });
    }
    const ip = await down(['unblock-ip', '--ip', 'a', '--ip', 'b']);
    expect({ code: ip.code, stderr: ip.stderr }).toEqual({
      code: 2,
      stderr: `--ip is given more than once: give it once.\n${usageHint('unblock-ip --ip <address>')}`,
    });
  });

  it('create-admin without --name, with --password-stdin: exit 2 before the database is opened', async () => {
    const res = await down(['create-admin', '--email', 'a@example.test', '--password-stdin']);
    expect(res).toEqual({
      code: 2,
      stdout: '',
      stderr: 'create-admin needs --email, --name and a password (--password-stdin or ADMIN_PASSWORD).\n',
    });
  });
});

describe('CLI on a database the server has not set up', () => {
  // A wrong DATABASE_URL naming an existing database used to be given the server's tables (and the
  // wrong DATA_DIR new keys) before anything was checked.
  it('reset-2fa, unlock-2fa and setup-token refuse a fresh database (exit 2): no table is created, no keys written', async () => {
    const db = await createTestDatabase('cli_not_set_up');
    const dataDir = `${dataDirFor(db.url)}_fresh`;
    try {
      for (const args of [
        ['reset-2fa', '--email', 'a@example.test'],
        ['unlock-2fa', '--email', 'a@example.test'],
        ['setup-token'],
      ]) {
        const res = await runCli(args, { DATABASE_URL: db.url, DATA_DIR: dataDir });
        expect({ args, code: res.code, stdout: res.stdout, stderr: res.stderr }).toEqual({
          args,
          code: 2,
          stdout: '',
          stderr:
            `The database ${db.name} has not been set up by the server (it has none of the server’s tables): nothing was done. ` +
            'Check DATABASE_URL and DATA_DIR (the server’s own are needed), or start the server first: `pnpm start` sets the database up and prints the link that creates the first admin.\n',
        });
      }
      expect(await db.query(`select table_name from information_schema.tables where table_schema = 'public'`)).toEqual([]);
      expect(existsSync(dataDir)).toBe(false);
    } finally {
      await db.drop();
    }
  });

  it('without DATABASE_URL, a DATA_DIR with no embedded PostgreSQL is refused (exit 2), and nothing is made there', async () => {
    const dataDir = path.join(path.dirname(dataDirFor(DB_DOWN)), `cli-no-embedded-${process.pid}`);
    const res = await runCli(['reset-2fa', '--email', 'a@example.test'], { DATA_DIR: dataDir });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(`No embedded PostgreSQL has been set up in ${dataDir} (DATA_DIR), and DATABASE_URL is not set`);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('create-admin may still set a brand-new database up; other commands wait for the server’s first start', async () => {
    const db = await createTestDatabase('cli_create_admin_new');
    try {
      const res = await runCli(
        ['create-admin', '--email', uniqueEmail('auto'), '--name', 'Auto', '--password-stdin'],
        { DATABASE_URL: db.url },
        `${PASSWORD}\n`,
      );
      expect(res.code).toBe(0);
      expect(res.stdout).toContain('created');
      const later = await runCli(['reset-password-link', '--email', 'a@example.test'], { DATABASE_URL: db.url });
      expect(later.code).toBe(2);
      expect(later.stderr).toContain('its tables exist, but the server has not started on it yet');
    } finally {
      await db.drop();
    }
  });
});
