import { Entity, Enum, Index, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { NetworkKind } from './network-kind.js';

/**
 * An admin-defined range with a name and a place (e.g. 10.0.0.0/8 → "Head office, Berlin"). Overrides
 * the GeoIP database: the most specific matching range wins.
 */
@ObjectType('NamedLocation', { description: 'A named network range with a place; overrides GeoIP.' })
@Entity({ tableName: 'named_location' })
@Index({
  name: 'named_location_cidr_gist',
  expression: 'create index "named_location_cidr_gist" on "named_location" using gist ("cidr" inet_ops)',
})
export class NamedLocation {
  [OptionalProps]?:
    | 'id'
    | 'countryCode'
    | 'region'
    | 'city'
    | 'latitude'
    | 'longitude'
    | 'asn'
    | 'asnOrg'
    | 'networkKind'
    | 'trusted'
    | 'createdAt';

  @Field(() => ID, { description: 'Stable identifier.' })
  @PrimaryKey({ type: 'uuid', defaultRaw: 'gen_random_uuid()' })
  id: string = randomUUID();

  @Field(() => String, { description: 'The range (CIDR).' })
  @Property({ type: 'string', columnType: 'cidr', unique: true })
  cidr!: string;

  @Field(() => String, { description: 'Name shown instead of the GeoIP place, e.g. "Head office".' })
  @Property({ type: 'string', length: 100 })
  name!: string;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country code.' })
  @Property({ type: 'string', length: 2, nullable: true })
  countryCode: string | null = null;

  @Field(() => String, { nullable: true, description: 'Region or state.' })
  @Property({ type: 'string', length: 100, nullable: true })
  region: string | null = null;

  @Field(() => String, { nullable: true, description: 'City.' })
  @Property({ type: 'string', length: 100, nullable: true })
  city: string | null = null;

  @Field(() => Float, { nullable: true, description: 'Latitude in degrees.' })
  @Property({ type: 'double', nullable: true })
  latitude: number | null = null;

  @Field(() => Float, { nullable: true, description: 'Longitude in degrees.' })
  @Property({ type: 'double', nullable: true })
  longitude: number | null = null;

  @Field(() => Int, { nullable: true, description: 'ASN to report for this range.' })
  @Property({ type: 'integer', nullable: true })
  asn: number | null = null;

  @Field(() => String, { nullable: true, description: 'Network organisation to report.' })
  @Property({ type: 'string', length: 200, nullable: true })
  asnOrg: string | null = null;

  @Field(() => NetworkKind, { nullable: true, description: 'Network kind to report (overrides the ASN rules).' })
  @Enum({ items: () => NetworkKind, nullable: true })
  networkKind: NetworkKind | null = null;

  @Field(() => Boolean, { description: 'Logins from a trusted location raise no security incident.' })
  @Property({ type: 'boolean', default: false })
  trusted: boolean = false;

  @Field(() => Date, { description: 'When it was created.' })
  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}

/** Admin override of the network kind of a whole ASN. */
@Entity({ tableName: 'asn_override' })
export class AsnOverride {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  asn!: number;

  @Enum({ items: () => NetworkKind })
  kind!: NetworkKind;
}
