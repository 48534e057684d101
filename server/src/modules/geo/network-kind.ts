import { registerEnumType } from 'type-graphql';

export enum NetworkKind {
  FIXED = 'FIXED',
  MOBILE = 'MOBILE',
  HOSTING = 'HOSTING',
  VPN = 'VPN',
  PRIVATE = 'PRIVATE',
  UNKNOWN = 'UNKNOWN',
}

registerEnumType(NetworkKind, {
  name: 'NetworkKind',
  description: 'What kind of network an address belongs to; incident reasons depend on it.',
  valuesConfig: {
    FIXED: { description: 'Home or office line (an ISP that is not mobile, hosting or VPN).' },
    MOBILE: { description: 'Mobile carrier: addresses change often, same ASN.' },
    HOSTING: { description: 'Cloud, hosting or datacenter network: servers, often third-party applications.' },
    VPN: { description: 'VPN or anonymising exit.' },
    PRIVATE: { description: 'Private, loopback or link-local address.' },
    UNKNOWN: { description: 'Not known.' },
  },
});

/**
 * Curated well-known ASNs. Sources: the operators' own published ASN lists and PeeringDB network
 * types (public records), checked by hand; deliberately short — organisation-name rules below catch
 * the long tail, and admins override per ASN or per CIDR (named locations).
 */
export const KNOWN_ASNS: ReadonlyMap<number, NetworkKind> = new Map<number, NetworkKind>([
  // Cloud and hosting
  [16509, NetworkKind.HOSTING], // Amazon (AWS)
  [14618, NetworkKind.HOSTING], // Amazon (AWS)
  [8075, NetworkKind.HOSTING], // Microsoft (Azure)
  [15169, NetworkKind.HOSTING], // Google
  [396982, NetworkKind.HOSTING], // Google Cloud
  [13335, NetworkKind.HOSTING], // Cloudflare
  [14061, NetworkKind.HOSTING], // DigitalOcean
  [16276, NetworkKind.HOSTING], // OVH
  [24940, NetworkKind.HOSTING], // Hetzner
  [63949, NetworkKind.HOSTING], // Akamai Connected Cloud (Linode)
  [20473, NetworkKind.HOSTING], // Vultr (Choopa)
  [31898, NetworkKind.HOSTING], // Oracle Cloud
  [45102, NetworkKind.HOSTING], // Alibaba Cloud
  [132203, NetworkKind.HOSTING], // Tencent Cloud
  [12876, NetworkKind.HOSTING], // Scaleway
  [8560, NetworkKind.HOSTING], // IONOS
  [51167, NetworkKind.HOSTING], // Contabo
  [36352, NetworkKind.HOSTING], // ColoCrossing
  [46606, NetworkKind.HOSTING], // Unified Layer (Bluehost)
  [26496, NetworkKind.HOSTING], // GoDaddy
  // VPN operators
  [9009, NetworkKind.VPN], // M247 (common VPN exits)
  [212238, NetworkKind.VPN], // Datacamp / CDN77 (VPN exits)
  [60068, NetworkKind.VPN], // CDN77 / Datacamp
  [209854, NetworkKind.VPN], // Surfshark
  [39351, NetworkKind.VPN], // 31173 Services (Mullvad)
  [62371, NetworkKind.VPN], // ProtonVPN exits
  // Mobile carriers
  [21928, NetworkKind.MOBILE], // T-Mobile USA
  [22394, NetworkKind.MOBILE], // Verizon Wireless
  [20057, NetworkKind.MOBILE], // AT&T Mobility
  [3320, NetworkKind.FIXED], // Deutsche Telekom (fixed)
  [12576, NetworkKind.MOBILE], // EE (UK)
  [25135, NetworkKind.MOBILE], // Vodafone UK
  [3209, NetworkKind.MOBILE], // Vodafone Germany
  [6805, NetworkKind.MOBILE], // Telefónica Germany (O2)
  [51207, NetworkKind.MOBILE], // Free Mobile (FR)
  [15557, NetworkKind.MOBILE], // SFR
  [24608, NetworkKind.MOBILE], // Wind Tre (IT)
  [45609, NetworkKind.MOBILE], // Bharti Airtel mobile
  [55836, NetworkKind.MOBILE], // Reliance Jio
  [9808, NetworkKind.MOBILE], // China Mobile
  [26599, NetworkKind.MOBILE], // Vivo (BR)
]);

const RULES: [RegExp, NetworkKind][] = [
  [/\b(vpn|proxy|tor exit|anonym)/i, NetworkKind.VPN],
  [/\b(mobile|wireless|cellular|lte|4g|5g|telefonica movil|mobil)\b/i, NetworkKind.MOBILE],
  [
    /\b(hosting|host|cloud|data ?cent(er|re)|datacenter|server|vps|colo(cation)?|dedicated|compute|amazon|google|microsoft|digitalocean|ovh|hetzner|linode|vultr)\b/i,
    NetworkKind.HOSTING,
  ],
  [/\b(telecom|telekom|broadband|cable|communications|internet|isp|fiber|fibre|dsl|net)\b/i, NetworkKind.FIXED],
];

/** Curated table first, then rules on the organisation name; UNKNOWN when neither says. */
export function classifyNetwork(asn: number | null, org: string | null): NetworkKind {
  if (asn !== null) {
    const known = KNOWN_ASNS.get(asn);
    if (known !== undefined) return known;
  }
  if (org) for (const [rule, kind] of RULES) if (rule.test(org)) return kind;
  return NetworkKind.UNKNOWN;
}
