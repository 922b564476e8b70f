/** The page for people that the express mock serves at /__control/ui/, in headless Chromium. */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedCustomers } from '../../src/core/partner/seed.js';
import { ids } from '../program/scenarios.js';
import { launchChromium, noBrowser, startMockServer, type MockServer } from './support.js';

describe.skipIf(noBrowser)('state page in Chromium', () => {
  let browser: Browser;
  let server: MockServer;
  let context: BrowserContext | undefined;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), startMockServer()]);
  });
  afterEach(async () => {
    await context?.close();
    context = undefined;
    server.kit.control.reset();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Every host the page asks something of, from the first request on. */
  const hosts = new Set<string>();

  async function open(path: string): Promise<Page> {
    context = await browser.newContext();
    const page = await context.newPage();
    hosts.clear();
    page.on('request', (request) => hosts.add(new URL(request.url()).host));
    await page.goto(`${server.url}${path}`);
    return page;
  }

  const certificateIn = (page: Page, status: string, id: string) =>
    page.locator(`[data-testid=status-${status}] [data-testid=certificate][data-id="${id}"]`);

  it('advances the clock past an expiration date and shows the certificate Expired', async () => {
    const page = await open('/');
    expect(new URL(page.url()).pathname).toBe('/__control/ui/');
    await page.locator('body[data-ready]').waitFor();
    await certificateIn(page, 'Active', ids.activeExpiringSoon).waitFor();
    expect(await page.getByTestId('clock-now').textContent()).toContain('2026-11-21 09:00:00');

    await page.getByTestId('advance').fill('P13D');
    await page.getByTestId('advance-button').click();
    await certificateIn(page, 'Expired', ids.activeExpiringSoon).waitFor();
    expect(await certificateIn(page, 'Active', ids.activeExpiringSoon).count()).toBe(0);
    expect(await page.getByTestId('clock-now').textContent()).toContain('2026-12-04 09:00:00');

    await page.getByTestId('advance').fill('13 days');
    await page.getByTestId('advance-button').click();
    await page.getByTestId('message').filter({ hasText: 'ISO 8601 duration' }).waitFor();
  });

  it('shows the request journal and decides an Education review', async () => {
    await fetch(`${server.url}/public/v1/program/certificates?limit=1`, {
      headers: { authorization: 'Bearer client-token' },
    });
    const page = await open('/__control/ui');
    await page
      .locator('[data-testid=journal-entry]')
      .filter({ hasText: 'GET /v1/program/certificates' })
      .waitFor();

    const review = page.locator(
      `[data-testid=review][data-id="${seedCustomers.educationInReview}"]`,
    );
    await review.getByText('Approve').click();
    await page.getByTestId('message').filter({ hasText: 'Approved' }).waitFor();
    await review.waitFor({ state: 'detached' });
  });

  it('renders the API reference of both documents from the mock itself, no CDN', async () => {
    const page = await open('/__control/ui/reference.html');
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Program API' }).waitFor();
    await page.locator('.opblock-summary').getByText('/v1/program/certificates').first().waitFor();

    await page.goto(`${server.url}/__control/ui/reference.html?api=Microsoft%20Partner%20Center`);
    await page.locator('.swagger-ui .info .title').filter({ hasText: 'Partner Center' }).waitFor();
    expect([...hosts]).toEqual([new URL(server.url).host]);
  });
});
