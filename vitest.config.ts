import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

/**
 * Two tiers in one run:
 *  - `server`: unit tests beside the code and integration tests on a real PostgreSQL (SWC keeps the
 *    decorator metadata type-graphql and MikroORM read);
 *  - `e2e`: black-box tests against started server processes over HTTP and a real Chromium.
 * One PostgreSQL for the whole run (DATABASE_URL's server, else an embedded one); every test file
 * creates its own database in it.
 */
/**
 * `expect.poll` waits for what the product does on its own time (a page that rewrites its address,
 * a list that fills in). Vitest's default of 1 s failed a run on a loaded CI machine; a poll that
 * succeeds returns as soon as it does, so a longer limit only lengthens a failing run.
 */
const POLL_TIMEOUT_MS = 15_000;

export default defineConfig({
  test: {
    globalSetup: ['./test/setup/postgres.ts'],
    // Three test files at a time, also on two cores (Vitest's default would be one): an e2e file spends
    // much of its time waiting for its server process, its database, Chromium or a clock (a step edge,
    // a cool-down). With two, the machine was idle a good part of the run; with three it is busy 97 %
    // of it and the run takes a fifth less (967 s against 1 212 s on a slow two-core host, 2026-12-04).
    // The generous time limits below are for such a loaded machine; a passing test ends when it is done.
    maxWorkers: 3,
    projects: [
      {
        plugins: [swc.vite({ tsconfigFile: './server/tsconfig.json', module: { type: 'es6' } })],
        resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
        test: {
          name: 'server',
          root: './server',
          include: ['src/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          expect: { poll: { timeout: POLL_TIMEOUT_MS } },
        },
      },
      {
        test: {
          name: 'e2e',
          root: './test',
          include: ['specs/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          expect: { poll: { timeout: POLL_TIMEOUT_MS } },
        },
      },
    ],
  },
});
