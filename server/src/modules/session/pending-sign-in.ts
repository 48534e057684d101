import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** How a sealed pending sign-in's token begins: a random session token (base64url) never holds a dot. */
export const PENDING_TOKEN_PREFIX = 'p.';

/** What a pending sign-in's token says, sealed: nothing of it is stored until the sign-in completes. */
export interface SealedPending {
  /** The pending sign-in's id: what e-mailed codes and WebAuthn challenges are bound to. */
  id: string;
  accountId: string;
  /** The password version read with the hash the sign-in checked. */
  passwordVersion: number;
  /** The account's session epoch then (`Account.sessionEpoch`). */
  sessionEpoch: number;
  createdAt: Date;
  expiresAt: Date;
}

const VERSION = 1;
// version, id, account id, password version, session epoch, created and expiry (ms since the epoch).
const PLAIN_BYTES = 1 + 16 + 16 + 4 + 4 + 8 + 8;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const AAD = Buffer.from('pending sign-in', 'utf8');

const uuidBytes = (id: string): Buffer => Buffer.from(id.replace(/-/g, ''), 'hex');
const uuidOf = (b: Buffer): string => {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

/**
 * The token of a sign-in whose password was right and whose second step is owed: AES-256-GCM over
 * the few facts the second step needs (key derived from the instance's session secret, so every
 * instance sharing the keys reads every other's tokens). Issuing one writes nothing to the database;
 * it stops being good when it expires, when the account's password version or session epoch moves on
 * (a password change, a revocation of all sessions, a 2FA reset, cancelling the sign-in), when the
 * account is disabled, and once a full session was started from it (`session.pending_id`, unique).
 * A token changed in any bit fails authentication and is no token at all.
 */
export class PendingSignIns {
  private readonly key: Buffer;

  constructor(sessionSecret: Buffer) {
    this.key = Buffer.from(hkdfSync('sha256', sessionSecret, Buffer.alloc(0), 'security-center pending sign-in v1', 32));
  }

  static isPendingToken(token: string): boolean {
    return token.startsWith(PENDING_TOKEN_PREFIX);
  }

  seal(p: SealedPending): string {
    const plain = Buffer.alloc(PLAIN_BYTES);
    plain.writeUInt8(VERSION, 0);
    uuidBytes(p.id).copy(plain, 1);
    uuidBytes(p.accountId).copy(plain, 17);
    plain.writeInt32BE(p.passwordVersion, 33);
    plain.writeInt32BE(p.sessionEpoch, 37);
    plain.writeDoubleBE(p.createdAt.getTime(), 41);
    plain.writeDoubleBE(p.expiresAt.getTime(), 49);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(AAD);
    const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
    return PENDING_TOKEN_PREFIX + Buffer.concat([iv, ct, cipher.getAuthTag()]).toString('base64url');
  }

  /** What a token says; null for anything that is not a token this instance's keys sealed. */
  open(token: string): SealedPending | null {
    if (!PendingSignIns.isPendingToken(token)) return null;
    const raw = Buffer.from(token.slice(PENDING_TOKEN_PREFIX.length), 'base64url');
    if (raw.length !== IV_BYTES + PLAIN_BYTES + TAG_BYTES) return null;
    let plain: Buffer;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(AAD);
      decipher.setAuthTag(raw.subarray(IV_BYTES + PLAIN_BYTES));
      plain = Buffer.concat([decipher.update(raw.subarray(IV_BYTES, IV_BYTES + PLAIN_BYTES)), decipher.final()]);
    } catch {
      return null;
    }
    if (plain.readUInt8(0) !== VERSION) return null;
    return {
      id: uuidOf(plain.subarray(1, 17)),
      accountId: uuidOf(plain.subarray(17, 33)),
      passwordVersion: plain.readInt32BE(33),
      sessionEpoch: plain.readInt32BE(37),
      createdAt: new Date(plain.readDoubleBE(41)),
      expiresAt: new Date(plain.readDoubleBE(49)),
    };
  }
}
