/**
 * What the hardening tests share: a raw HTTP client, the two APIs as data (base path, a token
 * per role, error shape) and the check of an error answer.
 *
 * The client is node:http rather than fetch: fetch normalizes `%2e%2e/` and `/../` away, refuses
 * methods such as TRACE and hides the connection, while these tests must put on the wire exactly
 * what a hostile client would, and tell a refused request from a dropped connection.
 */
import http from 'node:http';
import { partnerTokens } from '../../src/core/partner/seed.js';
import { seedTokens } from '../../src/core/program/seed.js';
import type { Store } from '../../mocks/server/persistence.js';
import type { Kit } from '../../src/kit.js';
import { validate, type ApiName } from '../../src/schema/index.js';

/** A request exactly as it goes on the wire (path with its query, unnormalized). */
export interface Wire {
  method: string;
  /** Path from the server root, query included, e.g. `/public/v1/program/certificates?limit=1`. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  /** Parsed JSON when the answer says JSON and parses, else undefined. */
  body: unknown;
  /** When the request was fully written, and when its answer had fully arrived (ms). */
  sentAt: number;
  answeredAt: number;
}

export interface ApiTable {
  /** Where the API lives on the express mock. */
  base: string;
  /** A seed token per role named in the spec's `x-roles`. */
  tokens: Readonly<Record<string, string>>;
  /** The error body every 4xx of this API carries. */
  error: { mediaType: string; pointer: string };
}

export const apis: Readonly<Record<ApiName, ApiTable>> = {
  'program-api': {
    base: '/public',
    tokens: seedTokens,
    error: { mediaType: 'application/problem+json', pointer: '#/components/schemas/Problem' },
  },
  'partner-center': {
    base: '',
    tokens: partnerTokens,
    error: { mediaType: 'application/json', pointer: '#/components/schemas/Error' },
  },
};

export const apiNames = Object.keys(apis) as ApiName[];

/**
 * The whole world as the control API gives it: equal strings, equal worlds. Left out: Partner
 * Center's bookkeeping, which every answer moves on (the position of generated header ids) or
 * which remembers answers for replay (`requests`), neither a change of the world's objects.
 */
export const snapshot = (kit: Kit) => {
  const {
    requests: _requests,
    headerIds: _headerIds,
    ...partnerCenter
  } = kit.control.state().partnerCenter ?? {};
  return JSON.stringify({ ...kit.control.state(), partnerCenter });
};

export const mediaTypeOf = (answer: Answer) =>
  String(answer.headers['content-type'] ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase();

/**
 * Problems with an error answer of an API: its media type, a body that validates against the
 * API's error schema, and (problem details) a `status` member equal to the HTTP status. A HEAD
 * answer has no body to check.
 */
export function errorShapeProblems(api: ApiName, method: string, answer: Answer): string[] {
  const { error } = apis[api];
  const problems: string[] = [];
  if (mediaTypeOf(answer) !== error.mediaType)
    problems.push(`content type ${mediaTypeOf(answer) || '(none)'} is not ${error.mediaType}`);
  if (method.toUpperCase() === 'HEAD') return problems;
  if (answer.body === undefined) {
    problems.push(`body is not JSON: ${JSON.stringify(answer.text.slice(0, 200))}`);
    return problems;
  }
  for (const found of validate(api, error.pointer, answer.body))
    problems.push(`body${found.instancePath} ${found.message ?? 'is invalid'}`);
  const status = (answer.body as { status?: unknown }).status;
  if (api === 'program-api' && status !== answer.status)
    problems.push(`problem status ${String(status)} is not the HTTP status ${answer.status}`);
  return problems;
}

export interface Client {
  send(wire: Wire): Promise<Answer>;
  close(): void;
}

/**
 * A client over its own connection pool. A request that gets no complete answer (reset, hang up,
 * no answer within `timeoutMs`) rejects: for these tests that is a dropped connection.
 */
export function createClient(url: string, options: { connections: number; timeoutMs?: number }) {
  const { hostname, port } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const timeoutMs = options.timeoutMs ?? 15_000;
  const client: Client = {
    send: (wire) =>
      new Promise<Answer>((resolve, reject) => {
        let sentAt = NaN;
        // Node frames a body of GET, HEAD, DELETE... only when told its length.
        const headers =
          wire.body === undefined
            ? wire.headers
            : { ...wire.headers, 'content-length': String(Buffer.byteLength(wire.body)) };
        const request = http.request(
          { host: hostname, port, method: wire.method, path: wire.path, headers, agent },
          (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('error', reject);
            response.on('end', () => {
              const text = Buffer.concat(chunks).toString('utf8');
              const answer: Answer = {
                status: response.statusCode ?? 0,
                headers: response.headers,
                text,
                body: undefined,
                sentAt,
                answeredAt: performance.now(),
              };
              if (/json/i.test(String(response.headers['content-type'] ?? '')) && text !== '') {
                try {
                  answer.body = JSON.parse(text);
                } catch {
                  // Left undefined: the shape check reports it.
                }
              }
              resolve(answer);
            });
          },
        );
        request.setTimeout(timeoutMs, () =>
          request.destroy(new Error(`no answer within ${timeoutMs} ms`)),
        );
        request.on('finish', () => (sentAt = performance.now()));
        request.on('error', reject);
        request.end(wire.body);
      }),
    close: () => agent.destroy(),
  };
  return client;
}

/** A JSON request with a bearer token (null: no Authorization header). */
export function jsonWire(
  method: string,
  path: string,
  token: string | null,
  body?: unknown,
  headers: Record<string, string> = {},
): Wire {
  return {
    method,
    path,
    headers: {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  };
}

/** One client enrollment through a store: the write both durability suites count. */
export const enrollment = (store: Store) =>
  store.handle('program-api', {
    method: 'POST',
    path: '/v1/program/enrollments',
    rawQuery: '',
    headers: { authorization: 'Bearer client-token', 'content-type': 'application/json' },
    body: JSON.stringify({
      program: { id: 'PRG-9643-3741' },
      licensee: { id: 'LCE-5758-4071-6507' },
      parameters: { ordering: [{ id: 'PPM-9643-3741-0001', value: 'MPN-1' }] },
    }),
  });
