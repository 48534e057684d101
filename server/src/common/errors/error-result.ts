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

@ObjectType('IpBlockedError', {
  implements: ErrorResult,
  description: 'The source IP is blocked; the password was not checked.',
})
export class IpBlockedError extends ErrorResult {
  @Field(() => Date, { nullable: true, description: 'When the block ends; null = until an admin lifts it.' })
  until!: Date | null;

  constructor(until: Date | null) {
    super();
    this.code = ErrorCode.IP_BLOCKED;
    this.message = until
      ? `Too many failed sign-ins from your network. Try again after ${until.toISOString()}.`
      : 'Sign-ins from your network are blocked. Contact your administrator.';
    this.until = until;
  }
}

@ObjectType('SignInPausedError', {
  implements: ErrorResult,
  description:
    'Too many wrong passwords for this account name from many places: for now it is signed in to only from trusted addresses and from addresses its account signed in from before. The password was not checked.',
})
export class SignInPausedError extends ErrorResult {
  constructor() {
    super();
    this.code = ErrorCode.SIGN_IN_PAUSED;
    this.message =
      'Sign-ins to this account from new places are paused after many wrong passwords from many places. Sign in from a network you used before, or ask your administrator; it resumes on its own later.';
  }
}

@ObjectType('AlreadyExistsError', { implements: ErrorResult, description: 'The same entry exists already.' })
export class AlreadyExistsError extends ErrorResult {
  constructor(message: string) {
    super();
    this.code = ErrorCode.ALREADY_EXISTS;
    this.message = message;
  }
}

@ObjectType('SafeListedError', {
  implements: ErrorResult,
  description: 'A block by hand inside a range on the global safe list would have no effect: trust wins over blocks.',
})
export class SafeListedError extends ErrorResult {
  @Field(() => String, { description: 'The safe-list entry that covers the range.' })
  safeCidr!: string;

  constructor(cidr: string, safeCidr: string) {
    super();
    this.code = ErrorCode.SAFE_LISTED;
    this.message = `${cidr} is inside ${safeCidr}, which is on the global safe list: no block applies there. Remove it from the safe list first.`;
    this.safeCidr = safeCidr;
  }
}

@ObjectType('WideRangeNeedsAcknowledgementError', {
  implements: ErrorResult,
  description: 'Trusting a wide public range needs an explicit acknowledgement.',
})
export class WideRangeNeedsAcknowledgementError extends ErrorResult {
  @Field(() => String, { description: 'The range as it would be stored.' })
  cidr!: string;

  constructor(cidr: string) {
    super();
    this.code = ErrorCode.WIDE_RANGE_NEEDS_ACKNOWLEDGEMENT;
    this.message =
      'Only trust an entire range if you are certain the network is private and managed. Trusting large public ranges can leave accounts open to other users on that network. Confirm with acknowledgeWideRange.';
    this.cidr = cidr;
  }
}
