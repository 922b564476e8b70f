/**
 * The express app on a Node HTTP server with limits a shared mock needs: large headers reach
 * the kit (which answers 431 in the API's own shape past 16 KB), slow or stalled clients are
 * timed out without holding the server (a connection that sends nothing at all included), and
 * `close` stops gracefully: no new connections, requests in flight answered (bounded), idle
 * connections closed.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { hostname } from 'node:os';
import type { Kit } from '../../src/kit.js';
import { createApp, type AppOptions } from './app.js';

export interface ServeOptions extends Omit<AppOptions, 'publicUrl'> {
  port?: number;
  host?: string;
  /** Time to receive the request headers (default 10 s); also the most a silent socket is kept. */
  headersTimeoutMs?: number;
  /** Time to receive the whole request (default 30 s). */
  requestTimeoutMs?: number;
  /** Idle keep-alive connections are closed after this (default 5 s). */
  keepAliveTimeoutMs?: number;
  /** The mock's own URL for the documents it serves (default: the address it listens on). */
  publicUrl?: string;
}

export interface Serving {
  server: Server;
  url: string;
  /**
   * Stops accepting, lets the requests in flight finish for up to `graceMs` (default 5 s), then
   * closes every connection that is left.
   */
  close(graceMs?: number): Promise<void>;
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host);

export async function serve(kit: Kit, options: ServeOptions = {}): Promise<Serving> {
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
  const host = options.host ?? '127.0.0.1';
  let publicUrl = options.publicUrl;
  const server = createServer(
    {
      // Above the kit's own 16 KB limit, so oversized headers get the API's 431, not Node's.
      maxHeaderSize: 256 * 1024,
      headersTimeout,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 5_000,
      // How often Node enforces the two timeouts above (its default is 30 s).
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
    createApp(kit, { ...options, publicUrl: () => publicUrl }),
  );
  // Node's header timeout starts with the first byte: a socket that never sends one would be
  // kept for ever (and a thousand of them exhaust the descriptors). Dropped after the same time.
  const silent = new WeakMap<Socket, NodeJS.Timeout>();
  server.on('connection', (socket: Socket) => {
    const timer = setTimeout(() => socket.destroy(), headersTimeout);
    timer.unref();
    silent.set(socket, timer);
    socket.once('close', () => clearTimeout(timer));
  });
  server.on('request', (req) => {
    const timer = silent.get(req.socket);
    if (timer) {
      clearTimeout(timer);
      silent.delete(req.socket);
    }
  });
  // A request Node cannot parse gets a JSON answer too, never its plain-text page.
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || error.code === 'ECONNRESET') return socket.destroy();
    const status =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? 431
        : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? 408
          : 400;
    const body = JSON.stringify({
      type: 'about:blank',
      title:
        status === 431
          ? 'Request headers too large.'
          : status === 408
            ? 'Request timeout.'
            : 'Bad request.',
      status,
      detail: 'The request could not be read as HTTP.',
    });
    socket.end(
      `HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\n` +
        `content-type: application/problem+json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  // An `Expect` header Node does not know would get its bare 417: answer the request as usual.
  server.on('checkExpectation', (req, res) => server.emit('request', req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${urlHost(host)}:${port}`;
  publicUrl ??= host === '0.0.0.0' || host === '::' ? `http://${urlHost(hostname())}:${port}` : url;
  let closing: Promise<void> | undefined;
  return {
    server,
    url,
    close: (graceMs = 5_000) =>
      (closing ??= new Promise<void>((resolve) => {
        // Answers given from now on close their connection; idle ones go at once.
        const idle = setInterval(() => server.closeIdleConnections(), 50);
        const cut = setTimeout(() => server.closeAllConnections(), graceMs);
        server.close(() => {
          clearInterval(idle);
          clearTimeout(cut);
          resolve();
        });
        server.closeIdleConnections();
      })),
  };
}
