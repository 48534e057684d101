import { Entity, Index, ManyToOne, OptionalProps, PrimaryKey, Property, type Rel } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, ID, ObjectType } from 'type-graphql';
import { Account } from '../account/account.entity.js';

/** One address or range an admin or sub-admin may work from, with a label (office, home, API server). */
@ObjectType('AdminAccessEntry', { description: 'An IP address or range in an admin’s access list.' })
@Entity({ tableName: 'admin_access_entry' })
@Index({
  name: 'admin_access_entry_cidr_gist',
  expression: 'create index "admin_access_entry_cidr_gist" on "admin_access_entry" using gist ("cidr" inet_ops)',
})
@Index({ properties: ['account'] })
export class AdminAccessEntry {
  [OptionalProps]?: 'id' | 'label' | 'createdAt';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id: string = randomUUID();

  @ManyToOne(() => Account, { deleteRule: 'cascade' })
  account!: Rel<Account>;

  @Field(() => String, { description: 'Address or range (CIDR).' })
  @Property({ type: 'string', columnType: 'cidr' })
  cidr!: string;

  @Field(() => String, { nullable: true, description: 'Label, e.g. "Office", "Home", "API server".' })
  @Property({ type: 'string', length: 100, nullable: true })
  label: string | null = null;

  @Field(() => Date, { description: 'When it was added.' })
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
