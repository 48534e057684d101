import { type Migration, Migrator } from '@mikro-orm/migrations';
import type { MigrationObject } from '@mikro-orm/core';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';
import pg from 'pg';

const { Client: PgClient } = pg;
import { connectionLimits, connectTimeoutMs, limitStatements } from './pool.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * `snapshot`: keep `migrations/.snapshot.json` (what `migration:create` diffs against) in step with the
 * database after migrating. Only the migration script asks for it: the app and the tests migrate
 * databases of every age (a test migrates to a past version), and must not rewrite the committed file.
 */
export function ormOptions(
  clientUrl: string,
  logger?: Logger,
  onQuery?: (sql: string) => void,
  snapshot = false,
  timeoutMs = 0,
): Options {
  return defineConfig({
    clientUrl,
    entities,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    extensions: [Migrator],
    migrations: {
      // Listed explicitly so compiled and source runs find the same classes.
      migrationsList: migrationsList.map(({ name, class: migration }) => ({ name, class: withoutStatementTimeout(migration) })),
      pathTs: path.join(here, 'migrations'),
      path: path.join(here, 'migrations'),
      emit: 'ts',
      snapshot,
      snapshotName: '.snapshot',
      transactional: true,
      allOrNothing: true,
      silent: true,
    },
    // MikroORM batches `Loaded` relations per request through its dataloader.
    dataloader: true,
    pool: {
      min: 0,
      max: 10,
      // The statement timeout, on each new connection before knex hands it out.
      // A connection whose SET failed is closed (knex would keep it open) and the error reaches the caller.
      afterCreate: (connection: pg.Client, done: (err: Error | undefined, connection: pg.Client) => void) => {
        limitStatements(connection, timeoutMs).then(
          () => done(undefined, connection),
          (err: Error) => {
            connection.end().catch(() => undefined);
            done(err, connection);
          },
        );
      },
    },
    // The connect timeout and keep-alives of `connectionLimits`; waiting for a pooled connection (knex's own).
    driverOptions: {
      connection: connectionLimits(timeoutMs),
      ...(timeoutMs > 0 ? { acquireConnectionTimeout: connectTimeoutMs(timeoutMs) } : {}),
    },
    forceUtcTimezone: true,
    // The database must exist (`createdb`; the embedded PostgreSQL makes its own): a mistyped name in
    // DATABASE_URL is refused ("database … does not exist") rather than met with a new, empty database
    // that a CLI command would act on, or a server would set up afresh.
    ensureDatabase: false,
    debug: false,
    allowGlobalContext: false,
    logger: logger ? (msg) => logger.debug({ orm: msg }) : undefined,
    // Sees every statement before it runs (in-memory caches forget what it may change).
    onQuery: onQuery
      ? (sql: string) => {
          onQuery(sql);
          return sql;
        }
      : (sql: string) => sql,
  });
}

export async function initOrm(
  clientUrl: string,
  logger?: Logger,
  onQuery?: (sql: string) => void,
  snapshot = false,
  timeoutMs = 0,
): Promise<MikroORM> {
  return MikroORM.init(ormOptions(clientUrl, logger, onQuery, snapshot, timeoutMs));
}

type MigrationClass = MigrationObject['class'];

/**
 * A migration that runs without the statement timeout: rewriting or indexing a large table may take
 * longer than any request should, and a migration cut off would stop the server from starting. The
 * migrations run in one transaction (`transactional`, `allOrNothing`), which `set local` lasts for; a
 * migration made non-transactional one day (`create index concurrently`) must `set statement_timeout = 0`
 * itself.
 */
function withoutStatementTimeout(migration: MigrationClass): MigrationClass {
  const Base = migration as unknown as new (...args: ConstructorParameters<typeof Migration>) => {
    up(): Promise<void>;
    down(): Promise<void>;
    addSql(sql: string): void;
  };
  return class extends Base {
    override async up(): Promise<void> {
      this.addSql('set local statement_timeout = 0');
      await super.up();
    }
    override async down(): Promise<void> {
      this.addSql('set local statement_timeout = 0');
      await super.down();
    }
  } as unknown as MigrationClass;
}

/** The advisory lock (a key of this project's own) that one migrating process holds at a time. */
const MIGRATION_LOCK = 20261203_26;

/**
 * Applies pending migrations; never `schema:update` at boot. One process at a time: instances started
 * together (and the CLI beside them) would otherwise each find the same migrations pending and run
 * them at once, all but one failing on what the first created. The others wait for the lock (on a
 * connection of its own, held until they are done), then find nothing pending.
 */
export async function migrate(orm: MikroORM, logger?: Logger): Promise<void> {
  const lock = new PgClient({ connectionString: orm.config.get('clientUrl'), connectionTimeoutMillis: 10_000 });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await orm.getMigrator().up();
    if (applied.length > 0) logger?.info({ migrations: applied.map((m) => m.name) }, 'database migrated');
  } finally {
    // Ending the connection releases the lock, also when the migration failed.
    await lock.end().catch(() => undefined);
  }
}
