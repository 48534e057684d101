import { Migrator } from '@mikro-orm/migrations';
import { defineConfig, MikroORM, type Options } from '@mikro-orm/postgresql';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { entities } from './entities.js';
import { migrationsList } from './migrations/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * `snapshot`: keep `migrations/.snapshot.json` (what `migration:create` diffs against) in step with the
 * database after migrating. Only the migration script asks for it: the app and the tests migrate
 * databases of every age (a test migrates to a past version), and must not rewrite the committed file.
 */
export function ormOptions(clientUrl: string, logger?: Logger, onQuery?: (sql: string) => void, snapshot = false): Options {
  return defineConfig({
    clientUrl,
    entities,
    discovery: { disableDynamicFileAccess: true, requireEntitiesArray: true },
    extensions: [Migrator],
    migrations: {
      // Listed explicitly so compiled and source runs find the same classes.
      migrationsList,
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
    pool: { min: 0, max: 10 },
    forceUtcTimezone: true,
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
): Promise<MikroORM> {
  return MikroORM.init(ormOptions(clientUrl, logger, onQuery, snapshot));
}

/** Applies pending migrations; never `schema:update` at boot. */
export async function migrate(orm: MikroORM, logger?: Logger): Promise<void> {
  const applied = await orm.getMigrator().up();
  if (applied.length > 0) logger?.info({ migrations: applied.map((m) => m.name) }, 'database migrated');
}
