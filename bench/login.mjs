// Benchmark: complete password logins by 50 concurrent clients over HTTP against the built server,
// side by side with the raw argon2id verification rate of the same hasher in the same run, plus the
// server's peak memory. Run through `pnpm bench` (which builds first).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { root } from '../scripts/lib.mjs';
import { startBenchServer } from './support/lib.mjs';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const HASH_CONCURRENCY = Number(process.env.PASSWORD_HASH_CONCURRENCY ?? 4);
const PASSWORD = 'correct horse battery staple';

const requireServer = createRequire(path.join(root, 'server', 'package.json'));
const argon2 = requireServer('@node-rs/argon2');

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
  const server = await startBenchServer('login', { PASSWORD_HASH_CONCURRENCY: String(HASH_CONCURRENCY) });
  const url = `${server.url}/graphql`;
  const token = server.setupToken;
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
  const status = await readFile(`/proc/${server.child.pid}/status`, 'utf8').catch(() => '');
  const peakRss = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  await server.stop();

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
}

await main();
