/**
 * The bench keeps working: a smoke run (a fraction of a second per measurement, 1,000 and 2,000
 * certificates, one round) of `bench/run.ts` as `npm run bench` runs it, in a child process. It checks the
 * shape of the tables, never the speed: figures from a smoke run on a busy machine mean nothing.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestLabels, scalingLabels, serverLabels } from '../../bench/names.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let scratch: string;
let stdout: string;
let written: string;

/** The rows of the markdown table under `## heading`, as trimmed cells. */
function rowsUnder(markdown: string, heading: string): string[][] {
  const section = markdown.split(/^## /m).find((s) => s.startsWith(heading));
  if (!section) return [];
  return section
    .split('\n')
    .filter((line) => line.startsWith('|'))
    .slice(2) // header and separator
    .map((line) =>
      line
        .slice(1, -1)
        .split('|')
        .map((cell) => cell.trim()),
    );
}

const numeric = (cell: string | undefined) => cell !== undefined && /^\d+(\.\d+)?$/.test(cell);

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'bench-smoke-'));
  const out = join(scratch, 'results.md');
  const result = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'bench/run.ts', '--smoke', '--out', out],
    { cwd: root, timeout: 110_000, maxBuffer: 4 * 1024 * 1024 },
  );
  stdout = result.stdout;
  written = await readFile(out, 'utf8');
}, 120_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('npm run bench -- --smoke', () => {
  it('prints the report and writes the same to --out', () => {
    expect(stdout).toBe(written);
    expect(written).toMatch(/^# Benchmark results/);
    expect(written).toContain(`Node ${process.version}`);
  });

  it('measures every request on every server at each connection count (the write flow on the kit only)', () => {
    const rows = rowsUnder(written, 'Requests');
    const expected = Object.entries(requestLabels).flatMap(([request, label]) =>
      (request === 'writeFlow' ? ['10'] : ['10', '50']).flatMap((connections) =>
        (request === 'writeFlow' ? [serverLabels.kit] : Object.values(serverLabels)).map(
          (server) => [label, connections, server],
        ),
      ),
    );
    expect(rows.map((row) => row.slice(0, 3))).toEqual(expected);
    for (const row of rows) {
      expect(
        row.slice(3).every((cell) => cell.split(', ').every(numeric)),
        row.join(' | '),
      ).toBe(true);
      // Every answer of the kit is a 2xx: the bench measures what it says it measures.
      if (row[2] === serverLabels.kit) expect(row[8], row.join(' | ')).toBe('0');
    }
  });

  it('gives the kit’s ratios to every other server, per request and connection count', () => {
    const rows = rowsUnder(written, 'Ratios');
    expect(rows.map((row) => row[0])).toEqual(
      [
        requestLabels.getById,
        requestLabels.list,
        requestLabels.qualifications,
        requestLabels.write,
      ].flatMap((label) => [label, label]),
    );
    for (const row of rows) expect(row.slice(1).every(numeric), row.join(' | ')).toBe(true);
  });

  it('counts the garbage collections of the write flow', () => {
    const [row] = rowsUnder(written, 'Write flow');
    expect(row?.every(numeric), row?.join(' | ')).toBe(true);
  });

  it('times every list at each fixture size, with resident memory', () => {
    const rows = rowsUnder(written, 'List scaling');
    const lists = rows.filter((row) => row.length === 7);
    expect(lists.map((row) => [row[0], row[1]])).toEqual(
      Object.values(scalingLabels).flatMap((label) => [
        [label, '1000'],
        [label, '2000'],
      ]),
    );
    // The first size has no previous one to compare with.
    for (const row of lists)
      expect(
        row
          .filter((cell, i) => !(i === 6 && cell === ''))
          .slice(1)
          .every(numeric),
        row.join(' | '),
      ).toBe(true);
    const fixtures = rows.filter((row) => row.length === 5 && numeric(row[0]));
    expect(fixtures.map((row) => row[0])).toEqual(['1000', '2000']);
    // The peak is Linux-only.
    for (const row of fixtures)
      expect(row.filter((cell) => cell !== '—').every(numeric), row.join(' | ')).toBe(true);
  });

  it('times the msw door next to a bare msw handler, and the reset', () => {
    const rows = rowsUnder(written, 'msw door');
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row.slice(1).every(numeric), row.join(' | ')).toBe(true);
  });

  it('times the startup of the kit, Prism and Mockoon', () => {
    const rows = rowsUnder(written, 'Startup');
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(numeric(row[2]), row.join(' | ')).toBe(true);
  });

  it('measures the sessions: memory, creation, GET named ÷ default, parallel contract runs', () => {
    const section = written.split(/^## /m).find((s) => s.startsWith('Sessions')) ?? '';
    const rows = (heading: string) => rowsUnder(section.replaceAll('### ', '## '), heading);
    const [memory] = rows('Memory');
    expect(memory?.length, memory?.join(' | ')).toBe(11);
    // Every write of every session was answered 201.
    expect(memory?.slice(0, 3)).toEqual(['20', '2', '0']);
    expect(memory?.filter((cell) => cell !== '—').every(numeric), memory?.join(' | ')).toBe(true);
    const creates = rows('Creating a session');
    expect(creates.map((row) => [row[0], row[1]])).toEqual([
      ['on first use', '100'],
      ['POST /__control/sessions (no HTTP)', '100'],
    ]);
    for (const row of creates) expect(row.slice(1).every(numeric), row.join(' | ')).toBe(true);
    const gets = rows('GET certificate by id');
    expect(gets.map((row) => [row[0], row[4]])).toEqual([
      ['default', '0'],
      ['named (Mock-Session)', '0'],
    ]);
    const runs = rows('Contract suite');
    expect(runs.map((row) => row.slice(0, 3))).toEqual([
      ['1: alone', '1', '1/1'],
      ['1: together', '2', '2/2'],
    ]);
    for (const row of runs) expect(row.slice(3).every(numeric), row.join(' | ')).toBe(true);
    const targets = rows('Targets (issue 23)');
    expect(targets).toHaveLength(6);
    for (const row of targets) expect(['yes', 'no', 'n/a']).toContain(row[3]);
    // A smoke run has neither 1,000 sessions nor 20 runs: those targets are not checked.
    expect(targets[0]![3]).toBe('n/a');
    expect(targets[4]![3]).toBe('yes');
    expect(targets[5]![3]).toBe('n/a');
  });

  it('checks the issue’s targets', () => {
    const rows = rowsUnder(written, 'Targets');
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const row of rows) expect(['yes', 'no', 'n/a']).toContain(row[3]);
  });
});
