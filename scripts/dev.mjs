// `pnpm dev`: API with reload (swc-node --watch, development mode) on :4000 and Vite with HMR on :5173,
// which proxies /graphql to the API. Open http://localhost:5173.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { bin, root } from './lib.mjs';

const children = [
  spawn(process.execPath, ['--watch', '--import', '@swc-node/register/esm-register', 'src/main.ts'], {
    cwd: path.join(root, 'server'),
    stdio: 'inherit',
    env: { NODE_ENV: 'development', PUBLIC_URL: 'http://localhost:5173', SERVE_CLIENT: 'false', ...process.env },
  }),
  spawn(bin('client', 'vite'), [], { cwd: path.join(root, 'client'), stdio: 'inherit' }),
];
const stop = (signal) => children.forEach((c) => c.kill(signal));
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
for (const c of children)
  c.on('exit', (code) => {
    stop('SIGTERM');
    process.exitCode = code ?? 1;
  });
