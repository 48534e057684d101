import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType } from 'type-graphql';
import { Account } from '../account/account.entity.js';

/**
 * An address or range marked safe: for one account (its trusted login IPs) or, with no account,
 * globally. Logins from it are never blocked and raise no incident for that account.
 */
@ObjectType('TrustedIp', { description: 'An IP or range marked safe, for one account or globally.' })
@Entity({ tableName: 'trusted_ip' })
@Index({
  name: 'trusted_ip_cidr_gist',
  expression: 'create index "trusted_ip_cidr_gist" on "trusted_ip" using gist ("cidr" inet_ops)',
})
@Index({ name: 'trusted_ip_account_idx', properties: ['account'] })
export class TrustedIp {
  [OptionalProps]?: 'id' | 'account' | 'note' | 'expiresAt' | 'createdAt' | 'createdBy';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id: string = randomUUID();

  @Field(() => String, { description: 'Trusted address or range (CIDR).' })
  @Property({ type: 'string', columnType: 'cidr' })
  cidr!: string;

  @ManyToOne(() => Account, { nullable: true, deleteRule: 'cascade' })
  account: Rel<Account> | null = null;

  @Field(() => String, { nullable: true, description: 'Why it is trusted (e.g. "Office VPN", "CRM sync server").' })
  @Property({ type: 'string', length: 500, nullable: true })
  note: string | null = null;

  @Field(() => Date, { nullable: true, description: 'When the trust ends by itself; null = until removed.' })
  @Property({ type: 'datetime', nullable: true })
  expiresAt: Date | null = null;

  @Field(() => Date, { description: 'When it was added.' })
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @ManyToOne(() => Account, { nullable: true, deleteRule: 'set null' })
  createdBy: Rel<Account> | null = null;
}
