import { describe, expect, it } from 'vitest';
import {
  assess,
  differentPlaces,
  distanceKm,
  legs,
  LikelyReason,
  Severity,
  spansSeveralPlaces,
  type LocatedLogin,
} from './incident-rules.js';

const S = { distanceKm: 500, maxSpeedKmh: 1000, failuresBeforeSuccess: 5 };
const T0 = new Date('2026-11-01T08:00:00Z');
const at = (hours: number) => new Date(T0.getTime() + hours * 3_600_000);

type Where = { countryCode: string; city: string | null; latitude: number; longitude: number };
const BERLIN: Where = { countryCode: 'DE', city: 'Berlin', latitude: 52.52, longitude: 13.405 };
const MUNICH = { countryCode: 'DE', city: 'Munich', latitude: 48.137, longitude: 11.575 };
const POTSDAM = { countryCode: 'DE', city: 'Potsdam', latitude: 52.39, longitude: 13.065 };
const PARIS = { countryCode: 'FR', city: 'Paris', latitude: 48.857, longitude: 2.352 };
const TOKYO = { countryCode: 'JP', city: 'Tokyo', latitude: 35.69, longitude: 139.69 };

let seq = 0;
function login(where: Where, hours: number, extra: Partial<LocatedLogin> = {}): LocatedLogin {
  return {
    id: String(++seq),
    occurredAt: at(hours),
    ip: `203.0.113.${seq % 250}`,
    asn: 3320,
    asnOrg: 'Deutsche Telekom AG',
    networkKind: 'FIXED',
    named: true,
    ...where,
    ...extra,
  };
}

describe('distance', () => {
  it('matches known great-circle distances', () => {
    expect(distanceKm(BERLIN, PARIS)).toBeGreaterThan(870);
    expect(distanceKm(BERLIN, PARIS)).toBeLessThan(885);
    expect(Math.round(distanceKm(BERLIN, TOKYO))).toBeGreaterThan(8900);
    expect(distanceKm(BERLIN, BERLIN)).toBe(0);
  });
});

describe('different places', () => {
  it('different countries always count, even close by', () => {
    const strasbourg = login({ countryCode: 'FR', city: 'Strasbourg', latitude: 48.58, longitude: 7.75 }, 0);
    const kehl = login({ countryCode: 'DE', city: 'Kehl', latitude: 48.57, longitude: 7.81 }, 1);
    expect(differentPlaces(strasbourg, kehl, S)).toBe(true);
  });
  it('within one country, only beyond the configured distance', () => {
    expect(differentPlaces(login(BERLIN, 0), login(POTSDAM, 1), S)).toBe(false);
    expect(differentPlaces(login(BERLIN, 0), login(MUNICH, 1), { distanceKm: 600 })).toBe(false); // 504 km apart
    expect(differentPlaces(login(BERLIN, 0), login(MUNICH, 1), { distanceKm: 300 })).toBe(true);
    expect(spansSeveralPlaces([login(BERLIN, 0), login(POTSDAM, 1), login(PARIS, 2)], S)).toBe(true);
    expect(spansSeveralPlaces([login(BERLIN, 0), login(POTSDAM, 1)], S)).toBe(false);
  });
  it('coarse GeoIP answers get a margin, so one town is never two places', () => {
    const a = login(BERLIN, 0, { named: false, city: null });
    const b = login(MUNICH, 1, { named: false, city: null });
    expect(differentPlaces(a, b, { distanceKm: 300 })).toBe(false);
  });
});

describe('familiar places', () => {
  it('a pair of confirmed places does not count; a confirmed place and a new one does', () => {
    const familiar = [
      { latitude: BERLIN.latitude, longitude: BERLIN.longitude },
      { latitude: PARIS.latitude, longitude: PARIS.longitude },
    ];
    expect(spansSeveralPlaces([login(BERLIN, 0), login(PARIS, 1)], S, familiar)).toBe(false);
    expect(spansSeveralPlaces([login(POTSDAM, 0), login(PARIS, 1)], S, familiar)).toBe(false); // Potsdam is within reach of Berlin
    expect(spansSeveralPlaces([login(BERLIN, 0), login(TOKYO, 1)], S, familiar)).toBe(true);
    expect(spansSeveralPlaces([login(BERLIN, 0), login(PARIS, 1)], S)).toBe(true);
  });
});

describe('impossible travel', () => {
  it('flags a speed above the limit and keeps a plausible flight', () => {
    const [fast] = legs([login(BERLIN, 0), login(TOKYO, 2)], S);
    expect(fast).toMatchObject({ impossible: true });
    expect(fast!.speedKmh).toBeGreaterThan(4000);
    const [flight] = legs([login(BERLIN, 0), login(TOKYO, 14)], S);
    expect(flight).toMatchObject({ impossible: false });
  });
  it('two far-apart logins at the same instant are impossible; the same place at the same instant is not', () => {
    const [same] = legs([login(BERLIN, 0), login(PARIS, 0)], S);
    expect(same).toMatchObject({ impossible: true, speedKmh: Number.POSITIVE_INFINITY });
    const [here] = legs([login(BERLIN, 0), login(BERLIN, 0)], S);
    expect(here).toMatchObject({ impossible: false, speedKmh: null });
  });
  it('subtracts the uncertainty of coarse places before judging speed', () => {
    // Two country-level answers 600 km apart, 20 minutes apart: within the 2 × 500 km margin.
    const a = login({ countryCode: 'DE', city: null, latitude: 51, longitude: 10 }, 0, { named: false });
    const b = login({ countryCode: 'DE', city: null, latitude: 51, longitude: 18.6 }, 1 / 3, { named: false });
    expect(legs([a, b], S)[0]).toMatchObject({ impossible: false, speedKmh: null });
  });
});

describe('likely reason', () => {
  const base = { failuresBefore: 0, unseenAsns: [] as number[] };

  it('many failures before the success → compromised', () => {
    const r = assess({ ...base, failuresBefore: 7, logins: [login(BERLIN, 0), login(PARIS, 12)] }, S);
    expect(r).toMatchObject({ reason: LikelyReason.COMPROMISED, severity: Severity.HIGH, impossibleTravel: false });
    expect(r.evidence[0]).toContain('7 failed attempts');
  });

  it('a hosting network → third-party application', () => {
    const r = assess(
      { ...base, logins: [login(BERLIN, 0), login(PARIS, 1, { networkKind: 'HOSTING', asn: 16509, asnOrg: 'Amazon.com' })] },
      S,
    );
    expect(r).toMatchObject({ reason: LikelyReason.THIRD_PARTY_APPLICATION, severity: Severity.LOW });
    expect(r.evidence[0]).toContain('Amazon.com');
  });

  it('impossible travel → compromised, high severity, with the leg as evidence', () => {
    const r = assess({ ...base, logins: [login(BERLIN, 0), login(TOKYO, 1)] }, S);
    expect(r).toMatchObject({ reason: LikelyReason.COMPROMISED, severity: Severity.HIGH, impossibleTravel: true });
    expect(r.evidence.join(' ')).toMatch(/Berlin, DE → Tokyo, JP: \d+ km in 1 h \(\d+ km\/h\), faster than 1000 km\/h/);
  });

  it('one mobile carrier in one country → mobile connection', () => {
    const mobile = { networkKind: 'MOBILE' as const, asn: 3209, asnOrg: 'Vodafone GmbH' };
    const r = assess({ ...base, logins: [login(BERLIN, 0, mobile), login(MUNICH, 3, mobile)] }, S);
    expect(r).toMatchObject({ reason: LikelyReason.MOBILE_CONNECTION, severity: Severity.LOW, impossibleTravel: false });
  });

  it('a plausible trip into another country → travelling', () => {
    const r = assess({ ...base, logins: [login(BERLIN, 0), login(PARIS, 5)] }, S);
    expect(r).toMatchObject({ reason: LikelyReason.TRAVELLING, severity: Severity.MEDIUM, impossibleTravel: false });
  });

  it('a never-seen network far away in the same country → compromised', () => {
    const logins = [login(BERLIN, 0), login(MUNICH, 6, { asn: 64512, asnOrg: 'Unheard Of Networks' })];
    expect(assess({ ...base, logins }, { ...S, distanceKm: 300 })).toMatchObject({ reason: LikelyReason.UNKNOWN });
    const r = assess({ ...base, unseenAsns: [64512], logins }, { ...S, distanceKm: 300 });
    expect(r).toMatchObject({ reason: LikelyReason.COMPROMISED, severity: Severity.HIGH });
    expect(r.evidence[0]).toContain('Unheard Of Networks');
  });

  it('orders the logins by time whatever order they come in', () => {
    const a = login(BERLIN, 0);
    const b = login(PARIS, 5);
    const r = assess({ ...base, logins: [b, a] }, S);
    expect(r.legs).toEqual([expect.objectContaining({ fromId: a.id, toId: b.id })]);
  });
});
