import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { groupSecret, matchTotpStep, newTotpSecret, totpUri } from './totp.js';

// Independent RFC 6238 implementation (Appendix B) to check the library against.
const RFC_SECRET_ASCII = '12345678901234567890';
const base32 = (buf: Buffer) => {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const b of buf) bits += b.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i + 5 <= bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  const rest = bits.length % 5;
  if (rest) out += alphabet[parseInt(bits.slice(-rest).padEnd(5, '0'), 2)];
  return out;
};
function hotp(key: Buffer, counter: number, digits: number): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0xf;
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits;
  return String(bin).padStart(digits, '0');
}

describe('TOTP (RFC 6238, SHA-1)', () => {
  const secret = base32(Buffer.from(RFC_SECRET_ASCII));

  it('agrees with the RFC 6238 SHA-1 test vectors (last six digits)', async () => {
    // Appendix B: time → 8-digit TOTP; 6-digit codes are the last six digits.
    const vectors: [number, string][] = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
    ];
    for (const [t, eight] of vectors) {
      expect(hotp(Buffer.from(RFC_SECRET_ASCII), Math.floor(t / 30), 8)).toBe(eight);
      const step = matchTotpStep(secret, eight.slice(2), t * 1000);
      expect(step).toBe(Math.floor(t / 30));
    }
  });

  it('accepts one step of drift either way and refuses two', async () => {
    const now = 1_700_000_000_000;
    const step = Math.floor(now / 30_000);
    const key = Buffer.from(RFC_SECRET_ASCII);
    expect(matchTotpStep(secret, hotp(key, step - 1, 6), now)).toBe(step - 1);
    expect(matchTotpStep(secret, hotp(key, step + 1, 6), now)).toBe(step + 1);
    expect(matchTotpStep(secret, hotp(key, step - 2, 6), now)).toBeNull();
    expect(matchTotpStep(secret, hotp(key, step + 2, 6), now)).toBeNull();
  });

  it('refuses malformed codes without throwing', async () => {
    for (const bad of ['', '12345', '1234567', 'abcdef', ' 123456']) expect(matchTotpStep(secret, bad)).toBeNull();
  });

  it('builds the otpauth URI with issuer and label, and groups the secret', () => {
    const s = newTotpSecret();
    expect(s).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totpUri('Acme Hosting', 'ann@example.test', s));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(s);
    expect(uri.searchParams.get('issuer')).toBe('Acme Hosting');
    expect(decodeURIComponent(uri.pathname)).toContain('Acme Hosting:ann@example.test');
    expect(groupSecret('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
  });
});
