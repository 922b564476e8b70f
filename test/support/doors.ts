/**
 * The two doors of the kit, behind one interface: express over real HTTP, and msw handlers
 * answering `fetch` to the real base URLs. A scenario runs unchanged through either; every
 * response is checked against the spec on the way.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupServer } from 'msw/node';
import { checkExchange } from '../../contracts/validate.js';
import { vendorFieldProblems } from '../program/vendor-fields.js';
import { freezeStored } from './frozen.js';
import { createApp } from '../../mocks/server/app.js';
import { createHandlers, realBaseUrls } from '../../mocks/msw/handlers.js';
import { createKit, type Kit, type KitOptions } from '../../src/kit.js';
import type { ApiName } from '../../src/schema/index.js';

export const testNow = '2026-11-21T09:00:00.000Z';

export interface Answer {
  status: number;
  headers: Headers;
  contentType: string | null;
  /** Parsed JSON when the response is JSON, else the text. */
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- scenarios read fields freely
  text: string;
  /** The body's bytes as received (a downloaded file). */
  bytes: Uint8Array;
}

export interface CallOptions {
  token?: string | null;
  body?: unknown;
  /** Raw body text (sent as is, e.g. malformed JSON). */
  raw?: string;
  /** A multipart body (fetch writes the boundary and the content type). */
  form?: FormData;
  headers?: Record<string, string>;
}

export interface Door {
  name: 'express' | 'msw';
  kit: Kit;
  /** Calls an API: `path` relative to its base URL, query string included. */
  call(api: ApiName, method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** Calls the control API (`path` after `/__control`). */
  control(method: string, path: string, body?: unknown): Promise<Answer>;
  /** Problems found by the spec check in the responses so far. */
  problems: string[];
  /** Every exchange so far: the same scenario must give the same transcript through both doors. */
  transcript: string[];
  close(): Promise<void>;
}

async function answer(response: Response): Promise<Answer> {
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  const contentType = response.headers.get('content-type');
  let body: unknown = text;
  if (contentType?.includes('json') && text !== '') body = JSON.parse(text);
  return { status: response.status, headers: response.headers, contentType, body, text, bytes };
}

function makeDoor(
  name: Door['name'],
  kit: Kit,
  bases: Record<ApiName, string>,
  controlBase: string,
  close: () => Promise<void>,
): Door {
  const problems: string[] = [];
  const transcript: string[] = [];
  freezeStored(kit.world);
  const record = (method: string, path: string, result: Answer) => {
    freezeStored(kit.world);
    const headers = ['content-type', 'ms-requestid', 'ms-correlationid', 'retry-after']
      .map((h) => `${h}=${result.headers.get(h) ?? ''}`)
      .join(' ');
    // Timings differ between runs; everything else must not.
    const text = result.text.replace(/"durationMs":[\d.]+/g, '"durationMs":_');
    transcript.push(`${method} ${path} -> ${result.status} ${headers} ${text}`);
    return result;
  };
  return {
    name,
    kit,
    problems,
    transcript,
    async call(api, method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? 'ops-token' : options.token;
      if (token !== null) headers.authorization ??= `Bearer ${token}`;
      let body: string | FormData | undefined = options.form ?? options.raw;
      if (options.body !== undefined) {
        body = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      const result = record(
        method,
        path,
        await answer(await fetch(`${bases[api]}${path}`, { method, headers, body })),
      );
      const [pathOnly] = path.split('?');
      problems.push(
        ...checkExchange({
          api,
          method,
          path: pathOnly!,
          status: result.status,
          contentType: result.contentType,
          body: result.body,
          headers: result.headers,
        }),
      );
      // The spec is the kit's; the real API's own field table is checked beside it.
      if (api === 'program-api')
        problems.push(...vendorFieldProblems(method, path, result.status, result.body));
      return result;
    },
    async control(method, path, body) {
      return record(
        method,
        `/__control${path}`,
        await answer(
          await fetch(`${controlBase}${path}`, {
            method,
            headers: body === undefined ? {} : { 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          }),
        ),
      );
    },
    close,
  };
}

export async function expressDoor(options: KitOptions = {}): Promise<Door> {
  const kit = createKit({ now: testNow, ...options });
  const server: Server = await new Promise((resolve) => {
    const listening = createApp(kit).listen(0, '127.0.0.1', () => resolve(listening));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return makeDoor(
    'express',
    kit,
    { 'program-api': `${base}/public`, 'partner-center': base },
    `${base}/__control`,
    () => new Promise((resolve) => server.close(() => resolve())),
  );
}

const controlBase = 'http://kit.test/__control';
const mswServer = setupServer();
let mswListening = false;

export async function mswDoor(options: KitOptions = {}): Promise<Door> {
  const kit = createKit({ now: testNow, ...options });
  if (!mswListening) {
    // Requests msw does not answer (the express door's loopback calls) go through untouched.
    mswServer.listen({ onUnhandledRequest: 'bypass' });
    mswListening = true;
  }
  mswServer.resetHandlers(...createHandlers(kit, { controlBaseUrl: controlBase }));
  return makeDoor('msw', kit, realBaseUrls, controlBase, async () => {
    mswServer.resetHandlers();
  });
}

export const doors = { express: expressDoor, msw: mswDoor };

/** A Program API call straight into a kit, without a door (for tests of the kit itself). */
export const callKit = (kit: Kit, method: string, path: string, token: string, body?: unknown) =>
  kit.handle('program-api', {
    method,
    path,
    rawQuery: '',
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
