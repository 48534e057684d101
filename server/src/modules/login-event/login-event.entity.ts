import { Entity, Enum, Index, ManyToOne, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { NetworkKind } from '../geo/network-kind.js';
import { Account } from '../account/account.entity.js';

export enum LoginOutcome {
  SUCCESS = 'SUCCESS',
  INVALID_CREDENTIALS = 'INVALID_CREDENTIALS',
  ACCOUNT_DISABLED = 'ACCOUNT_DISABLED',
  BLOCKED = 'BLOCKED',
  IP_NOT_ALLOWED = 'IP_NOT_ALLOWED',
  SECOND_FACTOR_REQUIRED = 'SECOND_FACTOR_REQUIRED',
  SECOND_FACTOR_FAILED = 'SECOND_FACTOR_FAILED',
}
registerEnumType(LoginOutcome, {
  name: 'LoginOutcome',
  description: 'How a login attempt ended.',
  valuesConfig: {
    SUCCESS: { description: 'Credentials accepted.' },
    INVALID_CREDENTIALS: {
      description:
        'Unknown account or wrong password. Also a password sign-in by an API-only account, and any sign-in while a forced password reset is pending: on the panel, and in an integrator report whatever outcome it reported (SUCCESS too).',
    },
    ACCOUNT_DISABLED: {
      description:
        'The account is disabled: on the panel, its right password; in an integrator report, any report against it whatever outcome was reported (unless the source is blocked: BLOCKED).',
    },
    BLOCKED: {
      description:
        'Refused before checking the password: the IP is blocked, or sign-ins to the name are paused (too many wrong passwords from many places) and this address is new to it.',
    },
    SECOND_FACTOR_REQUIRED: { description: 'Right password; the second step was asked for (a SUCCESS follows when it passes).' },
    SECOND_FACTOR_FAILED: { description: 'A wrong or replayed second-factor code, recovery code or security-key assertion.' },
    IP_NOT_ALLOWED: {
      description: 'Refused: the account is restricted to its IP access list (sign-in, session or API token request).',
    },
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
@Index({
  name: 'login_event_panel_success_idx',
  expression:
    'create index "login_event_panel_success_idx" on "login_event" ("account_id", "ip") where "outcome" = \'SUCCESS\' and "service" = \'panel\'',
})
@Index({
  name: 'login_event_idempotency_idx',
  expression:
    'create unique index "login_event_idempotency_idx" on "login_event" ("reporter_id", "idempotency_key") where "idempotency_key" is not null',
})
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

  @Field(() => String, { nullable: true, description: 'ISO country code (GeoIP or named location).' })
  @Property({ type: 'string', length: 2, nullable: true })
  countryCode: string | null = null;

  @Field(() => String, { nullable: true, description: 'Region or state.' })
  @Property({ type: 'string', length: 100, nullable: true })
  region: string | null = null;

  @Field(() => String, { nullable: true, description: 'City.' })
  @Property({ type: 'string', length: 100, nullable: true })
  city: string | null = null;

  @Field(() => Float, { nullable: true, description: 'Latitude.' })
  @Property({ type: 'double', nullable: true })
  latitude: number | null = null;

  @Field(() => Float, { nullable: true, description: 'Longitude.' })
  @Property({ type: 'double', nullable: true })
  longitude: number | null = null;

  @Field(() => Int, { nullable: true, description: 'Autonomous system number of the network.' })
  @Property({ type: 'integer', nullable: true })
  asn: number | null = null;

  @Field(() => String, { nullable: true, description: 'Organisation owning the network.' })
  @Property({ type: 'string', length: 200, nullable: true })
  asnOrg: string | null = null;

  @Field(() => NetworkKind, { description: 'Kind of network (fixed, mobile, hosting, VPN, private).' })
  @Enum({ items: () => NetworkKind, default: NetworkKind.UNKNOWN })
  networkKind: NetworkKind = NetworkKind.UNKNOWN;

  @Field(() => String, { nullable: true, description: 'Named location that placed the address, if any.' })
  @Property({ type: 'string', length: 100, nullable: true })
  namedLocation: string | null = null;

  /**
   * Id of the integrator account that reported it; null for the panel's own logins. History, not a
   * foreign key: deleting an integrator that reported millions of events must not rewrite every one
   * of them (in the deleting request's transaction) to clear this column.
   */
  @Property({ type: 'uuid', nullable: true })
  reporterId: string | null = null;

  /** Integrator's idempotency key: a retried report is recorded once. */
  @Property({ type: 'string', length: 100, nullable: true })
  idempotencyKey: string | null = null;
}
