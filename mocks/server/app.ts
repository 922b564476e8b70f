/**
 * The express door: translates HTTP to the kit and back, nothing more. Program API under
 * `/public`, the control API and the page for people under `/__control`, Partner Center at the
 * root (`/v1/customers/...`). Before the kit: the `Host` allow-list on every path, and on
 * `/__control` the same-origin rule and the control token (security.ts). Every answer, errors
 * included, is JSON in the shape of the API the path belongs to: never an HTML page or a stack.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import { problem } from '../../src/apis/control.js';
import { redactTokens } from '../../src/core/control.js';
import { sharedJsonStream } from '../../src/core/shared-json.js';
import type { Seed } from '../../src/core/world.js';
import { Refusal } from '../../src/core/problem.js';
import type { Kit } from '../../src/kit.js';
import {
  createSessions,
  DEFAULT_SESSION,
  SESSION_HEADER,
  sessionOf,
  type SessionRefusal,
  type Sessions,
} from '../../src/sessions.js';
import { MAX_BODY_BYTES, MAX_UPLOAD_BYTES, type PipelineCode } from '../../src/http/pipeline.js';
import { json, type KitRequest, type KitResponse } from '../../src/http/types.js';
import { isMultipart, readBody } from '../shared/body.js';
import { documents, type ApiName } from '../../src/schema/index.js';
import type { Door, SessionDoor } from './persistence.js';
import { CONTROL_COOKIE, createSecurity, type Security } from './security.js';

/**
 * `POST /__control/seed` takes fixtures up to this size (a 100,000-certificate state is 180 to
 * 275 MB as plain JSON); above it the answer is 413 in the control API's problem shape.
 */
export const MAX_SEED_BYTES = 512 * 1024 * 1024;

export interface AppOptions {
  /** Who may call (Host allow-list, control token); default: loopback, no token. */
  security?: Security;
  /** Answers requests instead of the kit (the persistent door); default: the kit itself. */
  door?: Door;
  /** The mock's own URL, for the `servers` of the documents it serves (never from `Host`). */
  publicUrl?: () => string | undefined;
  /** The sessions the requests name (`Mock-Session`, `/__session/<id>`); default: over `kit`. */
  sessions?: Sessions;
}

/**
 * The session a request names and its URL without the `/__session/<id>` prefix, decided by the
 * first layer (the prefix is taken off `req.url` there, so every later layer sees the path the
 * kit expects).
 */
const named = new WeakMap<Request, { url: string; id?: string; refused?: SessionRefusal }>();
const urlOf = (req: Request) => named.get(req)?.url ?? req.originalUrl;
const sessionNamed = (req: Request) => named.get(req)?.id ?? DEFAULT_SESSION;

/**
 * Reads and discards what is left of a refused body, up to `bound` bytes in all, so that the
 * client (still sending) receives the 413 instead of a reset connection; a client that sends
 * more than that is cut off once answered.
 */
async function discardRest(req: Request, read: number, bound: number): Promise<void> {
  if (req.complete) return;
  let total = read;
  await new Promise<void>((resolve) => {
    const done = () => {
      req.off('data', onData);
      req.off('end', done);
      req.off('error', done);
      req.off('close', done);
      resolve();
    };
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > bound) {
        req.pause();
        done();
      }
    };
    req.on('data', onData);
    req.once('end', done);
    req.once('error', done);
    req.once('close', done);
    req.resume();
  });
}

/**
 * How much of a refused body is read and thrown away before the 413: twice the limit, at most
 * 16 MB past it. A body declared larger is answered at once (its sender will see a reset).
 */
export const discardBound = (limit: number) => limit + Math.min(limit, 16 * 1024 * 1024);

/**
 * Reads the body's bytes, stopping at the size limit so a huge upload cannot hold memory; with
 * `sink`, each piece goes there as it comes and none is kept.
 */
async function readBytes(
  req: Request,
  atMost = MAX_BODY_BYTES,
  sink?: (chunk: Buffer) => void,
): Promise<{ bytes: Buffer | undefined; size: number; tooLarge: boolean }> {
  const limit = isMultipart(req.headers['content-type']) ? MAX_UPLOAD_BYTES : atMost;
  const declared = Number(req.headers['content-length'] ?? NaN);
  // The connection closes after the answer: what is left of a body past the bound is not read.
  const refuse = async (read: number) => {
    req.res?.setHeader('connection', 'close');
    if (!(declared > discardBound(limit))) await discardRest(req, read, discardBound(limit));
    return { bytes: undefined, size: read, tooLarge: true };
  };
  if (declared > limit) return refuse(0);
  const chunks: Buffer[] = [];
  let size = 0;
  // With a declared length the body is copied into one buffer as it comes: a fixture of
  // hundreds of megabytes is then held once, not as chunks and again as their concatenation.
  const into = declared > 0 && !sink ? Buffer.allocUnsafe(declared) : undefined;
  // Events, not `for await`: leaving that loop early destroys the stream, and with it the socket
  // the 413 must go out on.
  const over = await new Promise<boolean>((resolve, reject) => {
    const stop = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stop();
        return resolve(true);
      }
      if (sink) return sink(chunk);
      if (into && size <= into.length && chunks.length === 0)
        return void chunk.copy(into, size - chunk.length);
      chunks.push(chunk);
    };
    const onEnd = () => (stop(), resolve(false));
    const onError = (error: Error) => (stop(), reject(error));
    const onClose = () => (stop(), reject(new Error('the client went away mid-body')));
    req.on('data', onData);
    req.once('end', onEnd);
    req.once('error', onError);
    req.once('close', onClose);
  });
  if (over) return refuse(size);
  if (into) {
    const copied = into.subarray(0, Math.min(size, into.length));
    const bytes = chunks.length === 0 ? copied : Buffer.concat([copied, ...chunks]);
    return { bytes: bytes.length === 0 ? undefined : bytes, size, tooLarge: false };
  }
  return { bytes: chunks.length === 0 ? undefined : Buffer.concat(chunks), size, tooLarge: false };
}

/**
 * A fixture posted to `/__control/seed`, read as JSON while it comes (sharedJsonStream): its
 * bytes and its text are never held whole, only the value it makes. A body that is not JSON is
 * still read to its end (the client then gets the 400), but no longer parsed.
 */
async function toSeedRequest(req: Request): Promise<KitRequest> {
  const stream = sharedJsonStream();
  let error: Error | undefined;
  let blank = true;
  const { size, tooLarge } = await readBytes(req, MAX_SEED_BYTES, (chunk) => {
    if (error) return;
    if (blank) blank = chunk.every((c) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09);
    try {
      stream.write(chunk);
    } catch (thrown) {
      error = thrown as Error;
    }
  });
  const base = { method: req.method, ...split(req.url), headers: headersOf(req), body: undefined };
  if (tooLarge) return { ...base, bodyTooLarge: true };
  if (blank) return base;
  if (!error)
    try {
      return { ...base, bodyBytes: size, json: { value: stream.end() } };
    } catch (thrown) {
      error = thrown as Error;
    }
  return { ...base, bodyBytes: size, json: { error: error.message } };
}

function headersOf(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function split(url: string) {
  const question = url.indexOf('?');
  return {
    path: question === -1 ? url : url.slice(0, question),
    rawQuery: question === -1 ? '' : url.slice(question + 1),
  };
}

/**
 * A request that carries no body (RFC 9112: neither Content-Length above 0 nor
 * Transfer-Encoding, as almost every GET): translated at once, no body reader set up.
 */
function bodyless(req: Request): KitRequest | undefined {
  const length = req.headers['content-length'];
  if (req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0'))
    return undefined;
  return { method: req.method, ...split(req.url), headers: headersOf(req), body: undefined };
}

async function toKitRequest(req: Request, limit = MAX_BODY_BYTES): Promise<KitRequest> {
  const { bytes, tooLarge } = await readBytes(req, limit);
  const { body, parts, malformedParts } = await readBody(bytes, req.headers['content-type']);
  return {
    method: req.method,
    ...split(req.url),
    headers: headersOf(req),
    body,
    ...(bytes ? { bodyBytes: bytes.length } : {}),
    ...(parts ? { parts } : {}),
    ...(malformedParts ? { partsError: malformedParts } : {}),
    ...(tooLarge ? { bodyTooLarge: true } : {}),
  };
}

async function send(res: Response, answer: KitResponse) {
  // Injected latency (faults on demand) holds only this response, never the server.
  if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
  if (res.destroyed || res.headersSent) return;
  res.writeHead(answer.status, answer.headers);
  res.end(answer.bytes ?? answer.body);
}

/** Which error shape a path answers in. */
type Shape = ApiName | 'control';
const shapeOf = (url: string): Shape =>
  url.startsWith('/public')
    ? 'program-api'
    : url.startsWith('/__control')
      ? 'control'
      : 'partner-center';

/** The path's shape, and the request as its API sees it (for a refusal in that shape). */
function shaped(req: Request): { shape: Shape; request: KitRequest } {
  const url = urlOf(req);
  const shape = shapeOf(url);
  const { path, rawQuery } = split(shape === 'program-api' ? url.slice(7) : url);
  return {
    shape,
    request: { method: req.method, path, rawQuery, headers: headersOf(req), body: undefined },
  };
}

/** A refusal of the door itself, in the shape of the path's API. */
function refusal(
  kit: Kit,
  req: Request,
  code: PipelineCode,
  status: number,
  detail: string,
): KitResponse {
  const { shape, request } = shaped(req);
  if (shape === 'control') return problem(status, detail);
  return kit.refuse(shape, request, new Refusal(code, detail));
}

/** A redirect without a body (express's carries an HTML one for browsers). */
const redirect = (res: Response, location: string, cookie?: string) => {
  res.writeHead(302, { location, ...(cookie ? { 'set-cookie': cookie } : {}) });
  res.end();
};

/**
 * The folder of an optional peer package, or undefined when the app did not install it. Swagger
 * UI is one: its package runs a telemetry postinstall, so the kit never installs it for you.
 */
function optionalPackage(name: string): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

const noReference = `<!doctype html><html lang="en"><head><meta charset="UTF-8" />
<title>API reference: eligibility mock kit</title><link rel="stylesheet" href="style.css" /></head>
<body><header><h1>Eligibility mock kit</h1><nav><a href="./">World state</a></nav></header>
<main><p>The interactive reference needs Swagger UI: <code>npm install -D swagger-ui-dist</code>
(optional; its package sends install telemetry unless <code>SCARF_ANALYTICS=false</code>) and
restart the mock. The documents: <a href="../spec/program-api.json">Program API</a>,
<a href="../spec/partner-center.json">Partner Center</a>.</p></main></body></html>`;

/**
 * The page for people at `/__control/ui/`: world state, clock, journal (ui/*.js over the control
 * API) and the API reference (swagger-ui-dist from node_modules when installed, the documents as
 * JSON). With a control token, the start link `/__control/ui/?token=<token>` leaves it in a
 * cookie for the page's own calls (HttpOnly, SameSite=Strict, only under /__control).
 */
function mountUi(app: express.Express, kit: Kit, security: Security, options: AppOptions) {
  // Beside this module in the sources; from the package's shared chunk (dist/chunks/), where
  // the build copies it.
  const ui = ['./ui/', '../mocks/server/ui/']
    .map((folder) => fileURLToPath(new URL(folder, import.meta.url)))
    .find((folder) => existsSync(folder))!;
  const swaggerUi = optionalPackage('swagger-ui-dist');
  const specs = new Map<string, ApiName>([
    ['program-api.json', 'program-api'],
    ['partner-center.json', 'partner-center'],
  ]);
  app.get('/', (_req, res) => redirect(res, '/__control/ui/'));
  // Without the trailing slash the page's relative links would miss; express ignores it in routes.
  app.get('/__control/ui', (req, res, next) =>
    req.path.endsWith('/') ? next() : redirect(res, '/__control/ui/'),
  );
  app.get('/__control/ui/', (req, res, next) => {
    const token = typeof req.query.token === 'string' ? req.query.token : undefined;
    if (token === undefined) return next();
    if (!security.holdsToken({ authorization: `Bearer ${token}` }))
      return send(res, refusal(kit, req, 'Unauthorized', 401, 'This is not the control token.'));
    redirect(
      res,
      '/__control/ui/',
      `${CONTROL_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/__control`,
    );
  });
  if (swaggerUi)
    app.use(
      '/__control/ui/swagger-ui',
      express.static(swaggerUi, { index: false, redirect: false }),
    );
  else app.get('/__control/ui/reference.html', (_req, res) => res.type('html').send(noReference));
  app.use('/__control/ui', express.static(ui, { redirect: false }));
  // This mock comes first in `servers`, so the reference's "Try it out" calls it.
  app.get('/__control/spec/:file', (req, res, next) => {
    const api = specs.get(req.params.file);
    if (!api) return next();
    const spec = documents[api];
    const own = options.publicUrl?.();
    const real: unknown[] = Array.isArray(spec.servers) ? spec.servers : [];
    const mock = own
      ? [{ url: `${own}${api === 'program-api' ? '/public' : ''}`, description: 'This mock' }]
      : [];
    res.json({ ...spec, servers: [...mock, ...real] });
  });
}

const isStateRead = (req: Request) => req.method === 'GET' && /^\/state\/?$/.test(req.path);

export function createApp(kit: Kit, options: AppOptions = {}): express.Express {
  const security = options.security ?? createSecurity({ listenHost: '127.0.0.1' });
  const door: Door = options.door ?? kit;
  // A door that keeps sessions itself (the state file's) answers every session, logging them.
  const sessionDoor = 'sessions' in door ? (door as SessionDoor) : undefined;
  const sessions = options.sessions ?? sessionDoor?.sessions ?? createSessions(kit);
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  app.use((req, _res, next) => {
    const header = req.headers[SESSION_HEADER];
    const found = sessionOf(req.url, Array.isArray(header) ? header.join(', ') : header);
    named.set(req, 'refused' in found ? found : { url: found.url, id: found.id });
    req.url = found.url;
    next();
  });
  // Against DNS rebinding: a page whose own name resolves to this server sends its own Host.
  app.use((req, res, next) => {
    if (security.hostAllowed(req.headers.host)) return next();
    void send(
      res,
      refusal(
        kit,
        req,
        'Forbidden',
        403,
        `The Host ${JSON.stringify(req.headers.host ?? '')} is not one of this mock's names (start it with --allowed-host to add one).`,
      ),
    );
  });
  // A request that names a session badly: 400 in the shape of the API its path belongs to.
  app.use((req, res, next) => {
    const refused = named.get(req)?.refused;
    if (!refused) return next();
    void send(res, answerRefusal(req, refused));
  });
  const answerRefusal = (req: Request, refused: SessionRefusal) => {
    const { shape, request } = shaped(req);
    return sessions.refuse(shape, request, refused);
  };
  // A frontend on another origin (a dev server on :5173, say) must be able to call the APIs;
  // the control API only answers its own origin (no CORS headers at all).
  const apiCors = cors({
    exposedHeaders: [
      'MS-RequestId',
      'MS-CorrelationId',
      'MS-CV',
      'Retry-After',
      'Allow',
      'WWW-Authenticate',
    ],
    maxAge: 600,
  });
  app.use((req, res, next) =>
    req.path.startsWith('/__control') ? next() : apiCors(req, res, next),
  );
  // The APIs come first: their requests pass none of the layers of the control API and the page.
  const apiDoor = (api: ApiName) => async (req: Request, res: Response) => {
    const request = bodyless(req) ?? (await toKitRequest(req));
    if (sessionDoor) return send(res, await sessionDoor.handle(api, request, sessionNamed(req)));
    const used = sessions.use(sessionNamed(req));
    if ('refused' in used) return send(res, sessions.refuse(api, request, used.refused));
    // The default session goes through the door (the state file's, when there is one).
    const answering: Door = used.id === DEFAULT_SESSION ? door : used.kit;
    return send(res, await answering.handle(api, request));
  };
  const programApi = apiDoor('program-api');
  const partnerCenter = apiDoor('partner-center');
  // Mounted routers strip their prefix from req.url: what remains is the path the kit expects.
  app.use('/public', programApi);
  // Partner Center is every other path but the page's `/` and `/__control` (matched in any
  // letter case, as express matches mounts); what those do not answer comes back to it last.
  app.use((req, res, next) =>
    req.path === '/' || /^\/__control(\/|$)/i.test(req.path) ? next() : partnerCenter(req, res),
  );
  app.use('/__control', (req, res, next) => {
    // The page's own files carry nothing secret; what it shows comes from the calls below.
    if (req.method === 'GET' && /^\/(ui(\/|$)|spec\/)/.test(req.path)) return next();
    const refused = security.controlRefusal(req.headers);
    if (!refused || (refused.status === 401 && isStateRead(req))) return next();
    const answer = refusal(
      kit,
      req,
      refused.status === 401 ? 'Unauthorized' : 'Forbidden',
      refused.status,
      refused.detail,
    );
    if (refused.status === 401) answer.headers['www-authenticate'] = 'Bearer realm="__control"';
    void send(res, answer);
  });
  mountUi(app, kit, security, options);
  app.use('/__control', async (req, res) => {
    const seeding = req.method === 'POST' && /^\/seed\/?(\?|$)/.test(req.url);
    const request =
      seeding && !isMultipart(req.headers['content-type'])
        ? await toSeedRequest(req)
        : await toKitRequest(req, seeding ? MAX_SEED_BYTES : MAX_BODY_BYTES);
    if (request.bodyTooLarge)
      return send(
        res,
        problem(
          413,
          `The body is larger than ${seeding ? MAX_SEED_BYTES : MAX_BODY_BYTES} bytes, the most ${seeding ? 'a fixture' : 'a control request'} may be.`,
        ),
      );
    const tokenless =
      isStateRead(req) && security.controlToken !== undefined && !security.holdsToken(req.headers);
    if (sessionDoor) {
      const answer = await sessionDoor.handleControl(request, request.path, sessionNamed(req));
      // With a control token, the state without it is a read-only view: API tokens redacted.
      return send(
        res,
        tokenless && answer.status === 200
          ? json(200, redactTokens(JSON.parse(answer.body!) as Seed))
          : answer,
      );
    }
    // The registry's own calls act on no one session.
    const registry = sessions.handleControl(request, request.path);
    if (registry) return send(res, registry);
    const used = sessions.use(sessionNamed(req));
    if ('refused' in used) return send(res, sessions.refuse('control', request, used.refused));
    // With a control token, the state without it is a read-only view: API tokens redacted.
    if (tokenless) return send(res, json(200, redactTokens(used.kit.control.state())));
    const answering: Door = used.id === DEFAULT_SESSION ? door : used.kit;
    await send(res, await answering.handleControl(request, request.path));
  });
  // Everything else is the Partner Center host, as through msw: its own 404 (800404) with the
  // MS- headers for a path it does not have.
  app.use(partnerCenter);
  // Last: whatever failed (a bad percent-encoding in a file path, a client that went away, a
  // bug) answers JSON in the path's shape, never express's HTML page with a stack.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = Number((error as { status?: unknown }).status);
    const answer =
      status >= 400 && status < 500
        ? refusal(
            kit,
            req,
            'ValidationFailed',
            400,
            'The request cannot be read (its path or its body).',
          )
        : refusal(kit, req, 'InternalError', 500, 'An unexpected error occurred in the mock.');
    void send(res, answer);
  });
  return app;
}
