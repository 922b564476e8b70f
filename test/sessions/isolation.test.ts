/**
 * Issue 23: two sessions on one mock are two worlds. Data, clock, faults, journal, idempotency
 * memory, rule coverage and id sequence of one are not seen by the other nor by the default
 * session, through the express door (header and path prefix) and the msw door (header).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testNow } from '../support/doors.js';
import { doorSelectors, ids, newCertificate, sessionDoor, type SessionDoor } from './support.js';

const certificates = '/v1/program/certificates';
const qualifications = `/v1/customers/${ids.wingtip}/qualifications`;
const fired = (answer: { body: { coverage: { count: number }[] } }) =>
  answer.body.coverage.reduce((sum, entry) => sum + entry.count, 0);

describe.each(doorSelectors)('sessions through %s (%s)', (doorName, selector) => {
  let door: SessionDoor;
  beforeEach(async () => {
    door = await sessionDoor(doorName);
  });
  afterEach(() => door.close());
  const inA = { session: 'ci-4711', selector };
  const inB = { session: 'ci-4712', selector };

  it('data and id sequence: a write in one session is in none other; each hands out the same next id', async () => {
    const before = await door.call('program-api', 'GET', `${certificates}?limit=0`);
    const total = before.body.$meta.pagination.total as number;
    const a = await door.call('program-api', 'POST', certificates, {
      ...inA,
      body: newCertificate,
    });
    expect(a.status).toBe(201);
    const inOwn = await door.call('program-api', 'GET', `${certificates}/${a.body.id}`, inA);
    expect(inOwn.status).toBe(200);
    for (const other of [inB, {}]) {
      const read = await door.call('program-api', 'GET', `${certificates}/${a.body.id}`, other);
      expect(read.status).toBe(404);
    }
    const listed = await door.call('program-api', 'GET', `${certificates}?limit=0`, inA);
    expect(listed.body.$meta.pagination.total).toBe(total + 1);
    const b = await door.call('program-api', 'POST', certificates, {
      ...inB,
      body: newCertificate,
    });
    // Each session's id sequence starts from the seed's, as a fresh mock's does.
    expect(b.body.id).toBe(a.body.id);
    const defaults = await door.call('program-api', 'GET', `${certificates}?limit=0`);
    expect(defaults.body.$meta.pagination.total).toBe(total);
  });

  it('clock: moving one session on moves no other', async () => {
    const moved = await door.call('control', 'POST', '/clock', {
      ...inA,
      body: { advance: 'P30D' },
    });
    expect(moved.status).toBe(200);
    expect(moved.body.now).toBe('2026-12-21T09:00:00.000Z');
    expect((await door.call('control', 'GET', '/clock', inA)).body.now).toBe(moved.body.now);
    expect((await door.call('control', 'GET', '/clock', inB)).body.now).toBe(testNow);
    expect((await door.call('control', 'GET', '/clock')).body.now).toBe(testNow);
  });

  it('faults: a fault injected in one session answers only there', async () => {
    const added = await door.call('control', 'POST', '/faults', {
      ...inA,
      body: { status: 503, retryAfter: 7 },
    });
    expect(added.status).toBe(201);
    const a = await door.call('program-api', 'GET', certificates, inA);
    expect([a.status, a.headers.get('retry-after')]).toEqual([503, '7']);
    expect((await door.call('program-api', 'GET', certificates, inB)).status).toBe(200);
    expect((await door.call('program-api', 'GET', certificates)).status).toBe(200);
    expect((await door.call('control', 'GET', '/faults', inB)).body.faults).toEqual([]);
  });

  it('idempotency: an MS-RequestId remembered in one session is unknown to another', async () => {
    const requestId = 'a1f4c2d8-5b3e-4f70-9c61-2e8d7b0a4f93';
    const headers = { 'ms-requestid': requestId };
    const first = await door.call('partner-center', 'POST', qualifications, {
      ...inA,
      headers,
      body: { qualification: 'StateOwnedEntity' },
    });
    expect(first.status).toBe(201);
    const reused = { headers, body: { qualification: 'StateOwnedEntity', extra: 1 } };
    // The same id on another request: refused where it is remembered...
    const again = await door.call('partner-center', 'POST', qualifications, { ...inA, ...reused });
    expect([again.status, again.body.code]).toEqual([400, 800005]);
    // ...and a first use in a session that never saw it.
    const elsewhere = await door.call('partner-center', 'POST', qualifications, {
      ...inB,
      headers,
      body: { qualification: 'StateOwnedEntity' },
    });
    expect(elsewhere.status).toBe(201);
  });

  it('coverage and journal: counted per session', async () => {
    await door.call('partner-center', 'POST', qualifications, {
      ...inA,
      body: { qualification: 'StateOwnedEntity' },
    });
    const a = await door.call('control', 'GET', '/coverage', inA);
    const b = await door.call('control', 'GET', '/coverage', inB);
    expect(fired(a)).toBeGreaterThan(0);
    expect(fired(b)).toBe(0);
    expect(fired(await door.call('control', 'GET', '/coverage'))).toBe(0);
    const journalA = await door.call('control', 'GET', '/journal', inA);
    expect(journalA.body.entries.map((e: { method: string }) => e.method)).toContain('POST');
    expect((await door.call('control', 'GET', '/journal', inB)).body.entries).toEqual([]);
  });

  it('reset and seed act on the named session only', async () => {
    await door.call('program-api', 'POST', certificates, { body: newCertificate });
    const own = await door.call('program-api', 'POST', certificates, {
      ...inA,
      body: newCertificate,
    });
    await door.call('control', 'POST', '/reset', inA);
    expect(
      (await door.call('program-api', 'GET', `${certificates}/${own.body.id}`, inA)).status,
    ).toBe(404);
    // The default's write is still there.
    expect((await door.call('program-api', 'GET', `${certificates}/${own.body.id}`)).status).toBe(
      200,
    );
    const state = (await door.call('control', 'GET', '/state')).body;
    const seeded = await door.call('control', 'POST', '/seed', {
      ...inB,
      body: { ...state, now: '2030-01-01T00:00:00.000Z' },
    });
    expect(seeded.status).toBe(200);
    expect((await door.call('control', 'GET', '/clock', inB)).body.now).toBe(
      '2030-01-01T00:00:00.000Z',
    );
    expect((await door.call('control', 'GET', '/clock')).body.now).toBe(testNow);
  });

  it('a bad session id is 400 in the shape of the API the path belongs to', async () => {
    const bad = { session: selector === 'header' ? 'bad id!' : 'x'.repeat(65), selector };
    const program = await door.call('program-api', 'GET', certificates, bad);
    expect(program.status).toBe(400);
    expect(program.body).toMatchObject({ status: 400 });
    expect(JSON.stringify(program.body)).toContain('is not a session id');
    const partner = await door.call('partner-center', 'GET', qualifications, bad);
    expect([partner.status, partner.body.code]).toEqual([400, 800002]);
    const control = await door.call('control', 'GET', '/clock', bad);
    expect(control.status).toBe(400);
    expect(control.headers.get('content-type')).toContain('application/problem+json');
    expect(door.sessions.list().map((s) => s.id)).toEqual(['default']);
  });
});

describe('the two selectors name the same session', () => {
  it('a write through the header is read through the prefix, and both at once must agree', async () => {
    const door = await sessionDoor('express');
    try {
      const made = await door.call('program-api', 'POST', certificates, {
        session: 'dev-anna',
        selector: 'header',
        body: newCertificate,
      });
      const read = await door.call('program-api', 'GET', `${certificates}/${made.body.id}`, {
        session: 'dev-anna',
        selector: 'prefix',
      });
      expect(read.status).toBe(200);
      const both = await door.call('program-api', 'GET', certificates, {
        session: 'dev-anna',
        selector: 'prefix',
        headers: { 'mock-session': 'dev-bob' },
      });
      expect(both.status).toBe(400);
      // `default` names the default session.
      const named = await door.call('program-api', 'GET', `${certificates}/${made.body.id}`, {
        session: 'default',
      });
      expect(named.status).toBe(404);
    } finally {
      await door.close();
    }
  });
});

describe('a frontend on another origin', () => {
  it('may send Mock-Session (the preflight allows it) or use the prefix', async () => {
    const door = await sessionDoor('express');
    try {
      const preflight = await fetch(`${door.origin}/__session/dev-1/public${certificates}`, {
        method: 'OPTIONS',
        headers: {
          origin: 'http://localhost:5173',
          'access-control-request-method': 'GET',
          'access-control-request-headers': 'authorization, mock-session',
        },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toContain('mock-session');
    } finally {
      await door.close();
    }
  });
});
