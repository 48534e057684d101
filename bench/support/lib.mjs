// Shared by the benchmarks: a built server started as its own process on a fresh database
// (DATABASE_URL's server, or the server's embedded PostgreSQL in a temporary data folder).
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { root } from '../../scripts/lib.mjs';

export const requireTest = createRequire(path.join(root, 'test', 'package.json'));
const pg = requireTest('pg');

export const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

/**
 * Starts `server/dist/main.js` in production mode and waits for its banner. Returns its URL, the
 * first-admin setup token, a URL to reach its database directly, the child process, and `stop()`,
 * which stops the server and removes the database and data folder.
 */
export async function startBenchServer(name, extraEnv = {}) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `sc-bench-${name}-`));
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    DATA_DIR: dataDir,
    ...extraEnv,
  };
  let dbUrl;
  let dbName;
  if (process.env.DATABASE_URL) {
    dbName = `sc_bench_${name}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = `/${dbName}`;
    dbUrl = env.DATABASE_URL = u.toString();
  } else {
    env.EMBEDDED_PG_PORT = String(await freePort());
  }
  // e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server's whole life,
  // or BENCH_PROFILE=/tmp/prof for the measured phases only (see `profiled`).
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const inspectPort = process.env.BENCH_PROFILE ? await freePort() : null;
  if (inspectPort) nodeArgs.push(`--inspect=127.0.0.1:${inspectPort}`);
  const child = spawn(process.execPath, [...nodeArgs, path.join(root, 'server', 'dist', 'main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  // A benchmark that crashes must not leave its server running.
  process.once('exit', () => child.kill('SIGKILL'));
  await new Promise((resolve, reject) => {
    const t = setInterval(() => out.includes('Security center is running') && (clearInterval(t), resolve()), 50);
    child.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  await new Promise((r) => setTimeout(r, 100));
  if (!dbUrl) {
    const pw = (await readFile(path.join(dataDir, 'postgres-password'), 'utf8')).trim();
    dbUrl = `postgres://postgres:${pw}@127.0.0.1:${env.EMBEDDED_PG_PORT}/security_center`;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    setupToken: /setup#token=([\w-]+)/.exec(out)[1],
    dbUrl,
    child,
    /** What the server printed so far (its log lines at LOG_LEVEL=warn and above). */
    get output() {
      return out;
    },
    /**
     * Runs `fn()`; with BENCH_PROFILE=<folder>, the server's CPU is profiled meanwhile (through the
     * inspector) and written to <folder>/<label>.cpuprofile.
     */
    async profiled(label, fn) {
      if (!inspectPort) return fn();
      const [{ webSocketDebuggerUrl }] = await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json();
      const WebSocket = requireTest('ws');
      const ws = new WebSocket(webSocketDebuggerUrl);
      await new Promise((r) => ws.once('open', r));
      let id = 0;
      const pending = new Map();
      ws.on('message', (m) => {
        const msg = JSON.parse(m);
        pending.get(msg.id)?.(msg.result);
      });
      const call = (method, params = {}) =>
        new Promise((r) => {
          pending.set(++id, r);
          ws.send(JSON.stringify({ id, method, params }));
        });
      await call('Profiler.enable');
      await call('Profiler.setSamplingInterval', { interval: 500 });
      await call('Profiler.start');
      const result = await fn();
      const { profile } = await call('Profiler.stop');
      ws.close();
      await mkdir(process.env.BENCH_PROFILE, { recursive: true });
      await writeFile(path.join(process.env.BENCH_PROFILE, `${label}.cpuprofile`), JSON.stringify(profile));
      return result;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await rm(dataDir, { recursive: true, force: true });
      if (dbName) {
        const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await admin.connect();
        await admin.query(`drop database ${dbName} with (force)`);
        await admin.end();
      }
    },
  };
}

/** RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s) for the benchmarks' simulated authenticator apps. */
export function totpAt(base32Secret, step) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of base32Secret.replace(/\s/g, '')) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', key).update(msg).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}
