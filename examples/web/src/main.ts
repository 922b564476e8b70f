/**
 * Picks who answers the API calls, then starts the page.
 *   ?mode=msw (default)                          msw's service worker, in this tab, over a kit
 *   ?mode=msw&persist=1                          the same, its world kept across reloads (localStorage)
 *   ?mode=server&base=http://127.0.0.1:4010      the express mock (`npm start`)
 * In msw mode the app calls the real base URLs: the same code would call production.
 */
import { createApi, type BaseUrls } from './api.js';
import { startApp } from './app.js';
import { byId } from './dom.js';
import './style.css';

async function baseUrls(params: URLSearchParams): Promise<{ urls: BaseUrls; label: string }> {
  if (params.get('mode') === 'server') {
    const base = (params.get('base') ?? 'http://127.0.0.1:4010').replace(/\/+$/, '');
    return { urls: { program: `${base}/public`, partnerCenter: base }, label: `server ${base}` };
  }
  // Loaded only in this mode, so server mode does not download the kit.
  const [{ setupMockWorker }, { realBaseUrls }] = await Promise.all([
    import('../../../mocks/msw/browser.js'),
    import('../../../mocks/msw/handlers.js'),
  ]);
  const urls = {
    program: realBaseUrls['program-api'],
    partnerCenter: realBaseUrls['partner-center'],
  };
  const { worker } = setupMockWorker({
    programBaseUrl: urls.program,
    partnerCenterBaseUrl: urls.partnerCenter,
    // The control API too, for the console: fetch('/__control/clock', {method: 'POST', ...}).
    controlBaseUrl: `${location.origin}/__control`,
    ticking: true,
    ...(params.get('persist') === '1' ? { persist: 'localStorage' as const } : {}),
  });
  await worker.start({
    serviceWorker: { url: `${import.meta.env.BASE_URL}mockServiceWorker.js` },
    // The handlers answer everything under both base URLs; the app's own files go through.
    onUnhandledRequest: 'bypass',
  });
  return { urls, label: 'msw (service worker in this tab)' };
}

async function main() {
  const { urls, label } = await baseUrls(new URLSearchParams(location.search));
  byId('mode').textContent = label;
  const tokens = () => ({
    program: byId<HTMLSelectElement>('program-token').value,
    partnerCenter: byId<HTMLSelectElement>('partner-token').value,
  });
  await startApp(createApi(urls, tokens));
  document.body.dataset.ready = 'true';
}

main().catch((error: unknown) => {
  byId('mode').textContent = `failed to start: ${String(error)}`;
  throw error;
});
