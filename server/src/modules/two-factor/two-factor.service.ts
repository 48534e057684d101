import type { EntityManager } from '@mikro-orm/postgresql';
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { domainToASCII } from 'node:url';
import type pg from 'pg';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import { isEmail } from 'class-validator';
import type { Config } from '../../config.js';
import { bumpSql, giveBackSql } from '../../db/failure-counter.js';
import { inPoolTransaction, prepared, type SqlPool } from '../../db/pool.js';
import { onCommit, type Context } from '../../context.js';
import { OncePer } from '../../common/once-per.js';
import type { Keys } from '../../common/crypto/keys.js';
import { open, seal } from '../../common/crypto/secret-box.js';
import { hmacHex, safeEqual } from '../../common/crypto/tokens.js';
import { Role } from '../../common/auth/roles.js';
import { ErrorCode } from '../../common/errors/codes.js';
import { appError, badInput } from '../../common/errors/errors.js';
import { hasFormatCharacter } from '../../common/text.js';
import { Account } from '../account/account.entity.js';
import type { PasswordHasher } from '../account/password.js';
import { AuditAction } from '../audit/audit.entity.js';
import type { AuditService } from '../audit/audit.service.js';
import { SITE_THRESHOLD_FACTOR, type ProtectionService } from '../ip-block/protection.service.js';
import { mails } from '../mail/templates.js';
import { errorSummary, type MailService } from '../mail/mail.service.js';
import type { SettingsService, TwoFactorSettings } from '../settings/settings.service.js';
import { Session, SessionStage } from '../session/session.entity.js';
import {
  EmailCode,
  EmailCodePurpose,
  EmailFactor,
  EnrollmentStatus,
  RecoveryCode,
  TooManyAttemptsReason,
  TotpAuthenticator,
  TwoFactorMethod,
  TwoFactorState,
  WebauthnCredential,
} from './two-factor.entity.js';
import { lockSecondFactors } from './method-lock.js';
import { groupSecret, matchTotpStep, newTotpSecret, totpUri, withoutSpaces } from './totp.js';
import { ACCOUNT_BUDGET_PREFIX, ACCOUNT_TURN_SQL, TOTP_ATTEMPT_ARITY } from './turn.js';
import { REVOKE_EXPIRED_MARGIN_MS, SessionService } from '../session/session.service.js';

export const RECOVERY_CODE_COUNT = 10;
/**
 * How long an admin must have been one, when a reset of an admin's 2FA is asked for, to approve it: an
 * admin made just before by the requester (whose password the requester chose) is no second opinion.
 * (Roles are set when an account is made, so an admin's age is the account's.)
 */
export const APPROVER_MIN_AGE_MS = 24 * 3600_000;

/** A reset request as its closing statement returns it. */
interface RequestClosed {
  id: string;
  requested_by_id: string;
  created_at: Date;
}
/** Why a requester no longer stands behind its waiting reset requests (`closeRequestsBy`). */
export type RequesterGoneWhy = 'DISABLED' | 'COMPROMISED' | 'DELETED';
/** Wrong tries one e-mailed code survives (a resend keeps the count). */
export const EMAIL_CODE_MAX_FAILURES = 5;
export const EMAIL_CODE_TTL_MS = 10 * 60_000;
/** Code e-mails one account may cause, and one address may receive, per second-factor attempt window. */
export const EMAIL_CODES_PER_ACCOUNT = 10;
export const EMAIL_CODES_PER_ADDRESS = 5;
/** Domains whose mailboxes ignore dots in the local part (and are one service). */
const DOTLESS_DOMAINS: Record<string, string> = { 'gmail.com': 'gmail.com', 'googlemail.com': 'gmail.com' };

/**
 * The mailbox an address reaches, as far as an address's code budget is concerned: the same inbox
 * under other spellings counts once. Any case; a `+tag` (sub-addressing, RFC 5233) dropped; the domain
 * in its ASCII (punycode) form, without a trailing dot; dots in Gmail's local parts dropped. Two
 * mailboxes this takes for one only share a budget (stricter, never looser).
 */
export function mailboxOf(address: string): string {
  const at = address.lastIndexOf('@');
  if (at < 0) return address.toLowerCase();
  const rawDomain = address
    .slice(at + 1)
    .toLowerCase()
    .replace(/\.$/, '');
  const domain = domainToASCII(rawDomain) || rawDomain;
  let local = address.slice(0, at).toLowerCase().split('+')[0]!;
  const dotless = DOTLESS_DOMAINS[domain];
  if (dotless !== undefined) local = local.replaceAll('.', '');
  return `${local}@${dotless ?? domain}`;
}

const TOTP_ENROLLMENT_TTL_MS = 15 * 60_000;
/** How far ahead of this server's clock a stored time may be and still count as now (instances' clocks differ a little). */
const CLOCK_SKEW_MS = 60_000;

/** What `totp_attempt` decided for an app code. */
export type TotpDecision = AttemptRow & { outcome: string; consecutive_failures: number | null };

const TOTP_ATTEMPT_PARAMS = Array.from({ length: TOTP_ATTEMPT_ARITY }, (_, i) => `$${i + 1}`).join(', ');

/**
 * Runs the statement that decides an app code, given `totp_attempt`'s arguments: the function
 * alone by default, or a caller's statement that also starts the session the code finishes
 * (`SessionService.startFull` with `totp`), in one round trip and one commit.
 */
export type TotpDecider = (values: unknown[]) => Promise<TotpDecision | undefined>;

/** The budgets' state after an attempt was taken (see `TwoFactorService.limitFailure`). */
interface AttemptRow {
  locked_at: Date | null;
  acct_count: number | null;
  acct_start: Date | null;
  net_count: number | null;
  net_start: Date | null;
  /** The IPv6 site's budget (its /48), as the network's; null for an IPv4 source (it has none). */
  site_count: number | null;
  site_start: Date | null;
}

/**
 * An attempt taken from a budget: its key and the start of the window it was counted in, as the
 * statement that took it returned it (a Date from the pool, the text from MikroORM's connection; null:
 * none known, nothing is given back). It is given back only while that window lasts (`giveBackSql`).
 */
export interface Taken {
  key: string;
  windowStart: Date | string | null;
}

/**
 * A right second factor, as CTEs: the consecutive failures start again (`reset`) and the attempts
 * taken for it from the account's and the network's budgets (and the site's) are given back (`back`), each only in the
 * window it was taken in, for the account `accounts` selects (none: nothing happens). `keys` and
 * `starts`: the budgets' keys and the windows the attempts were taken in, as arrays (see `giveBackSql`).
 */
const successCtes = (accounts: string, keys: string, starts: string) => `reset as (
    update two_factor_state set consecutive_failures = 0 where account_id in (${accounts}) and consecutive_failures <> 0),
  back as (${giveBackSql(keys, starts, `exists (${accounts})`)})`;

/**
 * The start of a second step by e-mailed code, security key or recovery code, in one statement: the
 * method flags; one attempt taken from the account's budget and one from the network's (and one from
 * its IPv6 site's, $7, when there is one), only when the offered method ($4) can finish a sign-in (the
 * rule of `methodsFrom`, in SQL); and the lock. The budgets are taken up front with atomic increments (and given back when the proof is right), so
 * concurrent requests each pay: read first and counted after the check, the network's budget let every
 * request that started before the first failure was written through. (An authenticator-app code is
 * compared first and then decided, one at a time, by `totp_attempt`: see `checkTotp`.) These
 * attempts are not taken in the budgets' turns: an app code that passed `totp_attempt`'s budget check
 * in the microseconds before such an attempt was counted is still decided, one comparison more than
 * the budget in that window at most. Taking the turns here would make every other method's attempt of
 * the account, and of its network, wait behind an app-code sign-in waiting for the account's row. `net_count` is
 * the network's count before this attempt, as `takeAttempt` reads it (`site_count` the site's). $1
 * account, $2 account budget key, $3 window seconds, $4 method, $5 network budget key, $6 e-mail codes
 * allowed for this account, $7 site budget key (null: none). Its rows are written in key order.
 */
const VERIFY_START_SQL = `
  with f as (select ${methodFlagsSql('$1::uuid')}),
  usable as (
    select 1 from f
     where case $4::text
             when 'TOTP' then f.tf_totp
             when 'EMAIL' then f.tf_email and $6::boolean
             when 'WEBAUTHN' then f.tf_webauthn
             when 'RECOVERY_CODE' then f.tf_recovery > 0 and (f.tf_totp or f.tf_email or f.tf_webauthn_any)
             else false end),
  acct as (${bumpSql(`select $2::text, 1, now() from usable`, '$3::int')} returning count, window_start),
  net as (${bumpSql(`select $5::text, 1, now() from usable`, '$3::int')} returning count, window_start),
  site as (${bumpSql(`select $7::text, 1, now() from usable where $7::text is not null`, '$3::int')} returning count, window_start)
  select f.*,
         (select locked_at from two_factor_state where account_id = $1) as locked_at,
         acct.count as acct_count, acct.window_start as acct_start,
         net.count - 1 as net_count, net.window_start as net_start,
         site.count - 1 as site_count, site.window_start as site_start
    from f
    left join acct on true
    left join net on true
    left join site on true`;

/**
 * What an authenticator-app code is checked against, read without writing anything, as a subquery
 * for a lateral join: the app's sealed secret, the lock, and the budgets as `limitFailure` reads them,
 * as if this attempt were taken (`acct_count` is the account's live count plus this one; `net_count` the
 * network's before it, `site_count` the site's). The arguments are SQL expressions: the account, the
 * network budget key, the site budget key (null: none), the window seconds, and whether to read at all. The account's budget key is built in SQL from the
 * same prefix as `accountBudgetKey`.
 */
/** Each account's second-factor attempt budget is the failure counter under this prefix and its id. */

export const totpReadSql = (account: string, netKey: string, siteKey: string, windowSeconds: string, when = 'true') => `
  select t.id as totp_id, t.secret_sealed as totp_sealed,
         (select locked_at from two_factor_state where account_id = ${account}) as locked_at,
         ac.count + 1 as acct_count, ac.window_start as acct_start,
         nc.count as net_count, nc.window_start as net_start,
         sc.count as site_count, sc.window_start as site_start
    from (select 1) x
    left join totp_authenticator t on t.account_id = ${account} and t.status = 'ACTIVE'
    left join failure_counter ac on ac.key = '${ACCOUNT_BUDGET_PREFIX}' || ${account}::text and ac.window_start >= now() - make_interval(secs => ${windowSeconds})
    left join failure_counter nc on nc.key = ${netKey} and nc.window_start >= now() - make_interval(secs => ${windowSeconds})
    left join failure_counter sc on sc.key = ${siteKey} and sc.window_start >= now() - make_interval(secs => ${windowSeconds})
   where ${when}`;

/** `totpReadSql` on its own. $1 account, $2 network budget key, $3 window seconds, $4 site budget key. */
const TOTP_READ_SQL = totpReadSql('$1::uuid', '$2::text', '$4::text', '$3::int');

/** What `totpReadSql` selects. */
export type TotpRead = AttemptRow & { totp_id: string | null; totp_sealed: string | null };

/** An expected second-factor failure: becomes a `TwoFactorError` result. */
export class TwoFactorFailure {
  /**
   * `unchecked`: refused before any proof was compared (no code was sent, it expired, died of wrong
   * tries or was used already, no key challenge is live): such a refusal tells nothing apart, so it
   * costs no attempt and no consecutive failure.
   */
  constructor(
    readonly code: ErrorCode,
    readonly message: string,
    readonly retryAfter: Date | null = null,
    readonly unchecked = false,
    /** With TOO_MANY_ATTEMPTS: which limit (the dashboard says which, and what to do). */
    readonly reason: TooManyAttemptsReason | null = null,
  ) {}
}

/** The counter of a session's wrong re-authentication passwords in a row (`failure_counter`). */
export const REAUTH_RUN_PREFIX = 'reauth:';

/** Second-step refusals made before any proof was compared. */
const NOTHING_COMPARED: ReadonlySet<ErrorCode> = new Set([
  ErrorCode.SECOND_FACTOR_LOCKED,
  ErrorCode.TOO_MANY_ATTEMPTS,
  ErrorCode.METHOD_NOT_SET_UP,
  ErrorCode.NO_CODE_SENT,
]);

/**
 * Whether a refusal was made without comparing any proof (`unchecked`, a lock, a spent budget, no such
 * method, no code sent): it tells nothing about who sent it.
 */
export const comparedNothing = (failure: TwoFactorFailure): boolean => failure.unchecked || NOTHING_COMPARED.has(failure.code);

/** An e-mailed code replaced by a resend while it was checked: nothing was compared, nothing counts. */
const newerCodeSent = () => new TwoFactorFailure(ErrorCode.CODE_INVALID, 'A newer code was sent: use that one.', null, true);
/**
 * An e-mailed code used already (by another request, or before: a double submit, say). Nothing is
 * compared with it any more (whatever is sent gets this answer), so it costs no attempt and no
 * consecutive failure.
 */
const codeUsedAlready = () => new TwoFactorFailure(ErrorCode.CODE_INVALID, 'This code was used already.', null, true);

export interface MethodSummary {
  totp: TotpAuthenticator | null;
  email: EmailFactor | null;
  webauthn: WebauthnCredential[];
  recoveryRemaining: number;
}

export interface TotpEnrollment {
  uri: string;
  qrSvg: string;
  secret: string;
  expiresAt: Date;
}

/** Proof offered for a second step: a code (TOTP, e-mail, recovery) or a WebAuthn assertion. */
export interface SecondFactorProof {
  method: TwoFactorMethod;
  code?: string | null;
  webauthnResponse?: Record<string, unknown> | null;
}

/** A second step proven for a sign-in (see `TwoFactorService.verifyForSignIn`). */
export interface SignInProof {
  /** The recovery code that proved it, still unused: `SessionService.startFull` uses it up. */
  recoveryCodeId: string | null;
}

/** Second-step sign-in locked after too many consecutive failures (until an admin unlocks it). */
export const secondFactorLocked = () =>
  new TwoFactorFailure(
    ErrorCode.SECOND_FACTOR_LOCKED,
    'Second-step sign-in is locked after too many consecutive failures. An admin must unlock it.',
  );

export const wrongRecoveryCode = () =>
  new TwoFactorFailure(ErrorCode.CODE_INVALID, 'This recovery code is wrong or was used already.');

/** Verifies a WebAuthn assertion for the account at this step (implemented by WebauthnService). */
export type AssertionVerifier = (
  ctx: Context,
  account: Account,
  response: Record<string, unknown>,
) => Promise<TwoFactorFailure | null>;

export const isStaff = (account: Pick<Account, 'role'>): boolean => account.role !== Role.USER;

/** Whether e-mail codes can finish this account's sign-ins under these settings: always for users, for staff only when allowed. */
export const emailAllowedUnder = (s: Pick<TwoFactorSettings, 'emailForStaff'>, account: Pick<Account, 'role'>): boolean =>
  !isStaff(account) || s.emailForStaff;

/** Which second factors an account has set up, as selected by `methodFlagsSql`. */
export interface MethodFlags {
  tf_totp: boolean;
  tf_email: boolean;
  tf_webauthn: boolean;
  /** Any security key, also one flagged after its signature counter went backwards. */
  tf_webauthn_any: boolean;
  tf_recovery: number;
}

/**
 * Whether the account holds a second factor at all, usable now or not (a flagged security key, e-mail
 * codes while they are off for staff): such an account still owes a second step.
 */
export const holdsFactor = (f: MethodFlags): boolean => f.tf_totp || f.tf_email || f.tf_webauthn_any;

/**
 * The account's method flags as columns of a select (`accountId`: an SQL expression such as `a.id` or
 * `$1`): embedded in the sign-in statements so that no separate round trip asks for them.
 *
 * Scalar subqueries, not `exists(…)`: PostgreSQL may run a correlated EXISTS as a hashed subplan that
 * reads and hashes the whole table on every execution (it does so whenever its statistics call the
 * table small, as before the first ANALYZE), which made each sign-in scan every account's factors. A
 * scalar subquery always looks up this account through the `account_id` index.
 */
export function methodFlagsSql(accountId: string): string {
  return `coalesce((select true from totp_authenticator where account_id = ${accountId} and status = 'ACTIVE' limit 1), false) as tf_totp,
    coalesce((select true from email_factor where account_id = ${accountId} and status = 'ACTIVE' limit 1), false) as tf_email,
    coalesce((select true from webauthn_credential where account_id = ${accountId} and flagged_at is null limit 1), false) as tf_webauthn,
    coalesce((select true from webauthn_credential where account_id = ${accountId} limit 1), false) as tf_webauthn_any,
    (select count(*)::int from recovery_code where account_id = ${accountId} and used_at is null) as tf_recovery`;
}

/** The account's method flags as `tx` reads them (under the factor lock, when its caller holds it). */
async function flagsIn(tx: EntityManager, accountId: string): Promise<MethodFlags | undefined> {
  const [held] = await tx.execute<MethodFlags[]>(`select ${methodFlagsSql('x.id')} from (select ?::uuid as id) x`, [accountId]);
  return held;
}

/**
 * `lockSecondFactors` for a request switching a new factor on. An enrollment-only session adds the
 * account's first factor, never one beside a factor that is there by now: checked under the lock, so
 * that a factor another session (the holder's, say) confirmed while this one was checked still counts.
 * Without it, an intruder with only the password could keep a factor of their own beside the holder's.
 * The resolvers look earlier too (`assertFirstFactor`), to refuse before anything is checked.
 */
export async function lockForNewFactor(tx: EntityManager, accountId: string, ctx: Context): Promise<void> {
  await lockSecondFactors(tx, accountId, ctx);
  if (ctx.viewer?.session?.stage !== SessionStage.ENROLLMENT_REQUIRED) return;
  const held = await flagsIn(tx, accountId);
  if (held && holdsFactor(held)) {
    throw appError(ErrorCode.SECOND_FACTOR_REQUIRED, 'This account has a second factor now. Sign in again and use it.');
  }
}

/**
 * The methods that can finish a sign-in, from the flags (`emailAllowed`: e-mail codes allowed for this
 * account). `VERIFY_START_SQL` applies the same rule to the offered method.
 */
export function methodsFrom(f: MethodFlags, emailAllowed: boolean): TwoFactorMethod[] {
  const methods: TwoFactorMethod[] = [];
  if (f.tf_totp) methods.push(TwoFactorMethod.TOTP);
  if (f.tf_email && emailAllowed) methods.push(TwoFactorMethod.EMAIL);
  if (f.tf_webauthn) methods.push(TwoFactorMethod.WEBAUTHN);
  // Recovery codes alone are not a method: they only back one up (also one that cannot be used now).
  if (holdsFactor(f) && f.tf_recovery > 0) methods.push(TwoFactorMethod.RECOVERY_CODE);
  return methods;
}

/**
 * Second factors: enrollment state machines (PENDING → ACTIVE), verification with replay protection,
 * attempt limits per account and per network, recovery codes, re-authentication and policies.
 */
const emailAlreadyOn = () =>
  new TwoFactorFailure(ErrorCode.ALREADY_ENABLED, 'E-mail codes are set up already. Remove them first.');

/** The e-mailed code a send replaced, as it was (all null when there was none). */
interface ReplacedCode {
  prev_hash: string | null;
  prev_expires_at: Date | null;
  prev_used_at: Date | null;
  prev_failures: number | null;
  prev_sent_at: Date | null;
}

/** See `TwoFactorService.heldForReset`. */
export interface HeldForReset {
  /** The app's or e-mail's status: set up (ACTIVE), being set up and still confirmable (PENDING), or null (also a setup that can no longer be confirmed). */
  app: EnrollmentStatus | null;
  email: EnrollmentStatus | null;
  keys: number;
  codes: number;
  state: boolean;
}

export class TwoFactorService {
  verifyAssertion: AssertionVerifier | undefined;
  /** Accounts told of a replayed app code: once an hour for each account and network (this instance). */
  private readonly replayTold = new OncePer(3_600_000);

  constructor(
    private readonly config: Config,
    private readonly keys: Keys,
    private readonly settings: SettingsService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly protection: ProtectionService,
    private readonly hasher: PasswordHasher,
    private readonly logger: Logger,
    private readonly pool: SqlPool,
  ) {}

  private get url(): string {
    return this.config.publicUrl.origin;
  }

  // ── What an account has ────────────────────────────────────────────────────────────────────────

  /**
   * The account's methods. Inside a transaction, read on the transaction's own connection, one after
   * another: a plain fork takes another connection from the pool while the transaction holds its own,
   * and transactions that hold theirs while they wait for the one holding a lock (a method's removal,
   * the settings' save) would leave it none to take, until their statements time out.
   */
  async summary(em: EntityManager, accountId: string): Promise<MethodSummary> {
    const reads = [
      (r: EntityManager) => r.findOne(TotpAuthenticator, { account: accountId, status: EnrollmentStatus.ACTIVE }),
      (r: EntityManager) => r.findOne(EmailFactor, { account: accountId, status: EnrollmentStatus.ACTIVE }),
      (r: EntityManager) => r.find(WebauthnCredential, { account: accountId }, { orderBy: { createdAt: 'asc' } }),
      (r: EntityManager) => r.count(RecoveryCode, { account: accountId, usedAt: null }),
    ] as const;
    if (em.isInTransaction()) {
      const tx = em.fork({ keepTransactionContext: true });
      return {
        totp: await reads[0](tx),
        email: await reads[1](tx),
        webauthn: await reads[2](tx),
        recoveryRemaining: await reads[3](tx),
      };
    }
    const [totp, email, webauthn, recoveryRemaining] = await Promise.all([
      reads[0](em.fork()),
      reads[1](em.fork()),
      reads[2](em.fork()),
      reads[3](em.fork()),
    ]);
    return { totp, email, webauthn, recoveryRemaining };
  }

  /**
   * Methods that can finish a sign-in for this account now. `flags` are the account's method flags
   * when the caller read them already (selected with `methodFlagsSql`).
   */
  async loginMethods(em: EntityManager, account: Account, flags?: MethodFlags): Promise<TwoFactorMethod[]> {
    return (await this.settings.twoFactor(em)).enabled ? this.methodsWhenOn(em, account, flags) : [];
  }

  /** The methods that would finish the account's sign-in with 2FA on for the system (`loginMethods` while it is). */
  async methodsWhenOn(em: EntityManager, account: Account, flags?: MethodFlags): Promise<TwoFactorMethod[]> {
    const s = await this.settings.twoFactor(em);
    const f = flags ?? (await this.readFlags(account));
    return f ? methodsFrom(f, emailAllowedUnder(s, account)) : [];
  }

  /** Whether e-mail codes can finish this account's sign-ins: always for users, for staff only when the settings allow it. */
  async emailAllowedFor(em: EntityManager, account: Pick<Account, 'role'>, settings?: TwoFactorSettings): Promise<boolean> {
    return emailAllowedUnder(settings ?? (await this.settings.twoFactor(em)), account);
  }

  /** Whether the account holds a second factor, usable now or not (what recovery codes back up). */
  async holdsAnyFactor(account: Account): Promise<boolean> {
    const f = await this.readFlags(account);
    return f !== undefined && holdsFactor(f);
  }

  /** The account's method flags, in one round trip (this runs on sign-ins). */
  private async readFlags(account: Account): Promise<MethodFlags | undefined> {
    const { rows } = await this.pool.query<MethodFlags>({
      name: 'two_factor_login_methods',
      text: `select ${methodFlagsSql('$1::uuid')}`,
      values: [account.id],
    });
    return rows[0];
  }

  /** `settings`: as read afresh by the caller (by default, as this instance knows them). */
  async policyRequires(
    em: EntityManager,
    account: Pick<Account, 'role' | 'requiresTwoFactor'>,
    settings?: TwoFactorSettings,
  ): Promise<boolean> {
    const s = settings ?? (await this.settings.twoFactor(em));
    if (!s.enabled) return false;
    return isStaff(account) ? s.requiredForStaff : account.requiresTwoFactor;
  }

  /** Methods this account may newly enroll under the settings. */
  async enrollableMethods(em: EntityManager, account: Account, settings?: TwoFactorSettings): Promise<TwoFactorMethod[]> {
    const s = settings ?? (await this.settings.twoFactor(em));
    if (!s.enabled) return [];
    return s.allowedMethods.filter(
      (m) => m !== TwoFactorMethod.RECOVERY_CODE && (m !== TwoFactorMethod.EMAIL || emailAllowedUnder(s, account)),
    );
  }

  private async assertMayEnroll(em: EntityManager, account: Account, method: TwoFactorMethod): Promise<void> {
    const s = await this.settings.twoFactor(em);
    if (!s.enabled) throw appError(ErrorCode.TWO_FACTOR_DISABLED, 'Two-factor authentication is switched off system-wide.');
    if (!(await this.enrollableMethods(em, account)).includes(method)) {
      throw appError(ErrorCode.METHOD_NOT_ALLOWED, `${method} is not allowed for this account by the system settings.`, {
        method,
      });
    }
  }

  // ── Attempt limits ─────────────────────────────────────────────────────────────────────────────

  /**
   * Checks the budgets before a signed-in account's code or password is looked at (enrollment,
   * re-authentication). The account's budget is taken up front with one atomic increment (and given
   * back when it is right), so parallel requests and aliased fields in one request each pay. The
   * network's budget (and its IPv6 site's) is only read here: second steps of sign-ins spend it (`VERIFY_START_SQL`, `totp_attempt`).
   * The refusal, or the attempt taken (to give back when right).
   */
  async takeAttempt(_em: EntityManager, accountId: string, ip: string): Promise<TwoFactorFailure | Taken> {
    const { attemptWindowSeconds } = this.config.twoFactor;
    // One round trip: the lock, the account's budget (taken) and the network's and site's (read).
    const {
      rows: [row],
    } = await prepared<AttemptRow>(
      this.pool,
      'two_factor_take_attempt',
      `with acct as (${bumpSql('values (?, 1, now())', '?')} returning count, window_start)
       select (select locked_at from two_factor_state where account_id = ?) as locked_at,
              acct.count as acct_count, acct.window_start as acct_start,
              net.count as net_count, net.window_start as net_start,
              site.count as site_count, site.window_start as site_start
         from acct left join failure_counter net
           on net.key = ? and net.window_start >= now() - make_interval(secs => ?)
         left join failure_counter site
           on site.key = ? and site.window_start >= now() - make_interval(secs => ?)`,
      [
        this.accountBudgetKey(accountId),
        attemptWindowSeconds,
        attemptWindowSeconds,
        accountId,
        this.networkBudgetKey(ip),
        attemptWindowSeconds,
        this.siteBudgetKey(ip),
        attemptWindowSeconds,
      ],
    );
    const limited = this.limitFailure(row);
    const taken: Taken = { key: this.accountBudgetKey(accountId), windowStart: row?.acct_start ?? null };
    // Refused by the network's budget alone, or for the account's lock: nothing was checked, so its
    // attempt goes back (as in a second step): others' wrong codes behind this address must not spend
    // this account's budget, nor answers refused while it was locked its holder's once it is unlocked.
    if (limited && row && (row.locked_at || !this.accountSpent(row))) await this.giveBack([taken]);
    return limited ?? taken;
  }

  private accountBudgetKey(accountId: string): string {
    return `${ACCOUNT_BUDGET_PREFIX}${accountId}`;
  }

  networkBudgetKey(ip: string): string {
    return `2fa:ip:${this.protection.sourcePrefix(ip)}`;
  }

  /**
   * The budget of an IPv6 source's site (its /48), beside its network's (its /64): anyone can get a
   * routed /48, and 65 536 networks' budgets would be no limit at all. Null for an IPv4 source.
   */
  siteBudgetKey(ip: string): string | null {
    const site = this.protection.sitePrefix(ip);
    return site === null ? null : `2fa:site:${site}`;
  }

  /** A site's budget: `SITE_THRESHOLD_FACTOR` networks' worth, as a site counts toward blocking in the password step. */
  private get siteMaxAttempts(): number {
    return this.config.twoFactor.networkMaxAttempts * SITE_THRESHOLD_FACTOR;
  }

  /** The network's budget and, for an IPv6 source, its site's: each with its key and its cap. */
  private networkBudgets(ip: string): { key: string; cap: number }[] {
    const site = this.siteBudgetKey(ip);
    const net = { key: this.networkBudgetKey(ip), cap: this.config.twoFactor.networkMaxAttempts };
    return site === null ? [net] : [net, { key: site, cap: this.siteMaxAttempts }];
  }

  /** Why an attempt may not go on (the lock, or a spent budget), from the budgets' state; null = go on. */
  private limitFailure(row: AttemptRow | undefined): TwoFactorFailure | null {
    const { networkMaxAttempts } = this.config.twoFactor;
    if (row?.locked_at) return secondFactorLocked();
    if (row && this.accountSpent(row)) return this.tooMany(row.acct_start!);
    if (row?.net_start && (row.net_count ?? 0) >= networkMaxAttempts) return this.tooMany(row.net_start);
    if (row?.site_start && (row.site_count ?? 0) >= this.siteMaxAttempts) return this.tooMany(row.site_start);
    return null;
  }

  private accountSpent(row: AttemptRow): boolean {
    return row.acct_start !== null && (row.acct_count ?? 0) > this.config.twoFactor.maxAttempts;
  }

  private tooMany(windowStart: Date): TwoFactorFailure {
    return new TwoFactorFailure(
      ErrorCode.TOO_MANY_ATTEMPTS,
      'Too many wrong codes. Wait before trying again.',
      new Date(new Date(windowStart).getTime() + this.config.twoFactor.attemptWindowSeconds * 1000),
      false,
      TooManyAttemptsReason.WRONG_CODES,
    );
  }

  /** `giveBack` after a change has committed: a failure is logged, not thrown (the change stands, and is answered as done). */
  private async giveBackAfterCommit(taken: Taken[]): Promise<void> {
    try {
      await this.giveBack(taken);
    } catch (err) {
      this.logger.warn({ err }, 'could not give an attempt back after a confirmed setup');
    }
  }

  /**
   * Gives these attempts back to their budgets (an attempt that was not checked, or was right), each
   * only while the window it was taken in lasts (`giveBackSql`): one given back late must not cancel an
   * attempt of the next window. Budget rows are always locked in key order (the account's `2fa:acct:`
   * before the network's `2fa:ip:` and the site's `2fa:site:`, as the start of a second step takes them): an update locking them
   * in the table's physical order could deadlock with a concurrent attempt on the same account and
   * network, and one of the two would fail.
   */
  private async giveBack(taken: Taken[]): Promise<void> {
    await prepared(this.pool, 'two_factor_give_back', giveBackSql('?', '?'), [
      taken.map((t) => t.key),
      taken.map((t) => t.windowStart),
    ]);
  }

  /**
   * An attempt the network's budget (or its site's) refused (`taken`: its slots there): it was not
   * checked, so it gives its slots back, then asks again a few times while the attempts in flight
   * finish (right codes give theirs back; wrong ones keep them, so guesses stay limited). The refusal,
   * or the slots taken; the attempt goes on.
   */
  private async retakeNetwork(budgets: { key: string; cap: number }[], taken: Taken[]): Promise<TwoFactorFailure | Taken[]> {
    const { attemptWindowSeconds } = this.config.twoFactor;
    let slots = taken;
    let windowStart = new Date(taken[0]?.windowStart ?? Date.now());
    for (let tries = 1; tries <= 4; tries++) {
      await this.giveBack(slots);
      await sleep(50 * tries);
      // Taken again in key order (the network's `2fa:ip:` before the site's `2fa:site:`).
      const { rows } = await prepared<{ key: string; count: number; window_start: Date }>(
        this.pool,
        'two_factor_net_take',
        `${bumpSql('select k, 1, now() from unnest(?::text[]) as k order by k', '?')} returning key, count, window_start`,
        [budgets.map((b) => b.key), attemptWindowSeconds, attemptWindowSeconds],
      );
      slots = budgets.map((b) => ({ key: b.key, windowStart: rows.find((r) => r.key === b.key)?.window_start ?? null }));
      const over = rows.find((r) => r.count > budgets.find((b) => b.key === r.key)!.cap);
      if (!over) return slots;
      windowStart = over.window_start;
    }
    await this.giveBack(slots);
    return this.tooMany(windowStart);
  }

  /**
   * A wrong second factor: counts toward the NIST lockout (consecutive failures, reset by a success).
   * Its attempts stay taken from both budgets (`VERIFY_START_SQL`; an app code counts itself in `totp_attempt`).
   */
  private async recordFailure(ctx: Context, account: Account): Promise<void> {
    const [row] = await ctx.em.execute<{ consecutive_failures: number; locked_at: Date | null }[]>(
      `insert into two_factor_state (account_id, consecutive_failures) values (?, 1)
       on conflict (account_id) do update set consecutive_failures = two_factor_state.consecutive_failures + 1
       returning consecutive_failures, locked_at`,
      [account.id],
    );
    await this.lockIfDue(ctx, account, row);
  }

  /** Locks second-step sign-in once the consecutive failures (as just counted) reach the lockout. */
  private async lockIfDue(
    ctx: Context,
    account: Account,
    row: { consecutive_failures: number | null; locked_at: Date | null } | undefined,
  ): Promise<void> {
    if (row && row.locked_at === null && (row.consecutive_failures ?? 0) >= this.config.twoFactor.lockoutFailures) {
      await this.writeLock(ctx, account);
    }
  }

  /**
   * Writes the lock of an account whose consecutive failures are at the lockout and that has none yet
   * (nothing otherwise: already locked, or a success reset the count meanwhile). Locked and audited
   * together (a lock without its entry would never get one: later failures find it locked); an
   * automatic lock has no actor. The holder is told once it is committed.
   */
  private async writeLock(ctx: Context, account: Account): Promise<void> {
    const locked = await ctx.em.transactional(async (tx) => {
      const [written] = await tx.execute<{ consecutive_failures: number }[]>(
        `update two_factor_state set locked_at = now() where account_id = ? and locked_at is null and consecutive_failures >= ?
         returning consecutive_failures`,
        [account.id, this.config.twoFactor.lockoutFailures],
      );
      if (!written) return false;
      await this.audit.record(
        { em: tx, viewer: null, clientIp: ctx.clientIp },
        AuditAction.SECOND_FACTOR_LOCKED,
        target(account),
        { consecutiveFailures: written.consecutive_failures },
      );
      return true;
    });
    if (locked) this.mail.notify(mails.secondFactorLocked(account.email, this.url));
  }

  /** A right second factor: the consecutive failures start again and its attempts are given back (one statement). */
  private async recordSuccess(account: Account, taken: Taken[]): Promise<void> {
    await prepared(this.pool, 'two_factor_record_success', `with ${successCtes('select ?::uuid', '?', '?')} select 1`, [
      account.id,
      taken.map((t) => t.key),
      taken.map((t) => t.windowStart),
      account.id,
    ]);
  }

  /**
   * Ends the lock after consecutive failures. The attempt budget stays: an unlock between rounds of
   * guesses must not give a fresh round each time. False, with nothing changed, when the account is not
   * locked: its run of failures short of the lockout stays (forgetting it, unaudited, would let a
   * manager keep an account just below the lockout).
   */
  async unlock(ctx: Context, account: Account, details: Record<string, unknown> = {}): Promise<boolean> {
    // Unlocked and audited together; whether it is locked is read under the row's lock (as the CLI's
    // unlock-2fa, an account not locked is left as it is).
    const unlocked = await ctx.em.transactional(async (tx) => {
      const [held] = await tx.execute<{ locked_at: Date | null }[]>(
        `select locked_at from two_factor_state where account_id = ? for update`,
        [account.id],
      );
      if (!held?.locked_at) return false;
      const [was] = await tx.execute<{ locked_at: Date | null }[]>(
        `delete from two_factor_state where account_id = ? returning locked_at`,
        [account.id],
      );
      if (!was?.locked_at) return false;
      await this.audit.record({ ...ctx, em: tx }, AuditAction.SECOND_FACTOR_UNLOCKED, target(account), details);
      return true;
    });
    // Told once it is committed, as the lock was: an unlock someone talked an admin into is heard of.
    if (unlocked) this.mail.notify(mails.secondFactorUnlocked(account.email, this.url));
    return unlocked;
  }

  async isLocked(em: EntityManager, accountId: string): Promise<boolean> {
    return (await em.fork().findOne(TwoFactorState, { account: accountId }))?.lockedAt != null;
  }

  /**
   * What would refuse the account's next second-factor attempt from `ip` now (the lock, the account's
   * spent budget, this network's), read without taking one; null when one may be made. A code e-mailed
   * then would only be refused when it comes (the limits are checked first), so none is sent.
   */
  async nextAttemptRefused(accountId: string, ip: string): Promise<TwoFactorFailure | null> {
    const {
      rows: [row],
    } = await this.pool.query<TotpRead>({
      name: 'two_factor_totp_read',
      text: TOTP_READ_SQL,
      values: [accountId, this.networkBudgetKey(ip), this.config.twoFactor.attemptWindowSeconds, this.siteBudgetKey(ip)],
    });
    return this.limitFailure(row);
  }

  // ── Verifying a second factor (sign-in and re-authentication) ──────────────────────────────────

  /**
   * Checks one proof for the account, within the attempt limits. Null = accepted; a recovery code is
   * used up at once (re-authentication). `sessionId` is the pending sign-in an e-mailed code was sent
   * for; null when the proof came with the password (an e-mailed code cannot then exist: it is refused
   * as not set up, costing no attempt).
   */
  async verify(
    ctx: Context,
    account: Account,
    proof: SecondFactorProof,
    sessionId: string | null,
  ): Promise<TwoFactorFailure | null> {
    const r = await this.check(ctx, account, proof, sessionId, false);
    return r instanceof TwoFactorFailure ? r : null;
  }

  /**
   * `verify` for a sign-in: a right recovery code is not used up here but handed back, for
   * `SessionService.startFull` to use up together with the full session it starts (a sign-in refused
   * there, e.g. because a concurrent proof finished it first, then costs no code). An e-mailed code is
   * used up at once: it belongs to this pending sign-in and is worth nothing once that is over.
   */
  async verifyForSignIn(
    ctx: Context,
    account: Account,
    proof: SecondFactorProof,
    sessionId: string | null,
    totpRead?: TotpRead,
    decide?: TotpDecider,
  ): Promise<TwoFactorFailure | SignInProof> {
    return this.check(ctx, account, proof, sessionId, true, totpRead, decide);
  }

  /**
   * `totpRead`: for an app code, what `totpReadSql` read with the account (a code sent with the
   * password), so it is not read again. `decide`: the statement that decides an app code (see `TotpDecider`).
   */
  private async check(
    ctx: Context,
    account: Account,
    proof: SecondFactorProof,
    sessionId: string | null,
    forSignIn: boolean,
    totpRead?: TotpRead,
    decide?: TotpDecider,
  ): Promise<TwoFactorFailure | SignInProof> {
    const notSetUp = new TwoFactorFailure(ErrorCode.METHOD_NOT_SET_UP, 'This method is not set up for the account.');
    // An e-mailed code or a security key belongs to a pending sign-in (its code, its challenge).
    if (sessionId === null && (proof.method === TwoFactorMethod.EMAIL || proof.method === TwoFactorMethod.WEBAUTHN)) {
      return notSetUp;
    }
    const settings = await this.settings.twoFactor(ctx.em);
    if (!settings.enabled) return notSetUp;
    if (proof.method === TwoFactorMethod.TOTP) {
      return (await this.checkTotp(ctx, account, proof.code ?? '', totpRead, decide)) ?? { recoveryCodeId: null };
    }
    // One round trip: the methods, the attempt taken (when the method may be used), the limits.
    const { attemptWindowSeconds } = this.config.twoFactor;
    const emailAllowed = emailAllowedUnder(settings, account);
    // The network's budget, and its IPv6 site's when it has one.
    const budgets = this.networkBudgets(ctx.clientIp);
    const {
      rows: [row],
    } = await this.pool.query<MethodFlags & AttemptRow>({
      name: 'two_factor_verify_start',
      text: VERIFY_START_SQL,
      values: [
        account.id,
        this.accountBudgetKey(account.id),
        attemptWindowSeconds,
        proof.method,
        budgets[0]!.key,
        emailAllowed,
        budgets[1]?.key ?? null,
      ],
    });
    // The statement took no attempt for such a method (the same rule in SQL).
    if (!row || !methodsFrom(row, emailAllowed).includes(proof.method)) return notSetUp;
    // The attempts taken, with the windows they were taken in (given back only there).
    const acct: Taken = { key: this.accountBudgetKey(account.id), windowStart: row.acct_start };
    let net: Taken[] = budgets.map((b, i) => ({ key: b.key, windowStart: i === 0 ? row.net_start : row.site_start }));
    const limited = this.limitFailure(row);
    if (limited && (row.locked_at || this.accountSpent(row))) {
      // Refused for the account (locked, or its budget spent): the network's slot (and its site's)
      // goes back, since no code was checked and the people behind that address are not to pay for
      // this account. While it is locked, the account's own slot goes back too (as an app code's
      // refusal writes nothing then): once an admin unlocks it, its holder is not to wait out a window
      // spent on answers nobody compared.
      await this.giveBack(row.locked_at ? [acct, ...net] : net);
      return limited;
    } else if (limited) {
      // Refused by the network's budget (or its site's) alone: the attempts in flight there may be
      // right codes about to give theirs back (many people behind one address signing in at once), so
      // this one asks again; refused for good, it gives the account's slot back (the account is not at fault).
      const retaken = await this.retakeNetwork(budgets, net);
      if (retaken instanceof TwoFactorFailure) {
        await this.giveBack([acct]);
        return retaken;
      }
      net = retaken;
    }
    let failure: TwoFactorFailure | null = null;
    let recoveryCodeId: string | null = null;
    switch (proof.method) {
      case TwoFactorMethod.EMAIL:
        failure = await this.checkEmailCode(ctx.em, account, EmailCodePurpose.LOGIN, sessionId ?? '', proof.code ?? '');
        break;
      case TwoFactorMethod.RECOVERY_CODE:
        if (forSignIn) {
          recoveryCodeId = await this.findRecoveryCode(account, proof.code ?? '');
          failure = recoveryCodeId === null ? wrongRecoveryCode() : null;
        } else failure = await this.useRecoveryCode(ctx, account, proof.code ?? '');
        break;
      case TwoFactorMethod.WEBAUTHN:
        failure =
          this.verifyAssertion && proof.webauthnResponse
            ? await this.verifyAssertion(ctx, account, proof.webauthnResponse)
            : new TwoFactorFailure(ErrorCode.WEBAUTHN_FAILED, 'A WebAuthn response is required.');
        break;
    }
    if (failure?.code === ErrorCode.METHOD_NOT_SET_UP || failure?.unchecked) {
      // The method went away while this was checked (removed, or the account reset), or there was
      // nothing to compare with (no code sent, expired or dead, no key challenge): no failure counts
      // and both attempts go back.
      await this.giveBack([acct, ...net]);
    } else if (failure) await this.recordFailure(ctx, account);
    else await this.recordSuccess(account, [acct, ...net]);
    return failure ?? { recoveryCodeId };
  }

  /**
   * An authenticator-app code: compared with the app's secret first, then decided by `totp_attempt`
   * (migrations 20261202140000, 20261204090000) in one statement, one attempt at a time per account and per network
   * (advisory locks on both budgets). Past a budget or locked, a right code and a wrong one get the same
   * work and the same answer, the right one is not used up and no failure is counted; within them, a right code moves the
   * replay guard and writes nothing to the budgets, and a wrong, replayed or older one (a step before
   * the last used: refused, but no replay) takes an attempt from both and counts as a consecutive failure. So however many codes arrive at once (aliases, parallel
   * requests), they are decided one after another against the budgets as they stand, and at most the
   * budget's worth of them is ever told apart. A spent budget or a lock read before the comparison
   * refuses without comparing the code at all (`read`: read with the account already, however long
   * ago: `totp_attempt` decides on what stands then, and an app replaced since is 'GONE'). `decide`:
   * the statement that runs `totp_attempt` (a sign-in's also starts its session: `TotpDecider`).
   */
  private async checkTotp(
    ctx: Context,
    account: Account,
    code: string,
    read?: TotpRead,
    decide: TotpDecider = this.decideTotp,
  ): Promise<TwoFactorFailure | null> {
    const { attemptWindowSeconds, maxAttempts, networkMaxAttempts, lockoutFailures } = this.config.twoFactor;
    const acctKey = this.accountBudgetKey(account.id);
    const netKey = this.networkBudgetKey(ctx.clientIp);
    const siteKey = this.siteBudgetKey(ctx.clientIp);
    const notSetUp = () => new TwoFactorFailure(ErrorCode.METHOD_NOT_SET_UP, 'No authenticator app is set up.');
    // A prefetch that found no app is read again: one may have been switched on since (the sign-in
    // read it before its hash, and found the second step owed after); so is one that found a budget
    // spent or the account locked (a pending sign-in's may be minutes old: the window may have passed).
    const prefetched = read?.totp_id && !this.limitFailure(read) ? read : undefined;
    const row =
      prefetched ??
      (
        await this.pool.query<TotpRead>({
          name: 'two_factor_totp_read',
          text: TOTP_READ_SQL,
          values: [account.id, netKey, attemptWindowSeconds, siteKey],
        })
      ).rows[0];
    if (!row?.totp_id || !row.totp_sealed) return notSetUp();
    const limited = this.limitFailure(row);
    if (limited) return limited;
    const step = matchTotpStep(open(this.keys.encryptionKey, row.totp_sealed, account.id), withoutSpaces(code));
    const res = await decide([
      account.id,
      row.totp_id,
      step,
      acctKey,
      netKey,
      attemptWindowSeconds,
      maxAttempts,
      networkMaxAttempts,
      lockoutFailures,
      siteKey,
      this.siteMaxAttempts,
    ]);
    switch (res?.outcome) {
      case 'ACCEPTED':
        return null;
      case 'GONE':
        // The app removed (or reset) while this code was being checked: no replay, just no app any more.
        return notSetUp();
      case 'WRONG':
        await this.lockIfDue(ctx, account, res);
        return new TwoFactorFailure(ErrorCode.CODE_INVALID, 'The code is wrong.');
      case 'STALE':
        // A step older than the one the app last used, never used itself (`used_before` says which
        // were; a used one is REPLAYED, also after a newer step): a device whose clock is behind
        // the one that signed in last, not a replay. Refused and counted as a wrong code (no longer
        // valid), and nobody is alarmed.
        await this.lockIfDue(ctx, account, res);
        return new TwoFactorFailure(
          ErrorCode.CODE_INVALID,
          'This code is no longer valid: a newer one was used. Wait for the next one.',
        );
      case 'REPLAYED':
        this.logger.warn({ accountId: account.id, ip: ctx.clientIp }, 'replayed authenticator code refused');
        await this.audit.record(asHolder(ctx, account), AuditAction.TOTP_REPLAY_REFUSED, target(account), { step });
        // Every replay is audited; the holder is e-mailed once an hour at most per network (per
        // instance): whoever has the password and one spent code must not be able to fill the holder's
        // inbox with it, and the holder's own double sign-in must not hide a replay from elsewhere.
        if (this.replayTold.take(`${account.id} ${this.protection.sourcePrefix(ctx.clientIp)}`))
          this.mail.notify(mails.totpReplay(account.email, ctx.clientIp, new Date(), this.url));
        await this.lockIfDue(ctx, account, res);
        return new TwoFactorFailure(ErrorCode.CODE_ALREADY_USED, 'This code was used already. Wait for the next one.');
      default:
        // 'LIMITED': past a budget, or locked. Locked by a count at the lockout that no lock was written
        // for (the lockout lowered since, or the write of the lock failed after its failure was counted):
        // written now, audited and told, so that the account's managers see it and can unlock it.
        if (res?.locked_at) await this.writeLock(ctx, account);
        return this.limitFailure(res) ?? this.tooMany(new Date());
    }
  }

  /** `totp_attempt` alone (see `checkTotp`). */
  private readonly decideTotp: TotpDecider = async (values) =>
    (
      await this.pool.query<TotpDecision>({
        name: 'two_factor_totp_attempt',
        text: `select * from totp_attempt(${TOTP_ATTEMPT_PARAMS})`,
        values,
      })
    ).rows[0];

  // ── Authenticator app ──────────────────────────────────────────────────────────────────────────

  async startTotp(em: EntityManager, account: Account): Promise<TotpEnrollment> {
    await this.assertMayEnroll(em, account, TwoFactorMethod.TOTP);
    const secret = newTotpSecret();
    const sealed = seal(this.keys.encryptionKey, secret, account.id);
    // One statement: a setup in progress is replaced, a working app never is. Two starts at once
    // cannot both insert (the second would break on the unique account), and a start racing the
    // confirmation of another cannot put a new secret under the app that was just switched on. Its
    // expiry is set by the database's clock, the one `confirmTotp` judges it by.
    const [started] = await em.execute<{ id: string; expires_at: Date }[]>(
      `insert into totp_authenticator (id, account_id, secret_sealed, status, last_used_step, created_at, expires_at)
         values (?, ?, ?, 'PENDING', 0, now(), now() + make_interval(secs => ?))
       on conflict (account_id) do update
         set secret_sealed = excluded.secret_sealed, expires_at = excluded.expires_at, created_at = excluded.created_at,
             last_used_step = 0, used_before = 0, confirmed_at = null, last_used_at = null
         where totp_authenticator.status = 'PENDING'
       returning id, expires_at`,
      [randomUUID(), account.id, sealed, TOTP_ENROLLMENT_TTL_MS / 1000],
    );
    if (!started) {
      throw appError(ErrorCode.ALREADY_ENABLED, 'An authenticator app is set up already. Remove it first to move to a new one.');
    }
    const { issuer } = await this.settings.twoFactor(em);
    const uri = totpUri(issuer, account.email, secret);
    const qrSvg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    return { uri, qrSvg, secret: groupSecret(secret), expiresAt: new Date(started.expires_at) };
  }

  /** PENDING → ACTIVE once the app proves a current code. A wrong code leaves 2FA off. */
  async confirmTotp(ctx: Context, account: Account, code: string): Promise<TwoFactorFailure | null> {
    const { em } = ctx;
    // Whether the setup is still live is decided here, once, by the database's clock (the one that set
    // its expiry): a setup read live is switched on by its right code even if it expires while the code
    // is checked, rather than refused after its attempt was taken.
    const [totp] = await em.execute<{ id: string; status: EnrollmentStatus; secret_sealed: string; live: boolean }[]>(
      `select id, status, secret_sealed, coalesce(expires_at > now(), false) as live from totp_authenticator where account_id = ?`,
      [account.id],
    );
    if (!totp || totp.status !== EnrollmentStatus.PENDING || !totp.live) {
      if (totp?.status === EnrollmentStatus.ACTIVE) return new TwoFactorFailure(ErrorCode.ALREADY_ENABLED, 'Already set up.');
      return new TwoFactorFailure(ErrorCode.NOT_ENROLLING, 'No authenticator setup is in progress. Start again.');
    }
    // Allowed when it was started is not enough: the settings may have changed since.
    await this.assertMayEnroll(em, account, TwoFactorMethod.TOTP);
    const taken = await this.takeAttempt(em, account.id, ctx.clientIp);
    if (taken instanceof TwoFactorFailure) return taken;
    const step = matchTotpStep(open(this.keys.encryptionKey, totp.secret_sealed, account.id), withoutSpaces(code));
    if (step === null) return new TwoFactorFailure(ErrorCode.CODE_INVALID, 'The code is wrong. Check the time on your phone.');
    // Switched on and audited together, or neither; and only the secret the code was checked against
    // (a setup restarted meanwhile, in another tab, put a new secret in the row: that one is unproven).
    const confirmed = await em.transactional(async (tx) => {
      await lockForNewFactor(tx, account.id, ctx);
      const res = await tx.execute(
        `update totp_authenticator set status = 'ACTIVE', confirmed_at = now(), expires_at = null, last_used_step = ?, used_before = 0,
            last_used_at = now() where id = ? and status = 'PENDING' and secret_sealed = ?`,
        [step, totp.id, totp.secret_sealed],
        'run',
      );
      if ((res as { affectedRows?: number }).affectedRows !== 1) return false;
      await this.audit.record({ ...ctx, em: tx }, AuditAction.TWO_FACTOR_ENABLED, target(account), {
        method: TwoFactorMethod.TOTP,
      });
      return true;
    });
    if (!confirmed) {
      // Its code was right (for the secret it was checked against): no guess, so no attempt spent.
      await this.giveBackAfterCommit([taken]);
      return new TwoFactorFailure(
        ErrorCode.NOT_ENROLLING,
        'This setup was restarted or ended meanwhile: scan the newest QR code, or start again.',
      );
    }
    // Committed: the holder is told first; giving the attempt back is bookkeeping, and its failure (a
    // database timeout) must neither lose the notice nor answer as if the app were not switched on.
    this.mail.notify(mails.methodAdded(account.email, 'An authenticator app', this.url));
    await this.giveBackAfterCommit([taken]);
    return null;
  }

  async removeTotp(ctx: Context, account: Account): Promise<boolean> {
    // Only a working app is "removed" (told, audited); a setup in progress simply expires.
    const n = await ctx.em.nativeDelete(TotpAuthenticator, { account: account.id, status: EnrollmentStatus.ACTIVE });
    if (n > 0) await this.methodRemoved(ctx, account, TwoFactorMethod.TOTP, 'The authenticator app');
    return n > 0;
  }

  // ── E-mail codes ───────────────────────────────────────────────────────────────────────────────

  /**
   * A code is bound to the address it was sent to: an enrollment code mailed to one address cannot
   * confirm another put in its place meanwhile (by a second start, in this session or another), and a
   * sign-in code mailed to an address the account no longer uses (removed, then another set up) no
   * longer signs in.
   */
  private codeHash(code: string, address: string): string {
    return hmacHex(this.keys.sessionSecret, `email-code:${address}:${code}`);
  }

  /**
   * Sends a fresh 6-digit code for this purpose and session. The row is reused, so the failure count
   * survives the resend; a resend inside the cool-down, or after five wrong codes, is refused. One
   * conditional upsert decides: parallel requests cannot each pass the cool-down and each send.
   */
  async sendCode(
    em: EntityManager,
    account: Account,
    purpose: EmailCodePurpose,
    sessionId: string,
    address: string,
    /** The budget already taken for this code (by a caller that had to know before it changed anything). */
    taken?: Taken[],
    /** A sign-in code asked for in a full session: it confirms a re-authentication (the e-mail says so). */
    reauth = false,
  ): Promise<{ sentAt: Date; retryAfter: Date } | TwoFactorFailure> {
    const cooldownMs = this.config.twoFactor.emailCooldownSeconds * 1000;
    // The cool-down holds per sign-in (or setup); these budgets hold across them, so neither a string
    // of sign-ins with a known password nor setups naming someone else's address become a mail bomb.
    // Only a setup's address is budgeted per address: a sign-in code goes to the account's own verified
    // address (its account budget holds), and others' setups naming that address must not stop it.
    const budget = taken ?? (await this.takeMailBudget(em, account.id, purpose === EmailCodePurpose.ENROLL ? address : null));
    if (budget instanceof TwoFactorFailure) return this.laterOfDeadCode(em, account.id, purpose, sessionId, budget);
    const result = await this.sendCodeWithin(em, account, purpose, sessionId, address, cooldownMs, reauth);
    // Refused (cool-down, a dead code) or not sent: no e-mail left, nothing counted.
    if (result instanceof TwoFactorFailure) await this.giveBack(budget);
    return result;
  }

  /**
   * Counts a code e-mail against the account's budget and, for a setup, the address's
   * (`EMAIL_CODES_PER_ACCOUNT`, `EMAIL_CODES_PER_ADDRESS` per attempt window): what was taken, or the
   * refusal (nothing taken).
   */
  private async takeMailBudget(
    em: EntityManager,
    accountId: string,
    address: string | null,
  ): Promise<Taken[] | TwoFactorFailure> {
    const window = this.config.twoFactor.attemptWindowSeconds;
    const budgets: [string, number][] = [[`mail:${accountId}`, EMAIL_CODES_PER_ACCOUNT]];
    if (address !== null) {
      budgets.push([`mailto:${hmacHex(this.keys.sessionSecret, `mail-budget:${mailboxOf(address)}`)}`, EMAIL_CODES_PER_ADDRESS]);
    }
    const taken: Taken[] = [];
    for (const [key, max] of budgets) {
      const [row] = await em.execute<{ count: number; window_start: Date }[]>(
        `${bumpSql('select ?, 1, now()', '?')} returning count, window_start`,
        [key, window, window],
      );
      taken.push({ key, windowStart: row?.window_start ?? null });
      if (row && row.count > max) {
        await this.giveBack(taken);
        return new TwoFactorFailure(
          ErrorCode.TOO_MANY_ATTEMPTS,
          'Too many codes were e-mailed lately. Try again later.',
          new Date(new Date(row.window_start).getTime() + window * 1000),
          false,
          TooManyAttemptsReason.CODES_EMAILED,
        );
      }
    }
    return taken;
  }

  private async sendCodeWithin(
    em: EntityManager,
    account: Account,
    purpose: EmailCodePurpose,
    sessionId: string,
    address: string,
    cooldownMs: number,
    reauth: boolean,
  ): Promise<{ sentAt: Date; retryAfter: Date } | TwoFactorFailure> {
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const hash = this.codeHash(code, address);
    // The code it replaces comes back too: if this one cannot be sent, the one in the inbox stays good.
    const [sent] = await em.execute<({ sent_at: Date } & ReplacedCode)[]>(
      `with prev as (select code_hash, expires_at, used_at, failures, sent_at from email_code where account_id = ? and purpose = ? and session_id = ?)
       insert into email_code (id, account_id, purpose, session_id, code_hash, sent_at, expires_at, failures, used_at)
       values (?, ?, ?, ?, ?, now(), now() + make_interval(secs => ?), 0, null)
       on conflict (account_id, purpose, session_id) do update
         set code_hash = excluded.code_hash, sent_at = excluded.sent_at, expires_at = excluded.expires_at, used_at = null,
             -- A resend keeps the tries its code has left; a new code after one that died, or after one
             -- that was used (a step proven: the next re-authentication, a setup begun anew), has five.
             failures = case when email_code.failures >= ? or email_code.used_at is not null then 0 else email_code.failures end
         where email_code.sent_at <= now() - make_interval(secs => ?)
           and (email_code.failures < ? or email_code.sent_at <= now() - make_interval(secs => ?))
       returning sent_at, (select code_hash from prev) as prev_hash, (select expires_at from prev) as prev_expires_at,
         (select used_at from prev) as prev_used_at, (select failures from prev) as prev_failures,
         (select sent_at from prev) as prev_sent_at`,
      [
        account.id,
        purpose,
        sessionId,
        randomUUID(),
        account.id,
        purpose,
        sessionId,
        hash,
        EMAIL_CODE_TTL_MS / 1000,
        EMAIL_CODE_MAX_FAILURES,
        cooldownMs / 1000,
        EMAIL_CODE_MAX_FAILURES,
        this.config.twoFactor.attemptWindowSeconds,
      ],
    );
    if (!sent) {
      const existing = await em.fork().findOne(EmailCode, { account: account.id, purpose, sessionId });
      if (existing && existing.failures >= EMAIL_CODE_MAX_FAILURES) {
        // A code that died of wrong tries is replaced only after the attempt window since it was sent
        // (a sign-in usually ends before; a signed-in session re-authenticating waits that long).
        return this.deadCode(existing);
      }
      const last = existing?.sentAt.getTime() ?? Date.now();
      return new TwoFactorFailure(ErrorCode.EMAIL_COOLDOWN, 'A code was sent moments ago.', new Date(last + cooldownMs));
    }
    const sentAt = new Date(sent.sent_at);
    try {
      await this.mail.send(
        mails.emailCode(address, code, purpose === EmailCodePurpose.ENROLL ? 'enroll' : reauth ? 'reauth' : 'login'),
      );
    } catch (err) {
      // Its codes and the server's words, without the address (nodemailer's error lists it; for a setup
      // it may be a third party's).
      this.logger.error({ err: errorSummary(err) }, 'could not send the e-mail code');
      await this.unsend(em, account.id, purpose, sessionId, hash, sent);
      return new TwoFactorFailure(ErrorCode.MAIL_FAILED, 'The e-mail could not be sent. Try again later.');
    }
    return { sentAt, retryAfter: new Date(sentAt.getTime() + cooldownMs) };
  }

  /**
   * Undoes a code that could not be sent, as if it had never been asked for: the code it replaced,
   * already in the inbox, is put back as it was (hash, expiry, use and the time it was sent), so a
   * failed resend neither kills it nor gives a code dead of wrong tries a fresh five (the time it was
   * sent is what a dead code waits from); with none before it, the row goes. Its failures are the more
   * of its own and those taken meanwhile at the unsent code (stored before the mail server answered,
   * which can take seconds): a resend the mail server refuses slowly must not give guesses a fresh
   * five. Either way no cool-down holds: the one before had run out, or this send would not have been
   * tried. Only while the row still holds this code (a later send keeps its own).
   */
  private async unsend(
    em: EntityManager,
    accountId: string,
    purpose: EmailCodePurpose,
    sessionId: string,
    hash: string,
    prev: ReplacedCode,
  ): Promise<void> {
    if (prev.prev_hash === null) {
      await em.execute(`delete from email_code where account_id = ? and purpose = ? and session_id = ? and code_hash = ?`, [
        accountId,
        purpose,
        sessionId,
        hash,
      ]);
      return;
    }
    await em.execute(
      `update email_code set code_hash = ?, expires_at = ?, used_at = ?, failures = greatest(failures, ?), sent_at = ?
        where account_id = ? and purpose = ? and session_id = ? and code_hash = ?`,
      [
        prev.prev_hash,
        prev.prev_expires_at,
        prev.prev_used_at,
        prev.prev_failures,
        prev.prev_sent_at,
        accountId,
        purpose,
        sessionId,
        hash,
      ],
    );
  }

  /**
   * A refusal by the mail budget, or the refusal of this sign-in's (or setup's) code dead of wrong tries
   * when that gives way later: a dead code also stops a new one until the window since it was sent is
   * over, and the time said is when asking again can work.
   */
  private async laterOfDeadCode(
    em: EntityManager,
    accountId: string,
    purpose: EmailCodePurpose,
    sessionId: string,
    refused: TwoFactorFailure,
  ): Promise<TwoFactorFailure> {
    const row = await em.fork().findOne(EmailCode, { account: accountId, purpose, sessionId });
    if (!row || row.failures < EMAIL_CODE_MAX_FAILURES) return refused;
    const dead = this.deadCode(row);
    return refused.retryAfter !== null && dead.retryAfter!.getTime() <= refused.retryAfter.getTime() ? refused : dead;
  }

  /** A code dead of wrong tries: a new one can be asked for once the attempt window since it was sent is over. */
  private deadCode(row: Pick<EmailCode, 'sentAt'>): TwoFactorFailure {
    return new TwoFactorFailure(
      ErrorCode.TOO_MANY_ATTEMPTS,
      'Too many wrong codes. Wait before asking for a new one, or start again.',
      new Date(row.sentAt.getTime() + this.config.twoFactor.attemptWindowSeconds * 1000),
      true,
      TooManyAttemptsReason.CODE_DEAD,
    );
  }

  /**
   * Checks an e-mailed code: bound to the session and the address, expires, single use, dies after five
   * wrong tries. `address`: where an enrollment's code went; a sign-in's went to the account's address.
   */
  async checkEmailCode(
    em: EntityManager,
    account: Account,
    purpose: EmailCodePurpose,
    sessionId: string,
    code: string,
    address: string | null = null,
  ): Promise<TwoFactorFailure | null> {
    const to =
      address ?? (await em.fork().findOne(EmailFactor, { account: account.id, status: EnrollmentStatus.ACTIVE }))?.address;
    if (to === undefined) return new TwoFactorFailure(ErrorCode.METHOD_NOT_SET_UP, 'E-mail codes are not set up.');
    const row = await em.fork().findOne(EmailCode, { account: account.id, purpose, sessionId });
    if (!row) return new TwoFactorFailure(ErrorCode.NO_CODE_SENT, 'Ask for a code first.', null, true);
    if (row.failures >= EMAIL_CODE_MAX_FAILURES) {
      return this.deadCode(row);
    }
    if (row.usedAt !== null) return codeUsedAlready();
    // A try is taken before the comparison, with an atomic increment (given back when the code is
    // right): of many guesses at once only the tries left are compared, as the five-try rule says.
    // Whether the code is still live is decided here, once, by the database's clock (the one that set
    // its expiry): a code whose try was taken live is used by its right comparison, and one that
    // expired first (also while this waited for the row: the statement's own clock, not its start)
    // was not compared and costs nothing. The try is taken on the code that was read (a resend keeps
    // the row and replaces its hash): never charged to a newer code this one is not compared with.
    const took = await em.execute<{ failures: number }[]>(
      `update email_code set failures = failures + 1
        where id = ? and code_hash = ? and failures < ? and used_at is null and expires_at > clock_timestamp() returning failures`,
      [row.id, row.codeHash, EMAIL_CODE_MAX_FAILURES],
    );
    if (took.length === 0) {
      // Not taken: read again to say why (it died of wrong tries, was replaced, was used, expired, or went).
      const [fresh] = await em.execute<{ failures: number; replaced: boolean; used: boolean; expired: boolean; sent_at: Date }[]>(
        `select failures, code_hash <> ? as replaced, used_at is not null as used, expires_at <= clock_timestamp() as expired, sent_at
           from email_code where id = ?`,
        [row.codeHash, row.id],
      );
      if (!fresh) return new TwoFactorFailure(ErrorCode.NO_CODE_SENT, 'Ask for a code first.', null, true);
      if (fresh.failures >= EMAIL_CODE_MAX_FAILURES) return this.deadCode({ sentAt: new Date(fresh.sent_at) });
      // Replaced by a resend meanwhile: this code is no longer the one sent, and nothing was compared.
      if (fresh.replaced) return newerCodeSent();
      if (fresh.used) return codeUsedAlready();
      if (fresh.expired) return new TwoFactorFailure(ErrorCode.CODE_EXPIRED, 'The code expired.', null, true);
      // Changed and changed back meanwhile (a resend the mail server refused was undone): nothing was compared.
      return new TwoFactorFailure(ErrorCode.CODE_INVALID, 'The code could not be checked: try again.', null, true);
    }
    if (!/^\d{6}$/.test(withoutSpaces(code)) || !safeEqual(this.codeHash(withoutSpaces(code), to), row.codeHash)) {
      return new TwoFactorFailure(ErrorCode.CODE_INVALID, 'The code is wrong.');
    }
    // Single use, also under a race: only one request can set used_at; the try is given back. (Its
    // expiry was decided when the try was taken.)
    const res = await em.execute(
      `update email_code set used_at = now(), failures = failures - 1
        where id = ? and used_at is null and code_hash = ?`,
      [row.id, row.codeHash],
      'run',
    );
    if ((res as { affectedRows?: number }).affectedRows !== 1) {
      // Replaced by a resend after its try was taken (a resend keeps the count of tries): the try is
      // given back to the code now in its place, and nothing counts. Otherwise another request used it.
      const replaced = await em.execute(
        `update email_code set failures = greatest(failures - 1, 0) where id = ? and code_hash <> ? returning 1`,
        [row.id, row.codeHash],
      );
      return replaced.length > 0 ? newerCodeSent() : codeUsedAlready();
    }
    return null;
  }

  async startEmail(
    ctx: Context,
    account: Account,
    sessionId: string,
    addressInput: string,
  ): Promise<{ sentAt: Date; retryAfter: Date } | TwoFactorFailure> {
    const { em } = ctx;
    await this.assertMayEnroll(em, account, TwoFactorMethod.EMAIL);
    const address = addressInput.trim().toLowerCase();
    // A bare address only: the mail client also reads display names, lists and quoted parts
    // ("a<victim@example.com>" goes to victim@example.com), which would dodge the per-address budget;
    // and without invisible characters (a zero-width space would make a second spelling of an address).
    if (address.length > 254 || /[\s<>",;:()[\]\\]/.test(address) || hasFormatCharacter(address) || !isEmail(address)) {
      throw badInput([{ field: 'address', reason: 'INVALID_EMAIL', message: 'Enter a valid e-mail address.' }]);
    }
    // Inside the cool-down nothing is sent, so nothing is changed either: the address the last code
    // went to stays the one that code confirms.
    const cooldownSeconds = this.config.twoFactor.emailCooldownSeconds;
    const [cooling] = await em.execute<{ sent_at: Date }[]>(
      `select sent_at from email_code where account_id = ? and purpose = 'ENROLL' and session_id = ?
          and sent_at > now() - make_interval(secs => ?)`,
      [account.id, sessionId, cooldownSeconds],
    );
    if (cooling) {
      return new TwoFactorFailure(
        ErrorCode.EMAIL_COOLDOWN,
        'A code was sent moments ago.',
        new Date(new Date(cooling.sent_at).getTime() + cooldownSeconds * 1000),
      );
    }
    // A locked second step, or spent attempt budgets, take no code: its confirmation would only be
    // refused (as `sendEmailCode` refuses a sign-in's), and each one sent spends the mail budgets.
    const refused = await this.nextAttemptRefused(account.id, ctx.clientIp);
    if (refused) return refused;
    // Out of e-mail budget: refused before the setup's address is replaced (the last code still confirms it).
    const budget = await this.takeMailBudget(em, account.id, address);
    if (budget instanceof TwoFactorFailure)
      return this.laterOfDeadCode(em, account.id, EmailCodePurpose.ENROLL, sessionId, budget);
    // Working e-mail codes are never touched: refused before anything is sent.
    const active = await em.execute(`select 1 from email_factor where account_id = ? and status = 'ACTIVE'`, [account.id]);
    if (active.length > 0) {
      await this.giveBack(budget);
      return emailAlreadyOn();
    }
    // The code first: its conditional upsert decides the cool-down and the five-try rule (parallel
    // starts send once), so a start that sends nothing (refused, or the mail server's refusal) changes
    // nothing, and the code already in the inbox still confirms the address it was sent to. Then the
    // setup's address becomes the one this code went to (one upsert: parallel first starts cannot both insert).
    const sent = await this.sendCode(em, account, EmailCodePurpose.ENROLL, sessionId, address, budget);
    if (sent instanceof TwoFactorFailure) return sent;
    const [pending] = await em.execute<{ id: string }[]>(
      `insert into email_factor (id, account_id, address, status, created_at) values (?, ?, ?, 'PENDING', now())
       on conflict (account_id) do update set address = excluded.address, created_at = excluded.created_at
        where email_factor.status = 'PENDING'
       returning id`,
      [randomUUID(), account.id, address],
    );
    if (!pending) {
      // Switched on meanwhile (by another session of the account): this code confirms nothing.
      return emailAlreadyOn();
    }
    return sent;
  }

  async confirmEmail(ctx: Context, account: Account, sessionId: string, code: string): Promise<TwoFactorFailure | null> {
    const { em } = ctx;
    const factor = await em.findOne(EmailFactor, { account: account.id });
    if (!factor || factor.status !== EnrollmentStatus.PENDING) {
      if (factor?.status === EnrollmentStatus.ACTIVE) return new TwoFactorFailure(ErrorCode.ALREADY_ENABLED, 'Already set up.');
      return new TwoFactorFailure(ErrorCode.NOT_ENROLLING, 'No e-mail setup is in progress. Start again.');
    }
    // Allowed when it was started is not enough: the settings (e-mail codes for staff) may have changed since.
    await this.assertMayEnroll(em, account, TwoFactorMethod.EMAIL);
    // Wrong enrollment codes count toward the account's attempt budget too, as an app's do.
    const taken = await this.takeAttempt(em, account.id, ctx.clientIp);
    if (taken instanceof TwoFactorFailure) return taken;
    const failure = await this.checkEmailCode(em, account, EmailCodePurpose.ENROLL, sessionId, code, factor.address);
    // Nothing compared (no code for this setup here, or it expired or died): the attempt goes back.
    if (failure?.unchecked) await this.giveBack([taken]);
    if (failure)
      return failure.code === ErrorCode.NO_CODE_SENT ? new TwoFactorFailure(ErrorCode.NOT_ENROLLING, 'Start again.') : failure;
    await this.giveBack([taken]);
    // Switched on and audited together, or neither; of two confirmations at once, one switches it on.
    const confirmedAt = new Date();
    const confirmed = await em.transactional(async (tx) => {
      await lockForNewFactor(tx, account.id, ctx);
      // Only the address the code was sent to and checked for (a restart may have put another there).
      const n = await tx.nativeUpdate(
        EmailFactor,
        { id: factor.id, status: EnrollmentStatus.PENDING, address: factor.address },
        { status: EnrollmentStatus.ACTIVE, confirmedAt },
      );
      if (n !== 1) return false;
      await this.audit.record({ ...ctx, em: tx }, AuditAction.TWO_FACTOR_ENABLED, target(account), {
        method: TwoFactorMethod.EMAIL,
        address: factor.address,
      });
      return true;
    });
    if (!confirmed) {
      return new TwoFactorFailure(ErrorCode.NOT_ENROLLING, 'This setup was restarted or ended meanwhile: start again.');
    }
    // Committed: the holder is told first, whatever happens to this request next.
    this.mail.notify(mails.methodAdded(account.email, `E-mail codes to ${factor.address}`, this.url, true));
    // The request's own copy follows the row (later steps of this request read it).
    await em.refresh(factor);
    return null;
  }

  async removeEmail(ctx: Context, account: Account): Promise<boolean> {
    const [gone] = await ctx.em.execute<{ address: string }[]>(
      `delete from email_factor where account_id = ? and status = ? returning address`,
      [account.id, EnrollmentStatus.ACTIVE],
    );
    if (gone === undefined) return false;
    // Sign-in codes already mailed die with the method (a code in a mailbox the holder gave up signs nobody in).
    await ctx.em.nativeDelete(EmailCode, { account: account.id, purpose: EmailCodePurpose.LOGIN });
    await this.methodRemoved(ctx, account, TwoFactorMethod.EMAIL, 'E-mail codes', { address: gone.address });
    return true;
  }

  // ── Recovery codes ─────────────────────────────────────────────────────────────────────────────

  private recoveryHash(accountId: string, code: string): string {
    return hmacHex(this.keys.sessionSecret, `recovery:${accountId}:${code.toUpperCase().replace(/[^A-Z0-9]/g, '')}`);
  }

  /**
   * Ten new codes (the old set stops working). Shown once: only HMACs are kept. `onlyIfNone` (a first
   * method's set-up): none, and null returned, when the account holds an unused code by the time the
   * lock is held, so two methods set up at once in two tabs do not each show a set, the first one dead.
   */
  async generateRecoveryCodes(ctx: Context, account: Account, onlyIfNone: true): Promise<string[] | null>;
  async generateRecoveryCodes(ctx: Context, account: Account, onlyIfNone?: false): Promise<string[]>;
  async generateRecoveryCodes(ctx: Context, account: Account, onlyIfNone = false): Promise<string[] | null> {
    const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => {
      const bytes = randomBytes(10);
      const chars = [...bytes].map((b) => alphabet[b % alphabet.length]).join('');
      return `${chars.slice(0, 5)}-${chars.slice(5)}`;
    });
    const made = await ctx.em.transactional(async (tx) => {
      // One new set at a time: two at once would each delete what the other had not yet written.
      await lockSecondFactors(tx, account.id, ctx);
      // Read under the lock: a removal of the last factor committed while this waited took the codes
      // with it, and a new set would back up nothing. A first set (`onlyIfNone`) is then simply not made.
      const held = await flagsIn(tx, account.id);
      if (!held || !holdsFactor(held)) {
        if (onlyIfNone) return false;
        throw appError(ErrorCode.METHOD_NOT_SET_UP, 'Set up a second factor first: recovery codes back one up.');
      }
      if (onlyIfNone && held.tf_recovery > 0) return false;
      await tx.nativeDelete(RecoveryCode, { account: account.id });
      for (const code of codes) tx.create(RecoveryCode, { account: account.id, codeHash: this.recoveryHash(account.id, code) });
      await tx.flush();
      await this.audit.record({ ...ctx, em: tx }, AuditAction.RECOVERY_CODES_GENERATED, target(account));
      return true;
    });
    // A set replacing one the holder may rely on is told (the first set, made with a first method, is not:
    // the "method added" notice covers it).
    if (made && !onlyIfNone) onCommit(ctx, () => this.mail.notify(mails.recoveryCodesGenerated(account.email, this.url)));
    return made ? codes : null;
  }

  /** A recovery code proving a re-authentication: used up and audited in one transaction. */
  private async useRecoveryCode(ctx: Context, account: Account, code: string): Promise<TwoFactorFailure | null> {
    const remaining = await inPoolTransaction(this.pool, async (client) => {
      // The account's row first, as a sign-in's statement takes it before its recovery code: two codes
      // used at once are claimed one after the other, and each counts the codes left after its own.
      await client.query({
        name: 'recovery_code_account_turn',
        text: 'select 1 from account where id = $1 for no key update',
        values: [account.id],
      });
      const { rowCount } = await client.query({
        name: 'recovery_code_use',
        text: 'update recovery_code set used_at = now() where account_id = $1 and code_hash = $2 and used_at is null',
        values: [account.id, this.recoveryHash(account.id, code)],
      });
      return { keep: true, value: rowCount === 1 ? await this.recoveryCodeClaimed(client, ctx, account, 'reauth') : null };
    });
    if (remaining === null) return wrongRecoveryCode();
    this.tellRecoveryCodeUsed(account, remaining, 'reauth');
    return null;
  }

  /** The unused recovery code of the account with this text, or null. */
  private async findRecoveryCode(account: Account, code: string): Promise<string | null> {
    const { rows } = await this.pool.query<{ id: string }>({
      name: 'recovery_code_find',
      text: 'select id from recovery_code where account_id = $1 and code_hash = $2 and used_at is null',
      values: [account.id, this.recoveryHash(account.id, code)],
    });
    return rows[0]?.id ?? null;
  }

  /**
   * A recovery code was just used up in `client`'s open transaction: audited there (no actor: the code
   * proves no one until the transaction commits), and how many are left returned.
   */
  async recoveryCodeClaimed(client: pg.ClientBase, ctx: Context, account: Account, purpose: 'login' | 'reauth'): Promise<number> {
    const { rows } = await client.query<{ n: number }>({
      name: 'recovery_code_remaining',
      text: 'select count(*)::int as n from recovery_code where account_id = $1 and used_at is null',
      values: [account.id],
    });
    const remaining = rows[0]?.n ?? 0;
    // A sign-in has proved only the password so far (no actor); a re-authentication is the signed-in holder's.
    await this.audit.recordWith(
      client,
      { viewer: purpose === 'reauth' ? asHolder(ctx, account).viewer : null, clientIp: ctx.clientIp },
      AuditAction.RECOVERY_CODE_USED,
      target(account),
      { remaining, purpose },
    );
    return remaining;
  }

  /** The holder told that a recovery code was used, and how many are left (after the use committed). */
  tellRecoveryCodeUsed(account: Account, remaining: number, purpose: 'login' | 'reauth'): void {
    this.mail.notify(mails.recoveryCodeUsed(account.email, remaining, this.url, purpose));
  }

  // ── Removal, re-authentication, reset ──────────────────────────────────────────────────────────

  /** `which`: what tells it apart in the audit log (a key's name and id: names need not differ; the e-mail address). */
  async methodRemoved(
    ctx: Context,
    account: Account,
    method: TwoFactorMethod,
    label: string,
    which: { name?: string; keyId?: string; address?: string } = {},
  ): Promise<void> {
    const { name } = which;
    await this.audit.record(ctx, AuditAction.TWO_FACTOR_DISABLED, target(account), { method, ...which });
    // With no method left, the recovery codes have nothing to back up (read through the caller's
    // EntityManager: in its transaction, the removal is visible only there).
    const [held] = await ctx.em.execute<{ n: number }[]>(
      `select (select count(*) from totp_authenticator where account_id = ? and status = 'ACTIVE')
            + (select count(*) from email_factor where account_id = ? and status = 'ACTIVE')
            + (select count(*) from webauthn_credential where account_id = ?) as n`,
      [account.id, account.id, account.id],
    );
    const last = Number(held?.n ?? 0) === 0;
    if (last) await ctx.em.nativeDelete(RecoveryCode, { account: account.id });
    // Told once the removal is committed: a removal rolled back must not be reported as done.
    const plural = method === TwoFactorMethod.EMAIL;
    onCommit(ctx, () => this.mail.notify(mails.methodRemoved(account.email, label, this.url, { name, plural, last })));
  }

  /** Sensitive changes need a re-authentication within `REAUTH_SECONDS`. API tokens cannot re-authenticate. */
  requireRecentReauth(ctx: Context): void {
    const at = ctx.viewer?.session?.reauthAt;
    if (!at || !this.withinReauthWindow(at)) {
      throw appError(
        ErrorCode.REAUTH_REQUIRED,
        'Confirm it is you first: call reauthenticate with your password (and a second factor), then retry.',
        { reauthSeconds: this.config.twoFactor.reauthSeconds },
      );
    }
  }

  /**
   * Adding a second factor in a signed-in session needs the account's credentials given within
   * `REAUTH_SECONDS`: at the sign-in that made this session, or at a re-authentication since. A session
   * taken over later (a copied cookie, an unlocked computer) cannot tie the account to the taker's
   * phone or key, which would lock its holder out at the next sign-in. An enrollment-only session was
   * made by the password a moment ago and may set up only the first factor.
   */
  requireRecentConfirmation(ctx: Context): void {
    const s = ctx.viewer?.session;
    if (s && s.stage !== SessionStage.FULL) return;
    if (s && this.withinReauthWindow(s.createdAt)) return;
    this.requireRecentReauth(ctx);
  }

  /**
   * Whether `at` (a re-authentication, a sign-in) was within the last `REAUTH_SECONDS`. A time ahead of
   * this clock by more than `CLOCK_SKEW_MS` (another instance's clock ahead, this one stepped back) is
   * not fresh: it would otherwise stay so for as long as the clocks differ.
   */
  private withinReauthWindow(at: Date): boolean {
    const elapsed = Date.now() - at.getTime();
    return elapsed >= -CLOCK_SKEW_MS && elapsed <= this.config.twoFactor.reauthSeconds * 1000;
  }

  /** Password, plus a second factor when the account has one: opens "sudo mode" for a few minutes. */
  async reauthenticate(ctx: Context, password: string, proof: SecondFactorProof | null): Promise<TwoFactorFailure | Date> {
    const viewer = ctx.viewer!;
    const session = viewer.session!;
    const account = await ctx.em.findOneOrFail(Account, { id: viewer.account.id }, { populate: ['password'] });
    const taken = await this.takeAttempt(ctx.em, account.id, ctx.clientIp);
    if (taken instanceof TwoFactorFailure) return taken;
    const ok = account.password
      ? await this.hasher.verify(account.password.hash, password)
      : await this.hasher.verifyDummy(password);
    if (!ok) {
      // A session that does not know its account's password (a stolen cookie's, say): audited, and after
      // SECOND_FACTOR_MAX_ATTEMPTS wrong ones in a row it ends, so it gets that many guesses in all, not
      // that many per window for as long as it lives. Not the account's second-step lockout: a cookie
      // alone must not be able to lock its holder out of signing in.
      await this.reauthFailed(ctx, account, { reason: 'PASSWORD' });
      const [run] = await ctx.em.execute<{ count: number }[]>(`${bumpSql('values (?, 1, now())', '?')} returning count`, [
        `${REAUTH_RUN_PREFIX}${session.id}`,
        this.config.sessionAbsoluteTimeoutSeconds,
      ]);
      if ((run?.count ?? 0) >= this.config.twoFactor.maxAttempts) {
        await ctx.em.execute(
          `update session set revoked_at = now(), revoked_reason = 'REAUTH_FAILED' where id = ? and revoked_at is null`,
          [session.id],
        );
        return new TwoFactorFailure(
          ErrorCode.UNAUTHENTICATED,
          'Too many wrong passwords in a row: this session was signed out. Sign in again.',
        );
      }
      return new TwoFactorFailure(ErrorCode.INVALID_CREDENTIALS, 'The password is incorrect.');
    }
    // The right password ends the session's run of wrong ones.
    await ctx.em.execute(`delete from failure_counter where key = ?`, [`${REAUTH_RUN_PREFIX}${session.id}`]);
    const methods = await this.loginMethods(ctx.em, account);
    await this.giveBack([taken]);
    // A factor it holds that cannot be used now, and no recovery code: never the password alone.
    if (methods.length === 0 && (await this.settings.twoFactor(ctx.em)).enabled && (await this.holdsAnyFactor(account))) {
      return new TwoFactorFailure(
        ErrorCode.SECOND_FACTOR_UNAVAILABLE,
        'Your second factor cannot be used now and no recovery code is left. Ask an administrator to reset your two-factor authentication.',
      );
    }
    if (methods.length > 0) {
      if (!proof) {
        return new TwoFactorFailure(
          ErrorCode.SECOND_FACTOR_REQUIRED,
          `A second factor is needed too: one of ${methods.join(', ')}.`,
        );
      }
      const failure = await this.verify(ctx, account, proof, session.id);
      if (failure) {
        if (!comparedNothing(failure)) await this.reauthFailed(ctx, account, { reason: 'SECOND_FACTOR', method: proof.method });
        return failure;
      }
    }
    const now = new Date();
    await ctx.em.nativeUpdate(Session, { id: session.id }, { reauthAt: now });
    session.reauthAt = now;
    return now;
  }

  /** A re-authentication refused for a wrong password or a wrong second factor: audited, with its session. */
  private async reauthFailed(ctx: Context, account: Account, details: Record<string, unknown>): Promise<void> {
    await this.audit.record(ctx, AuditAction.REAUTH_FAILED, target(account), {
      ...details,
      sessionId: ctx.viewer?.session?.id ?? null,
    });
  }

  /**
   * What a reset of the account's 2FA would remove: factors (set up, or being set up and still able to
   * be confirmed), unused recovery codes, the second-step lock (`state`: locked; a run of wrong codes
   * short of it is nothing to reset). A setup that can no longer be confirmed is nothing: an app's past
   * its expiry, an address's with no live code (its code, which confirms it, expired, was used or died
   * of wrong tries; the setup itself has no expiry). Except within a minute of it: a setup whose
   * right code is being checked (an app's read live, an address's code just used) is switched on
   * after, and a reset refused as having nothing to remove would leave it on.
   */
  async heldForReset(em: EntityManager, accountId: string): Promise<HeldForReset> {
    const [held] = await em.execute<HeldForReset[]>(
      `select (select status from totp_authenticator where account_id = ?
                  and (status = 'ACTIVE' or expires_at > now() - interval '1 minute')) as app,
              (select f.status from email_factor f where f.account_id = ?
                  and (f.status = 'ACTIVE' or exists (select 1 from email_code c where c.account_id = f.account_id and c.purpose = 'ENROLL'
                         and ((c.used_at is null and c.failures < ? and c.expires_at > now())
                              or c.used_at > now() - interval '1 minute')))) as email,
              (select count(*)::int from webauthn_credential where account_id = ?) as keys,
              (select count(*)::int from recovery_code where account_id = ? and used_at is null) as codes,
              exists (select 1 from two_factor_state where account_id = ? and locked_at is not null) as state`,
      [accountId, accountId, EMAIL_CODE_MAX_FAILURES, accountId, accountId, accountId],
    );
    return held!;
  }

  static holdsNothing(h: HeldForReset): boolean {
    return h.app === null && h.email === null && h.keys === 0 && h.codes === 0 && !h.state;
  }

  /**
   * Removes every method and code of an account, revokes its sessions and tokens, tells the holder.
   * `approval`: the second admin's approval of a reset request, claimed in the same transaction (false,
   * with nothing done, when it was claimed, withdrawn or expired meanwhile; 'RECOVERED', with the request
   * closed and nothing else done, when the account signed in or set up a factor after it was asked for). Every other open request
   * for the account is closed: a reset asked for before this one must not wipe what is set up after.
   * `onRemoved` hears what goes, as read under the account's locks (the audit entry's list).
   */
  async resetAll(
    ctx: Context,
    account: Account,
    approval?: { requestId: string; approverId: string },
    onRemoved?: (removed: HeldForReset) => void,
  ): Promise<boolean | 'NOTHING_HELD' | 'RECOVERED'> {
    // Who is told, once the reset commits, that a request of it waiting for approval closed.
    const toldOfClose: string[] = [];
    const done = await ctx.em.transactional(async (tx): Promise<boolean | 'NOTHING_HELD' | 'RECOVERED'> => {
      const id = account.id;
      // No factor written meanwhile survives the reset (see lockSecondFactors).
      await lockSecondFactors(tx, id);
      if (approval) {
        // The account's turn and row before the request's: disabling or deleting an admin takes the
        // admins' rows (the target's among them) and then their requests' rows.
        await tx.execute(ACCOUNT_TURN_SQL, [id]);
        await tx.execute(`select 1 from account where id = ? for no key update`, [id]);
        // The request's row next, on its own: a change to it committed meanwhile (closed by its
        // requester's disabling, gone with its deletion) is waited for and seen, and the statement
        // below then reads everything as it stands after that (a statement that waited for a row
        // inside a single statement would decide on what it read before the wait).
        // Against the clock as it is now, not this transaction's start: a request closed (withdrawn,
        // replaced) by a transaction that began after this one stamps a time after that start.
        const [open] = await tx.execute<{ id: string }[]>(
          `select id from two_factor_reset_request
            where id = ? and target_id = ? and approved_at is null and expires_at > clock_timestamp() for update`,
          [approval.requestId, id],
        );
        if (open === undefined) return false;
        // Only while its requester and its approver still stand behind it, as read now (after the lock):
        // disabled or demoted while this approval waited, it is refused as it would have been before.
        // And only while the account is still locked out: signed in or set up anew since it was asked
        // for, it is closed instead (that commits; the caller says why).
        const [claimed] = await tx.execute<{ stands: boolean; approver_stands: boolean; recovered: boolean }[]>(
          `with req as (
             select r.id, exists (select 1 from account a where a.id = r.requested_by_id and a.disabled_at is null and a.role = ?) as stands,
                    exists (select 1 from account b where b.id = ? and b.disabled_at is null and b.role = ?) as approver_stands,
                    ${recoveredSinceSql('r.target_id', 'r.created_at')} as recovered
               from two_factor_reset_request r
              where r.id = ? and r.target_id = ? and r.approved_at is null and r.expires_at > clock_timestamp()),
           claimed as (
             update two_factor_reset_request set approved_at = now(), approved_by_id = ?
              where id = (select id from req where stands and approver_stands and not recovered) returning id),
           closed as (
             update two_factor_reset_request set expires_at = now()
              where id = (select id from req where stands and approver_stands and recovered) returning id)
           select stands, approver_stands, recovered from req`,
          [Role.ADMIN, approval.approverId, Role.ADMIN, approval.requestId, id, approval.approverId],
        );
        if (claimed === undefined) return false;
        if (!claimed.stands) throw requesterGone();
        if (!claimed.approver_stands) throw approverGone();
        if (claimed.recovered) {
          await this.audit.record({ ...ctx, em: tx }, AuditAction.TWO_FACTOR_RESET_REQUEST_CLOSED, target(account), {
            requestId: approval.requestId,
            reason: 'RECOVERED',
          });
          return 'RECOVERED';
        }
      }
      // An account with nothing to reset is left alone: not signed out, its API tokens kept, nobody
      // e-mailed. A request to reset it (its factors removed since it was made) has nothing left to
      // approve: closed, not approved.
      if (TwoFactorService.holdsNothing(await this.heldForReset(tx, id))) {
        if (approval) {
          await tx.execute(
            `update two_factor_reset_request set approved_at = null, approved_by_id = null, expires_at = now() where id = ?`,
            [approval.requestId],
          );
          await this.audit.record({ ...ctx, em: tx }, AuditAction.TWO_FACTOR_RESET_REQUEST_CLOSED, target(account), {
            requestId: approval.requestId,
            reason: 'NOTHING_HELD',
          });
        }
        return 'NOTHING_HELD';
      }
      // (Once approved:) the account's pending sign-ins end (they have no session rows to revoke). Its row is taken
      // first, as a sign-in's statement takes it before a recovery code, and after the account's turn
      // at its app codes, which a sign-in holds with its app's row while it waits for the account row.
      await tx.execute(ACCOUNT_TURN_SQL, [id]);
      // Nothing is left to guess at: the wrong codes tried for the lost factor must not hold up setting up
      // a new one (unlike an unlock, which keeps the budget so as not to give a fresh round of guesses).
      // Taken here, holding the account's turn and before its row: budget rows are only ever locked
      // before a turn by single statements that wait for nothing else.
      await tx.execute(`delete from failure_counter where key = ?`, [`${ACCOUNT_BUDGET_PREFIX}${id}`]);
      await SessionService.endPendingSignIns(tx, id);
      // What goes, read again now that the account's row is held (a sign-in's recovery code, or a set-up
      // begun, since the first read): for the audit entry.
      const removed = await this.heldForReset(tx, id);
      onRemoved?.(removed);
      // A request still waiting for a second admin has nothing left to approve: closed, audited, and
      // (once this commits) told to its requester and the admins asked to approve it. Against the
      // clock as it is now, not this transaction's start: one withdrawn or replaced while this reset
      // waited for the account stamps a later time, and is closed already.
      const closedRequests = await tx.execute<RequestClosed[]>(
        `update two_factor_reset_request set expires_at = clock_timestamp()
          where target_id = ? and approved_at is null and expires_at > clock_timestamp()
          returning id, requested_by_id, created_at`,
        [id],
      );
      for (const r of closedRequests) {
        await this.audit.record({ ...ctx, em: tx }, AuditAction.TWO_FACTOR_RESET_REQUEST_CLOSED, target(account), {
          requestId: r.id,
          reason: 'RESET',
        });
        const { requester, asked } = await this.toldOfClosedRequest(tx, id, r, ctx.viewer?.account.id ?? null);
        toldOfClose.push(...(requester ? [requester.email] : []), ...asked.map((a) => a.email));
      }
      await tx.nativeDelete(TotpAuthenticator, { account: id });
      await tx.nativeDelete(EmailFactor, { account: id });
      await tx.nativeDelete(EmailCode, { account: id });
      await tx.nativeDelete(WebauthnCredential, { account: id });
      await tx.nativeDelete(RecoveryCode, { account: id });
      await tx.nativeDelete(TwoFactorState, { account: id });
      const now = new Date();
      const expiredBefore = new Date(now.getTime() - REVOKE_EXPIRED_MARGIN_MS);
      // Those that could still be used (as `SessionService.revokeAllForAccount`).
      await tx.nativeUpdate(
        Session,
        { account: id, revokedAt: null, expiresAt: { $gt: expiredBefore } },
        { revokedAt: now, revokedReason: '2FA_RESET' },
      );
      await tx.execute(`update api_token set revoked_at = now() where account_id = ? and revoked_at is null`, [id]);
      await this.audit.record({ ...ctx, em: tx }, AuditAction.TWO_FACTOR_RESET, target(account), {
        ...(approval ? { requestId: approval.requestId } : {}),
        // What went (the holder's e-mail does not list it).
        removed: {
          app: removed.app,
          email: removed.email,
          keys: removed.keys,
          recoveryCodes: removed.codes,
          locked: removed.state,
        },
      });
      return true;
    });
    if (done === true) {
      // Inside a caller's transaction (the CLI's), told once that commits.
      const by = ctx.viewer?.account.email ?? null;
      onCommit(ctx, () => {
        this.mail.notify(mails.twoFactorReset(account.email, this.url));
        for (const to of new Set(toldOfClose)) {
          this.mail.notify(mails.twoFactorResetRequestClosedByReset(to, account.email, by, approval !== undefined));
        }
      });
    }
    return done;
  }

  /**
   * Who is told that a waiting reset request of `targetId` closed: its requester (unless it closed it
   * itself: `actorId`), and the admins who were asked to approve it (enabled admins who had been ones
   * for a day when it was asked for; not the target, the requester or the actor).
   */
  private async toldOfClosedRequest(
    tx: EntityManager,
    targetId: string,
    row: RequestClosed,
    actorId: string | null,
  ): Promise<{ requester: Account | null; asked: Account[] }> {
    const requester = row.requested_by_id === actorId ? null : await tx.findOne(Account, { id: row.requested_by_id });
    const asked = await tx.find(Account, {
      role: Role.ADMIN,
      disabledAt: null,
      id: { $nin: [targetId, row.requested_by_id, ...(actorId ? [actorId] : [])] },
      createdAt: { $lte: new Date(new Date(row.created_at).getTime() - APPROVER_MIN_AGE_MS) },
    });
    return { requester, asked };
  }

  /**
   * Withdraws a waiting reset request (a mistaken one, or one the holder objects to): closed, audited
   * with its reason, and, once that commits, e-mailed to the target, to the requester when another admin
   * withdrew it, and to the admins who were asked to approve it (enabled admins who had been ones for a
   * day when it was asked for), so that none of them still acts on it. Not to the withdrawer, who knows.
   * False when it no longer waits (approved, lapsed, closed, or withdrawn by another at the same
   * moment): nothing written.
   */
  async withdrawReset(ctx: Context, requestId: string): Promise<boolean> {
    const me = ctx.viewer!.account;
    const closed = await ctx.em.transactional(async (tx) => {
      const [row] = await tx.execute<(RequestClosed & { target_id: string })[]>(
        `update two_factor_reset_request set expires_at = clock_timestamp()
          where id = ? and approved_at is null and expires_at > clock_timestamp()
          returning id, target_id, requested_by_id, created_at`,
        [requestId],
      );
      if (!row) return null;
      const account = await tx.findOneOrFail(Account, { id: row.target_id });
      await this.audit.record({ ...ctx, em: tx }, AuditAction.TWO_FACTOR_RESET_REQUEST_CLOSED, target(account), {
        requestId,
        reason: 'WITHDRAWN',
      });
      return { account, ...(await this.toldOfClosedRequest(tx, row.target_id, row, me.id)) };
    });
    if (!closed) return false;
    const { account, requester, asked } = closed;
    this.mail.notify(mails.twoFactorResetWithdrawn(account.email, me.email));
    if (requester) this.mail.notify(mails.twoFactorResetRequestWithdrawn(requester.email, account.email, me.email, true));
    for (const a of asked) this.mail.notify(mails.twoFactorResetRequestWithdrawn(a.email, account.email, me.email, false));
    return true;
  }

  /**
   * Closes for good the resets of admins' 2FA that `requester` asked for and that still wait for a
   * second admin, as `requester` is disabled, treated as compromised, or deleted (in `ctx.em`'s
   * transaction, holding its row): its sessions may have been taken over, and enabling it again (after
   * a new password, say) must not bring back what was asked for from there. Not from a session of an
   * account whose own reset waits on one of them (that session may be the one the reset is against,
   * and may not withdraw it either): FORBIDDEN, reason RESET_TARGET; another admin may. Each closure is
   * audited; `tell`, once the transaction commits, e-mails each target and the admins who were asked to
   * approve it (not `requester`).
   */
  async closeRequestsBy(ctx: Context, requester: Account, why: RequesterGoneWhy): Promise<{ closed: number; tell: () => void }> {
    // Only admins ask for resets: nothing to close, nor to read, for another account.
    if (requester.role !== Role.ADMIN) return { closed: 0, tell: () => undefined };
    const tx = ctx.em;
    const me = ctx.viewer!.account;
    const rows = await tx.execute<(RequestClosed & { target_id: string })[]>(
      `update two_factor_reset_request set expires_at = clock_timestamp()
        where requested_by_id = ? and approved_at is null and expires_at > clock_timestamp()
        returning id, target_id, requested_by_id, created_at`,
      [requester.id],
    );
    if (rows.some((r) => r.target_id === me.id)) {
      const act = { DISABLED: 'disable them', COMPROMISED: 'treat them as compromised', DELETED: 'delete them' }[why];
      throw appError(
        ErrorCode.FORBIDDEN,
        `This admin asked for a reset of your own two-factor authentication, which waits for approval: another admin may ${act}.`,
        { reason: 'RESET_TARGET' },
      );
    }
    const told: (() => void)[] = [];
    for (const r of rows) {
      const account = await tx.findOneOrFail(Account, { id: r.target_id });
      await this.audit.record(ctx, AuditAction.TWO_FACTOR_RESET_REQUEST_CLOSED, target(account), {
        requestId: r.id,
        reason: `REQUESTER_${why}`,
      });
      // Its requester is the account acted on, and the admin acting knows: neither is told by this.
      const { asked } = await this.toldOfClosedRequest(tx, r.target_id, r, requester.id);
      told.push(() => {
        for (const to of [account.email, ...asked.filter((a) => a.id !== me.id).map((a) => a.email)]) {
          this.mail.notify(mails.twoFactorResetRequestClosedByRequesterGone(to, account.email, requester.email, me.email, why));
        }
      });
    }
    return { closed: rows.length, tell: () => told.forEach((t) => t()) };
  }

  /**
   * Tells the admins who could approve a reset of `account`'s 2FA (not the requester, not the target)
   * that one waits, and the target, who is the one best placed to object.
   */
  askForApproval(approvers: Account[], account: Account, requestedBy: Account, expiresAt: Date): void {
    const link = new URL('/security/two-factor', this.url).toString();
    this.mail.notify(mails.twoFactorResetRequestedForYou(account.email, requestedBy.email, expiresAt));
    for (const a of approvers) {
      this.mail.notify(mails.twoFactorResetRequested(a.email, account.email, requestedBy.email, expiresAt, link));
    }
  }

  async settingsFor(em: EntityManager): Promise<TwoFactorSettings> {
    return this.settings.twoFactor(em);
  }

  /** Session stage after a correct password. */
  async stageAfterPassword(
    em: EntityManager,
    account: Account,
    flags?: MethodFlags,
    /** As read with the account's row (`TWO_FACTOR_SETTINGS_SQL`): a policy switched on before the row was read holds. */
    settings?: TwoFactorSettings,
  ): Promise<{ stage: SessionStage; methods: TwoFactorMethod[]; enrollable: TwoFactorMethod[] }> {
    const s = settings ?? (await this.settings.twoFactor(em));
    if (s.enabled) {
      // Flags read before the password was hashed are trusted only when they name a factor: one
      // switched on meanwhile must not be skipped, so "none" is asked again.
      const f = flags !== undefined && holdsFactor(flags) ? flags : await this.readFlags(account);
      const methods = f ? methodsFrom(f, emailAllowedUnder(s, account)) : [];
      if (methods.length > 0) return { stage: SessionStage.PENDING_SECOND_FACTOR, methods, enrollable: [] };
      // It holds a factor that cannot be used now (a security key flagged as a possible clone, e-mail
      // codes while they are off for staff) and has no recovery code left: the second step is owed
      // and nothing can give it. Not a full session, nor an enrollment anyone with the password could
      // make: an admin resets its second factors (lost-device flow).
      if (f && holdsFactor(f)) return { stage: SessionStage.PENDING_SECOND_FACTOR, methods: [], enrollable: [] };
    }
    if (await this.policyRequires(em, account, s)) {
      return { stage: SessionStage.ENROLLMENT_REQUIRED, methods: [], enrollable: await this.enrollableMethods(em, account, s) };
    }
    return { stage: SessionStage.FULL, methods: [], enrollable: [] };
  }
}

/** An approval of a reset request whose requester no longer stands behind it (disabled, or no longer an admin). */
/** A reset asked of an account that holds no factor, unused recovery code or second-step lock. */
export const nothingToReset = () =>
  appError(
    ErrorCode.METHOD_NOT_SET_UP,
    'This account has no second factor, recovery code or second-step lock: there is nothing to reset.',
  );

export const requesterGone = () =>
  appError(ErrorCode.CONFLICT, 'The admin who asked for this reset can no longer ask for it. Ask for it again.', {
    reason: 'REQUESTER_GONE',
  });

/** An approval whose approver was disabled (or deleted) while it waited. */
export const approverGone = () =>
  appError(ErrorCode.FORBIDDEN, 'Only an enabled admin can approve a reset: yours was disabled meanwhile.', {
    reason: 'APPROVER_DISABLED',
  });

/** An approval of a reset whose account showed, after it was asked for, that it is not locked out. */
export const targetRecovered = () =>
  appError(
    ErrorCode.CONFLICT,
    'The account signed in, or set up a method or new recovery codes, after this reset was asked for: it is not locked out, and the request was closed. Ask for a reset again if one is still needed.',
    { reason: 'TARGET_RECOVERED' },
  );

/** `recoveredSinceSql` for one account and time. */
export async function recoveredSince(em: EntityManager, accountId: string, since: Date): Promise<boolean> {
  const [row] = await em.execute<{ recovered: boolean }[]>(
    `select ${recoveredSinceSql('x.account', 'x.since')} as recovered from (select ?::uuid as account, ?::timestamptz as since) x`,
    [accountId, since],
  );
  return row?.recovered === true;
}

/**
 * Whether the account showed after `since` that it is not locked out: it finished a sign-in (with its
 * second factor, as an account holding one must), or switched on a method or a set of recovery codes.
 * A reset asked for before that would wipe what it uses now. `account` and `since` are SQL expressions.
 */
export const recoveredSinceSql = (account: string, since: string) => `(
  exists (select 1 from account where id = ${account} and last_login_at > ${since})
  or exists (select 1 from totp_authenticator where account_id = ${account} and status = 'ACTIVE' and confirmed_at > ${since})
  or exists (select 1 from email_factor where account_id = ${account} and status = 'ACTIVE' and confirmed_at > ${since})
  or exists (select 1 from webauthn_credential where account_id = ${account} and created_at > ${since})
  or exists (select 1 from recovery_code where account_id = ${account} and created_at > ${since}))`;

export const target = (account: Account) => ({ type: 'Account', id: account.id, label: account.email });

/**
 * The context for an audit entry about `account` made by whoever sent the request: its actor only when
 * that is the account itself, signed in fully. A sign-in may carry another account's session cookie,
 * and a pending sign-in proves only the password, which an intruder may hold: no actor then.
 */
export function asHolder(ctx: Context, account: Account): Pick<Context, 'em' | 'viewer' | 'clientIp'> {
  const holder = ctx.viewer?.account.id === account.id && ctx.viewer.principal.stage === SessionStage.FULL;
  return { em: ctx.em, clientIp: ctx.clientIp, viewer: holder ? ctx.viewer : null };
}
