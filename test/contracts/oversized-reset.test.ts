/**
 * Issue 24: a server that answers an oversized upload and closes while the body is still being
 * sent leaves the client with a reset connection, not an answer. The runner names that finding
 * ("connection reset after an oversized upload") instead of "the check could not finish".
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runContracts } from '../../contracts/runner.js';
import type { Check } from '../../contracts/types.js';
import { kitFixture } from '../../contracts/target.js';

let server: Server;
let url: string;
beforeAll(async () => {
  // What a client of the kit saw before on a busy machine: the server answered 413 from the
  // declared length and closed; the close came as a reset, before the answer was read.
  server = createServer((req) => {
    req.socket.resetAndDestroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const upload = (bytes: number): Check => ({
  name: `test.upload-${bytes}`,
  api: 'program-api',
  kind: 'schema',
  description: 'an upload',
  needs: [],
  async run(ctx) {
    await ctx.call('program-api', 'POST', '/v1/program/programs', {
      body: JSON.stringify({ padding: 'x'.repeat(bytes) }),
    });
    return [];
  },
});

describe('the contract runner (issue 24)', () => {
  it('names a connection reset after an oversized upload as its own finding', async () => {
    const report = await runContracts({
      target: {
        programUrl: `${url}/public`,
        tokens: {},
        stateless: false,
        writes: true,
        fixture: kitFixture,
      },
      apis: ['program-api'],
      checks: [upload(16 * 1024 * 1024)],
    });
    const [result] = report.results;
    expect(result?.outcome).toBe('failed');
    expect(result?.problems).toHaveLength(1);
    expect(result?.problems[0]).toMatch(
      /^POST \/v1\/program\/programs: connection reset after an oversized upload \(16777230 bytes\)/,
    );
    expect(result?.problems[0]).not.toMatch(/could not finish/);
  });
});
