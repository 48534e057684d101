import { describe, expect, it } from 'vitest';
import { ProtectionService } from './protection.service.js';

const service = new ProtectionService(
  { sessionSecret: Buffer.alloc(32), encryptionKey: Buffer.alloc(32) },
  undefined as never,
  undefined as never,
  undefined as never,
  undefined as never,
);

describe('sourcePrefix', () => {
  it('counts IPv4 per address and IPv6 per /64', () => {
    expect(service.sourcePrefix('203.0.113.9')).toBe('203.0.113.9/32');
    expect(service.sourcePrefix('::ffff:203.0.113.9')).toBe('203.0.113.9/32');
    expect(service.sourcePrefix('2001:db8:1:2:3:4:5:6')).toBe('2001:db8:1:2::/64');
    expect(service.sourcePrefix('2001:db8::1')).toBe('2001:db8::/64');
  });
});
