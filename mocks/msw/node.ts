/** msw in Node: a request-intercepting server over a kit, for test suites (vitest, jest). */
import { setupServer } from 'msw/node';
import { createKit, kitOf, type Kit, type KitOptions } from '../../src/kit.js';
import { createSessions, type Sessions, type SessionsOptions } from '../../src/sessions.js';
import { createHandlers, type HandlerOptions } from './handlers.js';

export interface MockServerOptions extends KitOptions, Omit<HandlerOptions, 'sessions'> {
  kit?: Kit;
  /** Serve sessions named by the `Mock-Session` header (true, or their bounds). */
  sessions?: boolean | SessionsOptions | Sessions;
}

export function setupMockServer(options: MockServerOptions = {}) {
  const kit = options.kit ?? createKit(options);
  const given = options.sessions;
  const sessions: Sessions | undefined =
    given === undefined || given === false
      ? undefined
      : given === true
        ? createSessions(kit)
        : 'use' in given
          ? given
          : createSessions(kit, given);
  const server = setupServer(...createHandlers(kit, { ...options, sessions }));
  /**
   * Runs `test` in a world of its own, for concurrent tests (`it.concurrent`): inside msw's
   * `server.boundary()`, the handlers of a fresh kit (a constant-time fork of this kit's seed)
   * answer every request `test` makes, and no other test sees them.
   */
  const isolated = <T>(test: (kit: Kit) => T | Promise<T>): Promise<T> =>
    server.boundary(async () => {
      const own = kitOf(kit.world.fork(), {
        ...(options.maxObjects !== undefined ? { maxObjects: options.maxObjects } : {}),
      });
      server.use(...createHandlers(own, { ...options, sessions: undefined }));
      return test(own);
    })();
  return { kit, server, control: kit.control, sessions, isolated };
}
