import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSchema, printSortedSchema } from '../schema.js';

const target = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schema.graphql');
const printed = printSortedSchema(await createSchema());
const mode = process.argv[2];
if (mode === '--write') {
  await writeFile(target, printed);
  process.stdout.write(`wrote ${target}\n`);
} else if (mode === '--check') {
  const current = await readFile(target, 'utf8').catch(() => '');
  if (current !== printed) {
    process.stderr.write('schema.graphql is out of date: run `pnpm schema` and commit the result.\n');
    process.exit(1);
  }
  process.stdout.write('schema.graphql is up to date\n');
} else {
  process.stdout.write(printed);
}
