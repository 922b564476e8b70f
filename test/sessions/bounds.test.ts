/**
 * Issue 23, points 2 and 3: sessions made on first use or by `POST /__control/sessions`, listed
 * and deleted; bounded by a count (429 + Retry-After, never an eviction), an idle time and the
 * object cap counted over every session; the control token guards every session.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createSecurity } from '../../mocks/server/security.js';
import { storedObjects } from '../../src/kit.js';
import { testNow } from '../support/doors.js';
import { doorSelectors, newCertificate, sessionDoor, type SessionDoor } from './support.js';

const certificates = '/v1/program/certificates';
let door: SessionDoor | undefined;
afterEach(async () => {
  await door?.close();
  door = undefined;
});

describe('the registry: POST, GET, DELETE /__control/sessions', () => {
  it.each(['express', 'msw'] as const)(
    '%s: 201 with the id (given or made), listed with its use, 409 taken, 204 then 404',
    async (name) => {
      door = await sessionDoor(name);
      const made = await door.call('control', 'POST', '/sessions', {
        body: { id: 'ci-1', now: '2027-01-01T00:00:00.000Z' },
      });
      expect(made.status).toBe(201);
      expect(made.body).toMatchObject({ id: 'ci-1', requests: 0 });
      expect(made.body.clock.now).toBe('2027-01-01T00:00:00.000Z');
      // Its own instant is where a reset of it goes back to.
      await door.call('control', 'POST', '/clock', {
        session: 'ci-1',
        body: { advance: 'P1D' },
      });
      const reset = await door.call('control', 'POST', '/reset', { session: 'ci-1' });
      expect(reset.body.clock.now).toBe('2027-01-01T00:00:00.000Z');
      const generated = await door.call('control', 'POST', '/sessions');
      expect(generated.status).toBe(201);
      expect(generated.body.id).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
      expect(generated.body.clock.now).toBe(testNow);
      const taken = await door.call('control', 'POST', '/sessions', { body: { id: 'ci-1' } });
      expect(taken.status).toBe(409);
      await door.call('program-api', 'GET', certificates, { session: 'ci-1' });
      const listed = await door.call('control', 'GET', '/sessions');
      expect(listed.status).toBe(200);
      const rows = listed.body.sessions as { id: string; requests: number }[];
      expect(rows.map((row) => row.id)).toEqual(['default', 'ci-1', generated.body.id]);
      expect(rows[1]).toMatchObject({ requests: 3 });
      expect(listed.body.sessions[1]).toEqual({
        id: 'ci-1',
        created: expect.any(String),
        lastUsed: expect.any(String),
        storedObjects: storedObjects(door.sessions.default.world),
        requests: 3,
      });
      const gone = await door.call('control', 'DELETE', '/sessions/ci-1');
      expect(gone.status).toBe(204);
      expect((await door.call('control', 'DELETE', '/sessions/ci-1')).status).toBe(404);
      expect((await door.call('control', 'DELETE', '/sessions/default')).status).toBe(400);
      expect((await door.call('control', 'DELETE', '/sessions/a%20b')).status).toBe(400);
    },
  );

  it('a fixture is checked as /__control/seed checks it: 400 with every problem, no session', async () => {
    door = await sessionDoor('express');
    const bad = await door.call('control', 'POST', '/sessions', {
      body: { id: 'fx', fixture: { program: { certificates: [{ id: 'nope' }] } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.length).toBeGreaterThan(0);
    expect(door.sessions.list().map((s) => s.id)).toEqual(['default']);
    const state = (await door.call('control', 'GET', '/state')).body;
    const good = await door.call('control', 'POST', '/sessions', {
      body: { id: 'fx', fixture: { ...state, now: '2031-05-05T00:00:00.000Z' } },
    });
    expect(good.status).toBe(201);
    expect(good.body.clock.now).toBe('2031-05-05T00:00:00.000Z');
    for (const body of [[], { id: 'a b' }, { now: 'yesterday' }, { fixture: 3 }])
      expect((await door.call('control', 'POST', '/sessions', { body })).status).toBe(400);
  });
});

describe.each(doorSelectors)('bounds through %s (%s)', (name, selector) => {
  it('past --max-sessions a new session is 429 with Retry-After in the API shape; none is evicted', async () => {
    let now = Date.parse(testNow);
    door = await sessionDoor(name, {}, { maxSessions: 2, ttlMs: 60_000, time: () => now });
    const inS = (session: string) => ({ session, selector });
    const a = await door.call('program-api', 'POST', certificates, {
      ...inS('a'),
      body: newCertificate,
    });
    now += 10_000;
    expect((await door.call('program-api', 'GET', certificates, inS('b'))).status).toBe(200);
    now += 10_000;
    const program = await door.call('program-api', 'GET', certificates, inS('c'));
    expect(program.status).toBe(429);
    expect(program.body).toMatchObject({ status: 429 });
    // The least recently used session ("a", idle 20 s) is free in 40 s.
    expect(program.headers.get('retry-after')).toBe('40');
    const partner = await door.call('partner-center', 'GET', '/v1/customers', inS('c'));
    expect([partner.status, partner.body.code]).toEqual([429, 800429]);
    const control = await door.call('control', 'POST', '/reset', inS('c'));
    expect(control.status).toBe(429);
    expect(control.headers.get('retry-after')).toBe('40');
    const registry = await door.call('control', 'POST', '/sessions', { body: { id: 'c' } });
    expect(registry.status).toBe(429);
    // Both sessions still hold their worlds; the default is never counted.
    const kept = await door.call('program-api', 'GET', `${certificates}/${a.body.id}`, inS('a'));
    expect(kept.status).toBe(200);
    expect((await door.call('program-api', 'GET', certificates)).status).toBe(200);
  });

  it('a session idle for the TTL is dropped: gone from the list, a fresh world when named again', async () => {
    let now = Date.parse(testNow);
    door = await sessionDoor(name, {}, { maxSessions: 1, ttlMs: 30 * 60_000, time: () => now });
    const inA = { session: 'a', selector };
    const made = await door.call('program-api', 'POST', certificates, {
      ...inA,
      body: newCertificate,
    });
    now += 29 * 60_000;
    expect(
      (await door.call('program-api', 'GET', `${certificates}/${made.body.id}`, inA)).status,
    ).toBe(200);
    // Used again: the idle time starts over.
    now += 29 * 60_000;
    expect(door.sessions.list().map((s) => s.id)).toEqual(['default', 'a']);
    now += 60_000;
    expect(door.sessions.sweep()).toBe(1);
    expect(door.sessions.sweep()).toBe(0);
    expect(door.sessions.list().map((s) => s.id)).toEqual(['default']);
    // Its place is free (the cap is 1) and its name starts a new world.
    expect(
      (await door.call('program-api', 'GET', certificates, { session: 'b', selector })).status,
    ).toBe(200);
    now += 31 * 60_000;
    expect(
      (await door.call('program-api', 'GET', `${certificates}/${made.body.id}`, inA)).status,
    ).toBe(404);
  });

  it('the object cap counts every session: 507 in another session once the total is reached', async () => {
    const seed = await sessionDoor(name);
    const seeded = storedObjects(seed.sessions.default.world);
    await seed.close();
    door = await sessionDoor(name, { maxObjects: seeded + 1 });
    const first = await door.call('program-api', 'POST', certificates, {
      session: 'a',
      selector,
      body: newCertificate,
    });
    expect(first.status).toBe(201);
    for (const other of [{ session: 'b', selector }, {}]) {
      const full = await door.call('program-api', 'POST', certificates, {
        ...other,
        body: newCertificate,
      });
      expect(full.status).toBe(507);
    }
    // A reset of the session gives its object back...
    await door.call('control', 'POST', '/reset', { session: 'a', selector });
    const again = await door.call('program-api', 'POST', certificates, { body: newCertificate });
    expect(again.status).toBe(201);
    const refused = await door.call('program-api', 'POST', certificates, {
      session: 'a',
      selector,
      body: newCertificate,
    });
    expect(refused.status).toBe(507);
    // ...and so does deleting one that holds some.
    await door.call('control', 'POST', '/reset');
    await door.call('program-api', 'POST', certificates, {
      session: 'b',
      selector,
      body: newCertificate,
    });
    expect(
      (await door.call('program-api', 'POST', certificates, { body: newCertificate })).status,
    ).toBe(507);
    await door.call('control', 'DELETE', '/sessions/b');
    expect(
      (await door.call('program-api', 'POST', certificates, { body: newCertificate })).status,
    ).toBe(201);
  });
});

describe('security applies to every session', () => {
  it('the control token and the Host allow-list guard a named session as the default', async () => {
    door = await sessionDoor(
      'express',
      {},
      { security: createSecurity({ listenHost: '127.0.0.1', controlToken: 'secret' }) },
    );
    for (const selector of ['header', 'prefix'] as const) {
      const refused = await door.call('control', 'POST', '/reset', { session: 'x', selector });
      expect(refused.status).toBe(401);
      const allowed = await door.call('control', 'POST', '/reset', {
        session: 'x',
        selector,
        headers: { authorization: 'Bearer secret' },
      });
      expect(allowed.status).toBe(200);
    }
    expect((await door.call('control', 'GET', '/sessions')).status).toBe(401);
    expect((await door.call('control', 'POST', '/sessions')).status).toBe(401);
    const state = await door.call('control', 'GET', '/state', { session: 'x' });
    expect(state.body.program.tokens[0].token).toBe('(redacted)');
    const crossSite = await door.call('control', 'POST', '/reset', {
      session: 'x',
      selector: 'prefix',
      headers: { authorization: 'Bearer secret', 'sec-fetch-site': 'cross-site' },
    });
    expect(crossSite.status).toBe(403);
    // fetch sends its own Host: a plain request names another.
    const url = new URL(`${door.origin}/__session/x/public${certificates}`);
    const host = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const sent = request(
        url,
        { headers: { host: 'evil.example', authorization: 'Bearer ops-token' } },
        (res) => {
          let body = '';
          res.on('data', (chunk) => (body += chunk));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      sent.on('error', reject);
      sent.end();
    });
    expect(host.status).toBe(403);
    expect(JSON.parse(host.body)).toMatchObject({ status: 403 });
  });
});
