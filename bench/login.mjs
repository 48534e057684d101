// Benchmark: complete password logins by 50 concurrent clients over HTTP against the built server,
// side by side with the raw argon2id verification rate of the same hasher in the same run, plus the
// server's peak memory. Run through `pnpm bench` (which builds first).
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { root } from '../scripts/lib.mjs';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const HASH_CONCURRENCY = Number(process.env.PASSWORD_HASH_CONCURRENCY ?? 4);
const PASSWORD = 'correct horse battery staple';

const requireServer = createRequire(path.join(root, 'server', 'package.json'));
const argon2 = requireServer('@node-rs/argon2');
const pg = createRequire(path.join(root, 'test', 'package.json'))('pg');

const freePort = () =>
  new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function rawHashRate() {
  const phc = await argon2.hash(PASSWORD, { algorithm: 2, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 });
  let done = 0;
  const end = performance.now() + 5000;
  await Promise.all(
    Array.from({ length: HASH_CONCURRENCY }, async () => {
      while (performance.now() < end) {
        await argon2.verify(phc, PASSWORD);
        done++;
      }
    }),
  );
  return done / 5;
}

async function main() {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sc-bench-'));
  const port = await freePort();
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    PORT: String(port),
    DATA_DIR: dataDir,
    PASSWORD_HASH_CONCURRENCY: String(HASH_CONCURRENCY),
  };
  let dbName;
  if (process.env.DATABASE_URL) {
    dbName = `sc_bench_${Date.now()}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`create database ${dbName}`);
    await admin.end();
    const u = new URL(process.env.DATABASE_URL);
    u.pathname = `/${dbName}`;
    env.DATABASE_URL = u.toString();
  } else {
    env.EMBEDDED_PG_PORT = String(await freePort());
  }
  const server = spawn(process.execPath, [path.join(root, 'server', 'dist', 'main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  server.stdout.on('data', (d) => (out += d));
  await new Promise((resolve, reject) => {
    const t = setInterval(() => out.includes('Security center is running') && (clearInterval(t), resolve()), 50);
    server.once('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  await new Promise((r) => setTimeout(r, 100));
  const url = `http://127.0.0.1:${port}/graphql`;
  const token = /setup#token=([\w-]+)/.exec(out)[1];
  const gql = (query, variables) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    }).then((r) => r.json());
  const email = 'bench-admin@example.test';
  await gql('mutation($i: SetupFirstAdminInput!) { setupFirstAdmin(input: $i) { __typename } }', {
    i: { token, email, name: 'Bench', password: PASSWORD },
  });

  const latencies = [];
  let ok = 0;
  let failed = 0;
  const started = performance.now();
  const end = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const res = await gql('mutation($i: LoginInput!) { login(input: $i) { __typename } }', {
          i: { email, password: PASSWORD },
        });
        latencies.push(performance.now() - t0);
        if (res.data?.login?.__typename === 'LoginSuccess') ok++;
        else failed++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const status = await readFile(`/proc/${server.pid}/status`, 'utf8').catch(() => '');
  const peakRss = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));

  const raw = await rawHashRate();
  latencies.sort((a, b) => a - b);
  const rate = ok / elapsed;
  console.log(
    `\nPassword login (argon2id m=19 MiB t=2 p=1, ${HASH_CONCURRENCY} hashes in flight, ${CLIENTS} clients, ${SECONDS} s, LOGIN_MIN_DURATION_MS=250)`,
  );
  console.table({
    'full login over HTTP': {
      'per second': rate.toFixed(1),
      'p50 ms': pct(latencies, 50).toFixed(0),
      'p95 ms': pct(latencies, 95).toFixed(0),
      failures: failed,
    },
    'raw argon2id verify (same hasher)': { 'per second': raw.toFixed(1), 'p50 ms': '', 'p95 ms': '', failures: 0 },
  });
  console.log(
    `login rate / raw hash rate: ${(rate / raw).toFixed(2)}   server peak RSS: ${peakRss ? `${(peakRss / 1024).toFixed(0)} MiB` : 'n/a'}`,
  );

  await rm(dataDir, { recursive: true, force: true });
  if (dbName) {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`drop database ${dbName} with (force)`);
    await admin.end();
  }
}

await main();
