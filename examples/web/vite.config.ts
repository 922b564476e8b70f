/** `npx vite examples/web` (dev server) or `npx vite build examples/web` (static build). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

/**
 * msw's service worker script, taken from the installed msw when the app is served or built
 * (what `npx msw init public/` would write), so the repo holds no copy of it (decision 0023).
 */
export function mswWorker(): Plugin {
  const file = 'mockServiceWorker.js';
  const script = () => readFileSync(createRequire(import.meta.url).resolve(`msw/${file}`), 'utf8');
  return {
    name: 'msw-worker',
    configureServer(server) {
      server.middlewares.use(`/${file}`, (_request, response) => {
        response.setHeader('content-type', 'text/javascript');
        response.end(script());
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: file, source: script() });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [mswWorker()],
  server: {
    port: 5173,
    // The app imports the kit from the repo (mocks/msw, src/), outside this folder.
    fs: { allow: [fileURLToPath(new URL('../..', import.meta.url))] },
  },
  // The kit (Ajv with both documents) is one large chunk in msw mode; that is expected.
  build: { chunkSizeWarningLimit: 2000 },
});
