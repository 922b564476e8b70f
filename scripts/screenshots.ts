/**
 * `npx tsx scripts/screenshots.ts`: screenshots of the example app and of the state page for
 * the README, in docs/screenshots/. Uses the same Chromium, build and server as test/e2e.
 */
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { serveExampleApp } from '../examples/web/serve.js';
import { seedCustomers } from '../src/core/partner/seed.js';
import { launchChromium, startMockServer } from '../test/e2e/support.js';

const out = fileURLToPath(new URL('../docs/screenshots/', import.meta.url));
await mkdir(out, { recursive: true });
const [browser, app, server] = await Promise.all([
  launchChromium(),
  serveExampleApp(),
  startMockServer(),
]);

try {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });

  /** Re-enrolls the Expired certificate and shows a customer with an Education review. */
  async function walkExampleApp(query: string) {
    await page.goto(`${app.url}/${query}`);
    await page.locator('body[data-ready]').waitFor();
    await page.getByTestId('filter-status').selectOption('Expired');
    await page.getByTestId('filter-apply').click();
    await page
      .locator('[data-testid=certificate-row][data-id="CER-6693-2247-5530"] button')
      .click();
    await page.getByTestId('reenroll').click();
    await page.getByTestId('certificate-status').filter({ hasText: 'Updating' }).waitFor();
    await page.getByTestId('filter-status').selectOption('');
    await page.getByTestId('filter-apply').click();
    await page.getByTestId('customer').selectOption(seedCustomers.educationInReview);
    await page.locator('[data-testid=qualification]').filter({ hasText: 'InReview' }).waitFor();
  }

  await walkExampleApp('?mode=msw');
  await page.screenshot({ path: `${out}example-app.png`, fullPage: true });
  // Once more against the server, so that its state page has a journal to show.
  await walkExampleApp(`?mode=server&base=${encodeURIComponent(server.url)}`);

  await page.goto(`${server.url}/__control/ui/`);
  await page.locator('body[data-ready]').waitFor();
  await page.getByTestId('advance').fill('P13D');
  await page.getByTestId('advance-button').click();
  await page.locator('[data-testid=status-Expired] [data-id="CER-1204-5530-7781"]').waitFor();
  // The seed's Education review was decided on the way; ask for a fresh one to show.
  await fetch(`${server.url}/v1/customers/${seedCustomers.academicNone}/qualifications`, {
    method: 'POST',
    headers: { authorization: 'Bearer partner-token', 'content-type': 'application/json' },
    body: JSON.stringify({ qualification: 'Education', educationSegment: 'K12' }),
  });
  await page.reload();
  await page.locator('[data-testid=review]').first().waitFor();
  await page.screenshot({ path: `${out}state-page.png`, fullPage: true });

  await page.goto(`${server.url}/__control/ui/reference.html`);
  await page.locator('.swagger-ui .opblock-summary').first().waitFor();
  await page.screenshot({ path: `${out}api-reference.png` });
  console.log(`Screenshots written to ${out}`);
} finally {
  await browser.close();
  await Promise.all([app.close(), server.close()]);
}
