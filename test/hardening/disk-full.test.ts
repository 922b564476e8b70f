/**
 * Issue 24: durability that holds when the disk fills, and a restore that refuses what it cannot
 * vouch for. Faults come through the store's file seam (a wrapper around the handle it writes
 * to), so a short write or an ENOSPC halfway needs neither root nor a tiny mount.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, open, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { enrollment } from './support.js';
import type { Files, WritableFile } from '../../mocks/server/files.js';
import {
  openStore,
  readSnapshot,
  StateFileError,
  type PersistenceOptions,
  type Store,
} from '../../mocks/server/persistence.js';
import { defaultSeed } from '../../src/core/seed.js';
import { createKit } from '../../src/kit.js';

const start = new Date('2026-11-21T09:00:00.000Z');
const newKit = () => createKit({ now: start, ticking: true });
const folder = () => mkdtemp(join(tmpdir(), 'kit-disk-full-'));

/** What the n-th write (from 1) to a file does: all of it, only `short` bytes, or ENOSPC. */
type Plan = (path: string, n: number, length: number) => 'all' | { short: number } | 'ENOSPC';

/** Real files whose writes follow `plan`, as a nearly full disk's do. */
function faultyFiles(plan: Plan): Files & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async open(path, flags) {
      const real = await open(path, flags);
      let n = 0;
      const file: WritableFile = {
        write: async (buffer, offset, length, position) => {
          const what = plan(path, ++n, length);
          calls.push(`${basename(path)} #${n} ${length}: ${JSON.stringify(what)}`);
          if (what === 'ENOSPC')
            throw Object.assign(new Error('ENOSPC: no space left on device, write'), {
              code: 'ENOSPC',
            });
          return real.write(buffer, offset, what === 'all' ? length : what.short, position);
        },
        read: (buffer, offset, length, position) => real.read(buffer, offset, length, position),
        datasync: () => real.datasync(),
        sync: () => real.sync(),
        truncate: (length) => real.truncate(length),
        stat: () => real.stat(),
        close: () => real.close(),
      };
      return file;
    },
  };
}

/** Writes `count` enrollments; the ids of those answered 201. */
async function write(store: Store, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await enrollment(store);
    if (answer.status === 201) ids.push((JSON.parse(answer.body!) as { id: string }).id);
  }
  return ids;
}

const reopen = async (file: string, options: PersistenceOptions = {}) => {
  const kit = newKit();
  const store = await openStore(kit, file, new Date(), options);
  return { kit, store };
};

const logsIn = async (dir: string) => (await readdir(dir)).filter((n) => n.endsWith('.log')).sort();

describe('a write that does not all reach the disk (issue 24)', () => {
  it('a short append then ENOSPC: answered 503, cut back to the last whole record, nothing applied, no gap after', async () => {
    const dir = await folder();
    const file = join(dir, 'team.json');
    let full = false;
    // On a nearly full disk, write(353 bytes) = 82 and the rest fails with ENOSPC.
    const files = faultyFiles((path, _n, length) =>
      !full || !path.endsWith('.log') ? 'all' : length > 82 ? { short: 82 } : 'ENOSPC',
    );
    const kit = newKit();
    const store = await openStore(kit, file, start, { files });
    const before = await write(store, 3);
    const [segment] = await logsIn(dir);
    const sizeBefore = (await stat(join(dir, segment!))).size;
    const enrollmentsBefore = kit.world.program.enrollments.size;

    full = true;
    const refused = await enrollment(store);
    expect(refused.status).toBe(503);
    expect(files.calls.at(-2)).toMatch(/short/);
    expect(files.calls.at(-1)).toMatch(/ENOSPC/);
    expect((await stat(join(dir, segment!))).size).toBe(sizeBefore);
    expect(kit.world.program.enrollments.size).toBe(enrollmentsBefore);

    full = false; // space freed
    const after = await write(store, 3);
    expect(after).toHaveLength(3);
    await store.close();

    const again = await reopen(file);
    expect(again.store.restored.replayed).toBe(6);
    for (const id of [...before, ...after])
      expect(again.kit.world.program.enrollments.has(id)).toBe(true);
    expect(again.kit.world.program.enrollments.size).toBe(kit.world.program.enrollments.size);
    await again.store.close();
  });

  it('a short append that the disk then takes whole is written to its last byte and answered 201', async () => {
    const file = join(await folder(), 'team.json');
    const files = faultyFiles((path, n) =>
      path.endsWith('.log') && n % 2 === 1 ? { short: 7 } : 'all',
    );
    const store = await openStore(newKit(), file, start, { files });
    const ids = await write(store, 5);
    expect(ids).toHaveLength(5);
    await store.close();
    const again = await reopen(file);
    expect(again.store.restored.replayed).toBe(5);
    for (const id of ids) expect(again.kit.world.program.enrollments.has(id)).toBe(true);
    await again.store.close();
  });
});

describe('a snapshot that does not all reach the disk (issue 24)', () => {
  it('a short slice is written on to its end: the snapshot verifies and covers the writes', async () => {
    const file = join(await folder(), 'team.json');
    const files = faultyFiles((path, n, length) =>
      path.endsWith('.tmp') && n === 1 ? { short: Math.floor(length / 3) } : 'all',
    );
    const kit = newKit();
    const store = await openStore(kit, file, start, { files, snapshotEvery: 5 });
    const ids = await write(store, 12);
    await store.close();
    expect(files.calls.some((c) => c.includes('.tmp') && c.includes('short'))).toBe(true);
    expect(readSnapshot(file)?.throughSeq).toBeGreaterThanOrEqual(5);
    const again = await reopen(file);
    for (const id of ids) expect(again.kit.world.program.enrollments.has(id)).toBe(true);
    await again.store.close();
  });

  it.each([
    ['a short slice then ENOSPC', (n: number) => (n === 1 ? { short: 100 } : 'ENOSPC')],
    ['ENOSPC mid-snapshot (the seal)', (n: number) => (n >= 2 ? 'ENOSPC' : 'all')],
  ] as const)(
    '%s: logged once, the old snapshot and every segment kept, retried later, nothing lost',
    async (_name, fault) => {
      const dir = await folder();
      const file = join(dir, 'team.json');
      let full = false;
      const files = faultyFiles((path, n) =>
        full && path.endsWith('.tmp') ? (fault(n) as ReturnType<Plan>) : 'all',
      );
      const warnings: string[] = [];
      const store = await openStore(newKit(), file, start, {
        files,
        snapshotEvery: 5,
        snapshotRetryMs: 0,
        warn: (message) => warnings.push(message),
      });
      const snapshotBefore = await readFile(file);
      full = true;
      const ids = await write(store, 23); // four snapshots tried, each failing
      await store.close();
      expect(ids).toHaveLength(23);
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/snapshot of .*team\.json failed .*nothing was deleted.*ENOSPC/);
      expect(await readFile(file)).toEqual(snapshotBefore);
      expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);

      const again = await reopen(file);
      expect(again.store.restored.replayed).toBe(23);
      for (const id of ids) expect(again.kit.world.program.enrollments.has(id)).toBe(true);
      await again.store.close();
      // Space again: the next snapshot is written and says so.
      full = false;
      const third = await openStore(newKit(), file, new Date(), {
        files,
        snapshotEvery: 5,
        warn: (message) => warnings.push(message),
      });
      await third.close();
    },
  );

  it('a seed is answered once its snapshot is durable, and is not in the log; if the snapshot fails, 503 and the world as it was', async () => {
    const dir = await folder();
    const file = join(dir, 'team.json');
    let full = false;
    const files = faultyFiles((path) => (full && path.endsWith('.tmp') ? 'ENOSPC' : 'all'));
    const kit = newKit();
    const store = await openStore(kit, file, start, { files });
    await write(store, 2);
    const written = kit.world.program.enrollments.size;
    const fixture = defaultSeed(start);
    const seed = () =>
      store.handleControl(
        {
          method: 'POST',
          path: '/seed',
          rawQuery: '',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(fixture),
        },
        '/seed',
      );
    full = true;
    const refused = await seed();
    expect(refused.status).toBe(503);
    expect(kit.world.program.enrollments.size).toBe(written);
    full = false;
    expect((await seed()).status).toBe(200);
    expect(kit.world.program.enrollments.size).toBe(written - 2);
    const after = await write(store, 1);
    await store.close();
    expect(readSnapshot(file)?.throughSeq).toBe(3);
    const logged = (
      await Promise.all((await logsIn(dir)).map((n) => readFile(join(dir, n), 'utf8')))
    ).join('');
    expect(logged).not.toContain('/seed');
    const again = await reopen(file);
    expect(again.store.restored.replayed).toBe(1);
    expect(again.kit.world.program.enrollments.size).toBe(written - 1);
    expect(again.kit.world.program.enrollments.has(after[0]!)).toBe(true);
    await again.store.close();
  });
});

// ---------------------------------------------------------------- tampering

/** A state file with three log segments of 4 writes each (a restart starts a segment). */
async function threeSegments() {
  const dir = await folder();
  const file = join(dir, 'team.json');
  const ids: string[] = [];
  const first = await openStore(newKit(), file, start);
  ids.push(...(await write(first, 4)));
  await first.close();
  for (let i = 0; i < 2; i++) {
    const { store } = await reopen(file);
    ids.push(...(await write(store, 4)));
    await store.close();
  }
  const logs = await logsIn(dir);
  expect(logs).toHaveLength(3);
  return { dir, file, ids, logs: logs.map((n) => join(dir, n)) };
}

/** Every file beside the state file, with its bytes. */
const filesOf = async (dir: string) =>
  Object.fromEntries(
    await Promise.all(
      (await readdir(dir)).map(async (n) => [n, (await readFile(join(dir, n))).toString('base64')]),
    ),
  );

const refusal = async (file: string) => {
  try {
    await reopen(file);
  } catch (error) {
    expect(error).toBeInstanceOf(StateFileError);
    return (error as Error).message;
  }
  throw new Error('the store opened');
};

/** Rewrites line `index` (from 0) of a segment. */
async function editLine(path: string, index: number, edit: (line: string) => string) {
  const lines = (await readFile(path, 'utf8')).split('\n');
  lines[index] = edit(lines[index]!);
  await writeFile(path, lines.join('\n'));
}

/** A record re-sealed after an edit, as a careful forger would (the CRC matches again). */
const reseal = (line: string) => {
  const open = line.replace(/,"crc":"[0-9a-f]{8}"\}$/, '');
  const crc = crc32(Buffer.from(`${open}}`));
  return `${open},"crc":"${crc.toString(16).padStart(8, '0')}"}`;
};

const byteOf = async (path: string, line: number) =>
  (await readFile(path, 'utf8'))
    .split('\n')
    .slice(0, line)
    .reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);

describe('a restore refuses what it cannot vouch for, and --recover keeps the verified prefix (issue 24)', () => {
  const cases: {
    name: string;
    tamper: (t: Awaited<ReturnType<typeof threeSegments>>) => Promise<void>;
    /** What the message says (besides --recover). */
    says: (t: Awaited<ReturnType<typeof threeSegments>>) => Promise<RegExp[]>;
    /** Writes kept by --recover, and complete records it moves aside. */
    kept: number;
    dropped: number;
  }[] = [
    {
      name: 'the snapshot deleted, its logs kept',
      tamper: ({ file }) => rm(file),
      says: async ({ file, logs }) => [
        new RegExp(`state file ${file} is missing`),
        new RegExp(basename(logs[0]!)),
        /12 logged writes from seq 1/,
      ],
      kept: 0,
      dropped: 12,
    },
    {
      name: 'a missing middle segment',
      tamper: ({ logs }) => rm(logs[1]!),
      says: async ({ logs }) => [
        new RegExp(`${logs[2]!} is damaged at byte 0, where seq 5 should be`),
        /seq 9 where seq 5 should follow/,
        /4 acknowledged writes dropped/,
      ],
      kept: 4,
      dropped: 4,
    },
    {
      name: 'a changed seq (checksum left as it was)',
      tamper: ({ logs }) => editLine(logs[1]!, 2, (l) => l.replace('"seq":7', '"seq":8')),
      says: async ({ logs }) => [
        new RegExp(`${logs[1]!} is damaged at byte ${await byteOf(logs[1]!, 2)}, where seq 7`),
        /checksum mismatch/,
        /6 acknowledged writes dropped/,
      ],
      kept: 6,
      dropped: 6,
    },
    {
      name: 'a changed seq (checksum forged to match)',
      tamper: ({ logs }) => editLine(logs[1]!, 2, (l) => reseal(l.replace('"seq":7', '"seq":8'))),
      says: async ({ logs }) => [
        new RegExp(`${logs[1]!} is damaged at byte ${await byteOf(logs[1]!, 2)}, where seq 7`),
        /seq 8 where seq 7 should follow/,
      ],
      kept: 6,
      dropped: 6,
    },
    {
      name: '20 bytes changed inside a string (still valid JSON)',
      tamper: ({ logs }) =>
        editLine(logs[0]!, 1, (l) => {
          const at = /[\w:. -]{20}/.exec(l.slice(12))!.index + 12;
          const changed = `${l.slice(0, at)}${'X'.repeat(20)}${l.slice(at + 20)}`;
          JSON.parse(changed); // still valid JSON, the same length
          return changed;
        }),
      says: async ({ logs }) => [
        new RegExp(`${logs[0]!} is damaged at byte ${await byteOf(logs[0]!, 1)}, where seq 2`),
        /checksum mismatch/,
        /11 acknowledged writes dropped/,
      ],
      kept: 1,
      dropped: 11,
    },
    {
      name: 'a torn record in a segment that is not the last',
      tamper: async ({ logs }) => {
        const text = await readFile(logs[0]!, 'utf8');
        await writeFile(logs[0]!, text.slice(0, text.length - 40));
      },
      says: async ({ logs }) => [
        new RegExp(`${logs[0]!} is damaged at byte ${await byteOf(logs[0]!, 3)}, where seq 4`),
        /torn record .* not the last/,
        /8 acknowledged writes dropped/,
      ],
      kept: 3,
      dropped: 8,
    },
  ];

  it.each(cases)('$name: refused, naming file, byte and seq, and nothing changed', async (c) => {
    const t = await threeSegments();
    await c.tamper(t);
    const before = await filesOf(t.dir);
    const message = await refusal(t.file);
    for (const pattern of await c.says(t)) expect(message).toMatch(pattern);
    expect(message).toMatch(/--recover/);
    expect(await filesOf(t.dir)).toEqual(before);
  });

  it.each(cases)(
    '$name: --recover keeps the verified prefix and moves the rest aside',
    async (c) => {
      const t = await threeSegments();
      await c.tamper(t);
      const { kit, store } = await reopen(t.file, { recover: true });
      const recovered = store.restored.recovered!;
      expect(recovered.keptThrough).toBe(c.kept);
      expect(recovered.dropped).toBe(c.dropped);
      expect(existsSync(recovered.folder)).toBe(true);
      expect((await readdir(recovered.folder)).length).toBeGreaterThan(0);
      const kept = t.ids.slice(0, c.kept);
      for (const id of kept) expect(kit.world.program.enrollments.has(id)).toBe(true);
      for (const id of t.ids.slice(c.kept))
        expect(kit.world.program.enrollments.has(id)).toBe(false);
      // It goes on from there, and the next start finds nothing to refuse.
      await write(store, 2);
      await store.close();
      const next = await reopen(t.file);
      expect(next.store.restored.recovered).toBeUndefined();
      await next.store.close();
    },
  );

  it('a snapshot with bytes changed inside a string (still valid JSON) is refused; --recover starts from the seed', async () => {
    const t = await threeSegments();
    const text = await readFile(t.file, 'utf8');
    const changed = text.replace('Oscorp Industries', 'Oscorp Industrie5');
    expect(changed).not.toBe(text);
    JSON.parse(changed);
    await writeFile(t.file, changed);
    const message = await refusal(t.file);
    expect(message).toMatch(new RegExp(`state file ${t.file} is damaged: .*checksum`));
    expect(message).toMatch(/--recover/);
    const { store } = await reopen(t.file, { recover: true });
    expect(store.restored.recovered?.dropped).toBe(12);
    expect(store.restored.snapshot).toBe(false);
    await store.close();
  });

  it('a torn record at the very end of the last segment (a crash mid-append) is cut off, as before', async () => {
    const t = await threeSegments();
    const text = await readFile(t.logs[2]!, 'utf8');
    await writeFile(t.logs[2]!, `${text}{"seq":13,"at":"2026-11-`);
    const { kit, store } = await reopen(t.file);
    expect(store.restored.replayed).toBe(12);
    for (const id of t.ids) expect(kit.world.program.enrollments.has(id)).toBe(true);
    await store.close();
    expect(await readFile(t.logs[2]!, 'utf8')).toBe(text);
  });
});
