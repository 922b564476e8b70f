/**
 * The example app (examples/web) in headless Chromium, through both doors: msw's service worker
 * answering the real base URLs in the page, and the express mock by base URL.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { serveExampleApp, type ServedApp } from '../../examples/web/serve.js';
import { seedCustomers } from '../../src/core/partner/seed.js';
import { ids } from '../program/scenarios.js';
import { launchChromium, noBrowser, startMockServer, type MockServer } from './support.js';

describe.skipIf(noBrowser)('example app in Chromium', () => {
  let browser: Browser;
  let app: ServedApp;
  let server: MockServer;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    [browser, app, server] = await Promise.all([
      launchChromium(),
      serveExampleApp(),
      startMockServer(),
    ]);
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
  });
  afterAll(async () => {
    await browser?.close();
    await Promise.all([app?.close(), server?.close()]);
  });

  it('serves the worker script of the installed msw (what `npx msw init` writes)', async () => {
    const installed = createRequire(import.meta.url).resolve('msw/mockServiceWorker.js');
    const served = await fetch(`${app.url}/mockServiceWorker.js`);
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(readFileSync(installed, 'utf8'));
  });

  /** A fresh profile per test: no service worker or state left over from the one before. */
  async function open(query: string): Promise<Page> {
    context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${app.url}/${query}`);
    await page.locator('body[data-ready]').waitFor();
    return page;
  }

  const message = (page: Page) => page.getByTestId('message');

  async function openCertificate(page: Page, status: string, id: string) {
    await page.getByTestId('filter-status').selectOption(status);
    await page.getByTestId('filter-apply').click();
    await page.locator(`[data-testid=certificate-row][data-id="${id}"] button`).click();
    await page.getByTestId('certificate-detail').getByText(id).waitFor();
    await page.getByTestId('certificate-status').filter({ hasText: status }).waitFor();
  }

  /** Opens an Expired certificate, re-enrolls it as the client and sees it Updating. */
  async function reenrollExpired(page: Page) {
    await openCertificate(page, 'Expired', ids.expired);
    const times = await page
      .locator('[data-testid=audit-event] time')
      .evaluateAll((nodes) => nodes.map((node) => node.getAttribute('datetime') ?? ''));
    expect(times.length).toBeGreaterThan(2);
    expect(times).toEqual([...times].sort());

    await page.getByTestId('reenroll').click();
    await message(page).filter({ hasText: 'Change, Processing' }).waitFor();
    await page.getByTestId('certificate-status').filter({ hasText: 'Updating' }).waitFor();
    await page.locator('[data-testid=audit-event][data-event=updating]').waitFor();
    // The list was searched for Expired: the certificate has left it.
    await page.locator(`[data-testid=certificate-row][data-id="${ids.expired}"]`).waitFor({
      state: 'detached',
    });
  }

  it('msw mode: re-enrolls an Expired certificate, answered by the service worker', async () => {
    const page = await open('?mode=msw');
    expect(await page.getByTestId('mode').textContent()).toContain('msw');
    const apiHosts = new Set<string>();
    page.on('request', (request) => apiHosts.add(new URL(request.url()).host));

    await reenrollExpired(page);
    // The app called the real host, and the worker answered: the mock server saw nothing.
    expect(apiHosts).toContain('api.platform.softwareone.com');
    expect(server.kit.control.journal()).toEqual([]);
    // The worker serves the control API too, on the page's own origin.
    const clock = await page.evaluate(async () => {
      const response = await fetch('/__control/clock', {
        method: 'POST',
        body: JSON.stringify({ advance: 'P1D' }),
      });
      return (await response.json()) as { ticking: boolean };
    });
    expect(clock.ticking).toBe(true);
  });

  it('msw mode with persist: the world survives a reload; a reset forgets it', async () => {
    const page = await open('?mode=msw&persist=1');
    await reenrollExpired(page);
    await page.reload();
    await page.locator('body[data-ready]').waitFor();
    // Re-enrolled before the reload: still Updating, found under that status.
    await openCertificate(page, 'Updating', ids.expired);

    const reset = await page.evaluate(async () => {
      const response = await fetch('/__control/reset', { method: 'POST' });
      return { status: response.status, saved: localStorage.length };
    });
    expect(reset).toEqual({ status: 200, saved: 0 });
    await page.reload();
    await page.locator('body[data-ready]').waitFor();
    await openCertificate(page, 'Expired', ids.expired);
  });

  it('msw mode without persist: a reload starts from the seed', async () => {
    const page = await open('?mode=msw');
    await reenrollExpired(page);
    await page.reload();
    await page.locator('body[data-ready]').waitFor();
    await openCertificate(page, 'Expired', ids.expired);
  });

  it('msw mode: shows the API’s own errors, terminates as the vendor, requests a qualification', async () => {
    const page = await open('');
    await openCertificate(page, 'Terminated', ids.terminated);
    await page.getByTestId('reenroll').click();
    await message(page).filter({ hasText: 'CertificateTerminated' }).waitFor();
    expect(await message(page).getAttribute('data-kind')).toBe('error');

    await page.getByTestId('program-token').selectOption('vendor-token');
    await openCertificate(page, 'Active', ids.active);
    await page.getByTestId('terminate').click();
    await page.getByTestId('certificate-status').filter({ hasText: 'Terminated' }).waitFor();
    await page.getByTestId('certificate-detail').getByText('no longer meets').waitFor();

    await page.getByTestId('customer').selectOption(seedCustomers.academicNone);
    await page.getByText('No qualifications.').waitFor();
    await page.getByTestId('partner-token').selectOption('reader-token');
    await page.getByTestId('customer').selectOption(seedCustomers.academicNone);
    await page.getByTestId('qualification-request').click();
    await message(page).filter({ hasText: '900150' }).waitFor();
    await page.getByTestId('partner-token').selectOption('partner-token');
    await page.getByTestId('customer').selectOption(seedCustomers.academicNone);
    await page.getByTestId('qualification-request').click();
    await page
      .locator('[data-testid=qualification][data-qualification=Education]')
      .filter({ hasText: 'InReview' })
      .waitFor();
  });

  it('server mode: the same re-enrollment against the express mock', async () => {
    const page = await open(`?mode=server&base=${encodeURIComponent(server.url)}`);
    expect(await page.getByTestId('mode').textContent()).toContain(server.url);

    await reenrollExpired(page);
    expect(server.kit.world.program.certificates.get(ids.expired)?.status).toBe('Updating');
    expect(server.kit.control.journal(20)).toContainEqual(
      expect.objectContaining({ method: 'POST', path: '/v1/program/enrollments', status: 201 }),
    );
  });
});
