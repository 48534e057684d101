import { formatIp, inAnyRange, parseIp, type IpAddress, type ParsedCidr } from './ip.js';

/**
 * Decides the client's address — the one function that does.
 *
 * The socket's peer is the client unless the peer is a configured trusted proxy. Then the
 * forwarding chain is walked from the right (the hop nearest to us) and the first address that is
 * not itself a trusted proxy is the client: everything left of it was written by the client and
 * proves nothing. Only the one header the proxies write (`header`: `X-Forwarded-For` by default, or
 * RFC 7239 `Forwarded`) is read: a proxy that appends to one passes the other through as the client
 * sent it, so believing both would let any client name its own address.
 * Nothing trusts the headers by default (no trusted proxies configured).
 */
export function resolveClientIp(
  peerAddress: string | undefined,
  headers: Record<string, string | string[] | undefined>,
  trustedProxies: readonly ParsedCidr[],
  header: ProxyHeader,
): string {
  const peer = peerAddress === undefined ? undefined : parseIp(peerAddress);
  if (peer === undefined) return '0.0.0.0';
  if (trustedProxies.length === 0 || !inAnyRange(trustedProxies, peer)) return formatIp(peer);

  const chain = header === 'forwarded' ? forwardedChain(headers) : xForwardedForChain(headers);
  let client: IpAddress = peer;
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = parseIp(chain[i] ?? '');
    // A garbled hop ends the walk: we cannot vouch for anything to its left.
    if (hop === undefined) break;
    client = hop;
    if (!inAnyRange(trustedProxies, hop)) break;
  }
  return formatIp(client);
}

function headerValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** The forwarding header the trusted proxies write. */
export type ProxyHeader = 'x-forwarded-for' | 'forwarded';

/** The addresses a chain of proxies reported in `Forwarded`, leftmost (claimed origin) first. */
function forwardedChain(headers: Record<string, string | string[] | undefined>): string[] {
  const forwarded = headerValues(headers['forwarded']);
  const out: string[] = [];
  for (const element of forwarded.join(',').split(',')) {
    const forPair = element
      .split(';')
      .map((p) => p.trim())
      .find((p) => p.toLowerCase().startsWith('for='));
    if (forPair === undefined) {
      out.push('');
      continue;
    }
    let v = forPair.slice(4).trim();
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
    out.push(withoutPort(v));
  }
  return out;
}

/**
 * "[2001:db8::1]:4711", "[2001:db8::1]" or "192.0.2.1:4711" → the address alone; anything else as it
 * is (a bare IPv6 address has colons of its own). RFC 7239 allows these forms, and some proxies
 * (Azure Application Gateway, IIS ARR) write them into X-Forwarded-For too.
 */
function withoutPort(v: string): string {
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    // "[addr]" or "[addr]:port"; anything after the bracket but a port is garbled.
    if (end === -1 || !/^(?::\d{1,5})?$/.test(v.slice(end + 1))) return '';
    return v.slice(1, end);
  }
  if (/^\d+\.\d+\.\d+\.\d+:\d{1,5}$/.test(v)) return v.slice(0, v.lastIndexOf(':'));
  return v;
}

/** The same from `X-Forwarded-For`. */
function xForwardedForChain(headers: Record<string, string | string[] | undefined>): string[] {
  return headerValues(headers['x-forwarded-for'])
    .join(',')
    .split(',')
    .map((s) => withoutPort(s.trim()));
}
