/**
 * Limits of the HTTP server: bodies over 1 MB answer 413 and headers over 16 KB answer 431, each
 * in the API's own error shape; a client that stalls is timed out without holding the server.
 */
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Serving } from '../../mocks/server/serve.js';
import { createKit } from '../../src/kit.js';
import { validate } from '../../src/schema/index.js';

let serving: Serving;
beforeAll(async () => {
  serving = await serve(createKit({ now: '2026-11-21T09:00:00.000Z' }), {
    headersTimeoutMs: 500,
    requestTimeoutMs: 1000,
  });
});
afterAll(() => serving.close());

const program = (path: string) => `${serving.url}/public/v1/program${path}`;
const partner = (path: string) => `${serving.url}/v1/customers${path}`;
const problemSchema = '#/components/schemas/Problem';
const errorSchema = '#/components/schemas/Error';

describe('size limits', () => {
  it('answers a body over 1 MB with 413 in each API’s shape', async () => {
    const huge = JSON.stringify({ qualification: 'x'.repeat(1024 * 1024) });
    const a = await fetch(program('/certificates/CER-9646-2171-8417/terminate'), {
      method: 'POST',
      headers: { authorization: 'Bearer vendor-token', 'content-type': 'application/json' },
      body: huge,
    });
    expect(a.status).toBe(413);
    expect(validate('program-api', problemSchema, await a.json())).toEqual([]);
    const b = await fetch(partner('/c2e5a8f1-3b7d-4e92-a6c4-81f0d5b9e327/qualifications'), {
      method: 'POST',
      headers: { authorization: 'Bearer partner-token', 'content-type': 'application/json' },
      body: huge,
    });
    expect(b.status).toBe(413);
    const body = await b.json();
    expect(body.code).toBe(800003);
    expect(validate('partner-center', errorSchema, body)).toEqual([]);
  });

  it('answers headers over 16 KB with 431 in each API’s shape', async () => {
    const big = { authorization: 'Bearer ops-token', 'x-padding': 'p'.repeat(40 * 1024) };
    const a = await fetch(program('/certificates'), { headers: big });
    expect(a.status).toBe(431);
    const problem = await a.json();
    expect(problem.code).toBe('RequestHeadersTooLarge');
    expect(validate('program-api', problemSchema, problem)).toEqual([]);
    const b = await fetch(partner(''), {
      headers: { ...big, authorization: 'Bearer partner-token' },
    });
    expect(b.status).toBe(431);
    const error = await b.json();
    expect(error.code).toBe(800431);
    expect(b.headers.get('ms-requestid')).toBeTruthy();
  });
});

/** Opens a raw connection and sends part of a request, then stalls. */
function stall(text: string): Promise<{ socket: Socket; closed: Promise<string> }> {
  return new Promise((resolve) => {
    const url = new URL(serving.url);
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(text);
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      const closed = new Promise<string>((done) => socket.on('close', () => done(received)));
      resolve({ socket, closed });
    });
  });
}

describe('slow clients', () => {
  it('times out a client that stalls in its headers, while others are served', async () => {
    const { closed } = await stall(
      'GET /public/v1/program/certificates HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bear',
    );
    let cutOffAt = Infinity;
    const cutOff = closed.then((received) => {
      cutOffAt = Date.now();
      return received;
    });
    const other = await fetch(program('/certificates?limit=1'), {
      headers: { authorization: 'Bearer ops-token' },
    });
    const servedAt = Date.now();
    expect(other.status).toBe(200);
    // Served while the stalled client still held its connection, not after it was cut off.
    const received = await cutOff;
    expect(servedAt).toBeLessThan(cutOffAt);
    expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
  });

  it('times out a client that stalls in its body', async () => {
    const { closed } = await stall(
      'POST /public/v1/program/enrollments HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer client-token\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"program":',
    );
    const started = Date.now();
    const received = await closed;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(received === '' || received.startsWith('HTTP/1.1 408')).toBe(true);
    const other = await fetch(program('/certificates?limit=1'), {
      headers: { authorization: 'Bearer ops-token' },
    });
    expect(other.status).toBe(200);
  });
});
