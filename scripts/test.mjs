// `pnpm test`: builds the server and the dashboard (the black-box tests run the built product, as an
// operator would), then runs every test tier in one Vitest run. Extra arguments go to Vitest.
import { bin, buildClient, buildServer, run } from './lib.mjs';

await buildServer({ force: true });
await buildClient();
try {
  await run(bin('.', 'vitest'), ['run', ...process.argv.slice(2)]);
} catch {
  process.exit(1);
}
