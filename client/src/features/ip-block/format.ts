import type { NetworkKind } from '../../__generated__/graphql';

export const NETWORK_KIND_LABELS: Record<NetworkKind, string> = {
  FIXED: 'Fixed line',
  MOBILE: 'Mobile network',
  HOSTING: 'Hosting / datacenter',
  VPN: 'VPN',
  PRIVATE: 'Private network',
  UNKNOWN: 'Unknown network',
};

/** "15 min", "2 h", "1 d 6 h" */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86400) {
    const h = Math.floor(seconds / 3600);
    const m = Math.round((seconds % 3600) / 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.floor(seconds / 86400);
  const h = Math.round((seconds % 86400) / 3600);
  return h ? `${d} d ${h} h` : `${d} d`;
}

export interface PlaceLike {
  city?: string | null;
  region?: string | null;
  countryCode?: string | null;
  namedLocation?: string | null;
}

export function formatPlace(p: PlaceLike): string {
  const parts = [p.city, p.region, p.countryCode].filter(Boolean);
  const place = parts.join(', ');
  if (p.namedLocation) return place ? `${p.namedLocation} (${place})` : p.namedLocation;
  return place || 'Unknown place';
}

export interface NetworkLike {
  asn?: number | null;
  asnOrg?: string | null;
  networkKind: NetworkKind;
}

export function formatNetwork(n: NetworkLike): string {
  const as = n.asn ? `AS${n.asn}${n.asnOrg ? ` ${n.asnOrg}` : ''}` : (n.asnOrg ?? '');
  return [as, NETWORK_KIND_LABELS[n.networkKind]].filter(Boolean).join(' · ');
}

export const DBIP_ATTRIBUTION = 'IP geolocation by DB-IP (dbip.com), CC BY 4.0';
