/**
 * The control API cannot be taken over by a web page or by anyone on the network: no CORS on
 * /__control, a Host allow-list against DNS rebinding on every path, requests a browser marks
 * as cross-site refused, and a control token that is required once configured (and always when
 * the server listens beyond loopback). On loopback with no token, curl keeps working.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecurity } from '../../mocks/server/security.js';
import { serve, type Serving } from '../../mocks/server/serve.js';
import { createKit } from '../../src/kit.js';
import { createClient, errorShapeProblems, jsonWire, snapshot, type Client } from './support.js';

const now = '2026-11-21T09:00:00.000Z';
const token = 'team-control-token-0123456789';

async function started(controlToken?: string) {
  const kit = createKit({ now });
  const serving = await serve(kit, {
    security: createSecurity({
      listenHost: '127.0.0.1',
      ...(controlToken ? { controlToken } : {}),
    }),
  });
  return { kit, serving, client: createClient(serving.url, { connections: 4 }) };
}

describe('on loopback without a control token', () => {
  let kit: ReturnType<typeof createKit>;
  let serving: Serving;
  let client: Client;
  beforeAll(async () => ({ kit, serving, client } = await started()));
  afterAll(async () => {
    client.close();
    await serving.close();
  });

  it('answers the README’s curl calls as before', async () => {
    const clock = await client.send(jsonWire('POST', '/__control/clock', null, { advance: 'P1D' }));
    expect(clock.status).toBe(200);
    const state = await client.send(jsonWire('GET', '/__control/state', null));
    expect(state.status).toBe(200);
    expect(JSON.stringify(state.body)).toContain('ops-token');
  });

  it('sends no CORS headers on /__control, while the APIs keep them', async () => {
    const preflight = {
      origin: 'http://evil.example',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'content-type',
    };
    const control = await client.send({
      method: 'OPTIONS',
      path: '/__control/reset',
      headers: preflight,
    });
    expect(control.headers['access-control-allow-origin']).toBeUndefined();
    const read = await client.send(
      jsonWire('GET', '/__control/state', null, undefined, { origin: 'http://evil.example' }),
    );
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
    const api = await client.send({
      method: 'OPTIONS',
      path: '/public/v1/program/certificates',
      headers: preflight,
    });
    expect(api.headers['access-control-allow-origin']).toBe('*');
  });

  it('refuses a reset posted by a page of another site (a form needs no preflight), and nothing changes', async () => {
    const before = snapshot(kit);
    const foreign: Record<string, string>[] = [
      { origin: 'http://evil.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'http://localhost:5173', 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of foreign) {
      const answer = await client.send({
        method: 'POST',
        path: '/__control/reset',
        headers: { 'content-type': 'text/plain', ...headers },
        body: '',
      });
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.body).toMatchObject({ status: 403 });
    }
    expect(snapshot(kit)).toBe(before);
    // The state page itself is same-origin and passes.
    const own = await client.send(
      jsonWire('POST', '/__control/clock', null, { advance: 'PT1H' }, { origin: serving.url }),
    );
    expect(own.status).toBe(200);
  });

  it('refuses a Host that is not one of its names on every path (DNS rebinding), in each API’s shape', async () => {
    const host = { host: 'rebind.evil.example:4010' };
    const program = await client.send(
      jsonWire('GET', '/public/v1/program/certificates', 'ops-token', undefined, host),
    );
    expect(program.status).toBe(403);
    expect(errorShapeProblems('program-api', 'GET', program)).toEqual([]);
    const partner = await client.send(
      jsonWire('GET', '/v1/customers/all/validations', 'partner-token', undefined, host),
    );
    expect(partner.status).toBe(403);
    expect(errorShapeProblems('partner-center', 'GET', partner)).toEqual([]);
    for (const path of [
      '/__control/state',
      '/__control/ui/',
      '/__control/spec/program-api.json',
      '/',
    ]) {
      const answer = await client.send(jsonWire('GET', path, null, undefined, host));
      expect(answer.status, path).toBe(403);
      expect(answer.text, path).not.toContain('ops-token');
    }
    for (const allowed of ['localhost:4010', '127.0.0.1', '[::1]:4010']) {
      const answer = await client.send(
        jsonWire('GET', '/__control/clock', null, undefined, { host: allowed }),
      );
      expect(answer.status, allowed).toBe(200);
    }
  });
});

describe('with a control token', () => {
  let kit: ReturnType<typeof createKit>;
  let serving: Serving;
  let client: Client;
  beforeAll(async () => ({ kit, serving, client } = await started(token)));
  afterAll(async () => {
    client.close();
    await serving.close();
  });

  it('refuses every control call without it (401, WWW-Authenticate) or with another, and nothing changes', async () => {
    const before = snapshot(kit);
    for (const authorization of [undefined, 'Bearer wrong', `Basic ${token}`, token]) {
      for (const [method, path, body] of [
        ['POST', '/__control/reset', undefined],
        ['POST', '/__control/clock', { advance: 'P30D' }],
        ['POST', '/__control/seed', {}],
        ['POST', '/__control/faults', { status: 503, fraction: 1 }],
        ['GET', '/__control/journal', undefined],
      ] as const) {
        const answer = await client.send(
          jsonWire(method, path, null, body, authorization ? { authorization } : {}),
        );
        expect(answer.status, `${method} ${path} ${authorization}`).toBe(401);
        expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(answer.body).toMatchObject({ status: 401 });
      }
    }
    expect(snapshot(kit)).toBe(before);
    expect(kit.control.faults()).toEqual([]);
  });

  it('answers with it', async () => {
    const answer = await client.send(
      jsonWire('POST', '/__control/clock', token, { advance: 'PT1H' }),
    );
    expect(answer.status).toBe(200);
  });

  it('gives the state without it only with its API tokens redacted', async () => {
    const open = await client.send(jsonWire('GET', '/__control/state', null));
    expect(open.status).toBe(200);
    expect(open.text).not.toContain('ops-token');
    expect(open.text).not.toContain('partner-token');
    expect(open.text).toContain('(redacted)');
    const full = await client.send(jsonWire('GET', '/__control/state', token));
    expect(full.text).toContain('ops-token');
    expect(full.text).toContain('partner-token');
  });

  it('lets the state page in through its start link: a cookie only /__control gets, same-site only', async () => {
    const wrong = await client.send(jsonWire('GET', '/__control/ui/?token=nope', null));
    expect(wrong.status).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const link = await client.send(jsonWire('GET', `/__control/ui/?token=${token}`, null));
    expect(link.status).toBe(302);
    expect(link.headers.location).toBe('/__control/ui/');
    const cookie = String(link.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/__control/);
    const page = await client.send(jsonWire('GET', '/__control/ui/', null));
    expect(page.status).toBe(200);
    const call = await client.send(
      jsonWire('GET', '/__control/clock', null, undefined, {
        cookie: cookie.split(';')[0]!,
        origin: serving.url,
      }),
    );
    expect(call.status).toBe(200);
  });
});

describe('beyond loopback', () => {
  it('always needs a control token: one is generated when none is given', () => {
    const generated = createSecurity({ listenHost: '0.0.0.0' });
    expect(generated.generated).toBe(true);
    expect(generated.controlToken).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(generated.controlRefusal({ host: '127.0.0.1:4010' })).toMatchObject({ status: 401 });
    const given = createSecurity({ listenHost: '192.168.1.20', controlToken: token });
    expect(given.generated).toBe(false);
    expect(given.controlToken).toBe(token);
    expect(given.hostAllowed('192.168.1.20:4010')).toBe(true);
    expect(given.hostAllowed('mock.team.lan:4010')).toBe(false);
    const named = createSecurity({ listenHost: '0.0.0.0', allowedHosts: ['mock.team.lan'] });
    expect(named.hostAllowed('mock.team.lan:4010')).toBe(true);
    expect(createSecurity({ listenHost: '127.0.0.1' }).controlToken).toBeUndefined();
  });
});
