import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.js';
import type { SqlPool } from '../../db/pool.js';
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
function keyCheckOf(keys: Keys): { mac: string; sealed: string } {
  return { mac: hmacHex(keys.sessionSecret, CHECK), sealed: seal(keys.encryptionKey, CHECK, CHECK) };
}

/**
 * Whether `keys` are the ones that made `check`. Other keys would leave every stored TOTP secret
 * unreadable and every recovery and e-mail code unmatched: every second factor locked out.
 */
function keysMatch(keys: Keys, check: { mac: string; sealed: string }): boolean {
  if (!safeEqual(hmacHex(keys.sessionSecret, CHECK), check.mac)) return false;
  try {
    return open(keys.encryptionKey, check.sealed, CHECK) === CHECK;
  } catch {
    return false;
  }
}

/**
 * The database remembers (in `setting`, no key itself) which keys it was set up with; other keys would
 * leave every stored second factor unusable, so the start stops, naming the problem, instead of
 * locking every account with 2FA out (a data folder lost or not shared between instances, say).
 * `record`: the server records the check value on a database that has none, after making sure the
 * keys open a stored app secret if there is one (a database older than the check); the CLI only
 * checks, so a shell without the server's keys cannot record the wrong ones.
 */
export async function assertKeysFitDatabase(pool: SqlPool, keys: Keys, config: Config, record = true): Promise<void> {
  const where =
    config.sessionSecret && config.encryptionKey ? 'SESSION_SECRET and ENCRYPTION_KEY' : `${config.dataDir}/keys.json`;
  const refuse = (): never => {
    throw new Error(
      `The keys in ${where} are not the ones this database was set up with: no stored second factor could be used with them. ` +
        'Restore the original keys.json (or give every instance the same keys), or use a new database for a new installation. ' +
        "Only if you are sure these are the right keys: delete from setting where key = 'keyCheck', then start again.",
    );
  };
  const read = () => pool.query<{ value: { mac: string; sealed: string } }>(`select value from setting where key = 'keyCheck'`);
  let { rows } = await read();
  if (rows.length === 0) {
    if (!record) return;
    const {
      rows: [stored],
    } = await pool.query<{ account_id: string; secret_sealed: string }>(
      `select account_id, secret_sealed from totp_authenticator limit 1`,
    );
    if (stored) {
      try {
        open(keys.encryptionKey, stored.secret_sealed, stored.account_id);
      } catch {
        refuse();
      }
    }
    await pool.query(
      `insert into setting (key, value, updated_at) values ('keyCheck', $1::jsonb, now()) on conflict (key) do nothing`,
      [JSON.stringify(keyCheckOf(keys))],
    );
    ({ rows } = await read());
  }
  if (!keysMatch(keys, rows[0]!.value)) refuse();
}
