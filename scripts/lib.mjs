// Shared helpers for the root scripts. Plain Node (no pnpm needed on PATH): they call the tools in
// node_modules/.bin directly, so `npx -y pnpm@12.21.0 start` works on a machine without pnpm.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const bin = (pkgDir, name) => path.join(root, pkgDir, 'node_modules', '.bin', name);

export function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
    child.on('exit', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} ${args.join(' ')} exited with ${code ?? signal}`)),
    );
    child.on('error', reject);
  });
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** True when `output` is missing or older than anything in `sources`. */
export function isStale(output, sources) {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return sources.some((s) => existsSync(s) && (statSync(s).isDirectory() ? newestMtime(s) : statSync(s).mtimeMs) > built);
}

export async function buildServer({ force = false } = {}) {
  const out = path.join(root, 'server', 'dist', 'main.js');
  const server = path.join(root, 'server');
  const sources = ['src', 'package.json', 'tsconfig.json', 'tsconfig.build.json', path.join('scripts', 'bundle.mjs')];
  // The bundle holds the dependencies' code too: an install that changed them (the lockfile) rebuilds it.
  const shared = ['pnpm-lock.yaml', 'tsconfig.base.json'].map((s) => path.join(root, s));
  if (force || isStale(out, [...sources.map((s) => path.join(server, s)), ...shared])) {
    // tsc compiles into build/, then scripts/bundle.mjs joins that into dist/main.js and dist/cli.js.
    console.log('› building the API server (tsc, then one file each for the server and the CLI)…');
    await run(bin('server', 'tsc'), ['-p', 'tsconfig.build.json'], { cwd: server });
    await run(process.execPath, [path.join('scripts', 'bundle.mjs')], { cwd: server });
  }
}

export async function buildClient({ force = false } = {}) {
  const out = path.join(root, 'client', 'dist', 'index.html');
  const client = path.join(root, 'client');
  if (
    force ||
    isStale(out, [
      path.join(client, 'src'),
      path.join(client, 'index.html'),
      path.join(client, 'vite.config.ts'),
      path.join(client, 'package.json'),
    ])
  ) {
    console.log('› building the dashboard (vite)…');
    await run(bin('client', 'vite'), ['build', '--logLevel', 'warn'], { cwd: client });
  }
}
