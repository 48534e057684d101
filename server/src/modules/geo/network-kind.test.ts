import { describe, expect, it } from 'vitest';
import { classifyNetwork, NetworkKind } from './network-kind.js';

describe('classifyNetwork', () => {
  it('uses the curated ASN table first', () => {
    expect(classifyNetwork(16509, 'whatever')).toBe(NetworkKind.HOSTING);
    expect(classifyNetwork(21928, null)).toBe(NetworkKind.MOBILE);
    expect(classifyNetwork(209854, 'Surfshark Ltd')).toBe(NetworkKind.VPN);
  });

  it.each([
    ['Example VPN Services', NetworkKind.VPN],
    ['Acme Mobile Communications', NetworkKind.MOBILE],
    ['Foo Hosting GmbH', NetworkKind.HOSTING],
    ['Bar Cloud Datacenter', NetworkKind.HOSTING],
    ['City Broadband Ltd', NetworkKind.FIXED],
    ['Zzyzx', NetworkKind.UNKNOWN],
  ])('falls back to rules on the organisation name: %s → %s', (org, kind) => {
    expect(classifyNetwork(4_200_000_000, org)).toBe(kind);
  });

  it('says UNKNOWN with nothing to go on', () => {
    expect(classifyNetwork(null, null)).toBe(NetworkKind.UNKNOWN);
  });
});
