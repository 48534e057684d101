import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { setupAdmin } from '../support/factories.js';
import { startServer, type RunningServer } from '../support/server.js';

/**
 * A PostgreSQL on the same host is cheaper to reach over its Unix socket than over TCP loopback (no
 * TCP stack per round trip). DATABASE_URL names the socket's folder as a percent-encoded host.
 */
describe('DATABASE_URL with a Unix socket', () => {
  let db: TestDatabase;
  let server: RunningServer | undefined;

  beforeAll(async () => {
    db = await createTestDatabase('socket_url');
  });
  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

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
});
