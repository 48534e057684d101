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

  it('refuses a tag cut short: only the full 16 bytes authenticate (GCM would otherwise accept 4)', () => {
    const sealed = seal(key, 'secret', 'account-1');
    const parts = sealed.split('.');
    const tag = Buffer.from(parts[2]!, 'base64url');
    for (const length of [4, 8, 12, 15]) {
      const cut = [parts[0], parts[1], tag.subarray(0, length).toString('base64url'), parts[3]].join('.');
      expect(() => open(key, cut, 'account-1'), `${length} bytes`).toThrow();
    }
    expect(open(key, sealed, 'account-1')).toBe('secret');
  });

  it('uses a fresh IV each time', () => {
    expect(seal(key, 'x', 'a')).not.toBe(seal(key, 'x', 'a'));
  });
});
