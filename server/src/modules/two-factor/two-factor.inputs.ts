import { ArrayMaxSize, IsOptional, Length, MaxLength, ValidateNested } from 'class-validator';
import { GraphQLJSONObject } from 'graphql-scalars';
import { Field, InputType } from 'type-graphql';
import { PASSWORD_MAX_LENGTH } from '../account/password.js';
import { badInput } from '../../common/errors/errors.js';
import { TwoFactorMethod } from './two-factor.entity.js';

@InputType('SecondFactorInput', { description: 'A second factor: a code, or a security-key assertion.' })
export class SecondFactorInput {
  @Field(() => TwoFactorMethod, { description: 'Which method the proof is for.' })
  method!: TwoFactorMethod;

  @Field(() => String, { nullable: true, description: 'The code (authenticator app, e-mail, recovery code).' })
  @IsOptional()
  @MaxLength(32)
  code?: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description:
      'WebAuthn: the browser’s assertion (`startAuthentication` result) for the challenge from `webauthnAuthenticationOptions`.',
  })
  @IsOptional()
  webauthnResponse?: Record<string, unknown> | null;
}

@InputType('ReauthenticateInput', { description: 'Password and, when the account has one, a second factor.' })
export class ReauthenticateInput {
  @Field(() => String, { description: 'Your password.' })
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;

  @Field(() => SecondFactorInput, {
    nullable: true,
    description:
      'Required when the account has 2FA; not while 2FA is switched off for the system (the password alone is enough then).',
  })
  @IsOptional()
  @ValidateNested()
  secondFactor?: SecondFactorInput | null;
}

@InputType('TwoFactorSettingsInput', { description: 'Changes to the system-wide 2FA settings; omitted fields keep their value.' })
export class TwoFactorSettingsInput {
  @Field(() => Boolean, { nullable: true, description: 'Switch 2FA on or off system-wide.' })
  enabled?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Issuer name for authenticator apps (1–64 characters).' })
  @IsOptional()
  @Length(1, 64, { message: 'The issuer must have 1 to 64 characters.' })
  issuer?: string | null;

  @Field(() => [TwoFactorMethod], {
    nullable: true,
    description:
      'Methods that may be newly set up. Recovery codes back the others up and are always allowed: RECOVERY_CODE is added when left out.',
  })
  @IsOptional()
  @ArrayMaxSize(4)
  allowedMethods?: TwoFactorMethod[] | null;

  @Field(() => Boolean, { nullable: true, description: 'Require 2FA for admins and sub-admins.' })
  requiredForStaff?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'Allow e-mail codes for admins and sub-admins.' })
  emailForStaff?: boolean | null;
}

/** A code (or a key's response) must come with the method: a blank one is bad input, not a wrong guess. */
export function assertProofGiven(
  proof: { method: TwoFactorMethod; code?: string | null; webauthnResponse?: unknown },
  at: string,
): void {
  if (proof.method === TwoFactorMethod.WEBAUTHN) {
    if (!proof.webauthnResponse) {
      throw badInput([{ field: `${at}.webauthnResponse`, reason: 'REQUIRED', message: 'Use your security key or passkey.' }]);
    }
  } else if (!proof.code?.trim()) {
    throw badInput([{ field: `${at}.code`, reason: 'REQUIRED', message: 'Enter the code.' }]);
  }
}
