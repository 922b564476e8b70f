/**
 * Writes cost what they change and are durable before they are applied: one fsynced log line per
 * change (the snapshot is not rewritten), a change that cannot be logged is answered 503 in the
 * API's shape and never made, the log carries Partner Center's idempotency records across a
 * restart, and a snapshot taken in the background keeps everything the log had.
 */
import { mkdtemp, open, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore, readSnapshot } from '../../mocks/server/persistence.js';
import { createKit, storedObjects } from '../../src/kit.js';
import type { KitRequest, KitResponse } from '../../src/http/types.js';
import { enrollment, errorShapeProblems, snapshot, type Answer } from './support.js';

const start = new Date('2026-11-21T09:00:00.000Z');
const newKit = () => createKit({ now: start, ticking: true });

const qualification = (requestId: string): KitRequest => ({
  method: 'POST',
  path: '/v1/customers/3b8a1c0e-4f6d-4a8b-9e21-7c5d2f9a6b14/qualifications',
  rawQuery: '',
  headers: {
    authorization: 'Bearer partner-token',
    'content-type': 'application/json',
    'ms-requestid': requestId,
  },
  body: JSON.stringify({ qualification: 'Education', educationSegment: 'K12' }),
});

const asAnswer = (response: KitResponse): Answer => ({
  status: response.status,
  headers: response.headers,
  text: response.body ?? '',
  body: response.body ? (JSON.parse(response.body) as unknown) : undefined,
  sentAt: 0,
  answeredAt: 0,
});

const folder = () => mkdtemp(join(tmpdir(), 'kit-durable-'));

describe('the request log', () => {
  it('appends one line per write and leaves the snapshot alone; a restart replays it exactly', async () => {
    const file = join(await folder(), 'team.json');
    const kit = newKit();
    const store = await openStore(kit, file, start);
    const snapshotBefore = await stat(file);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const answer = await enrollment(store);
      expect(answer.status).toBe(201);
      ids.push(JSON.parse(answer.body!).id);
    }
    await store.close();
    const after = await stat(file);
    expect(after.mtimeMs).toBe(snapshotBefore.mtimeMs);
    expect(after.size).toBe(snapshotBefore.size);
    const logs = (await readdir(join(file, '..'))).filter((n) => n.endsWith('.log'));
    expect(logs).toHaveLength(1);

    const again = newKit();
    const reopened = await openStore(again, file, new Date());
    expect(reopened.restored.replayed).toBe(20);
    for (const id of ids) expect(again.world.program.enrollments.has(id)).toBe(true);
    // Same objects, same audit instants, same id sequence.
    expect(JSON.stringify(again.control.state().program)).toBe(
      JSON.stringify(kit.control.state().program),
    );
    expect(again.world.ids.state()).toBe(kit.world.ids.state());
    await reopened.close();
  });

  it('carries Partner Center idempotency records across a restart and a snapshot', async () => {
    const file = join(await folder(), 'team.json');
    const store = await openStore(newKit(), file, start, { snapshotEvery: 5 });
    const first = await store.handle(
      'partner-center',
      qualification('11111111-2222-4333-8444-555555555555'),
    );
    expect(first.status).toBe(201);
    for (let i = 0; i < 6; i++) await enrollment(store); // a snapshot is taken on the way
    await store.close();
    expect(readSnapshot(file)?.throughSeq).toBeGreaterThanOrEqual(5);
    expect(readSnapshot(file)?.state.partnerCenter?.requests).toHaveLength(1);

    const kit = newKit();
    const reopened = await openStore(kit, file, new Date());
    const retry = await reopened.handle(
      'partner-center',
      qualification('11111111-2222-4333-8444-555555555555'),
    );
    expect(retry.status).toBe(201);
    expect(retry.body).toBe(first.body);
    const record = kit.world.partner.customers.get('3b8a1c0e-4f6d-4a8b-9e21-7c5d2f9a6b14')!;
    expect(record.qualifications).toHaveLength(1);
    expect(record.educationRequests).toBe(1);
    await reopened.close();
  });

  it('takes snapshots in the background and deletes the segments they cover', async () => {
    const dir = await folder();
    const file = join(dir, 'team.json');
    const kit = newKit();
    const store = await openStore(kit, file, start, { snapshotEvery: 10 });
    for (let i = 0; i < 35; i++) expect((await enrollment(store)).status).toBe(201);
    await store.close();
    const logs = (await readdir(dir)).filter((n) => n.endsWith('.log'));
    expect(logs.length).toBeLessThanOrEqual(2);
    expect(readSnapshot(file)?.throughSeq).toBeGreaterThanOrEqual(30);
    const again = newKit();
    await (await openStore(again, file, new Date())).close();
    expect(again.world.program.enrollments.size).toBe(kit.world.program.enrollments.size);
  });
});

describe('a change that cannot be saved', () => {
  it('is answered 503 in the API’s own shape and never made (disk full)', async () => {
    const file = join(await folder(), 'team.json');
    const kit = newKit();
    // Every write to a log segment goes to /dev/full and fails with ENOSPC, as on a full disk.
    const store = await openStore(kit, file, start, {
      files: {
        open: (path, flags) =>
          path.endsWith('.log') ? open('/dev/full', 'r+') : open(path, flags),
      },
    });
    const before = snapshot(kit);
    const objects = storedObjects(kit.world);

    const program = await enrollment(store);
    expect(program.status).toBe(503);
    expect(errorShapeProblems('program-api', 'POST', asAnswer(program))).toEqual([]);
    expect(program.body).not.toMatch(/\n\s+at /);

    const partner = await store.handle(
      'partner-center',
      qualification('aaaaaaaa-2222-4333-8444-555555555555'),
    );
    expect(partner.status).toBe(503);
    expect(errorShapeProblems('partner-center', 'POST', asAnswer(partner))).toEqual([]);
    expect(JSON.parse(partner.body!).code).toBe(800503);

    const clock = await store.handleControl(
      { method: 'POST', path: '/clock', rawQuery: '', headers: {}, body: '{"advance":"P30D"}' },
      '/clock',
    );
    expect(clock.status).toBe(503);
    expect(JSON.parse(clock.body!)).toMatchObject({ status: 503 });

    expect(storedObjects(kit.world)).toBe(objects);
    expect(snapshot(kit).replace(/"now":"[^"]+"/, '')).toBe(before.replace(/"now":"[^"]+"/, ''));
    // The retry that a client makes does not find a half-made first attempt either.
    expect(
      (await store.handle('partner-center', qualification('aaaaaaaa-2222-4333-8444-555555555555')))
        .status,
    ).toBe(503);
    expect(kit.world.partner.requests.size).toBe(0);
    await store.close();
  });
});
