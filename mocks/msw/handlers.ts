/**
 * The msw door: request handlers that answer the real base URLs (or any the caller passes) from
 * a kit. The same handlers run in Node (`setupServer`) and in the browser (`setupWorker`).
 */
import { delay, http, type HttpHandler } from 'msw';
import { MAX_BODY_BYTES, MAX_UPLOAD_BYTES } from '../../src/http/pipeline.js';
import { isMultipart, readBody } from '../shared/body.js';
import type { KitRequest, KitResponse } from '../../src/http/types.js';
import { isKit, type Kit } from '../../src/kit.js';
import { DEFAULT_SESSION, SESSION_HEADER, sessionOf, type Sessions } from '../../src/sessions.js';
import type { ApiName } from '../../src/schema/index.js';

export const realBaseUrls = {
  'program-api': 'https://api.platform.softwareone.com/public',
  'partner-center': 'https://api.partnercenter.microsoft.com',
} as const satisfies Record<ApiName, string>;

export interface HandlerOptions {
  /** Base URL of the Program API (default: the real one). */
  programBaseUrl?: string;
  /** Base URL of Partner Center (default: the real one). */
  partnerCenterBaseUrl?: string;
  /** Where to serve the control API, e.g. `http://localhost/__control` (default: not served). */
  controlBaseUrl?: string;
  /**
   * Sessions named by the `Mock-Session` header (each a world of its own, made on first use);
   * without them the header is ignored and every request goes to `kit`.
   */
  sessions?: Sessions;
}

/** The request in the kit's terms; at once (no body reader) when it has no body, as a GET. */
function toKitRequest(request: Request, base: URL): KitRequest | Promise<KitRequest> {
  const url = new URL(request.url);
  const basePath = base.pathname.replace(/\/$/, '');
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  const path = url.pathname.slice(basePath.length) || '/';
  const rawQuery = url.search.slice(1);
  if (!request.body) return { method: request.method, path, rawQuery, headers, body: undefined };
  return withBody(request, path, rawQuery, headers);
}

async function withBody(
  request: Request,
  path: string,
  rawQuery: string,
  headers: Record<string, string>,
): Promise<KitRequest> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  const limit = isMultipart(headers['content-type']) ? MAX_UPLOAD_BYTES : MAX_BODY_BYTES;
  const tooLarge = bytes.length > limit;
  const read = tooLarge ? {} : await readBody(bytes, headers['content-type']);
  return {
    method: request.method,
    path,
    rawQuery,
    headers,
    body: read.body === '' ? undefined : read.body,
    ...(tooLarge ? {} : { bodyBytes: bytes.length }),
    ...(read.parts ? { parts: read.parts } : {}),
    ...(read.malformedParts ? { partsError: read.malformedParts } : {}),
    ...(tooLarge ? { bodyTooLarge: true } : {}),
  };
}

/** The answer as a fetch Response; at once unless a fault asks for latency. */
function toResponse(answer: KitResponse): Response | Promise<Response> {
  if (answer.delayMs) return delay(answer.delayMs).then(() => response(answer));
  return response(answer);
}

function response(answer: KitResponse): Response {
  return new Response(
    (answer.bytes as Uint8Array<ArrayBuffer> | undefined) ?? answer.body ?? null,
    {
      status: answer.status,
      headers: answer.headers,
    },
  );
}

/** One exchange of an API with the kit, as the handler saw it (for a recording). */
export interface HandledExchange {
  api: ApiName;
  request: Request;
  /** The request body's bytes, when it had one. */
  body: ArrayBuffer | undefined;
  /** Under the API's base URL, without the query. */
  path: string;
  answer: KitResponse;
  startedAt: Date;
  durationMs: number;
}

/** The kit of the session the request names, or the answer refusing it (API or control shape). */
function sessionKit(
  kit: Kit,
  sessions: Sessions | undefined,
  shape: ApiName | 'control',
  request: KitRequest,
): Kit | KitResponse {
  const header = request.headers[SESSION_HEADER];
  if (!sessions || header === undefined) return kit;
  const named = sessionOf('', header);
  const used = 'refused' in named ? named : sessions.use(named.id);
  if ('refused' in used) return sessions.refuse(shape, request, used.refused);
  // The default session is `kit` itself (which may be a wrapper, a persisting one say).
  return used.id === DEFAULT_SESSION ? kit : used.kit;
}

/**
 * `observe`: called with each API exchange (never the control API's) once the kit has answered
 * and before the answer is handed to msw, so what it writes is done when the app sees the answer.
 */
export function createHandlers(
  kit: Kit,
  options: HandlerOptions = {},
  observe?: (exchange: HandledExchange) => void,
): HttpHandler[] {
  const { sessions } = options;
  const doors: [ApiName, string][] = [
    ['program-api', options.programBaseUrl ?? realBaseUrls['program-api']],
    ['partner-center', options.partnerCenterBaseUrl ?? realBaseUrls['partner-center']],
  ];
  const handlers = doors.map(([api, baseUrl]) => {
    const base = new URL(baseUrl);
    return http.all(`${baseUrl.replace(/\/$/, '')}/*`, ({ request }) => {
      const startedAt = new Date();
      const started = performance.now();
      // Copied before the kit's reader takes the body: the recording keeps it as it came.
      const copy = observe && request.body ? request.clone().arrayBuffer() : undefined;
      const answer = (kitRequest: KitRequest, body?: ArrayBuffer) => {
        const chosen = sessionKit(kit, sessions, api, kitRequest);
        const kitAnswer = isKit(chosen) ? chosen.handle(api, kitRequest) : chosen;
        observe?.({
          api,
          request,
          body,
          path: kitRequest.path,
          answer: kitAnswer,
          startedAt,
          durationMs: Math.round(performance.now() - started),
        });
        return toResponse(kitAnswer);
      };
      const read = toKitRequest(request, base);
      if (copy)
        return Promise.all([read, copy]).then(([kitRequest, body]) => answer(kitRequest, body));
      return read instanceof Promise ? read.then((kitRequest) => answer(kitRequest)) : answer(read);
    });
  });
  if (options.controlBaseUrl) {
    const base = new URL(options.controlBaseUrl);
    handlers.unshift(
      http.all(`${options.controlBaseUrl.replace(/\/$/, '')}/*`, async ({ request }) => {
        const kitRequest = await toKitRequest(request, base);
        const registry = sessions?.handleControl(kitRequest, kitRequest.path);
        if (registry) return toResponse(registry);
        const chosen = sessionKit(kit, sessions, 'control', kitRequest);
        return toResponse(
          isKit(chosen) ? chosen.handleControl(kitRequest, kitRequest.path) : chosen,
        );
      }),
    );
  }
  return handlers;
}
