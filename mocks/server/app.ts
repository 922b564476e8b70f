/**
 * The express door: translates HTTP to the kit and back, nothing more. Program API under
 * `/public`, Partner Center under `/v1`, the control API under `/__control`.
 */
import cors from 'cors';
import express, { type Request, type Response } from 'express';
import type { Kit } from '../../src/kit.js';
import { MAX_BODY_BYTES } from '../../src/http/pipeline.js';
import type { KitRequest, KitResponse } from '../../src/http/types.js';

/** Reads the body as text, stopping at the size limit so a huge upload cannot hold memory. */
async function readBody(req: Request): Promise<{ body: string | undefined; tooLarge: boolean }> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > MAX_BODY_BYTES) {
    req.resume();
    return { body: undefined, tooLarge: true };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      req.resume();
      return { body: undefined, tooLarge: true };
    }
    chunks.push(chunk);
  }
  return {
    body: chunks.length === 0 ? undefined : Buffer.concat(chunks).toString('utf8'),
    tooLarge: false,
  };
}

async function toKitRequest(req: Request): Promise<KitRequest> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const { body, tooLarge } = await readBody(req);
  const question = req.url.indexOf('?');
  return {
    method: req.method,
    path: question === -1 ? req.url : req.url.slice(0, question),
    rawQuery: question === -1 ? '' : req.url.slice(question + 1),
    headers,
    body,
    ...(tooLarge ? { bodyTooLarge: true } : {}),
  };
}

function send(res: Response, answer: KitResponse) {
  res.writeHead(answer.status, answer.headers);
  res.end(answer.body);
}

export function createApp(kit: Kit): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // A frontend on another origin (a dev server on :5173, say) must be able to call the mock.
  app.use(
    cors({
      exposedHeaders: ['MS-RequestId', 'MS-CorrelationId', 'Retry-After'],
      maxAge: 600,
    }),
  );
  // Mounted routers strip their prefix from req.url: what remains is the path the kit expects.
  app.use('/public', async (req, res) =>
    send(res, kit.handle('program-api', await toKitRequest(req))),
  );
  app.use('/__control', async (req, res) => {
    const request = await toKitRequest(req);
    send(res, kit.handleControl(request, request.path));
  });
  app.use('/v1', async (req, res) => {
    const request = await toKitRequest(req);
    send(res, kit.handle('partner-center', { ...request, path: `/v1${request.path}` }));
  });
  app.use((req, res) => {
    res.status(404).json({
      title: 'Not found',
      detail: `Nothing here: the Program API is under /public/v1/program, Partner Center under /v1/customers, the control API under /__control.`,
    });
  });
  return app;
}
