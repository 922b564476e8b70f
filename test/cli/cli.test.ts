/**
 * The `eligibility-mock` command (issue 14): every mistake is one line that says what to do,
 * exit 2 when the run cannot happen; `--out` creates its folder; an `--only` that selects no
 * check is an error listing the names; an unreachable target is one line.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve, type Serving } from '../../mocks/server/serve.js';
import { freePort } from '../../scripts/prism.js';
import { createKit } from '../../src/kit.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

const cli = (args: string[], entry = 'cli/bin.ts'): Promise<Result> =>
  new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', entry, ...args],
      { timeout: 60_000, env },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

// Where the mock listens is the test's to say, not the environment's.
const env = Object.fromEntries(
  Object.entries(process.env).filter(
    ([name]) => !['PORT', 'HOST', 'KIT_STATE_FILE'].includes(name),
  ),
);

const lines = (text: string) => text.trim().split('\n');

let scratch: string;
let mock: Serving;
let busy: Server;
let busyPort: number;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kit-cli-'));
  mock = await serve(createKit({ now: '2026-11-21T09:00:00Z' }));
  busyPort = await freePort();
  busy = createServer();
  await new Promise<void>((resolve) => busy.listen(busyPort, '127.0.0.1', resolve));
});

afterAll(async () => {
  await mock?.close();
  busy?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('mistakes are one line', () => {
  it.each([
    ['no command', [], /^eligibility-mock: Give a command\.$/],
    ['an unknown command', ['serve'], /^eligibility-mock: Unknown command "serve"\.$/],
    [
      'an unknown option',
      ['start', '--prot', '4600'],
      /^eligibility-mock: Unknown option '--prot'/,
    ],
    ['contracts without a target', ['contracts'], /--target is required/],
    ['seed without a file', ['seed', 'check'], /Give one fixture: eligibility-mock seed check/],
  ])('%s: the line, then the usage, exit 2', async (_what, args, first) => {
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)[0]).toMatch(first);
    expect(result.stderr).toMatch(/Usage: eligibility-mock/);
  });

  it('a bad port', async () => {
    const result = await cli(['start', '--port', 'http']);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      'eligibility-mock: --port must be a port number from 0 to 65535, got "http".',
    ]);
  });

  it('a port in use: which port and how to pick another', async () => {
    const result = await cli(['start', '--port', String(busyPort)]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      `eligibility-mock: Port ${busyPort} on 127.0.0.1 is in use: stop what runs there, or pick another port with --port <n> (or PORT=<n>; --port 0 picks a free one).`,
    ]);
  });

  it('npm start says the same (its own entry point)', async () => {
    const result = await cli(['--port', String(busyPort)], 'cli/npm-start.ts');
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^npm start: Port \d+ on 127\.0\.0\.1 is in use/);
    const help = await cli(['--help'], 'cli/npm-start.ts');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--state-file <file>/);
  });

  it('an unreachable target', async () => {
    const port = await freePort();
    const result = await cli(['contracts', '--target', `http://127.0.0.1:${port}`]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      `eligibility-mock: Cannot reach http://127.0.0.1:${port}/public (ECONNREFUSED): start the mock (eligibility-mock start) or check --target.`,
    ]);
  });

  it.each(['--only', '--skip'])('%s matching no check lists the names', async (option) => {
    const result = await cli(['contracts', '--target', mock.url, option, 'progam.']);
    expect(result.code).toBe(2);
    expect(lines(result.stderr).slice(0, 3)).toEqual([
      `eligibility-mock: ${option} progam. matches no check. Did you mean "program."?`,
      '',
      'The checks are:',
    ]);
    for (const line of lines(result.stderr)) expect(line.length).toBeLessThanOrEqual(100);
    expect(result.stderr).toContain('program.create-then-read-back');
    expect(result.stderr).toContain('partner-center.retried-post-creates-once');
  });

  it('a fixture with problems, at start: every problem, nothing started', async () => {
    const file = join(scratch, 'bad.json');
    await writeFile(
      file,
      JSON.stringify({ program: { tokens: [] }, partnerCenter: { tokens: [] } }),
    );
    const result = await cli(['start', '--port', '0', '--seed', file]);
    expect(result.code).toBe(2);
    expect(lines(result.stderr)).toEqual([
      `eligibility-mock: The fixture ${file} is refused (2 problems): program.tokens must NOT have fewer than 1 items; partnerCenter.tokens must NOT have fewer than 1 items`,
    ]);
  });
});

describe('what works', () => {
  it('--out creates its folder and writes the JUnit report there', async () => {
    const out = join(scratch, 'reports', 'ci', 'program-api-contracts.xml');
    const result = await cli([
      'contracts',
      '--target',
      mock.url,
      '--only',
      'program.unauthenticated-is-401',
      '--reporter',
      'junit',
      '--out',
      out,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `Contracts: 1 passed, 0 failed, 0 skipped; report written to ${out}`,
    );
    expect(await readFile(out, 'utf8')).toMatch(/<testsuites/);
  });

  it('types writes both APIs into a new folder', async () => {
    const out = join(scratch, 'src', 'api-types');
    const result = await cli(['types', '--out', out]);
    expect(result.code).toBe(0);
    for (const api of ['program-api', 'partner-center']) {
      const text = await readFile(join(out, `${api}.ts`), 'utf8');
      expect(text).toMatch(/^\/\/ Generated by eligibility-mock-kit from spec\//);
      expect(text).toContain('export type components');
    }
    const one = join(scratch, 'one');
    expect((await cli(['types', '--api', 'program', '--out', one])).code).toBe(0);
    expect(existsSync(join(one, 'program-api.ts'))).toBe(true);
    expect(existsSync(join(one, 'partner-center.ts'))).toBe(false);
  });

  it('seed check passes the state a running mock gives, and lists every problem of a bad one', async () => {
    const state = (await (await fetch(`${mock.url}/__control/state`)).json()) as {
      program: { certificates: { status: string }[] };
    };
    const good = join(scratch, 'state.json');
    await writeFile(good, JSON.stringify(state));
    const passed = await cli(['seed', 'check', good]);
    expect(passed).toMatchObject({ code: 0, stdout: `${good}: a valid fixture\n` });

    state.program.certificates[0]!.status = 'Bogus';
    state.program.certificates[1]!.status = 'Deleted';
    const bad = join(scratch, 'bad-state.json');
    await writeFile(bad, JSON.stringify(state));
    const failed = await cli(['seed', 'check', bad]);
    expect(failed.code).toBe(1);
    expect(lines(failed.stderr)).toEqual([
      `${bad}: 2 problems`,
      expect.stringMatching(
        /^ {2}program\.certificates\[0\] \(CER-[\d-]+\) \/status must be one of/,
      ),
      expect.stringMatching(
        /^ {2}program\.certificates\[1\] \(CER-[\d-]+\) \/status must be one of/,
      ),
    ]);
  });
});
