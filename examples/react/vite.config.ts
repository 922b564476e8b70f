/** `npx vite examples/react` (dev, msw) or `npx vite build examples/react` (server mode). */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { mswWorker } from '../web/vite.config.js';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // The worker script only in dev: a build never starts msw (main.tsx), so it ships none.
  plugins: [react(), { ...mswWorker(), apply: 'serve' }],
  server: {
    port: 5174,
    // The app imports the kit from the repo (src/client, mocks/msw), outside this folder.
    fs: { allow: [fileURLToPath(new URL('../..', import.meta.url))] },
  },
});
