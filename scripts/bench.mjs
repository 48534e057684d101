// `pnpm bench`: builds the server, then runs every benchmark in bench/ one after another.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { buildServer, root, run } from './lib.mjs';

await buildServer();
const only = process.argv[2];
for (const file of readdirSync(path.join(root, 'bench'))
  .filter((f) => f.endsWith('.mjs'))
  .sort()) {
  if (only && !file.includes(only)) continue;
  console.log(`\n### ${file}`);
  await run(process.execPath, [path.join(root, 'bench', file)]);
}
