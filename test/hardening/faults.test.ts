/**
 * Faults on demand, through both doors: 429 with Retry-After and 503 in each API's own error
 * shape for the next N requests or a share of them, added latency that holds only the faulted
 * response, the same per request through `Prefer`, and nothing of it by default.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { doors, type Door } from '../support/doors.js';

const certificate = '/v1/program/certificates/CER-9646-2171-8417';
const qualifications = '/v1/customers/c2e5a8f1-3b7d-4e92-a6c4-81f0d5b9e327/qualifications';

let door: Door | undefined;
afterEach(async () => {
  await door?.close();
  door = undefined;
});

describe.each(['express', 'msw'] as const)('faults through %s', (name) => {
  it('are off by default', async () => {
    door = await doors[name]();
    expect((await door.control('GET', '/faults')).body).toEqual({ faults: [] });
    for (let i = 0; i < 20; i++)
      expect((await door.call('program-api', 'GET', certificate)).status).toBe(200);
  });

  it('answer 429 with Retry-After for the next N requests of one operation, in the API’s shape', async () => {
    door = await doors[name]();
    const added = await door.control('POST', '/faults', {
      operationId: 'getCertificate',
      status: 429,
      retryAfter: 7,
      count: 2,
    });
    expect(added.status).toBe(201);
    for (let i = 0; i < 2; i++) {
      const answer = await door.call('program-api', 'GET', certificate);
      expect(answer.status).toBe(429);
      expect(answer.headers.get('retry-after')).toBe('7');
      expect(answer.body).toMatchObject({ status: 429, code: 'TooManyRequests' });
    }
    expect((await door.call('program-api', 'GET', certificate)).status).toBe(200);
    expect((await door.call('program-api', 'GET', '/v1/program/certificates?limit=1')).status).toBe(
      200,
    );
    expect((await door.control('GET', '/faults')).body.faults).toEqual([]);
    expect(door.problems).toEqual([]);
  });

  it('answer 503 for a share of requests, deterministically', async () => {
    door = await doors[name]();
    await door.control('POST', '/faults', { api: 'partner-center', status: 503, fraction: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++)
      statuses.push(
        (await door.call('partner-center', 'GET', qualifications, { token: 'partner-token' }))
          .status,
      );
    const failed = statuses.filter((s) => s === 503).length;
    expect(failed).toBeGreaterThan(15);
    expect(failed).toBeLessThan(45);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    const answer = await door.call('partner-center', 'GET', qualifications, {
      token: 'partner-token',
      headers: { prefer: 'code=503' },
    });
    expect(answer.body).toMatchObject({ code: 800503 });
    expect(answer.headers.get('ms-requestid')).toBeTruthy();
    expect(door.problems).toEqual([]);
    await door.control('DELETE', '/faults');
    expect(
      (await door.call('partner-center', 'GET', qualifications, { token: 'partner-token' })).status,
    ).toBe(200);
  });

  it('add latency to the faulted operation only', async () => {
    door = await doors[name]();
    await door.control('POST', '/faults', {
      operationId: 'getCertificate',
      latencyMs: 300,
      count: 1,
    });
    const started = Date.now();
    const slow = door
      .call('program-api', 'GET', certificate)
      .then((a) => ({ a, at: Date.now() - started }));
    const fast = await door.call('program-api', 'GET', '/v1/program/certificates?limit=1');
    const fastAt = Date.now() - started;
    const { a, at } = await slow;
    expect(a.status).toBe(200);
    expect(fast.status).toBe(200);
    expect(at).toBeGreaterThanOrEqual(290);
    expect(fastAt).toBeLessThan(at);
  });

  it('answer per request through Prefer, for both APIs', async () => {
    door = await doors[name]();
    const program = await door.call('program-api', 'GET', certificate, {
      headers: { prefer: 'code=429, retry-after=3' },
    });
    expect([program.status, program.body.code, program.headers.get('retry-after')]).toEqual([
      429,
      'TooManyRequests',
      '3',
    ]);
    const partner = await door.call('partner-center', 'POST', qualifications, {
      token: 'partner-token',
      headers: { prefer: 'code=429' },
      body: { qualification: 'StateOwnedEntity' },
    });
    expect([partner.status, partner.body.code]).toEqual([429, 800429]);
    // The faulted POST changed nothing.
    const after = await door.call('partner-center', 'GET', qualifications, {
      token: 'partner-token',
    });
    expect(after.body).toEqual([]);
    expect(door.problems).toEqual([]);
  });

  it('refuse a rule that makes no sense, and are cleared by reset', async () => {
    door = await doors[name]();
    for (const bad of [
      {},
      { status: 500 },
      { status: 429, fraction: 2 },
      { latencyMs: -1 },
      { status: 429, color: 'red' },
    ]) {
      expect((await door.control('POST', '/faults', bad)).status).toBe(400);
    }
    await door.control('POST', '/faults', { status: 503 });
    expect((await door.call('program-api', 'GET', certificate)).status).toBe(503);
    await door.control('POST', '/reset');
    expect((await door.call('program-api', 'GET', certificate)).status).toBe(200);
  });
});
