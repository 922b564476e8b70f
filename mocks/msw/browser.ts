/** msw in the browser: a service worker over a kit, for frontend development. */
import { setupWorker } from 'msw/browser';
import { createKit, type Kit, type KitOptions } from '../../src/kit.js';
import { createHandlers, type HandlerOptions } from './handlers.js';

export function setupMockWorker(options: KitOptions & HandlerOptions & { kit?: Kit } = {}) {
  const kit = options.kit ?? createKit(options);
  const worker = setupWorker(...createHandlers(kit, options));
  return { kit, worker, control: kit.control };
}
