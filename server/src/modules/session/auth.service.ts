import type { EntityManager } from '@mikro-orm/postgresql';
import { setTimeout as sleep } from 'node:timers/promises';
import { mails } from '../mail/templates.js';
import type { Config } from '../../config.js';
import type { Context } from '../../context.js';
import type { Account } from '../account/account.entity.js';
import { normalizeEmail } from '../account/account.service.js';
import type { PasswordHasher } from '../account/password.js';
import { LoginOutcome } from '../login-event/login-event.entity.js';
import type { LoginAttempt, LoginEventService, PreparedLoginEvent } from '../login-event/login-event.service.js';
import { ACCOUNT_COLUMNS, mapAccount, type FullStart, type RawRow, type SessionService } from './session.service.js';
import type { GeoInfo, GeoService } from '../geo/geo.service.js';
import { AuditAction } from '../audit/audit.entity.js';
import type { AuditService } from '../audit/audit.service.js';
import type { AdminAccessService } from '../admin-access/admin-access.service.js';
import { Role } from '../../common/auth/roles.js';
import { ErrorCode } from '../../common/errors/codes.js';
import { DecisionReason, SITE_THRESHOLD_FACTOR, type ProtectionService } from '../ip-block/protection.service.js';
import {
  comparedNothing,
  methodFlagsSql,
  TwoFactorFailure,
  wrongRecoveryCode,
  type MethodFlags,
  type SecondFactorProof,
  type TotpDecider,
  type TotpRead,
  totpReadSql,
  type TwoFactorService,
} from '../two-factor/two-factor.service.js';
import { TwoFactorMethod } from '../two-factor/two-factor.entity.js';
import { type Session, SessionStage } from './session.entity.js';
import { HashAdmission } from './hash-admission.js';
import { OncePer } from '../../common/once-per.js';
import { liveCountSql } from '../../db/failure-counter.js';
import { TWO_FACTOR_SETTINGS_SQL, type SettingsService, type TwoFactorSettings } from '../settings/settings.service.js';

export type LoginOutcomeResult =
  | {
      ok: true;
      account: Account;
      stage: SessionStage;
      methods: TwoFactorMethod[];
      enrollable: TwoFactorMethod[];
      expiresAt: Date;
    }
  | { ok: false; blockedUntil?: Date | null; secondFactor?: TwoFactorFailure; paused?: true };

/**
 * The sign-in's one read before the hash: the account, its password hash, its second-factor flags,
 * the password guard's counts, and, when an app code came with the password ($7), what the code is
 * checked against (`totpReadSql`; $5 network budget key, $6 window seconds, $8 site budget key), so that the second step
 * reads nothing more.
 */
export const LOGIN_ACCOUNT_SQL = `
  select ${ACCOUNT_COLUMNS}, p.hash as password_hash, ${methodFlagsSql('a.id')},
         exists(select 1 from failure_counter where key = $2) as failures_counted,
         (${liveCountSql('$3', '$4')}) as name_failures,
         tf.totp_id, tf.totp_sealed, tf.locked_at as tf_locked_at, tf.acct_count as tf_acct_count,
         tf.acct_start as tf_acct_start, tf.net_count as tf_net_count, tf.net_start as tf_net_start,
         tf.site_count as tf_site_count, tf.site_start as tf_site_start,
         ${TWO_FACTOR_SETTINGS_SQL} as two_factor_settings
    from account a left join account_password p on p.account_id = a.id
    left join lateral (${totpReadSql('a.id', '$5::text', '$8::text', '$6::int', '$7::boolean')}) tf on true
   where a.email = $1`;

export class AuthService {
  constructor(
    private readonly config: Config,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionService,
    private readonly loginEvents: LoginEventService,
    private readonly protection: ProtectionService,
    private readonly geo: GeoService,
    private readonly audit: AuditService,
    private readonly adminAccess: AdminAccessService,
    private readonly twoFactor: TwoFactorService,
    private readonly settings: SettingsService,
  ) {
    this.admission = new HashAdmission(config.passwordHashesPerSource, config.passwordHashesPerAccount, SITE_THRESHOLD_FACTOR);
  }

  /**
   * A sign-in refused as blocked is recorded for the first of each source's block in a minute: a
   * blocked source sending requests in a loop writes no row per request (each would cost an insert,
   * and a year of keeping); the login history still shows that it tried, and when.
   */
  private readonly refusalsRecorded = new OncePer(60_000);

  /** Whether a refusal of this source as blocked (until `until`) is the first of its block in a minute: recorded then. */
  private firstBlockedRefusal(ip: string, until: Date | null | undefined): boolean {
    return this.refusalsRecorded.take(`${this.protection.sourcePrefix(ip)}|${until?.getTime() ?? 'none'}`);
  }

  /** Places in line for the hashing threads, per source and per account (see HashAdmission). */
  readonly admission: HashAdmission;

  /**
   * Password sign-in. An unknown account, a wrong password and a disabled account all cost one argon2
   * verification and answer the same, and every refusal is padded to a minimum duration so that its
   * timing tells nothing either. A right password answers as soon as it is done: its answer already
   * says so, and padding it would only slow people down and cap how many can sign in at once.
   * Success rotates the session: the token the browser had (if any) dies and a fresh one is issued.
   *
   * `proof` (an app or recovery code sent with the password) finishes the second step in the same
   * request: a full session or a second-factor failure, never a pending sign-in. The same rules hold
   * as in `verifySecondFactor` (attempt limits, replay guard); it is ignored when no second step is owed.
   */
  async login(
    ctx: Context,
    emailInput: string,
    password: string,
    proof?: SecondFactorProof | null,
    /** Decided again after its sessions were ended while it ran (see below): not a second time. */
    retried = false,
  ): Promise<LoginOutcomeResult> {
    const started = Date.now();
    const { em } = ctx;
    const email = normalizeEmail(emailInput);
    // Before the account is read: a pending session is remembered with that row only if no auth change came since.
    const generation = this.sessions.cache.generation;
    // One statement: the account, its password hash and which second factors it has.
    const {
      rows: [row],
    } = await this.sessions.pool.query<RawRow>({
      name: 'login_account',
      text: LOGIN_ACCOUNT_SQL,
      values: [
        email,
        this.protection.accountFailureKey(ctx.clientIp, email),
        this.protection.nameFailureKey(email),
        this.config.passwordGuard.windowSeconds,
        this.twoFactor.networkBudgetKey(ctx.clientIp),
        this.config.twoFactor.attemptWindowSeconds,
        // Also without a code: a pending second step keeps it for the app code that comes next.
        !proof || proof.method === TwoFactorMethod.TOTP,
        this.twoFactor.siteBudgetKey(ctx.clientIp),
      ],
    });
    const account = row ? mapAccount(em, row) : null;
    const hash = (row?.['password_hash'] as string | null | undefined) ?? null;
    const geo = await this.geo.lookup(em, ctx.clientIp);
    const event = { account, attemptedName: email, ip: ctx.clientIp, userAgent: ctx.userAgent, service: 'panel', geo };

    // A blocked source is refused before any password is hashed (staff on their own access list
    // aside, each held to its own threshold there: see `listedStaffPasses`).
    const decision = await this.protection.decide(em, ctx.clientIp, account);
    const blocked = !decision.allowed && decision.reason === DecisionReason.IP_BLOCKED;
    let passedBlock = blocked && (await this.listedStaffPasses(ctx, account, email));
    let passedUntil = decision.until;
    if (blocked && !passedBlock) {
      if (this.firstBlockedRefusal(ctx.clientIp, decision.until)) {
        await this.loginEvents.record(em, { ...event, outcome: LoginOutcome.BLOCKED });
      }
      await this.padTo(started);
      return { ok: false, blockedUntil: decision.until };
    }

    // The password guard: after many wrong passwords for this name from everywhere together, only
    // trusted addresses and addresses its account signed in from before are heard, unhashed elsewhere.
    // A name without an account has a count too, and no address it signed in from: answered alike.
    const guard = this.config.passwordGuard;
    const nameFailures =
      guard.failures === 0
        ? 0
        : row
          ? Number(row['name_failures'] ?? 0)
          : await this.protection.nameFailures(email, guard.windowSeconds);
    if (
      nameFailures >= guard.failures &&
      guard.failures > 0 &&
      !decision.trusted &&
      !(await this.knownPlace(account, ctx.clientIp))
    ) {
      if (this.refusalsRecorded.take(`paused|${email}|${this.protection.sourcePrefix(ctx.clientIp)}`)) {
        await this.loginEvents.record(em, { ...event, outcome: LoginOutcome.BLOCKED });
      }
      // Unhashed, yet not free: it counts toward its source's threshold, so a loop of them gets the source blocked.
      await this.protection.recordFailure(em, { ip: ctx.clientIp, accountName: email, sourceOnly: true });
      await this.padTo(started);
      return { ok: false, paused: true };
    }

    // A place in line for the hashing threads, within this source's and this account's share.
    const release = this.admission.enter(
      decision.trusted
        ? null
        : { source: this.protection.sourcePrefix(ctx.clientIp), site: this.protection.sitePrefix(ctx.clientIp) },
      email,
    );
    let passwordOk: boolean;
    try {
      passwordOk = hash !== null ? await this.hasher.verify(hash, password) : await this.hasher.verifyDummy(password);
    } finally {
      release();
    }
    // Every guess of a burst passed the check above before any of them was counted. Asked again now
    // (from memory, unless a write to the ranges is unconfirmed), the first ones counted may have blocked the source meanwhile; the
    // later ones are then refused as blocked, a right password too, so a burst is worth no more guesses
    // than the threshold plus the hashes in flight.
    if (!decision.trusted) {
      // The failures of this source being counted now (the burst's guesses answered before this one) first.
      await this.protection.failuresSettled(ctx.clientIp);
      const after = await this.protection.decide(em, ctx.clientIp, account);
      const blockedNow = !after.allowed && after.reason === DecisionReason.IP_BLOCKED;
      passedBlock = blockedNow && (await this.listedStaffPasses(ctx, account, email));
      passedUntil = after.until;
      if (blockedNow && !passedBlock) {
        await this.loginEvents.record(em, { ...event, outcome: LoginOutcome.BLOCKED });
        await this.padTo(started);
        return { ok: false, blockedUntil: after.until };
      }
    }

    let outcome: LoginOutcome;
    if (!passwordOk || account === null) outcome = LoginOutcome.INVALID_CREDENTIALS;
    else if (account.disabledAt !== null) outcome = LoginOutcome.ACCOUNT_DISABLED;
    // API-only sub-admins authenticate with tokens, never through the dashboard.
    else if (account.apiOnly) outcome = LoginOutcome.INVALID_CREDENTIALS;
    // Staff restricted to an access list sign in only from it. From elsewhere the right password is
    // answered, padded and counted as a wrong one (an answer of its own would confirm the password to
    // whoever tried it); the holder is e-mailed instead, since someone else may know their password.
    else if (
      account.ipRestricted &&
      account.role !== Role.USER &&
      !(await this.adminAccess.ipAllowed(account.id, ctx.clientIp))
    ) {
      outcome = LoginOutcome.IP_NOT_ALLOWED;
    } else outcome = LoginOutcome.SUCCESS;

    // A right password with a second step owed is not yet a successful login.
    const next =
      outcome === LoginOutcome.SUCCESS && account !== null
        ? await this.twoFactor.stageAfterPassword(
            em,
            account,
            row as MethodFlags,
            // Read with the account's row: a policy switched on before it was read holds for it, and one
            // switched on since moved its session epoch, which the session's start checks (then decided again).
            this.settings.twoFactorFrom(row!['two_factor_settings'] as Partial<TwoFactorSettings> | null),
          )
        : null;
    // A second step owed that no method of the account can give now (see `stageAfterPassword`).
    const unavailable = next?.stage === SessionStage.PENDING_SECOND_FACTOR && next.methods.length === 0;
    // A code sent with the password: checked now (null = accepted). An app code is decided by the
    // statement that also starts the session and records the login (`finishOnCode`).
    const checking = !unavailable && next?.stage === SessionStage.PENDING_SECOND_FACTOR && proof && account !== null;
    const finish =
      checking && proof.method === TwoFactorMethod.TOTP
        ? await this.finishOnCode(ctx, account, undefined, row!['password_version'] as number, decision.trusted, geo, {
            // The epoch read with the row: sessions ended meanwhile (all of them revoked, a policy) end this one too.
            epoch: row!['session_epoch'] as number,
          })
        : undefined;
    const checked = checking
      ? await this.twoFactor.verifyForSignIn(
          ctx,
          account,
          proof,
          null,
          proof.method === TwoFactorMethod.TOTP ? totpReadOf(row!) : undefined,
          finish?.decide,
        )
      : undefined;
    let secondFactor = unavailable
      ? new TwoFactorFailure(
          ErrorCode.SECOND_FACTOR_UNAVAILABLE,
          'Your second factor cannot be used and no recovery code is left. Ask an administrator to reset your two-factor authentication.',
        )
      : checked === undefined || checked instanceof TwoFactorFailure
        ? checked
        : null;
    let recorded: LoginOutcome = outcome;
    if (next && next.stage !== SessionStage.FULL) {
      if (secondFactor === undefined || unavailable) recorded = LoginOutcome.SECOND_FACTOR_REQUIRED;
      else recorded = secondFactor === null ? LoginOutcome.SUCCESS : LoginOutcome.SECOND_FACTOR_FAILED;
    }
    let result: LoginOutcomeResult = { ok: false };
    let eventRecorded = false;
    if (secondFactor) {
      result = { ok: false, secondFactor };
    } else if (next && account !== null) {
      if (next.stage === SessionStage.FULL || secondFactor === null) {
        // Null only when the account was disabled, or its password changed or replaced by a forced
        // reset, since its row was read: refused, and recorded as refused (not as a success).
        const recoveryCodeId = checked && !(checked instanceof TwoFactorFailure) ? checked.recoveryCodeId : null;
        const expiresAt = await this.startFullSession(
          ctx,
          account,
          undefined,
          secondFactor === null,
          recoveryCodeId,
          row!['password_version'] as number,
          // The epoch read with the row: a policy that ended the account's sessions meanwhile ends this one too.
          finish?.write() ?? {
            event: await this.successEvent(ctx, account, decision.trusted, geo),
            epoch: row!['session_epoch'] as number,
          },
        );
        if (expiresAt instanceof Date) {
          // Recorded with the session, in its statement.
          eventRecorded = true;
          result = { ok: true, account, stage: SessionStage.FULL, methods: [], enrollable: [], expiresAt };
        } else if (expiresAt === 'RECOVERY_CODE_USED') {
          // The recovery code was used by a concurrent request meanwhile.
          secondFactor = wrongRecoveryCode();
          result = { ok: false, secondFactor };
          recorded = LoginOutcome.SECOND_FACTOR_FAILED;
        } else {
          // Refused: the account was disabled, or its password changed or reset, since its row was read;
          // or only its sessions were ended meanwhile (a policy that now requires an enrollment of it):
          // then the sign-in is decided again, once, on the account as it is now.
          const now = await this.standingNow(account.id, row!['password_version'] as number);
          // (Not after an app code: its statement used the code up, and it would come back as a replay.)
          if (now === 'same' && !retried && finish === undefined) {
            // (Its entity as read then would be reused: mapped afresh from the row read now.)
            em.getUnitOfWork().unsetIdentity(account);
            return this.login(ctx, emailInput, password, proof, true);
          }
          if (now === 'same' && finish !== undefined) {
            // Its password and app code were right, and used up by a statement that found the account's
            // sessions all ended meanwhile: told to sign in again (with the next code), recorded as a
            // right password whose second step did not finish, and not counted as a wrong password.
            secondFactor = new TwoFactorFailure(
              ErrorCode.UNAUTHENTICATED,
              'Your sessions were ended while you were signing in (by an administrator, or from another device). Sign in again with the next code.',
            );
            result = { ok: false, secondFactor };
            recorded = LoginOutcome.SECOND_FACTOR_REQUIRED;
          } else recorded = now === 'disabled' ? LoginOutcome.ACCOUNT_DISABLED : LoginOutcome.INVALID_CREDENTIALS;
        }
      } else if (next.stage === SessionStage.PENDING_SECOND_FACTOR) {
        // A short-lived sealed token that can only finish the second step: nothing of it is stored, and
        // the sign-in is recorded with others that come in the same few milliseconds (`recordBatched`).
        // Nothing is read after the hash: an account disabled (or its sessions all ended) while the
        // password was hashed gets a token that is dead already (its epoch is behind: `liveSealedRow`,
        // `startFull`), but is answered this, not a wrong password's answer, and recorded as such. A read
        // to tell would cost every two-step sign-in a round trip, for a window as long as the hash.
        const ttl = this.config.twoFactor.pendingSessionSeconds;
        const pending = this.sessions.issuePending(
          { ip: ctx.clientIp, ttlSeconds: ttl },
          { row: row!, generation },
          totpReadOf(row!),
        );
        await this.loginEvents.recordBatched(
          await this.loginEvents.prepare(em, { ...event, outcome: recorded, trusted: decision.trusted }),
        );
        eventRecorded = true;
        ctx.cookies.set(pending.token);
        result = { ok: true, account, ...next, expiresAt: pending.session.expiresAt };
      } else {
        // A short-lived session that can only enroll a method (a policy requires one).
        const ttl = this.config.twoFactor.pendingSessionSeconds;
        // Started only while the account is as its row was read (the password version and session
        // epoch read with the hash, not disabled, no forced reset), as a full session is.
        const pending = await this.sessions.createPending(
          account,
          { passwordVersion: row!['password_version'] as number, sessionEpoch: row!['session_epoch'] as number },
          { ip: ctx.clientIp, userAgent: ctx.userAgent, stage: next.stage, ttlSeconds: ttl },
          // Recorded with the pending session, in its statement.
          await this.loginEvents.prepare(em, { ...event, outcome: recorded, trusted: decision.trusted }),
          { row: row!, generation },
        );
        if (pending) {
          eventRecorded = true;
          ctx.cookies.set(pending.token);
          result = { ok: true, account, ...next, expiresAt: pending.session.expiresAt };
        } else {
          // Refused as a full session is (above): disabled, or its password changed or reset, since this
          // sign-in read it: answered like a wrong password. Only its sessions ended meanwhile (an
          // admin's revocation, a 2FA reset): decided again, once, on the account as it is now.
          const now = await this.standingNow(account.id, row!['password_version'] as number);
          if (now === 'same' && !retried) {
            em.getUnitOfWork().unsetIdentity(account);
            return this.login(ctx, emailInput, password, proof, true);
          }
          recorded = now === 'disabled' ? LoginOutcome.ACCOUNT_DISABLED : LoginOutcome.INVALID_CREDENTIALS;
        }
      }
      // The session the browser had dies once its replacement exists (and only then): a stored one is
      // revoked, a sealed pending sign-in cancelled (the new one, pending too, goes on).
      if (result.ok) await this.sessions.revokeToken(ctx.cookies.presentedToken, 'ROTATED', ctx.clientIp);
    }
    if (!eventRecorded) await this.loginEvents.record(em, { ...event, outcome: recorded, trusted: decision.trusted });
    // A disabled account's right password counts like a wrong one: were it not counted, whether the
    // next guess from this source gets blocked would tell which candidate was right.
    if (
      (recorded === LoginOutcome.INVALID_CREDENTIALS ||
        recorded === LoginOutcome.ACCOUNT_DISABLED ||
        recorded === LoginOutcome.IP_NOT_ALLOWED) &&
      !decision.trusted
    ) {
      await this.protection.recordFailure(em, {
        ip: ctx.clientIp,
        accountName: email,
        secretFingerprint: password,
        repeatsCountForSource: true,
        staffPassedBlock: passedBlock,
        nameGuard:
          guard.failures === 0
            ? undefined
            : {
                windowSeconds: guard.windowSeconds,
                counted: (total) => {
                  // The holder hears of it once, when the guard starts (never for a name without an account).
                  if (total === guard.failures && account !== null && account.disabledAt === null) {
                    ctx.services.mail.notify(mails.signInsPaused(account.email, total, this.config.publicUrl.origin));
                  }
                },
              },
      });
    } else if (outcome === LoginOutcome.SUCCESS) {
      // Only when this account had failures counted from this source (read with the account).
      await this.protection.recordSuccess(em, ctx.clientIp, email, row?.['failures_counted'] === true);
      // A right password ends the name's run of wrong ones (read with the account: no round trip otherwise).
      if (nameFailures > 0) await this.protection.clearNameFailures(email);
    }
    // A wrong password let through a block is answered as the block (as every other name there is):
    // whoever stands at a blocked address learns nothing of which names are staff listed there.
    if (passedBlock && !result.ok && !result.secondFactor) result = { ok: false, blockedUntil: passedUntil };
    if (outcome === LoginOutcome.IP_NOT_ALLOWED && account !== null) {
      result = { ok: false };
      this.tellOutsideList(ctx, account);
    }
    if (!result.ok) await this.padTo(started);
    return result;
  }

  /**
   * How the account stands now, once the statement that would have started a sign-in's session refused
   * it: 'disabled'; 'changed' (its password changed or must be reset since the sign-in read
   * `passwordVersion` with the hash it checked, or it is gone); 'same' (only its sessions were ended
   * meanwhile: the sign-in may be decided again on the account as it is now).
   */
  private async standingNow(accountId: string, passwordVersion: number): Promise<'disabled' | 'changed' | 'same'> {
    const { rows } = await this.sessions.pool.query<{ disabled: boolean; same: boolean }>({
      name: 'login_account_now',
      text: `select disabled_at is not null as disabled, password_version = $2 and not password_reset_required as same
               from account where id = $1`,
      values: [accountId, passwordVersion],
    });
    const r = rows[0];
    return r === undefined ? 'changed' : r.disabled ? 'disabled' : r.same ? 'same' : 'changed';
  }

  /**
   * A source blocked automatically still hears a staff account whose IP access list holds the
   * address in a narrow entry (restricted or not: the list says where it works), unless a block made by hand covers it
   * or its own failures from there reached the per-account+source threshold. Asked only of blocked
   * sign-ins, again after the hash (a burst is held to the threshold plus the hashes in flight).
   */
  private async listedStaffPasses(ctx: Context, account: Account | null, email: string): Promise<boolean> {
    if (account === null || account.role === Role.USER) return false;
    if (!(await this.adminAccess.onNarrowEntry(account.id, ctx.clientIp))) return false;
    return this.protection.staffMayPassBlock(ctx.em, ctx.clientIp, email);
  }

  /**
   * Whether the password guard still hears `account` from `ip`: an address its account signed in to
   * the dashboard from before (IPv4 address, IPv6 /64), or, for staff restricted to an IP access list,
   * any address on a narrow entry of that list (where they are meant to work). Never for a name without an account.
   */
  private async knownPlace(account: Account | null, ip: string): Promise<boolean> {
    if (account === null) return false;
    if (account.ipRestricted && account.role !== Role.USER && (await this.adminAccess.onNarrowEntry(account.id, ip))) return true;
    return this.loginEvents.signedInFrom(account.id, this.protection.sourcePrefix(ip));
  }

  /** Accounts told of a right password from outside their list: once an hour each (this instance). */
  private readonly outsideListTold = new OncePer(3_600_000);

  /**
   * E-mails the holder that their right password was used from outside their IP access list: at most
   * once an hour per account (a flood of such sign-ins must not become a flood of e-mails).
   */
  private tellOutsideList(ctx: Context, account: Account): void {
    if (!this.outsideListTold.take(account.id)) return;
    ctx.services.mail.notify(mails.signInOutsideAccessList(account.email, ctx.clientIp, this.config.publicUrl.origin));
  }

  /**
   * The sign-in is complete (password, and the second step if one was owed): a FULL session with a
   * fresh token replaces whatever the browser held, and the login is recorded as a success in the same
   * statement (`write.event`; prepared here when there is a pending session, by the caller otherwise;
   * none: the caller records it). Null, with nothing written, when `SessionService.startFull`
   * refuses (pending session upgraded, revoked or expired, account disabled or under a forced reset meanwhile).
   * `secondFactor`: whether a second factor was proven (audit). `recoveryCodeId`: the recovery code that
   * proved it, used up only with the session started ('RECOVERY_CODE_USED', with nothing written, when
   * a concurrent request used it first). `write.done`: what the statement that accepted an app code did
   * already (`finishOnCode`): nothing more is written then.
   */
  async startFullSession(
    ctx: Context,
    account: Account,
    pending?: Session,
    secondFactor = pending !== undefined,
    recoveryCodeId: string | null = null,
    passwordVersion: number | null = null,
    write: { event?: PreparedLoginEvent; done?: FullStart; epoch?: number } = {},
  ): Promise<Date | 'RECOVERY_CODE_USED' | null> {
    const { em } = ctx;
    const event = write.event ?? (pending ? await this.successEvent(ctx, account) : undefined);
    // One statement: pending session revoked as UPGRADED, new session, account's last sign-in time, the login.
    let remaining: number | null = null;
    const result =
      write.done ??
      (await this.sessions.startFull(
        account,
        { ip: ctx.clientIp, userAgent: ctx.userAgent },
        pending ?? null,
        recoveryCodeId,
        passwordVersion,
        async (client) => {
          remaining = await this.twoFactor.recoveryCodeClaimed(client, ctx, account, 'login');
        },
        { event, epoch: write.epoch },
      ));
    const started = result.outcome;
    if (started === null || started === 'RECOVERY_CODE_USED') return started;
    if (remaining !== null) this.twoFactor.tellRecoveryCodeUsed(account, remaining, 'login');
    if (event && result.event) await this.loginEvents.recorded(em, event, result.event);
    ctx.cookies.set(started.token);
    if (account.role !== Role.USER) {
      await this.audit.record(
        { em, viewer: null, clientIp: ctx.clientIp },
        AuditAction.ADMIN_LOGIN,
        { type: 'Account', id: account.id, label: account.email },
        { userAgent: ctx.userAgent, secondFactor },
      );
    }
    return started.session.expiresAt;
  }

  /** A dashboard sign-in step of `account` from this request's address, as the login history records it. */
  private async panelAttempt(
    ctx: Context,
    account: Account,
    outcome: LoginOutcome,
    trusted?: boolean,
    geo?: GeoInfo,
  ): Promise<LoginAttempt> {
    return {
      account,
      attemptedName: account.email,
      ip: ctx.clientIp,
      userAgent: ctx.userAgent,
      service: 'panel',
      geo: geo ?? (await this.geo.lookup(ctx.em, ctx.clientIp)),
      outcome,
      trusted,
    };
  }

  /** The dashboard sign-in's success, ready to be recorded with its session. */
  private async successEvent(ctx: Context, account: Account, trusted?: boolean, geo?: GeoInfo): Promise<PreparedLoginEvent> {
    return this.loginEvents.prepare(ctx.em, await this.panelAttempt(ctx, account, LoginOutcome.SUCCESS, trusted, geo));
  }

  /**
   * For an app code that finishes a sign-in (`pending`: its session; none: the code came with the
   * password, `passwordVersion` read with the hash): the statement that decides the code also starts
   * the full session and records the login when it accepts it (`SessionService.startFull` with `totp`).
   * `decide` goes to `TwoFactorService.verifyForSignIn`, `write()` then to `startFullSession`.
   */
  async finishOnCode(
    ctx: Context,
    account: Account,
    pending: Session | undefined,
    passwordVersion: number | null,
    trusted?: boolean,
    geo?: GeoInfo,
    /** `epoch`: the session epoch a sign-in of its own (no `pending`) read with the account's row. */
    { epoch }: { epoch?: number } = {},
  ): Promise<{ decide: TotpDecider; write: () => { event: PreparedLoginEvent; done?: FullStart } }> {
    const event = await this.successEvent(ctx, account, trusted, geo);
    let done: FullStart | undefined;
    return {
      decide: async (totp) => {
        done = await this.sessions.startFull(
          account,
          { ip: ctx.clientIp, userAgent: ctx.userAgent },
          pending ?? null,
          null,
          passwordVersion,
          undefined,
          { event, totp, epoch },
        );
        return done.totp ?? undefined;
      },
      write: () => ({ event, done }),
    };
  }

  /**
   * A second step (its code, or an e-mailed code asked for) from a blocked source is refused as its
   * sign-in's password would be there now, staff listed there aside as at the password step: the
   * pending sign-in was started elsewhere, or before the block. Recorded as `BLOCKED` for the first of
   * a source's block in a minute. Nothing is compared, nothing counted; the sign-in stays pending.
   */
  async secondStepBlocked(ctx: Context, account: Account): Promise<TwoFactorFailure | null> {
    const decision = await this.protection.decide(ctx.em, ctx.clientIp, account);
    if (decision.allowed || decision.reason !== DecisionReason.IP_BLOCKED) return null;
    if (await this.listedStaffPasses(ctx, account, account.email)) return null;
    if (this.firstBlockedRefusal(ctx.clientIp, decision.until)) {
      await this.loginEvents.record(ctx.em, await this.panelAttempt(ctx, account, LoginOutcome.BLOCKED));
    }
    return new TwoFactorFailure(
      ErrorCode.IP_BLOCKED,
      'Sign-ins from your network are blocked for now (too many failed sign-ins, or by an administrator). Try again later.',
      decision.until ?? null,
      true,
    );
  }

  /**
   * A second step refused. A refusal that compared nothing (the step locked, a budget spent, no code
   * sent, no such method) is recorded for the first of its kind from a source in a minute, as blocked
   * sign-ins are: a pending sign-in sending it in a loop costs no attempt, and must not cost a row (and
   * a year of keeping) per request either. Every answer that was compared is recorded.
   */
  async recordSecondFactorFailure(ctx: Context, account: Account, failure: TwoFactorFailure): Promise<void> {
    const nothing = comparedNothing(failure);
    if (
      nothing &&
      !this.refusalsRecorded.take(`2fa|${account.id}|${this.protection.sourcePrefix(ctx.clientIp)}|${failure.code}`)
    ) {
      return;
    }
    await this.loginEvents.record(ctx.em, await this.panelAttempt(ctx, account, LoginOutcome.SECOND_FACTOR_FAILED));
  }

  async logout(em: EntityManager, ctx: Context): Promise<void> {
    if (ctx.viewer?.session) await this.sessions.revoke(em, ctx.viewer.session, 'LOGOUT');
    else await this.sessions.revokeToken(ctx.cookies.presentedToken, 'LOGOUT', ctx.clientIp);
    ctx.cookies.clear();
  }

  private async padTo(started: number): Promise<void> {
    const remaining = this.config.loginMinDurationMs - (Date.now() - started);
    if (remaining > 0) await sleep(remaining);
  }
}

/** What `LOGIN_ACCOUNT_SQL` read for an app code sent with the password (see `totpReadSql`). */
function totpReadOf(row: RawRow): TotpRead {
  return {
    totp_id: (row['totp_id'] as string | null) ?? null,
    totp_sealed: (row['totp_sealed'] as string | null) ?? null,
    locked_at: (row['tf_locked_at'] as Date | null) ?? null,
    acct_count: (row['tf_acct_count'] as number | null) ?? null,
    acct_start: (row['tf_acct_start'] as Date | null) ?? null,
    net_count: (row['tf_net_count'] as number | null) ?? null,
    net_start: (row['tf_net_start'] as Date | null) ?? null,
    site_count: (row['tf_site_count'] as number | null) ?? null,
    site_start: (row['tf_site_start'] as Date | null) ?? null,
  };
}
