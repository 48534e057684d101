import { describe, expect, it } from 'vitest';
import { cidrContains, normalizeIp, parseCidr, parseIp } from './ip.js';

describe('parseIp / normalizeIp', () => {
  it.each([
    ['192.0.2.1', '192.0.2.1'],
    [' 192.0.2.1 ', '192.0.2.1'],
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['::ffff:c000:0201', '192.0.2.1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['fe80::1%eth0', 'fe80::1'],
    ['::1', '::1'],
    // NAT64's well-known prefix carries an IPv4 host.
    ['64:ff9b::203.0.113.66', '203.0.113.66'],
    ['64:ff9b::cb00:7142', '203.0.113.66'],
    // The old IPv4-compatible form is an IPv6 address, as PostgreSQL reads it, in either spelling.
    ['::1.2.3.4', '::102:304'],
    ['::102:304', '::102:304'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeIp(input)).toBe(expected);
  });

  it.each([
    '',
    '1.2.3',
    '256.1.1.1',
    '010.1.1.1',
    '0x7f.0.0.1',
    '1.2.3.4/24',
    'example.com',
    '2001:db8::g',
    ':::1',
    '1'.repeat(80),
    // A zone belongs to IPv6 addresses only, and names an interface.
    '1.2.3.4%junk',
    'fe80::1%',
    'fe80::1%eth0 x',
    // A dotted tail keeps the IPv4 rule.
    '::ffff:0x7f.0.0.1',
    '::ffff:0127.0.0.1',
    '::1.2.3.256',
  ])('rejects %j', (input) => {
    expect(parseIp(input)).toBeUndefined();
  });
});

describe('parseCidr', () => {
  it('canonicalises addresses and ranges', () => {
    expect(parseCidr('10.0.0.0/8')).toMatchObject({ text: '10.0.0.0/8', prefix: 8 });
    expect(parseCidr('203.0.113.7')).toMatchObject({ text: '203.0.113.7/32', prefix: 32 });
    expect(parseCidr('64:ff9b::c000:200/120')).toMatchObject({ text: '192.0.2.0/24', prefix: 24 });
    expect(parseCidr('::1.2.3.4/128')).toMatchObject({ text: '::102:304/128', prefix: 128 });
    expect(parseCidr('2001:DB8::/32')).toMatchObject({ text: '2001:db8::/32', prefix: 32 });
    expect(parseCidr('::ffff:10.0.0.0/104')).toMatchObject({ text: '10.0.0.0/8', prefix: 8 });
    expect(parseCidr('::ffff:192.0.2.0/120')).toMatchObject({ text: '192.0.2.0/24' });
    expect(parseCidr('::ffff:10.0.0.0/8')).toEqual({ error: 'PREFIX_OUT_OF_RANGE' });
  });

  it('names what is wrong', () => {
    expect(parseCidr('10.0.0.1/8')).toEqual({ error: 'HOST_BITS_SET' });
    expect(parseCidr('10.0.0.0/33')).toEqual({ error: 'PREFIX_OUT_OF_RANGE' });
    expect(parseCidr('2001:db8::/129')).toEqual({ error: 'PREFIX_OUT_OF_RANGE' });
    expect(parseCidr('10.0.0.0/')).toEqual({ error: 'INVALID_CIDR' });
    expect(parseCidr('10.0.0.0/-1')).toEqual({ error: 'INVALID_CIDR' });
    expect(parseCidr('nope')).toEqual({ error: 'INVALID_IP' });
    // No zone in a range (it would also hide what family the text is written in).
    expect(parseCidr('10.0.0.0%a:b/104')).toEqual({ error: 'INVALID_CIDR' });
    expect(parseCidr('fe80::%eth0/64')).toEqual({ error: 'INVALID_CIDR' });
  });

  it('matches only addresses of the same family inside the range', () => {
    const range = parseCidr('192.0.2.0/24');
    if ('error' in range) throw new Error('parse');
    expect(cidrContains(range, parseIp('192.0.2.200')!)).toBe(true);
    expect(cidrContains(range, parseIp('192.0.3.1')!)).toBe(false);
    expect(cidrContains(range, parseIp('::ffff:192.0.2.5')!)).toBe(true);
    expect(cidrContains(range, parseIp('2001:db8::1')!)).toBe(false);
  });
});
