import { Entity, Enum, Index, ManyToOne, OneToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType } from 'type-graphql';
import { Permission, Role } from '../../common/auth/roles.js';

@ObjectType('Account', { description: 'An admin, sub-admin or end user.' })
@Entity({ tableName: 'account' })
export class Account {
  [OptionalProps]?:
    | 'id'
    | 'permissions'
    | 'apiOnly'
    | 'ipRestricted'
    | 'requiresTwoFactor'
    | 'passwordResetRequired'
    | 'passwordVersion'
    | 'sessionEpoch'
    | 'disabledAt'
    | 'lastLoginAt'
    | 'createdAt'
    | 'updatedAt';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id: string = randomUUID();

  @Field(() => String, { description: 'Sign-in name and contact address, stored lower-case.' })
  @Property({ type: 'string', length: 254, unique: true })
  email!: string;

  @Field(() => String, { description: 'Display name.' })
  @Property({ type: 'string', length: 100 })
  name!: string;

  @Field(() => Role, { description: 'Admin, sub-admin or user.' })
  @Enum({ items: () => Role })
  @Index()
  role!: Role;

  @Field(() => [Permission], { description: 'Permissions of a sub-admin; empty for users; admins implicitly hold all.' })
  @Enum({ items: () => Permission, array: true, default: [] })
  permissions: Permission[] = [];

  @Field(() => Boolean, {
    description: 'API-only sub-admin: authenticates with API tokens only, never through the dashboard login.',
  })
  @Property({ type: 'boolean', default: false })
  apiOnly: boolean = false;

  @Field(() => Boolean, {
    description:
      'Admins and sub-admins: true = sign-in and every request only from the IPs in the access list; false = unrestricted.',
  })
  @Property({ type: 'boolean', default: false })
  ipRestricted: boolean = false;

  @Field(() => Boolean, {
    description:
      'Policy mark (e.g. "has created orders"): the account must use two-factor authentication and is led through enrollment at sign-in.',
  })
  @Property({ type: 'boolean', default: false })
  requiresTwoFactor: boolean = false;

  @Field(() => Boolean, {
    description:
      'The password was reset (e.g. the account was treated as compromised): the old one no longer works and the holder was e-mailed a link to set a new one.',
  })
  @Property({ type: 'boolean', default: false })
  passwordResetRequired: boolean = false;

  /**
   * Counts the password's changes (never shown). A sign-in reads it with the hash it checks and starts
   * a session only while it is unchanged (see `SessionService.startFull`).
   */
  @Property({ type: 'integer', default: 0 })
  passwordVersion: number = 0;

  /**
   * Counts the revocations of all of the account's sessions (never shown). A pending second step is a
   * sealed token, not a stored session: it is good only under the epoch it was issued in.
   */
  @Property({ type: 'integer', default: 0 })
  sessionEpoch: number = 0;

  @Field(() => Date, { nullable: true, description: 'When the account was disabled; disabled accounts cannot sign in.' })
  @Property({ type: 'datetime', nullable: true })
  disabledAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'Last successful sign-in to the panel.' })
  @Property({ type: 'datetime', nullable: true })
  lastLoginAt: Date | null = null;

  @Field(() => Date, { description: 'When the account was created.' })
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => Date, { description: 'Last change to the account.' })
  @Property({ type: 'datetime', onUpdate: () => new Date() })
  updatedAt: Date = new Date();

  /** The password lives in its own table so no GraphQL-facing class holds a hash. */
  @OneToOne(() => AccountPassword, (p) => p.account, { nullable: true, hidden: true })
  password?: Rel<AccountPassword> | null;
}

/** Secret half of an account: never exposed through GraphQL. */
@Entity({ tableName: 'account_password' })
export class AccountPassword {
  [OptionalProps]?: 'changedAt';

  @OneToOne(() => Account, { primary: true, owner: true, deleteRule: 'cascade', fieldName: 'account_id' })
  account!: Rel<Account>;

  /** argon2id PHC string. */
  @Property({ type: 'text' })
  hash!: string;

  @Property({ type: 'datetime' })
  changedAt: Date = new Date();
}

/** Single-use link to set a new password, e-mailed when an admin forces a reset. Only its hash is kept. */
@Entity({ tableName: 'password_reset_token' })
@Index({ name: 'password_reset_token_account_idx', properties: ['account'] })
export class PasswordResetToken {
  [OptionalProps]?: 'usedAt';

  @PrimaryKey({ type: 'string', length: 64 })
  tokenHash!: string;

  @ManyToOne(() => Account, { deleteRule: 'cascade' })
  account!: Rel<Account>;

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  usedAt: Date | null = null;
}
