// Benchmark: the integrator decision (`loginDecision`) over GraphQL versus the same three SQL
// statements served by a bare node:http route, with 100 000 blocked/safe ranges and 1 000 000 login
// events in the database, 64 concurrent connections (autocannon). Then a flood of reports from a
// blocked IP while a legitimate panel login still succeeds. Run through `pnpm bench decision`.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { root } from '../scripts/lib.mjs';
import { freePort, requireTest, startBenchServer } from './support/lib.mjs';

const pg = requireTest('pg');
const autocannon = requireTest('autocannon');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = 64;
const PASSWORD = 'correct horse battery staple';

function run(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, duration: SECONDS, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

async function main() {
  const server = await startBenchServer('decision');
  const { dbUrl } = server;
  const base = server.url;
  const token = server.setupToken;
  const post = (body, headers = {}) =>
    fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const email = 'bench-admin@example.test';
  await post({
    query: 'mutation($i: SetupFirstAdminInput!) { setupFirstAdmin(input: $i) { __typename } }',
    variables: { i: { token, email, name: 'Bench', password: PASSWORD } },
  });
  const login = await post({
    query: 'mutation($i: LoginInput!) { login(input: $i) { __typename } }',
    variables: { i: { email, password: PASSWORD } },
  });
  const cookie = login.headers.getSetCookie()[0].split(';')[0];

  // Seed: 50 000 blocks and 50 000 safe ranges in 10.0.0.0/8 and 100.64.0.0/10, 1 000 000 events.
  const db = new pg.Pool({ connectionString: dbUrl, max: 10 });
  const t0 = performance.now();
  await db.query(`insert into account (id, email, name, role, permissions, api_only, created_at, updated_at)
    select gen_random_uuid(), 'user' || g || '@example.test', 'User ' || g, 'USER', '{}', false, now(), now() from generate_series(1, 1000) g`);
  await db.query(`insert into ip_block (id, cidr, reason, failures, strike, created_at, expires_at)
    select gen_random_uuid(), set_masklen(('10.0.0.0'::inet + g * 256), 24 + (g % 9))::cidr, 'BRUTE_FORCE', 5, 1, now(), now() + interval '1 day'
      from generate_series(0, 49999) g`);
  await db.query(`insert into trusted_ip (id, cidr, note, created_at)
    select gen_random_uuid(), set_masklen(('100.64.0.0'::inet + g * 64), 26)::cidr, 'seed', now() from generate_series(0, 49999) g`);
  await db.query(`insert into login_event (account_id, attempted_name, ip, outcome, service, occurred_at, network_kind)
    select null, 'user' || (g % 1000) || '@example.test', '198.18.0.0'::inet + (g % 65536), case when g % 5 = 0 then 'SUCCESS' else 'INVALID_CREDENTIALS' end,
           'imap', now() - (g % 2592000) * interval '1 second', 'UNKNOWN' from generate_series(1, 1000000) g`);
  await db.query('analyze');
  const seedSeconds = (performance.now() - t0) / 1000;

  // The same decision as the server's (account, trusted range, active block) from a bare route in
  // its own process, so both sides share the two cores with PostgreSQL and the load generator alike.
  const barePort = await freePort();
  const bare = spawn(
    process.execPath,
    [path.join(root, 'bench', 'support', 'bare-decision-server.mjs'), dbUrl, String(barePort)],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise((resolve) => bare.stdout.once('data', resolve));

  // A fixed mix of addresses: mostly uncovered, some blocked, some safe.
  const ips = Array.from({ length: 1000 }, (_, i) =>
    i % 10 === 0
      ? `10.0.${(i * 7) % 256}.${i % 250}`
      : i % 10 === 1
        ? `100.64.${(i * 3) % 256}.${i % 250}`
        : `203.0.${i % 256}.${(i * 13) % 250}`,
  );
  const gqlBody = (i) =>
    JSON.stringify({
      query: 'query($i: LoginDecisionInput!) { loginDecision(input: $i) { allowed reason until } }',
      variables: { i: { account: `user${i % 1000}@example.test`, ip: ips[i % ips.length] } },
    });
  let counter = 0;
  const gqlRequest = {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', cookie },
    setupRequest: (r) => ({ ...r, body: gqlBody(counter++) }),
  };
  const bareRequest = {
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/json' },
    setupRequest: (r) => ({
      ...r,
      body: JSON.stringify({ account: `user${counter % 1000}@example.test`, ip: ips[counter++ % ips.length] }),
    }),
  };

  await run({ url: base, requests: [gqlRequest], duration: 2 }); // warm-up
  const g = await run({ url: base, requests: [gqlRequest] });
  await run({ url: `http://127.0.0.1:${barePort}`, requests: [bareRequest], duration: 2 });
  const b = await run({ url: `http://127.0.0.1:${barePort}`, requests: [bareRequest] });

  // Flood from a blocked address while the admin signs in from 127.0.0.1 every 200 ms.
  const flooder = '10.0.0.5';
  let floodBlocked = 0;
  let floodOther = 0;
  const logins = [];
  let flooding = true;
  const loginLoop = (async () => {
    while (flooding) {
      const s = performance.now();
      const r = await post({
        query: 'mutation($i: LoginInput!) { login(input: $i) { __typename } }',
        variables: { i: { email, password: PASSWORD } },
      });
      const j = await r.json();
      logins.push({ ok: j.data?.login?.__typename === 'LoginSuccess', ms: performance.now() - s });
      await new Promise((res) => setTimeout(res, 200));
    }
  })();
  const flood = await new Promise((resolve, reject) => {
    autocannon(
      {
        url: base,
        connections: CONNECTIONS,
        duration: 5,
        requests: [
          {
            method: 'POST',
            path: '/graphql',
            headers: { 'content-type': 'application/json', cookie },
            body: JSON.stringify({
              query: 'mutation($i: LoginReportInput!) { reportLogin(input: $i) { allowed reason } }',
              variables: { i: { account: 'victim@example.test', ip: flooder, outcome: 'FAILURE', service: 'imap' } },
            }),
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
  flooding = false;
  await loginLoop;
  // Count what the flood got back from the recorded events (every report is recorded).
  const outcomes = await db.query(`select outcome, count(*)::int as n from login_event where host(ip) = $1 group by outcome`, [
    flooder,
  ]);
  for (const row of outcomes.rows) {
    if (row.outcome === 'BLOCKED') floodBlocked += row.n;
    else floodOther += row.n;
  }

  const ratio = g.requests.average / b.requests.average;
  const p99Ratio = g.latency.p99 / b.latency.p99;
  console.log(
    `\nIntegrator decision: 100 000 ranges (50 000 blocks, 50 000 safe), 1 000 000 login events (seeded in ${seedSeconds.toFixed(1)} s), ${CONNECTIONS} connections, ${SECONDS} s each`,
  );
  console.table({
    'GraphQL loginDecision': {
      'req/s': g.requests.average.toFixed(0),
      'p50 ms': g.latency.p50,
      'p99 ms': g.latency.p99,
      errors: g.errors + g.non2xx,
    },
    'bare node:http + same SQL': {
      'req/s': b.requests.average.toFixed(0),
      'p50 ms': b.latency.p50,
      'p99 ms': b.latency.p99,
      errors: b.errors + b.non2xx,
    },
  });
  console.log(`throughput GraphQL/bare: ${ratio.toFixed(2)} (target ≥ 0.6: ${ratio >= 0.6 ? 'met' : 'NOT met'})`);
  console.log(`p99 GraphQL/bare: ${p99Ratio.toFixed(2)} (target ≤ 2: ${p99Ratio <= 2 ? 'met' : 'NOT met'})`);
  const okLogins = logins.filter((l) => l.ok);
  console.log(
    `flood from a blocked IP: ${flood.requests.total} reports in 5 s, ${floodBlocked} refused as blocked, ${floodOther} otherwise (${((100 * floodBlocked) / Math.max(1, floodBlocked + floodOther)).toFixed(1)} % rejected); ` +
      `legitimate panel logins meanwhile: ${okLogins.length}/${logins.length} succeeded, max ${Math.max(...logins.map((l) => l.ms)).toFixed(0)} ms`,
  );

  bare.kill('SIGTERM');
  await db.end();
  await server.stop();
}

await main();
