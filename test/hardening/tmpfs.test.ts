/**
 * Issue 24 on a real full disk: a 1 MB tmpfs mounted for the test, filled until the store's
 * writes fail. The seam-based tests (disk-full.test.ts) inject each fault exactly; this one
 * checks the same promises against the kernel's own ENOSPC and short writes. Mounting needs
 * root: without it the suite is skipped and says so.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { enrollment } from './support.js';
import { openStore, type Store } from '../../mocks/server/persistence.js';
import { createKit } from '../../src/kit.js';

const start = new Date('2026-11-21T09:00:00.000Z');
const newKit = () => createKit({ now: start, ticking: true });

/** A fresh tmpfs of `size`, or why there is none. */
function mountTmpfs(size: string): { dir: string } | { why: string } {
  if (process.getuid?.() !== 0) return { why: 'not root' };
  const dir = mkdtempSync(join(tmpdir(), 'kit-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return { dir };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { why: `mount -t tmpfs failed: ${String((error as Error).message).split('\n')[0]}` };
  }
}

const mounted = mountTmpfs('1m');
if ('why' in mounted)
  console.warn(
    `test/hardening/tmpfs.test.ts skipped: needs root to mount a tmpfs (${mounted.why})`,
  );

afterAll(() => {
  if ('dir' in mounted) {
    execFileSync('umount', [mounted.dir]);
    rmSync(mounted.dir, { recursive: true, force: true });
  }
});

/** Writes until `count` answers; the ids answered 201 and the statuses of the others. */
async function writeMany(store: Store, count: number) {
  const ids: string[] = [];
  const refused: number[] = [];
  for (let i = 0; i < count; i++) {
    const answer = await enrollment(store);
    if (answer.status === 201) ids.push((JSON.parse(answer.body!) as { id: string }).id);
    else refused.push(answer.status);
  }
  return { ids, refused };
}

describe.skipIf('why' in mounted)('a state file on a real, nearly full tmpfs (root only)', () => {
  it('appends and snapshots fail with 503 and a warning, never a torn file; every acknowledged write is restored once space is back', async () => {
    const dir = (mounted as { dir: string }).dir;
    const file = join(dir, 'team.json');
    const warnings: string[] = [];
    const kit = newKit();
    const store = await openStore(kit, file, start, {
      snapshotEvery: 50,
      snapshotRetryMs: 0,
      warn: (message) => warnings.push(message),
    });
    // Leave about 64 kB: room for some log records, not for a snapshot of the world.
    const { bavail, bsize } = statfsSync(dir);
    const filler = join(dir, 'filler');
    await writeFile(filler, Buffer.alloc(Math.max(0, bavail * bsize - 64 * 1024)));

    const full = await writeMany(store, 400);
    expect(full.ids.length).toBeGreaterThan(0);
    expect(full.refused.length).toBeGreaterThan(0);
    expect(new Set(full.refused)).toEqual(new Set([503]));
    const acknowledged = kit.world.program.enrollments.size;
    // The snapshot at the 50th write found no room: said once, nothing deleted.
    expect(warnings).toEqual([
      expect.stringMatching(/snapshot of .*failed .*nothing was deleted.*ENOSPC/),
    ]);

    await rm(filler); // space freed
    const after = await writeMany(store, 5);
    expect(after.refused).toEqual([]);
    await store.close();

    const again = newKit();
    const reopened = await openStore(again, file, new Date());
    for (const id of [...full.ids, ...after.ids])
      expect(again.world.program.enrollments.has(id)).toBe(true);
    expect(again.world.program.enrollments.size).toBe(acknowledged + after.ids.length);
    await reopened.close();
  }, 60_000);
});
