/** msw in Node: a request-intercepting server over a kit, for test suites (vitest, jest). */
import { setupServer } from 'msw/node';
import { createKit, type Kit, type KitOptions } from '../../src/kit.js';
import { createHandlers, type HandlerOptions } from './handlers.js';

export function setupMockServer(options: KitOptions & HandlerOptions & { kit?: Kit } = {}) {
  const kit = options.kit ?? createKit(options);
  const server = setupServer(...createHandlers(kit, options));
  return { kit, server, control: kit.control };
}
