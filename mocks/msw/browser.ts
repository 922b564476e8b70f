/** msw in the browser: a service worker over a kit, for frontend development. */
import { setupWorker } from 'msw/browser';
import { createKit, type Kit, type KitOptions } from '../../src/kit.js';
import { createHandlers, type HandlerOptions } from './handlers.js';
import { persistKit, type PersistOptions } from './persist.js';

export interface WorkerOptions extends KitOptions, HandlerOptions {
  kit?: Kit;
  /**
   * Keeps the world across reloads: `'localStorage'`, or the options of `persistKit` (another
   * storage, another key). `control.reset()` (or `POST /__control/reset`) forgets it.
   */
  persist?: 'localStorage' | PersistOptions;
}

export function setupMockWorker(options: WorkerOptions = {}) {
  const kit = options.kit ?? createKit(options);
  if (!options.persist) {
    const worker = setupWorker(...createHandlers(kit, options));
    return { kit, worker, control: kit.control, restored: false };
  }
  const persistence = persistKit(kit, options.persist === 'localStorage' ? {} : options.persist);
  const writes = (method: string) => method !== 'GET' && method !== 'HEAD';
  // Saved before the answer leaves the handler: a reload right after a write finds it.
  const watched: Kit = {
    ...kit,
    handle(api, request) {
      const response = kit.handle(api, request);
      if (writes(request.method)) persistence.save();
      return response;
    },
    handleControl(request, path) {
      const response = kit.handleControl(request, path);
      if (request.method === 'POST' && /\/reset\/?$/.test(path)) persistence.clear();
      else if (writes(request.method)) persistence.save();
      return response;
    },
  };
  const worker = setupWorker(...createHandlers(watched, options));
  // A ticking clock may expire certificates while the page only reads: keep the last word.
  globalThis.addEventListener?.('pagehide', () => persistence.save());
  return { kit, worker, control: persistence.control, restored: persistence.restored };
}

export { persistKit, defaultPersistKey, type KitStorage, type PersistOptions } from './persist.js';
