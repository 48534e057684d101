import ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

export interface ParsedCidr {
  /** Canonical text, e.g. `10.0.0.0/8`, `2001:db8::/32`, `203.0.113.7/32`. */
  text: string;
  address: IpAddress;
  prefix: number;
}

export type IpParseFailure = 'INVALID_IP' | 'INVALID_CIDR' | 'HOST_BITS_SET' | 'PREFIX_OUT_OF_RANGE';

/** NAT64's well-known prefix (RFC 6052): `64:ff9b::a.b.c.d` is the IPv4 host a.b.c.d, translated. */
const NAT64 = ipaddr.IPv6.parse('64:ff9b::');

/**
 * Parses one IP address. IPv4-mapped IPv6 (`::ffff:1.2.3.4`) and NAT64's well-known prefix
 * (`64:ff9b::1.2.3.4`) become the IPv4 address, so one client never counts as two (nor every IPv4
 * client behind a NAT64 gateway as one IPv6 /64). Only the canonical IPv4 form is accepted (no
 * `010.1.1.1` octal tricks). The deprecated IPv4-compatible form `::1.2.3.4` is the IPv6 address
 * `::102:304`, as PostgreSQL reads it (ipaddr.js would read it as `::ffff:1.2.3.4`).
 */
export function parseIp(input: string): IpAddress | undefined {
  const text = input.trim();
  if (text.length === 0 || text.length > 64) return undefined;
  // Strip a zone id (fe80::1%eth0): it names an interface, not an address. Only IPv6 has them.
  const zone = text.indexOf('%');
  const bare = zone === -1 ? text : text.slice(0, zone);
  if (zone !== -1 && !(bare.includes(':') && /^[A-Za-z0-9_.-]+$/.test(text.slice(zone + 1)))) return undefined;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (!bare.includes(':') || !ipaddr.IPv6.isValid(bare)) return undefined;
  // A dotted tail (::ffff:1.2.3.4) is held to the IPv4 rule: four canonical decimals.
  if (bare.includes('.') && !ipaddr.IPv4.isValidFourPartDecimal(bare.slice(bare.lastIndexOf(':') + 1))) return undefined;
  const compatible = /^::(\d{1,3}(?:\.\d{1,3}){3})$/.exec(bare);
  if (compatible) {
    const [a, b, c, d] = ipaddr.IPv4.parse(compatible[1]!).octets as [number, number, number, number];
    return ipaddr.IPv6.parse(`::${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`);
  }
  const v6 = ipaddr.IPv6.parse(bare);
  if (v6.isIPv4MappedAddress()) return v6.toIPv4Address();
  if (v6.match(NAT64, 96)) return ipaddr.IPv4.parse(v6.toByteArray().slice(12).join('.'));
  return v6;
}

/** Canonical text of an address: dotted quad for IPv4, RFC 5952 for IPv6. */
export function formatIp(ip: IpAddress): string {
  return ip.kind() === 'ipv6' ? (ip as ipaddr.IPv6).toRFC5952String() : ip.toString();
}

export function normalizeIp(input: string): string | undefined {
  const ip = parseIp(input);
  return ip === undefined ? undefined : formatIp(ip);
}

/** Parses an address or a CIDR range; a bare address is a /32 or /128. Host bits must be zero. */
export function parseCidr(input: string): ParsedCidr | { error: IpParseFailure } {
  const text = input.trim();
  const slash = text.indexOf('/');
  if (slash === -1) {
    const address = parseIp(text);
    if (address === undefined) return { error: 'INVALID_IP' };
    const prefix = address.kind() === 'ipv4' ? 32 : 128;
    return { text: `${formatIp(address)}/${prefix}`, address, prefix };
  }
  // A range has no zone: it is not one interface's address.
  const address = text.slice(0, slash).includes('%') ? undefined : parseIp(text.slice(0, slash));
  const prefixText = text.slice(slash + 1);
  if (address === undefined || !/^\d{1,3}$/.test(prefixText)) return { error: 'INVALID_CIDR' };
  let prefix = Number(prefixText);
  // An IPv4-mapped or NAT64 range (::ffff:192.0.2.0/120, 64:ff9b::c000:200/120) is the IPv4 range
  // with 96 fewer prefix bits.
  if (address.kind() === 'ipv4' && text.slice(0, slash).includes(':')) {
    if (prefix < 96 || prefix > 128) return { error: 'PREFIX_OUT_OF_RANGE' };
    prefix -= 96;
  }
  const max = address.kind() === 'ipv4' ? 32 : 128;
  if (prefix > max) return { error: 'PREFIX_OUT_OF_RANGE' };
  const network =
    address.kind() === 'ipv4'
      ? ipaddr.IPv4.networkAddressFromCIDR(`${address.toString()}/${prefix}`)
      : ipaddr.IPv6.networkAddressFromCIDR(`${address.toString()}/${prefix}`);
  if (formatIp(network) !== formatIp(address)) return { error: 'HOST_BITS_SET' };
  return { text: `${formatIp(address)}/${prefix}`, address, prefix };
}

/** Our canonical text of a range read back from PostgreSQL (or anywhere); the input if unreadable. */
export function canonicalCidr(input: string): string {
  const r = parseCidr(input);
  return 'error' in r ? input : r.text;
}

export function parseCidrList(inputs: string[]): {
  ranges: ParsedCidr[];
  errors: { input: string; reason: IpParseFailure }[];
} {
  const ranges: ParsedCidr[] = [];
  const errors: { input: string; reason: IpParseFailure }[] = [];
  for (const input of inputs) {
    const r = parseCidr(input);
    if ('error' in r) errors.push({ input, reason: r.error });
    else ranges.push(r);
  }
  return { ranges, errors };
}

export function cidrContains(range: ParsedCidr, ip: IpAddress): boolean {
  if (range.address.kind() !== ip.kind()) return false;
  return ip.match(range.address, range.prefix);
}

export function inAnyRange(ranges: readonly ParsedCidr[], ip: IpAddress): boolean {
  return ranges.some((r) => cidrContains(r, ip));
}
