/** `npx vite examples/web` (dev server) or `npx vite build examples/web` (static build). */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  server: {
    port: 5173,
    // The app imports the kit from the repo (mocks/msw, src/), outside this folder.
    fs: { allow: [fileURLToPath(new URL('../..', import.meta.url))] },
  },
  // The kit (Ajv with both documents) is one large chunk in msw mode; that is expected.
  build: { chunkSizeWarningLimit: 2000 },
});
