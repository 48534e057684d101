import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { openDatabase } from './app.js';
import { type Config, ConfigError, loadConfig, repoRoot } from './config.js';
import { assertKeysFitDatabase, type Keys, loadOrCreateKeys } from './common/crypto/keys.js';
import { readHiddenLine } from './common/hidden-input.js';
import { createLogger } from './common/logger.js';
import { migrate } from './db/orm.js';
import type { SqlPool } from './db/pool.js';
import { createServices } from './services.js';
import { type ParsedCidr, parseCidr } from './common/net/ip.js';
import { Account } from './modules/account/account.entity.js';
import { Role } from './common/auth/roles.js';
import { mails } from './modules/mail/templates.js';
import { AuditAction } from './modules/audit/audit.entity.js';
import type { Context } from './context.js';
import { EnrollmentStatus } from './modules/two-factor/two-factor.entity.js';
import { type HeldForReset, TwoFactorService } from './modules/two-factor/two-factor.service.js';

interface CommandSpec {
  /** The options after the command's name, as the usage shows them. */
  synopsis: string;
  /** What it does, one usage line each. */
  about: string[];
  options: Record<string, 'string' | 'boolean'>;
}

/** Every command, its options and its usage text (one source for both: they cannot drift apart). */
const COMMANDS: Record<string, CommandSpec> = {
  'create-admin': {
    synopsis: '--email <e-mail> --name <name> (--password-stdin | env ADMIN_PASSWORD)',
    about: [
      'Creates an admin account without the browser (automation, or a second owner). --password-stdin reads',
      'the password from standard input until it ends (a pipe); typed at a terminal, after a "Password:"',
      'prompt, unseen, ended by Enter. The one command that may set up a new, empty database.',
    ],
    options: { email: 'string', name: 'string', 'password-stdin': 'boolean' },
  },
  'setup-token': {
    synopsis: '',
    about: ['Prints a new one-time first-admin setup link (only while no admin exists).'],
    options: {},
  },
  'lift-ip-restriction': {
    synopsis: '--email <e-mail>',
    about: ['Break-glass: allows unrestricted access for an admin or sub-admin locked out by their IP access list.'],
    options: { email: 'string' },
  },
  'unblock-ip': {
    synopsis: '--ip <address>',
    about: [
      'Break-glass: lifts every block in force that covers the address (an owner whose own network was',
      'blocked, by the brute-force rules or by hand) and lets its failure counting start afresh.',
    ],
    options: { ip: 'string' },
  },
  'resume-sign-ins': {
    synopsis: '--email <e-mail>',
    about: [
      "Break-glass: ends the password guard's pause of an account (after many wrong passwords from many",
      'places its dashboard sign-ins are heard only from known addresses): the count starts afresh.',
    ],
    options: { email: 'string' },
  },
  'reset-password-link': {
    synopsis: '--email <e-mail>',
    about: [
      "Prints a new single-use link (24 hours) to set the account's password; earlier links die. For an",
      'owner who lost their password, or whose e-mailed link after a forced reset was lost or expired.',
    ],
    options: { email: 'string' },
  },
  'reset-2fa': {
    synopsis: '--email <e-mail>',
    about: [
      'Lost device, sole owner: removes every second factor and recovery code of the account, unlocks',
      'second-factor sign-in, signs it out everywhere (every session) and e-mails the holder.',
      'The next sign-in needs the password only (or leads through enrollment where a policy requires 2FA).',
    ],
    options: { email: 'string' },
  },
  'unlock-2fa': {
    synopsis: '--email <e-mail>',
    about: [
      'Ends the lock of second-step sign-in after too many consecutive wrong codes (100 unless configured);',
      "the account's methods, recovery codes and sessions stay. A lock means someone got past the password",
      'and then failed the second step many times: consider the password known to someone else',
      '(reset-password-link).',
    ],
    options: { email: 'string' },
  },
};

const usageOf = (name: string, spec: CommandSpec): string => `pnpm cli ${name}${spec.synopsis ? ` ${spec.synopsis}` : ''}`;

const USAGE = `Usage: pnpm cli <command> [options]    (pnpm cli --help, or <command> --help: this text)

Commands:
${Object.entries(COMMANDS)
  .map(([name, spec]) => `  ${usageOf(name, spec).slice('pnpm cli '.length)}\n${spec.about.map((l) => `      ${l}\n`).join('')}`)
  .join('')}
Uses the same configuration as the server (DATABASE_URL, or the embedded PostgreSQL in DATA_DIR), and
its keys (DATA_DIR's keys.json, or SESSION_SECRET and ENCRYPTION_KEY). Every command but create-admin
refuses a database the server has not set up, changing nothing: start the server first.
`;

/**
 * The command's options, checked whole before anything is opened: each known, given once, with a
 * value where it takes one; no other argument. `help`: --help or -h among them.
 */
function parseOptions(
  command: string,
  spec: CommandSpec,
  args: string[],
): { help: true } | { error: string } | { values: Record<string, string | true> } {
  const { tokens } = parseArgs({
    args,
    options: {
      ...Object.fromEntries(Object.entries(spec.options).map(([name, type]) => [name, { type }])),
      help: { type: 'boolean', short: 'h' },
    },
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return { help: true };
  const values: Record<string, string | true> = {};
  for (const t of tokens) {
    if (t.kind === 'option-terminator') continue;
    if (t.kind === 'positional') {
      return { error: `Unexpected argument "${t.value}": ${command} takes options only (such as --email <e-mail>).` };
    }
    const type = Object.hasOwn(spec.options, t.name) ? spec.options[t.name] : undefined;
    if (type === undefined) return { error: `Unknown option ${t.rawName} for ${command}.` };
    if (Object.hasOwn(values, t.name)) return { error: `${t.rawName} is given more than once: give it once.` };
    if (type === 'boolean') {
      if (t.value !== undefined) return { error: `${t.rawName} takes no value.` };
      values[t.name] = true;
    } else {
      // `--email --name x` would otherwise take "--name" for the address.
      if (t.value === undefined || t.value === '' || (!t.inlineValue && t.value.startsWith('-'))) {
        return { error: `${t.rawName} needs a value.` };
      }
      values[t.name] = t.value;
    }
  }
  return { values };
}

/** Standard input until it ends (a pipe or a file), less one final line break. */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/**
 * Whether the server has set this database up: its migrations table, then the key check the server
 * records once its keys fit (`assertKeysFitDatabase`). Read only: nothing is created.
 */
async function setupState(pool: SqlPool): Promise<'EMPTY' | 'NOT_STARTED' | 'SET_UP'> {
  const {
    rows: [tables],
  } = await pool.query<{ migrated: boolean; setting: boolean }>(
    `select to_regclass('mikro_orm_migrations') is not null as migrated, to_regclass('setting') is not null as setting`,
  );
  if (!tables?.migrated) return 'EMPTY';
  if (!tables.setting) return 'NOT_STARTED';
  const { rows } = await pool.query(`select 1 from setting where key = 'keyCheck'`);
  return rows.length > 0 ? 'SET_UP' : 'NOT_STARTED';
}

/**
 * The server's keys, as `loadOrCreateKeys` finds them (the environment's, else `<dataDir>/keys.json`),
 * but never created or completed: null when they are not all there.
 */
async function loadExistingKeys(config: Config): Promise<Keys | null> {
  let stored: Record<string, unknown> = {};
  if (!(config.sessionSecret && config.encryptionKey)) {
    const file = path.join(config.dataDir, 'keys.json');
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
      if (parsed !== null && typeof parsed === 'object') stored = parsed as Record<string, unknown>;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw new Error(`${file} cannot be read: ${(err as Error).message}`);
    }
  }
  const sessionSecret = config.sessionSecret ?? stored['sessionSecret'];
  const encryptionKey = config.encryptionKey ?? stored['encryptionKey'];
  if (typeof sessionSecret !== 'string' || typeof encryptionKey !== 'string') return null;
  return { sessionSecret: Buffer.from(sessionSecret, 'hex'), encryptionKey: Buffer.from(encryptionKey, 'hex') };
}

const START_FIRST =
  'Check DATABASE_URL and DATA_DIR (the server’s own are needed), or start the server first: `pnpm start` sets the database up and prints the link that creates the first admin.';

/** What a second-step lock says about the password, for the operator to act on. */
const lockWarning = (email: string): string =>
  `Warning: a second-step lock means someone got past the password of ${email} and then failed the second step many times in a row. ` +
  `Unless that was the holder, consider the password known to someone else and have it changed: pnpm cli reset-password-link --email ${email} prints a link to set a new one.\n`;

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  // The command line is checked whole before anything is opened (nor a password asked for).
  const spec = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (spec === undefined) {
    process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  const hint = `Usage: ${usageOf(command, spec)}    (pnpm cli --help: every command)\n`;
  const parsed = parseOptions(command, spec, rest);
  if ('help' in parsed) {
    process.stdout.write(USAGE);
    return 0;
  }
  if ('error' in parsed) {
    process.stderr.write(`${parsed.error}\n${hint}`);
    return 2;
  }
  const { values } = parsed;
  const option = (name: string): string | undefined => {
    const v = values[name];
    return typeof v === 'string' ? v.trim() : undefined;
  };
  /** `--email` of a command acting on an existing account: lower case, as stored. */
  const email = option('email')?.toLowerCase();
  if (spec.options['email'] !== undefined && command !== 'create-admin' && !email) {
    process.stderr.write(`${command} needs --email of an existing account.\n${hint}`);
    return 2;
  }
  let cidr: ParsedCidr | undefined;
  if (command === 'unblock-ip') {
    const r = parseCidr(option('ip') ?? '');
    if ('error' in r) {
      process.stderr.write(`unblock-ip needs --ip with an IPv4 or IPv6 address (or a blocked range).\n${hint}`);
      return 2;
    }
    cidr = r;
  }
  const needsPassword = 'create-admin needs --email, --name and a password (--password-stdin or ADMIN_PASSWORD).\n';
  if (command === 'create-admin' && (!option('email') || !option('name'))) {
    process.stderr.write(needsPassword);
    return 2;
  }
  // Run as `pnpm cli`, the server's own configuration: the `.env` beside package.json that `pnpm start`
  // reads (real environment variables win), so a break-glass command acts on the server's database and
  // keys. Run directly (`node server/dist/cli.js`), only the environment counts.
  const envFile = path.join(repoRoot, '.env');
  if (process.env['npm_lifecycle_event'] === 'cli' && existsSync(envFile)) process.loadEnvFile(envFile);
  if (command === 'create-admin' && values['password-stdin'] !== true && !process.env['ADMIN_PASSWORD']) {
    process.stderr.write(needsPassword);
    return 2;
  }
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn' });
  let password: string | undefined;
  if (command === 'create-admin') {
    if (values['password-stdin'] !== true) password = process.env['ADMIN_PASSWORD'];
    else if (process.stdin.isTTY) {
      // Typed at a terminal: not shown (the terminal would echo a plain read, and leave it on screen).
      const typed = await readHiddenLine('Password: ');
      if (typed === null) {
        process.stderr.write('Aborted: no admin created.\n');
        return 130;
      }
      password = typed;
    } else password = await readStdin();
    if (!password) {
      process.stderr.write(needsPassword);
      return 2;
    }
  }
  // Without DATABASE_URL, the embedded PostgreSQL of DATA_DIR: not made afresh in a wrong folder.
  if (config.databaseUrl === undefined && command !== 'create-admin') {
    if (!existsSync(path.join(config.dataDir, 'postgres', 'PG_VERSION'))) {
      process.stderr.write(
        `No embedded PostgreSQL has been set up in ${config.dataDir} (DATA_DIR), and DATABASE_URL is not set: nothing was done. ${START_FIRST}\n`,
      );
      return 2;
    }
  }
  const urlName = config.databaseUrl ? decodeURIComponent(new URL(config.databaseUrl).pathname.slice(1)) : '';
  const databaseName = config.databaseUrl ? urlName || 'the default database' : `the embedded PostgreSQL in ${config.dataDir}`;
  /** The database, to begin a sentence with. */
  const theDatabase = !config.databaseUrl
    ? `The embedded PostgreSQL in ${config.dataDir}`
    : urlName
      ? `The database ${urlName}`
      : 'The default database of DATABASE_URL';
  // Log lines (JSON) go to standard error: standard output carries the command's answer alone.
  const logger = createLogger(config, pino.destination({ dest: 2, sync: true }));
  const { orm, pool, embedded } = await openDatabase(config, logger);
  try {
    // Only a database the server has set up is acted on, and only with its keys, checked before
    // anything is written: a wrong DATABASE_URL or DATA_DIR is refused, not given tables or new keys.
    const state = await setupState(pool);
    let keys: Keys;
    if (state === 'SET_UP') {
      const found = await loadExistingKeys(config);
      if (found === null) {
        process.stderr.write(
          `${theDatabase} was set up by a server whose keys are not here: ${config.dataDir}/keys.json is missing or incomplete (and SESSION_SECRET and ENCRYPTION_KEY are not both set). Nothing was done. ` +
            'Give this command the server’s DATA_DIR (or its SESSION_SECRET and ENCRYPTION_KEY).\n',
        );
        return 2;
      }
      keys = found;
      await assertKeysFitDatabase(pool, keys, config, false);
      await migrate(orm);
    } else if (command === 'create-admin') {
      // Automation before the server's first start: this command may set a new database up.
      await migrate(orm);
      keys = await loadOrCreateKeys(config);
      await assertKeysFitDatabase(pool, keys, config, false);
    } else {
      process.stderr.write(
        `${theDatabase} has not been set up by the server (${
          state === 'EMPTY' ? 'it has none of the server’s tables' : 'its tables exist, but the server has not started on it yet'
        }): nothing was done. ${START_FIRST}\n`,
      );
      return 2;
    }
    const services = createServices(config, keys, logger, pool);
    const em = orm.em.fork();
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
    /** The existing account `--email` names; null, after saying there is none, otherwise. */
    const accountArg = async (): Promise<Account | null> => {
      const account = await em.findOne(Account, { email: email! });
      if (!account) process.stderr.write(`No account has the e-mail ${email} in this database (${databaseName}).\n`);
      return account;
    };
    switch (command) {
      case 'create-admin': {
        const adminEmail = option('email')!;
        const name = option('name')!;
        try {
          // An admin made from the server shell is audited as every other account creation is.
          const result = await services.accounts.createAdmin(em, { email: adminEmail, name, password: password! }, (tx, a) =>
            services.audit.record(
              { em: tx, viewer: null, clientIp: '127.0.0.1' },
              AuditAction.ACCOUNT_CREATED,
              { type: 'Account', id: a.id, label: a.email },
              { role: a.role, via: 'cli' },
            ),
          );
          if (!result.ok) {
            process.stderr.write(`An account with the e-mail ${adminEmail} exists already.\n`);
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
        const parsed = cidr!;
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
        // What went, as the reset read it under the account's locks (a key or a recovery code may have
        // come or gone since the read above): what is printed.
        let gone: HeldForReset = held;
        const reset = await em.transactional(async (tx) => {
          const ctx = { em: tx, viewer: null, clientIp: '127.0.0.1', afterCommit } as unknown as Context;
          // (Gone meanwhile: nothing is written.)
          const outcome = await services.twoFactor.resetAll(ctx, account, undefined, (removed) => (gone = removed));
          if (outcome === 'NOTHING_HELD') return false;
          await services.audit.record(ctx, AuditAction.TWO_FACTOR_RESET_BY_CLI, {
            type: 'Account',
            id: account.id,
            label: account.email,
          });
          return true;
        });
        if (!reset) return nothing();
        for (const tell of afterCommit) tell();
        const removed = [
          gone.app === EnrollmentStatus.ACTIVE ? 'the authenticator app' : null,
          gone.app === EnrollmentStatus.PENDING ? 'an authenticator app being set up (never confirmed)' : null,
          gone.email === EnrollmentStatus.ACTIVE ? 'e-mail codes' : null,
          gone.email === EnrollmentStatus.PENDING ? 'an address for e-mail codes being set up (never confirmed)' : null,
          gone.keys > 0 ? `${gone.keys} security key${gone.keys === 1 ? '' : 's'}` : null,
          gone.codes > 0 ? `${gone.codes} unused recovery code${gone.codes === 1 ? '' : 's'}` : null,
        ].filter((x) => x !== null);
        const done = [
          removed.length > 0 ? `removed ${removed.join(', ')}` : null,
          gone.state ? 'second-step sign-in unlocked' : null,
          'signed out everywhere (every session)',
        ].filter((x) => x !== null);
        process.stdout.write(
          `Two-factor authentication reset for ${account.email}: ${done.join('; ')}.\n${
            account.disabledAt
              ? 'The account is disabled: it cannot sign in until an admin enables it again.'
              : 'Its next sign-in needs the password only, or leads through setting up a method where a policy requires one.'
          }\n${await mailOutcome('the holder')}\n${gone.state ? lockWarning(account.email) : ''}`,
        );
        return 0;
      }
      case 'unlock-2fa': {
        const account = await accountArg();
        if (!account) return 2;
        // An account not locked is left as it is (its count of consecutive failures included).
        const notLocked = () => {
          process.stdout.write(`Second-step sign-in is not locked for ${account.email}: nothing to unlock (nothing changed).\n`);
          return 0;
        };
        // Unlocked and audited together, with no actor: whoever runs this has the server's shell. Whether
        // it is locked is decided there, under the row's lock (not locked, or unlocked meanwhile: nothing
        // is written).
        const ctx = { em, viewer: null, clientIp: '127.0.0.1' } as unknown as Context;
        if (!(await services.twoFactor.unlock(ctx, account, { by: 'cli' }))) return notLocked();
        process.stdout.write(
          `Second-step sign-in unlocked for ${account.email}: the second step can be tried again (within the attempt limits). ` +
            `Its methods, recovery codes and sessions are unchanged.\n${await mailOutcome('the holder')}\n${lockWarning(account.email)}`,
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
