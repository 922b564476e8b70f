/**
 * Builds the example app with Vite's JS API and serves the build on 127.0.0.1, on a port the
 * system picks. Used by the end-to-end tests and by scripts/screenshots.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { build } from 'vite';

export interface ServedApp {
  /** e.g. `http://127.0.0.1:40123`; add `/?mode=msw` or `/?mode=server&base=...`. */
  url: string;
  close(): Promise<void>;
}

export function serveExampleApp(): Promise<ServedApp> {
  return serveBuild(fileURLToPath(new URL('.', import.meta.url)));
}

/**
 * Builds the Vite app in `root` (its own vite.config.ts, with `define` replacing expressions
 * such as `import.meta.env.VITE_X`) into a temporary folder, and serves it.
 */
export async function serveBuild(
  root: string,
  define: Record<string, string> = {},
): Promise<ServedApp & { outDir: string }> {
  const outDir = await mkdtemp(join(tmpdir(), 'example-app-'));
  // A production build (`import.meta.env.DEV` false) even under vitest, which sets NODE_ENV=test.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({
      root,
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'warn',
      define,
      build: { outDir, emptyOutDir: true },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  const served = await serveFolder(outDir);
  return {
    outDir,
    url: served.url,
    async close() {
      await served.close();
      await rm(outDir, { recursive: true, force: true });
    },
  };
}

/** Serves a built app's folder (e.g. a `dist/`) statically on 127.0.0.1, on a port the system picks. */
export async function serveFolder(folder: string): Promise<ServedApp> {
  const server: Server = await new Promise((resolve) => {
    const listening = express()
      .use(express.static(folder))
      .listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
