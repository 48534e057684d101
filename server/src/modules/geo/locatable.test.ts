import { describe, expect, it } from 'vitest';
import { formatIp, parseIp } from '../../common/net/ip.js';
import { locatable } from './geo.service.js';

const placed = (text: string) => {
  const at = locatable(parseIp(text)!);
  return at === undefined ? undefined : formatIp(at);
};

describe('locatable: the public address GeoIP places for a sign-in', () => {
  it.each([
    ['8.8.8.8', '8.8.8.8'],
    ['2001:4860:4860::8888', '2001:4860:4860::8888'],
    // NAT64 is read as its IPv4 host when the address is parsed.
    ['64:ff9b::808:808', '8.8.8.8'],
    // 6to4: the IPv4 host in bits 16–47.
    ['2002:808:808::1', '8.8.8.8'],
    // Teredo: the client's address, inverted, in the last 32 bits.
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', '8.8.8.8'],
  ])('%s is placed as %s', (ip, expected) => {
    expect(placed(ip)).toBe(expected);
  });

  it.each(['10.0.0.1', '::1', 'fd00::1', 'fe80::1', '2002:a00:1::1', '2001:0:4136:e378:8000:63bf:f5ff:fffe'])(
    '%s is not placed (private, or a tunnel to a private host)',
    (ip) => {
      expect(placed(ip)).toBeUndefined();
    },
  );
});
