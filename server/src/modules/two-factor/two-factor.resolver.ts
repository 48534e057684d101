import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver, createUnionType } from 'type-graphql';
import type { Context } from '../../context.js';
import { Permission, Role, StageRule } from '../../common/auth/roles.js';
import { hasPermission } from '../../common/auth/auth-checker.js';
import { ErrorCode } from '../../common/errors/codes.js';
import { appError, badInput, notFound } from '../../common/errors/errors.js';
import { hasControlCharacter, hasFormatCharacter, showsSomething } from '../../common/text.js';
import { assertUuid } from '../../common/graphql/ids.js';
import { Account } from '../account/account.entity.js';
import { mayManageRole, normalizeEmail } from '../account/account.service.js';
import { managedAccount } from '../account/managed-account.js';
import { PageInput } from '../account/account.inputs.js';
import { AuditAction } from '../audit/audit.entity.js';
import type { TwoFactorSettings } from '../settings/settings.service.js';
import { SessionStage } from '../session/session.entity.js';
import { LoginSuccess } from '../session/session.resolver.js';
import { actorStands } from '../session/api-token.service.js';
import { EmailCodePurpose, TwoFactorMethod, TwoFactorResetRequest } from './two-factor.entity.js';
import { leftToEnroll } from './enrollable.js';
import { assertProofGiven, ReauthenticateInput, SecondFactorInput, TwoFactorSettingsInput } from './two-factor.inputs.js';
import {
  ableToSignIn,
  adminsAbleToSignIn,
  complianceReport,
  lockForSwitchOn,
  owesEnrollment,
  rememberSwitchedOff,
  settingsImpact,
  signOutOwingEnrollment,
  signOutSignedInWhileOff,
} from './compliance.js';
import {
  nothingToReset,
  recoveredSince,
  requesterGone,
  targetRecovered,
  TwoFactorFailure,
  APPROVER_MIN_AGE_MS,
  TwoFactorService,
  target,
  wrongRecoveryCode,
} from './two-factor.service.js';
import {
  AccountTwoFactor,
  EmailCodeSent,
  PendingSignIn,
  ReauthSuccess,
  RecoveryCodes,
  RequiresTwoFactorMark,
  TotpEnrollment,
  TwoFactorCompliance,
  TwoFactorComplianceRow,
  TwoFactorEnabled,
  TwoFactorError,
  TwoFactorResetDone,
  TwoFactorResetPending,
  TwoFactorResetRequestInfo,
  TwoFactorSettingsImpact,
  TwoFactorSettingsType,
  TwoFactorStatus,
  WebauthnCredentialInfo,
} from './two-factor.types.js';

const SecondFactorResult = createUnionType({
  name: 'SecondFactorResult',
  description: 'Outcome of the second sign-in step.',
  types: () => [LoginSuccess, TwoFactorError] as const,
});
const EnableResult = createUnionType({
  name: 'TwoFactorEnableResult',
  description: 'Outcome of confirming a new method.',
  types: () => [TwoFactorEnabled, TwoFactorError] as const,
});
const EmailCodeResult = createUnionType({
  name: 'EmailCodeResult',
  description: 'Outcome of asking for an e-mailed code.',
  types: () => [EmailCodeSent, TwoFactorError] as const,
});
const ReauthResult = createUnionType({
  name: 'ReauthResult',
  description:
    'Outcome of a re-authentication: ReauthSuccess, or a TwoFactorError (INVALID_CREDENTIALS for a wrong password, SECOND_FACTOR_REQUIRED, SECOND_FACTOR_UNAVAILABLE, or a second-factor failure or limit). Wrong passwords count against the account’s second-factor attempts: past SECOND_FACTOR_MAX_ATTEMPTS (default 5) in a window, TOO_MANY_ATTEMPTS. While the second step is locked: SECOND_FACTOR_LOCKED, before the password is checked.',
  types: () => [ReauthSuccess, TwoFactorError] as const,
});
const ResetResult = createUnionType({
  name: 'TwoFactorResetResult',
  description: 'Outcome of an admin reset of an account’s 2FA.',
  types: () => [TwoFactorResetDone, TwoFactorResetPending] as const,
});

const RESET_REQUEST_TTL_MS = 24 * 3600_000;

/**
 * Whether an admin had been one for at least a day at `at` (see APPROVER_MIN_AGE_MS). The requester is
 * held to it as the approver is: otherwise an admin could make a new admin, ask for the reset as that
 * one and approve it as itself, one person deciding alone.
 */
const oldEnough = (admin: { createdAt: Date }, at: Date) => admin.createdAt.getTime() <= at.getTime() - APPROVER_MIN_AGE_MS;

/** Whether this admin may approve this reset request: neither its requester nor its target, and both it and the requester old enough. */
const mayApprove = (
  approver: Account,
  req: { requestedBy: { id: string; createdAt: Date }; target: { id: string }; createdAt: Date },
) =>
  approver.id !== req.requestedBy.id &&
  approver.id !== req.target.id &&
  oldEnough(approver, req.createdAt) &&
  oldEnough(req.requestedBy, req.createdAt);

/**
 * Whether the admin who asked for a reset still stands behind it: enabled and still an admin. A request
 * whose requester no longer does is approved by nobody, listed to nobody, and replaced when asked again.
 */
const standsBehind = (requester: { disabledAt: Date | null; role: Role }) =>
  requester.disabledAt === null && requester.role === Role.ADMIN;

/** A waiting reset request as `viewer` sees it. */
const requestInfo = (
  viewer: Account,
  r: { id: string; target: Account; requestedBy: Account; createdAt: Date; expiresAt: Date },
): TwoFactorResetRequestInfo =>
  Object.assign(new TwoFactorResetRequestInfo(), {
    id: r.id,
    target: r.target,
    requestedBy: r.requestedBy,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
    approvableByYou: mayApprove(viewer, r),
    requestedByYou: r.requestedBy.id === viewer.id,
  });

function session(ctx: Context) {
  return ctx.viewer!.session!;
}

/**
 * The methods a settings input allows, recovery codes always among them (they back the others up, so
 * the stored list says what is enforced), in one order whatever order they came in (the same methods
 * are the same setting, not a change); undefined when the input leaves them.
 */
function allowedMethodsOf(input: TwoFactorSettingsInput): TwoFactorMethod[] | undefined {
  return input.allowedMethods
    ? Object.values(TwoFactorMethod).filter((m) => m === TwoFactorMethod.RECOVERY_CODE || input.allowedMethods!.includes(m))
    : undefined;
}

@Resolver()
export class TwoFactorResolver {
  // ── Sign-in, second step ───────────────────────────────────────────────────────────────────────

  @Query(() => PendingSignIn, {
    nullable: true,
    description: 'The sign-in waiting for its second step (or for a required enrollment); null otherwise. Public.',
  })
  async pendingSignIn(@Ctx() ctx: Context): Promise<PendingSignIn | null> {
    const s = ctx.viewer?.session;
    if (!s || s.stage === SessionStage.FULL || ctx.accessRefused) return null;
    // A second step asked for before 2FA was switched off for the system leads nowhere now (see verifySecondFactor).
    if (s.stage === SessionStage.PENDING_SECOND_FACTOR && !(await ctx.services.settings.twoFactor(ctx.em)).enabled) return null;
    const account = ctx.viewer!.account;
    const tf = ctx.services.twoFactor;
    return Object.assign(new PendingSignIn(), {
      stage: s.stage,
      email: account.email,
      methods: s.stage === SessionStage.PENDING_SECOND_FACTOR ? await tf.loginMethods(ctx.em, account) : [],
      allowedMethods: s.stage === SessionStage.ENROLLMENT_REQUIRED ? await tf.enrollableMethods(ctx.em, account) : [],
      expiresAt: s.expiresAt,
    });
  }

  @Authorized(StageRule.SECOND_STEP)
  @Mutation(() => SecondFactorResult, {
    description:
      'Finishes a sign-in with a second factor. Wrong codes are limited per account and per network; the session becomes full on success (with a new cookie). Without a live pending sign-in (none, expired, revoked) the request fails with a thrown UNAUTHENTICATED; a full session (the sign-in finished in another tab, say) or an API token gets a thrown FORBIDDEN. A sign-in completed or cancelled meanwhile (or its account disabled or its password reset since, or 2FA switched off for the system, which ends it) answers a TwoFactorError with code UNAUTHENTICATED. Either way: sign in again. From a blocked source: TwoFactorError IP_BLOCKED (`retryAfter`: the block’s end), nothing compared or counted, and the sign-in stays pending.',
  })
  async verifySecondFactor(
    @Arg('input', () => SecondFactorInput, { description: 'The method and its code or assertion.' }) input: SecondFactorInput,
    @Ctx() ctx: Context,
  ): Promise<typeof SecondFactorResult> {
    const { account } = ctx.viewer!;
    assertProofGiven(input, 'input');
    const { auth } = ctx.services;
    // Switched off for the system since the password was checked: no second step is asked of anyone
    // now, and this one leads nowhere. It ends; the password alone signs in again.
    if (!(await ctx.services.settings.twoFactor(ctx.em)).enabled) {
      await ctx.services.sessions.revoke(ctx.em, session(ctx), 'TWO_FACTOR_OFF');
      return TwoFactorError.from(
        new TwoFactorFailure(
          ErrorCode.UNAUTHENTICATED,
          'Two-factor authentication was switched off meanwhile: sign in again (your password is enough now).',
        ),
      );
    }
    const blocked = await auth.secondStepBlocked(ctx, account);
    if (blocked) return TwoFactorError.from(blocked);
    // An app code is decided by the statement that also starts the session and records the login.
    const finish = input.method === TwoFactorMethod.TOTP ? await auth.finishOnCode(ctx, account, session(ctx), null) : undefined;
    // The app's secret and budgets as the sign-in read them, for its first app code (nothing to read now).
    const prefetched = finish ? ctx.services.sessions.takePrefetchedTotp(session(ctx)) : undefined;
    const checked = await ctx.services.twoFactor.verifyForSignIn(
      ctx,
      account,
      input,
      session(ctx).id,
      prefetched,
      finish?.decide,
    );
    if (checked instanceof TwoFactorFailure) {
      await auth.recordSecondFactorFailure(ctx, account, checked);
      return TwoFactorError.from(checked);
    }
    const started = await auth.startFullSession(ctx, account, session(ctx), true, checked.recoveryCodeId, null, finish?.write());
    // The recovery code was used by a concurrent request meanwhile (no attempt counted: it was right).
    if (started === 'RECOVERY_CODE_USED') return TwoFactorError.from(wrongRecoveryCode());
    if (started === null) {
      return TwoFactorError.from(
        new TwoFactorFailure(ErrorCode.UNAUTHENTICATED, 'This sign-in was completed or cancelled already. Sign in again.'),
      );
    }
    return Object.assign(new LoginSuccess(), { account });
  }

  @Authorized(StageRule.SECOND_STEP_OR_FULL)
  @Mutation(() => EmailCodeResult, {
    description:
      'E-mails a 6-digit code to the account’s verified address, for the second sign-in step or a re-authentication. Valid 10 minutes, once; a cool-down separates sends (EMAIL_COOLDOWN). Also METHOD_NOT_SET_UP (no e-mail codes this sign-in can use), SECOND_FACTOR_LOCKED, TOO_MANY_ATTEMPTS (wrong codes past the account’s or this network’s budget, too many codes e-mailed lately, or the last one died of wrong tries: `reason` says which, `retryAfter` when to ask again), IP_BLOCKED (in a sign-in, from a blocked source: no code is sent) and MAIL_FAILED.',
  })
  async sendEmailCode(@Ctx() ctx: Context): Promise<typeof EmailCodeResult> {
    const { account } = ctx.viewer!;
    const tf = ctx.services.twoFactor;
    const notSetUp = () =>
      TwoFactorError.from(new TwoFactorFailure(ErrorCode.METHOD_NOT_SET_UP, 'E-mail codes are not set up for this account.'));
    if (!(await tf.loginMethods(ctx.em, account)).includes(TwoFactorMethod.EMAIL)) return notSetUp();
    // In a sign-in, a blocked source gets no code (it could not be used from there).
    if (session(ctx).stage !== SessionStage.FULL) {
      const blocked = await ctx.services.auth.secondStepBlocked(ctx, account);
      if (blocked) return TwoFactorError.from(blocked);
    }
    // Removed between the two reads (another session of the account): the same answer, not a crash.
    const { email } = await tf.summary(ctx.em, account.id);
    if (email === null) return notSetUp();
    // A locked second step, or spent attempt budgets, take no code: one sent would only be refused (the
    // limits are checked before a code), and fill the holder's inbox for whoever has the password.
    const refused = await tf.nextAttemptRefused(account.id, ctx.clientIp);
    if (refused) return TwoFactorError.from(refused);
    const sent = await tf.sendCode(
      ctx.em,
      account,
      EmailCodePurpose.LOGIN,
      session(ctx).id,
      email.address,
      undefined,
      session(ctx).stage === SessionStage.FULL,
    );
    return sent instanceof TwoFactorFailure
      ? TwoFactorError.from(sent)
      : Object.assign(new EmailCodeSent(), { sentAt: sent.sentAt, nextSendAfter: sent.retryAfter });
  }

  @Authorized(StageRule.SECOND_STEP_OR_FULL)
  @Mutation(() => GraphQLJSONObject, {
    description:
      'WebAuthn authentication options (a fresh single-use challenge for this session, valid 5 minutes) for `startAuthentication` in the browser. Throws METHOD_NOT_SET_UP when the account has no security key that is not flagged, and METHOD_NOT_ALLOWED (`extensions.reason` RP_ID_NOT_A_DOMAIN) when the server’s public URL is an IP address.',
  })
  async webauthnAuthenticationOptions(@Ctx() ctx: Context): Promise<Record<string, unknown>> {
    return ctx.services.webauthn.authenticationOptions(ctx, ctx.viewer!.account, session(ctx).id);
  }

  // ── Your own methods ───────────────────────────────────────────────────────────────────────────

  @Authorized(StageRule.ENROLL)
  @Query(() => TwoFactorStatus, { description: 'Your second factors, what you may set up, and whether a policy requires 2FA.' })
  async myTwoFactor(@Ctx() ctx: Context): Promise<TwoFactorStatus> {
    // An enrollment-only session that outlived the account's first factor (one that began while the
    // holder's confirmation ran) reads nothing of it: the holder's address, key names, codes left.
    await this.assertFirstFactor(ctx);
    const { account } = ctx.viewer!;
    const tf = ctx.services.twoFactor;
    const [m, methods, allowed, required, locked, settings] = await Promise.all([
      tf.summary(ctx.em, account.id),
      tf.loginMethods(ctx.em, account),
      tf.enrollableMethods(ctx.em, account),
      tf.policyRequires(ctx.em, account),
      tf.isLocked(ctx.em, account.id),
      ctx.services.settings.twoFactor(ctx.em),
    ]);
    const strong = methods.filter((x) => x !== TwoFactorMethod.RECOVERY_CODE);
    return Object.assign(new TwoFactorStatus(), {
      enabled: strong.length > 0,
      systemEnabled: settings.enabled,
      methods,
      totpEnabled: m.totp !== null,
      totpConfirmedAt: m.totp?.confirmedAt ?? null,
      emailAddress: m.email?.address ?? null,
      webauthnCredentials: m.webauthn.map((c) => WebauthnCredentialInfo.from(c)),
      recoveryCodesRemaining: m.recoveryRemaining,
      allowedMethods: allowed,
      required,
      // Two keys are two methods; a flagged one (refused at sign-in) is none.
      recommendSecondMethod:
        strong.length === 1 &&
        !(strong[0] === TwoFactorMethod.WEBAUTHN && m.webauthn.filter((c) => c.flaggedAt === null).length > 1),
      locked,
    });
  }

  @Authorized(Permission.MANAGE_USERS, Permission.MANAGE_SUB_ADMINS)
  @Query(() => AccountTwoFactor, {
    description:
      'Another account’s second factors (which methods, recovery codes left, flagged keys, whether second-step sign-in is locked): for whoever may manage its role (users MANAGE_USERS, sub-admins MANAGE_SUB_ADMINS, admins an admin).',
  })
  async accountTwoFactor(
    @Arg('accountId', () => ID, { description: 'The account.' }) accountId: string,
    @Ctx() ctx: Context,
  ): Promise<AccountTwoFactor> {
    const account = await managedAccount(ctx, accountId);
    const tf = ctx.services.twoFactor;
    const [m, methods, required, locked, settings, held] = await Promise.all([
      tf.summary(ctx.em, account.id),
      tf.methodsWhenOn(ctx.em, account),
      tf.policyRequires(ctx.em, account),
      tf.isLocked(ctx.em, account.id),
      ctx.services.settings.twoFactor(ctx.em),
      tf.heldForReset(ctx.em, account.id),
    ]);
    return Object.assign(new AccountTwoFactor(), {
      methods,
      systemEnabled: settings.enabled,
      resettable: !TwoFactorService.holdsNothing(held),
      recoveryCodesRemaining: m.recoveryRemaining,
      flaggedKeys: m.webauthn.filter((c) => c.flaggedAt !== null).length,
      // An API-only account never signs in with a password, so no policy ever leads it through
      // enrollment (as the compliance report counts it).
      required: required && !account.apiOnly,
      locked,
    });
  }

  @Authorized(StageRule.ENROLL)
  @Mutation(() => TotpEnrollment, {
    description:
      'Starts setting up an authenticator app: scan the QR code (or type the secret), then confirm with a code. In a signed-in session, needs the sign-in or a re-authentication within the last `REAUTH_SECONDS` (else REAUTH_REQUIRED). Throws TWO_FACTOR_DISABLED, METHOD_NOT_ALLOWED, ALREADY_ENABLED (an app is set up already), or, in an enrollment-only sign-in whose account has gained a factor meanwhile, SECOND_FACTOR_REQUIRED.',
  })
  async startTotpEnrollment(@Ctx() ctx: Context): Promise<TotpEnrollment> {
    ctx.services.twoFactor.requireRecentConfirmation(ctx);
    await this.assertFirstFactor(ctx);
    const e = await ctx.services.twoFactor.startTotp(ctx.em, ctx.viewer!.account);
    return Object.assign(new TotpEnrollment(), {
      otpauthUri: e.uri,
      qrCodeSvg: e.qrSvg,
      secret: e.secret,
      expiresAt: e.expiresAt,
    });
  }

  @Authorized(StageRule.ENROLL)
  @Mutation(() => EnableResult, {
    description:
      'Switches the authenticator app on once it proves a current code. A wrong code leaves 2FA as it was. TwoFactorError: CODE_INVALID, NOT_ENROLLING (no setup in progress, or it expired or was restarted), ALREADY_ENABLED, TOO_MANY_ATTEMPTS, SECOND_FACTOR_LOCKED. Throws TWO_FACTOR_DISABLED or METHOD_NOT_ALLOWED when the settings changed since the start, SECOND_FACTOR_REQUIRED as startTotpEnrollment does.',
  })
  async confirmTotpEnrollment(
    @Arg('code', () => String, { description: 'The 6-digit code the app shows now.' }) code: string,
    @Ctx() ctx: Context,
  ): Promise<typeof EnableResult> {
    assertCodeGiven(code);
    await this.assertFirstFactor(ctx);
    const failure = await ctx.services.twoFactor.confirmTotp(ctx, ctx.viewer!.account, code);
    return failure ? TwoFactorError.from(failure) : this.enabled(ctx, TwoFactorMethod.TOTP);
  }

  @Authorized(StageRule.ENROLL)
  @Mutation(() => EmailCodeResult, {
    description:
      'Starts setting up e-mail codes: a code is sent to the address. In a signed-in session, needs the sign-in or a re-authentication within the last `REAUTH_SECONDS` (else REAUTH_REQUIRED). Throws TWO_FACTOR_DISABLED, METHOD_NOT_ALLOWED, BAD_USER_INPUT (reason INVALID_EMAIL), or SECOND_FACTOR_REQUIRED as startTotpEnrollment does; TwoFactorError: EMAIL_COOLDOWN, TOO_MANY_ATTEMPTS (wrong codes past the account’s or this network’s budget, too many codes e-mailed lately, to the account or the address, or the last code died of wrong tries: `reason` says which), SECOND_FACTOR_LOCKED, ALREADY_ENABLED, MAIL_FAILED; no code is sent while the next attempt would be refused.',
  })
  async startEmailEnrollment(
    @Arg('address', () => String, { description: 'Where codes will go.' }) address: string,
    @Ctx() ctx: Context,
  ): Promise<typeof EmailCodeResult> {
    ctx.services.twoFactor.requireRecentConfirmation(ctx);
    await this.assertFirstFactor(ctx);
    const sent = await ctx.services.twoFactor.startEmail(ctx, ctx.viewer!.account, session(ctx).id, address);
    return sent instanceof TwoFactorFailure
      ? TwoFactorError.from(sent)
      : Object.assign(new EmailCodeSent(), { sentAt: sent.sentAt, nextSendAfter: sent.retryAfter });
  }

  @Authorized(StageRule.ENROLL)
  @Mutation(() => EnableResult, {
    description:
      'Switches e-mail codes on with the code that was sent to the address. TwoFactorError: CODE_INVALID, CODE_EXPIRED, NOT_ENROLLING (no setup in progress, or it was restarted), ALREADY_ENABLED, TOO_MANY_ATTEMPTS (also a code dead of five wrong tries), SECOND_FACTOR_LOCKED. Throws TWO_FACTOR_DISABLED or METHOD_NOT_ALLOWED when the settings changed since the start, SECOND_FACTOR_REQUIRED as startTotpEnrollment does.',
  })
  async confirmEmailEnrollment(
    @Arg('code', () => String, { description: 'The 6-digit code from the e-mail.' }) code: string,
    @Ctx() ctx: Context,
  ): Promise<typeof EnableResult> {
    assertCodeGiven(code);
    await this.assertFirstFactor(ctx);
    const failure = await ctx.services.twoFactor.confirmEmail(ctx, ctx.viewer!.account, session(ctx).id, code);
    return failure ? TwoFactorError.from(failure) : this.enabled(ctx, TwoFactorMethod.EMAIL);
  }

  @Authorized(StageRule.ENROLL)
  @Mutation(() => GraphQLJSONObject, {
    description:
      'WebAuthn registration options for a new security key or passkey, for `startRegistration` in the browser (the challenge is valid 5 minutes). In a signed-in session, needs the sign-in or a re-authentication within the last `REAUTH_SECONDS` (else REAUTH_REQUIRED). Throws TWO_FACTOR_DISABLED, METHOD_NOT_ALLOWED (security keys not allowed, or `extensions.reason` RP_ID_NOT_A_DOMAIN), TOO_MANY_KEYS (the account has 20 security keys already, flagged ones included: `extensions.limit`), or SECOND_FACTOR_REQUIRED as startTotpEnrollment does.',
  })
  async webauthnRegistrationOptions(
    @Arg('name', () => String, { description: 'Friendly name for the device (1–64 characters).' }) name: string,
    @Ctx() ctx: Context,
  ): Promise<Record<string, unknown>> {
    ctx.services.twoFactor.requireRecentConfirmation(ctx);
    await this.assertFirstFactor(ctx);
    return ctx.services.webauthn.registrationOptions(ctx, ctx.viewer!.account, session(ctx).id, name);
  }

  @Authorized(StageRule.ENROLL)
  @Mutation(() => EnableResult, {
    description:
      'Verifies the browser’s registration response and stores the device. TwoFactorError: WEBAUTHN_FAILED (also for a response that names no challenge while a registration is in progress, which stays for its answer), NOT_ENROLLING (no registration in progress, or it expired), ALREADY_ENABLED (this key is registered to your account already; one held by another account answers WEBAUTHN_FAILED), TOO_MANY_KEYS (the account reached 20 keys meanwhile, by another registration). Throws TWO_FACTOR_DISABLED or METHOD_NOT_ALLOWED when the settings changed since the options, SECOND_FACTOR_REQUIRED as startTotpEnrollment does.',
  })
  async finishWebauthnRegistration(
    @Arg('response', () => GraphQLJSONObject, { description: 'The `startRegistration` result.', validate: false })
    response: Record<string, unknown>,
    @Ctx() ctx: Context,
  ): Promise<typeof EnableResult> {
    await this.assertFirstFactor(ctx);
    const saved = await ctx.services.webauthn.register(ctx, ctx.viewer!.account, session(ctx).id, response);
    return saved instanceof TwoFactorFailure ? TwoFactorError.from(saved) : this.enabled(ctx, TwoFactorMethod.WEBAUTHN);
  }

  @Authorized(StageRule.SESSION)
  @Mutation(() => WebauthnCredentialInfo, { description: 'Renames one of your security keys.' })
  async renameWebauthnCredential(
    @Arg('id', () => ID, { description: 'The device.' }) id: string,
    @Arg('name', () => String, { description: 'New name (1–64 characters).' }) name: string,
    @Ctx() ctx: Context,
  ): Promise<WebauthnCredentialInfo> {
    assertUuid(id, 'id');
    return WebauthnCredentialInfo.from(await ctx.services.webauthn.rename(ctx, ctx.viewer!.account, id, name));
  }

  @Authorized(StageRule.SESSION)
  @Mutation(() => Boolean, {
    description:
      'Removes one of your security keys. Needs a recent re-authentication, asked for after the refusals below (a removal they refuse asks for none). NOT_FOUND for an unknown key (or one not yours); LAST_METHOD_REQUIRED when a policy requires 2FA of you and it is your last usable method. WOULD_LOCK_YOU_OUT (reason NO_USABLE_METHOD_LEFT) when it is your last usable method, what stays cannot be used (a flagged key, e-mail codes admins may not use) and no recovery code is left. Removing the last second factor you hold deletes every recovery code.',
  })
  async removeWebauthnCredential(
    @Arg('id', () => ID, { description: 'The device.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    assertUuid(id, 'id');
    await this.removeMethod(
      ctx,
      { webauthnId: id },
      () => ctx.services.twoFactor.requireRecentReauth(ctx),
      async (tx) => {
        await ctx.services.webauthn.remove(tx, ctx.viewer!.account, id);
        return true;
      },
    );
    return true;
  }

  @Authorized(StageRule.SESSION)
  @Mutation(() => Boolean, {
    description:
      'Removes your authenticator app. Needs a recent re-authentication, asked for after the refusals below (a removal they refuse asks for none). NOT_FOUND when none is set up; LAST_METHOD_REQUIRED when a policy requires 2FA of you and it is your last usable method. WOULD_LOCK_YOU_OUT (reason NO_USABLE_METHOD_LEFT) when it is your last usable method, what stays cannot be used (a flagged key, e-mail codes admins may not use) and no recovery code is left. Removing the last second factor you hold deletes every recovery code.',
  })
  async disableTotp(@Ctx() ctx: Context): Promise<boolean> {
    const removed = await this.removeMethod(
      ctx,
      { totp: true },
      () => ctx.services.twoFactor.requireRecentReauth(ctx),
      (tx) => ctx.services.twoFactor.removeTotp(tx, ctx.viewer!.account),
    );
    if (!removed) throw notFound('Authenticator app');
    return true;
  }

  @Authorized(StageRule.SESSION)
  @Mutation(() => Boolean, {
    description:
      'Removes your e-mail codes. Needs a recent re-authentication, asked for after the refusals below (a removal they refuse asks for none). NOT_FOUND when none are set up; LAST_METHOD_REQUIRED when a policy requires 2FA of you and they are your last usable method. WOULD_LOCK_YOU_OUT (reason NO_USABLE_METHOD_LEFT) when it is your last usable method, what stays cannot be used (a flagged key, e-mail codes admins may not use) and no recovery code is left. Removing the last second factor you hold deletes every recovery code.',
  })
  async disableEmailFactor(@Ctx() ctx: Context): Promise<boolean> {
    const removed = await this.removeMethod(
      ctx,
      { email: true },
      () => ctx.services.twoFactor.requireRecentReauth(ctx),
      (tx) => ctx.services.twoFactor.removeEmail(tx, ctx.viewer!.account),
    );
    if (!removed) throw notFound('E-mail method');
    return true;
  }

  @Authorized(StageRule.SESSION)
  @Mutation(() => RecoveryCodes, {
    description:
      'Generates ten new recovery codes; the old set stops working. Needs a recent re-authentication. METHOD_NOT_SET_UP when you hold no second factor (a flagged security key counts).',
  })
  async generateRecoveryCodes(@Ctx() ctx: Context): Promise<RecoveryCodes> {
    const { account } = ctx.viewer!;
    const tf = ctx.services.twoFactor;
    tf.requireRecentReauth(ctx);
    // METHOD_NOT_SET_UP without a factor, checked under the factors' lock. A factor that cannot be used
    // now (a flagged security key) counts: recovery codes are then the account's way in, and renewable.
    return Object.assign(new RecoveryCodes(), { codes: await tf.generateRecoveryCodes(ctx, account) });
  }

  @Authorized(StageRule.SESSION)
  @Mutation(() => ReauthResult, {
    description:
      'Confirms it is you (password, and a second factor when the account has one) before a sensitive change. While 2FA is switched off for the system, the password alone is enough. Valid for a few minutes. Wrong passwords and second factors are audited (REAUTH_FAILED); the fifth wrong password in a row (SECOND_FACTOR_MAX_ATTEMPTS) ends this session: TwoFactorError UNAUTHENTICATED.',
  })
  async reauthenticate(
    @Arg('input', () => ReauthenticateInput, { description: 'Password and second factor.' }) input: ReauthenticateInput,
    @Ctx() ctx: Context,
  ): Promise<typeof ReauthResult> {
    if (input.secondFactor) assertProofGiven(input.secondFactor, 'input.secondFactor');
    const r = await ctx.services.twoFactor.reauthenticate(ctx, input.password, input.secondFactor ?? null);
    if (r instanceof TwoFactorFailure) return TwoFactorError.from(r);
    return Object.assign(new ReauthSuccess(), {
      validUntil: new Date(r.getTime() + ctx.services.config.twoFactor.reauthSeconds * 1000),
    });
  }

  /**
   * An enrollment-only session (a policy requires 2FA and the account had no factor at the password)
   * sets up the account's first factor. Once the account holds one (its holder set it up meanwhile,
   * in another session), this session must not add another beside it and come out signed in: that
   * would skip the second step. Signing in again asks for the factor.
   */
  private async assertFirstFactor(ctx: Context): Promise<void> {
    if (session(ctx).stage !== SessionStage.ENROLLMENT_REQUIRED) return;
    if (await ctx.services.twoFactor.holdsAnyFactor(ctx.viewer!.account)) {
      throw appError(ErrorCode.SECOND_FACTOR_REQUIRED, 'This account has a second factor now. Sign in again and use it.');
    }
  }

  /**
   * Removes one of your methods: the check that one is left and the removal (with its audit entry) run
   * in one transaction under a lock per account, so two removals at once cannot each count the other's
   * method as the one that stays.
   */
  private async removeMethod(
    ctx: Context,
    removing: { totp?: true; email?: true; webauthnId?: string },
    requireReauth: () => void,
    remove: (tx: Context) => Promise<boolean>,
  ): Promise<boolean> {
    const afterCommit: (() => void)[] = [];
    const removed = await ctx.em.transactional(async (em) => {
      await em.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`two_factor_methods:${ctx.viewer!.account.id}`]);
      const tx = { ...ctx, em, afterCommit } as Context;
      await this.assertKeepsAFactor(tx, removing);
      // A refusal first, then the recent confirmation: one asked for a removal that will be refused
      // anyway would cost the holder a code (a recovery code, say) for nothing. Nothing is written
      // before either.
      requireReauth();
      return remove(tx);
    });
    for (const run of afterCommit) run();
    return removed;
  }

  /**
   * Under a policy, the account keeps at least one usable factor: removing the last would leave its
   * next sign-in an enrollment anyone with the password could make, or one no method can finish (an
   * e-mail address the settings no longer let staff use is no factor here). Without one, a removal may
   * leave no factor at all (two-factor authentication off, the recovery codes deleted with the last),
   * but not only factors that cannot be used (a key flagged as a clone, e-mail codes while they are off
   * for staff) and no recovery code: the next sign-in would owe a second step nothing can give, and only
   * an admin's reset would let the holder in. `removing` names what goes.
   */
  private async assertKeepsAFactor(ctx: Context, removing: { totp?: true; email?: true; webauthnId?: string }): Promise<void> {
    const { account } = ctx.viewer!;
    const tf = ctx.services.twoFactor;
    // As committed, and unchanged until the removal commits: a policy switched on at the same moment
    // then either holds here or finds the method gone and signs the account out.
    const settings = await ctx.services.settings.twoFactorLocked(ctx.em);
    // The account's role and requires-2FA mark as committed, read under its row's lock (after the
    // settings', as the mark takes them): a mark set at the same moment either holds here, or finds the
    // method gone and signs the account out. (The request's own copy may predate it.)
    const [fresh] = await ctx.em.execute<{ role: Role; requires_two_factor: boolean }[]>(
      `select role, requires_two_factor from account where id = ? for no key update`,
      [account.id],
    );
    const now = fresh ? { role: fresh.role, requiresTwoFactor: fresh.requires_two_factor } : account;
    const required = await tf.policyRequires(ctx.em, now, settings);
    const m = await tf.summary(ctx.em, account.id);
    // Nothing the account holds as a factor goes (gone already, never there, or a setup not confirmed):
    // what is left is what there is, and the removal answers for itself (NOT_FOUND), not this judgement.
    const goes = removing.totp
      ? m.totp !== null
      : removing.email
        ? m.email !== null
        : m.webauthn.some((c) => c.id === removing.webauthnId);
    if (!goes) return;
    // E-mail codes count only where they can finish a sign-in (for staff, only when the settings allow them).
    const emailUsable = m.email !== null && (await tf.emailAllowedFor(ctx.em, now, settings));
    const left =
      (m.totp && !removing.totp ? 1 : 0) +
      (emailUsable && !removing.email ? 1 : 0) +
      m.webauthn.filter((c) => c.id !== removing.webauthnId && c.flaggedAt === null).length;
    if (left > 0) return;
    if (required) {
      throw appError(
        ErrorCode.LAST_METHOD_REQUIRED,
        'Two-factor authentication is required for your account: set up another method before removing this one.',
      );
    }
    const heldAfter =
      (m.email !== null && !removing.email ? 1 : 0) + m.webauthn.filter((c) => c.id !== removing.webauthnId).length;
    if (heldAfter > 0 && m.recoveryRemaining === 0) {
      throw appError(
        ErrorCode.WOULD_LOCK_YOU_OUT,
        'This is your last method that can sign you in: what would stay (a security key flagged as a copy, or e-mail codes admins may not use) cannot, and you have no recovery code left, so your next sign-in would fail. Remove that first, or set up another method.',
        { reason: 'NO_USABLE_METHOD_LEFT' },
      );
    }
  }

  private async enabled(ctx: Context, method: TwoFactorMethod): Promise<TwoFactorEnabled> {
    const { account } = ctx.viewer!;
    const tf = ctx.services.twoFactor;
    const m = await tf.summary(ctx.em, account.id);
    const recoveryCodes = m.recoveryRemaining === 0 ? await tf.generateRecoveryCodes(ctx, account, true) : null;
    let signedIn = false;
    if (session(ctx).stage === SessionStage.ENROLLMENT_REQUIRED) {
      // Only the account's first factor signs this session in: one set up by another session in the
      // same moment (after assertFirstFactor looked) leaves both to sign in again with a factor.
      const held = (m.totp ? 1 : 0) + (m.email ? 1 : 0) + m.webauthn.length;
      signedIn = held === 1 && (await ctx.services.auth.startFullSession(ctx, account, session(ctx))) instanceof Date;
    }
    // Other sessions that only the password opened (someone else's, maybe) may neither enroll nor read
    // the factors now held: they end, and sign in again with one.
    await ctx.services.sessions.endEnrollmentSessions(ctx.em, account.id, session(ctx).id, 'FACTOR_SET_UP');
    return Object.assign(new TwoFactorEnabled(), { method, recoveryCodes, signedIn });
  }

  // ── Administration ─────────────────────────────────────────────────────────────────────────────

  @Authorized(Permission.MANAGE_SETTINGS)
  @Query(() => TwoFactorSettingsType, { description: 'System-wide 2FA settings. Needs MANAGE_SETTINGS.' })
  async twoFactorSettings(@Ctx() ctx: Context): Promise<TwoFactorSettingsType> {
    return Object.assign(new TwoFactorSettingsType(), await ctx.services.settings.twoFactor(ctx.em));
  }

  @Authorized(Permission.MANAGE_SETTINGS)
  @Query(() => TwoFactorSettingsImpact, {
    description:
      'What updateTwoFactorSettings with this input would do at once (who would be signed out and led through setting up 2FA, including, when it switches 2FA on again, the sessions signed in with the password alone while it was off; and which staff would be left with only recovery codes), changing nothing: for the question asked before a policy is switched on. Judged on the settings as committed, as the save judges them. A change the save would refuse for what it does is refused here with the same error (BAD_USER_INPUT reason NOTHING_TO_ENROLL, WOULD_LOCK_YOU_OUT, ENROLL_YOURSELF_FIRST), so that nobody is asked to confirm a change that cannot be saved; the re-authentication a weakening change needs is not asked for here. The issuer does not bear on it, and the enrollment-only sessions a switch-off ends are not counted. Needs MANAGE_SETTINGS.',
  })
  async twoFactorSettingsImpact(
    @Arg('input', () => TwoFactorSettingsInput, { description: 'The change, as it would be saved.' })
    input: TwoFactorSettingsInput,
    @Ctx() ctx: Context,
  ): Promise<TwoFactorSettingsImpact> {
    // The settings as committed (not this instance's copy of them), as the save judges them; without the
    // save's lock: a read that changes nothing holds up no save (nor whoever waits behind one).
    const before = await ctx.services.settings.twoFactorCommitted(ctx.em);
    const after = await this.assertChangeAllowed(ctx, ctx.em, before, input, allowedMethodsOf(input));
    const impact = await settingsImpact(ctx.em, before, after, ctx.viewer!.account.id, ctx.viewer!.session?.id ?? null);
    return Object.assign(new TwoFactorSettingsImpact(), {
      accountsNewlyRequired: impact.newlyRequired,
      staffNewlyRequired: impact.newlyRequiredStaff,
      accountsSignedOut: impact.signedOut,
      sessionsEnded: impact.sessionsEnded,
      staffLeftWithoutUsableFactor: impact.staffLeftWithoutUsableFactor,
      staffWithoutRecoveryCode: impact.staffWithoutRecoveryCode,
    });
  }

  /**
   * Refuses a change of the 2FA settings for what it would do, as the save and its preview both answer
   * it (the re-authentication a weakening change needs aside): nothing left to set up, you or every
   * admin unable to sign in afterwards, a policy put on your own account before you set up a method.
   * Returns the settings as they would be.
   */
  private async assertChangeAllowed(
    ctx: Context,
    tx: EntityManager,
    before: TwoFactorSettings,
    input: TwoFactorSettingsInput,
    methods: TwoFactorMethod[] | undefined,
  ): Promise<TwoFactorSettings> {
    // Something must be left to set up, for everyone and for the staff a policy covers: an account a
    // policy sends to enrollment with nothing to enroll could never finish signing in.
    // Security keys cannot be set up on a server reached by an IP address (no RP ID a browser accepts).
    const keys = ctx.services.config.webauthnRpId !== null;
    const allowed = methods ?? before.allowedMethods;
    const forStaff = input.emailForStaff ?? before.emailForStaff;
    const { everyone: enrollable, staff: staffEnrollable } = leftToEnroll(allowed, forStaff, keys);
    if (enrollable.length === 0 || ((input.requiredForStaff ?? before.requiredForStaff) && staffEnrollable.length === 0)) {
      // Where keys cannot be set up, neither sentence offers them, and the last one says why.
      const noKeys = keys
        ? ''
        : ' Security keys cannot be set up on this server: it is reached by an IP address, not a domain name.';
      throw badInput([
        {
          field: 'allowedMethods',
          reason: 'NOTHING_TO_ENROLL',
          message:
            (enrollable.length === 0
              ? `Allow at least one of authenticator app${keys ? ', security key' : ''} or e-mail codes: recovery codes only back one up.`
              : `Admins and sub-admins must set up 2FA but could set up nothing: allow an authenticator app${keys ? ' or security keys' : ''} (or e-mail codes for them).`) +
            noKeys,
        },
      ]);
    }
    const after: TwoFactorSettings = {
      ...before,
      enabled: input.enabled ?? before.enabled,
      allowedMethods: allowed,
      requiredForStaff: input.requiredForStaff ?? before.requiredForStaff,
      emailForStaff: forStaff,
    };
    const me = ctx.viewer!.account.id;
    // E-mail codes off for staff while they are your own only factor would lock you out at your
    // next sign-in (the lost-device flow would be the way back): refused until you set up another.
    // Judged on the settings as they will be, so that switching 2FA on in the same change (or
    // turning e-mail codes off while 2FA is off, then switching it on) is no way around it.
    const staffEmailOff = (x: TwoFactorSettings) => x.enabled && !x.emailForStaff;
    if (staffEmailOff(after) && !staffEmailOff(before)) {
      const own = await ctx.services.twoFactor.summary(tx, me);
      const others = (own.totp ? 1 : 0) + own.webauthn.filter((c) => c.flaggedAt === null).length;
      if (own.email && others === 0) {
        throw appError(
          ErrorCode.WOULD_LOCK_YOU_OUT,
          'Your own second factor is e-mail codes: set up an authenticator app or a security key before turning them off for admins.',
          { reason: 'OWN_EMAIL_CODES' },
        );
      }
    }
    // Switching 2FA on, or e-mail codes off for staff, can leave accounts holding only a factor sign-in
    // refuses (e-mail codes from staff, a security key flagged as a possible copy) with no recovery
    // code: refused when that is your own (you could not sign in again), or every enabled admin's
    // (only the server's CLI could reset an admin then), where it was not so before.
    if ((after.enabled && !before.enabled) || (staffEmailOff(after) && !staffEmailOff(before))) {
      if (!(await ableToSignIn(tx, after, me)) && (await ableToSignIn(tx, before, me))) {
        throw appError(
          ErrorCode.WOULD_LOCK_YOU_OUT,
          'You could not sign in afterwards: your only second factor would be refused (e-mail codes while they are off for admins, or a security key flagged as a possible copy) and you have no recovery code left. Set up an authenticator app or a security key first.',
          { reason: 'SELF' },
        );
      }
      if ((await adminsAbleToSignIn(tx, after)) === 0 && (await adminsAbleToSignIn(tx, before)) > 0) {
        throw appError(
          ErrorCode.WOULD_LOCK_YOU_OUT,
          'No admin could sign in afterwards: every enabled admin’s only second factor would be refused (e-mail codes while they are off for admins, or a security key flagged as a possible copy) and none has a recovery code left. Have one set up an authenticator app or a security key first.',
          { reason: 'NO_ADMIN_LEFT' },
        );
      }
    }
    // A policy the change puts on your own account while it holds no usable factor: refused (it
    // would end your own sessions too); one you owed already (set before) does not stop you changing things.
    if ((await owesEnrollment(tx, after, me)) && !(await owesEnrollment(tx, before, me))) {
      throw appError(
        ErrorCode.ENROLL_YOURSELF_FIRST,
        'These settings would require two-factor authentication of your own account, which has no method set up: set one up on your Security page first.',
      );
    }
    return after;
  }

  @Authorized(Permission.MANAGE_SETTINGS)
  @Mutation(() => TwoFactorSettingsType, {
    description:
      'Changes the system-wide 2FA settings. Needs MANAGE_SETTINGS; switching 2FA off, no longer requiring it of staff, allowing e-mail codes for staff, allowing e-mail codes again or no longer allowing the authenticator app or security keys also needs a recent re-authentication (not possible with an API token). In force at once: the live sessions of accounts that newly owe an enrollment (a policy requires 2FA of them and they hold no usable factor) end; switched off, every enrollment-only session ends (nothing can be set up); switched on again, the sessions signed in with the password alone while it was off by accounts holding a factor or a recovery code end (the admin saving it spared), and such accounts’ re-authentications made while it was off (the password alone) no longer count, the saver’s included; the audit entry counts the sessions ended; at their next sign-in those holding no factor are led through setting one up, and those holding only one that cannot be used now (a flagged security key, e-mail codes while they are off for staff) are asked for a recovery code, or refused with SECOND_FACTOR_UNAVAILABLE when none is left. Turning emailForStaff off while 2FA is not required of staff leaves staff whose only factor is e-mail codes signed in, but their next sign-in asks for a recovery code or answers SECOND_FACTOR_UNAVAILABLE (twoFactorSettingsImpact counts them: staffLeftWithoutUsableFactor). A change that would require 2FA of your own account while it holds no usable factor is refused (ENROLL_YOURSELF_FIRST); one turning e-mail codes off for staff while they are your only second factor, WOULD_LOCK_YOU_OUT with reason OWN_EMAIL_CODES; one after which no enabled admin could sign in where one could before (by anyone: a sub-admin, a token), WOULD_LOCK_YOU_OUT with reason NO_ADMIN_LEFT; one leaving nothing to set up (for everyone, or for staff it requires 2FA of), BAD_USER_INPUT, reason NOTHING_TO_ENROLL.',
  })
  async updateTwoFactorSettings(
    @Arg('input', () => TwoFactorSettingsInput, { description: 'Fields to change.' }) input: TwoFactorSettingsInput,
    @Ctx() ctx: Context,
  ): Promise<TwoFactorSettingsType> {
    const issuer = input.issuer?.trim();
    // One line of visible text: it names the account in every authenticator app and the site in key prompts.
    if (input.issuer != null && issuer && (hasControlCharacter(issuer) || hasFormatCharacter(issuer))) {
      throw badInput([
        {
          field: 'issuer',
          reason: 'CONTROL_CHARACTER',
          message: 'The issuer must be one line of text, without control or invisible formatting characters.',
        },
      ]);
    }
    if (input.issuer != null && (!issuer || !showsSomething(issuer) || /[:]/.test(issuer))) {
      throw badInput([{ field: 'issuer', reason: 'INVALID', message: 'The issuer must be 1 to 64 characters without a colon.' }]);
    }
    const methods = allowedMethodsOf(input);
    // Judged against the stored settings, read afresh under the settings' lock.
    const settingsTarget = { type: 'Settings', id: 'twoFactor' };
    const after = await ctx.services.settings.updateTwoFactor(
      ctx.em,
      ctx.viewer!.account.id,
      async (before, tx) => {
        // A change refused for what it does is refused before anyone is asked to confirm it is them.
        const judged = await this.assertChangeAllowed(ctx, tx, before, input, methods);
        // Weakening the second step for everyone (off, no longer required of staff, e-mail codes for
        // staff, e-mail codes allowed again: the weakest method, NIST SP 800-63B's restricted one; the
        // authenticator app or security keys no longer allowed: nobody can set them up any more, and
        // what is left to set up, staff's policy-forced enrollments too, may be e-mail codes alone) is
        // as sensitive as removing one's own method: a recent re-authentication first, never a token.
        const allowed = judged.allowedMethods;
        const takenAway = (m: TwoFactorMethod) => before.allowedMethods.includes(m) && !allowed.includes(m);
        const weakens =
          (input.enabled === false && before.enabled) ||
          (input.requiredForStaff === false && before.requiredForStaff) ||
          (input.emailForStaff === true && !before.emailForStaff) ||
          (allowed.includes(TwoFactorMethod.EMAIL) && !before.allowedMethods.includes(TwoFactorMethod.EMAIL)) ||
          takenAway(TwoFactorMethod.TOTP) ||
          takenAway(TwoFactorMethod.WEBAUTHN);
        if (weakens) ctx.services.twoFactor.requireRecentReauth(ctx);
        return {
          enabled: input.enabled ?? undefined,
          issuer,
          allowedMethods: methods,
          requiredForStaff: input.requiredForStaff ?? undefined,
          emailForStaff: input.emailForStaff ?? undefined,
        };
      },
      async (tx, before, after) => {
        const me = ctx.viewer!.account.id;
        // In force at once: whoever owes an enrollment now is signed out, and is led through it at the next sign-in.
        if (!before.enabled && after.enabled) await lockForSwitchOn(tx, after);
        let sessionsEnded = await signOutOwingEnrollment(tx, after, null, me, before);
        // Switched off: when, kept; and nothing can be set up while it is off, so the enrollment-only
        // sessions end (their holders sign in with the password alone). Switched on again: whoever
        // signed in since without the second step it now asks of them is signed out.
        if (before.enabled && !after.enabled) {
          await rememberSwitchedOff(tx, me);
          sessionsEnded += await ctx.services.sessions.endAllEnrollmentSessions(tx, 'TWO_FACTOR_OFF');
        }
        if (!before.enabled && after.enabled) {
          sessionsEnded += await signOutSignedInWhileOff(tx, { accountId: me, sessionId: ctx.viewer!.session?.id ?? null });
        }
        // Audited with the sessions it ended.
        await ctx.services.audit.record({ ...ctx, em: tx }, AuditAction.SETTINGS_CHANGED, settingsTarget, {
          before,
          after,
          ...(sessionsEnded > 0 ? { sessionsEnded } : {}),
        });
      },
    );
    return Object.assign(new TwoFactorSettingsType(), after);
  }

  @Authorized(Permission.MANAGE_USERS, Permission.REPORT_LOGINS)
  @Mutation(() => RequiresTwoFactorMark, {
    description:
      'Marks a user as required to use 2FA (e.g. "has created orders"), or clears the mark. Name the user by accountId or by email (what an integrator knows), not both. A staff account answers NOT_FOUND, as an unknown one does, when named by email or asked by whoever lacks MANAGE_USERS; by accountId to one with MANAGE_USERS it is BAD_USER_INPUT, reason NOT_A_USER. In force at once: a marked user without a usable factor is signed out everywhere; at the next sign-in one holding no factor is led through enrollment, and one holding only an unusable factor (a flagged security key) is asked for a recovery code or refused with SECOND_FACTOR_UNAVAILABLE. Needs MANAGE_USERS or REPORT_LOGINS (integrators).',
  })
  async setRequiresTwoFactor(
    @Arg('required', () => Boolean, { description: 'True to require 2FA.' }) required: boolean,
    @Ctx() ctx: Context,
    @Arg('accountId', () => ID, { nullable: true, description: 'The user’s id (or give email).' }) accountId?: string | null,
    @Arg('email', () => String, { nullable: true, description: 'The user’s e-mail address, any case (or give accountId).' })
    email?: string | null,
  ): Promise<RequiresTwoFactorMark> {
    if ((accountId == null) === (email == null)) {
      throw badInput([{ field: 'accountId', reason: 'ONE_OF', message: 'Name the user by accountId or by email, not both.' }]);
    }
    if (accountId != null) assertUuid(accountId, 'accountId');
    if (email != null && (email.length > 254 || !email.includes('@'))) {
      throw badInput([{ field: 'email', reason: 'INVALID_EMAIL', message: 'Give the account’s e-mail address.' }]);
    }
    // The mark and its audit entry commit together, under the account row's lock (two changes at once
    // are audited once each, in order).
    return ctx.em.transactional(async (tx) => {
      // The settings as committed, and no change of them until this commits (before the account row's
      // lock, which a change of them takes after theirs): a policy switched on at the same moment then
      // either finds the mark or is what this acts on.
      const settings = await ctx.services.settings.twoFactorLocked(tx);
      const [row] = await tx.execute<{ id: string }[]>(
        accountId != null
          ? `select id from account where id = ? for no key update`
          : `select id from account where email = ? for no key update`,
        [accountId ?? normalizeEmail(email!)],
      );
      if (!row) throw notFound('Account');
      const account = await tx.findOneOrFail(Account, { id: row.id }, { refresh: true });
      // By address (an integrator's way), or to whoever does not manage users (an integration with
      // REPORT_LOGINS alone), a staff account answers as an unknown one does: the integrator learns
      // nothing about who the staff are.
      if (account.role !== Role.USER && (accountId == null || !hasPermission(ctx.viewer!, Permission.MANAGE_USERS))) {
        throw notFound('Account');
      }
      if (account.role !== Role.USER) {
        throw badInput([
          {
            field: accountId != null ? 'accountId' : 'email',
            reason: 'NOT_A_USER',
            message: 'The mark is for users; staff follow the “required for staff” setting.',
          },
        ]);
      }
      if (account.requiresTwoFactor !== required) {
        account.requiresTwoFactor = required;
        await tx.flush();
        // In force at once: a marked user without a usable factor is signed out, and is led through
        // enrollment at the next sign-in.
        const sessionsEnded = required ? await signOutOwingEnrollment(tx, settings, [account.id], null) : 0;
        await ctx.services.audit.record({ ...ctx, em: tx }, AuditAction.REQUIRES_TWO_FACTOR_CHANGED, target(account), {
          required,
          ...(sessionsEnded > 0 ? { sessionsEnded } : {}),
        });
      }
      // An integrator knows its customer's address; the account's own data (name, sign-in times,
      // state) is for who manages users.
      return Object.assign(new RequiresTwoFactorMark(), {
        accountId: account.id,
        requiresTwoFactor: account.requiresTwoFactor,
        account: hasPermission(ctx.viewer!, Permission.MANAGE_USERS) ? account : null,
      });
    });
  }

  @Authorized(Permission.MANAGE_USERS)
  @Query(() => TwoFactorCompliance, {
    description:
      'Every account’s 2FA status and methods, for audits: counts over all accounts, rows a page at a time. Needs MANAGE_USERS; a sub-admin sees (and counts) only the accounts whose role it may manage (users; sub-admins with MANAGE_SUB_ADMINS), never admins.',
  })
  async twoFactorCompliance(
    @Arg('withoutTwoFactor', () => Boolean, { nullable: true, description: 'Only accounts without 2FA.' })
    without: boolean | null,
    @Ctx() ctx: Context,
    @Arg('page', () => PageInput, { nullable: true, description: 'Paging (by role, then e-mail).' }) page?: PageInput,
  ): Promise<TwoFactorCompliance> {
    const s = await ctx.services.settings.twoFactor(ctx.em);
    // A sub-admin audits the accounts it may manage, not the admins (nor sub-admins without MANAGE_SUB_ADMINS).
    const roles = [Role.ADMIN, Role.SUB_ADMIN, Role.USER].filter((r) => mayManageRole(ctx.viewer!, r));
    const report = await complianceReport(ctx.em, s, without === true, page ?? new PageInput(), roles);
    return Object.assign(new TwoFactorCompliance(), {
      ...report,
      rows: report.rows.map((r) => Object.assign(new TwoFactorComplianceRow(), r)),
    });
  }

  @Authorized(Permission.MANAGE_USERS, Permission.MANAGE_SUB_ADMINS)
  @Mutation(() => Boolean, {
    description:
      'Unlocks second-step sign-in for an account locked after too many consecutive failures (the attempt limits still apply). An account that is not locked is left as it is, its count of consecutive failures included: BAD_USER_INPUT, reason NOT_LOCKED. Not your own account (another admin unlocks it, or the server’s unlock-2fa command): BAD_USER_INPUT, reason SELF. Users need MANAGE_USERS, sub-admins MANAGE_SUB_ADMINS, admins an admin. Needs a recent re-authentication (not possible with an API token).',
  })
  async unlockSecondFactor(
    @Arg('accountId', () => ID, { description: 'The account.' }) accountId: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    const account = await managedAccount(ctx, accountId);
    // "Until an admin unlocks it" means another admin: whoever was guessing at your second step must
    // not be let on again by a session of yours (one re-authenticated just before the lock, say).
    if (account.id === ctx.viewer!.account.id) {
      throw badInput([{ field: 'accountId', reason: 'SELF', message: 'Another admin must unlock your second step.' }]);
    }
    ctx.services.twoFactor.requireRecentReauth(ctx);
    if (!(await ctx.services.twoFactor.unlock(ctx, account))) throw notLocked();
    return true;
  }

  @Authorized(Permission.MANAGE_USERS, Permission.MANAGE_SUB_ADMINS)
  @Mutation(() => ResetResult, {
    description:
      'Lost device: removes every second factor of another account, signs it out everywhere and e-mails the holder (the API tokens it minted for integrations stay: a lost device leaks none of their secrets; treating the account as compromised revokes them). Users need MANAGE_USERS, sub-admins MANAGE_SUB_ADMINS, admins an admin. Resetting an admin waits for a second admin’s approval (TwoFactorResetPending) when at least one other admin of at least a day exists besides you and the target, enabled or not; otherwise it is carried out at once, unless such an admin was deleted less than a day ago: APPROVER_RECENTLY_DELETED (with `extensions.retryAfter`), and nothing changes. Where a second admin must approve and no request waits, you must have been an admin for at least a day to ask (else FORBIDDEN, reason REQUESTER_TOO_NEW, with `extensions.retryAfter`; nothing changes): whoever made you could otherwise approve your request. Only enabled ones are asked. Asking again while a request waits answers that request (or replaces it when its requester is no longer an enabled admin, or the account has since signed in or set up a method or new recovery codes); the answer says which (newRequest), whom a new request e-mailed (adminsAsked) and who asked for a waiting one (request). An account with no second factor, unused recovery code or second-step lock has nothing to reset: METHOD_NOT_SET_UP, and nothing changes (its sessions go on). Your own account: BAD_USER_INPUT, reason SELF. Needs a recent re-authentication (not possible with an API token).',
  })
  async resetTwoFactor(
    @Arg('accountId', () => ID, { description: 'The account.' }) accountId: string,
    @Ctx() ctx: Context,
  ): Promise<typeof ResetResult> {
    const viewer = ctx.viewer!;
    const account = await managedAccount(ctx, accountId);
    if (account.id === viewer.account.id) {
      throw badInput([{ field: 'accountId', reason: 'SELF', message: 'Manage your own methods on your Security page.' }]);
    }
    ctx.services.twoFactor.requireRecentReauth(ctx);
    // Nothing to reset: nothing is asked of other admins, nobody signed out or e-mailed.
    if (TwoFactorService.holdsNothing(await ctx.services.twoFactor.heldForReset(ctx.em, account.id))) throw nothingToReset();
    if (account.role === Role.ADMIN) {
      // Every other admin of at least a day counts, enabled or not: were disabled ones left out, an admin
      // could disable the others, reset alone and enable them again. Admins younger than that are no second
      // opinion (the requester may have made them) and cannot approve, so they count as none: a request
      // only they could approve would wait for nobody. Only enabled ones are asked; with none enabled the
      // request waits until one is.
      const since = new Date(Date.now() - APPROVER_MIN_AGE_MS);
      const others = await ctx.em.find(Account, {
        role: Role.ADMIN,
        id: { $nin: [account.id, viewer.account.id] },
        createdAt: { $lte: since },
      });
      const approvers = others.filter((a) => a.disabledAt === null);
      // Nor is the approval dodged by deleting the approvers: an admin of at least a day deleted within
      // the last day still counts, as a disabled one does. None could approve, so the reset is refused
      // (nothing asked, nothing written) until a day after that deletion; the CLI is not held back.
      if (others.length === 0) {
        const [deleted] = await ctx.em.execute<{ last: Date | null }[]>(
          `select max(occurred_at) as last from audit_log
            where action = ? and occurred_at > ? and details->>'role' = ?
              and coalesce((details->>'accountCreatedAt')::timestamptz <= ?, true)`,
          [AuditAction.ACCOUNT_DELETED, since, Role.ADMIN, since],
        );
        if (deleted?.last) {
          const at = new Date(new Date(deleted.last).getTime() + APPROVER_MIN_AGE_MS);
          throw appError(
            ErrorCode.APPROVER_RECENTLY_DELETED,
            `An admin who would have been asked to approve this was deleted less than a day ago. You can reset an admin's 2FA without a second admin's approval from ${at.toISOString()}, or from the server's command line.`,
            { retryAfter: at.toISOString() },
          );
        }
      }
      if (others.length > 0) {
        // One open request per account, also when two admins ask at once (a lock per account): asking
        // again answers the one waiting, unless its requester no longer stands behind it (disabled or
        // no longer an admin), which nobody could approve: that one is closed and this one replaces it.
        // The request and its audit entry commit together.
        const { req, created } = await ctx.em.transactional(async (tx) => {
          await tx.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`two_factor_reset_request:${account.id}`]);
          // The requester read `for share`: a disable, deletion or "treat as compromised" of it in
          // progress (each locks its row, then closes the requests it made) is waited for, and then this
          // request is refused rather than left open behind it (as an API token being minted is).
          const stands = await actorStands(tx, viewer.account.id, viewer.session?.id ?? null);
          if (!stands) throw appError(ErrorCode.UNAUTHENTICATED, 'Your session has ended or your account is no longer enabled.');
          const open = await tx.findOne(
            TwoFactorResetRequest,
            { target: account.id, approvedAt: null, expiresAt: { $gt: new Date() } },
            { populate: ['requestedBy'], refresh: true },
          );
          // One the account made moot since (it signed in, or set up a factor) is replaced too: approved,
          // it would wipe what the account uses now.
          // So is one asked for by an admin of less than a day (made before that was refused): nobody can approve it.
          if (
            open &&
            standsBehind(open.requestedBy) &&
            oldEnough(open.requestedBy, open.createdAt) &&
            !(await recoveredSince(tx, account.id, open.createdAt))
          )
            return { req: open, created: false };
          // An admin of less than a day cannot ask where another admin must approve: its request would be
          // no second person's decision (whoever made it could approve it). Another admin can ask.
          if (!oldEnough(viewer.account, new Date())) {
            const from = new Date(viewer.account.createdAt.getTime() + APPROVER_MIN_AGE_MS);
            throw appError(
              ErrorCode.FORBIDDEN,
              `An admin of less than a day cannot ask for a reset of another admin's 2FA: ask another admin to, or ask again from ${from.toISOString()}.`,
              { reason: 'REQUESTER_TOO_NEW', retryAfter: from.toISOString() },
            );
          }
          // Closed by the database's clock, as an approval waiting for its row compares it.
          if (open)
            await tx.execute(`update two_factor_reset_request set expires_at = clock_timestamp() where id = ?`, [open.id]);
          const made = tx.create(TwoFactorResetRequest, {
            target: account.id,
            requestedBy: viewer.account.id,
            expiresAt: new Date(Date.now() + RESET_REQUEST_TTL_MS),
          });
          await tx.flush();
          await ctx.services.audit.record({ ...ctx, em: tx }, AuditAction.TWO_FACTOR_RESET_REQUESTED, target(account), {
            requestId: made.id,
            ...(open ? { replaces: open.id } : {}),
          });
          return { req: made, created: true };
        });
        if (created) ctx.services.twoFactor.askForApproval(approvers, account, viewer.account, req.expiresAt);
        return Object.assign(new TwoFactorResetPending(), {
          requestId: req.id,
          expiresAt: req.expiresAt,
          request: requestInfo(viewer.account, {
            id: req.id,
            target: account,
            requestedBy: created ? viewer.account : req.requestedBy,
            createdAt: req.createdAt,
            expiresAt: req.expiresAt,
          }),
          newRequest: created,
          adminsAsked: created ? approvers.length : 0,
        });
      }
    }
    // (Its factors may have gone meanwhile.)
    if ((await ctx.services.twoFactor.resetAll(ctx, account)) === 'NOTHING_HELD') throw nothingToReset();
    return Object.assign(new TwoFactorResetDone(), { account });
  }

  @Authorized(Role.ADMIN)
  @Query(() => [TwoFactorResetRequestInfo], {
    description:
      'Resets of admins’ 2FA waiting for a second admin; not those whose requester has since been disabled or is no longer an admin (nobody can approve them; asking again replaces them). Admins only.',
  })
  async pendingTwoFactorResets(@Ctx() ctx: Context): Promise<TwoFactorResetRequestInfo[]> {
    const rows = await ctx.em.find(
      TwoFactorResetRequest,
      { approvedAt: null, expiresAt: { $gt: new Date() } },
      { populate: ['target', 'requestedBy'], orderBy: { createdAt: 'asc' } },
    );
    return rows.filter((r) => standsBehind(r.requestedBy)).map((r) => requestInfo(ctx.viewer!.account, r));
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => Boolean, {
    description:
      'Withdraws a reset of an admin’s 2FA waiting for a second admin (a mistaken one, or one its holder objects to): nobody can approve it any more, nothing else changes; audited (TWO_FACTOR_RESET_REQUEST_CLOSED, reason WITHDRAWN) and the target e-mailed. By its requester or any other admin, not by its target (FORBIDDEN: a session of the account being reset is not to stop it). NOT_FOUND for a request that is unknown or no longer waits. Also e-mailed: its requester, when another admin withdrew it, and the admins who were asked to approve it (nothing is left for them to do). Needs a recent re-authentication (not possible with an API token). Admins only.',
  })
  async withdrawTwoFactorReset(
    @Arg('requestId', () => ID, { description: 'The request.' }) requestId: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    assertUuid(requestId, 'requestId');
    const req = await ctx.em.findOne(TwoFactorResetRequest, { id: requestId });
    if (!req || req.approvedAt !== null || req.expiresAt.getTime() <= Date.now()) throw notFound('Reset request');
    if (req.target.id === ctx.viewer!.account.id) {
      throw appError(ErrorCode.FORBIDDEN, 'A reset of your own two-factor authentication is withdrawn by another admin.');
    }
    ctx.services.twoFactor.requireRecentReauth(ctx);
    if (!(await ctx.services.twoFactor.withdrawReset(ctx, requestId))) throw notFound('Reset request');
    return true;
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ResetResult, {
    description:
      'Second admin’s approval of a reset of an admin’s 2FA: carries it out. Not by the requester or the target, and only by an admin who had been one for at least a day when the reset was asked for, of a request asked for by such an admin too (else FORBIDDEN, reason SECOND_ADMIN_ONLY, APPROVER_TOO_NEW, or REQUESTED_BY_NEW_ADMIN when only the requester was too new). A target that no longer holds anything to reset: METHOD_NOT_SET_UP, and the request is closed. FORBIDDEN, reason APPROVER_DISABLED, when you are disabled while your approval waits. CONFLICT, reason REQUESTER_GONE, when the requester is no longer an enabled admin (disabling it closes its requests for good; ask again); CONFLICT, reason TARGET_RECOVERED, when the account signed in, or set up a method or new recovery codes, after the reset was asked for: it is not locked out, the request is closed, and nothing else changes (ask again if a reset is still needed). NOT_FOUND for a request that is unknown, approved already, lapsed or closed, or claimed by another approval at the same moment. Needs a recent re-authentication.',
  })
  async approveTwoFactorReset(
    @Arg('requestId', () => ID, { description: 'The request.' }) requestId: string,
    @Ctx() ctx: Context,
  ): Promise<typeof ResetResult> {
    assertUuid(requestId, 'requestId');
    const viewer = ctx.viewer!;
    const req = await ctx.em.findOne(TwoFactorResetRequest, { id: requestId }, { populate: ['target', 'requestedBy'] });
    if (!req || req.approvedAt !== null) throw notFound('Reset request');
    // Closed or lapsed: one whose requester is disabled now (disabling closes its requests) is said to
    // be so, as one refused for it below, since the way on is to ask again.
    if (req.expiresAt.getTime() <= Date.now()) throw standsBehind(req.requestedBy) ? notFound('Reset request') : requesterGone();
    if (req.requestedBy.id === viewer.account.id || req.target.id === viewer.account.id) {
      throw appError(ErrorCode.FORBIDDEN, 'A second admin (neither the requester nor the target) must approve.', {
        reason: 'SECOND_ADMIN_ONLY',
      });
    }
    // An admin made shortly before the request (possibly by the requester) is no second opinion; nor is
    // a request asked for by one (a request made before requesters were held to this).
    if (!mayApprove(viewer.account, req)) {
      // Your own age first: an approver too new could not ask again either.
      throw !oldEnough(viewer.account, req.createdAt)
        ? appError(
            ErrorCode.FORBIDDEN,
            'Only an admin who had been one for at least a day when the reset was asked for can approve it.',
            { reason: 'APPROVER_TOO_NEW' },
          )
        : appError(
            ErrorCode.FORBIDDEN,
            'This reset was asked for by an admin of less than a day: nobody can approve it. Ask for it again yourself.',
            { reason: 'REQUESTED_BY_NEW_ADMIN' },
          );
    }
    // A requester disabled or demoted since then no longer stands behind the request (checked again
    // when the approval claims it, in case that happens meanwhile).
    if (!standsBehind(req.requestedBy)) throw requesterGone();
    ctx.services.twoFactor.requireRecentReauth(ctx);
    // Claimed in the reset's own transaction: approved and carried out, or neither.
    const done = await ctx.services.twoFactor.resetAll(ctx, req.target, { requestId: req.id, approverId: viewer.account.id });
    if (done === 'NOTHING_HELD') throw nothingToReset();
    if (done === 'RECOVERED') throw targetRecovered();
    if (!done) throw notFound('Reset request');
    return Object.assign(new TwoFactorResetDone(), { account: req.target });
  }
}

/** An unlock of an account that is not locked (as the CLI's unlock-2fa, it changes nothing). */
const notLocked = () =>
  badInput([
    {
      field: 'accountId',
      reason: 'NOT_LOCKED',
      message: 'Second-step sign-in is not locked for this account: nothing to unlock (nothing changed).',
    },
  ]);

/** An enrollment's confirmation code: blank or overlong is bad input, refused before an attempt is taken. */
function assertCodeGiven(code: string): void {
  if (!code.trim()) throw badInput([{ field: 'code', reason: 'REQUIRED', message: 'Enter the 6-digit code.' }]);
  if (code.length > 32) throw badInput([{ field: 'code', reason: 'TOO_LONG', message: 'Enter the 6-digit code.' }]);
}
