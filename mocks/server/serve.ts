/**
 * The express app on a Node HTTP server with limits a shared mock needs: large headers reach
 * the kit (which answers 431 in the API's own shape past 16 KB), and slow or stalled clients
 * are timed out without holding the server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kit } from '../../src/kit.js';
import { createApp } from './app.js';

export interface ServeOptions {
  port?: number;
  host?: string;
  /** Time to receive the request headers (default 10 s). */
  headersTimeoutMs?: number;
  /** Time to receive the whole request (default 30 s). */
  requestTimeoutMs?: number;
  /** Idle keep-alive connections are closed after this (default 5 s). */
  keepAliveTimeoutMs?: number;
}

export interface Serving {
  server: Server;
  url: string;
  close(): Promise<void>;
}

export async function serve(kit: Kit, options: ServeOptions = {}): Promise<Serving> {
  const headersTimeout = options.headersTimeoutMs ?? 10_000;
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
    createApp(kit),
  );
  // An `Expect` header Node does not know would get its bare 417: answer the request as usual.
  server.on('checkExpectation', (req, res) => server.emit('request', req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
