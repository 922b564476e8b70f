/**
 * Issue 24: a body over the limit is read (and thrown away) before the 413, so a client that is
 * still sending, as on a busy machine, receives the answer instead of a reset connection. The
 * client here writes its body in slices with pauses, which is what a loaded CI runner does.
 */
import http from 'node:http';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discardBound } from '../../mocks/server/app.js';
import { serve, type Serving } from '../../mocks/server/serve.js';
import { MAX_BODY_BYTES, MAX_UPLOAD_BYTES } from '../../src/http/pipeline.js';
import { createKit } from '../../src/kit.js';

let serving: Serving;
beforeAll(async () => {
  serving = await serve(createKit({ now: '2026-11-21T09:00:00.000Z' }));
});
afterAll(() => serving.close());

interface Outcome {
  status?: number;
  body: string;
  error?: string;
  /** Bytes of the body the client got to write before the answer or the error. */
  written: number;
}

/** Sends `body` in 64 KB slices, pausing `pauseMs` between them; declares its length or not. */
function slowUpload(
  path: string,
  headers: Record<string, string>,
  body: Buffer,
  { pauseMs = 2, declare = true } = {},
): Promise<Outcome> {
  const { hostname, port } = new URL(serving.url);
  return new Promise((resolve) => {
    const outcome: Outcome = { body: '', written: 0 };
    const request = http.request({
      host: hostname,
      port,
      method: 'POST',
      path,
      headers: {
        authorization: 'Bearer vendor-token',
        ...headers,
        ...(declare ? { 'content-length': String(body.length) } : {}),
      },
    });
    request.on('response', (response) => {
      outcome.status = response.statusCode;
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (outcome.body += chunk));
      response.on('end', () => resolve(outcome));
      response.on('error', (error) => resolve({ ...outcome, error: String(error) }));
    });
    request.on('error', (error) => resolve({ ...outcome, error: (error as Error).message }));
    void (async () => {
      for (let at = 0; at < body.length && !request.destroyed; at += 64 * 1024) {
        const slice = body.subarray(at, at + 64 * 1024);
        if (!request.write(slice)) await new Promise((r) => request.once('drain', r));
        outcome.written += slice.length;
        await new Promise((r) => setTimeout(r, pauseMs));
      }
      request.end();
    })();
  });
}

const json = (bytes: number) => Buffer.from(JSON.stringify({ name: 'x'.repeat(bytes - 11) }));

function multipart(bytes: number): { body: Buffer; type: string } {
  const boundary = 'kit24boundary';
  const head = `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="big.pdf"\r\ncontent-type: application/pdf\r\n\r\n`;
  const tail = `\r\n--${boundary}--\r\n`;
  const filler = Buffer.alloc(bytes - head.length - tail.length, 0x41);
  return {
    body: Buffer.concat([Buffer.from(head), filler, Buffer.from(tail)]),
    type: `multipart/form-data; boundary=${boundary}`,
  };
}

describe('an oversized upload (issue 24)', () => {
  it.each([
    ['JSON, length declared', true],
    ['JSON, chunked', false],
  ])('%s: 1 MB + 1 sent slowly is read to its end and answered 413', async (_n, declare) => {
    const body = json(MAX_BODY_BYTES + 1);
    const outcome = await slowUpload(
      '/public/v1/program/programs/PRG-9643-3741/templates',
      { 'content-type': 'application/json' },
      body,
      { declare },
    );
    expect(outcome.error).toBeUndefined();
    expect(outcome.status).toBe(413);
    expect(outcome.written).toBe(body.length);
    expect(JSON.parse(outcome.body)).toMatchObject({ status: 413 });
  });

  it('multipart, 10 MB + 1 sent slowly: read to its end and answered 413', async () => {
    const { body, type } = multipart(MAX_UPLOAD_BYTES + 1);
    const outcome = await slowUpload(
      '/public/v1/program/programs/PRG-9643-3741/documents',
      { 'content-type': type },
      body,
      { pauseMs: 0 },
    );
    expect(outcome.error).toBeUndefined();
    expect(outcome.status).toBe(413);
    expect(outcome.written).toBe(body.length);
  });

  it('on a busy machine (every core spinning): each of 5 uploads of 10 MB + 1 receives its 413', async () => {
    // One spinning thread per core, beside the server and the client: what a loaded CI runner is.
    const spinners = Array.from(
      { length: Math.max(2, availableParallelism()) },
      () =>
        new Worker('const end = Date.now() + 60_000; while (Date.now() < end) {}', { eval: true }),
    );
    try {
      const { body, type } = multipart(MAX_UPLOAD_BYTES + 1);
      for (let attempt = 0; attempt < 5; attempt++) {
        const outcome = await slowUpload(
          '/public/v1/program/programs/PRG-9643-3741/documents',
          { 'content-type': type },
          body,
          { pauseMs: attempt % 2 },
        );
        expect(outcome.error, `attempt ${attempt}`).toBeUndefined();
        expect(outcome.status, `attempt ${attempt}`).toBe(413);
        expect(outcome.written).toBe(body.length);
      }
    } finally {
      await Promise.all(spinners.map((worker) => worker.terminate()));
    }
  }, 120_000);

  it('a body declared past the bound is answered at once and never read', async () => {
    const { hostname, port } = new URL(serving.url);
    const answer = await new Promise<number | undefined>((resolve) => {
      const request = http.request({
        host: hostname,
        port,
        method: 'POST',
        path: '/public/v1/program/programs/PRG-9643-3741/templates',
        headers: {
          authorization: 'Bearer vendor-token',
          'content-type': 'application/json',
          'content-length': String(discardBound(MAX_BODY_BYTES) + 1),
        },
      });
      request.on('response', (response) => resolve(response.statusCode));
      request.on('error', () => resolve(undefined));
      request.write('{');
    });
    expect(answer).toBe(413);
  });
});
