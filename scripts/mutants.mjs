// `node scripts/mutants.mjs [--list] [id,id…]`: the mutation check of the two-factor rules and the
// transport defaults. Each mutant in
// test/mutants/list.mjs breaks one rule on purpose; so does each re-authentication call site in
// server/src, removed one at a time. For every mutant the committed tree is changed in a throw-away
// clone, the server rebuilt and the named tests run: a test must fail ("killed"). A mutant whose tests
// all pass ("survived") is a rule no test proves. Each named test is first run on the unmutated server
// (the baseline), so that a test that fails anyway kills nothing. Takes about two and a half hours on
// two cores; not part of `pnpm test`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './lib.mjs';

// `--list`: print the mutants and their tests, run nothing.
const listOnly = process.argv.includes('--list');
const ids = process.argv.slice(2).find((a) => !a.startsWith('--'));
const only = ids ? new Set(ids.split(',')) : null;
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mutants-'));
const dir = path.join(tmp, 'p');
const sh = (cmd, args, opts = {}) => spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', ...opts });
const must = (r, what) => {
  if (r.status !== 0) throw new Error(`${what} failed:\n${r.stdout}\n${r.stderr}`);
};

must(spawnSync('git', ['clone', '-q', root, dir], { encoding: 'utf8' }), 'git clone');

/** One mutant per re-authentication call site: the call removed, the spec files naming its resolver tried. */
function reauthSites() {
  const specs = readdirSync(path.join(dir, 'test', 'specs'))
    .filter((f) => f.endsWith('.test.ts') && !f.includes('browser'))
    .map((f) => ({ file: `test/specs/${f}`, text: readFileSync(path.join(dir, 'test', 'specs', f), 'utf8') }))
    .filter((s) => s.text.includes('REAUTH_REQUIRED'));
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
        const lines = readFileSync(p, 'utf8').split('\n');
        lines.forEach((line, i) => {
          const call = /\S*require(?:RecentReauth|RecentConfirmation)\(ctx\)/.exec(line)?.[0];
          if (!call) return;
          let name = null;
          // The method the call is in: the nearest declaration above (a line ending in its opening brace, or
          // in the parenthesis of a signature that goes on over several lines).
          for (let j = i - 1; j >= 0 && !name; j--) {
            name = /^\s+(?:async\s+)?(\w+)\((?:.*\)(?::[^;]*)?\{)?\s*$/.exec(lines[j])?.[1] ?? null;
          }
          const file = path.relative(dir, p);
          const count = (text) => text.split(new RegExp(`\\b${name}\\b`)).length - 1;
          const tests =
            reauthTests[name]?.map((f) => [`test/specs/${f}.test.ts`, '']) ??
            specs
              .filter((s) => count(s.text) > 0)
              .sort((a, b) => count(b.text) - count(a.text))
              .slice(0, 3)
              .map((s) => [s.file, '']);
          out.push({
            id: `reauth-${name}`,
            why: `${name} without its re-authentication (${file}:${i + 1})`,
            edits: [{ file, line: i + 1, from: call, to: 'void 0' }],
            tests,
          });
        });
      }
    }
  };
  walk(path.join(dir, 'server', 'src'));
  return out;
}

const { default: listed, reauthTests } = await import(pathToFileURL(path.join(dir, 'test', 'mutants', 'list.mjs')).href);
const mutants = [...listed, ...reauthSites()].filter((m) => !only || only.has(m.id));
if (listOnly) {
  for (const m of mutants)
    console.log(`${m.id}: ${m.why} — ${m.tests.map(([f, t]) => `${path.basename(f)}${t ? ` -t "${t}"` : ''}`).join(', ')}`);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(0);
}
must(sh('npx', ['-y', 'pnpm@12.21.0', 'install', '--frozen-lockfile']), 'install');
// The dashboard, once (no mutant changes it): the server serves it, and some named tests read it.
must(sh('npx', ['-y', 'pnpm@12.21.0', '--filter', 'client', 'build']), 'client build');

/** Runs one named test (a file, and a name filter or none) against the server as built now. */
function runTest(file, filter) {
  // The name is matched as written: vitest's -t is a pattern, in which a name's parentheses (say) would
  // match no test, and a mutant whose tests all skip would "survive".
  const pattern = filter?.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const r = sh('npx', ['vitest', 'run', file, ...(pattern ? ['-t', pattern] : []), '--bail=1'], {
    env: { ...process.env, CI: '' },
  });
  const text = (r.stdout + r.stderr).replace(new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g'), '');
  return { status: r.status, text, summary: /Tests\s+(.*)/.exec(text)?.[1]?.trim() ?? `exit ${r.status}` };
}

// The baseline: every named test run on its own against the unmutated server first. A test that fails
// there (one that leans on an earlier test of its file, say) would "kill" every mutant naming it without
// proving anything, so its mutants are reported as not run. `--no-baseline` skips it; `--baseline-only`
// runs only it.
const baselineFailures = new Map();
if (!process.argv.includes('--no-baseline')) {
  must(sh('npx', ['-y', 'pnpm@12.21.0', 'build:server']), 'build');
  const pairs = new Map();
  for (const m of mutants) for (const [file, filter] of m.tests) pairs.set(`${file}\0${filter}`, [file, filter]);
  for (const [key, [file, filter]] of pairs) {
    const r = runTest(file, filter);
    // A name that matches no test proves nothing either (every test of the file skipped).
    if (r.status !== 0 || !/\d+ passed/.test(r.summary)) {
      baselineFailures.set(key, r.summary);
      console.log(`BASELINE FAILS ${path.basename(file)}${filter ? ` -t "${filter}"` : ''}: ${r.summary}`);
    }
  }
  console.log(`baseline: ${pairs.size} tests run unmutated, ${baselineFailures.size} failed`);
  if (process.argv.includes('--baseline-only')) {
    rmSync(tmp, { recursive: true, force: true });
    process.exit(baselineFailures.size > 0 ? 1 : 0);
  }
}

const results = [];
for (const m of mutants) {
  must(sh('git', ['checkout', '-q', '--', '.']), 'git checkout');
  let problem = null;
  for (const e of m.edits) {
    // [file, text, replacement]: the text once in the file; or { file, line, from, to } on that line.
    const [file, from, to] = Array.isArray(e) ? e : [e.file, e.from, e.to];
    const p = path.join(dir, file);
    const lines = readFileSync(p, 'utf8').split('\n');
    const scope = Array.isArray(e) ? lines.join('\n') : lines[e.line - 1];
    const n = scope.split(from).length - 1;
    if (n !== 1) {
      problem = `found ${n} times in ${file}${Array.isArray(e) ? '' : `:${e.line}`}: ${from.slice(0, 80)}`;
      break;
    }
    if (Array.isArray(e))
      writeFileSync(
        p,
        scope.replace(from, () => to),
      );
    else {
      lines[e.line - 1] = scope.replace(from, () => to);
      writeFileSync(p, lines.join('\n'));
    }
  }
  if (!problem && m.tests.length === 0) problem = 'no test named';
  const failsUnmutated = m.tests.find(([file, filter]) => baselineFailures.has(`${file}\0${filter}`));
  if (!problem && failsUnmutated)
    problem = `its test fails on the unmutated server: ${path.basename(failsUnmutated[0])} -t "${failsUnmutated[1]}"`;
  if (!problem) {
    const b = sh('npx', ['-y', 'pnpm@12.21.0', 'build:server']);
    if (b.status !== 0) problem = `does not compile: ${(b.stdout + b.stderr).split('\n').find((l) => l.includes('error')) ?? ''}`;
  }
  let verdict = problem ? 'BROKEN' : 'SURVIVED';
  const ran = [];
  for (const [file, filter] of problem ? [] : m.tests) {
    const r = runTest(file, filter);
    const text = r.text;
    ran.push(`${path.basename(file)}${filter ? ` -t "${filter}"` : ''}: ${r.summary}`);
    if (r.status === 0 && !/\d+ passed/.test(r.summary)) {
      verdict = 'BROKEN';
      problem = `no test matches ${path.basename(file)} -t "${filter}"`;
      break;
    }
    if (r.status !== 0) {
      verdict = /\d+ failed/.test(text) ? 'KILLED' : 'BROKEN';
      if (verdict === 'BROKEN') problem = text.slice(-400);
      break;
    }
  }
  if (verdict === 'SURVIVED' && m.equivalent) verdict = 'EQUIVALENT';
  results.push({ id: m.id, verdict, why: m.why, detail: problem ?? m.equivalent ?? ran.join('; ') });
  console.log(`${verdict.padEnd(10)} ${m.id}: ${m.why} — ${results.at(-1).detail}`);
}
rmSync(tmp, { recursive: true, force: true });
const count = (v) => results.filter((r) => r.verdict === v).length;
console.log(
  `\n${results.length} mutants: ${count('KILLED')} killed, ${count('EQUIVALENT')} equivalent, ${count('SURVIVED')} survived, ${count('BROKEN')} could not be run`,
);
process.exit(count('SURVIVED') + count('BROKEN') > 0 ? 1 : 0);
