import 'reflect-metadata';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { openDatabase } from './app.js';
import { ConfigError, loadConfig, repoRoot } from './config.js';
import { assertKeysFitDatabase, loadOrCreateKeys } from './common/crypto/keys.js';
import { createLogger } from './common/logger.js';
import { migrate } from './db/orm.js';
import { createServices } from './services.js';
import { parseCidr } from './common/net/ip.js';
import { Account } from './modules/account/account.entity.js';
import { Role } from './common/auth/roles.js';
import { mails } from './modules/mail/templates.js';
import { AuditAction } from './modules/audit/audit.entity.js';
import type { Context } from './context.js';
import { TwoFactorService } from './modules/two-factor/two-factor.service.js';

const USAGE = `Usage: pnpm cli <command> [options]

Commands:
  create-admin --email <e-mail> --name <name> (--password-stdin | env ADMIN_PASSWORD)
      Creates an admin account without the browser (automation, or a second owner).
  setup-token
      Prints a new one-time first-admin setup link (only while no admin exists).
  lift-ip-restriction --email <e-mail>
      Break-glass: allows unrestricted access for an admin or sub-admin locked out by their IP access list.
  unblock-ip --ip <address>
      Break-glass: lifts every block in force that covers the address (an owner whose own network was
      blocked, by the brute-force rules or by hand) and lets its failure counting start afresh.
  resume-sign-ins --email <e-mail>
      Break-glass: ends the password guard's pause of an account (after many wrong passwords from many
      places its dashboard sign-ins are heard only from known addresses): the count starts afresh.
  reset-password-link --email <e-mail>
      Prints a new single-use link (24 hours) to set the account's password; earlier links die. For an
      owner who lost their password, or whose e-mailed link after a forced reset was lost or expired.
  reset-2fa --email <e-mail>
      Lost device, sole owner: removes every second factor and recovery code of the account, unlocks
      second-factor sign-in, signs it out everywhere (sessions and API tokens) and e-mails the holder.
      The next sign-in needs the password only (or leads through enrollment where a policy requires 2FA).

Uses the same configuration as the server (DATABASE_URL, or the embedded PostgreSQL in DATA_DIR).
`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === undefined || command === '--help' || command === '-h') {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  // Run as `pnpm cli`, the server's own configuration: the `.env` beside package.json that `pnpm start`
  // reads (real environment variables win), so a break-glass command acts on the server's database and
  // keys. Run directly (`node server/dist/cli.js`), only the environment counts.
  const envFile = path.join(repoRoot, '.env');
  if (process.env['npm_lifecycle_event'] === 'cli' && existsSync(envFile)) process.loadEnvFile(envFile);
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn' });
  // Log lines (JSON) go to standard error: standard output carries the command's answer alone.
  const logger = createLogger(config, pino.destination({ dest: 2, sync: true }));
  const { orm, pool, embedded } = await openDatabase(config, logger);
  try {
    await migrate(orm);
    const keys = await loadOrCreateKeys(config);
    await assertKeysFitDatabase(pool, keys, config, false);
    const services = createServices(config, keys, logger, pool);
    const em = orm.em.fork();
    const databaseName = config.databaseUrl
      ? decodeURIComponent(new URL(config.databaseUrl).pathname.slice(1)) || 'the default database'
      : `the embedded PostgreSQL in ${config.dataDir}`;
    /** What became of the notification e-mails this command sent, as a sentence (after `drain`). */
    const mailOutcome = async (who: string, plural = false): Promise<string> => {
      const finished = await services.mail.drain();
      const d = services.mail.delivery;
      if (!finished) {
        return `The e-mail to ${who} is still being sent (the mail server is slow to answer): it stays queued, and a running server delivers it.`;
      }
      if (d.queuedForRetry > 0) {
        return `The e-mail to ${who} could not be sent yet (${d.lastError ?? 'the mail server did not take it'}): it stays queued, and a running server tries again for a day (admins see it on Home if it fails).`;
      }
      if (d.givenUp > 0) {
        return `The e-mail to ${who} was refused by the mail server (${d.lastError ?? 'refused'}): tell them yourself.`;
      }
      return services.mail.outboxDir
        ? `No mail server is configured (SMTP_URL): the e-mail to ${who} was written to ${services.mail.outboxDir}.`
        : `${who[0]!.toUpperCase()}${who.slice(1)} ${plural ? 'were' : 'was'} e-mailed.`;
    };
    /** The existing account `--email` names; null, after saying what the command needs, otherwise. */
    const accountArg = async (): Promise<Account | null> => {
      const { values } = parseArgs({ args: rest, options: { email: { type: 'string' } } });
      const email = values.email?.trim().toLowerCase();
      const account = email ? await em.findOne(Account, { email }) : null;
      if (!account) {
        process.stderr.write(
          email
            ? `No account has the e-mail ${email} in this database (${databaseName}).\n`
            : `${command} needs --email of an existing account.\n`,
        );
      }
      return account;
    };
    switch (command) {
      case 'create-admin': {
        const { values } = parseArgs({
          args: rest,
          options: { email: { type: 'string' }, name: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
        });
        const password = values['password-stdin'] ? await readStdin() : process.env['ADMIN_PASSWORD'];
        if (!values.email || !values.name || !password) {
          process.stderr.write('create-admin needs --email, --name and a password (--password-stdin or ADMIN_PASSWORD).\n');
          return 2;
        }
        try {
          // An admin made from the server shell is audited as every other account creation is.
          const result = await services.accounts.createAdmin(em, { email: values.email, name: values.name, password }, (tx, a) =>
            services.audit.record(
              { em: tx, viewer: null, clientIp: '127.0.0.1' },
              AuditAction.ACCOUNT_CREATED,
              { type: 'Account', id: a.id, label: a.email },
              { role: a.role, via: 'cli' },
            ),
          );
          if (!result.ok) {
            process.stderr.write(`An account with the e-mail ${values.email} exists already.\n`);
            return 1;
          }
          // Announced to the other enabled admins, as an admin made in the dashboard is: one made to be
          // at hand for approving another admin's 2FA reset a day later does not go unnoticed.
          const others = await em.find(Account, { role: Role.ADMIN, disabledAt: null, id: { $ne: result.account.id } });
          const link = new URL(`/users/${result.account.id}`, config.publicUrl.origin).toString();
          for (const a of others) {
            services.mail.notify(mails.adminCreated(a.email, result.account.email, "Someone at the server's command line", link));
          }
          process.stdout.write(
            `Admin ${result.account.email} created (id ${result.account.id}). Sign in at ${config.publicUrl.origin}/login\n`,
          );
          if (others.length > 0) {
            process.stdout.write(
              `${await mailOutcome(others.length === 1 ? 'the other admin' : `the ${others.length} other admins`, others.length > 1)}\n`,
            );
          }
          return 0;
        } catch (err) {
          const fields = (err as { extensions?: { fields?: { message: string }[] } }).extensions?.fields;
          if (fields) {
            process.stderr.write(`${fields.map((f) => f.message).join('\n')}\n`);
            return 1;
          }
          throw err;
        }
      }
      case 'setup-token': {
        const issued = await services.accounts.issueSetupTokenIfNeeded(em);
        if (issued === undefined) {
          process.stderr.write('An admin exists already; setup is closed. Use create-admin instead.\n');
          return 1;
        }
        process.stdout.write(
          `${config.publicUrl.origin}/setup#token=${issued.token}\n(valid once, until ${issued.expiresAt.toISOString()})\n`,
        );
        return 0;
      }
      case 'lift-ip-restriction': {
        const account = await accountArg();
        if (!account) return 2;
        // The change and its audit entry commit together, and only a change is audited.
        const lifted = await em.transactional(async (tx) => {
          const n = await tx.nativeUpdate(Account, { id: account.id, ipRestricted: true }, { ipRestricted: false });
          if (n === 0) return false;
          await services.audit.record({ em: tx, viewer: null, clientIp: '127.0.0.1' }, AuditAction.IP_RESTRICTION_LIFTED_BY_CLI, {
            type: 'Account',
            id: account.id,
            label: account.email,
          });
          return true;
        });
        process.stdout.write(
          lifted
            ? `IP restriction lifted for ${account.email}: unrestricted access until it is switched on again.\n`
            : `${account.email} has no IP restriction in force: nothing to lift.\n`,
        );
        return 0;
      }
      case 'unblock-ip': {
        const { values } = parseArgs({ args: rest, options: { ip: { type: 'string' } } });
        const parsed = values.ip ? parseCidr(values.ip.trim()) : null;
        if (!parsed || 'error' in parsed) {
          process.stderr.write('unblock-ip needs --ip with an IPv4 or IPv6 address (or a blocked range).\n');
          return 2;
        }
        // The lifts and their audit entries commit together.
        const lifted = await em.transactional(async (tx) => {
          const done = await services.protection.liftBlocks(tx, parsed.text, null);
          for (const b of done) {
            await services.audit.record(
              { em: tx, viewer: null, clientIp: '127.0.0.1' },
              AuditAction.IP_UNBLOCKED,
              { type: 'IpBlock', id: b.id, label: b.cidr },
              { reason: b.reason, by: 'cli' },
            );
          }
          return done;
        });
        process.stdout.write(
          lifted.length === 0
            ? `No block in force covers ${parsed.text}.\n`
            : `Lifted ${lifted.length} block(s) covering ${parsed.text}: ${lifted.map((b) => b.cidr).join(', ')}.\n`,
        );
        return 0;
      }
      case 'resume-sign-ins': {
        const account = await accountArg();
        if (!account) return 2;
        const counted = await em.transactional(async (tx) => {
          const failures = await services.protection.resumeSignIns(tx, account.email, config.passwordGuard.windowSeconds);
          await services.audit.record(
            { em: tx, viewer: null, clientIp: '127.0.0.1' },
            AuditAction.SIGN_INS_RESUMED,
            { type: 'Account', id: account.id, label: account.email },
            { failures, by: 'cli' },
          );
          return failures;
        });
        process.stdout.write(
          counted >= config.passwordGuard.failures && config.passwordGuard.failures > 0
            ? `Sign-ins to ${account.email} are heard from everywhere again (${counted} wrong passwords were counted).\n`
            : `Sign-ins to ${account.email} were not paused (${counted} wrong passwords counted); the count starts afresh.\n`,
        );
        return 0;
      }
      case 'reset-password-link': {
        const account = await accountArg();
        if (!account) return 2;
        const issued = await services.accounts.issueResetLink(em, account.id, false, (tx, a) =>
          services.audit.record(
            { em: tx, viewer: null, clientIp: '127.0.0.1' },
            AuditAction.PASSWORD_RESET_LINK_SENT,
            { type: 'Account', id: a.id, label: a.email },
            { by: 'cli' },
          ),
        );
        if (!issued || issued === 'TOO_SOON') throw new Error('no link issued'); // never for the CLI (any account, no wait)
        process.stdout.write(
          `Set a new password for ${account.email} with this link (it works once, until ${issued.expiresAt.toISOString()}):\n${config.publicUrl.origin}/reset-password#token=${issued.token}\n`,
        );
        return 0;
      }
      case 'reset-2fa': {
        const account = await accountArg();
        if (!account) return 2;
        // What there is to reset: an account with none of it is left alone (not signed out, not e-mailed).
        const held = await services.twoFactor.heldForReset(em, account.id);
        const nothing = () => {
          process.stdout.write(
            `${account.email} has no second factor, recovery code or second-step lock: nothing to reset (its sessions go on).\n`,
          );
          return 0;
        };
        if (TwoFactorService.holdsNothing(held)) return nothing();
        // Whoever runs this has the server's shell and database: the audit entry names the CLI as the actor.
        // The reset and the entry naming the CLI commit together.
        const afterCommit: (() => void)[] = [];
        const done = await em.transactional(async (tx) => {
          const ctx = { em: tx, viewer: null, clientIp: '127.0.0.1', afterCommit } as unknown as Context;
          // (Gone meanwhile: nothing is written.)
          if ((await services.twoFactor.resetAll(ctx, account)) === 'NOTHING_HELD') return false;
          await services.audit.record(ctx, AuditAction.TWO_FACTOR_RESET_BY_CLI, {
            type: 'Account',
            id: account.id,
            label: account.email,
          });
          return true;
        });
        if (!done) return nothing();
        for (const tell of afterCommit) tell();
        const removed = [
          held.app ? 'the authenticator app' : null,
          held.email ? 'e-mail codes' : null,
          held.keys > 0 ? `${held.keys} security key${held.keys === 1 ? '' : 's'}` : null,
          held.codes > 0 ? `${held.codes} unused recovery code${held.codes === 1 ? '' : 's'}` : null,
        ].filter((x) => x !== null);
        process.stdout.write(
          `Two-factor authentication reset for ${account.email}: ${
            removed.length > 0 ? `removed ${removed.join(', ')}; ` : ''
          }second-step sign-in unlocked; signed out everywhere (sessions and API tokens).\n${
            account.disabledAt
              ? 'The account is disabled: it cannot sign in until an admin enables it again.'
              : 'Its next sign-in needs the password only, or leads through setting up a method where a policy requires one.'
          }\n${await mailOutcome('the holder')}\n`,
        );
        return 0;
      }
      default:
        process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
        return 2;
    }
  } finally {
    await orm.close(true);
    await pool.end();
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
