import { describe, expect, it } from 'vitest';
import { resolveClientIp as resolve, type ProxyHeader } from './client-ip.js';
import { parseCidrList } from './ip.js';

const proxies = parseCidrList(['10.0.0.0/8', '2001:db8:ffff::/48']).ranges;
const resolveClientIp = (
  peer: string | undefined,
  headers: Record<string, string | string[] | undefined>,
  trusted: typeof proxies,
  header: ProxyHeader = 'x-forwarded-for',
) => resolve(peer, headers, trusted, header);

describe('resolveClientIp', () => {
  it('uses the socket peer and ignores forwarding headers when no proxy is trusted', () => {
    expect(resolveClientIp('198.51.100.7', { 'x-forwarded-for': '1.2.3.4' }, [])).toBe('198.51.100.7');
    expect(resolveClientIp('::ffff:198.51.100.7', { forwarded: 'for=1.2.3.4' }, [])).toBe('198.51.100.7');
  });

  it('ignores headers from a peer that is not a trusted proxy', () => {
    expect(resolveClientIp('198.51.100.7', { 'x-forwarded-for': '1.2.3.4' }, proxies)).toBe('198.51.100.7');
  });

  it('takes the right-most untrusted X-Forwarded-For hop behind trusted proxies', () => {
    const headers = { 'x-forwarded-for': '6.6.6.6, 203.0.113.9, 10.1.1.1' };
    expect(resolveClientIp('10.0.0.2', headers, proxies)).toBe('203.0.113.9');
    // Several header lines count as one list.
    expect(resolveClientIp('10.0.0.2', { 'x-forwarded-for': ['6.6.6.6', '203.0.113.9'] }, proxies)).toBe('203.0.113.9');
  });

  it('reads RFC 7239 Forwarded when configured, with quoted IPv6 and ports, and then ignores X-Forwarded-For', () => {
    const headers = {
      forwarded: 'for=6.6.6.6, for="[2001:db8:cafe::17]:4711";proto=https, for=10.2.3.4',
      'x-forwarded-for': '9.9.9.9',
    };
    expect(resolveClientIp('10.0.0.2', headers, proxies, 'forwarded')).toBe('2001:db8:cafe::17');
    expect(resolveClientIp('10.0.0.2', { forwarded: 'for=192.0.2.60:8080;by=10.0.0.2' }, proxies, 'forwarded')).toBe(
      '192.0.2.60',
    );
    expect(resolveClientIp('10.0.0.2', { 'x-forwarded-for': '9.9.9.9' }, proxies, 'forwarded')).toBe('10.0.0.2');
  });

  it('ignores a Forwarded header the client sent through a proxy that writes X-Forwarded-For', () => {
    // nginx appends the real peer to X-Forwarded-For and passes the client's own Forwarded untouched.
    const headers = { forwarded: 'for=198.51.100.1', 'x-forwarded-for': '203.0.113.9' };
    expect(resolveClientIp('10.0.0.2', headers, proxies)).toBe('203.0.113.9');
  });

  it('stops at a garbled hop and falls back to the last good one', () => {
    expect(resolveClientIp('10.0.0.2', { 'x-forwarded-for': '203.0.113.9, unknown' }, proxies)).toBe('10.0.0.2');
    expect(resolveClientIp('10.0.0.2', {}, proxies)).toBe('10.0.0.2');
  });

  it('reads X-Forwarded-For hops written with a port or in brackets (some proxies do), and refuses other suffixes', () => {
    expect(resolveClientIp('10.0.0.2', { 'x-forwarded-for': '6.6.6.6, 203.0.113.9:51234' }, proxies)).toBe('203.0.113.9');
    expect(resolveClientIp('10.0.0.2', { 'x-forwarded-for': '[2001:db8:cafe::17]:4711' }, proxies)).toBe('2001:db8:cafe::17');
    expect(resolveClientIp('10.0.0.2', { 'x-forwarded-for': '[2001:db8:cafe::17]' }, proxies)).toBe('2001:db8:cafe::17');
    expect(resolveClientIp('10.0.0.2', { 'x-forwarded-for': '2001:db8:cafe::17' }, proxies)).toBe('2001:db8:cafe::17');
    expect(resolveClientIp('10.0.0.2', { 'x-forwarded-for': '[2001:db8:cafe::17]x, 10.1.1.1' }, proxies)).toBe('10.1.1.1');
    expect(resolveClientIp('10.0.0.2', { 'x-forwarded-for': '203.0.113.9:port' }, proxies)).toBe('10.0.0.2');
  });

  it('normalises IPv4-mapped IPv6 peers and matches IPv6 proxy ranges', () => {
    expect(resolveClientIp('2001:db8:ffff::1', { 'x-forwarded-for': '::ffff:203.0.113.5' }, proxies)).toBe('203.0.113.5');
  });
});
