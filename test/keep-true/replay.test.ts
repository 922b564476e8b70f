/**
 * Issue 25, point 4: `contracts --replay` sends a recording again and compares each answer with
 * the recorded one. A recording of a kit's reads replays clean against a kit seeded with
 * `seed from-har` of it, and fails against the drifted server naming the exchange; the ids a
 * replayed create makes are mapped; without --allow-writes the writes (and what they touched)
 * are skipped.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explore } from '../../contracts/explore.js';
import { fixtureFromHar } from '../../contracts/from-har.js';
import { readHarFile } from '../../contracts/har.js';
import { junitReport } from '../../contracts/reporters/index.js';
import { replayContracts } from '../../contracts/replay.js';
import { kitFixture, resolveTarget } from '../../contracts/target.js';
import type { Report } from '../../contracts/types.js';
import { startRecorder } from '../../mocks/record/proxy.js';
import { defaultSeed } from '../../src/core/seed.js';
import { createKit } from '../../src/kit.js';
import { startDriftedServer } from './drifted-server.js';
import { runCli, session, startService, testNow, tokens, type Service } from './support.js';

/** This file's ports (issue 25's replay: 4510-4529). */
const port = {
  kitA: 4510,
  recorder: 4511,
  seeded: 4512,
  drifted: 4513,
  fresh: 4514,
  explored: 4520,
} as const;

let scratch: string;
let kitA: Service;
let reads: string;
const cleanup: (() => Promise<void>)[] = [];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kit-replay-'));
  kitA = await startService(port.kitA);
  reads = join(scratch, 'reads.har');
  const recorder = await startRecorder({ target: kitA.url, out: reads, port: port.recorder });
  await session(recorder.url);
  await recorder.close();
});

afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
  await kitA?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function started(service: Promise<Service>) {
  const up = await service;
  cleanup.push(up.close);
  return up;
}

const replayed = async (file: string, url: string, more: { allowWrites?: boolean } = {}) =>
  replayContracts({
    recorded: await readHarFile(file),
    file,
    target: await resolveTarget({ target: url, api: 'all' }),
    apis: ['program-api', 'partner-center'],
    as: { 'program-api': 'client' },
    ...more,
  });

/** The kit's seed with another id sequence: the objects it makes get ids the recording never saw. */
const otherIds = () =>
  createKit({ now: testNow, seed: { ...defaultSeed(new Date(testNow)), randomSeed: 7 } });

const outcomes = (report: Report) =>
  report.results.map((r) => `${r.name} ${r.outcome}${r.skipReason ? `: ${r.skipReason}` : ''}`);

describe('contracts --replay', () => {
  it('replays a recording of reads clean against a kit seeded with seed from-har of it', async () => {
    const { fixture } = fixtureFromHar(await readHarFile(reads), { now: testNow });
    const seeded = await started(
      startService(port.seeded, createKit({ seed: fixture, now: testNow })),
    );
    const { code, output } = await runCli(['contracts', '--replay', reads, '--target', seeded.url]);
    expect(output).toContain('Replayed');
    expect(output).toContain('12 of 12 exchanges sent, 0 diverged, 0 skipped');
    expect(output).toMatch(/ok {3}replay\.#1 listCertificates/);
    expect(output).toContain('Contracts: 12 passed, 0 failed, 0 skipped');
    expect(code).toBe(0);
  });

  it('fails against the drifted server, naming each exchange that diverged with its curl line', async () => {
    const drifted = await started(startDriftedServer(port.drifted));
    const recorded = await readHarFile(reads);
    const certificate = recorded.find((e) => e.operation?.operationId === 'getCertificate')!;
    const enrollments = recorded.find((e) => e.operation?.operationId === 'listEnrollments')!;
    const report = await replayContracts({
      recorded,
      file: reads,
      target: await resolveTarget({ target: drifted.url, api: 'all' }),
      apis: ['program-api', 'partner-center'],
    });
    expect(report.summary.failed).toBeGreaterThan(0);
    const failed = (index: number) =>
      report.results.find((r) => r.name.startsWith(`replay.#${index} `))!;
    expect(failed(certificate.index).outcome).toBe('failed');
    expect(failed(certificate.index).problems[0]).toMatch(
      new RegExp(
        `^#${certificate.index} GET ${certificate.path} \\(getCertificate\\): the target answered .*"status":"Suspended"`,
      ),
    );
    expect(failed(certificate.index).problems[1]).toMatch(
      new RegExp(
        `^${certificate.index}\\. curl -s -X GET '${drifted.url}/public${certificate.path}'`,
      ),
    );
    expect(failed(certificate.index).problems[2]).toMatch(/^ {3}target: {3}200 .*Suspended/);
    expect(failed(certificate.index).problems[3]).toMatch(/^ {3}recorded: 200 .*Active/);
    expect(failed(enrollments.index).problems[0]).toBe(
      `#${enrollments.index} GET /v1/program/enrollments (listEnrollments): the target answered 409, the recording 200`,
    );
    // The new field and the missing header are drift's findings, not the rules': not compared.
    const customers = recorded.find((e) => e.operation?.operationId === 'getCustomer')!;
    expect(failed(customers.index).outcome).toBe('passed');
    expect(junitReport(report)).toContain(
      `name="replay.#${certificate.index} getCertificate" time=`,
    );

    const cli = await runCli(['contracts', '--replay', reads, '--target', drifted.url]);
    expect(cli.output).toContain(`FAIL replay.#${enrollments.index} listEnrollments`);
    expect(cli.code).toBe(1);
  });

  it("replays the explorer's recorded traffic clean, each request under its recorded role", async () => {
    const explored = await started(startService(port.explored));
    const out = join(scratch, 'explorer.har');
    const recorder = await startRecorder({ target: explored.url, out, port: port.recorder });
    const both = ['program-api', 'partner-center'] as const;
    const run = await explore({
      target: await resolveTarget({ target: recorder.url, api: 'all', readOnly: true }),
      apis: both,
      commands: 150,
      seed: 4,
    });
    await recorder.close();
    expect(run.passed).toBe(true);
    const recorded = await readHarFile(out);
    // Every role the explorer reads as, told apart by the recorded credential's label.
    const labels = new Set(recorded.map((e) => e.credential));
    expect(labels.size).toBeGreaterThanOrEqual(4);
    const fresh = await started(startService(port.explored + 1));
    const report = await replayContracts({
      recorded,
      file: out,
      target: await resolveTarget({ target: fresh.url, api: 'all' }),
      apis: both,
    });
    expect(report.results.filter((r) => r.outcome !== 'passed').map((r) => r.problems[0])).toEqual(
      [],
    );
    expect(report.summary.passed).toBe(recorded.length);
    expect(recorded.length).toBeGreaterThanOrEqual(150);
    // Under one role for all, the client's and the vendor's reads answer otherwise.
    const unlabelled = recorded.map(({ credential: _label, ...rest }) => rest);
    const oneRole = await replayContracts({
      recorded: unlabelled,
      file: out,
      target: await resolveTarget({ target: fresh.url, api: 'all' }),
      apis: both,
    });
    expect(oneRole.summary.failed).toBeGreaterThan(0);
  });

  describe('a recording with a create', () => {
    let creates: string;
    const recorded = { enrollment: '', certificate: '' };
    beforeAll(async () => {
      const program = kitFixture.program;
      const body = {
        program: { id: program.publishedLicenseeProgram },
        licensee: { id: program.licensee },
        parameters: { ordering: [{ id: program.requiredParameter, value: 'REPLAY-1' }] },
      };
      const send = (root: string, method: string, path: string, payload?: unknown) =>
        fetch(`${root}/public/v1/program${path}`, {
          method,
          headers: {
            authorization: `Bearer ${tokens.client}`,
            ...(payload ? { 'content-type': 'application/json' } : {}),
          },
          ...(payload ? { body: JSON.stringify(payload) } : {}),
        }).then(async (r) => ({
          status: r.status,
          body: (await r.json()) as { id: string; certificate?: { id: string } },
        }));
      creates = join(scratch, 'creates.har');
      const recorder = await startRecorder({ target: kitA.url, out: creates, port: port.recorder });
      await send(recorder.url, 'GET', '/certificates?order=id');
      const created = await send(recorder.url, 'POST', '/enrollments', body);
      recorded.enrollment = created.body.id;
      recorded.certificate = created.body.certificate?.id ?? '';
      expect(recorded.certificate).toMatch(/^CER-/);
      await send(recorder.url, 'GET', `/enrollments/${recorded.enrollment}`);
      await send(recorder.url, 'GET', '/enrollments?order=id');
      await send(recorder.url, 'GET', '/certificates?order=id');
      await send(recorder.url, 'GET', `/programs/${program.publishedLicenseeProgram}`);
      await recorder.close();
    });

    it('with --allow-writes, maps the recorded ids to the ones the target made', async () => {
      const fresh = await started(startService(port.fresh, otherIds()));
      const report = await replayed(creates, fresh.url, { allowWrites: true });
      expect(outcomes(report)).toEqual([
        'replay.#1 listCertificates passed',
        'replay.#2 createEnrollment passed',
        'replay.#3 getEnrollment passed',
        'replay.#4 listEnrollments passed',
        'replay.#5 listCertificates passed',
        'replay.#6 getProgram passed',
      ]);
      const untouched = otherIds().world.program;
      const made = (store: Map<string, unknown>, before: Map<string, unknown>) =>
        [...store.keys()].filter((id) => !before.has(id));
      const enrollment = made(fresh.kit.world.program.enrollments, untouched.enrollments);
      const certificate = made(fresh.kit.world.program.certificates, untouched.certificates);
      expect(enrollment).toHaveLength(1);
      expect(enrollment[0]).not.toBe(recorded.enrollment);
      expect(report.replay?.ids).toEqual({
        [recorded.enrollment]: enrollment[0],
        [recorded.certificate]: certificate[0],
      });
      expect(report.replay?.summary).toContain("2 ids mapped to the target's");
    });

    it('without --allow-writes, skips the write and what names its objects, and changes nothing', async () => {
      const fresh = await started(startService(port.fresh + 1));
      const before = fresh.kit.world.program.enrollments.size;
      const report = await replayed(creates, fresh.url);
      const touched = (id: string) => `names ${id}, which the skipped write #2 touched`;
      expect(outcomes(report)).toEqual([
        'replay.#1 listCertificates passed',
        'replay.#2 createEnrollment skipped: a recorded write: read-only replay (pass --allow-writes to send it)',
        `replay.#3 getEnrollment skipped: ${touched(recorded.enrollment)}`,
        `replay.#4 listEnrollments skipped: ${touched(recorded.enrollment)}`,
        `replay.#5 listCertificates skipped: ${touched(recorded.certificate)}`,
        'replay.#6 getProgram passed',
      ]);
      expect(report.summary).toEqual({ passed: 2, failed: 0, skipped: 4 });
      expect(fresh.kit.world.program.enrollments.size).toBe(before);
    });

    it('without its create in the recording, the read of the created object diverges', async () => {
      const fresh = await started(startService(port.fresh + 2, otherIds()));
      const reads = (await readHarFile(creates)).filter((e) => e.method === 'GET');
      const report = await replayContracts({
        recorded: reads,
        file: creates,
        target: await resolveTarget({ target: fresh.url, api: 'all' }),
        apis: ['program-api'],
        as: { 'program-api': 'client' },
      });
      expect(report.results.find((r) => r.name.startsWith('replay.#3 '))?.problems[0]).toBe(
        `#3 GET /v1/program/enrollments/${recorded.enrollment} (getEnrollment): the target answered 404, the recording 200`,
      );
    });
  });

  it('refuses a recording with nothing to replay', async () => {
    const empty = join(scratch, 'empty.har');
    await writeFile(empty, '{"log":{"version":"1.2","entries":[]}}');
    const { code, output } = await runCli([
      'contracts',
      '--replay',
      empty,
      '--target',
      'http://127.0.0.1:9',
    ]);
    expect(output).toContain('holds no exchange of the two APIs: nothing to replay');
    expect(code).toBe(2);
  });

  it.each([
    [
      ['contracts', '--replay', 'missing.har', '--target', 'http://127.0.0.1:9'],
      'Cannot read missing.har',
    ],
    [
      ['contracts', '--replay', 'x.har', '--explore', '5', '--target', 'http://127.0.0.1:9'],
      'does not go with --explore',
    ],
    [['contracts', '--as', 'client', '--target', 'http://127.0.0.1:9'], '--as goes with --replay'],
    [
      ['contracts', '--replay', 'x.har', '--as', 'clint', '--target', 'http://127.0.0.1:9'],
      'Did you mean "client"?',
    ],
  ])('%j: one line, exit 2', async (args, want) => {
    const { code, output } = await runCli(args);
    expect(output).toContain(want);
    expect(code).toBe(2);
  });
});
