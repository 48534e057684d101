import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a PostgreSQL server where test files may create their own databases. */
    pgAdminUrl: string;
  }
}

export interface TestDatabase {
  url: string;
  name: string;
  /** Runs SQL directly (assertions on what was or was not written). */
  query<T extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

/**
 * The data folder (keys, outbox) of the servers and CLI runs on one test database: shared by them, as
 * an installation's instances share theirs, and apart from the repository's own `.data`.
 */
export function dataDirFor(databaseUrl: string): string {
  return path.join(os.tmpdir(), 'security-center-tests', new URL(databaseUrl).pathname.slice(1) || 'default');
}

/** A fresh, empty database for one test file, on the run's PostgreSQL server. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const admin = new URL(inject('pgAdminUrl'));
  const name = `sc_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const adminClient = new pg.Client({ connectionString: admin.toString() });
  await adminClient.connect();
  await adminClient.query(`create database "${name}"`);
  await adminClient.end();
  const url = new URL(admin.toString());
  url.pathname = `/${name}`;
  const pool = new pg.Pool({ connectionString: url.toString(), max: 2 });
  // An idle client whose backend goes away (the forced drop below can terminate one still saying
  // goodbye, as `pool.end()` resolves before its sockets have closed) makes the pool emit 'error',
  // an uncaught exception without a listener. Queries still reject on their own errors.
  pool.on('error', () => undefined);
  return {
    url: url.toString(),
    name,
    async query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) {
      return (await pool.query<T>(sql, params)).rows;
    },
    async drop() {
      await pool.end();
      const c = new pg.Client({ connectionString: admin.toString() });
      await c.connect();
      await c.query(`drop database if exists "${name}" with (force)`);
      await c.end();
      await rm(dataDirFor(url.toString()), { recursive: true, force: true });
    },
  };
}

/** The account's sessions not revoked and not past their absolute expiry. */
export async function liveSessionCount(db: TestDatabase, accountId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `select count(*)::int as n from session where account_id = $1 and revoked_at is null and expires_at > now()`,
    [accountId],
  );
  return row!.n;
}
