/**
 * The React example (examples/react), built by Vite in server mode (its `VITE_*` variables set
 * to the express mock) and loaded in headless Chromium: the production bundle holds no msw, and
 * the page lists the mock's certificates and shows its refusals as the API words them.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext } from 'playwright-core';
import { createServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveBuild, type ServedApp } from '../../examples/web/serve.js';
import { ids } from '../program/scenarios.js';
import { launchChromium, noBrowser, startMockServer, type MockServer } from './support.js';

const root = fileURLToPath(new URL('../../examples/react/', import.meta.url));

describe.skipIf(noBrowser)('React example, built, in Chromium', () => {
  let browser: Browser;
  let app: ServedApp & { outDir: string };
  let server: MockServer;
  let context: BrowserContext;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startMockServer()]);
    const env = {
      VITE_PROGRAM_API_URL: `${server.url}/public`,
      VITE_PARTNER_CENTER_URL: server.url,
      VITE_CONTROL_URL: `${server.url}/__control`,
      VITE_PROGRAM_TOKEN: 'vendor-token',
    };
    app = await serveBuild(
      root,
      Object.fromEntries(
        Object.entries(env).map(([name, value]) => [
          `import.meta.env.${name}`,
          JSON.stringify(value),
        ]),
      ),
    );
    context = await browser.newContext();
  });
  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await Promise.all([app?.close(), server?.close()]);
  });

  it('ships no msw: a build with no VITE_* variables holds neither worker script nor kit', async () => {
    // No server URL given: only the DEV guard keeps the kit out (the build calls the real APIs).
    const production = await serveBuild(root);
    try {
      const files = await readdir(production.outDir, { recursive: true });
      expect(files).not.toContain('mockServiceWorker.js');
      const scripts = files.filter((file) => file.endsWith('.js'));
      expect(scripts.length).toBeGreaterThan(0);
      for (const script of scripts) {
        const text = await readFile(join(production.outDir, script), 'utf8');
        expect(text).not.toMatch(/mockServiceWorker|api\.partnercenter\.microsoft\.com\/\*/);
        expect(text).toContain('https://api.platform.softwareone.com/public');
      }
    } finally {
      await production.close();
    }
  });

  it('lists the mock’s certificates and shows its terminate refusal as worded', async () => {
    const page = await context.newPage();
    await page.goto(app.url);
    await page.locator('body[data-ready]').waitFor();
    expect(await page.getByTestId('mode').textContent()).toBe(`server ${server.url}/public`);
    await page.getByText('(8 certificates)').waitFor();
    await page.getByLabel('Terminated').check();
    const row = page.locator(`[data-testid=certificate][data-id="${ids.terminated}"]`);
    await page.getByText('(1 certificates)').waitFor();
    await row.getByRole('button', { name: 'Terminate' }).click();
    await page
      .getByRole('alert')
      .filter({
        hasText: `Certificate ${ids.terminated} is Terminated: only an Active certificate can be terminated.`,
      })
      .waitFor();
    expect(server.kit.control.journal(5)).toContainEqual(
      expect.objectContaining({
        method: 'POST',
        path: `/v1/program/certificates/${ids.terminated}/terminate`,
        status: 400,
      }),
    );
  });

  it('dev (`vite`, no VITE_* variables): msw answers the real base URLs in the tab', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'example-react-vite-'));
    const dev = await createServer({
      root,
      configFile: join(root, 'vite.config.ts'),
      cacheDir,
      logLevel: 'warn',
      server: { host: '127.0.0.1', port: 0, strictPort: true },
    });
    try {
      await dev.listen();
      const { port } = dev.httpServer!.address() as AddressInfo;
      const page = await context.newPage();
      const hosts = new Set<string>();
      page.on('request', (request) => hosts.add(new URL(request.url()).host));
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.locator('body[data-ready]').waitFor({ timeout: 20_000 });
      expect(await page.getByTestId('mode').textContent()).toContain('msw');
      await page.getByText('(7 certificates)').waitFor();
      await page.getByLabel('Expired').check();
      await page.getByText('(1 certificates)').waitFor();
      await page
        .locator(`[data-testid=certificate][data-id="${ids.expired}"]`)
        .getByRole('button', { name: 'Re-enroll' })
        .click();
      await page.getByRole('status').filter({ hasText: 'Change, Processing' }).waitFor();
      expect(hosts).toContain('api.platform.softwareone.com');
      // The worker answered: the express mock saw none of it.
      expect(server.kit.control.journal().map((entry) => entry.path)).not.toContain(
        '/v1/program/enrollments',
      );
      await page.close();
    } finally {
      await dev.close();
      await rm(cacheDir, { recursive: true, force: true });
    }
  });
});
