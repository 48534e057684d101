import { IsISO31661Alpha2, IsInt, IsLatitude, IsLongitude, IsOptional, Length, Max, MaxLength, Min } from 'class-validator';
import {
  Arg,
  Authorized,
  Ctx,
  Field,
  Float,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  createUnionType,
} from 'type-graphql';
import type { Context } from '../../context.js';
import { Permission } from '../../common/auth/roles.js';
import { AlreadyExistsError, WideRangeNeedsAcknowledgementError } from '../../common/errors/error-result.js';
import { appError, badInput, notFound } from '../../common/errors/errors.js';
import { ErrorCode } from '../../common/errors/codes.js';
import { hasPermission } from '../../common/auth/auth-checker.js';
import { assertUuid } from '../../common/graphql/ids.js';
import { isWidePublicRange, ruleRangeArg } from '../../common/net/cidr-input.js';
import { AsnOverride, NamedLocation } from './named-location.entity.js';
import { NetworkKind } from './network-kind.js';
import { AuditAction } from '../audit/audit.entity.js';

@InputType('NamedLocationInput', { description: 'A named range and its place.' })
export class NamedLocationInput {
  @Field(() => String, { description: 'IP address or CIDR range (host bits zero).' })
  @MaxLength(64)
  cidr!: string;

  @Field(() => String, { description: 'Name, 1–100 characters (e.g. "Head office").' })
  @Length(1, 100)
  name!: string;

  @Field(() => String, { nullable: true, description: 'ISO 3166-1 alpha-2 country code.' })
  @IsOptional()
  @IsISO31661Alpha2()
  countryCode?: string;

  @Field(() => String, { nullable: true, description: 'Region or state.' })
  @IsOptional()
  @MaxLength(100)
  region?: string;

  @Field(() => String, { nullable: true, description: 'City.' })
  @IsOptional()
  @MaxLength(100)
  city?: string;

  @Field(() => Float, { nullable: true, description: 'Latitude (−90…90); give it with longitude.' })
  @IsOptional()
  @IsLatitude()
  latitude?: number;

  @Field(() => Float, { nullable: true, description: 'Longitude (−180…180); give it with latitude.' })
  @IsOptional()
  @IsLongitude()
  longitude?: number;

  @Field(() => Int, { nullable: true, description: 'ASN to report for the range.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  asn?: number;

  @Field(() => String, { nullable: true, description: 'Organisation to report.' })
  @IsOptional()
  @MaxLength(200)
  asnOrg?: string;

  @Field(() => NetworkKind, { nullable: true, description: 'Network kind to report.' })
  @IsOptional()
  networkKind?: NetworkKind;

  @Field(() => Boolean, { defaultValue: false, description: 'Logins from a trusted location raise no incident.' })
  trusted: boolean = false;

  @Field(() => Boolean, {
    defaultValue: false,
    description:
      'Required (true) to trust a publicly routable range wider than /24 (IPv4) or /48 (IPv6), as for marking a range safe.',
  })
  acknowledgeWideRange: boolean = false;
}

export const CreateNamedLocationResult = createUnionType({
  name: 'CreateNamedLocationResult',
  description: 'Outcome of creating a named location.',
  types: () => [NamedLocation, AlreadyExistsError, WideRangeNeedsAcknowledgementError] as const,
});

@Resolver(() => NamedLocation)
export class NamedLocationResolver {
  @Authorized(Permission.MANAGE_IPS)
  @Query(() => [NamedLocation], { description: 'Named locations, ordered by name. Needs MANAGE_IPS.' })
  async namedLocations(@Ctx() ctx: Context): Promise<NamedLocation[]> {
    return ctx.em.find(NamedLocation, {}, { orderBy: { name: 'asc' } });
  }

  @Authorized(Permission.MANAGE_IPS)
  @Mutation(() => CreateNamedLocationResult, {
    description:
      'Names a range and places it; overrides GeoIP for addresses in it (where it gives no coordinates, the place stays GeoIP’s, so incident detection still sees it). Needs MANAGE_IPS; a trusted one (exempt from incidents for every account) also MANAGE_SETTINGS, and for a wide public range the acknowledgement and a recent re-authentication (not possible with an API token).',
  })
  async createNamedLocation(
    @Arg('input', () => NamedLocationInput, { description: 'The range and its place.' }) input: NamedLocationInput,
    @Ctx() ctx: Context,
  ): Promise<typeof CreateNamedLocationResult> {
    const cidr = ruleRangeArg(input.cidr, 'cidr');
    // An explicit null is no coordinate, like an omitted one.
    if ((input.latitude == null) !== (input.longitude == null)) {
      throw badInput([
        {
          field: input.latitude == null ? 'latitude' : 'longitude',
          reason: 'REQUIRED',
          message: 'Give latitude and longitude together.',
        },
      ]);
    }
    const name = input.name.trim();
    if (!name) throw badInput([{ field: 'name', reason: 'REQUIRED', message: 'The name must not be blank.' }]);
    // A trusted location exempts its range from incidents for every account, as the global safe list
    // does: the same rights (MANAGE_SETTINGS), and for a wide public range the same warning and a recent
    // re-authentication (which an API token cannot give).
    if (input.trusted) {
      if (!hasPermission(ctx.viewer!, Permission.MANAGE_SETTINGS)) {
        throw appError(
          ErrorCode.FORBIDDEN,
          'A trusted location exempts every account from incidents: it takes the “Manage settings” permission too.',
        );
      }
      if (isWidePublicRange(cidr)) {
        if (!input.acknowledgeWideRange) return new WideRangeNeedsAcknowledgementError(cidr.text);
        ctx.services.twoFactor.requireRecentReauth(ctx);
      }
    }
    // The check, the insert and the audit entry in one transaction, under a lock per range: two
    // creations of one range at once give one location and one ALREADY_EXISTS (not a unique-key error).
    const loc = await ctx.em.transactional(async (tx) => {
      await tx.execute(`select pg_advisory_xact_lock(hashtext(?))`, [`named_location:${cidr.text}`]);
      if ((await tx.count(NamedLocation, { cidr: cidr.text })) > 0) return null;
      const created = tx.create(NamedLocation, {
        cidr: cidr.text,
        name,
        countryCode: input.countryCode?.toUpperCase() ?? null,
        region: input.region ?? null,
        city: input.city ?? null,
        latitude: input.latitude ?? null,
        longitude: input.longitude ?? null,
        asn: input.asn ?? null,
        asnOrg: input.asnOrg ?? null,
        networkKind: input.networkKind ?? null,
        trusted: input.trusted,
      });
      await tx.flush();
      await ctx.services.audit.record(
        { ...ctx, em: tx },
        AuditAction.NAMED_LOCATION_CREATED,
        { type: 'NamedLocation', id: created.id, label: `${created.name} ${created.cidr}` },
        { trusted: created.trusted, ...(created.trusted ? { acknowledgedWideRange: input.acknowledgeWideRange } : {}) },
      );
      return created;
    });
    if (!loc) return new AlreadyExistsError(`${cidr.text} has a name already.`);
    ctx.services.geo.invalidate();
    return loc;
  }

  @Authorized(Permission.MANAGE_IPS)
  @Mutation(() => Boolean, { description: 'Deletes a named location. Needs MANAGE_IPS.' })
  async deleteNamedLocation(
    @Arg('id', () => ID, { description: 'Named location id.' }) id: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    assertUuid(id, 'id');
    // The removal and its audit entry commit together; of two removals at once, one finds nothing.
    const deleted = await ctx.em.transactional(async (tx) => {
      const rows = await tx.execute<{ name: string; cidr: string }[]>(
        `delete from named_location where id = ? returning name, cidr::text as cidr`,
        [id],
      );
      const loc = rows[0];
      if (!loc) return false;
      await ctx.services.audit.record({ ...ctx, em: tx }, AuditAction.NAMED_LOCATION_DELETED, {
        type: 'NamedLocation',
        id,
        label: `${loc.name} ${loc.cidr}`,
      });
      return true;
    });
    if (!deleted) throw notFound('Named location');
    ctx.services.geo.invalidate();
    return true;
  }
}

@ObjectType('AsnNetworkKind', { description: 'An admin override of the network kind of a whole ASN.' })
export class AsnNetworkKind {
  @Field(() => Int, { description: 'Autonomous system number.' })
  asn!: number;

  @Field(() => NetworkKind, { description: 'Kind reported for every address of the ASN.' })
  kind!: NetworkKind;
}

@Resolver(() => AsnNetworkKind)
export class AsnOverrideResolver {
  @Authorized(Permission.MANAGE_IPS)
  @Query(() => [AsnNetworkKind], { description: 'Network-kind overrides per ASN. Needs MANAGE_IPS.' })
  async asnNetworkKinds(@Ctx() ctx: Context): Promise<AsnNetworkKind[]> {
    const rows = await ctx.em.find(AsnOverride, {}, { orderBy: { asn: 'asc' } });
    return rows.map((r) => Object.assign(new AsnNetworkKind(), { asn: r.asn, kind: r.kind }));
  }

  @Authorized(Permission.MANAGE_IPS)
  @Mutation(() => AsnNetworkKind, {
    nullable: true,
    description:
      'Sets the network kind of an ASN (overrides the curated table and name rules); kind null removes the override. Needs MANAGE_IPS.',
  })
  async setAsnNetworkKind(
    @Arg('asn', () => Int, { description: 'Autonomous system number (1–2147483647; higher ones are private-use).' }) asn: number,
    @Arg('kind', () => NetworkKind, { nullable: true, description: 'Kind, or null to remove the override.' })
    kind: NetworkKind | null,
    @Ctx() ctx: Context,
  ): Promise<AsnNetworkKind | null> {
    if (!Number.isInteger(asn) || asn < 1 || asn > 2_147_483_647) {
      throw badInput([{ field: 'asn', reason: 'OUT_OF_RANGE', message: 'A public ASN is a whole number from 1 to 2147483647.' }]);
    }
    // The change and its audit entry (with the kind it replaced) commit together.
    await ctx.em.transactional(async (tx) => {
      const [was] = await tx.execute<{ kind: NetworkKind }[]>(`select kind from asn_override where asn = ? for update`, [asn]);
      if (kind === null) await tx.nativeDelete(AsnOverride, { asn });
      else await tx.upsert(AsnOverride, { asn, kind });
      await ctx.services.audit.record(
        { ...ctx, em: tx },
        AuditAction.ASN_KIND_SET,
        { type: 'Asn', id: String(asn), label: `AS${asn}` },
        { kind, before: was?.kind ?? null },
      );
    });
    ctx.services.geo.invalidate();
    return kind === null ? null : Object.assign(new AsnNetworkKind(), { asn, kind });
  }
}
