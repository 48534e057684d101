import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { LOGIN, PASSWORD, SETUP, uniqueEmail } from '../support/factories.js';
import { GqlClient } from '../support/graphql.js';
import { freePort, runCli, startServer } from '../support/server.js';

describe('embedded PostgreSQL default (no DATABASE_URL)', () => {
  it('starts its own database in the data folder, generates keys there, and keeps data across restarts', async () => {
    const dataDir = await mkdtemp(path.join(os.tmpdir(), 'sc-embedded-'));
    const pgPort = await freePort();
    const env = { DATABASE_URL: undefined, DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort) };
    try {
      const first = await startServer(env);
      const email = uniqueEmail('owner');
      try {
        expect(first.setupToken).toBeDefined();
        const res = await new GqlClient(first.url).gql(SETUP, {
          input: { token: first.setupToken, email, name: 'Owner', password: PASSWORD },
        });
        expect(res.data?.['setupFirstAdmin']?.__typename).toBe('SetupSuccess');
        // The server reaches its cluster over the Unix socket in the cluster's folder, not TCP.
        const socketDir = path.join(dataDir, 'postgres');
        expect((await stat(path.join(socketDir, `.s.PGSQL.${pgPort}`))).isSocket()).toBe(true);
        const password = (await readFile(path.join(dataDir, 'postgres-password'), 'utf8')).trim();
        const c = new pg.Client({ host: socketDir, port: pgPort, user: 'postgres', password, database: 'security_center' });
        await c.connect();
        try {
          const { rows } = await c.query<{ socket: boolean; n: number }>(
            `select client_addr is null as socket, count(*)::int as n from pg_stat_activity
              where datname = 'security_center' and pid <> pg_backend_pid() group by 1`,
          );
          expect(rows.find((r) => r.socket)?.n ?? 0).toBeGreaterThanOrEqual(2);
          expect(rows.find((r) => !r.socket)).toBeUndefined();
        } finally {
          await c.end();
        }
        // The CLI, started without the server's EMBEDDED_PG_PORT, uses the cluster the server runs.
        const cli = await runCli(['create-admin', '--email', `cli-${email}`, '--name', 'Second'], {
          DATA_DIR: dataDir,
          ADMIN_PASSWORD: PASSWORD,
        });
        expect(cli, cli.stdout + cli.stderr).toMatchObject({ code: 0 });
        const second = await new GqlClient(first.url).gql(LOGIN, { input: { email: `cli-${email}`, password: PASSWORD } });
        expect(second.data?.['login']?.__typename).toBe('LoginSuccess');
      } finally {
        expect(await first.stop(), `${first.output()}\n${first.errors()}`).toBe(0);
      }
      const keys = await stat(path.join(dataDir, 'keys.json'));
      expect(keys.mode & 0o777).toBe(0o600);
      expect((await stat(path.join(dataDir, 'postgres', 'PG_VERSION'))).isFile()).toBe(true);

      const second = await startServer(env);
      try {
        expect(second.setupToken).toBeUndefined();
        const login = await new GqlClient(second.url).gql(LOGIN, { input: { email, password: PASSWORD } });
        expect(login.data?.['login']?.__typename).toBe('LoginSuccess');
      } finally {
        expect(await second.stop(), `${second.output()}\n${second.errors()}`).toBe(0);
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
