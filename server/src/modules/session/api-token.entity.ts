import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType } from 'type-graphql';
import { Account } from '../account/account.entity.js';

/**
 * A bearer token for an API-only sub-admin (integrations): shown once, stored as SHA-256, scoped by
 * the account's permissions, optionally expiring, revocable, with its last use recorded.
 */
@ObjectType('ApiToken', { description: 'An API token (the secret itself is shown only once, at creation).' })
@Entity({ tableName: 'api_token' })
@Index({ properties: ['account'] })
@Index({ properties: ['createdBy'] })
export class ApiToken {
  [OptionalProps]?: 'id' | 'createdAt' | 'createdBy' | 'expiresAt' | 'lastUsedAt' | 'lastUsedIp' | 'revokedAt';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id: string = randomUUID();

  @ManyToOne(() => Account, { deleteRule: 'cascade' })
  account!: Rel<Account>;

  /**
   * Who minted it and so saw its secret (null once that account is deleted). Disabling or deleting that
   * account revokes the token.
   */
  @ManyToOne(() => Account, { nullable: true, deleteRule: 'set null' })
  createdBy: Rel<Account> | null = null;

  @Field(() => String, { description: 'What it is for, e.g. "Mail server mx1".' })
  @Property({ type: 'string', length: 100 })
  name!: string;

  @Property({ type: 'string', length: 64, unique: true })
  tokenHash!: string;

  @Field(() => String, { description: 'First characters of the token, to recognise it.' })
  @Property({ type: 'string', length: 16 })
  prefix!: string;

  @Field(() => Date, { description: 'When it was created.' })
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Field(() => Date, { nullable: true, description: 'When it stops working by itself; null = never.' })
  @Property({ type: 'datetime', nullable: true })
  expiresAt: Date | null = null;

  @Field(() => Date, { nullable: true, description: 'Last request made with it (updated at most once a minute).' })
  @Property({ type: 'datetime', nullable: true })
  lastUsedAt: Date | null = null;

  @Field(() => String, { nullable: true, description: 'Client IP of the last request.' })
  @Property({ type: 'string', length: 45, nullable: true })
  lastUsedIp: string | null = null;

  @Field(() => Date, { nullable: true, description: 'When it was revoked.' })
  @Property({ type: 'datetime', nullable: true })
  revokedAt: Date | null = null;
}
