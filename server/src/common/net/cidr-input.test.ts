import { describe, expect, it } from 'vitest';
import { cidrArg, isWidePublicRange, ruleRangeArg } from './cidr-input.js';

/** The wide-range warning is about what a range covers, not the class of its first address. */
describe('isWidePublicRange', () => {
  it.each([
    ['8.0.0.0/8', true],
    ['0.0.0.0/0', true],
    ['0.0.0.0/1', true], // starts "unspecified", covers 1.0.0.0–127.255.255.255
    ['192.0.0.0/2', true],
    ['10.0.0.0/7', true], // 10/8 is private, 11/8 is not
    ['::/0', true],
    ['::/1', true], // holds all of 2000::/3
    ['2001::/16', true],
    ['2002::/15', true],
    ['2001:db8::/32', true],
    ['10.0.0.0/8', false],
    ['172.16.0.0/12', false],
    ['192.168.0.0/16', false],
    ['100.64.0.0/10', false],
    ['127.0.0.0/8', false],
    ['fc00::/7', false],
    ['fe80::/10', false],
    ['203.0.113.0/24', false], // not wider than /24
    ['2001:db8::/48', false], // not wider than /48
  ])('%s → %s', (input, wide) => {
    expect(isWidePublicRange(cidrArg(input, 'cidr'))).toBe(wide);
  });
});

describe('ruleRangeArg', () => {
  it.each(['0.0.0.0/0', '::/0', '::ffff:0.0.0.0/96'])('refuses %s: a rule over every address', (input) => {
    expect(() => ruleRangeArg(input, 'cidr')).toThrow(
      expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) }),
    );
    try {
      ruleRangeArg(input, 'cidr');
    } catch (err) {
      expect(JSON.stringify((err as { extensions: unknown }).extensions)).toContain('WHOLE_ADDRESS_SPACE');
    }
  });

  it('takes any narrower range', () => {
    expect(ruleRangeArg('0.0.0.0/1', 'cidr').text).toBe('0.0.0.0/1');
    expect(ruleRangeArg('2001:db8::/32', 'cidr').text).toBe('2001:db8::/32');
  });
});
