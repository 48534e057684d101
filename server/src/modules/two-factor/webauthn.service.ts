import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransportFuture,
  type RegistrationResponseJSON,
  type VerifiedAuthenticationResponse,
} from '@simplewebauthn/server';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Context } from '../../context.js';
import { ErrorCode } from '../../common/errors/codes.js';
import { hasBidiControl, hasControlCharacter, showsSomething } from '../../common/text.js';
import { appError, badInput, notFound } from '../../common/errors/errors.js';
import type { Account } from '../account/account.entity.js';
import { AuditAction } from '../audit/audit.entity.js';
import type { AuditService } from '../audit/audit.service.js';
import type { MailService } from '../mail/mail.service.js';
import { mails } from '../mail/templates.js';
import type { SettingsService } from '../settings/settings.service.js';
import { TwoFactorMethod, WebauthnChallengePurpose, WebauthnCredential } from './two-factor.entity.js';
import { signOutOwingEnrollment } from './compliance.js';
import { lockSecondFactors } from './method-lock.js';
import { asHolder, lockForNewFactor, TwoFactorFailure, target, type TwoFactorService } from './two-factor.service.js';

/** Authenticator transports WebAuthn Level 3 names. */
const KNOWN_TRANSPORTS = new Set<string>(['ble', 'cable', 'hybrid', 'internal', 'nfc', 'smart-card', 'usb']);

/**
 * One user-verification policy for options and verification alike: "preferred" asks for a PIN or
 * biometric where the authenticator has one, and a plain security key (touch only) still works.
 */
const USER_VERIFICATION = 'preferred' as const;
const REQUIRE_USER_VERIFICATION = false;
const CHALLENGE_TTL_MS = 5 * 60_000;

/**
 * Why security keys are unavailable when the server has no RP ID (see `Config.webauthnRpId`): its
 * public URL is an IP address, which browsers refuse as an RP ID. METHOD_NOT_ALLOWED, as when the
 * settings do not allow keys, with the reason beside it (the operator, not an admin, changes this).
 */
const RP_ID_NOT_A_DOMAIN = 'RP_ID_NOT_A_DOMAIN';

/**
 * The most security keys one account may have, flagged ones included: every sign-in's options list
 * them all, and each is kept until removed. Enough for a key per device and spares.
 */
export const MAX_SECURITY_KEYS = 20;
const TOO_MANY_KEYS_MESSAGE = `An account can have at most ${MAX_SECURITY_KEYS} security keys. Remove one you no longer use, then add the new one.`;
const NO_DOMAIN_MESSAGE =
  'Security keys and passkeys need the server to be reached by a domain name, not an IP address: set WEBAUTHN_RP_ID (or PUBLIC_URL) to a host name.';

/**
 * A security key's name as given (trimmed): 1 to 64 characters that show something, on one line. It
 * is shown in lists and quoted in the holder's notices, where a line break or a control character
 * would let whoever registered the key write lines of their own ("approved by IT", a link).
 */
function checkedDeviceName(input: string): string {
  const name = input.trim();
  if (!showsSomething(name) || name.length > 64) {
    throw badInput([{ field: 'name', reason: 'LENGTH', message: 'Give the device a name of 1 to 64 characters.' }]);
  }
  if (hasControlCharacter(name) || hasBidiControl(name)) {
    throw badInput([
      {
        field: 'name',
        reason: 'CONTROL_CHARACTER',
        message: 'A device name is one line of text, without control characters or text-direction overrides.',
      },
    ]);
  }
  return name;
}

/**
 * Whether the browser says the ceremony ran in a frame of another origin (`crossOrigin` in the client
 * data, WebAuthn Level 3). The dashboard is never framed (`frame-ancestors 'none'`), so such a response
 * did not come from it; SimpleWebAuthn does not look. Read after it verified the client data.
 */
function inFrame(response: Record<string, unknown>): boolean {
  return clientDataOf(response)?.['crossOrigin'] === true;
}

/** The response's client data, decoded (null when it has none that parses); not verified by itself. */
function clientDataOf(response: Record<string, unknown>): Record<string, unknown> | null {
  const inner = response['response'];
  const clientData =
    inner !== null && typeof inner === 'object' ? (inner as Record<string, unknown>)['clientDataJSON'] : undefined;
  if (typeof clientData !== 'string' || clientData.length > 16_384) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(clientData, 'base64url').toString('utf8'));
    return parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * The challenge a response says it answers (its client data's, as the browser wrote it: base64url, as
 * stored), to take only that challenge; SimpleWebAuthn then checks the client data as a whole.
 */
function answeredChallenge(response: Record<string, unknown>): string | null {
  const challenge = clientDataOf(response)?.['challenge'];
  return typeof challenge === 'string' && challenge.length <= 512 ? challenge : null;
}

/** The largest public key stored: an RSA-4096 COSE key is about 550 bytes, a post-quantum one (ML-DSA-87) about 2.6 KB. */
const MAX_PUBLIC_KEY_BYTES = 4096;

/** A response that does not verify (or must not be told apart from one that does not). */
const unverifiable = () => new TwoFactorFailure(ErrorCode.WEBAUTHN_FAILED, 'The security key response could not be verified.');

export class WebauthnService {
  constructor(
    private readonly config: Config,
    private readonly settings: SettingsService,
    private readonly twoFactor: TwoFactorService,
    private readonly mail: MailService,
    private readonly audit: AuditService,
    private readonly logger: Logger,
  ) {
    twoFactor.verifyAssertion = (ctx, account, response) => this.verifyAssertion(ctx, account, response);
  }

  /**
   * Stores a new challenge for this session and purpose; any older one of the same kind dies. One
   * upsert on the unique (session, purpose): of two requests at once the later wins, never two live.
   */
  private async storeChallenge(
    em: EntityManager,
    account: Account,
    sessionId: string,
    purpose: WebauthnChallengePurpose,
    challenge: string,
    deviceName: string | null,
  ): Promise<void> {
    // Lapsed by the database's clock, as they are set and checked (an instance whose clock runs ahead
    // would otherwise delete other sessions' live challenges).
    await em.execute(`delete from webauthn_challenge where expires_at < now()`);
    await em.execute(
      `insert into webauthn_challenge (id, account_id, session_id, purpose, challenge, device_name, expires_at)
       values (?, ?, ?, ?, ?, ?, now() + make_interval(secs => ?))
       on conflict (session_id, purpose) do update
         set account_id = excluded.account_id, challenge = excluded.challenge, device_name = excluded.device_name,
             expires_at = excluded.expires_at`,
      [randomUUID(), account.id, sessionId, purpose, challenge, deviceName, CHALLENGE_TTL_MS / 1000],
    );
  }

  /**
   * Takes the session's live challenge out of the database, if it is the one `response` answers:
   * single use, even under a race. A response to a challenge replaced since (the same sign-in's or
   * setup's prompt opened again, in another tab say) takes nothing: the newer prompt's challenge stays
   * live for its own answer, and nothing was compared.
   */
  private async consumeChallenge(
    em: EntityManager,
    accountId: string,
    sessionId: string,
    purpose: WebauthnChallengePurpose,
    response: Record<string, unknown>,
  ): Promise<{ challenge: string; device_name: string | null } | null> {
    const answered = answeredChallenge(response);
    if (answered === null) return null;
    const rows = await em.execute<{ challenge: string; device_name: string | null }[]>(
      `delete from webauthn_challenge where session_id = ? and purpose = ? and account_id = ? and expires_at > now()
          and challenge = ?
         returning challenge, device_name`,
      [sessionId, purpose, accountId, answered],
    );
    return rows[0] ?? null;
  }

  async registrationOptions(
    ctx: Context,
    account: Account,
    sessionId: string,
    nameInput: string,
  ): Promise<Record<string, unknown>> {
    const name = checkedDeviceName(nameInput);
    const { settings: s, rpId } = await this.assertAllowed(ctx.em);
    // (Checked again, under the account's factors' lock, when the key is stored.)
    if ((await ctx.em.count(WebauthnCredential, { account: account.id })) >= MAX_SECURITY_KEYS) {
      throw appError(ErrorCode.TOO_MANY_KEYS, TOO_MANY_KEYS_MESSAGE, { limit: MAX_SECURITY_KEYS });
    }
    // A flagged key is not excluded: the authenticator the holder still has can be added again (a new
    // credential), as the flag's notice advises; it is the only way back for an account that a policy
    // keeps from removing its one flagged key.
    const existing = await ctx.em.find(WebauthnCredential, { account: account.id, flaggedAt: null });
    const options = await generateRegistrationOptions({
      rpName: s.issuer,
      rpID: rpId,
      userName: account.email,
      userDisplayName: account.name,
      userID: new TextEncoder().encode(account.id),
      attestationType: 'none',
      excludeCredentials: existing.map((c) => ({
        id: c.credentialId,
        transports: c.transports as AuthenticatorTransportFuture[],
      })),
      authenticatorSelection: { residentKey: 'preferred', userVerification: USER_VERIFICATION },
      timeout: CHALLENGE_TTL_MS,
    });
    await this.storeChallenge(ctx.em, account, sessionId, WebauthnChallengePurpose.REGISTER, options.challenge, name);
    return options as unknown as Record<string, unknown>;
  }

  /**
   * Security keys may be added: 2FA on, keys among the allowed methods, and an RP ID browsers accept.
   * The settings and the RP ID, or a typed refusal.
   */
  private async assertAllowed(em: EntityManager) {
    const s = await this.settings.twoFactor(em);
    if (!s.enabled) throw appError(ErrorCode.TWO_FACTOR_DISABLED, 'Two-factor authentication is switched off system-wide.');
    if (!s.allowedMethods.includes(TwoFactorMethod.WEBAUTHN)) {
      throw appError(ErrorCode.METHOD_NOT_ALLOWED, 'Security keys are not allowed by the system settings.', {
        method: TwoFactorMethod.WEBAUTHN,
      });
    }
    return { settings: s, rpId: this.rpId() };
  }

  /** The RP ID, or the typed refusal when the server has none a browser accepts (its public URL is an IP address). */
  private rpId(): string {
    const rpId = this.config.webauthnRpId;
    if (rpId === null) {
      throw appError(ErrorCode.METHOD_NOT_ALLOWED, NO_DOMAIN_MESSAGE, {
        method: TwoFactorMethod.WEBAUTHN,
        reason: RP_ID_NOT_A_DOMAIN,
      });
    }
    return rpId;
  }

  async register(
    ctx: Context,
    account: Account,
    sessionId: string,
    response: Record<string, unknown>,
  ): Promise<WebauthnCredential | TwoFactorFailure> {
    // Allowed when its options were asked for is not enough: the settings may have changed since.
    const { rpId } = await this.assertAllowed(ctx.em);
    const notEnrolling = new TwoFactorFailure(
      ErrorCode.NOT_ENROLLING,
      'No registration is in progress for this prompt (it expired, or a newer one replaced it). Start again.',
    );
    // No client data naming a challenge: an answer to no prompt, so unverifiable where a registration is
    // in progress (its prompt stays for the real answer), and NOT_ENROLLING where none is.
    if (answeredChallenge(response) === null) {
      const [live] = await ctx.em.execute<unknown[]>(
        `select 1 from webauthn_challenge where session_id = ? and purpose = ? and account_id = ? and expires_at > now()`,
        [sessionId, WebauthnChallengePurpose.REGISTER, account.id],
      );
      return live ? unverifiable() : notEnrolling;
    }
    const stored = await this.consumeChallenge(ctx.em, account.id, sessionId, WebauthnChallengePurpose.REGISTER, response);
    if (!stored) return notEnrolling;
    let info;
    try {
      const result = await verifyRegistrationResponse({
        response: response as unknown as RegistrationResponseJSON,
        expectedChallenge: stored.challenge,
        expectedOrigin: this.config.webauthnOrigins,
        expectedRPID: rpId,
        requireUserVerification: REQUIRE_USER_VERIFICATION,
      });
      if (!result.verified) throw new Error('not verified');
      if (inFrame(response)) throw new Error('made in a frame of another site');
      info = result.registrationInfo;
    } catch (err) {
      this.logger.info({ err: (err as Error).message }, 'WebAuthn registration refused');
      return unverifiable();
    }
    const { credential } = info;
    // The spec caps a credential id at 1023 bytes (a longer one would not even fit its column); a
    // public key is a few hundred bytes (unsigned with attestation "none", it could carry a request's
    // worth of padding, read back at every sign-in), so MAX_PUBLIC_KEY_BYTES at most; and the
    // transports are hints the browser gets back later: only the names the spec knows are kept.
    if (Buffer.from(credential.id, 'base64url').length > 1023 || credential.publicKey.byteLength > MAX_PUBLIC_KEY_BYTES) {
      return unverifiable();
    }
    // (SimpleWebAuthn passes the client's `transports` on unchecked: anything but a list counts as none.)
    const given: unknown[] = Array.isArray(credential.transports) ? credential.transports : [];
    const transports = [...new Set(given.filter((t): t is string => typeof t === 'string' && KNOWN_TRANSPORTS.has(t)))];
    const taken = await this.registeredAlready(ctx.em, credential.id, account.id);
    if (taken) return taken;
    let saved: WebauthnCredential | null;
    try {
      // The key and its audit entry commit together, serialized with a reset of the account's factors
      // (a key registered while one runs must not survive it; see lockSecondFactors) and with the
      // account's other registrations (two finishing at once at the limit: one is stored).
      saved = await ctx.em.transactional(async (tx) => {
        await lockForNewFactor(tx, account.id, ctx);
        if ((await tx.count(WebauthnCredential, { account: account.id })) >= MAX_SECURITY_KEYS) return null;
        const row = tx.create(WebauthnCredential, {
          account: account.id,
          credentialId: credential.id,
          publicKey: Buffer.from(credential.publicKey).toString('base64url'),
          counter: credential.counter,
          transports,
          name: stored.device_name ?? 'Security key',
          deviceType: info.credentialDeviceType,
          backedUp: info.credentialBackedUp,
        });
        await tx.flush();
        await this.audit.record({ ...ctx, em: tx }, AuditAction.TWO_FACTOR_ENABLED, target(account), {
          method: TwoFactorMethod.WEBAUTHN,
          name: row.name,
          keyId: row.id,
        });
        return row;
      });
    } catch (err) {
      // The same key registered at this very moment by another request (the check above saw neither).
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      ctx.em.clear();
      return (
        (await this.registeredAlready(ctx.em, credential.id, account.id)) ??
        new TwoFactorFailure(ErrorCode.ALREADY_ENABLED, 'This security key is registered already.')
      );
    }
    if (saved === null) return new TwoFactorFailure(ErrorCode.TOO_MANY_KEYS, TOO_MANY_KEYS_MESSAGE);
    this.mail.notify(mails.webauthnRegistered(account.email, saved.name, this.config.publicUrl.origin));
    return saved;
  }

  /**
   * A credential id registered already: ALREADY_ENABLED when it is this account's own key; another
   * account's answers as an unverifiable response does (a genuine authenticator makes a new id for
   * each account, so only a crafted registration meets one, and it learns nothing of other accounts).
   */
  private async registeredAlready(em: EntityManager, credentialId: string, accountId: string): Promise<TwoFactorFailure | null> {
    const [row] = await em.execute<{ account_id: string }[]>(
      `select account_id from webauthn_credential where credential_id = ?`,
      [credentialId],
    );
    if (!row) return null;
    return row.account_id === accountId
      ? new TwoFactorFailure(ErrorCode.ALREADY_ENABLED, 'This security key is registered already.')
      : unverifiable();
  }

  async authenticationOptions(ctx: Context, account: Account, sessionId: string): Promise<Record<string, unknown>> {
    const rpId = this.rpId();
    const creds = await ctx.em.find(WebauthnCredential, { account: account.id, flaggedAt: null });
    if (creds.length === 0) throw appError(ErrorCode.METHOD_NOT_SET_UP, 'No security key or passkey is registered.');
    const options = await generateAuthenticationOptions({
      rpID: rpId,
      allowCredentials: creds.map((c) => ({ id: c.credentialId, transports: c.transports as AuthenticatorTransportFuture[] })),
      userVerification: USER_VERIFICATION,
      timeout: CHALLENGE_TTL_MS,
    });
    await this.storeChallenge(ctx.em, account, sessionId, WebauthnChallengePurpose.LOGIN, options.challenge, null);
    return options as unknown as Record<string, unknown>;
  }

  /**
   * An assertion counts only with this session's unused challenge and a credential of this account.
   * The signature is checked before the counter, so a forged response cannot get a key flagged.
   */
  private async verifyAssertion(
    ctx: Context,
    account: Account,
    response: Record<string, unknown>,
  ): Promise<TwoFactorFailure | null> {
    const sessionId = ctx.viewer?.session?.id;
    if (!sessionId) return new TwoFactorFailure(ErrorCode.WEBAUTHN_FAILED, 'No session.');
    // No ceremony can have run (its options are refused): nothing to compare, so no attempt counts.
    const rpId = this.config.webauthnRpId;
    if (rpId === null) return new TwoFactorFailure(ErrorCode.METHOD_NOT_ALLOWED, NO_DOMAIN_MESSAGE, null, true);
    const stored = await this.consumeChallenge(ctx.em, account.id, sessionId, WebauthnChallengePurpose.LOGIN, response);
    if (!stored)
      return new TwoFactorFailure(
        ErrorCode.WEBAUTHN_FAILED,
        'Ask for a security-key challenge first (this one expired, or a newer one replaced it).',
        null,
        true,
      );
    const id = typeof response['id'] === 'string' ? response['id'] : '';
    const cred = await ctx.em.findOne(WebauthnCredential, { credentialId: id, account: account.id });
    if (!cred) return new TwoFactorFailure(ErrorCode.WEBAUTHN_FAILED, 'This security key is not registered to the account.');
    if (cred.flaggedAt)
      return new TwoFactorFailure(ErrorCode.CREDENTIAL_FLAGGED, 'This security key was flagged and is refused.');
    let info: VerifiedAuthenticationResponse['authenticationInfo'];
    try {
      const result = await verifyAuthenticationResponse({
        response: response as unknown as AuthenticationResponseJSON,
        expectedChallenge: stored.challenge,
        expectedOrigin: this.config.webauthnOrigins,
        expectedRPID: rpId,
        credential: {
          id: cred.credentialId,
          publicKey: new Uint8Array(Buffer.from(cred.publicKey, 'base64url')),
          counter: 0, // the counter is compared below, after the signature is known to be good
          transports: cred.transports as AuthenticatorTransportFuture[],
        },
        requireUserVerification: REQUIRE_USER_VERIFICATION,
      });
      if (!result.verified) throw new Error('signature not verified');
      if (inFrame(response)) throw new Error('made in a frame of another site');
      info = result.authenticationInfo;
    } catch (err) {
      this.logger.info({ err: (err as Error).message }, 'WebAuthn assertion refused');
      return unverifiable();
    }
    const { newCounter } = info;
    // One conditional UPDATE: two assertions checked at once (a key and its clone presenting the same
    // counter) cannot both pass, and the stored counter never moves back. A zero counter stays zero for
    // authenticators that keep none. The backup state is the one this assertion reports: a passkey
    // may be synced (or no longer) since it was registered.
    const accepted = await ctx.em.execute(
      `update webauthn_credential set counter = ?, last_used_at = now(), backed_up = ?, device_type = ?
        where id = ? and flagged_at is null and (counter < ? or (? = 0 and counter = 0))`,
      [newCounter, info.credentialBackedUp, info.credentialDeviceType, cred.id, newCounter, newCounter],
      'run',
    );
    if ((accepted as { affectedRows?: number }).affectedRows === 1) return null;
    // Not above the stored counter (or flagged meanwhile): flagged here, once, with its audit entry
    // in the same transaction (a flag without its entry would never be audited: a retry finds it flagged).
    // Or removed meanwhile (by its holder, or a reset): nothing to flag, and nothing counts against anyone.
    const flaggedNow = await ctx.em.transactional(async (tx): Promise<boolean | 'GONE'> => {
      // Decided one after another with what else can leave a policy's account without a usable factor,
      // in the order they lock (see `signOutOwingEnrollment` below): a removal of another method
      // (the account's factors' lock, then the settings), the settings themselves (unchanged until this
      // commits), and the "requires 2FA" mark (the account row). Each then sees the other's commit:
      // neither a removal that counted this key as the factor left nor a mark that found it usable lets
      // the account keep its sessions with no usable factor.
      await lockSecondFactors(tx, account.id);
      const settings = await this.settings.twoFactorLocked(tx);
      await tx.execute(`select 1 from account where id = ? for no key update`, [account.id]);
      const flagged = await tx.execute<{ counter: string }[]>(
        `update webauthn_credential set flagged_at = now() where id = ? and flagged_at is null returning counter`,
        [cred.id],
      );
      if (flagged.length !== 1) {
        const [still] = await tx.execute<{ n: number }[]>(`select count(*)::int as n from webauthn_credential where id = ?`, [
          cred.id,
        ]);
        return still?.n === 1 ? false : 'GONE';
      }
      const storedCounter = Number(flagged[0]!.counter);
      this.logger.warn(
        { accountId: account.id, credential: cred.id, newCounter, stored: storedCounter },
        'WebAuthn counter regression',
      );
      // A policy stays in force: an account it requires 2FA of that held no other usable factor owes an
      // enrollment now, and its live sessions end as they would under a new policy (one may well be the
      // clone's holder's).
      const sessionsEnded = await signOutOwingEnrollment(tx, settings, [account.id], null);
      // By the holder only when signed in fully (a re-authentication); a sign-in's key may be a clone.
      await this.audit.record({ ...asHolder(ctx, account), em: tx }, AuditAction.WEBAUTHN_COUNTER_REGRESSION, target(account), {
        credential: cred.name,
        keyId: cred.id,
        storedCounter,
        presentedCounter: newCounter,
        ...(sessionsEnded > 0 ? { sessionsEnded } : {}),
      });
      return true;
    });
    // The holder is told, as of a replayed app code: a cloned key is the stronger sign.
    if (flaggedNow === 'GONE')
      return new TwoFactorFailure(ErrorCode.METHOD_NOT_SET_UP, 'This security key was removed meanwhile.');
    if (flaggedNow) this.mail.notify(mails.webauthnFlagged(account.email, cred.name, this.config.publicUrl.origin));
    return new TwoFactorFailure(ErrorCode.CREDENTIAL_FLAGGED, 'The security key counter went backwards: refused and flagged.');
  }

  async rename(ctx: Context, account: Account, id: string, nameInput: string): Promise<WebauthnCredential> {
    const name = checkedDeviceName(nameInput);
    // Renamed and audited together, with the name it replaced (read under the row's lock).
    return ctx.em.transactional(async (tx) => {
      const cred = await tx.findOne(
        WebauthnCredential,
        { id, account: account.id },
        { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true },
      );
      if (!cred) throw notFound('Security key');
      const before = cred.name;
      cred.name = name;
      await tx.flush();
      await this.audit.record({ ...ctx, em: tx }, AuditAction.WEBAUTHN_RENAMED, target(account), {
        keyId: cred.id,
        before,
        after: name,
      });
      return cred;
    });
  }

  async remove(ctx: Context, account: Account, id: string): Promise<void> {
    const cred = await ctx.em.findOne(WebauthnCredential, { id, account: account.id });
    if (!cred) throw notFound('Security key');
    await ctx.em.nativeDelete(WebauthnCredential, { id: cred.id });
    await this.twoFactor.methodRemoved(ctx, account, TwoFactorMethod.WEBAUTHN, 'A security key or passkey', {
      name: cred.name,
      keyId: cred.id,
    });
  }
}
