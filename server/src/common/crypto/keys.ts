import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.js';

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
 * Keys come from the environment, else from `<dataDir>/keys.json`, created on first start with mode
 * 0600. Nothing secret is ever in the repository.
 */
export async function loadOrCreateKeys(config: Config): Promise<Keys> {
  const file = path.join(config.dataDir, 'keys.json');
  let stored: Partial<KeyFile> = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8')) as Partial<KeyFile>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const next: KeyFile = {
    sessionSecret: stored.sessionSecret ?? randomBytes(32).toString('hex'),
    encryptionKey: stored.encryptionKey ?? randomBytes(32).toString('hex'),
  };
  if (stored.sessionSecret === undefined || stored.encryptionKey === undefined) {
    await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
    await writeFile(file, JSON.stringify(next, null, 2), { mode: 0o600 });
  }
  return {
    sessionSecret: Buffer.from(config.sessionSecret ?? next.sessionSecret, 'hex'),
    encryptionKey: Buffer.from(config.encryptionKey ?? next.encryptionKey, 'hex'),
  };
}
