/**
 * Issue 23 through `npm start`: --max-sessions and --session-ttl, the banner saying how
 * sessions are bounded, and a mock with --state-file serving only its default session (0047).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { durationMs, humanDuration } from '../../cli/start.js';
import { freePort } from '../../scripts/prism.js';

interface Started {
  child: ChildProcess;
  url: string;
  output: () => string;
}

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGTERM');
});

async function start(args: string[]): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/npm-start.ts', ...args], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk) => (output += chunk.toString()));
  for (let i = 0; i < 300 && child.exitCode === null; i++) {
    if (output.includes('Virtual clock:')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url: `http://127.0.0.1:${port}`, output: () => output };
}

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

  it('with --state-file only the default session is served: a named one is 400, saying why', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'kit-sessions-')), 'team.json');
    const mock = await start(['--state-file', file]);
    expect(mock.output()).toContain('Sessions: only the default one');
    const certificates = `${mock.url}/public/v1/program/certificates`;
    expect((await get(certificates)).status).toBe(200);
    const named = await get(certificates, 'ci-1');
    expect(named.status).toBe(400);
    expect(JSON.stringify(await named.json())).toContain('not durable yet');
    const control = await fetch(`${mock.url}/__session/ci-1/__control/reset`, { method: 'POST' });
    expect(control.status).toBe(400);
    const created = await fetch(`${mock.url}/__control/sessions`, { method: 'POST' });
    expect(created.status).toBe(400);
    expect((await get(certificates, 'default')).status).toBe(200);
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
