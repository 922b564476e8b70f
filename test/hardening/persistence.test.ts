/**
 * `npm start -- --state-file`: the world survives a restart, even a SIGKILL in the middle of a
 * write-heavy loop (every acknowledged write is there and the file reads), and a corrupt or
 * foreign file is refused with a clear message, never replaced.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readState } from '../../mocks/server/persistence.js';
import { seedCustomers } from '../../src/core/partner/seed.js';
import { createKit } from '../../src/kit.js';
import { freePort } from '../../scripts/prism.js';

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

async function start(stateFile: string): Promise<Started> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'cli/npm-start.ts', '--state-file', stateFile],
    {
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) break;
    // The last line start.ts prints: everything before it (e.g. "(restored)") is in by then.
    if (output.includes('Virtual clock:')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url, output: () => output };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    // A process killed by a signal has no exit code, only a signal.
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.on('exit', (code) => resolve(code));
  });

const enrollment = {
  program: { id: 'PRG-9643-3741' },
  licensee: { id: 'LCE-5758-4071-6507' },
  parameters: { ordering: [{ id: 'PPM-9643-3741-0001', value: 'MPN-1' }] },
};

describe('state file', () => {
  it('keeps every acknowledged write across a SIGKILL in the middle of a write-heavy loop', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'kit-state-')), 'team-mock.json');
    const first = await start(file);
    const clockBefore = (
      (await (await fetch(`${first.url}/__control/clock`)).json()) as { now: string }
    ).now;
    const realBefore = Date.now();
    const acknowledged: string[] = [];
    let stop = false;
    const failures: string[] = [];
    const writer = async () => {
      while (!stop) {
        try {
          const response = await fetch(`${first.url}/public/v1/program/enrollments`, {
            method: 'POST',
            headers: { authorization: 'Bearer client-token', 'content-type': 'application/json' },
            body: JSON.stringify(enrollment),
          });
          if (response.status === 201)
            acknowledged.push(((await response.json()) as { id: string }).id);
        } catch (error) {
          failures.push(String(error));
          return; // the server is gone
        }
      }
    };
    const writers = Array.from({ length: 4 }, writer);
    const deadline = Date.now() + 20_000;
    while (acknowledged.length < 40 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 10));
    expect(acknowledged.length, first.output()).toBeGreaterThanOrEqual(40);
    first.child.kill('SIGKILL'); // writes are still in flight
    console.log(`SIGKILL after ${acknowledged.length} acknowledged writes`);
    stop = true;
    await Promise.all(writers);
    await exited(first.child);

    // The snapshot and the log together (the next start reads both).
    const saved = readState(file, () => createKit({ ticking: true }));
    expect([...(saved?.program?.enrollments ?? [])].length).toBeGreaterThanOrEqual(
      7 + acknowledged.length,
    );

    const second = await start(file);
    try {
      expect(second.output()).toContain('(restored)');
      // The virtual clock went on while the server was down (it did not restart from the last
      // write): it moved as much as real time did, give or take the reads themselves.
      const clockAfter = (
        (await (await fetch(`${second.url}/__control/clock`)).json()) as { now: string }
      ).now;
      const realElapsed = Date.now() - realBefore;
      console.log(
        `clock moved ${Date.parse(clockAfter) - Date.parse(clockBefore)} ms in ${realElapsed} ms`,
      );
      expect(Date.parse(clockAfter) - Date.parse(clockBefore)).toBeGreaterThan(realElapsed - 250);
      for (const id of acknowledged) {
        const read = await fetch(`${second.url}/public/v1/program/enrollments/${id}`, {
          headers: { authorization: 'Bearer client-token' },
        });
        expect(read.status, `acknowledged enrollment ${id}`).toBe(200);
      }
      // New ids do not collide with restored ones.
      const next = await fetch(`${second.url}/public/v1/program/enrollments`, {
        method: 'POST',
        headers: { authorization: 'Bearer client-token', 'content-type': 'application/json' },
        body: JSON.stringify(enrollment),
      });
      expect(next.status).toBe(201);
      expect(acknowledged).not.toContain(((await next.json()) as { id: string }).id);
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  }, 60_000);

  it('keeps remembered Partner Center answers across a restart: a retry replays, the id on another request is refused (issue 13)', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'kit-state-')), 'team-mock.json');
    const requestId = 'e5b8a61c-9f72-4db4-a0a5-6c2b1f4e8d37';
    const post = (url: string, customer: string) =>
      fetch(`${url}/v1/customers/${customer}/qualifications`, {
        method: 'POST',
        headers: {
          authorization: 'Bearer partner-token',
          'content-type': 'application/json',
          'MS-RequestId': requestId,
        },
        body: JSON.stringify({ qualification: 'StateOwnedEntity' }),
      });
    const first = await start(file);
    let firstText: string;
    try {
      const created = await post(first.url, seedCustomers.none);
      expect(created.status).toBe(201);
      firstText = await created.text();
    } finally {
      first.child.kill('SIGTERM');
      await exited(first.child);
    }
    const second = await start(file);
    try {
      expect(second.output()).toContain('(restored)');
      const retry = await post(second.url, seedCustomers.none);
      // Not 409 "already held": the first answer, replayed.
      expect([retry.status, await retry.text()]).toEqual([201, firstText]);
      const other = await post(second.url, seedCustomers.academicNone);
      expect([other.status, ((await other.json()) as { code: number }).code]).toEqual([
        400, 800005,
      ]);
    } finally {
      second.child.kill('SIGTERM');
      await exited(second.child);
    }
  }, 60_000);

  it.each([
    ['corrupt', '{"format":"eligibility-mock-kit/state@2","state":{', /not valid JSON/],
    ['foreign', '{"users":[{"name":"someone else"}]}\n', /not a state file of this kit/],
  ])(
    'refuses a %s file with a clear message and leaves it as it was',
    async (_kind, content, message) => {
      const file = join(await mkdtemp(join(tmpdir(), 'kit-state-')), 'state.json');
      await writeFile(file, content);
      const started = await start(file);
      expect(await exited(started.child)).toBe(1);
      expect(started.output()).toMatch(message);
      expect(await readFile(file, 'utf8')).toBe(content);
    },
  );

  it('lets one server at a time use a state file: a second refuses, naming the holder', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'kit-state-')), 'team.json');
    const first = await start(file);
    try {
      const second = await start(file);
      expect(await exited(second.child)).toBe(1);
      expect(second.output()).toContain(`in use by process ${first.child.pid}`);
      expect(second.output()).toContain(`${file}.lock`);
      // The first one is untouched and still answers.
      expect((await fetch(`${first.url}/__control/clock`)).status).toBe(200);
    } finally {
      first.child.kill('SIGTERM');
      await exited(first.child);
    }
    // Released on a clean stop; a lock left by a process that is gone is taken over.
    await writeFile(
      `${file}.lock`,
      JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: 'then' }),
    );
    const third = await start(file);
    try {
      expect(third.output()).toContain('(restored)');
    } finally {
      third.child.kill('SIGKILL');
      await exited(third.child);
    }
  }, 60_000);

  it('removes leftover temporary files at start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kit-state-'));
    const file = join(dir, 'team.json');
    await writeFile(join(dir, '.team.json.4242.tmp'), '{"half": ');
    await writeFile(join(dir, 'other.tmp'), 'not ours');
    const started = await start(file);
    started.child.kill('SIGTERM');
    expect(await exited(started.child)).toBe(0);
    const names = await readdir(dir);
    expect(names).not.toContain('.team.json.4242.tmp');
    expect(names).toContain('other.tmp');
  }, 30_000);

  it('stops gracefully on SIGTERM: the request in flight is answered, saved, and the exit code is 0', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'kit-state-')), 'team.json');
    const first = await start(file);
    // The answer is held 1.5 s after the change is made (injected latency): SIGTERM comes meanwhile.
    const inFlight = fetch(`${first.url}/public/v1/program/enrollments`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer client-token',
        'content-type': 'application/json',
        prefer: 'latency=1500',
      },
      body: JSON.stringify(enrollment),
    });
    await new Promise((r) => setTimeout(r, 500));
    first.child.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).toBe(201);
    const { id } = (await answer.json()) as { id: string };
    expect(await exited(first.child)).toBe(0);
    expect(first.output()).toContain('SIGTERM: stopping');
    await expect(readFile(`${file}.lock`)).rejects.toThrow();

    const second = await start(file);
    try {
      const read = await fetch(`${second.url}/public/v1/program/enrollments/${id}`, {
        headers: { authorization: 'Bearer client-token' },
      });
      expect(read.status).toBe(200);
    } finally {
      second.child.kill('SIGINT');
      expect(await exited(second.child)).toBe(0);
    }
  }, 30_000);
});
