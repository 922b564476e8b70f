/**
 * What the end-to-end tests share: headless Chromium (Debian's package driven by playwright-core,
 * no browser download) and the express mock on a port the system picks. Without
 * /usr/bin/chromium the browser tests skip on a developer machine and fail in CI (where `CI` is
 * set and .ci/run installs the package).
 */
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { createApp } from '../../mocks/server/app.js';
import { createSecurity } from '../../mocks/server/security.js';
import { createKit, type Kit } from '../../src/kit.js';
import { testNow } from '../support/doors.js';

const executablePath = '/usr/bin/chromium';

export const noBrowser = !existsSync(executablePath) && !process.env.CI;
if (noBrowser)
  console.warn(
    `Skipping the browser tests: ${executablePath} is missing. Install it with ` +
      '`apt-get install -y chromium` (CI does, and there the tests never skip).',
  );

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface MockServer {
  kit: Kit;
  /** e.g. `http://127.0.0.1:40123` */
  url: string;
  close(): Promise<void>;
}

/**
 * `createApp(createKit())` in process, with the clock standing at the tests' instant; with
 * `controlToken`, the control API requires it.
 */
export async function startMockServer(
  options: { controlToken?: string } = {},
): Promise<MockServer> {
  const kit = createKit({ now: testNow });
  const security = createSecurity({ listenHost: '127.0.0.1', ...options });
  const server: Server = await new Promise((resolve) => {
    const listening = createApp(kit, { security }).listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    kit,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
