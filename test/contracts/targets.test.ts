/**
 * The contract suite against every target it is meant for: the express mock (in process and
 * through the CLI), the msw handlers, Prism mocks of both documents (stateless), Prism's
 * validating proxy in front of the express mock, and a deliberately broken server that it
 * must fail, naming each fault.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupServer } from 'msw/node';
import { afterAll, describe, expect, it } from 'vitest';
import { createHandlers, realBaseUrls } from '../../mocks/msw/handlers.js';
import { consoleReport } from '../../contracts/reporters/index.js';
import { runContracts } from '../../contracts/runner.js';
import { kitFixture, kitTokens, resolveTarget } from '../../contracts/target.js';
import type { Report } from '../../contracts/types.js';
import { specPath } from '../../scripts/generate.js';
import { startPrism } from '../../scripts/prism.js';
import { createKit } from '../../src/kit.js';
import { startBrokenServer } from './broken-server.js';
import { runContractsCli, startExpressMock, testNow } from './support.js';

const both = ['program-api', 'partner-center'] as const;
const failed = (report: Report) => report.results.filter((r) => r.outcome === 'failed');
/** A report that failed shows why in the test output. */
const explain = (report: Report) => consoleReport(report, { coverage: false });

describe('contract suite', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step();
  });

  it('passes against the express mock, with every check run and every operation exercised', async () => {
    const mock = await startExpressMock();
    cleanup.push(mock.close);
    const report = await runContracts({
      target: await resolveTarget({ target: mock.url, api: 'all' }),
      apis: both,
    });
    expect(failed(report), explain(report)).toEqual([]);
    expect(report.summary.skipped, explain(report)).toBe(0);
    expect(report.coverage.every((row) => row.exercised.length > 0)).toBe(true);
  });

  it('passes against the express mock through the CLI, writing JUnit XML, exit code 0', async () => {
    const mock = await startExpressMock();
    cleanup.push(mock.close);
    const out = join(await mkdtemp(join(tmpdir(), 'contracts-')), 'report.xml');
    const code = await runContractsCli(['--target', mock.url, '--reporter', 'junit', '--out', out]);
    expect(code).toBe(0);
    const xml = await readFile(out, 'utf8');
    expect(xml).toMatch(/<testsuites name="contracts" tests="\d+" failures="0"/);
    expect(xml).toContain('name="program.reenroll-terminated-is-refused"');
  });

  it('passes against the msw handlers in process', async () => {
    const controlUrl = 'http://kit.test/__control';
    const server = setupServer(
      ...createHandlers(createKit({ now: testNow }), { controlBaseUrl: controlUrl }),
    );
    server.listen({ onUnhandledRequest: 'error' });
    try {
      const report = await runContracts({
        target: {
          programUrl: realBaseUrls['program-api'],
          partnerCenterUrl: realBaseUrls['partner-center'],
          controlUrl,
          tokens: kitTokens,
          stateless: false,
          writes: true,
          fixture: kitFixture,
        },
        apis: both,
      });
      expect(failed(report), explain(report)).toEqual([]);
      expect(report.summary.skipped).toBe(0);
    } finally {
      server.close();
    }
  });

  it('runs the schema checks against Prism mocks of both documents and skips the behavioural ones, saying why', async () => {
    const [program, partner] = await Promise.all([
      startPrism({ spec: specPath('program-api'), quiet: true }),
      startPrism({ spec: specPath('partner-center'), quiet: true }),
    ]);
    cleanup.push(program.stop, partner.stop);
    const report = await runContracts({
      target: {
        programUrl: program.url,
        partnerCenterUrl: partner.url,
        tokens: kitTokens,
        stateless: true,
        writes: true,
        fixture: kitFixture,
      },
      apis: both,
    });
    expect(failed(report), explain(report)).toEqual([]);
    const schema = report.results.filter((r) => r.kind === 'schema');
    expect(schema.every((r) => r.outcome === 'passed')).toBe(true);
    const behaviour = report.results.filter((r) => r.kind === 'behaviour');
    expect(behaviour.length).toBeGreaterThan(10);
    for (const result of behaviour) {
      expect(result.outcome).toBe('skipped');
      expect(result.skipReason).toMatch(/keeps no state/);
    }
  });

  it('passes through prism proxy --errors in front of the express mock (an independent validator sees every exchange)', async () => {
    const mock = await startExpressMock();
    cleanup.push(mock.close);
    const [program, partner] = await Promise.all([
      startPrism({
        spec: specPath('program-api'),
        mode: 'proxy',
        upstream: `${mock.url}/public`,
        errors: true,
        quiet: true,
      }),
      startPrism({
        spec: specPath('partner-center'),
        mode: 'proxy',
        upstream: mock.url,
        errors: true,
        quiet: true,
      }),
    ]);
    cleanup.push(program.stop, partner.stop);
    const report = await runContracts({
      target: {
        programUrl: program.url,
        partnerCenterUrl: partner.url,
        controlUrl: `${mock.url}/__control`,
        tokens: kitTokens,
        stateless: false,
        validatingProxy: true,
        writes: true,
        fixture: kitFixture,
      },
      apis: both,
    });
    expect(failed(report), explain(report)).toEqual([]);
    const skipped = report.results.filter((r) => r.outcome === 'skipped');
    expect(skipped.map((r) => r.name).sort()).toEqual([
      'partner-center.answers-in-xml-by-accept',
      'partner-center.routes-ignore-case',
      'partner-center.unauthenticated-is-401',
      'partner-center.wrong-method-is-405-with-allow',
      'program.attachment-round-trip',
      'program.unauthenticated-is-401',
    ]);
  });

  it('fails against a deliberately broken server, naming each fault', async () => {
    const broken = await startBrokenServer();
    cleanup.push(broken.close);
    const report = await runContracts({
      target: await resolveTarget({ target: broken.url, api: 'all' }),
      apis: both,
    });
    const problems = failed(report).flatMap((r) => r.problems.map((p) => `${r.name}: ${p}`));
    const named = (pattern: RegExp) => problems.some((p) => pattern.test(p));
    expect(report.summary.failed).toBeGreaterThan(0);
    // 1. wrong field type
    expect(
      named(/getCertificate 200: body\/expirationDate must be string/),
      problems.join('\n'),
    ).toBe(true);
    // 2. undeclared status
    expect(named(/status-declared: createEnrollment 200: status 200 is not declared/)).toBe(true);
    // 3. missing header
    expect(
      named(/required-headers-present: \w+ \d+: required header MS-CorrelationId is missing/),
    ).toBe(true);
    // 4. a rule not enforced
    expect(named(/^program\.reenroll-terminated-is-refused: expected 400, got 201/)).toBe(true);
  });
});
