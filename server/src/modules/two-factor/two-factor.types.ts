import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ErrorCode } from '../../common/errors/codes.js';
import { ErrorResult } from '../../common/errors/error-result.js';
import { Role } from '../../common/auth/roles.js';
import { Account } from '../account/account.entity.js';
import { SessionStage } from '../session/session.entity.js';
import { TooManyAttemptsReason, TwoFactorMethod, type WebauthnCredential } from './two-factor.entity.js';
import type { TwoFactorFailure } from './two-factor.service.js';

@ObjectType('TwoFactorError', {
  implements: ErrorResult,
  description:
    'An expected second-factor failure: wrong, expired or reused code, limits, wrong state. From `login` also SECOND_FACTOR_UNAVAILABLE (a right password, but the account’s factors cannot be used now and no recovery code is left; with or without `secondFactor`, and no session is started) and UNAUTHENTICATED (a right password and app code, but the account’s sessions were all ended while it signed in: the code is used up; sign in again with the next one); from `reauthenticate` also INVALID_CREDENTIALS (wrong password), SECOND_FACTOR_REQUIRED (the account has a method and none was given) and SECOND_FACTOR_UNAVAILABLE; from `verifySecondFactor` also UNAUTHENTICATED (the pending sign-in ended meanwhile: sign in again).',
})
export class TwoFactorError extends ErrorResult {
  @Field(() => Date, {
    nullable: true,
    description:
      'When to try again: the end of a spent attempt or e-mail budget (TOO_MANY_ATTEMPTS), of the attempt window after a code dead of five wrong tries was sent (TOO_MANY_ATTEMPTS: a new code may be asked for then), or of the e-mail cool-down (EMAIL_COOLDOWN). Null where waiting does not help.',
  })
  retryAfter!: Date | null;

  @Field(() => TooManyAttemptsReason, {
    nullable: true,
    description:
      'With TOO_MANY_ATTEMPTS, which limit: wrong codes (WRONG_CODES), codes e-mailed (CODES_EMAILED), or an e-mailed code dead of wrong tries (CODE_DEAD). Null with other codes.',
  })
  reason!: TooManyAttemptsReason | null;

  static from(f: TwoFactorFailure): TwoFactorError {
    return Object.assign(new TwoFactorError(), { code: f.code, message: f.message, retryAfter: f.retryAfter, reason: f.reason });
  }
}

@ObjectType('SecondFactorRequired', { description: 'Password accepted; finish with one of the listed methods.' })
export class SecondFactorRequired {
  @Field(() => [TwoFactorMethod], { description: 'Methods this account can use now.' })
  methods!: TwoFactorMethod[];

  @Field(() => Date, { description: 'The pending sign-in ends at this time.' })
  expiresAt!: Date;
}

@ObjectType('TwoFactorEnrollmentRequired', {
  description: 'Password accepted, but a policy requires 2FA and none is set up: set up a method to continue.',
})
export class TwoFactorEnrollmentRequired {
  @Field(() => [TwoFactorMethod], { description: 'Methods that may be set up.' })
  allowedMethods!: TwoFactorMethod[];

  @Field(() => Date, { description: 'The pending sign-in ends at this time.' })
  expiresAt!: Date;
}

@ObjectType('PendingSignIn', { description: 'A sign-in that passed the password and is waiting for its second step.' })
export class PendingSignIn {
  @Field(() => SessionStage, { description: 'PENDING_SECOND_FACTOR or ENROLLMENT_REQUIRED.' })
  stage!: SessionStage;

  @Field(() => String, { description: 'The account signing in.' })
  email!: string;

  @Field(() => [TwoFactorMethod], { description: 'Methods that can finish the sign-in (second-step stage).' })
  methods!: TwoFactorMethod[];

  @Field(() => [TwoFactorMethod], { description: 'Methods that may be set up (enrollment stage).' })
  allowedMethods!: TwoFactorMethod[];

  @Field(() => Date, { description: 'The pending sign-in ends at this time.' })
  expiresAt!: Date;
}

@ObjectType('TotpEnrollment', { description: 'A started authenticator-app setup. Confirm it with a code to switch it on.' })
export class TotpEnrollment {
  @Field(() => String, { description: 'otpauth:// URI (issuer and account) for the QR code.' })
  otpauthUri!: string;

  @Field(() => String, { description: 'The QR code as an SVG document.' })
  qrCodeSvg!: string;

  @Field(() => String, { description: 'The Base32 secret in groups of four, for typing by hand.' })
  secret!: string;

  @Field(() => Date, { description: 'The setup must be confirmed before this time.' })
  expiresAt!: Date;
}

@ObjectType('TwoFactorEnabled', { description: 'The method is active.' })
export class TwoFactorEnabled {
  @Field(() => TwoFactorMethod, { description: 'The method just switched on.' })
  method!: TwoFactorMethod;

  @Field(() => [String], {
    nullable: true,
    description:
      'A new set of recovery codes when the account had no unused one (its first method, or all used); otherwise null. Shown this once: save them now.',
  })
  recoveryCodes!: string[] | null;

  @Field(() => Boolean, { description: 'True when this completed a sign-in held by a 2FA policy (the session is now full).' })
  signedIn!: boolean;
}

@ObjectType('EmailCodeSent', { description: 'A code was e-mailed.' })
export class EmailCodeSent {
  @Field(() => Date, { description: 'When it was sent.' })
  sentAt!: Date;

  @Field(() => Date, { description: 'Earliest time for another code (the cool-down).' })
  nextSendAfter!: Date;
}

@ObjectType('RecoveryCodes', { description: 'A new set of recovery codes. Shown once.' })
export class RecoveryCodes {
  @Field(() => [String], { description: 'Ten single-use codes; the previous set no longer works.' })
  codes!: string[];
}

@ObjectType('ReauthSuccess', { description: 'Re-authenticated: sensitive changes are allowed until `validUntil`.' })
export class ReauthSuccess {
  @Field(() => Date, { description: 'End of the re-authentication window.' })
  validUntil!: Date;
}

@ObjectType('WebauthnCredentialInfo', { description: 'A registered security key or passkey.' })
export class WebauthnCredentialInfo {
  @Field(() => ID, { description: 'Identifier (for rename and remove).' })
  id!: string;

  @Field(() => String, { description: 'Friendly name.' })
  name!: string;

  @Field(() => Date, { description: 'When it was registered.' })
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Last successful use.' })
  lastUsedAt!: Date | null;

  @Field(() => Boolean, { description: 'Refused since its signature counter went backwards; remove it.' })
  flagged!: boolean;

  @Field(() => Boolean, { description: 'A synced passkey (backed up by its provider).' })
  backedUp!: boolean;

  static from(c: WebauthnCredential): WebauthnCredentialInfo {
    return Object.assign(new WebauthnCredentialInfo(), {
      id: c.id,
      name: c.name,
      createdAt: c.createdAt,
      lastUsedAt: c.lastUsedAt,
      flagged: c.flaggedAt !== null,
      backedUp: c.backedUp,
    });
  }
}

@ObjectType('AccountTwoFactor', {
  description: 'Another account’s second factors, as its managers see them (no secrets, no addresses).',
})
export class AccountTwoFactor {
  @Field(() => [TwoFactorMethod], {
    description:
      'Methods that can finish its sign-in now; while 2FA is switched off for the system (`systemEnabled` false), those that would when it is on again.',
  })
  methods!: TwoFactorMethod[];

  @Field(() => Boolean, {
    description: 'Two-factor authentication is on for the system (off: no sign-in asks for a second step; methods are kept).',
  })
  systemEnabled!: boolean;

  @Field(() => Boolean, {
    description:
      'It holds something a reset removes (a method, set up or being set up, an unused recovery code, or the second-step lock); else `resetTwoFactor` answers METHOD_NOT_SET_UP.',
  })
  resettable!: boolean;

  @Field(() => Int, { description: 'Unused recovery codes.' })
  recoveryCodesRemaining!: number;

  @Field(() => Int, { description: 'Its security keys flagged as possibly cloned (refused at sign-in).' })
  flaggedKeys!: number;

  @Field(() => Boolean, {
    description:
      'A policy requires 2FA of it at sign-in. Never of an API-only account, which signs in with tokens only; a disabled account shows what applies once it is enabled again (the compliance report counts only accounts that can sign in).',
  })
  required!: boolean;

  @Field(() => Boolean, {
    description: 'Second-step sign-in locked after too many consecutive failures: only an unlock (or a reset) lets it sign in.',
  })
  locked!: boolean;
}

@ObjectType('TwoFactorStatus', { description: 'Your second factors.' })
export class TwoFactorStatus {
  @Field(() => Boolean, { description: 'At least one method is active: sign-in asks for a second step.' })
  enabled!: boolean;

  @Field(() => Boolean, {
    description:
      'Two-factor authentication is on for the system. Off: no sign-in asks for a second step (`enabled` and `methods` say so) and nothing can be set up; your methods are kept for when it is on again.',
  })
  systemEnabled!: boolean;

  @Field(() => [TwoFactorMethod], { description: 'Methods that can finish a sign-in now.' })
  methods!: TwoFactorMethod[];

  @Field(() => Boolean, { description: 'An authenticator app is active.' })
  totpEnabled!: boolean;

  @Field(() => Date, { nullable: true, description: 'When the authenticator app was set up.' })
  totpConfirmedAt!: Date | null;

  @Field(() => String, { nullable: true, description: 'Verified address for e-mail codes.' })
  emailAddress!: string | null;

  @Field(() => [WebauthnCredentialInfo], { description: 'Security keys and passkeys.' })
  webauthnCredentials!: WebauthnCredentialInfo[];

  @Field(() => Int, { description: 'Unused recovery codes.' })
  recoveryCodesRemaining!: number;

  @Field(() => [TwoFactorMethod], { description: 'Methods you may set up under the system settings.' })
  allowedMethods!: TwoFactorMethod[];

  @Field(() => Boolean, { description: 'A policy requires you to use 2FA.' })
  required!: boolean;

  @Field(() => Boolean, { description: 'Only one method is set up: add a second so a lost device does not lock you out.' })
  recommendSecondMethod!: boolean;

  @Field(() => Boolean, { description: 'Second-step sign-in is locked after too many failures.' })
  locked!: boolean;
}

@ObjectType('TwoFactorSettings', { description: 'System-wide two-factor settings.' })
export class TwoFactorSettingsType {
  @Field(() => Boolean, { description: 'Off: nobody is asked for a second step and nobody can set one up.' })
  enabled!: boolean;

  @Field(() => String, {
    description:
      'Issuer shown in authenticator apps. Changing it does not break existing entries: only new setups show the new name.',
  })
  issuer!: string;

  @Field(() => [TwoFactorMethod], {
    description: 'Methods that may be newly set up. Methods already set up keep working, so nobody is locked out.',
  })
  allowedMethods!: TwoFactorMethod[];

  @Field(() => Boolean, { description: 'Admins and sub-admins must use 2FA.' })
  requiredForStaff!: boolean;

  @Field(() => Boolean, {
    description:
      'Allow e-mail codes for admins and sub-admins. Off by default: NIST SP 800-63B-4 does not accept e-mail as an out-of-band authenticator.',
  })
  emailForStaff!: boolean;
}

@ObjectType('TwoFactorSettingsImpact', {
  description:
    'What saving a settings change would do at once to the accounts a policy covers (nothing is changed by asking). Your own account is never counted: a change that would require 2FA of it while it holds no usable method is refused. Staff whose only factor is e-mail codes, when the change stops accepting those from staff, are counted in staffLeftWithoutUsableFactor whether or not 2FA is required of them (also among accountsNewlyRequired when it is).',
})
export class TwoFactorSettingsImpact {
  @Field(() => Int, {
    description:
      'Accounts that would newly owe 2FA (a policy would require it of them and they hold no method sign-in could use). At their next sign-in, those holding no factor are led through setting one up right after their password; those holding only one that cannot be used now (a flagged security key, e-mail codes while they are off for staff) are asked for a recovery code instead, or refused with SECOND_FACTOR_UNAVAILABLE when none is left.',
  })
  accountsNewlyRequired!: number;

  @Field(() => Int, { description: 'Of accountsNewlyRequired, the admins and sub-admins.' })
  staffNewlyRequired!: number;

  @Field(() => Int, {
    description:
      'Accounts signed in now that the change signs out: those that would newly owe 2FA (everywhere), and, when it switches 2FA on again, those holding a factor or recovery codes that signed in with the password alone while it was off (those sessions).',
  })
  accountsSignedOut!: number;

  @Field(() => Int, { description: 'The sessions ended.' })
  sessionsEnded!: number;

  @Field(() => Int, {
    description:
      'Admins and sub-admins (not API-only, not disabled; you aside) whose only second factor is e-mail codes, when the change stops accepting them from staff while 2FA is on: required of them or not, at their next sign-in they can only use a recovery code (and then set up another method). Signed-in sessions are not ended for this.',
  })
  staffLeftWithoutUsableFactor!: number;

  @Field(() => Int, {
    description:
      'Of staffLeftWithoutUsableFactor, those with no unused recovery code: refused with SECOND_FACTOR_UNAVAILABLE until an admin resets their 2FA.',
  })
  staffWithoutRecoveryCode!: number;
}

@ObjectType('TwoFactorComplianceRow', { description: 'One account in the 2FA report.' })
export class TwoFactorComplianceRow {
  @Field(() => Account, { description: 'The account.' })
  account!: Account;

  @Field(() => Role, { description: 'Its role.' })
  role!: Role;

  @Field(() => Boolean, { description: 'Has an active second factor.' })
  enabled!: boolean;

  @Field(() => [TwoFactorMethod], { description: 'Its active methods.' })
  methods!: TwoFactorMethod[];

  @Field(() => [TwoFactorMethod], {
    description:
      'Methods it holds that sign-in refuses now, with none of the same kind it accepts: WEBAUTHN for security keys all flagged as possible clones, EMAIL for e-mail codes while they are off for admins and sub-admins. An account without 2FA that holds any is asked for a recovery code at sign-in while one is left, then refused (SECOND_FACTOR_UNAVAILABLE) until an admin resets its 2FA; it is never led through setup.',
  })
  unusableMethods!: TwoFactorMethod[];

  @Field(() => Int, { description: 'Its unused recovery codes.' })
  recoveryCodesLeft!: number;

  @Field(() => Boolean, { description: 'A policy requires 2FA for it.' })
  required!: boolean;

  @Field(() => Date, { nullable: true, description: 'Last dashboard sign-in.' })
  lastLoginAt!: Date | null;
}

@ObjectType('TwoFactorCompliance', { description: 'Every account’s 2FA status, for audits.' })
export class TwoFactorCompliance {
  @Field(() => [TwoFactorComplianceRow], { description: 'This page of the rows matching the filter.' })
  rows!: TwoFactorComplianceRow[];

  @Field(() => Int, { description: 'Rows matching the filter, over all pages.' })
  matching!: number;

  @Field(() => Int, { description: 'All accounts.' })
  total!: number;

  @Field(() => Int, { description: 'Accounts with 2FA.' })
  withTwoFactor!: number;

  @Field(() => Int, { description: 'Accounts without 2FA.' })
  withoutTwoFactor!: number;

  @Field(() => Int, {
    description:
      'Accounts a policy requires 2FA of that hold no second factor at all: led through setting one up at their next sign-in.',
  })
  requiredButMissing!: number;

  @Field(() => Int, {
    description:
      'Accounts able to sign in that hold second factors and none sign-in accepts now (see TwoFactorComplianceRow.unusableMethods): each sign-in uses up a recovery code.',
  })
  onlyUnusableMethods!: number;

  @Field(() => Int, {
    description:
      'Of onlyUnusableMethods, those with no unused recovery code: they cannot sign in until an admin resets their 2FA.',
  })
  cannotSignIn!: number;
}

@ObjectType('TwoFactorResetDone', { description: 'The account’s 2FA was reset and its sessions were revoked.' })
export class TwoFactorResetDone {
  @Field(() => Account, { description: 'The account.' })
  account!: Account;
}

@ObjectType('TwoFactorResetRequestInfo', { description: 'A reset of an admin’s 2FA waiting for approval.' })
export class TwoFactorResetRequestInfo {
  @Field(() => ID, { description: 'Request id.' })
  id!: string;

  @Field(() => Account, { description: 'Whose 2FA would be reset.' })
  target!: Account;

  @Field(() => Account, { description: 'Who asked.' })
  requestedBy!: Account;

  @Field(() => Date, { description: 'When.' })
  createdAt!: Date;

  @Field(() => Date, { description: 'Lapses at.' })
  expiresAt!: Date;

  @Field(() => Boolean, {
    description:
      'Whether you may approve it: neither the requester nor the target, and an admin for at least a day when it was asked for.',
  })
  approvableByYou!: boolean;

  @Field(() => Boolean, { description: 'Whether you asked for it.' })
  requestedByYou!: boolean;
}

@ObjectType('TwoFactorResetPending', {
  implements: ErrorResult,
  description:
    'Resetting an admin waits for a second admin’s approval, because another admin of at least a day (enabled or not) exists besides the requester and the target: the request waits for it.',
})
export class TwoFactorResetPending extends ErrorResult {
  @Field(() => ID, { description: 'Request id, for approveTwoFactorReset.' })
  requestId!: string;

  @Field(() => Date, { description: 'The request lapses at this time.' })
  expiresAt!: Date;

  @Field(() => TwoFactorResetRequestInfo, {
    description: 'The request that waits: who asked for it and when, and whether you may approve it.',
  })
  request!: TwoFactorResetRequestInfo;

  @Field(() => Boolean, {
    description:
      'Whether this call made the request; false when it answers one already waiting (asked for earlier, by you or another admin).',
  })
  newRequest!: boolean;

  @Field(() => Int, {
    description:
      'How many admins this call e-mailed to approve it: every enabled admin of at least a day other than you and the target when the request is new; 0 when it was already waiting, or when no such admin is enabled now (it then waits until one is, or lapses).',
  })
  adminsAsked!: number;

  constructor() {
    super();
    this.code = ErrorCode.APPROVAL_REQUIRED;
    this.message = 'Another admin must approve this reset.';
  }
}

export { GraphQLJSONObject };

@ObjectType('RequiresTwoFactorMark', { description: 'A user’s “requires two-factor authentication” mark, as set.' })
export class RequiresTwoFactorMark {
  @Field(() => ID, { description: 'The user’s id.' })
  accountId!: string;

  @Field({ description: 'Whether the user must use two-factor authentication.' })
  requiresTwoFactor!: boolean;

  @Field(() => Account, {
    nullable: true,
    description:
      'The account, for a viewer with MANAGE_USERS; null for an integrator (REPORT_LOGINS), who learns the mark and nothing else about the user.',
  })
  account!: Account | null;
}
