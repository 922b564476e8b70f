/**
 * The express door: translates HTTP to the kit and back, nothing more. Program API under
 * `/public`, the control API and the page for people under `/__control`, Partner Center at the
 * root (`/v1/customers/...`).
 */
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import cors from 'cors';
import express, { type Request, type Response } from 'express';
import type { Kit } from '../../src/kit.js';
import { MAX_BODY_BYTES, MAX_UPLOAD_BYTES } from '../../src/http/pipeline.js';
import { isMultipart, readBody } from '../shared/body.js';
import type { KitRequest, KitResponse } from '../../src/http/types.js';
import { documents, type ApiName } from '../../src/schema/index.js';

/** Reads the body's bytes, stopping at the size limit so a huge upload cannot hold memory. */
async function readBytes(req: Request): Promise<{ bytes: Buffer | undefined; tooLarge: boolean }> {
  const limit = isMultipart(req.headers['content-type']) ? MAX_UPLOAD_BYTES : MAX_BODY_BYTES;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limit) {
    req.resume();
    return { bytes: undefined, tooLarge: true };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      return { bytes: undefined, tooLarge: true };
    }
    chunks.push(chunk);
  }
  return { bytes: chunks.length === 0 ? undefined : Buffer.concat(chunks), tooLarge: false };
}

async function toKitRequest(req: Request): Promise<KitRequest> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const { bytes, tooLarge } = await readBytes(req);
  const { body, parts, malformedParts } = await readBody(bytes, req.headers['content-type']);
  const question = req.url.indexOf('?');
  return {
    method: req.method,
    path: question === -1 ? req.url : req.url.slice(0, question),
    rawQuery: question === -1 ? '' : req.url.slice(question + 1),
    headers,
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
  if (res.destroyed) return;
  res.writeHead(answer.status, answer.headers);
  res.end(answer.bytes ?? answer.body);
}

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
 * API) and the API reference (swagger-ui-dist from node_modules when installed, the documents as JSON).
 */
function mountUi(app: express.Express) {
  const ui = fileURLToPath(new URL('./ui/', import.meta.url));
  const swaggerUi = optionalPackage('swagger-ui-dist');
  const specs = new Map<string, ApiName>([
    ['program-api.json', 'program-api'],
    ['partner-center.json', 'partner-center'],
  ]);
  app.get('/', (_req, res) => res.redirect('/__control/ui/'));
  // Without the trailing slash the page's relative links would miss; express ignores it in routes.
  app.get('/__control/ui', (req, res, next) =>
    req.path.endsWith('/') ? next() : res.redirect('/__control/ui/'),
  );
  if (swaggerUi) app.use('/__control/ui/swagger-ui', express.static(swaggerUi, { index: false }));
  else app.get('/__control/ui/reference.html', (_req, res) => res.type('html').send(noReference));
  app.use('/__control/ui', express.static(ui));
  // This mock comes first in `servers`, so the reference's "Try it out" calls it.
  app.get('/__control/spec/:file', (req, res, next) => {
    const api = specs.get(req.params.file);
    if (!api) return next();
    const spec = documents[api];
    const mock = `${req.protocol}://${req.get('host')}${api === 'program-api' ? '/public' : ''}`;
    const real: unknown[] = Array.isArray(spec.servers) ? spec.servers : [];
    res.json({ ...spec, servers: [{ url: mock, description: 'This mock' }, ...real] });
  });
}

export function createApp(kit: Kit): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // A frontend on another origin (a dev server on :5173, say) must be able to call the mock.
  app.use(
    cors({
      exposedHeaders: [
        'MS-RequestId',
        'MS-CorrelationId',
        'MS-CV',
        'Retry-After',
        'Allow',
        'WWW-Authenticate',
      ],
      maxAge: 600,
    }),
  );
  mountUi(app);
  // Mounted routers strip their prefix from req.url: what remains is the path the kit expects.
  app.use('/public', async (req, res) =>
    send(res, kit.handle('program-api', await toKitRequest(req))),
  );
  app.use('/__control', async (req, res) => {
    const request = await toKitRequest(req);
    let answer: KitResponse;
    try {
      answer = kit.handleControl(request, request.path);
    } catch (error) {
      // The control API answers JSON even when it fails, never express's HTML page.
      answer = {
        status: 500,
        headers: { 'content-type': 'application/problem+json' },
        body: JSON.stringify({
          type: 'about:blank',
          title: 'Control API error.',
          status: 500,
          detail: String(error),
        }),
      };
    }
    await send(res, answer);
  });
  // Everything else is the Partner Center host, as through msw: its own 404 (800404) with the
  // MS- headers for a path it does not have.
  app.use(async (req, res) => send(res, kit.handle('partner-center', await toKitRequest(req))));
  return app;
}
