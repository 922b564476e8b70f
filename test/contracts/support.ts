/** Starting the targets the contract suite is proven against, and the CLI against them. */
import { spawn } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type express from 'express';
import { serve } from '../../mocks/server/serve.js';
import { createKit, type Kit } from '../../src/kit.js';

export const testNow = '2026-11-21T09:00:00.000Z';

export interface Running {
  url: string;
  kit: Kit;
  close(): Promise<void>;
}

export async function listen(app: express.Express, kit: Kit): Promise<Running> {
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    kit,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** The express mock, served as `npm start` serves it (frozen clock for repeatable runs). */
export async function startExpressMock(): Promise<Running> {
  const kit = createKit({ now: testNow });
  const serving = await serve(kit);
  return { url: serving.url, kit, close: serving.close };
}

/** Runs the contracts CLI from the sources (`node --import tsx cli/npm-contracts.ts ...`); its exit code. */
export function runContractsCli(args: readonly string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/npm-contracts.ts', ...args], {
      stdio: 'ignore',
    });
    child.on('exit', resolve);
  });
}
