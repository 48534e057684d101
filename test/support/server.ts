import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, dataDirFor, type TestDatabase } from './database.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const serverEntry = path.join(repoRoot, 'server', 'dist', 'main.js');

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export interface RunningServer {
  url: string;
  port: number;
  /** Everything the process printed on stdout so far. */
  output(): string;
  /** Everything it printed on stderr (logs go to stdout; crashes and warnings here). */
  errors(): string;
  /** The one-time setup token printed on first start, if any. */
  setupToken: string | undefined;
  process: ChildProcess;
  /** SIGTERM and wait for exit; resolves with the exit code. */
  stop(): Promise<number | null>;
}

/**
 * Starts the built server (`server/dist/main.js`) as its own process, the way an operator runs it,
 * and waits until it has printed its banner.
 */
export async function startServer(env: Record<string, string | undefined>): Promise<RunningServer> {
  if (!existsSync(serverEntry)) {
    throw new Error(`${serverEntry} is missing: build first (pnpm build), or run the whole suite with pnpm test`);
  }
  // A free port picked here can be taken by another test file's server before this one binds it:
  // then another port (only when the caller named none).
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(env);
    } catch (err) {
      if (env['PORT'] !== undefined || attempt >= 3 || !String(err).includes('EADDRINUSE')) throw err;
    }
  }
}

async function startOnce(env: Record<string, string | undefined>): Promise<RunningServer> {
  const port = Number(env['PORT'] ?? (await freePort()));
  const child = spawn(process.execPath, [serverEntry], {
    cwd: repoRoot,
    env: {
      PATH: process.env['PATH'],
      HOME: process.env['HOME'],
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      PUBLIC_URL: `http://localhost:${port}`,
      LOGIN_MIN_DURATION_MS: '50',
      ...withDataDir(env),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 120 s:\n${stdout}\n${stderr}`)), 120_000);
    const check = () => {
      if (stdout.includes('Security center is running at')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting:\n${stdout}\n${stderr}`));
    });
  });
  // The banner is written after the token: wait for the blank line that ends it.
  await new Promise((r) => setTimeout(r, 50));
  const token = /\/setup#token=([A-Za-z0-9_-]+)/.exec(stdout)?.[1];
  return {
    url: `http://localhost:${port}`,
    port,
    output: () => stdout,
    errors: () => stderr,
    setupToken: token,
    process: child,
    async stop() {
      if (child.exitCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/**
 * Runs `fn` against a server of its own, configured by `env`, on a database of its own; both are
 * stopped and dropped afterwards, also when `fn` fails.
 */
export async function withServer(
  label: string,
  env: Record<string, string | undefined>,
  fn: (server: RunningServer, db: TestDatabase) => Promise<void>,
): Promise<void> {
  const db = await createTestDatabase(label);
  try {
    const server = await startServer({ DATABASE_URL: db.url, ...env });
    try {
      await fn(server, db);
    } finally {
      await server.stop();
    }
  } finally {
    await db.drop();
  }
}

/** Runs the built CLI (`server/dist/cli.js`) with only `env` (and PATH); its exit code and output. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  stdin?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'server', 'dist', 'cli.js'), ...args], {
      cwd: repoRoot,
      env: { PATH: process.env['PATH'], ...withDataDir(env) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end(stdin ?? '');
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `env` with the data folder of its database unless it names one (see `dataDirFor`). */
function withDataDir<T extends Record<string, string | undefined>>(env: T): T {
  if ('DATA_DIR' in env || !env['DATABASE_URL']) return env;
  return { ...env, DATA_DIR: dataDirFor(env['DATABASE_URL']) };
}
