import { Field, Float, Int, ObjectType } from 'type-graphql';
import type { GeoInfo } from './geo.service.js';
import { NetworkKind } from './network-kind.js';

@ObjectType('IpLocation', { description: 'Where an address is and which network it belongs to.' })
export class IpLocation {
  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country code.' })
  countryCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Region or state.' })
  region!: string | null;

  @Field(() => String, { nullable: true, description: 'City.' })
  city!: string | null;

  @Field(() => Float, { nullable: true, description: 'Latitude.' })
  latitude!: number | null;

  @Field(() => Float, { nullable: true, description: 'Longitude.' })
  longitude!: number | null;

  @Field(() => Int, { nullable: true, description: 'Autonomous system number.' })
  asn!: number | null;

  @Field(() => String, { nullable: true, description: 'Network organisation.' })
  asnOrg!: string | null;

  @Field(() => NetworkKind, { description: 'Kind of network.' })
  networkKind!: NetworkKind;

  @Field(() => String, { description: 'Where the answer came from: NAMED_LOCATION, GEOIP or NONE.' })
  source!: string;

  @Field(() => String, { nullable: true, description: 'Named location that placed the address.' })
  namedLocation!: string | null;

  static from(g: GeoInfo): IpLocation {
    return Object.assign(new IpLocation(), g);
  }
}
