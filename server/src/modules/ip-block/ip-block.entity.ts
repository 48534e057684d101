import { Entity, Enum, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Account } from '../account/account.entity.js';

export enum BlockReason {
  BRUTE_FORCE = 'BRUTE_FORCE',
  MANUAL = 'MANUAL',
}
registerEnumType(BlockReason, {
  name: 'BlockReason',
  description: 'Why an IP or range is blocked.',
  valuesConfig: {
    BRUTE_FORCE: { description: 'Too many failed logins within the window.' },
    MANUAL: { description: 'Blocked by an admin.' },
  },
});

/**
 * A temporary (or, by hand, open-ended) block of an address or range. IPv6 brute-force blocks cover
 * the /64. Looked up with a GiST index on `cidr`; the active one is the one not lifted and not expired.
 */
@ObjectType('IpBlock', { description: 'A block of an IP address or range.' })
@Entity({ tableName: 'ip_block' })
@Index({ name: 'ip_block_cidr_gist', expression: 'create index "ip_block_cidr_gist" on "ip_block" using gist ("cidr" inet_ops)' })
@Index({ name: 'ip_block_active_idx', properties: ['liftedAt', 'expiresAt'] })
export class IpBlock {
  [OptionalProps]?: 'id' | 'note' | 'failures' | 'strike' | 'createdAt' | 'expiresAt' | 'createdBy' | 'liftedAt' | 'liftedBy';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id: string = randomUUID();

  @Field(() => String, { description: 'Blocked address or range (CIDR).' })
  @Property({ type: 'string', columnType: 'cidr' })
  cidr!: string;

  @Field(() => BlockReason, { description: 'Why.' })
  @Enum({ items: () => BlockReason })
  reason!: BlockReason;

  @Field(() => String, { nullable: true, description: 'Admin note (manual blocks) or summary (automatic).' })
  @Property({ type: 'string', length: 500, nullable: true })
  note: string | null = null;

  @Field(() => Int, { description: 'Failed logins counted when the block was set.' })
  @Property({ type: 'integer', default: 0 })
  failures: number = 0;

  @Field(() => Int, { description: 'How many times this source has been blocked recently (escalation step, 1 = first).' })
  @Property({ type: 'integer', default: 1 })
  strike: number = 1;

  @Field(() => Date, { description: 'When the block started.' })
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'When it ends by itself; null = until lifted.' })
  @Property({ type: 'datetime', nullable: true })
  expiresAt: Date | null = null;

  @ManyToOne(() => Account, { nullable: true, deleteRule: 'set null' })
  createdBy: Rel<Account> | null = null;

  @Field(() => Date, { nullable: true, description: 'When an admin lifted it.' })
  @Property({ type: 'datetime', nullable: true })
  liftedAt: Date | null = null;

  @ManyToOne(() => Account, { nullable: true, deleteRule: 'set null' })
  liftedBy: Rel<Account> | null = null;
}

/**
 * Failure counters, one row per key (`ip:<prefix>` or `acct:<prefix>|<name>`), updated atomically. The
 * prefix first, and an index for prefix matches: a block or unblock clears every account's count from
 * its source (`acct:<prefix>|%`) through the index, not by reading the whole table (its largest during
 * the very attacks that make blocks).
 */
@Entity({ tableName: 'failure_counter' })
@Index({
  name: 'failure_counter_key_prefix_idx',
  expression: 'create index "failure_counter_key_prefix_idx" on "failure_counter" ("key" varchar_pattern_ops)',
})
export class FailureCounter {
  @PrimaryKey({ type: 'string', length: 400 })
  key!: string;

  @Property({ type: 'integer' })
  count!: number;

  @Property({ type: 'datetime' })
  windowStart!: Date;
}

/** Escalation memory per source prefix: repeat offenders get longer blocks. */
@Entity({ tableName: 'ip_strike' })
export class IpStrike {
  @PrimaryKey({ type: 'string', columnType: 'cidr' })
  prefix!: string;

  @Property({ type: 'integer' })
  strikes!: number;

  @Property({ type: 'datetime' })
  lastAt!: Date;
}

/**
 * Keyed hashes (HMAC with the server's secret) of recent wrong passwords per account name, so a
 * device retrying one stale password counts once. Never the password itself.
 */
@Entity({ tableName: 'recent_wrong_password' })
export class RecentWrongPassword {
  @PrimaryKey({ type: 'string', length: 254 })
  accountName!: string;

  @PrimaryKey({ type: 'string', length: 64 })
  secretHmac!: string;

  @Property({ type: 'datetime' })
  lastAt!: Date;
}
