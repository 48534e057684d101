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
export default defineConfig({
  test: {
    globalSetup: ['./test/setup/postgres.ts'],
    projects: [
      {
        plugins: [swc.vite({ tsconfigFile: './server/tsconfig.json', module: { type: 'es6' } })],
        resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
        test: {
          name: 'server',
          root: './server',
          include: ['src/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          root: './test',
          include: ['specs/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
