/** What only the express door has: CORS for browser apps on other origins, the body-size cut-off. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expressDoor, type Door } from '../support/doors.js';

let door: Door;
beforeAll(async () => {
  door = await expressDoor();
});
afterAll(() => door.close());

describe('express server', () => {
  it('answers a CORS preflight and exposes the Partner Center headers', async () => {
    const preflight = await door.call('partner-center', 'OPTIONS', '/v1/customers', {
      token: null,
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,ms-requestid',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('ms-requestid');
    const simple = await door.call('program-api', 'GET', '/v1/program/programs?limit=0', {
      headers: { origin: 'http://localhost:5173' },
    });
    expect(simple.headers.get('access-control-allow-origin')).toBe('*');
    expect(simple.headers.get('access-control-expose-headers')).toContain('MS-RequestId');
    expect(simple.headers.get('access-control-expose-headers')).toContain('MS-CV');
  });

  it('refuses a body over 1 MB with 413 in the API’s own shape, and keeps serving', async () => {
    const huge = JSON.stringify({ statusNotes: { message: 'x'.repeat(1024 * 1024 + 10) } });
    const answer = await door.call(
      'program-api',
      'POST',
      '/v1/program/certificates/CER-9646-2171-8417/terminate',
      {
        token: 'vendor-token',
        raw: huge,
        headers: { 'content-type': 'application/json' },
      },
    );
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ status: 413, code: 'PayloadTooLarge' });
    const after = await door.call(
      'program-api',
      'GET',
      '/v1/program/certificates/CER-9646-2171-8417',
    );
    expect(after.body.status).toBe('Active');
  });
});
