import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The mutation check (`node scripts/mutants.mjs`, not part of this run) breaks each rule listed in
 * test/mutants/list.mjs by replacing a text of the code. When the code moves on, a listed text may no
 * longer be there and that rule silently goes unchecked ("could not be run"): four had, found in
 * session 30. So every listed edit must still apply, exactly once, and name tests that exist.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
type Edit = [file: string, text: string, replacement: string];
type Mutant = { id: string; why: string; edits: Edit[]; tests: [file: string, filter: string][]; equivalent?: string };
const { default: mutants, reauthTests } = (await import(path.join(root, 'test', 'mutants', 'list.mjs'))) as {
  default: Mutant[];
  reauthTests: Record<string, string[]>;
};
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');
/** The titles given to `it(` and `describe(` in a spec file, as written on their line. */
const titles = (file: string) =>
  read(file)
    .split('\n')
    .filter((l) => /\b(?:it|describe)\(/.test(l))
    .join('\n');

describe('the mutation check’s list', () => {
  it('has unique ids, and each mutant says why and names at least one test', () => {
    const ids = mutants.map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const m of mutants) {
      expect(m.why, m.id).not.toBe('');
      expect(m.tests.length, m.id).toBeGreaterThan(0);
    }
  });

  it.each(mutants.map((m) => [m.id, m] as const))('%s: every edit finds its text exactly once', (_id, m) => {
    for (const [file, text, replacement] of m.edits) {
      expect(existsSync(path.join(root, file)), file).toBe(true);
      expect(read(file).split(text).length - 1, `${file}: ${text}`).toBe(1);
      expect(replacement, `${file}: the edit changes nothing`).not.toBe(text);
    }
  });

  it.each(mutants.map((m) => [m.id, m] as const))('%s: the tests it names exist', (_id, m) => {
    for (const [file, filter] of m.tests) {
      expect(existsSync(path.join(root, file)), file).toBe(true);
      if (filter) expect(titles(file), `${file} -t "${filter}"`).toContain(filter);
    }
  });

  it('the re-authentication call sites’ spec files exist', () => {
    for (const [name, files] of Object.entries(reauthTests))
      for (const f of files) expect(existsSync(path.join(root, 'test', 'specs', `${f}.test.ts`)), `${name}: ${f}`).toBe(true);
  });
});
