import { ArrayMaxSize, IsEmail, IsIn, IsInt, IsOptional, Length, Max, MaxLength, Min } from 'class-validator';
import { Field, InputType, Int } from 'type-graphql';
import { Permission, Role } from '../../common/auth/roles.js';
import { PASSWORD_MAX_LENGTH } from './password.js';

@InputType('SetupFirstAdminInput', {
  description: 'Creates the first admin with the one-time token printed on the server console.',
})
export class SetupFirstAdminInput {
  @Field(() => String, { description: 'The token from the console (or the CLI).' })
  @Length(1, 128)
  token!: string;

  @Field(() => String, { description: 'E-mail address of the admin; the sign-in name.' })
  @MaxLength(254)
  @IsEmail({}, { message: 'Enter a valid e-mail address.' })
  email!: string;

  @Field(() => String, { description: 'Display name, 1–100 characters.' })
  @Length(1, 100, { message: 'The name must have 1 to 100 characters.' })
  name!: string;

  @Field(() => String, { description: 'At least 12 characters, not the e-mail address.' })
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;
}

@InputType('CreateAccountInput', { description: 'A new admin, sub-admin or user.' })
export class CreateAccountInput {
  @Field(() => String, { description: 'E-mail address; the sign-in name. Unique, case-insensitive.' })
  @MaxLength(254)
  @IsEmail({}, { message: 'Enter a valid e-mail address.' })
  email!: string;

  @Field(() => String, { description: 'Display name, 1–100 characters.' })
  @Length(1, 100, { message: 'The name must have 1 to 100 characters.' })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: 'Initial password: at least 12 characters, not the e-mail address. Required unless apiOnly.',
  })
  @IsOptional()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password?: string;

  @Field(() => Boolean, {
    defaultValue: false,
    description: 'API-only sub-admin: no dashboard login, authenticates with API tokens (for integrations).',
  })
  apiOnly: boolean = false;

  @Field(() => Role, { description: 'Role of the new account.' })
  @IsIn(Object.values(Role))
  role!: Role;

  @Field(() => [Permission], { nullable: true, description: 'Permissions; only for sub-admins.' })
  @IsOptional()
  @ArrayMaxSize(Object.values(Permission).length)
  permissions?: Permission[];
}

@InputType('AccountFilter', { description: 'Narrows the account list.' })
export class AccountFilter {
  @Field(() => Role, { nullable: true, description: 'Only this role.' })
  @IsOptional()
  role?: Role;

  @Field(() => String, { nullable: true, description: 'Substring of the e-mail address or name (case-insensitive).' })
  @IsOptional()
  @MaxLength(100)
  search?: string;

  @Field(() => Boolean, { nullable: true, description: 'Include disabled accounts (default true).' })
  @IsOptional()
  includeDisabled?: boolean;
}

@InputType('PageInput', { description: 'Offset paging.' })
export class PageInput {
  @Field(() => Int, {
    defaultValue: 50,
    description:
      'Rows per page, 1–200. One request may ask for at most 2 000 rows over all its paged lists (a list inside a list multiplies): a limit given as a variable, or a page given as one, counts as 200, an omitted one as 50. A request above that is refused with GRAPHQL_VALIDATION_FAILED.',
  })
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  @Field(() => Int, { defaultValue: 0, description: 'Rows to skip, 0–100000.' })
  @IsInt()
  @Min(0)
  @Max(100_000)
  offset: number = 0;
}
