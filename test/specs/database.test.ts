import net from 'node:net';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { LOGIN, PASSWORD, setupAdmin } from '../support/factories.js';
import { codes, GqlClient } from '../support/graphql.js';
import { startServer, type RunningServer } from '../support/server.js';
import { MailSink } from '../support/smtp.js';
import { enrollTotp } from '../support/two-factor.js';

describe('the database connection', () => {
  // Each test its own server on its own database.
  let db: TestDatabase;
  let server: RunningServer | undefined;

  beforeEach(async () => {
    db = await createTestDatabase('database');
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    await db?.drop();
  });

  /**
   * A PostgreSQL on the same host is cheaper to reach over its Unix socket than over TCP loopback (no
   * TCP stack per round trip). DATABASE_URL names the socket's folder as a percent-encoded host.
   */
  it('runs the server, its migrations and its change feed over the socket', async () => {
    const [setting] = await db.query<{ dir: string; port: string }>(
      `select trim(split_part(current_setting('unix_socket_directories'), ',', 1)) as dir, current_setting('port') as port`,
    );
    expect(setting!.dir, 'the test PostgreSQL listens on a Unix socket').toMatch(/^\//);
    const tcp = new URL(db.url);
    const credentials = tcp.password ? `${tcp.username}:${tcp.password}` : tcp.username;
    const url = `postgres://${credentials}@${encodeURIComponent(setting!.dir)}:${setting!.port}${tcp.pathname}`;

    server = await startServer({ DATABASE_URL: url });
    const { client, email } = await setupAdmin(server);
    expect((await client.gql(`{ me { email } }`)).data?.['me']).toEqual({ email });

    // Every connection the server holds to its database came through the socket (no client address);
    // the test's own connection is TCP.
    const conns = await db.query<{ socket: boolean; n: number }>(
      `select client_addr is null as socket, count(*)::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() group by 1`,
    );
    expect(conns.find((c) => c.socket)?.n ?? 0).toBeGreaterThanOrEqual(2);
    expect(conns.find((c) => !c.socket)).toBeUndefined();
  });

  it('instances started at the same moment on a new database migrate it once between them, and both serve', async () => {
    const [a, b] = await Promise.allSettled([startServer({ DATABASE_URL: db.url }), startServer({ DATABASE_URL: db.url })]);
    const started = [a, b].flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    try {
      expect([a, b].map((r) => (r.status === 'rejected' ? String(r.reason) : 'started'))).toEqual(['started', 'started']);
      for (const s of started) expect((await fetch(`${s.url}/readyz`)).status).toBe(200);
      expect(
        await db.query(`select name from mikro_orm_migrations group by name having count(*) > 1`),
        'no migration applied twice',
      ).toEqual([]);
    } finally {
      for (const s of started) await s.stop();
    }
  });

  it('outlives its database connections being ended (PostgreSQL restarted, or an administrator)', async () => {
    server = await startServer({ DATABASE_URL: db.url });
    const { client, email } = await setupAdmin(server);
    const me = async () => (await client.gql(`{ me { email } }`).catch(() => null))?.data?.['me'];
    expect(await me()).toEqual({ email });

    const ended = await db.query<{ n: number }>(
      `select count(*)::int as n from (select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()) t`,
    );
    expect(ended[0]!.n).toBeGreaterThanOrEqual(2);
    // Served again once the pools have noticed (the first answer may still be an error).
    let back = false;
    for (let i = 0; i < 50 && !back; i++) {
      back = JSON.stringify(await me()) === JSON.stringify({ email });
      if (!back) await new Promise((r) => setTimeout(r, 100));
    }
    expect(back, server.errors()).toBe(true);
    expect(server.process.exitCode).toBeNull();
    const code = await server.stop();
    server = undefined;
    expect(code).toBe(0);
  });

  it('answers a request held up by the database past DB_STATEMENT_TIMEOUT_MS with DATABASE_TIMEOUT, and the next one normally', async () => {
    server = await startServer({ DATABASE_URL: db.url, DB_STATEMENT_TIMEOUT_MS: '1000' });
    const { client: admin } = await setupAdmin(server);
    const AUDIT = `{ auditLog(page: { limit: 5 }) { totalCount nodes { action } } }`;
    expect((await admin.gql(AUDIT)).errors).toBeUndefined();
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      // Someone holds the audit log (a long migration by hand, a stuck transaction): reading it waits.
      await holder.query('begin');
      await holder.query('lock table audit_log in access exclusive mode');
      const started = Date.now();
      const held = await admin.gql(AUDIT);
      expect(codes(held)).toEqual(['DATABASE_TIMEOUT']);
      expect(held.errors![0]!.message).toBe('The database did not answer in time. Try again in a moment.');
      // Answered at the limit, not when the lock goes (it never would here).
      expect(Date.now() - started).toBeLessThan(15_000);
      // The CSV export fails after its header row went out: the download is cut off, so that a file
      // holding the header alone cannot pass for an empty log.
      const csv = fetch(`${server.url}/export/audit.csv`, { headers: { cookie: admin.cookieHeader() } }).then((r) => r.text());
      await expect(csv).rejects.toThrow();
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    expect((await admin.gql(AUDIT)).errors).toBeUndefined();
    // The server's log comes over its stdout pipe, which may be read after the HTTP answer.
    await expect.poll(() => server!.output()).toContain('database timeout in GraphQL operation');
  });

  /**
   * A TCP relay to the test's PostgreSQL that can stop passing bytes, as a stalled network does
   * (connections stay open; nothing arrives, nothing is refused): `url` goes through it.
   */
  async function freezableRelay(): Promise<{ url: string; freeze(): void; thaw(): void; close(): Promise<void> }> {
    const target = new URL(db.url);
    let frozen = false;
    const pairs: [net.Socket, net.Socket][] = [];
    const relay = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      pairs.push([client, upstream]);
      if (frozen) {
        client.pause();
        upstream.pause();
      }
      client.pipe(upstream);
      upstream.pipe(client);
      const end = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on('error', end);
      upstream.on('error', end);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const via = new URL(db.url);
    via.hostname = '127.0.0.1';
    via.port = String((relay.address() as net.AddressInfo).port);
    return {
      url: via.toString(),
      freeze() {
        frozen = true;
        for (const [a, b] of pairs) {
          a.pause();
          b.pause();
        }
      },
      thaw() {
        frozen = false;
        for (const [a, b] of pairs) {
          a.resume();
          b.resume();
        }
      },
      async close() {
        for (const [a, b] of pairs) {
          a.destroy();
          b.destroy();
        }
        await new Promise((r) => relay.close(r));
      },
    };
  }

  it('answers /readyz 503 within seconds while the network path to PostgreSQL is frozen, and ready once it thaws', async () => {
    const relay = await freezableRelay();
    try {
      server = await startServer({ DATABASE_URL: relay.url });
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

      relay.freeze();
      const res = await fetch(`${server.url}/readyz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable' });

      relay.thaw();
      await expect.poll(async () => (await fetch(`${server!.url}/readyz`)).status).toBe(200);
    } finally {
      await server?.stop();
      server = undefined;
      await relay.close();
    }
  });

  it('answers a sign-in DATABASE_TIMEOUT while the network path to PostgreSQL is frozen, not when TCP gives up, and signs in once it thaws', async () => {
    const relay = await freezableRelay();
    try {
      server = await startServer({ DATABASE_URL: relay.url, DB_STATEMENT_TIMEOUT_MS: '2000' });
      const { email } = await setupAdmin(server);
      const signIn = () => new GqlClient(server!.url).gql(LOGIN, { input: { email, password: PASSWORD } });
      expect((await signIn()).data?.['login']?.__typename).toBe('LoginSuccess');

      relay.freeze();
      // PostgreSQL cannot answer (nor cancel at its statement timeout): the server stops waiting itself.
      const frozen = await signIn();
      expect(codes(frozen)).toEqual(['DATABASE_TIMEOUT']);
      expect(JSON.stringify(frozen)).not.toMatch(/read timeout|stack/i);
      // The server stopped waiting for an answer (not for a connection: one was free). Its log comes
      // over its stdout pipe, which may be read after the HTTP answer.
      await expect.poll(() => server!.output()).toContain('Query read timeout');

      relay.thaw();
      await expect.poll(async () => (await signIn()).data?.['login']?.__typename, { timeout: 15_000 }).toBe('LoginSuccess');
    } finally {
      await server?.stop();
      server = undefined;
      await relay.close();
    }
  });

  it('a shutdown does not wait long for a hung mail server, and the notification it was sending stays queued for the next start', async () => {
    // A mail server that accepts connections and never says a word (nodemailer waits 10 s for its greeting).
    const hung = net.createServer(() => undefined);
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const sink = await MailSink.start();
    try {
      server = await startServer({
        DATABASE_URL: db.url,
        SMTP_URL: `smtp://127.0.0.1:${(hung.address() as net.AddressInfo).port}`,
      });
      const { client, email } = await setupAdmin(server);
      await enrollTotp(client); // "a two-factor method was added", tried at once: hangs at the mail server
      await expect.poll(() => db.query(`select attempts from mail_queue`)).toEqual([{ attempts: 0 }]);
      const stopping = server;
      server = undefined;
      expect(await stopping.stop()).toBe(0);
      // Left while its try was still waiting (a finished try would have counted a failure).
      expect(await db.query(`select attempts from mail_queue`)).toEqual([{ attempts: 0 }]);
      expect(stopping.output()).toContain('they stay queued');

      // The next start (retry rounds every second here) sends it once its hold is over.
      server = await startServer({ DATABASE_URL: db.url, SMTP_URL: sink.url, INCIDENT_MAIL_THROTTLE_SECONDS: '1' });
      await db.query(`update mail_queue set next_attempt_at = now()`);
      const got = await sink.waitFor(email, (m) => m.subject === 'A two-factor method was added to your account');
      expect(got.raw).toContain('An authenticator app was added');
      await expect.poll(() => db.query(`select 1 from mail_queue`)).toEqual([]);
    } finally {
      await sink.stop();
      await new Promise((r) => hung.close(r));
    }
  });

  /**
   * A maintenance round (every second here) caught by the shutdown finishes before the server exits:
   * its last steps (the incident summary e-mails among them) are not cut off by the pools closing.
   */
  it('lets a maintenance round in progress finish before it exits', async () => {
    server = await startServer({ DATABASE_URL: db.url, INCIDENT_MAIL_THROTTLE_SECONDS: '1' });
    const { id } = await setupAdmin(server);
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('lock table email_code in access exclusive mode');
      // Until the next round is held on the e-mail codes.
      const waiting = async () =>
        (
          await db.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity
              where datname = current_database() and wait_event_type = 'Lock' and query like '%delete from email_code%'`,
          )
        )[0]!.n;
      for (let i = 0; i < 100 && (await waiting()) === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await waiting()).toBe(1);
      // An expired security-key challenge, which only the held round's step after the e-mail codes can
      // forget now (no other round starts while it runs).
      await db.query(
        `insert into webauthn_challenge (id, account_id, session_id, purpose, challenge, expires_at)
         values (gen_random_uuid(), $1, gen_random_uuid(), 'LOGIN', 'expired', now() - interval '1 hour')`,
        [id],
      );

      const running = server;
      const exited = running.stop();
      // The server waits for its round (up to 5 s): still running a second after it was told to stop.
      await new Promise((r) => setTimeout(r, 1000));
      expect(running.process.exitCode).toBeNull();
      await holder.query('commit');
      expect(await exited).toBe(0);
      server = undefined;
      expect(running.output()).not.toContain('maintenance failed');
      expect(await db.query(`select 1 from webauthn_challenge where challenge = 'expired'`)).toEqual([]);
    } finally {
      await holder.end();
    }
  });
});
