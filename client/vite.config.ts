import react from '@vitejs/plugin-react';
import process from 'node:process';
import { defineConfig } from 'vite';

/** Where the dev server sends `/graphql` (HTTP and WebSocket): the API server started by `pnpm dev`. */
const apiUrl = process.env['API_URL'] ?? 'http://127.0.0.1:4000';

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/graphql': { target: apiUrl, ws: true },
    },
  },
  preview: {
    proxy: {
      '/graphql': { target: apiUrl, ws: true },
    },
  },
  build: {
    target: 'es2022',
    // The server serves dist/ with `/assets` immutable for a year: file names carry content hashes.
    assetsDir: 'assets',
  },
});
