import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/**
 * AES-256-GCM for secrets at rest (TOTP secrets). Output: `v1.<iv>.<tag>.<ciphertext>` in base64url;
 * the associated data (e.g. the account id) binds a ciphertext to its row, so a copied value fails.
 */
export function seal(key: Buffer, plaintext: string, associatedData: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join('.');
}

/** The GCM tag `seal` writes, and the only length `open` accepts (GCM alone would take 4 to 16 bytes). */
const TAG_LENGTH = 16;

export function open(key: Buffer, sealed: string, associatedData: string): string {
  const [version, iv, tag, ct] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ct === undefined) throw new Error('unknown sealed format');
  const authTag = Buffer.from(tag, 'base64url');
  // A tag cut short would be forged in 2^32 tries at 4 bytes, not 2^128.
  if (authTag.length !== TAG_LENGTH) throw new Error('sealed value has a truncated authentication tag');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_LENGTH });
  decipher.setAAD(Buffer.from(associatedData, 'utf8'));
  decipher.setAuthTag(authTag);
  return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
}
