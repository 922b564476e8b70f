/**
 * Proof that the explorer can fail (issue 17): it runs against mutants of the kit, each built
 * from one of the coverage table's mutation points (one rule switched off or one clock-driven
 * transition a day late), and must catch every one within a bounded number of commands, its
 * shrunk sequence naming the rule. Against the kit itself, and through `prism proxy --errors`
 * in front of it, it must pass.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  explore,
  exploreSummary,
  startInstant,
  type ExploreReport,
} from '../../contracts/explore.js';
import { kitFixture, kitTokens, resolveTarget } from '../../contracts/target.js';
import { serve } from '../../mocks/server/serve.js';
import { specPath } from '../../scripts/generate.js';
import { startPrism } from '../../scripts/prism.js';
import { mutationPoints, type MutationPoint } from '../../src/core/coverage.js';
import { createKit } from '../../src/kit.js';
import { runContractsCli, testNow } from './support.js';

const both = ['program-api', 'partner-center'] as const;
/** A fixed seed: the same sequences on every run, so a caught mutant stays caught. */
const seed = 4;
/** Commands each mutant must be caught within. */
const budget = 250;

const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const step of cleanup.reverse()) await step();
});

async function mock(mutant?: MutationPoint, now = testNow) {
  const serving = await serve(createKit({ now, ...(mutant ? { mutant } : {}) }));
  cleanup.push(serving.close);
  return serving.url;
}

const explain = (report: ExploreReport) => exploreSummary(report).join('\n');

describe('the explorer', () => {
  it('passes against the kit, sending every command of its budget and comparing each', async () => {
    const url = await mock();
    const report = await explore({
      target: await resolveTarget({ target: url, api: 'all' }),
      apis: both,
      commands: 300,
      seed,
    });
    expect(report.passed, explain(report)).toBe(true);
    expect(report.commands).toBe(300);
    expect(report.interrupted).toBe(false);
    // Both APIs and the control API were driven: writes, reads, the clock.
    expect([...report.exercised.keys()]).toEqual(
      expect.arrayContaining([
        'program-api createEnrollment',
        'program-api submitEnrollment',
        'program-api terminateCertificate',
        'program-api listCertificates',
        'partner-center createCustomerQualification',
        'partner-center listValidationCodes',
      ]),
    );
  });

  it('starts a target near midnight at 00:30 the next day, the kit moved alike', async () => {
    expect(startInstant('2026-11-21T22:59:59.000Z')).toBe('2026-11-21T22:59:59.000Z');
    expect(startInstant('2026-11-21T23:40:00.000Z')).toBe('2026-11-22T00:30:00.000Z');
    const url = await mock(undefined, '2026-12-03T23:40:00.000Z'); // CER-1204-5530-7781 expires at midnight
    const report = await explore({
      target: await resolveTarget({ target: url, api: 'all' }),
      apis: both,
      commands: 60,
      seed,
    });
    expect(report.passed, explain(report)).toBe(true);
  });

  it('sends only reads in a read-only run, and says why the rest was left out', async () => {
    const url = await mock();
    const report = await explore({
      target: await resolveTarget({ target: url, api: 'all', readOnly: true }),
      apis: both,
      commands: 60,
      seed,
    });
    expect(report.passed, explain(report)).toBe(true);
    expect(report.readOnly).toBe(true);
    expect(report.notes.join(' ')).toMatch(/read-only run/);
    const writes = [...report.exercised.keys()].filter((id) => !/ (get|list)\w+$/.test(id));
    expect(writes).toEqual([]);
  });

  it.each(Object.entries(mutationPoints) as [MutationPoint, string][])(
    'catches the mutant %s (%s), naming it in the shrunk sequence',
    async (mutant) => {
      const url = await mock(mutant);
      const report = await explore({
        target: await resolveTarget({ target: url, api: 'all' }),
        apis: both,
        commands: budget,
        seed,
        timeLimitMs: 20_000,
      });
      expect(report.passed, explain(report)).toBe(false);
      expect(report.commands).toBeLessThanOrEqual(budget);
      const failure = report.failure!;
      expect(
        failure.rules.some((rule) => rule.startsWith(`${mutant} `)),
        explain(report),
      ).toBe(true);
      // Shrunk: a handful of steps, printed as numbered curl lines with both answers.
      expect(failure.steps.length).toBeLessThanOrEqual(8);
      expect(failure.curl[0]).toMatch(/^1\. curl -s -X (GET|POST|PUT|DELETE) '/);
      expect(failure.curl[1]).toMatch(/^ {3}target: \d{3} /);
      expect(failure.curl[2]).toMatch(/^ {3}kit: {4}\d{3} /);
    },
  );

  it('passes through prism proxy --errors in front of the kit (every exchange validated twice)', async () => {
    const url = await mock();
    const [program, partner] = await Promise.all([
      startPrism({
        spec: specPath('program-api'),
        mode: 'proxy',
        upstream: `${url}/public`,
        errors: true,
        quiet: true,
      }),
      startPrism({
        spec: specPath('partner-center'),
        mode: 'proxy',
        upstream: url,
        errors: true,
        quiet: true,
      }),
    ]);
    cleanup.push(program.stop, partner.stop);
    const report = await explore({
      target: {
        programUrl: program.url,
        partnerCenterUrl: partner.url,
        controlUrl: `${url}/__control`,
        tokens: kitTokens,
        stateless: false,
        validatingProxy: true,
        writes: true,
        fixture: kitFixture,
      },
      apis: both,
      commands: 150,
      seed,
    });
    expect(report.passed, explain(report)).toBe(true);
    expect(report.commands).toBe(150);
  });

  it('runs from the CLI: a caught mutant exits 1 and the JUnit report holds the curl lines', async () => {
    const url = await mock('program.rule:CertificateTerminated');
    const out = join(await mkdtemp(join(tmpdir(), 'explore-')), 'explore.xml');
    const code = await runContractsCli([
      '--target',
      url,
      '--explore',
      String(budget),
      '--seed',
      String(seed),
      '--reporter',
      'junit',
      '--out',
      out,
    ]);
    expect(code).toBe(1);
    const xml = await readFile(out, 'utf8');
    expect(xml).toContain('name="explore.model-based"');
    expect(xml).toContain('program.rule:CertificateTerminated (kit 1, target 0)');
    expect(xml).toMatch(/1\. curl -s -X POST/);
  });
});
