/** msw in Node: a request-intercepting server over a kit, for test suites (vitest, jest). */
import { mkdirSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { dirname } from 'node:path';
import { setupServer } from 'msw/node';
import { createKit, kitOf, type Kit, type KitOptions } from '../../src/kit.js';
import { createSessions, type Sessions, type SessionsOptions } from '../../src/sessions.js';
import { harEntry, type Redaction } from '../record/entry.js';
import { createHarWriter } from '../record/har.js';
import { createHandlers, type HandledExchange, type HandlerOptions } from './handlers.js';

export interface RecordOptions {
  /** The HAR 1.2 file to write (replaced; its folder is made). */
  out: string;
  /** Headers, JSON members and values never to write, besides the credentials and tokens. */
  redaction?: Redaction;
}

export interface MockServerOptions extends KitOptions, Omit<HandlerOptions, 'sessions'> {
  kit?: Kit;
  /** Serve sessions named by the `Mock-Session` header (true, or their bounds). */
  sessions?: boolean | SessionsOptions | Sessions;
  /**
   * Records every exchange of the app with the two APIs into a HAR file, as
   * `eligibility-mock record` does (same format, same redaction): a path, or its options.
   * `contracts --replay` sends it to the real service's test tenant; `drift` reads it.
   */
  record?: string | RecordOptions;
}

export interface Recording {
  /** The HAR file being written: whole after every exchange. */
  file: string;
  /** Exchanges written so far. */
  readonly count: number;
  /** Flushes and closes the file; exchanges after it are not recorded. */
  close(): void;
}

/** The entry writer of a recording, fed by the handlers (decision 0060). */
function recorder(options: string | RecordOptions) {
  const { out, redaction } = typeof options === 'string' ? { out: options } : options;
  mkdirSync(dirname(out), { recursive: true });
  const writer = createHarWriter(out);
  let open = true;
  const observe = (exchange: HandledExchange) => {
    if (!open) return;
    const { answer, request } = exchange;
    writer.append(
      harEntry(
        {
          startedAt: exchange.startedAt,
          durationMs: exchange.durationMs,
          method: request.method,
          url: request.url,
          requestHeaders: [...request.headers],
          requestBody: exchange.body ? Buffer.from(exchange.body) : undefined,
          status: answer.status,
          statusText: STATUS_CODES[answer.status] ?? '',
          responseHeaders: Object.entries(answer.headers),
          responseBody: answer.bytes ? Buffer.from(answer.bytes) : Buffer.from(answer.body ?? ''),
          api: exchange.api,
          path: exchange.path,
        },
        redaction,
      ),
    );
  };
  const recording: Recording = {
    file: out,
    get count() {
      return writer.count;
    },
    close() {
      open = false;
      writer.close();
    },
  };
  return { observe, recording };
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
  const recorded = options.record ? recorder(options.record) : undefined;
  const server = setupServer(...createHandlers(kit, { ...options, sessions }, recorded?.observe));
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
      server.use(...createHandlers(own, { ...options, sessions: undefined }, recorded?.observe));
      return test(own);
    })();
  return { kit, server, control: kit.control, sessions, isolated, recording: recorded?.recording };
}

export type { Redaction } from '../record/entry.js';
