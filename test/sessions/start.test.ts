/**
 * Issue 23 through `npm start`: --max-sessions and --session-ttl, the banner saying how
 * sessions are bounded, and a mock with --state-file keeping every session (0047).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { durationMs, humanDuration } from '../../cli/start.js';
import { startMock, stopMocks } from '../support/npm-start.js';

afterEach(() => stopMocks());
const start = (args: string[]) => startMock(args);

const get = (url: string, session?: string) =>
  fetch(url, {
    headers: {
      authorization: 'Bearer ops-token',
      ...(session ? { 'mock-session': session } : {}),
    },
  });

describe('npm start with sessions', () => {
  it('--max-sessions and --session-ttl bound the sessions, and the banner says so', async () => {
    const mock = await start(['--max-sessions', '1', '--session-ttl', '30m']);
    expect(mock.output()).toContain('Sessions: at most 1 (--max-sessions), dropped after 30m idle');
    const certificates = `${mock.url}/public/v1/program/certificates`;
    expect((await get(certificates, 'ci-1')).status).toBe(200);
    const second = await get(certificates, 'ci-2');
    expect(second.status).toBe(429);
    // Nothing idle yet: the one session is free in (about) its whole TTL.
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(1790);
    const prefixed = await fetch(`${mock.url}/__session/ci-1/__control/clock`);
    expect(prefixed.status).toBe(200);
  });

  it('with --state-file every session is kept: a restart (even a SIGKILL) finds each where it was', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'kit-sessions-')), 'team.json');
    const args = ['--state-file', file];
    const first = await start(args);
    expect(first.output()).toContain('kept in the state file');
    const enrollments = (url: string) => `${url}/public/v1/program/enrollments`;
    const made = await fetch(enrollments(first.url), {
      method: 'POST',
      headers: {
        authorization: 'Bearer client-token',
        'content-type': 'application/json',
        'mock-session': 'ci-1',
      },
      body: JSON.stringify({
        program: { id: 'PRG-9643-3741' },
        licensee: { id: 'LCE-5758-4071-6507' },
        parameters: { ordering: [{ id: 'PPM-9643-3741-0001', value: 'MPN-1' }] },
      }),
    });
    expect(made.status).toBe(201);
    const id = ((await made.json()) as { id: string }).id;
    const moved = await fetch(`${first.url}/__session/ci-2/__control/clock`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ advance: 'P30D' }),
    });
    expect(moved.status).toBe(200);
    const clock = ((await moved.json()) as { now: string }).now;
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));

    const second = await start(args);
    const one = (session?: string) => get(`${enrollments(second.url)}/${id}`, session);
    expect((await one('ci-1')).status).toBe(200);
    expect((await one()).status).toBe(404);
    const again = (await (await fetch(`${second.url}/__session/ci-2/__control/clock`)).json()) as {
      now: string;
    };
    expect(Date.parse(again.now)).toBeGreaterThanOrEqual(Date.parse(clock));
    const listed = (await (await fetch(`${second.url}/__control/sessions`)).json()) as {
      sessions: { id: string }[];
    };
    expect(listed.sessions.map((session) => session.id).sort()).toEqual([
      'ci-1',
      'ci-2',
      'default',
    ]);
  });

  it('a bad --session-ttl or --max-sessions is refused before anything starts', async () => {
    expect(durationMs('24h', '--session-ttl')).toBe(86_400_000);
    expect(durationMs('90s', '--session-ttl')).toBe(90_000);
    expect(
      ['24h', '30m', '7d', '90s', '1500ms'].map((d) => humanDuration(durationMs(d, 'x'))),
    ).toEqual(['24h', '30m', '7d', '90s', '1500ms']);
    expect(() => durationMs('1 day', '--session-ttl')).toThrow(/30m, 24h or 7d/);
    expect(() => durationMs('0m', '--session-ttl')).toThrow(/duration/);
    const mock = await start(['--max-sessions', 'lots']);
    expect(mock.child.exitCode ?? (await new Promise((r) => mock.child.on('exit', r)))).toBe(2);
    expect(mock.output()).toContain('--max-sessions must be a whole number');
  });
});
