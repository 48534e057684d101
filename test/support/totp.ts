import { createHmac } from 'node:crypto';

/**
 * RFC 6238 TOTP written for the tests, independent of the code under test: HMAC-SHA1, 6 digits,
 * 30-second steps. `secret` is Base32 (spaces allowed, as the dashboard groups it).
 */
export function base32Decode(input: string): Buffer {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const clean = input.replace(/[\s=]/g, '').toUpperCase();
  let bits = '';
  for (const ch of clean) {
    const v = alphabet.indexOf(ch);
    if (v < 0) throw new Error(`not Base32: ${ch}`);
    bits += v.toString(2).padStart(5, '0');
  }
  const bytes: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

export function hotp(key: Buffer, counter: number, digits = 6): string {
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 10 ** digits).padStart(digits, '0');
}

export const currentStep = (nowMs = Date.now()) => Math.floor(nowMs / 30_000);

/** The code for `secret` at step offset `drift` from now (0 = current 30-second window). */
export function totp(secret: string, drift = 0, nowMs = Date.now()): string {
  return hotp(base32Decode(secret), currentStep(nowMs) + drift);
}

/** Waits until the next 30-second step begins (so a fresh, never-used code exists). */
export async function nextStep(): Promise<void> {
  const ms = 30_000 - (Date.now() % 30_000) + 50;
  await new Promise((r) => setTimeout(r, ms));
}
