import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, seal } from './secret-box.js';

describe('secret box (AES-256-GCM)', () => {
  const key = randomBytes(32);

  it('round-trips and never contains the plaintext', () => {
    const sealed = seal(key, 'JBSWY3DPEHPK3PXPJBSWY3DP', 'account-1');
    expect(sealed).not.toContain('JBSWY3DP');
    expect(open(key, sealed, 'account-1')).toBe('JBSWY3DPEHPK3PXPJBSWY3DP');
  });

  it('refuses another row, another key and a tampered ciphertext', () => {
    const sealed = seal(key, 'secret', 'account-1');
    expect(() => open(key, sealed, 'account-2')).toThrow();
    expect(() => open(randomBytes(32), sealed, 'account-1')).toThrow();
    const parts = sealed.split('.');
    const ct = Buffer.from(parts[3]!, 'base64url');
    ct[0] = ct[0]! ^ 1;
    expect(() => open(key, [parts[0], parts[1], parts[2], ct.toString('base64url')].join('.'), 'account-1')).toThrow();
  });

  it('uses a fresh IV each time', () => {
    expect(seal(key, 'x', 'a')).not.toBe(seal(key, 'x', 'a'));
  });
});
