// Benchmark: security incidents.
//  1. Fan-out latency: time from sending the integrator report that raises an incident to the
//     `incidentEvents` message arriving at each of 1 000 (then 5 000) connected WebSocket subscribers,
//     p50/p99 over all deliveries. Subscribers are spread over worker processes, so the measuring side
//     does not become the bottleneck of what is measured.
//  2. Integrator report throughput (reportLogin, successful logins from located addresses) with
//     detection on versus off, side by side, 64 connections.
// Run through `pnpm bench incidents`.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { requireTest, startBenchServer } from './support/lib.mjs';

const pg = requireTest('pg');
const autocannon = requireTest('autocannon');
const { createClient } = requireTest('graphql-ws');
const WebSocket = requireTest('ws');

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const PASSWORD = 'correct horse battery staple';
const WORKERS = 4;
/** Sockets per signed-in session (the server allows 32 per session: one per dashboard tab). */
const SOCKETS_PER_SESSION = 30;

// ---- worker: holds a share of the subscribers and reports arrival times --------------------------
if (process.argv[2] === 'worker') {
  const [, , , wsUrl] = process.argv;
  // A session may hold at most WS_MAX_SOCKETS_PER_SESSION (32) sockets: each batch comes with sessions enough.
  const clients = [];
  let pendingStamp = new Map();
  process.on('message', async (msg) => {
    if (msg.type === 'open') {
      const opened = [];
      for (let i = 0; i < msg.count; i++) {
        const cookie = msg.cookies[Math.floor(i / SOCKETS_PER_SESSION)];
        opened.push(
          new Promise((resolve, reject) => {
            const client = createClient({
              url: wsUrl,
              lazy: false,
              retryAttempts: 0,
              webSocketImpl: class extends WebSocket {
                constructor(a, p) {
                  super(a, p, { headers: { cookie } });
                }
              },
              on: { connected: resolve, closed: (e) => reject(new Error(`closed ${e.code}`)) },
            });
            client.subscribe(
              { query: 'subscription { incidentEvents { kind incidentId accountEmail openIncidents } }' },
              {
                next: (v) => {
                  const e = v.data?.incidentEvents;
                  if (e?.kind === 'OPENED') {
                    const arrivals = pendingStamp.get(e.accountEmail) ?? [];
                    arrivals.push(Date.now());
                    pendingStamp.set(e.accountEmail, arrivals);
                  }
                },
                error: () => undefined,
                complete: () => undefined,
              },
            );
            clients.push(client);
          }),
        );
      }
      await Promise.all(opened);
      // Let the subscriptions register on the server before the first event.
      await new Promise((r) => setTimeout(r, 500));
      process.send({ type: 'opened', total: clients.length });
    } else if (msg.type === 'collect') {
      process.send({ type: 'arrivals', arrivals: pendingStamp.get(msg.email) ?? [] });
      pendingStamp.delete(msg.email);
    } else if (msg.type === 'close') {
      await Promise.all(clients.map((c) => c.dispose()));
      process.exit(0);
    }
  });
  process.send({ type: 'ready' });
} else {
  await main();
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const server = await startBenchServer('incidents');
  const base = server.url;
  const post = (body, headers = {}) =>
    fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, ...headers },
      body: JSON.stringify(body),
    });
  const email = 'bench-admin@example.test';
  await post({
    query: 'mutation($i: SetupFirstAdminInput!) { setupFirstAdmin(input: $i) { __typename } }',
    variables: { i: { token: server.setupToken, email, name: 'Bench', password: PASSWORD } },
  });
  const login = await post({
    query: 'mutation($i: LoginInput!) { login(input: $i) { __typename } }',
    variables: { i: { email, password: PASSWORD } },
  });
  const cookie = login.headers.getSetCookie()[0].split(';')[0];
  const gql = async (query, variables) => (await post({ query, variables }, { cookie })).json();
  // A sub-admin reading incidents too: its sockets see the same events through a payload of their own
  // (each set of visible roles gets one), as a mixed audience of dashboards does.
  const readerEmail = 'bench-reader@example.test';
  await gql('mutation($i: ReauthenticateInput!) { reauthenticate(input: $i) { __typename } }', { i: { password: PASSWORD } });
  const reader = await gql('mutation($i: CreateAccountInput!) { createAccount(input: $i) { __typename } }', {
    i: { email: readerEmail, name: 'Reader', password: PASSWORD, role: 'SUB_ADMIN', permissions: ['READ_INCIDENTS'] },
  });
  if (reader.data?.createAccount?.__typename !== 'AccountCreated') throw new Error(`reader: ${JSON.stringify(reader)}`);
  let sessionsMade = 0;
  /** A new dashboard session: every fifth one the sub-admin's, the rest the admin's. */
  const newSession = async () => {
    const who = ++sessionsMade % 5 === 0 ? readerEmail : email;
    const res = await post({
      query: 'mutation($i: LoginInput!) { login(input: $i) { __typename } }',
      variables: { i: { email: who, password: PASSWORD } },
    });
    const set = res.headers.getSetCookie()[0];
    if (!set) throw new Error(`no session for ${who}: ${await res.text()}`);
    return set.split(';')[0];
  };

  // Two far-apart named locations place the reported addresses exactly.
  for (const [cidr, name, countryCode, city, latitude, longitude] of [
    ['10.61.0.0/16', 'Berlin', 'DE', 'Berlin', 52.52, 13.405],
    ['10.63.0.0/16', 'Tokyo', 'JP', 'Tokyo', 35.69, 139.69],
  ]) {
    await gql('mutation($i: NamedLocationInput!) { createNamedLocation(input: $i) { __typename } }', {
      i: { cidr, name, countryCode, city, latitude, longitude, networkKind: 'FIXED' },
    });
  }
  const db = new pg.Pool({ connectionString: server.dbUrl, max: 4 });
  await db.query(`insert into account (id, email, name, role, permissions, api_only, created_at, updated_at)
    select gen_random_uuid(), 'user' || g || '@example.test', 'User ' || g, 'USER', '{}', false, now(), now() from generate_series(1, 20000) g`);
  await db.query('analyze');

  const report = (account, ip, hoursAgo = 0) =>
    gql('mutation($i: LoginReportInput!) { reportLogin(input: $i) { allowed } }', {
      i: {
        account,
        ip,
        outcome: 'SUCCESS',
        service: 'imap',
        occurredAt: new Date(Date.now() - hoursAgo * 3_600_000).toISOString(),
      },
    });

  // ---- 1. fan-out latency ------------------------------------------------------------------------
  const wsUrl = `${base.replace(/^http/, 'ws')}/graphql`;
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, async () => {
      const w = fork(fileURLToPath(import.meta.url), ['worker', wsUrl], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      await new Promise((r) => w.once('message', r));
      return w;
    }),
  );
  const ask = (w, msg, type) =>
    new Promise((resolve) => {
      const on = (m) => {
        if (m.type === type) {
          w.off('message', on);
          resolve(m);
        }
      };
      w.on('message', on);
      w.send(msg);
    });

  const results = {};
  let userNo = 0;
  let subscribers = 0;
  // BENCH_ONLY=throughput skips the fan-out (part 1).
  const targets = process.env.BENCH_ONLY === 'throughput' ? [] : [1000, 5000];
  for (const target of targets) {
    const add = (target - subscribers) / WORKERS;
    const cookiesFor = [];
    for (let w = 0; w < WORKERS; w++) {
      const cookies = [];
      for (let i = 0; i < Math.ceil(add / SOCKETS_PER_SESSION); i++) cookies.push(await newSession());
      cookiesFor.push(cookies);
    }
    await Promise.all(workers.map((w, i) => ask(w, { type: 'open', count: add, cookies: cookiesFor[i] }, 'opened')));
    subscribers = target;
    const latencies = [];
    let missing = 0;
    // The first WARMUP incidents after the subscribers connect warm up the JIT and caches; they are not counted.
    const WARMUP = 3;
    for (let r = 0; r < ROUNDS + WARMUP; r++) {
      const account = `user${++userNo}@example.test`;
      await report(account, `10.61.0.${(r % 250) + 1}`, 2);
      const sent = Date.now();
      await report(account, `10.63.0.${(r % 250) + 1}`, 0);
      // Wait until every subscriber has it (or 5 s).
      let arrivals = [];
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 50));
        const got = await Promise.all(workers.map((w) => ask(w, { type: 'collect', email: account }, 'arrivals')));
        arrivals = arrivals.concat(...got.map((g) => g.arrivals));
        if (arrivals.length >= target) break;
      }
      if (r < WARMUP) continue;
      missing += target - arrivals.length;
      for (const t of arrivals) latencies.push(t - sent);
    }
    latencies.sort((a, b) => a - b);
    results[`${target} subscribers`] = {
      deliveries: latencies.length,
      missing,
      'p50 ms': percentile(latencies, 50),
      'p99 ms': percentile(latencies, 99),
      'max ms': latencies[latencies.length - 1],
    };
  }
  await Promise.all(workers.map((w) => new Promise((r) => (w.once('exit', r), w.send({ type: 'close' })))));

  // ---- 2. report throughput with detection on vs off ---------------------------------------------
  let counter = 0;
  const reportRequest = {
    method: 'POST',
    path: '/graphql',
    headers: { 'content-type': 'application/json', cookie },
    setupRequest: (req) => {
      const i = counter++;
      return {
        ...req,
        body: JSON.stringify({
          query: 'mutation($i: LoginReportInput!) { reportLogin(input: $i) { allowed reason } }',
          variables: {
            i: {
              account: `user${1000 + (i % 19000)}@example.test`,
              ip: `10.61.${(i >> 8) & 255}.${i & 255 || 1}`,
              outcome: 'SUCCESS',
              service: 'imap',
            },
          },
        }),
      };
    },
  };
  const cannon = (duration) =>
    new Promise((resolve, reject) =>
      autocannon({ url: base, connections: 64, duration, requests: [reportRequest] }, (e, r) => (e ? reject(e) : resolve(r))),
    );
  const setDetection = (enabled) =>
    gql('mutation($e: Boolean) { updateIncidentSettings(input: { enabled: $e }) { enabled } }', { e: enabled });
  await cannon(2); // warm-up
  // Interleaved rounds (on, off, on, off, …) so drift in the machine or the growing table hits both alike.
  const ROUNDS_ONOFF = 3;
  const acc = { on: [], off: [] };
  for (let r = 0; r < ROUNDS_ONOFF; r++) {
    for (const mode of ['on', 'off']) {
      await setDetection(mode === 'on');
      await new Promise((res) => setTimeout(res, 5100)); // settings are cached for 5 s
      acc[mode].push(await cannon(Math.max(3, Math.round(SECONDS / ROUNDS_ONOFF))));
    }
  }
  const summarize = (runs) => ({
    rps: runs.reduce((a, r) => a + r.requests.average, 0) / runs.length,
    p50: Math.max(...runs.map((r) => r.latency.p50)),
    p99: Math.max(...runs.map((r) => r.latency.p99)),
    errors: runs.reduce((a, r) => a + r.errors + r.non2xx, 0),
  });
  const on = summarize(acc.on);
  const off = summarize(acc.off);

  console.log(
    `\nIncident event fan-out: ${ROUNDS} incidents per size (after 3 warm-up incidents), each raised by one integrator report; subscribers in ${WORKERS} worker processes`,
  );
  console.table(results);
  if (targets.length > 0) {
    const p99At1k = results['1000 subscribers']['p99 ms'];
    const p99At5k = results['5000 subscribers']['p99 ms'];
    console.log(
      `p99 at 1 000: ${p99At1k} ms (target < 100: ${p99At1k < 100 ? 'met' : 'NOT met'}); at 5 000: ${p99At5k} ms (target < 250: ${p99At5k < 250 ? 'met' : 'NOT met'})`,
    );
  }
  console.log(
    `\nIntegrator reportLogin (successful, located logins of 19 000 accounts), 64 connections, ${ROUNDS_ONOFF} interleaved rounds per mode (worst p50/p99 shown)`,
  );
  console.table({
    'detection on': { 'req/s': on.rps.toFixed(0), 'p50 ms': on.p50, 'p99 ms': on.p99, errors: on.errors },
    'detection off': { 'req/s': off.rps.toFixed(0), 'p50 ms': off.p50, 'p99 ms': off.p99, errors: off.errors },
  });
  const cost = 1 - on.rps / off.rps;
  console.log(
    `detection costs ${(cost * 100).toFixed(1)} % of report throughput (target < 20 %: ${cost < 0.2 ? 'met' : 'NOT met'})`,
  );

  await db.end();
  await server.stop();
}
