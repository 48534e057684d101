import { createUnionType, Field, Int, ObjectType } from 'type-graphql';
import { ErrorResult, SetupAlreadyDoneError, SetupTokenInvalidError } from '../../common/errors/error-result.js';
import { ErrorCode } from '../../common/errors/codes.js';
import { Account } from './account.entity.js';

@ObjectType('AccountPage', { description: 'One page of accounts.' })
export class AccountPage {
  @Field(() => [Account], { description: 'The accounts on this page.' })
  nodes!: Account[];

  @Field(() => Int, { description: 'Accounts matching the filter, over all pages.' })
  totalCount!: number;
}

@ObjectType('SetupStatus', { description: 'Whether the first admin still has to be created.' })
export class SetupStatus {
  @Field(() => Boolean, { description: 'True until an admin exists.' })
  needsSetup!: boolean;
}

@ObjectType('SetupSuccess', { description: 'The first admin exists; sign in with it.' })
export class SetupSuccess {
  @Field(() => Account, { description: 'The new admin.' })
  account!: Account;
}

export const SetupFirstAdminResult = createUnionType({
  name: 'SetupFirstAdminResult',
  description: 'Outcome of the first-admin setup.',
  types: () => [SetupSuccess, SetupTokenInvalidError, SetupAlreadyDoneError] as const,
});

@ObjectType('AccountCreated', { description: 'The account was created.' })
export class AccountCreated {
  @Field(() => Account, { description: 'The new account.' })
  account!: Account;
}

@ObjectType('EmailTakenError', { implements: ErrorResult, description: 'Another account already uses this e-mail address.' })
export class EmailTakenError extends ErrorResult {
  constructor() {
    super();
    this.code = ErrorCode.EMAIL_TAKEN;
    this.message = 'Another account already uses this e-mail address.';
  }
}

export const CreateAccountResult = createUnionType({
  name: 'CreateAccountResult',
  description: 'Outcome of creating an account.',
  types: () => [AccountCreated, EmailTakenError] as const,
});
