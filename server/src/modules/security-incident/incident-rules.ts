/**
 * The rules behind security incidents, in one place and free of I/O: when several logins of one
 * account amount to "more than one location", when travel between two of them is impossible, and
 * which reason the evidence points at. Each rule has its own test in `incident-rules.test.ts`.
 */

export type Kind = 'FIXED' | 'MOBILE' | 'HOSTING' | 'VPN' | 'PRIVATE' | 'UNKNOWN';

export interface LocatedLogin {
  id: string;
  occurredAt: Date;
  ip: string;
  countryCode: string | null;
  city: string | null;
  latitude: number;
  longitude: number;
  asn: number | null;
  asnOrg: string | null;
  networkKind: Kind;
  /** Placed by an admin-defined named location (exact), rather than the GeoIP database. */
  named: boolean;
}

export interface IncidentRuleSettings {
  /** Two places farther apart than this count as different locations, even within one country. */
  distanceKm: number;
  /** Faster than this between two consecutive logins is impossible travel. */
  maxSpeedKmh: number;
  /** This many failed attempts in the window before a success point at a guessed password. */
  failuresBeforeSuccess: number;
}

export enum LikelyReason {
  COMPROMISED = 'COMPROMISED',
  THIRD_PARTY_APPLICATION = 'THIRD_PARTY_APPLICATION',
  MOBILE_CONNECTION = 'MOBILE_CONNECTION',
  TRAVELLING = 'TRAVELLING',
  UNKNOWN = 'UNKNOWN',
}

export enum Severity {
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  CRITICAL = 'CRITICAL',
}

export interface Leg {
  fromId: string;
  toId: string;
  distanceKm: number;
  hours: number;
  /** Speed implied after allowing for the uncertainty of both places; null when the places coincide. */
  speedKmh: number | null;
  impossible: boolean;
}

export interface Assessment {
  reason: LikelyReason;
  severity: Severity;
  impossibleTravel: boolean;
  /** Sentences a reviewer reads next to the proposed reason. */
  evidence: string[];
  legs: Leg[];
}

const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance (haversine), in kilometres. */
export function distanceKm(a: { latitude: number; longitude: number }, b: { latitude: number; longitude: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * How far off a place may be. A named location is exact; a GeoIP city is good to a few tens of
 * kilometres; a country-only answer (no city) sits at the country's centroid and may be far off.
 */
export function uncertaintyKm(l: Pick<LocatedLogin, 'named' | 'city'>): number {
  if (l.named) return 0;
  return l.city ? 50 : 500;
}

/** Two logins are in different locations: different countries, or farther apart than the setting. */
export function differentPlaces(a: LocatedLogin, b: LocatedLogin, s: Pick<IncidentRuleSettings, 'distanceKm'>): boolean {
  if (a.countryCode && b.countryCode && a.countryCode !== b.countryCode) return true;
  return distanceKm(a, b) - uncertaintyKm(a) - uncertaintyKm(b) > s.distanceKm;
}

/** A place the account holder confirmed ("It was me"): logins within reach of it are familiar. */
export interface FamiliarPlace {
  latitude: number;
  longitude: number;
}

/** How close to a confirmed place a login must be (plus its own uncertainty) to count as familiar. */
export const FAMILIAR_RADIUS_KM = 100;

export function isFamiliar(l: LocatedLogin, familiar: readonly FamiliarPlace[]): boolean {
  return familiar.some((f) => distanceKm(l, f) <= FAMILIAR_RADIUS_KM + uncertaintyKm(l));
}

/**
 * True when the logins span more than one location (the incident trigger). A pair of places the
 * holder has both confirmed does not count; a familiar place and a new one still do (home and a
 * sudden login far away is exactly what to catch).
 */
export function spansSeveralPlaces(
  logins: LocatedLogin[],
  s: Pick<IncidentRuleSettings, 'distanceKm'>,
  familiar: readonly FamiliarPlace[] = [],
): boolean {
  const known = logins.map((l) => familiar.length > 0 && isFamiliar(l, familiar));
  for (let i = 0; i < logins.length; i++)
    for (let j = i + 1; j < logins.length; j++)
      if (!(known[i] && known[j]) && differentPlaces(logins[i]!, logins[j]!, s)) return true;
  return false;
}

/**
 * Consecutive logins (in time order) with distance, elapsed time and implied speed. The distance is
 * reduced by the uncertainty of both places before the speed is judged, so two coarse GeoIP answers
 * for one town never look like a flight; logins at the same instant in far-apart places are impossible.
 */
export function legs(sorted: LocatedLogin[], s: Pick<IncidentRuleSettings, 'maxSpeedKmh'>): Leg[] {
  const out: Leg[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    const d = distanceKm(a, b);
    const hours = Math.abs(b.occurredAt.getTime() - a.occurredAt.getTime()) / 3_600_000;
    const effective = Math.max(0, d - uncertaintyKm(a) - uncertaintyKm(b));
    const speed = effective === 0 ? null : hours === 0 ? Number.POSITIVE_INFINITY : effective / hours;
    out.push({
      fromId: a.id,
      toId: b.id,
      distanceKm: Math.round(d),
      hours: Math.round(hours * 1000) / 1000,
      speedKmh: speed === null || !Number.isFinite(speed) ? speed : Math.round(speed),
      impossible: speed !== null && speed > s.maxSpeedKmh,
    });
  }
  return out;
}

function place(l: LocatedLogin): string {
  return [l.city, l.countryCode].filter(Boolean).join(', ') || `${l.latitude.toFixed(1)}, ${l.longitude.toFixed(1)}`;
}

export interface Evidence {
  /** The logins of the incident, any order. */
  logins: LocatedLogin[];
  /** Failed attempts on the account in the window before its latest success. */
  failuresBefore: number;
  /** ASNs of the incident's logins that the account never used before the window. */
  unseenAsns: number[];
}

/**
 * Proposes the likely reason, strongest evidence first:
 * 1. many failures before the success → compromised (a guessed password);
 * 2. a hosting/datacenter network → a third-party application (a mail client, CRM or sync server);
 * 3. impossible travel → compromised;
 * 4. every login on one mobile carrier in one country → mobile connection (carrier-grade NAT moves the address);
 * 5. plausible speed into another country → travelling;
 * 6. a network the account has never used, in the same country far away → compromised;
 * 7. otherwise unknown.
 */
export function assess(e: Evidence, s: IncidentRuleSettings): Assessment {
  const sorted = [...e.logins].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.id.localeCompare(b.id));
  const ls = legs(sorted, s);
  const impossible = ls.filter((l) => l.impossible);
  const byId = new Map(sorted.map((l) => [l.id, l]));
  const countries = new Set(sorted.map((l) => l.countryCode).filter((c): c is string => c !== null));
  const evidence: string[] = [];
  for (const leg of impossible) {
    const a = byId.get(leg.fromId)!;
    const b = byId.get(leg.toId)!;
    evidence.push(
      `${place(a)} → ${place(b)}: ${leg.distanceKm} km in ${formatHours(leg.hours)}` +
        (leg.speedKmh === Number.POSITIVE_INFINITY ? ' (at the same moment)' : ` (${leg.speedKmh} km/h)`) +
        `, faster than ${s.maxSpeedKmh} km/h.`,
    );
  }
  const result = (reason: LikelyReason, severity: Severity, why: string[]): Assessment => ({
    reason,
    severity: impossible.length > 0 && severity !== Severity.CRITICAL ? maxSeverity(severity, Severity.HIGH) : severity,
    impossibleTravel: impossible.length > 0,
    evidence: [...why, ...evidence],
    legs: ls,
  });

  if (e.failuresBefore >= s.failuresBeforeSuccess) {
    return result(LikelyReason.COMPROMISED, Severity.HIGH, [
      `${e.failuresBefore} failed attempts on the account before the successful login: the password may have been guessed.`,
    ]);
  }
  const hosting = sorted.filter((l) => l.networkKind === 'HOSTING');
  if (hosting.length > 0) {
    const orgs = [...new Set(hosting.map((l) => l.asnOrg ?? `AS${l.asn ?? '?'}`))];
    return result(LikelyReason.THIRD_PARTY_APPLICATION, Severity.LOW, [
      `${hosting.map((l) => l.ip).join(', ')} belong${hosting.length === 1 ? 's' : ''} to a hosting/datacenter network (${orgs.join(', ')}): likely an application or server using the account, not a person.`,
    ]);
  }
  if (impossible.length > 0) {
    return result(LikelyReason.COMPROMISED, Severity.HIGH, ['Nobody can travel between these places that fast.']);
  }
  const asns = new Set(sorted.map((l) => l.asn));
  if (sorted.every((l) => l.networkKind === 'MOBILE') && asns.size === 1 && countries.size <= 1) {
    const l = sorted[0]!;
    return result(LikelyReason.MOBILE_CONNECTION, Severity.LOW, [
      `Every login came from one mobile network (${l.asnOrg ?? `AS${l.asn}`}) in ${l.countryCode ?? 'one country'}: mobile carriers move users between distant gateways.`,
    ]);
  }
  if (countries.size > 1) {
    return result(LikelyReason.TRAVELLING, Severity.MEDIUM, [
      `Logins from ${[...countries].join(', ')} at speeds a traveller can reach.`,
    ]);
  }
  if (e.unseenAsns.length > 0) {
    const orgs = sorted.filter((l) => l.asn !== null && e.unseenAsns.includes(l.asn)).map((l) => l.asnOrg ?? `AS${l.asn}`);
    return result(LikelyReason.COMPROMISED, Severity.HIGH, [
      `A network the account has never used before: ${[...new Set(orgs)].join(', ')}.`,
    ]);
  }
  return result(LikelyReason.UNKNOWN, Severity.MEDIUM, ['Logins from places far apart, with nothing that explains them.']);
}

const ORDER = [Severity.LOW, Severity.MEDIUM, Severity.HIGH, Severity.CRITICAL];
export function maxSeverity(a: Severity, b: Severity): Severity {
  return ORDER.indexOf(a) >= ORDER.indexOf(b) ? a : b;
}

function formatHours(h: number): string {
  if (h < 1) return `${Math.round(h * 60)} min`;
  return `${Math.round(h * 10) / 10} h`;
}
