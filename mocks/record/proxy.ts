/**
 * `eligibility-mock record`: a recording proxy. Each request is forwarded to the target as it
 * came (method, path, query, headers, body; Node's fetch), its answer handed back as it came,
 * and the exchange appended to a HAR file (har.ts) once it is answered. The target is read as
 * `contracts --target` reads it: with every API, a kit-style root (the Program API under
 * `/public`, Partner Center at the root, the control API under `/__control`); with one, that
 * API's base URL. Control API traffic is forwarded but never recorded (decision 0051).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { operationOf } from '../../contracts/validate.js';
import type { ApiName } from '../../src/schema/index.js';
import { createHarWriter, type HarWriter } from './har.js';
import { harEntry, type Redaction } from './entry.js';

export type RecordApi = 'program' | 'partner-center' | 'all';

export interface RecorderOptions {
  target: string;
  out: string;
  api?: RecordApi;
  port?: number;
  host?: string;
  redaction?: Redaction;
  /** Most a request body may weigh (default 25 MB: uploads of 10 MB and their encoding). */
  bodyLimit?: string;
}

export interface Recorder {
  url: string;
  server: Server;
  /** Exchanges recorded so far, per operation (or `METHOD path` off the spec) and status. */
  summary(): Summary;
  /** Stops accepting, waits for the exchanges in flight (up to `graceMs`), closes the file. */
  close(graceMs?: number): Promise<Summary>;
}

export interface Summary {
  exchanges: number;
  /** `operationId` -> status -> count. */
  operations: Record<string, Record<string, number>>;
}

/** Which API a path of the proxy belongs to, and its path relative to that API's base URL. */
export function classify(api: RecordApi, path: string): { api: ApiName | 'control'; path: string } {
  if (api === 'program') return { api: 'program-api', path };
  if (api === 'partner-center') return { api: 'partner-center', path };
  if (path === '/__control' || path.startsWith('/__control/')) return { api: 'control', path };
  if (path === '/public' || path.startsWith('/public/'))
    return { api: 'program-api', path: path.slice('/public'.length) || '/' };
  return { api: 'partner-center', path };
}

/** Hop-by-hop headers (and those fetch writes itself): never forwarded either way. */
const hopByHop = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'host',
  'content-length',
  // fetch decompresses what it receives, so the answer is handed back decoded.
  'content-encoding',
]);

export async function startRecorder(options: RecorderOptions): Promise<Recorder> {
  const mode = options.api ?? 'all';
  const root = options.target.replace(/\/$/, '');
  const writer: HarWriter = createHarWriter(options.out);
  const operations: Summary['operations'] = {};
  const inFlight = new Set<Promise<void>>();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(express.raw({ type: () => true, limit: options.bodyLimit ?? '25mb' }));
  app.use((req, res) => {
    const work = forward(req, res).finally(() => inFlight.delete(work));
    inFlight.add(work);
  });

  async function forward(req: express.Request, res: express.Response) {
    const url = `${root}${req.originalUrl}`;
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i]!;
      if (!hopByHop.has(name.toLowerCase())) headers.push([name, req.rawHeaders[i + 1]!]);
    }
    const body = Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined;
    const startedAt = new Date();
    const started = performance.now();
    let answer: Response;
    let bytes: Buffer;
    try {
      answer = await fetch(url, {
        method: req.method,
        headers,
        ...(body ? { body: new Uint8Array(body) } : {}),
        redirect: 'manual',
        signal: AbortSignal.timeout(120_000),
      });
      bytes = Buffer.from(await answer.arrayBuffer());
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      res.status(502).json({
        status: 502,
        title: 'Bad Gateway',
        detail: `The recorder could not reach ${root} (${cause}); nothing was recorded.`,
      });
      return;
    }
    const responseHeaders: [string, string][] = [];
    answer.headers.forEach((value, name) => {
      if (name !== 'set-cookie' && !hopByHop.has(name)) responseHeaders.push([name, value]);
    });
    for (const cookie of answer.headers.getSetCookie())
      responseHeaders.push(['set-cookie', cookie]);
    const where = classify(mode, req.path);
    // Written before the answer is handed back: every answer the app received is in the file.
    if (where.api !== 'control') record({ api: where.api, path: where.path });
    // Node's own writeHead: express's setters would add a charset the service did not send.
    res.writeHead(answer.status, answer.statusText, responseHeaders.flat());
    res.end(bytes);

    function record(where: { api: ApiName; path: string }) {
      writer.append(
        harEntry(
          {
            startedAt,
            durationMs: Math.round(performance.now() - started),
            method: req.method,
            url,
            requestHeaders: headers,
            requestBody: body,
            status: answer.status,
            statusText: answer.statusText,
            responseHeaders,
            responseBody: bytes,
            ...where,
          },
          options.redaction,
        ),
      );
      const label =
        operationOf(where.api, req.method, where.path)?.operationId ??
        `${req.method} ${where.path}`;
      const statuses = (operations[label] ??= {});
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
    }
  }

  const server = createServer({ maxHeaderSize: 256 * 1024 }, app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.address.includes(':') ? `[${address.address}]` : address.address;
  const summary = (): Summary => ({ exchanges: writer.count, operations });
  let closing: Promise<Summary> | undefined;
  return {
    url: `http://${host}:${address.port}`,
    server,
    summary,
    close(graceMs = 5_000) {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await Promise.race([
          Promise.allSettled([...inFlight]),
          new Promise((resolve) => setTimeout(resolve, graceMs).unref()),
        ]);
        server.closeAllConnections();
        await stopped;
        writer.close();
        return summary();
      })();
      return closing;
    },
  };
}

/** The summary printed at stop: exchanges per operation and their statuses. */
export function summaryText(summary: Summary, out: string): string {
  const rows = Object.entries(summary.operations).sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(0, ...rows.map(([name]) => name.length));
  const lines = rows.map(([name, statuses]) => {
    const total = Object.values(statuses).reduce((sum, n) => sum + n, 0);
    const detail = Object.entries(statuses)
      .map(([status, n]) => `${status} x${n}`)
      .join(', ');
    return `  ${name.padEnd(width)}  ${String(total).padStart(4)}  (${detail})`;
  });
  return [
    `Recorded ${summary.exchanges} exchange${summary.exchanges === 1 ? '' : 's'} in ${out}`,
    ...lines,
  ].join('\n');
}
