/**
 * Issue 23, point 5: contract runs in parallel on one mock, each in its own session
 * (`--session <id>`, `--session new`), and the explorer seeding from and resetting only its
 * session. The default session, where a developer keeps a demo, is never touched.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { contractsCommand } from '../../cli/contracts.js';
import { serve, type Serving } from '../../mocks/server/serve.js';
import { createSessions, type Sessions } from '../../src/sessions.js';
import { testNow } from '../support/doors.js';
import { newCertificate } from './support.js';

let serving: Serving;
let sessions: Sessions;
let demo: string;
const certificates = () => `${serving.url}/public/v1/program/certificates`;
const auth = { authorization: 'Bearer ops-token', 'content-type': 'application/json' };

beforeAll(async () => {
  sessions = createSessions({ now: testNow });
  serving = await serve(sessions.default, { sessions });
  // A developer's demo in the default session: a certificate of its own and a clock moved on.
  const made = await fetch(certificates(), {
    method: 'POST',
    headers: auth,
    body: JSON.stringify(newCertificate),
  });
  demo = ((await made.json()) as { id: string }).id;
  await fetch(`${serving.url}/__control/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ advance: 'P3D' }),
  });
});
afterAll(() => serving.close());

/** What the CLI wrote on stderr (its console is quiet here; runs in parallel share it). */
const errors: string[] = [];
beforeAll(() => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'error').mockImplementation((line) => void errors.push(String(line)));
});
afterAll(() => vi.restoreAllMocks());

/** The CLI in process; its exit code. */
const contracts = async (args: string[]) => ({
  code: await contractsCommand(['--target', serving.url, ...args]),
  errors,
});

async function demoIntact() {
  const read = await fetch(`${certificates()}/${demo}`, { headers: auth });
  expect(read.status).toBe(200);
  const clock = (await (await fetch(`${serving.url}/__control/clock`)).json()) as { now: string };
  expect(clock.now).toBe('2026-11-24T09:00:00.000Z');
  const journal = (await (await fetch(`${serving.url}/__control/journal?limit=500`)).json()) as {
    entries: { method: string; path: string }[];
  };
  // Only this file's own calls (the demo's write, the reads above) reached the default session.
  const own = journal.entries.filter(
    (e) => e.path === `/v1/program/certificates/${demo}` || e.method === 'POST',
  );
  expect(own).toEqual(journal.entries);
  expect(journal.entries.filter((e) => e.method === 'POST')).toHaveLength(1);
}

describe('eligibility-mock contracts --session', () => {
  it('--session new: a session for the run, its id printed, deleted after; the default untouched', async () => {
    const { code, errors } = await contracts(['--session', 'new']);
    expect(code).toBe(0);
    expect(errors.join('\n')).toMatch(/^Session: \S+ \(made for this run, deleted after it\)$/m);
    expect(sessions.list().map((s) => s.id)).toEqual(['default']);
    await demoIntact();
  });

  it('4 runs in parallel on one mock, each in its own session: all pass', async () => {
    const runs = await Promise.all(
      ['ci-1', 'ci-2', 'ci-3', 'ci-4'].map((id) => contracts(['--session', id])),
    );
    expect(runs.map((run) => run.code)).toEqual([0, 0, 0, 0]);
    const listed = sessions.list().filter((s) => s.id.startsWith('ci-'));
    expect(listed).toHaveLength(4);
    for (const session of listed) expect(session.requests).toBeGreaterThan(50);
    await demoIntact();
  });

  it('the explorer seeds from and resets only its session', async () => {
    const { code } = await contracts(['--session', 'explore-1', '--explore', '30', '--seed', '7']);
    expect(code).toBe(0);
    expect(sessions.list().find((s) => s.id === 'explore-1')?.requests).toBeGreaterThan(30);
    await demoIntact();
  });

  it('a bad --session is refused before anything runs', async () => {
    await expect(contracts(['--session', 'no spaces'])).rejects.toThrow(/--session must be/);
  });
});
