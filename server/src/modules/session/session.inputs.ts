import { IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { PASSWORD_MAX_LENGTH } from '../account/password.js';
import { SecondFactorInput } from '../two-factor/two-factor.inputs.js';

@InputType('LoginInput', { description: 'Panel sign-in with e-mail address and password.' })
export class LoginInput {
  @Field(() => String, { description: 'E-mail address (case-insensitive).' })
  @MaxLength(254)
  email!: string;

  @Field(() => String, { description: 'Password.' })
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;

  @Field(() => SecondFactorInput, {
    nullable: true,
    description:
      'An authenticator-app code (TOTP) or a recovery code sent with the password, for clients that ask for both at once: the sign-in then completes (LoginSuccess) or fails (TwoFactorError) in this one request, and no pending sign-in is left. Ignored for an account without 2FA. E-mailed codes and security keys need the second step (verifySecondFactor).',
  })
  @IsOptional()
  @ValidateNested()
  secondFactor?: SecondFactorInput | null;
}
