import { MaxLength } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { PASSWORD_MAX_LENGTH } from '../account/password.js';

@InputType('LoginInput', { description: 'Panel sign-in with e-mail address and password.' })
export class LoginInput {
  @Field(() => String, { description: 'E-mail address (case-insensitive).' })
  @MaxLength(254)
  email!: string;

  @Field(() => String, { description: 'Password.' })
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;
}
