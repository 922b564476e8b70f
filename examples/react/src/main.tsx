/**
 * Starts the page. In `vite` dev (`import.meta.env.DEV`) with no `VITE_PROGRAM_API_URL`, msw's
 * service worker answers the real base URLs over the kit, loaded by a dynamic import so a
 * production build holds none of it. Otherwise (a build, or `--mode server`) the app calls the
 * base URLs of its `VITE_*` variables.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { configFromEnv } from './api.js';
import { App } from './App.js';

async function start() {
  const config = configFromEnv(import.meta.env, location.origin);
  let mode = `server ${config.programUrl}`;
  if (import.meta.env.DEV && !import.meta.env.VITE_PROGRAM_API_URL) {
    const { setupMockWorker } = await import('../../../mocks/msw/browser.js');
    const { worker } = setupMockWorker({
      programBaseUrl: config.programUrl,
      partnerCenterBaseUrl: config.partnerCenterUrl,
      ...(config.controlUrl ? { controlBaseUrl: config.controlUrl } : {}),
      ticking: true,
    });
    await worker.start({
      serviceWorker: { url: `${import.meta.env.BASE_URL}mockServiceWorker.js` },
      onUnhandledRequest: 'bypass',
    });
    mode = 'msw (service worker in this tab)';
  }
  // A refusal is the API's answer, not a hiccup: shown at once, not retried.
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <App config={config} mode={mode} />
      </QueryClientProvider>
    </StrictMode>,
  );
  document.body.dataset.ready = 'true';
}

void start();
