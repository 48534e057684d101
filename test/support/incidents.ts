import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { GqlClient } from './graphql.js';

/**
 * Named locations that place documentation-free private ranges exactly, so incident rules are tested
 * with known coordinates and networks (GeoIP never answers for private addresses).
 */
export const PLACES = {
  berlin: {
    cidr: '10.61.0.0/16',
    countryCode: 'DE',
    city: 'Berlin',
    latitude: 52.52,
    longitude: 13.405,
    networkKind: 'FIXED',
    asn: 64601,
    asnOrg: 'Berlin Fibre',
  },
  paris: {
    cidr: '10.62.0.0/16',
    countryCode: 'FR',
    city: 'Paris',
    latitude: 48.857,
    longitude: 2.352,
    networkKind: 'FIXED',
    asn: 64602,
    asnOrg: 'Paris Cable',
  },
  tokyo: {
    cidr: '10.63.0.0/16',
    countryCode: 'JP',
    city: 'Tokyo',
    latitude: 35.69,
    longitude: 139.69,
    networkKind: 'FIXED',
    asn: 64603,
    asnOrg: 'Tokyo Net',
  },
  munich: {
    cidr: '10.64.0.0/16',
    countryCode: 'DE',
    city: 'Munich',
    latitude: 48.137,
    longitude: 11.575,
    networkKind: 'FIXED',
    asn: 64601,
    asnOrg: 'Berlin Fibre',
  },
  datacenter: {
    cidr: '10.65.0.0/16',
    countryCode: 'DE',
    city: 'Frankfurt',
    latitude: 50.11,
    longitude: 8.68,
    networkKind: 'HOSTING',
    asn: 16509,
    asnOrg: 'Amazon.com, Inc.',
  },
  mobileBerlin: {
    cidr: '10.66.0.0/16',
    countryCode: 'DE',
    city: 'Berlin',
    latitude: 52.52,
    longitude: 13.405,
    networkKind: 'MOBILE',
    asn: 3209,
    asnOrg: 'Vodafone GmbH',
  },
  mobileMunich: {
    cidr: '10.67.0.0/16',
    countryCode: 'DE',
    city: 'Munich',
    latitude: 48.137,
    longitude: 11.575,
    networkKind: 'MOBILE',
    asn: 3209,
    asnOrg: 'Vodafone GmbH',
  },
  office: {
    cidr: '10.68.0.0/16',
    countryCode: 'NL',
    city: 'Amsterdam',
    latitude: 52.37,
    longitude: 4.9,
    networkKind: 'FIXED',
    asn: 64604,
    asnOrg: 'Office',
    trusted: true,
  },
} as const;
export type Place = keyof typeof PLACES;

let host = 0;
/** A fresh address in a place, so tests never share trust or counters. */
export function ipIn(place: Place): string {
  host++;
  const base = PLACES[place].cidr.split('.').slice(0, 2).join('.');
  return `${base}.${Math.floor(host / 250) % 250}.${(host % 250) + 1}`;
}

export async function createPlaces(admin: GqlClient): Promise<void> {
  for (const [name, p] of Object.entries(PLACES)) {
    const res = await admin.gql(
      `mutation($i: NamedLocationInput!) { createNamedLocation(input: $i) { __typename ... on ErrorResult { code } } }`,
      { i: { name, ...p } },
    );
    const t = res.data?.['createNamedLocation']?.__typename;
    if (t !== 'NamedLocation' && res.data?.['createNamedLocation']?.code !== 'ALREADY_EXISTS')
      throw new Error(`named location ${name}: ${JSON.stringify(res)}`);
  }
}

export const REPORT = `mutation($i: LoginReportInput!) { reportLogin(input: $i) { allowed reason eventId } }`;

/** Reports a successful login of `account` from `place`, `hoursAgo` hours ago, as an integrator would. */
export async function reportFrom(
  integrator: GqlClient,
  account: string,
  place: Place | string,
  hoursAgo = 0,
  service = 'imap',
): Promise<{ ip: string; eventId: string }> {
  const ip = place in PLACES ? ipIn(place as Place) : place;
  const res = await integrator.gql(REPORT, {
    i: {
      account,
      ip,
      outcome: 'SUCCESS',
      service,
      userAgent: 'incident-test',
      occurredAt: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(),
    },
  });
  if (!res.data?.['reportLogin']?.allowed) throw new Error(`report failed: ${JSON.stringify(res)}`);
  return { ip, eventId: res.data['reportLogin'].eventId as string };
}

export const INCIDENT_FIELDS = `id status severity reason impossibleTravel evidence loginCount openedAt resolvedAt resolution resolutionNote holderResponse
  account { id email } resolvedBy { email }
  logins { id ip countryCode city asn asnOrg networkKind service userAgent outcome occurredAt }
  legs { fromLoginId toLoginId distanceKm hours speedKmh impossible }`;

export const INCIDENTS = `query($f: IncidentFilterInput) { securityIncidents(filter: $f) { totalCount nodes { ${INCIDENT_FIELDS} } } }`;

export async function incidentsOf(admin: GqlClient, accountId: string): Promise<Record<string, any>[]> {
  const res = await admin.gql(INCIDENTS, { f: { accountId } });
  if (!res.data) throw new Error(JSON.stringify(res.errors));
  return res.data['securityIncidents'].nodes;
}

export const INCIDENT_EVENTS = `subscription { incidentEvents { kind incidentId accountId accountEmail severity reason status impossibleTravel openIncidents occurredAt } }`;

export interface Subscriber {
  events: Record<string, any>[];
  errors: unknown[];
  closed: { code: number; reason: string } | undefined;
  /** Resolves once the server acknowledged the connection (or rejects when it refused it). */
  connected: Promise<void>;
  waitFor(pred: (e: Record<string, any>) => boolean, ms?: number): Promise<Record<string, any>>;
  dispose(): Promise<void>;
  client: Client;
}

/**
 * A real graphql-ws client over a real WebSocket, carrying the browser's session cookie and origin,
 * subscribed to incident events. `retry: false` so a refused or closed connection stays closed.
 */
export function subscribeIncidents(
  baseUrl: string,
  cookie: string,
  origin = baseUrl,
  extraHeaders: Record<string, string> = {},
): Subscriber {
  const events: Record<string, any>[] = [];
  const errors: unknown[] = [];
  const waiters: (() => void)[] = [];
  const sub: Partial<Subscriber> = { events, errors, closed: undefined };
  let onConnected!: () => void;
  let onRefused!: (e: unknown) => void;
  sub.connected = new Promise<void>((res, rej) => {
    onConnected = res;
    onRefused = rej;
  });
  sub.connected.catch(() => undefined);
  class CookieWebSocket extends WebSocket {
    constructor(address: string, protocols?: string | string[]) {
      super(address, protocols, { headers: { cookie, origin, ...extraHeaders } });
    }
  }
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: CookieWebSocket,
    retryAttempts: 0,
    lazy: false,
    onNonLazyError: () => undefined,
    on: {
      connected: () => onConnected(),
      closed: (e) => {
        const ev = e as { code: number; reason: string };
        sub.closed = { code: ev.code, reason: ev.reason };
        onRefused(new Error(`closed ${ev.code} ${ev.reason}`));
        for (const w of waiters.splice(0)) w();
      },
    },
  });
  client.subscribe(
    { query: INCIDENT_EVENTS },
    {
      next: (v) => {
        if (v.errors) errors.push(...v.errors);
        if (v.data?.['incidentEvents']) events.push(v.data['incidentEvents'] as Record<string, any>);
        for (const w of waiters.splice(0)) w();
      },
      error: (e) => {
        errors.push(e);
        for (const w of waiters.splice(0)) w();
      },
      complete: () => undefined,
    },
  );
  sub.client = client;
  sub.waitFor = async (pred, ms = 10_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = events.find(pred);
      if (hit) return hit;
      if (Date.now() > deadline) throw new Error(`no matching event in ${ms} ms; got ${JSON.stringify(events)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  };
  sub.dispose = async () => {
    await client.dispose();
  };
  return sub as Subscriber;
}
