/**
 * Issue 23, point 4: with a state file every session is kept, through the log and through the
 * snapshots: its writes, its clock, a session made with a fixture, a deleted one gone.
 */
import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../mocks/server/persistence.js';
import { serve, type Serving } from '../../mocks/server/serve.js';
import { defaultSeed } from '../../src/core/seed.js';
import { createSessions } from '../../src/sessions.js';

const now = '2026-11-21T09:00:00.000Z';
const open: { serving: Serving; store: Store }[] = [];
const stop = async () => {
  for (const { serving, store } of open.splice(0)) {
    await serving.close(100);
    await store.close();
  }
};
afterEach(stop);

async function team(file: string, snapshotEvery?: number) {
  const sessions = createSessions({ now, ticking: true });
  const store = await openStore(sessions.default, file, new Date(now), {
    sessions,
    ...(snapshotEvery ? { snapshotEvery } : {}),
  });
  const serving = await serve(sessions.default, { port: 0, sessions, door: store });
  open.push({ serving, store });
  return { url: serving.url, store };
}
const client = { authorization: 'Bearer client-token', 'content-type': 'application/json' };
const enroll = (url: string, session: string) =>
  fetch(`${url}/__session/${session}/public/v1/program/enrollments`, {
    method: 'POST',
    headers: client,
    body: JSON.stringify({
      program: { id: 'PRG-9643-3741' },
      licensee: { id: 'LCE-5758-4071-6507' },
      parameters: { ordering: [{ id: 'PPM-9643-3741-0001', value: 'MPN-1' }] },
    }),
  }).then(async (r) => ({ status: r.status, id: ((await r.json()) as { id: string }).id }));
const status = (url: string, session: string, id: string) =>
  fetch(`${url}/public/v1/program/enrollments/${id}`, {
    headers: { ...client, 'mock-session': session },
  }).then((r) => r.status);
const control = (url: string, path: string, method = 'GET', body?: unknown) =>
  fetch(`${url}/__control${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
const ids = async (url: string) =>
  ((await (await control(url, '/sessions')).json()) as { sessions: { id: string }[] }).sessions
    .map((s) => s.id)
    .sort();

describe('sessions in the state file', () => {
  it.each([
    ['the log', undefined],
    ['a snapshot', 3],
  ])('are restored from %s: writes, clocks, fixtures, deletions', async (_, snapshotEvery) => {
    const file = join(await mkdtemp(join(tmpdir(), 'kit-durable-sessions-')), 'team.json');
    const first = await team(file, snapshotEvery);
    const a = await enroll(first.url, 'job-a');
    const b = await enroll(first.url, 'job-b');
    expect([a.status, b.status]).toEqual([201, 201]);
    const fixture = JSON.parse(JSON.stringify(defaultSeed(new Date(now)))) as {
      program: { certificates: { id: string; name: string }[] };
    };
    const renamed = fixture.program.certificates[0]!;
    renamed.name = 'From the fixture';
    const made = await control(first.url, '/sessions', 'POST', {
      id: 'with-fixture',
      now: '2027-01-01T00:00:00.000Z',
      fixture,
    });
    expect(made.status).toBe(201);
    const moved = await fetch(`${first.url}/__session/job-a/__control/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ now: '2028-02-02T00:00:00.000Z' }),
    });
    expect(moved.status).toBe(200);
    expect((await control(first.url, '/sessions/job-b', 'DELETE')).status).toBe(204);
    const before = await ids(first.url);
    expect(before).toEqual(['default', 'job-a', 'with-fixture']);
    await stop();

    const second = await team(file, snapshotEvery);
    if (snapshotEvery) expect(second.store.restored.snapshot).toBe(true);
    expect(await ids(second.url)).toEqual(before);
    expect(await status(second.url, 'job-a', a.id)).toBe(200);
    expect(await status(second.url, 'default', a.id)).toBe(404);
    // job-b was deleted: the name makes a fresh session, without its enrollment.
    expect(await status(second.url, 'job-b', b.id)).toBe(404);
    const clock = (await (await fetch(`${second.url}/__session/job-a/__control/clock`)).json()) as {
      now: string;
    };
    expect(clock.now.startsWith('2028-02-02')).toBe(true);
    const read = (session: string) =>
      fetch(`${second.url}/public/v1/program/certificates/${renamed.id}`, {
        headers: { authorization: 'Bearer ops-token', 'mock-session': session },
      }).then(async (r) => ((await r.json()) as { name: string }).name);
    expect(await read('with-fixture')).toBe('From the fixture');
    expect(await read('default')).not.toBe('From the fixture');
  });

  it('share the seed in the snapshot: 100 sessions that only read add a few kilobytes each', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'kit-durable-sessions-')), 'team.json');
    const sessions = createSessions({ now, ticking: true });
    const store = await openStore(sessions.default, file, new Date(now), { sessions });
    const empty = (await stat(file)).size;
    for (let i = 0; i < 100; i++)
      await store.handle(
        'program-api',
        {
          method: 'GET',
          path: '/v1/program/certificates',
          rawQuery: 'limit=1',
          headers: { authorization: 'Bearer ops-token' },
          body: undefined,
        },
        `reader-${i}`,
      );
    await store.close();
    // A restart past the snapshot threshold writes a snapshot of all 101 worlds.
    const again = createSessions({ now, ticking: true });
    await (
      await openStore(again.default, file, new Date(now), { sessions: again, snapshotEvery: 1 })
    ).close();
    expect(again.list()).toHaveLength(101);
    // A world copied whole is about 60 KB; one sharing the seed's objects, a few.
    expect(((await stat(file)).size - empty) / 100).toBeLessThan(10_000);
  });
});
