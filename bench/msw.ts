/**
 * The msw door in process: the kit's handlers next to a bare msw handler answering the kit's
 * own bytes, the same `fetch` of GET certificate by id, alternating (A B A B), one request at a
 * time; and the cost of `control.reset()` next to msw's `resetHandlers()`. Prints JSON.
 *   node --import tsx bench/msw.ts [--requests 2000] [--rounds 4]
 */
import { parseArgs } from 'node:util';
import { http, type HttpHandler } from 'msw';
import { setupServer } from 'msw/node';
import { createHandlers, realBaseUrls } from '../mocks/msw/handlers.js';
import { seedTokens } from '../src/core/program/seed.js';
import { createKit } from '../src/kit.js';

export interface MswFigures {
  requests: number;
  rounds: number;
  /** Per-request milliseconds (p50, p99) through each. */
  door: { p50: number; p99: number };
  bare: { p50: number; p99: number };
  /** Milliseconds per call. */
  reset: { kit: number; mswResetHandlers: number };
}

const { values } = parseArgs({
  options: { requests: { type: 'string' }, rounds: { type: 'string' } },
});
const requests = Number(values.requests ?? 2000);
const rounds = Number(values.rounds ?? 4);

const path = '/v1/program/certificates/CER-9646-2171-8417';
const url = `${realBaseUrls['program-api']}${path}`;
const headers = { authorization: `Bearer ${seedTokens.operations}` };

const kit = createKit();
const answer = kit.handle('program-api', {
  method: 'GET',
  path,
  rawQuery: '',
  headers,
  body: undefined,
});
if (answer.status !== 200) throw new Error(`the kit answered ${answer.status}`);
const doorHandlers = createHandlers(kit);
const bareHandlers: HttpHandler[] = [
  http.get(url, () => new Response(answer.body, { status: 200, headers: answer.headers })),
];

const server = setupServer();
server.listen({ onUnhandledRequest: 'error' });

async function time(handlers: HttpHandler[], count: number, into?: number[]) {
  server.resetHandlers(...handlers);
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers });
    await response.text();
    into?.push(performance.now() - started);
    if (response.status !== 200) throw new Error(`answered ${response.status}`);
  }
}

const percentile = (list: number[], p: number) => {
  const sorted = [...list].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

/** Milliseconds per call of `f`, the median of `batches` batches of `size`. */
function perCall(f: () => void, batches = 20, size = 500): number {
  for (let i = 0; i < size; i++) f();
  const runs: number[] = [];
  for (let b = 0; b < batches; b++) {
    const started = performance.now();
    for (let i = 0; i < size; i++) f();
    runs.push((performance.now() - started) / size);
  }
  return percentile(runs, 50);
}

const door: number[] = [];
const bare: number[] = [];
await time(doorHandlers, Math.min(500, requests));
await time(bareHandlers, Math.min(500, requests));
for (let round = 0; round < rounds; round++) {
  await time(doorHandlers, requests, door);
  await time(bareHandlers, requests, bare);
}
const figures: MswFigures = {
  requests,
  rounds,
  door: { p50: percentile(door, 50), p99: percentile(door, 99) },
  bare: { p50: percentile(bare, 50), p99: percentile(bare, 99) },
  reset: {
    kit: perCall(() => kit.control.reset()),
    mswResetHandlers: perCall(() => server.resetHandlers(...doorHandlers)),
  },
};
server.close();
process.stdout.write(`${JSON.stringify(figures)}\n`);
