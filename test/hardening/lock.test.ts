/**
 * Issue 24: one lock winner, always; a lock that cannot be read or names a live process that is
 * not a kit server is reported with what to do, and `--force-unlock` takes it (never from a
 * running kit server).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LockError, lockPathOf, lockStateFile } from '../../mocks/server/lock.js';

const folder = () => mkdtemp(join(tmpdir(), 'kit-lock-'));
/** Above Linux's largest pid (2^22): never a live process. */
const deadPid = 2 ** 22 + 12345;
const staleLock = (n: number) =>
  JSON.stringify({ pid: deadPid + n, host: hostname(), since: '2026-11-30T08:00:00.000Z' });

type Said = { ready?: true; won?: boolean; error?: string; released?: true };

function starter(): { child: ChildProcess; next: () => Promise<Said> } {
  const child = fork('test/hardening/lock-worker.ts', [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const said: Said[] = [];
  const waiting: ((s: Said) => void)[] = [];
  child.on('message', (message: Said) => {
    const waiter = waiting.shift();
    if (waiter) waiter(message);
    else said.push(message);
  });
  return {
    child,
    next: () =>
      new Promise<Said>((resolve) => {
        const first = said.shift();
        if (first) resolve(first);
        else waiting.push(resolve);
      }),
  };
}

const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill();
});

describe('the state file lock (issue 24)', () => {
  it('two servers started together over a stale lock, 100 times: exactly one winner each time', async () => {
    const file = join(await folder(), 'team.json');
    const [a, b] = [starter(), starter()];
    children.push(a.child, b.child);
    expect((await a.next()).ready).toBe(true);
    expect((await b.next()).ready).toBe(true);
    const winners: number[] = [];
    const losses: string[] = [];
    for (let round = 0; round < 100; round++) {
      await writeFile(lockPathOf(file), staleLock(round));
      const at = Date.now() + 15;
      a.child.send({ file, at });
      b.child.send({ file, at });
      const said = await Promise.all([a.next(), b.next()]);
      const won = said.filter((s) => s.won);
      winners.push(won.length);
      if (won.length !== 1) continue;
      losses.push(said.find((s) => !s.won)!.error!);
      const winner = said[0]!.won ? a : b;
      winner.child.send('release');
      expect((await winner.next()).released).toBe(true);
    }
    expect(winners.filter((n) => n !== 1)).toEqual([]);
    for (const loss of losses) expect(loss).toMatch(/in use by process \d+/);
    // Nothing left behind but the state file's folder as it was.
    expect((await readdir(join(file, '..'))).filter((n) => n !== 'team.json.lock')).toEqual([]);
    a.child.send('exit');
    b.child.send('exit');
  }, 120_000);

  const sleeper = () => {
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    children.push(child);
    return child.pid!;
  };

  it.each([
    ['empty', () => '', /cannot be read: it is empty/],
    [
      'not JSON',
      () => 'locked by Bob\n',
      /cannot be read: it does not name a holder \("locked by Bob/,
    ],
    [
      'naming a live process that is not a kit server',
      () => JSON.stringify({ pid: sleeper(), host: hostname(), since: 'yesterday' }),
      /in use by process \d+ on .* That process runs \("sleep 60"\), but the mock cannot tell it is one of its servers/,
    ],
  ])(
    'a lock file %s is reported with what to do; --force-unlock takes it',
    async (_n, content, says) => {
      const file = join(await folder(), 'team.json');
      await writeFile(lockPathOf(file), content());
      const error = (() => {
        try {
          lockStateFile(file);
        } catch (e) {
          return e as Error;
        }
        throw new Error('locked');
      })();
      expect(error).toBeInstanceOf(LockError);
      expect(error.message).toMatch(says);
      expect(error.message).toContain(lockPathOf(file));
      expect(error.message).toMatch(/--force-unlock/);
      const lines: string[] = [];
      const lock = lockStateFile(file, { force: true, log: (l) => lines.push(l) });
      expect(lines.join('\n')).toMatch(/Took over the lock .*forced/);
      expect(JSON.parse(await readFile(lockPathOf(file), 'utf8'))).toMatchObject({
        pid: process.pid,
      });
      lock.release();
    },
  );

  it('a lock whose pid now belongs to another process (reused after a crash) is taken over without force', async () => {
    const file = join(await folder(), 'team.json');
    await writeFile(
      lockPathOf(file),
      JSON.stringify({
        kind: 'eligibility-mock-kit',
        pid: sleeper(),
        host: hostname(),
        since: 'yesterday',
        started: '1',
        nonce: 'x',
      }),
    );
    const lines: string[] = [];
    const lock = lockStateFile(file, { log: (l) => lines.push(l) });
    expect(lines.join('\n')).toMatch(/its pid now belongs to another process/);
    lock.release();
  });

  it('--force-unlock never takes the lock of a running kit server', async () => {
    const file = join(await folder(), 'team.json');
    const held = lockStateFile(file);
    expect(() => lockStateFile(file, { force: true })).toThrow(
      /in use by process \d+ .*Stop that server first.*never takes the lock of a running kit server/,
    );
    held.release();
    lockStateFile(file).release();
  });
});
