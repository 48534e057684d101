import { Field, InterfaceType, ObjectType } from 'type-graphql';
import { ErrorCode } from './codes.js';

@InterfaceType('ErrorResult', {
  description: 'An expected failure a client branches on. Every error member of a result union implements it.',
})
export abstract class ErrorResult {
  @Field(() => ErrorCode, { description: 'Stable code to branch on.' })
  code!: ErrorCode;

  @Field(() => String, { description: 'Human-readable explanation; wording may change.' })
  message!: string;
}

@ObjectType('InvalidCredentialsError', {
  implements: ErrorResult,
  description: 'Unknown account, wrong password or disabled account — deliberately the same answer.',
})
export class InvalidCredentialsError extends ErrorResult {
  constructor() {
    super();
    this.code = ErrorCode.INVALID_CREDENTIALS;
    this.message = 'The e-mail address or password is incorrect.';
  }
}

@ObjectType('SetupTokenInvalidError', {
  implements: ErrorResult,
  description: 'The setup token is unknown, already used or expired. Restart the server or run the CLI for a new one.',
})
export class SetupTokenInvalidError extends ErrorResult {
  constructor() {
    super();
    this.code = ErrorCode.SETUP_TOKEN_INVALID;
    this.message = 'This setup link is invalid, used or expired. Restart the server to print a new one, or use the CLI.';
  }
}

@ObjectType('SetupAlreadyDoneError', {
  implements: ErrorResult,
  description: 'An admin exists already, so the first-admin setup is closed.',
})
export class SetupAlreadyDoneError extends ErrorResult {
  constructor() {
    super();
    this.code = ErrorCode.SETUP_ALREADY_DONE;
    this.message = 'An admin already exists. Sign in instead.';
  }
}
