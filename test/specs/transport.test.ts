import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { LOGIN, PASSWORD, setupAdmin } from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import { startServer, type RunningServer } from '../support/server.js';

describe('transport hardening', () => {
  let db: TestDatabase;
  let server: RunningServer;
  let admin: GqlClient;

  beforeAll(async () => {
    db = await createTestDatabase('transport');
    server = await startServer({ DATABASE_URL: db.url });
    ({ client: admin } = await setupAdmin(server));
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('serves /healthz and /readyz', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('refuses a CSRF-able simple request (text/plain POST, or GET without preflight header)', async () => {
    const post = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(post.status).toBe(400);
    const get = await fetch(`${server.url}/graphql?query=${encodeURIComponent('{ setupStatus { needsSetup } }')}`);
    expect(get.status).toBe(400);
    expect(await get.text()).toMatch(/CSRF/);
  });

  it('has introspection and field suggestions off outside development', async () => {
    const intro = await admin.gql('{ __schema { types { name } } }');
    expect(codes(intro)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    // Said plainly, without advice on how to switch it on.
    expect(intro.errors![0]!.message).toBe('Introspection is disabled on this server.');
    const typo = await admin.gql('{ mee { id } }');
    expect(codes(typo)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(typo.errors![0]!.message).not.toMatch(/Did you mean/);
  });

  it('limits aliases and depth', async () => {
    const aliases = Array.from({ length: 30 }, (_, i) => `a${i}: setupStatus { needsSetup }`).join(' ');
    const res = await admin.gql(`{ ${aliases} }`);
    expect(res.data ?? null).toBeNull();
    expect(codes(res)[0]).toBe('GRAPHQL_VALIDATION_FAILED');
    // Selections nested past 12 levels are refused for their depth (before any field is looked up).
    const deep = await admin.gql(`{ ${'me { '.repeat(14)}id${' }'.repeat(14)} }`);
    expect(deep.data ?? null).toBeNull();
    expect(deep.errors!.map((e) => e.message)).toContainEqual(expect.stringMatching(/depth limit of 12/i));
    // Batched HTTP requests are refused outright.
    const batch = await admin.raw([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]);
    expect(batch.status).toBe(400);
  });

  it('refuses a query whose cost is over 5 000 (fragments spread three times at each level), within the depth and token limits', async () => {
    // Each level spreads the one below three times: the cost grows about sevenfold per level, the
    // tokens and the depth hardly.
    const fragments = (levels: number) =>
      [
        'fragment F0 on Account { id email name role }',
        ...Array.from({ length: levels }, (_, i) => `fragment F${i + 1} on Account { ...F${i} ...F${i} ...F${i} }`),
      ].join(' ');
    const query = (levels: number) => `${fragments(levels)} { me { ...F${levels} } }`;
    // Two levels (a cost near 940) are answered; three (near 6 300) are refused, for their cost alone.
    const cheap = await admin.gql(query(2));
    expect(cheap.errors, JSON.stringify(cheap.errors)).toBeUndefined();
    const costly = await admin.gql(query(3));
    expect(costly.data ?? null).toBeNull();
    expect(costly.errors!.map((e) => e.message)).toEqual([expect.stringMatching(/cost limit of 5000 exceeded/i)]);
    expect(codes(costly)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('limits the rows a request’s paged lists may return, counting fragments where they are spread and variables at their maximum', async () => {
    const page = (n: number) => `trustedIps(page: { limit: ${n} }) { nodes { id } }`;
    // Ten full pages are fine; eleven are refused before anything runs.
    const ten = Array.from({ length: 10 }, (_, i) => `a${i}: ${page(200)}`).join(' ');
    expect((await admin.gql(`{ ${ten} }`)).errors).toBeUndefined();
    const eleven = await admin.gql(`{ ${ten} b: ${page(1)} }`);
    expect(codes(eleven)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(eleven.errors![0]!.message).toMatch(/more than 2000 rows/);
    // Fragments count where they are spread; a limit from a variable counts as the largest page (200),
    // whatever the variable says: 8 × 200 + 200 + 200 is at the limit, one row more is refused.
    const eight = Array.from({ length: 8 }, (_, i) => `a${i}: ${page(200)}`).join(' ');
    const fragment = `fragment F on Query { e: loginEvents(page: { limit: 200 }) { nodes { id } } b: ipBlocks(page: $p) { nodes { id } } }`;
    const atLimit = await admin.gql(`${fragment} query($p: PageInput) { ${eight} ...F }`, { p: { limit: 1 } });
    expect(atLimit.errors).toBeUndefined();
    const over = await admin.gql(
      `${fragment} query($p: PageInput) { ${eight} ...F c: securityIncidents(page: { limit: 1 }) { nodes { id } } }`,
      { p: { limit: 1 } },
    );
    expect(codes(over)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    // Left out, a page is its default (50 rows).
    const defaults = Array.from({ length: 14 }, (_, i) => `d${i}: trustedIps { nodes { id } }`).join(' ');
    expect((await admin.gql(`{ ${defaults} }`)).errors).toBeUndefined();
  });

  it('allows at most three totalCount fields a request (each counts a whole table), fragments counted where spread', async () => {
    const counted = (n: number) =>
      Array.from({ length: n }, (_, i) => `c${i}: loginEvents(page: { limit: 1 }) { totalCount }`).join(' ');
    expect((await admin.gql(`{ ${counted(3)} }`)).errors).toBeUndefined();
    const four = await admin.gql(`{ ${counted(4)} }`);
    expect(codes(four)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect(four.errors![0]!.message).toMatch(/more than 3 totalCount/);
    // One fragment holding a count, spread four times.
    const spread = await admin.gql(
      `fragment C on LoginEventPage { totalCount } { a: loginEvents { ...C } b: loginEvents { ...C } c: auditLog { totalCount } d: loginEvents { ...C } }`,
    );
    expect(codes(spread)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('answers an oversized or non-JSON body with a typed error, and every GraphQL answer carries the security headers', async () => {
    const big = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { id } }', variables: { pad: 'x'.repeat(300 * 1024) } }),
    });
    expect(big.status).toBe(413);
    expect(((await big.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      'BAD_USER_INPUT',
    );
    // A megabyte (a pasted file, say), again and again: each sender gets the typed answer, not a
    // connection reset while it is still sending.
    for (let i = 0; i < 5; i++) {
      const huge = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'mutation($p: String!) { logout(x: $p) }', variables: { p: 'x'.repeat(1024 * 1024) } }),
      });
      expect(huge.status).toBe(413);
      expect(((await huge.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
        'BAD_USER_INPUT',
      );
    }
    const zipped = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: 'x'.repeat(64 * 1024),
    });
    expect(zipped.status).toBe(415);
    const scalar = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '42',
    });
    expect(scalar.status).toBe(400);
    const ok = await admin.raw({ query: '{ setupStatus { needsSetup } }' });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('cache-control')).toBe('no-store');
    expect(ok.headers.get('x-content-type-options')).toBe('nosniff');
    expect(ok.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(ok.headers.get('x-frame-options')).toBe('DENY');
    expect(ok.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('refuses a document over 1 000 tokens, and variables nested past 32 levels, as bad requests before anyone is known', async () => {
    const anonymous = new GqlClient(server.url);
    // `me { id }` is 4 tokens: 249 of them and the braces are 998, 251 are 1 006.
    const fits = await anonymous.raw({ query: `{ ${'me { id } '.repeat(249)} }` });
    expect(fits.status).toBe(200);
    const over = await anonymous.raw({ query: `{ ${'me { id } '.repeat(251)} }` });
    expect(over.status).toBe(400);
    expect(((await over.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe(
      'GRAPHQL_PARSE_FAILED',
    );
    // 10 000 levels deep (JSON.parse takes it): refused as bad input, not an internal error.
    const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
    const res = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: `{"query":"mutation($r: JSONObject!) { finishWebauthnRegistration(response: $r) { __typename } }","variables":{"r":{"a":${deep}}}}`,
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: { extensions: { code: string; fields?: { reason: string }[] } }[] };
    expect(body.errors[0]!.extensions.code).toBe('BAD_USER_INPUT');
    expect(body.errors[0]!.extensions.fields?.[0]?.reason).toBe('TOO_DEEP');
  });

  it('never leaks a stack trace or database message', async () => {
    const bad = await admin.raw('{"query": ');
    expect(bad.status).toBe(400);
    const text = await bad.text();
    expect(text).not.toMatch(/\bat .+:\d+:\d+/);
    const res = await admin.gql('query($p: PageInput) { accounts(page: $p) { totalCount } }', { p: { limit: 'NaN' } });
    expect(codes(res)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(res)).not.toMatch(/stacktrace|\bat .+:\d+:\d+/);
  });

  it('refuses text holding a NUL character before anything runs, naming the field', async () => {
    const counts = async () =>
      (
        await db.query<{ events: number; counters: number; audit: number }>(
          `select (select count(*) from login_event)::int as events, (select count(*) from failure_counter)::int as counters,
                  (select count(*) from audit_log)::int as audit`,
        )
      )[0]!;
    const before = await counts();
    // A batch of reports whose second one carries a NUL: none of them is counted or recorded.
    const report = (i: number, userAgent: string) => ({
      account: `nul${i}@example.test`,
      ip: '198.51.100.77',
      outcome: 'FAILURE',
      service: 'imap',
      userAgent,
    });
    const batch = await admin.raw({
      query: `mutation($r: [LoginReportInput!]!) { reportLogins(reports: $r) { allowed } }`,
      variables: { r: [report(0, 'Mail/1.0'), report(1, 'Mail\u00002.0')] },
    });
    expect(batch.status).toBe(400);
    const body = (await batch.json()) as { errors: { extensions: Record<string, unknown> }[] };
    expect(body.errors.map((e) => e.extensions['code'])).toEqual(['BAD_USER_INPUT']);
    expect(body.errors[0]!.extensions['fields']).toEqual([
      expect.objectContaining({ field: 'r[1].userAgent', reason: 'NUL_CHARACTER' }),
    ]);
    // A sign-in's e-mail, in a variable or in the operation's own text.
    const anonymous = new GqlClient(server.url);
    const inVariable = await anonymous.gql(LOGIN, { input: { email: 'nul\u0000@example.test', password: PASSWORD } });
    expect(codes(inVariable)).toEqual(['BAD_USER_INPUT']);
    // In the operation's own literals, escaped or raw (graphql-js accepts a raw NUL in a string): a
    // batch written out in the query, whose second report carries one, records nothing either.
    for (const nul of ['\\u0000', '\u0000']) {
      const literal = await admin.raw({
        query: `mutation { reportLogins(reports: [
          { account: "lit0@example.test", ip: "198.51.100.78", outcome: "FAILURE", service: "imap" },
          { account: "lit1@example.test", ip: "198.51.100.78", outcome: "FAILURE", service: "imap", userAgent: "A${nul}B" }
        ]) { allowed } }`,
      });
      expect(literal.status, JSON.stringify(nul)).toBe(400);
      const refused = (await literal.json()) as { errors: { extensions: Record<string, unknown> }[] };
      expect(refused.errors[0]!.extensions['fields']).toEqual([
        expect.objectContaining({ field: 'query', reason: 'NUL_CHARACTER' }),
      ]);
    }
    expect(await counts()).toEqual(before);
  });

  it('ignores X-Forwarded-For when no trusted proxy is configured', async () => {
    const c = new GqlClient(server.url, { 'x-forwarded-for': '203.0.113.9', 'user-agent': 'xff-probe' });
    await c.gql(LOGIN, { input: { email: 'nobody@example.test', password: PASSWORD } });
    const rows = await db.query(`select host(ip) as ip from login_event where user_agent = 'xff-probe'`);
    expect(rows).toEqual([{ ip: '127.0.0.1' }]);
  });

  it('serves the dashboard shell for client routes with security headers', async () => {
    const res = await fetch(`${server.url}/users`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toMatch(/<div id="root">/);
    // A missing chunk is a 404, not the shell served in its place.
    const missing = await fetch(`${server.url}/assets/gone-0123abcd.js`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/text\/plain/);
  });
});

describe('trusted proxy', () => {
  it('takes the right-most untrusted X-Forwarded-For address only when the peer is a trusted proxy', async () => {
    const db = await createTestDatabase('proxy');
    const server = await startServer({ DATABASE_URL: db.url, TRUSTED_PROXIES: '127.0.0.1/32, ::1' });
    try {
      const c = new GqlClient(server.url, { 'x-forwarded-for': '198.51.100.1, 203.0.113.9', 'user-agent': 'proxied' });
      await c.gql(LOGIN, { input: { email: 'nobody@example.test', password: PASSWORD } });
      const rows = await db.query(`select host(ip) as ip from login_event where user_agent = 'proxied'`);
      expect(rows).toEqual([{ ip: '203.0.113.9' }]);
      // A Forwarded header of the client's own (a proxy writing X-Forwarded-For passes it through) names nobody.
      const spoof = new GqlClient(server.url, {
        forwarded: 'for=198.51.100.66',
        'x-forwarded-for': '203.0.113.10',
        'user-agent': 'spoofed',
      });
      await spoof.gql(LOGIN, { input: { email: 'nobody@example.test', password: PASSWORD } });
      const spoofed = await db.query(`select host(ip) as ip from login_event where user_agent = 'spoofed'`);
      expect(spoofed).toEqual([{ ip: '203.0.113.10' }]);
    } finally {
      await server.stop();
      await db.drop();
    }
  });
});

describe('process lifecycle', () => {
  it('refuses to start on bad configuration, naming the variable', async () => {
    await expect(startServer({ DATABASE_URL: 'mysql://x', PORT: '4x' })).rejects.toThrow(
      /exited with 2[\s\S]*PORT must be a whole number[\s\S]*DATABASE_URL must be a postgres/,
    );
  });

  it('finishes in-flight requests on SIGTERM, then exits 0', async () => {
    const db = await createTestDatabase('shutdown');
    const server = await startServer({ DATABASE_URL: db.url, LOGIN_MIN_DURATION_MS: '1500' });
    try {
      const inflight = new GqlClient(server.url).gql(LOGIN, { input: { email: 'slow@example.test', password: PASSWORD } });
      await new Promise((r) => setTimeout(r, 300));
      const exited = server.stop();
      const res = await inflight;
      expect(res.data?.['login']?.code).toBe('INVALID_CREDENTIALS');
      expect(await exited).toBe(0);
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
    } finally {
      await server.stop();
      await db.drop();
    }
  });
});
