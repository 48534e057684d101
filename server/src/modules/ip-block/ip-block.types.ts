import { Field, ID, Int, ObjectType } from 'type-graphql';
import { IpLocation } from '../geo/geo.types.js';
import { LoginEvent } from '../login-event/login-event.entity.js';
import { TrustedIp } from '../trusted-ip/trusted-ip.entity.js';
import { BlockReason, IpBlock } from './ip-block.entity.js';
import { DecisionReason } from './protection.service.js';

@ObjectType('LoginDecision', { description: 'Allow or refuse a login, and why.' })
export class LoginDecision {
  @Field(() => Boolean, {
    description:
      'True: let the login proceed. After a FAILURE report it only means that neither the source nor the account is refused (yet).',
  })
  allowed!: boolean;

  @Field(() => DecisionReason, {
    nullable: true,
    description:
      'Why it is refused (null when allowed). ACCOUNT_LOCKED means the account is disabled (by an admin, or locked when an incident was treated as compromised), which safe or trusted addresses do not lift; a lock of second-step sign-in is not reported here.',
  })
  reason!: DecisionReason | null;

  @Field(() => Date, { nullable: true, description: 'When a refusal ends by itself (null: allowed, or until lifted).' })
  until!: Date | null;

  @Field(() => ID, { nullable: true, description: 'The recorded login event (null for a decision-only query).' })
  eventId!: string | null;

  @Field(() => Boolean, {
    description:
      'True when this report repeated an idempotency key the same reporting account used already: nothing was recorded or counted again, `eventId` is the first report’s event, and the decision is the one in force now, not the first answer.',
  })
  duplicate!: boolean;
}

@ObjectType('AccountFailureCount', { description: 'Failed logins for one account name from an address.' })
export class AccountFailureCount {
  @Field(() => String, { description: 'Account name as typed.' })
  attemptedName!: string;

  @Field(() => Int, { description: 'Failures in the last 24 hours.' })
  failures!: number;

  @Field(() => Date, { description: 'Most recent failure.' })
  lastAt!: Date;
}

@ObjectType('TrustingAccount', { description: 'An account that trusts an address.' })
export class TrustingAccount {
  @Field(() => ID, { description: 'Account id.' })
  accountId!: string;

  @Field(() => String, { description: 'Account e-mail.' })
  email!: string;

  @Field(() => TrustedIp, { description: 'The trusted entry.' })
  entry!: TrustedIp;
}

@ObjectType('AccessListMatch', { description: 'An admin access list entry that contains the address.' })
export class AccessListMatch {
  @Field(() => ID, { description: 'Account id.' })
  accountId!: string;

  @Field(() => String, { description: 'Account e-mail.' })
  email!: string;

  @Field(() => String, { description: 'The matching entry.' })
  cidr!: string;

  @Field(() => String, { nullable: true, description: 'Its label.' })
  label!: string | null;
}

@ObjectType('IpCheck', { description: 'Everything known about one IP address.' })
export class IpCheck {
  @Field(() => String, { description: 'The address, normalised.' })
  ip!: string;

  @Field(() => String, {
    description:
      'The unit counted and blocked: the address (IPv4) or its /64 (IPv6; its /48 is also counted, and blocked whole at five times the per-source threshold).',
  })
  sourcePrefix!: string;

  @Field(() => IpBlock, { nullable: true, description: 'The active block covering it, if any.' })
  activeBlock!: IpBlock | null;

  @Field(() => [IpBlock], { description: 'Recent blocks (active and past) covering it, newest first.' })
  blockHistory!: IpBlock[];

  @Field(() => Int, {
    description:
      'Login events from the source (the address, or its /64 for IPv6) in the last 24 hours recorded as INVALID_CREDENTIALS or BLOCKED, summed over the account names in `accountsTried` (at most 50). A history tally, not the brute-force counter compared with the thresholds.',
  })
  recentFailures!: number;

  @Field(() => [AccountFailureCount], {
    description:
      'Account names tried from this source in the last 24 hours (events recorded as INVALID_CREDENTIALS or BLOCKED), most failures first, at most 50.',
  })
  accountsTried!: AccountFailureCount[];

  @Field(() => [LoginEvent], { description: 'The latest login events from this address.' })
  recentEvents!: LoginEvent[];

  @Field(() => [TrustedIp], { description: 'Global safe-list entries containing it.' })
  globalSafe!: TrustedIp[];

  @Field(() => [TrustingAccount], { description: 'Accounts that trust it.' })
  trustedBy!: TrustingAccount[];

  @Field(() => [AccessListMatch], { description: 'Admin and sub-admin access lists that contain it.' })
  adminAccessLists!: AccessListMatch[];

  @Field(() => IpLocation, { description: 'Location and network.' })
  location!: IpLocation;
}

@ObjectType('IpBlockPage', { description: 'One page of blocks.' })
export class IpBlockPage {
  @Field(() => [IpBlock], { description: 'Blocks on this page.' })
  nodes!: IpBlock[];

  @Field(() => Int, { description: 'Blocks matching, over all pages.' })
  totalCount!: number;
}

@ObjectType('BruteForceSettings', { description: 'Brute-force thresholds and durations in force.' })
export class BruteForceSettings {
  @Field(() => Int, { description: 'Failures from one source (any account) within the window that block it.' })
  ipThreshold!: number;

  @Field(() => Int, { description: 'Failures for one account from one source within the window that block the source.' })
  accountIpThreshold!: number;

  @Field(() => Int, { description: 'Counting window in seconds.' })
  windowSeconds!: number;

  @Field(() => Int, { description: 'First block length in seconds.' })
  blockSeconds!: number;

  @Field(() => Int, { description: 'Longest block in seconds.' })
  maxBlockSeconds!: number;

  @Field(() => Int, { description: 'Each repeat block lasts this many times longer.' })
  escalationFactor!: number;
}

@ObjectType('IpStatus', {
  description:
    'What an integrator may know of an address: blocked or not (why, until when, which repeat), globally safe, recent failures.',
})
export class IpStatus {
  @Field(() => String, { description: 'The address, normalised.' })
  ip!: string;

  @Field(() => String, {
    description:
      'The unit counted and blocked: the address (IPv4) or its /64 (IPv6; its /48 is also counted, and blocked whole at five times the per-source threshold).',
  })
  sourcePrefix!: string;

  @Field(() => Boolean, { description: 'A block covering it is in force.' })
  blocked!: boolean;

  @Field(() => String, { nullable: true, description: 'The range blocked (null when not blocked).' })
  blockedRange!: string | null;

  @Field(() => BlockReason, { nullable: true, description: 'BRUTE_FORCE (automatic) or MANUAL (null when not blocked).' })
  blockReason!: BlockReason | null;

  @Field(() => Date, { nullable: true, description: 'When the block ends by itself (null: not blocked, or until lifted).' })
  blockedUntil!: Date | null;

  @Field(() => Int, {
    nullable: true,
    description: 'Which repeat block this is for the source (1 = first; null when not blocked).',
  })
  strike!: number | null;

  @Field(() => Boolean, {
    description: 'On the global safe list: never counted or blocked (a safe address is let through even inside a block).',
  })
  globallySafe!: boolean;

  @Field(() => Int, {
    description:
      'Login events from the source (the address, or its /64 for IPv6) in the last 24 hours recorded as INVALID_CREDENTIALS, ACCOUNT_DISABLED, IP_NOT_ALLOWED or BLOCKED, so the number tells nothing about which password was right. A history tally, not the brute-force counter compared with the thresholds (that one counts within the window, leaves trusted addresses out and starts afresh after a block).',
  })
  recentFailures!: number;
}
