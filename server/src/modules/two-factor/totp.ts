import { ScureBase32Plugin } from '@otplib/plugin-base32-scure';
import { NodeCryptoPlugin } from '@otplib/plugin-crypto-node';
import { generateSecret, generateURI, verifySync } from 'otplib';

// Node's OpenSSL for the HMACs, random bytes and the constant-time comparison, instead of otplib's
// default pure-JavaScript hashes: every sign-in with an app code computes up to three HMAC-SHA1s.
const crypto = new NodeCryptoPlugin();
const base32 = new ScureBase32Plugin();

/** RFC 6238 as authenticator apps expect it: SHA-1, 6 digits, 30-second steps. */
export const TOTP_PERIOD = 30;
export const TOTP_DIGITS = 6;

/** A new shared secret: 20 random bytes (160 bits, RFC 4226's recommendation), Base32. */
export function newTotpSecret(): string {
  return generateSecret({ length: 20, crypto, base32 });
}

export function totpUri(issuer: string, label: string, secret: string): string {
  return generateURI({ issuer, label, secret, algorithm: 'sha1', digits: TOTP_DIGITS, period: TOTP_PERIOD });
}

/** "JBSW Y3DP EHPK 3PXP …": groups of four for typing by hand. */
export function groupSecret(secret: string): string {
  return secret.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * The time step a code belongs to, within one step of drift either way, or null. Stateless: the
 * caller must still refuse a step it accepted before (replay).
 */
export function matchTotpStep(secret: string, code: string, nowMs = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const result = verifySync({
    secret,
    crypto,
    base32,
    token: code,
    algorithm: 'sha1',
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: TOTP_PERIOD,
  });
  // The TOTP branch of the (TOTP | HOTP) result type carries the matched time step.
  if (!result.valid) return null;
  const step = (result as unknown as { timeStep?: number }).timeStep;
  return typeof step === 'number' ? step : null;
}

/** A 6-digit code as typed: apps show it as "123 456", and a paste may bring spaces around it. */
export const withoutSpaces = (code: string): string => code.replace(/\s/g, '');
