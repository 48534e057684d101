import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Account } from '../account/account.entity.js';

export enum LoginOutcome {
  SUCCESS = 'SUCCESS',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  ACCOUNT_DISABLED = 'ACCOUNT_DISABLED',
}
registerEnumType(LoginOutcome, {
  name: 'LoginOutcome',
  description: 'How a login attempt ended.',
  valuesConfig: {
    SUCCESS: { description: 'Credentials accepted.' },
    INVALID_CREDENTIALS: { description: 'Unknown account or wrong password.' },
    ACCOUNT_DISABLED: { description: 'Right password, but the account is disabled.' },
  },
});

/**
 * Every login attempt the system sees. Built for millions of rows: a bigint key, narrow columns,
 * `inet` for the address, and indexes on (account, time) and (ip, time) for the per-account history
 * and per-IP brute-force queries.
 */
@ObjectType('LoginEvent', { description: 'One login attempt: who, from where, when, through which service, and how it ended.' })
@Entity({ tableName: 'login_event' })
@Index({ name: 'login_event_account_time_idx', properties: ['account', 'occurredAt'] })
@Index({ name: 'login_event_ip_time_idx', properties: ['ip', 'occurredAt'] })
@Index({ name: 'login_event_time_idx', properties: ['occurredAt'] })
export class LoginEvent {
  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  @ManyToOne(() => Account, { nullable: true, deleteRule: 'set null' })
  account: Rel<Account> | null = null;

  @Field(() => String, { description: 'The account name as typed; kept for unknown accounts too.' })
  @Property({ type: 'string', length: 254 })
  attemptedName!: string;

  @Field(() => String, { description: 'Client IP address.' })
  @Property({ type: 'string', columnType: 'inet' })
  ip!: string;

  @Field(() => String, { nullable: true, description: 'User agent, truncated to 512 characters.' })
  @Property({ type: 'string', length: 512, nullable: true })
  userAgent: string | null = null;

  @Field(() => LoginOutcome, { description: 'How the attempt ended.' })
  @Enum({ items: () => LoginOutcome })
  outcome!: LoginOutcome;

  @Field(() => String, { description: 'Service the login was for: `panel`, `imap`, `smtp`, `webmail`, …' })
  @Property({ type: 'string', length: 32 })
  service!: string;

  @Field(() => Date, { description: 'When it happened.' })
  @Property({ type: 'datetime' })
  occurredAt: Date = new Date();
}
