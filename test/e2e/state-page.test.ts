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

  describe('sessions, behind a control token', () => {
    const token = 'page-control-token';
    let guarded: MockServer;
    const control = (method: string, path: string, body?: unknown) =>
      fetch(`${guarded.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    beforeAll(async () => {
      guarded = await startMockServer({ controlToken: token });
      // alpha, by the path prefix: 13 days on, so the certificate expiring soon is Expired.
      expect(
        (await control('POST', '/__session/alpha/__control/clock', { advance: 'P13D' })).status,
      ).toBe(200);
      // beta, made with a fixture in which that certificate has another name, and one request.
      const state = await (await control('GET', '/__control/state')).json();
      const certificates = state.program.certificates.map((c: { id: string }) =>
        c.id === ids.activeExpiringSoon ? { ...c, name: 'Only in beta' } : c,
      );
      const fixture = { ...state, program: { ...state.program, certificates } };
      expect((await control('POST', '/__control/sessions', { id: 'beta', fixture })).status).toBe(
        201,
      );
      const read = await fetch(`${guarded.url}/__session/beta/public/v1/program/certificates`, {
        headers: { authorization: 'Bearer client-token' },
      });
      expect(read.status).toBe(200);
    });
    afterAll(() => guarded?.close());

    it('lists the sessions and opens each, with the way back to the default', async () => {
      context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${guarded.url}/__control/ui/?token=${token}`);
      await page.locator('body[data-ready]').waitFor();
      const row = (id: string) => page.locator(`[data-testid=session][data-id="${id}"]`);
      await row('beta').waitFor();
      expect(
        await page
          .locator('[data-testid=session]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id'))),
      ).toEqual(['default', 'alpha', 'beta']);
      expect(await row('beta').getByTestId('session-requests').textContent()).toBe('1');
      expect(await page.getByTestId('viewing').isHidden()).toBe(true);
      const expiring = (status: string) => certificateIn(page, status, ids.activeExpiringSoon);
      await expiring('Active').waitFor();
      expect(await expiring('Active').textContent()).not.toContain('Only in beta');

      await row('alpha').getByTestId('open-session').click();
      await page.getByTestId('viewing-id').filter({ hasText: 'alpha' }).waitFor();
      expect(new URL(page.url()).search).toBe('?session=alpha');
      await expiring('Expired').waitFor();
      expect(await page.getByTestId('clock-now').textContent()).toContain('2026-12-04 09:00:00');
      expect(await page.locator('[data-testid=journal-entry]').count()).toBe(0);

      await page.getByTestId('back-to-default').click();
      await page.locator('body[data-ready]').waitFor();
      await expiring('Active').waitFor();
      expect(await page.getByTestId('clock-now').textContent()).toContain('2026-11-21 09:00:00');

      await row('beta').getByTestId('open-session').click();
      await page.getByTestId('viewing-id').filter({ hasText: 'beta' }).waitFor();
      await expiring('Active').filter({ hasText: 'Only in beta' }).waitFor();
      await page
        .locator('[data-testid=journal-entry]')
        .filter({ hasText: 'GET /v1/program/certificates' })
        .waitFor();
      // A change on the page acts on the session viewed, through the token's cookie.
      await page.getByTestId('advance').fill('P13D');
      await page.getByTestId('advance-button').click();
      await expiring('Expired').filter({ hasText: 'Only in beta' }).waitFor();
      const clocks = await Promise.all(
        ['default', 'beta'].map(
          async (id) =>
            (await (await control('GET', `/__session/${id}/__control/clock`)).json()).now,
        ),
      );
      expect(clocks).toEqual(['2026-11-21T09:00:00.000Z', '2026-12-04T09:00:00.000Z']);

      // Deleted while viewed: the page says so and does not make it again by asking.
      expect((await control('DELETE', '/__control/sessions/beta')).status).toBe(204);
      await page.reload();
      await page.getByTestId('message').filter({ hasText: 'There is no session "beta"' }).waitFor();
      expect(await page.locator('[data-testid=certificate]').count()).toBe(0);
      const listed = await (await control('GET', '/__control/sessions')).json();
      expect(listed.sessions.map((s: { id: string }) => s.id)).toEqual(['default', 'alpha']);
    });
  });
});
