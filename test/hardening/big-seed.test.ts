/**
 * Issue 24, point 5: a big seed through `POST /__control/seed` on the team mock (a state file),
 * read once into shared objects, answered once its snapshot is durable, never in the log, and a
 * refused fixture changes nothing. Memory and time at 100,000 certificates: `npm run bench:seed`.
 */
import http from 'node:http';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, STATE_FORMAT, type Store } from '../../mocks/server/persistence.js';
import { writeSlices } from '../../mocks/server/snapshot.js';
import { serve, type Serving } from '../../mocks/server/serve.js';
import { fixtureCheckerId } from '../../src/core/fixture.js';
import { defaultSeed } from '../../src/core/seed.js';
import type { Seed } from '../../src/core/world.js';
import { createKit } from '../../src/kit.js';

const now = new Date('2026-11-21T09:00:00.000Z');
const ops = { authorization: 'Bearer ops-token' };

/** The default seed with its first certificate cloned `count` times (fresh ids, JSON copies). */
function bigFixture(count: number): Seed {
  const seed = JSON.parse(JSON.stringify(defaultSeed(now))) as Seed & {
    program: { certificates: { id: string; href?: string; name: string }[] };
  };
  const first = seed.program.certificates[0]!;
  for (let n = 0; n < count; n++) {
    const id = `CER-${String(9000 + Math.floor(n / 1e4)).padStart(4, '0')}-${String(Math.floor(n / 100) % 100).padStart(4, '0')}-${String(n % 100).padStart(4, '0')}`;
    seed.program.certificates.push({
      ...JSON.parse(JSON.stringify(first)),
      id,
      href: `/public/v1/program/certificates/${id}`,
      name: `Clone ${n}`,
    });
  }
  return seed;
}

let running: { serving: Serving; store: Store }[] = [];
afterEach(async () => {
  for (const { serving, store } of running) {
    await serving.close(100);
    await store.close();
  }
  running = [];
});

async function team(file: string) {
  const kit = createKit({ now, ticking: true });
  const store = await openStore(kit, file, now);
  const serving = await serve(kit, { port: 0, door: store });
  running.push({ serving, store });
  return { kit, store, url: serving.url };
}

/** Posts `body` to the seed, with a Content-Length or chunked (none declared). */
function post(
  url: string,
  body: string,
  chunked: boolean,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${url}/__control/seed`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(chunked ? {} : { 'content-length': Buffer.byteLength(body) }),
      },
    });
    request.on('response', (response) => {
      let text = '';
      response.on('data', (chunk: Buffer) => (text += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, text }));
    });
    request.on('error', reject);
    // In pieces, as a big body arrives.
    for (let i = 0; i < body.length; i += 65_536) request.write(body.slice(i, i + 65_536));
    request.end();
  });
}

const total = async (url: string) =>
  (
    (await (
      await fetch(`${url}/public/v1/program/certificates?limit=0`, { headers: ops })
    ).json()) as {
      $meta: { pagination: { total: number } };
    }
  ).$meta.pagination.total;

describe('a big seed on the team mock', () => {
  it.each([false, true])(
    'is served, durable without a log line, restored without a replay, its repeated objects shared (chunked: %s)',
    async (chunked) => {
      const dir = await mkdtemp(join(tmpdir(), 'kit-big-seed-'));
      const file = join(dir, 'team.json');
      const fixture = bigFixture(3000);
      const count = [...fixture.program!.certificates!].length;
      const first = await team(file);
      const answer = await post(first.url, JSON.stringify(fixture), chunked);
      expect(answer.status, answer.text).toBe(200);
      expect(await total(first.url)).toBe(count);
      const one = `${first.url}/public/v1/program/certificates/CER-9000-0029-0099`;
      const before = await (await fetch(one, { headers: ops })).text();
      expect(JSON.parse(before)).toMatchObject({ id: 'CER-9000-0029-0099', name: 'Clone 2999' });
      const stored = first.kit.world.program.certificates;
      expect(stored.get('CER-9000-0000-0001')!.program).toBe(
        stored.get('CER-9000-0029-0099')!.program,
      );
      const logs = (await readdir(dir)).filter((name) => name.endsWith('.log'));
      for (const log of logs) expect(await readFile(join(dir, log), 'utf8')).not.toContain('Clone');
      await running[0]!.serving.close(100);
      await running[0]!.store.close();
      running = [];

      const second = await team(file);
      expect(second.store.restored).toMatchObject({ snapshot: true, replayed: 0 });
      expect(await total(second.url)).toBe(count);
      expect(await (await fetch(one.replace(first.url, second.url), { headers: ops })).text()).toBe(
        before,
      );
    },
  );

  it('a fixture the check copies (optional nulls left out) is still stored with its repeated members shared', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kit-big-seed-'));
    const { kit, url } = await team(join(dir, 'team.json'));
    const fixture = bigFixture(200);
    // What a tool that writes null for "none" sends.
    const text = JSON.stringify(fixture, function (this: { id?: unknown }, key, value: unknown) {
      return key === 'terms' && String(this.id).startsWith('CER-') ? null : value;
    });
    const answer = await post(url, text, true);
    expect(answer.status, answer.text).toBe(200);
    const stored = kit.world.program.certificates;
    const [one, two] = [stored.get('CER-9000-0000-0001')!, stored.get('CER-9000-0001-0099')!];
    expect(one).not.toHaveProperty('terms');
    expect(one.program).toBe(two.program);
    expect(one.licensee).toBe(two.licensee);
  });

  it('a refused big fixture is 400 naming the certificate, and changes neither the world nor the state file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kit-big-seed-'));
    const file = join(dir, 'team.json');
    const { url } = await team(file);
    const count = await total(url);
    const snapshot = await readFile(file);
    const fixture = bigFixture(3000) as Seed & { program: { certificates: { status: string }[] } };
    fixture.program.certificates[2500]!.status = 'Bogus';
    for (const chunked of [false, true]) {
      const answer = await post(url, JSON.stringify(fixture), chunked);
      expect(answer.status).toBe(400);
      expect(answer.text).toContain('program.certificates[2500]');
      const broken = await post(url, JSON.stringify(fixture).slice(0, -2), chunked);
      expect(broken.status).toBe(400);
      expect(JSON.parse(broken.text)).toMatchObject({ status: 400 });
    }
    expect(await total(url)).toBe(count);
    expect(await readFile(file)).toEqual(snapshot);
  });
});

describe('a restart on a sealed snapshot', () => {
  /** A sealed state file holding the default world with one certificate made invalid. */
  async function stateFile(checkedBy: string | undefined) {
    const dir = await mkdtemp(join(tmpdir(), 'kit-checked-by-'));
    const file = join(dir, 'team.json');
    const state = createKit({ now }).control.state() as Seed & {
      program: { certificates: { status: string }[] };
    };
    state.program.certificates[0]!.status = 'Bogus';
    await writeSlices(file, {
      format: STATE_FORMAT,
      savedAt: now.toISOString(),
      throughSeq: 0,
      ...(checkedBy ? { checkedBy } : {}),
      state,
    });
    return file;
  }

  it('checks the world again unless this very kit stamped it (a fingerprint of its schemas)', async () => {
    for (const stamp of [undefined, 'fnv1a:00000000:1'])
      await expect(openStore(createKit({ now }), await stateFile(stamp), now)).rejects.toThrow(
        /does not hold a world this kit can load \(program.certificates\[0\]/,
      );
    // Stamped by this kit: its world passed this kit's check when it was written, and the seal
    // says it is unchanged since, so it is not checked again (here: the planted fault goes in).
    const store = await openStore(createKit({ now }), await stateFile(fixtureCheckerId()), now);
    expect(store.restored.snapshot).toBe(true);
    await store.close();
  });
});
