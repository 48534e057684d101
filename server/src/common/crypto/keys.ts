import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.js';
import { hmacHex, safeEqual } from './tokens.js';
import { open, seal } from './secret-box.js';

export interface Keys {
  /** Keys HMACs of session-related values. */
  sessionSecret: Buffer;
  /** AES-256-GCM key for secrets at rest (TOTP secrets). */
  encryptionKey: Buffer;
}

interface KeyFile {
  sessionSecret: string;
  encryptionKey: string;
}

/**
 * Keys come from the environment (both set: no file is read or written), else from
 * `<dataDir>/keys.json`, created on first start with mode 0600. Nothing secret is ever in the
 * repository. Two processes starting together on one data folder (the server and the CLI, say) end up
 * with the same keys: the file is created whole or not at all (written aside, then linked into place,
 * which fails if another process made it first), and whoever lost reads the winner's.
 */
export async function loadOrCreateKeys(config: Config): Promise<Keys> {
  if (config.sessionSecret && config.encryptionKey) {
    return { sessionSecret: Buffer.from(config.sessionSecret, 'hex'), encryptionKey: Buffer.from(config.encryptionKey, 'hex') };
  }
  const file = path.join(config.dataDir, 'keys.json');
  let stored = await readKeyFile(file);
  if (typeof stored?.sessionSecret !== 'string' || typeof stored.encryptionKey !== 'string') {
    const next: KeyFile = {
      sessionSecret: typeof stored?.sessionSecret === 'string' ? stored.sessionSecret : randomBytes(32).toString('hex'),
      encryptionKey: typeof stored?.encryptionKey === 'string' ? stored.encryptionKey : randomBytes(32).toString('hex'),
    };
    const text = JSON.stringify(next, null, 2);
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    if (stored === null) {
      // No file yet: created whole, only if still absent.
      const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      await writeFile(aside, text, { mode: 0o600, flag: 'wx' });
      try {
        await link(aside, file);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV') {
          // A file system without hard links: exclusive creation instead.
          await writeFile(file, text, { mode: 0o600, flag: 'wx' }).catch((e: NodeJS.ErrnoException) => {
            if (e.code !== 'EEXIST') throw e;
          });
        } else if (code !== 'EEXIST') throw err;
      } finally {
        await unlink(aside).catch(() => undefined);
      }
    } else {
      // A file with a key missing (edited by hand): completed in place.
      const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
      await writeFile(aside, text, { mode: 0o600, flag: 'wx' });
      await rename(aside, file);
    }
    stored = await readKeyFile(file);
  }
  return {
    sessionSecret: Buffer.from(config.sessionSecret ?? stored!.sessionSecret!, 'hex'),
    encryptionKey: Buffer.from(config.encryptionKey ?? stored!.encryptionKey!, 'hex'),
  };
}

/** The key file's content (an empty object when it holds no object), or null when there is no file. */
async function readKeyFile(file: string): Promise<Partial<KeyFile> | null> {
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' ? (parsed as Partial<KeyFile>) : {};
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

const CHECK = 'security-center key check';

/**
 * What the database remembers of the keys it was set up with (no key itself): an HMAC under the
 * session secret and a value sealed under the encryption key.
 */
export function keyCheckOf(keys: Keys): { mac: string; sealed: string } {
  return { mac: hmacHex(keys.sessionSecret, CHECK), sealed: seal(keys.encryptionKey, CHECK, CHECK) };
}

/**
 * Whether `keys` are the ones that made `check`. Other keys would leave every stored TOTP secret
 * unreadable and every recovery and e-mail code unmatched: every second factor locked out.
 */
export function keysMatch(keys: Keys, check: { mac: string; sealed: string }): boolean {
  if (!safeEqual(hmacHex(keys.sessionSecret, CHECK), check.mac)) return false;
  try {
    return open(keys.encryptionKey, check.sealed, CHECK) === CHECK;
  } catch {
    return false;
  }
}
