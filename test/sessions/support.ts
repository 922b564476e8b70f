/**
 * A mock with sessions behind the express door (over HTTP) or the msw door (`fetch` to test
 * URLs), and calls that name a session by the header or by the path prefix.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setupServer } from 'msw/node';
import { createHandlers } from '../../mocks/msw/handlers.js';
import { createApp } from '../../mocks/server/app.js';
import type { Security } from '../../mocks/server/security.js';
import type { KitOptions } from '../../src/kit.js';
import { createSessions, type Sessions, type SessionsOptions } from '../../src/sessions.js';
import type { ApiName } from '../../src/schema/index.js';
import { testNow } from '../support/doors.js';

export type Selector = 'header' | 'prefix';

export interface Answer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read fields freely
  body: any;
}

export interface SessionDoor {
  name: 'express' | 'msw';
  sessions: Sessions;
  /** The origin (express) or the test host (msw), with no session named. */
  origin: string;
  /** Calls an API (path relative to its base URL) or the control API (`control`). */
  call(
    where: ApiName | 'control',
    method: string,
    path: string,
    options?: {
      session?: string;
      selector?: Selector;
      token?: string;
      body?: unknown;
      headers?: Record<string, string>;
    },
  ): Promise<Answer>;
  close(): Promise<void>;
}

const msw = setupServer();
let mswListening = false;
const mswHost = 'http://sessions.test';

export async function sessionDoor(
  name: 'express' | 'msw',
  kitOptions: KitOptions = {},
  options: SessionsOptions & { security?: Security } = {},
): Promise<SessionDoor> {
  const sessions = createSessions({ now: testNow, ...kitOptions }, options);
  let origin = mswHost;
  let close = async () => {
    msw.resetHandlers();
  };
  if (name === 'express') {
    const server: Server = await new Promise((resolve) => {
      const app = createApp(sessions.default, {
        sessions,
        ...(options.security ? { security: options.security } : {}),
      });
      const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
    });
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  } else {
    if (!mswListening) {
      // The express door's loopback calls go through untouched.
      msw.listen({ onUnhandledRequest: 'bypass' });
      mswListening = true;
    }
    msw.resetHandlers(
      ...createHandlers(sessions.default, {
        sessions,
        programBaseUrl: `${mswHost}/public`,
        partnerCenterBaseUrl: mswHost,
        controlBaseUrl: `${mswHost}/__control`,
      }),
    );
  }
  const bases = { 'program-api': '/public', 'partner-center': '', control: '/__control' };
  return {
    name,
    sessions,
    origin,
    async call(where, method, path, call = {}) {
      const headers: Record<string, string> = { ...call.headers };
      const token = call.token ?? (where === 'partner-center' ? 'partner-token' : 'ops-token');
      if (where !== 'control') headers.authorization = `Bearer ${token}`;
      if (call.body !== undefined) headers['content-type'] = 'application/json';
      let prefix = '';
      if (call.session !== undefined) {
        if ((call.selector ?? 'header') === 'header') headers['mock-session'] = call.session;
        else prefix = `/__session/${call.session}`;
      }
      const response = await fetch(`${origin}${prefix}${bases[where]}${path}`, {
        method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
      });
      const text = await response.text();
      return {
        status: response.status,
        headers: response.headers,
        body:
          text !== '' && response.headers.get('content-type')?.includes('json')
            ? JSON.parse(text)
            : text,
      };
    },
    close,
  };
}

/** The doors and the selectors each takes: msw names a session by the header only. */
export const doorSelectors: [SessionDoor['name'], Selector][] = [
  ['express', 'header'],
  ['express', 'prefix'],
  ['msw', 'header'],
];

export const ids = {
  aiProgram: 'PRG-9643-3741',
  licensee: 'LCE-5758-4071-6507',
  mpnid: 'PPM-9643-3741-0001',
  oscorp: 'ACC-1086-6867',
  /** Wingtip Toys: a Partner Center customer with no qualification. */
  wingtip: 'c2e5a8f1-3b7d-4e92-a6c4-81f0d5b9e327',
};

/** A certificate migrated Active at once (operations), in the Program API's terms. */
export const newCertificate = {
  program: { id: ids.aiProgram },
  licensee: { id: ids.licensee },
  parameters: { ordering: [{ id: ids.mpnid, value: 'MPN-1234567' }] },
  client: { id: ids.oscorp },
};
