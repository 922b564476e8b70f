/**
 * Issue 25, point 2: `drift` names what a service changed, per operation and field: a
 * recording of the kit drifts nothing, one of a deliberately drifted server shows each of its
 * four changes; a recording the recorder was SIGKILLed on still reads.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drift, type Finding } from '../../contracts/drift.js';
import { readHarFile } from '../../contracts/har.js';
import { startRecorder } from '../../mocks/record/proxy.js';
import { startDriftedServer } from './drifted-server.js';
import {
  ports,
  recordSessionWithCli,
  session,
  runCli,
  startService,
  type Service,
} from './support.js';

let scratch: string;
let kit: Service;
let drifted: Service;
let kitHar: string;
let driftedHar: string;

async function record(target: string, out: string, port: number) {
  const recorder = await startRecorder({ target, out, port });
  await session(recorder.url);
  await recorder.close();
}

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kit-drift-'));
  kit = await startService(ports.drift);
  drifted = await startDriftedServer(ports.drift + 1);
  kitHar = join(scratch, 'kit.har');
  driftedHar = join(scratch, 'drifted.har');
  await record(kit.url, kitHar, ports.drift + 2);
  await record(drifted.url, driftedHar, ports.drift + 3);
});

afterAll(async () => {
  await kit?.close();
  await drifted?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const cli = runCli;

const pick = (finding: Finding) => ({
  rule: finding.rule,
  operation: finding.operation,
  status: finding.status,
  schema: finding.schema,
  field: finding.field,
  example: finding.example,
});

describe('drift', () => {
  it('finds nothing in a recording of the kit', async () => {
    const report = drift(await readHarFile(kitHar), kitHar);
    expect(report.exchanges).toBe(12);
    expect(report.findings).toEqual([]);
  });

  it.each([
    [
      'a new certificate field',
      {
        rule: 'unknown-field',
        operation: 'getCertificate',
        status: 200,
        schema: 'Certificate',
        field: 'carbonFootprint',
        example: '"low"',
      },
    ],
    [
      'an unknown status value',
      {
        rule: 'unknown-enum-value',
        operation: 'getCertificate',
        status: 200,
        schema: 'CertificateStatus',
        field: 'status',
        example: '"Suspended"',
      },
    ],
    [
      'an undeclared 409',
      {
        rule: 'undeclared-status',
        operation: 'listEnrollments',
        status: 409,
        schema: undefined,
        field: '409',
        example: undefined,
      },
    ],
    [
      'a missing MS-CorrelationId',
      {
        rule: 'missing-required-header',
        operation: 'listCustomers',
        status: 200,
        schema: undefined,
        field: 'MS-CorrelationId',
        example: undefined,
      },
    ],
  ])('names %s with its operation and field', async (_what, want) => {
    const report = drift(await readHarFile(driftedHar), driftedHar);
    expect(report.findings.map(pick)).toContainEqual(want);
  });

  it('matches a HAR from another tool (no _api, no _path) by its URLs alike', async () => {
    const har = JSON.parse(await readFile(driftedHar, 'utf8')) as {
      log: { entries: Record<string, unknown>[] };
    };
    for (const entry of har.log.entries) {
      delete entry._api;
      delete entry._path;
    }
    const foreign = join(scratch, 'foreign.har');
    await writeFile(foreign, JSON.stringify(har));
    const mine = drift(await readHarFile(driftedHar), 'x').findings;
    expect(drift(await readHarFile(foreign), 'x').findings).toEqual(mine);
  });

  it.each([
    ['a rule', 'unknown-field', (f: Finding) => f.rule === 'unknown-field'],
    [
      'a rule and a field',
      'unknown-field:Certificate.carbonFootprint',
      (f: Finding) => f.field === 'carbonFootprint',
    ],
    [
      'a rule and a value',
      'unknown-enum-value:Suspended',
      (f: Finding) => f.example === '"Suspended"',
    ],
    [
      'a rule and an operation',
      'missing-required-header:listCustomers',
      (f: Finding) => f.rule === 'missing-required-header' && f.operation === 'listCustomers',
    ],
  ])('--ignore by %s leaves that finding out, and only it', async (_what, ignore, gone) => {
    const all = drift(await readHarFile(driftedHar), 'x').findings;
    const report = drift(await readHarFile(driftedHar), 'x', [ignore]);
    expect(all.some(gone)).toBe(true);
    expect(report.ignored).toBeGreaterThan(0);
    expect(report.findings).toEqual(all.filter((f) => !gone(f)));
  });
});

describe('eligibility-mock drift', () => {
  it('exits 0 on the kit and 1 on the drifted server, naming operation and field', async () => {
    expect((await cli(['drift', kitHar])).code).toBe(0);
    const { code, output } = await cli(['drift', driftedHar]);
    expect(code).toBe(1);
    expect(output).toContain('DRIFT program-api getCertificate');
    expect(output).toContain('unknown-field 200 Certificate.carbonFootprint');
    expect(output).toMatch(
      /undeclared-status 409 .*listEnrollments|listEnrollments[\s\S]*undeclared-status 409/,
    );
  });

  it('writes JUnit and JSON reports', async () => {
    const junit = join(scratch, 'reports', 'drift.xml');
    expect((await cli(['drift', driftedHar, '--reporter', 'junit', '--out', junit])).code).toBe(1);
    const xml = await readFile(junit, 'utf8');
    expect(xml).toContain('<testcase classname="drift.program-api" name="getCertificate"');
    expect(xml).toMatch(/<failure [^>]*>[^<]*Certificate\.carbonFootprint/);
    const { output } = await cli(['drift', driftedHar, '--reporter', 'json']);
    const report = JSON.parse(output) as { findings: Finding[] };
    expect(report.findings.some((f) => f.field === 'MS-CorrelationId')).toBe(true);
  });

  it('reads what a SIGKILLed recorder left', async () => {
    const out = join(scratch, 'killed.har');
    await recordSessionWithCli(kit.url, out, ports.drift + 4, 'SIGKILL');
    const { code, output } = await cli(['drift', out]);
    expect(output).toContain('12 exchanges');
    expect(code).toBe(0);
  });

  it.each([
    [['drift'], 'Give one recording'],
    [['drift', 'missing.har'], 'Cannot read missing.har'],
    [['drift', 'x.har', '--ignore', 'unknown-feild'], 'Did you mean "unknown-field"?'],
  ])('%j: one line, exit 2', async (args, want) => {
    const { code, output } = await cli(args);
    expect(code).toBe(2);
    expect(output).toContain(want);
  });
});
