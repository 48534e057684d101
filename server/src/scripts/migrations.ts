import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config.js';
import { createLogger } from '../common/logger.js';
import { openDatabase } from '../app.js';

/**
 * `create`: writes a migration for the difference between the entities and the migration snapshot,
 * and registers it in migrations/index.ts. `check`: fails when the entities need a migration that
 * does not exist yet, or when the committed snapshot does not describe the entities (CI gate).
 */
const mode = process.argv[2];
const config = loadConfig({ ...process.env, LOG_LEVEL: 'warn' });
const { orm, pool, embedded } = await openDatabase(config, createLogger(config), undefined, true);
const migrator = orm.getMigrator();
let code = 0;
try {
  if (mode === 'create') {
    await migrator.up();
    const result = await migrator.createMigration(undefined, false, false);
    if (!result.fileName) {
      process.stdout.write('No changes: no migration created.\n');
    } else {
      const name = result.fileName.replace(/\.ts$/, '');
      const indexFile = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'db', 'migrations', 'index.ts');
      let index = await readFile(indexFile, 'utf8');
      index = index.replace(/^(import type .*\n)/m, `$1import { ${name} } from './${name}.js';\n`);
      index = index.replace(/\[([^\]]*)\];/, (_m, list: string) => {
        const items = list.trim() ? `${list.trim().replace(/,$/, '')},\n  ` : '';
        return `[\n  ${items}{ name: '${name}', class: ${name} },\n];`;
      });
      await writeFile(indexFile, index);
      process.stdout.write(`Created ${result.fileName}\n`);
    }
  } else if (mode === 'check') {
    // First the entities against the committed snapshot (what `create` diffs against; migrating below
    // rewrites it from the database): a stale one would have the next `create` propose a bogus migration.
    const staleSnapshot = await migrator.checkMigrationNeeded();
    await migrator.up();
    const pending = await migrator.checkMigrationNeeded();
    if (staleSnapshot && !pending) {
      process.stderr.write('The committed migration snapshot does not match the entities: commit the one migrating wrote.\n');
      code = 1;
    }
    if (pending) {
      process.stderr.write('Entities differ from the migrations: run `pnpm migration:create` and commit it.\n');
      code = 1;
    } else if (code === 0) process.stdout.write('Migrations are up to date with the entities.\n');
  } else {
    process.stderr.write('usage: migrations.ts create|check\n');
    code = 2;
  }
} finally {
  await pool.end();
  await orm.close(true);
  await embedded?.stop();
}
process.exit(code);
