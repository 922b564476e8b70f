/**
 * npm run contracts -- --target <base URL> [--api program|partner-center|all] [--token <t>]
 *   [--read-only | --allow-writes] [--stateless] [--validating-proxy] [--reporter console|junit|json] [--out <file>]
 *   [--only <check>] [--skip <check>] [--fixture <file.json>]
 * Exit code 0 only when every selected check passes.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { consoleReport, jsonReport, junitReport } from './reporters/index.js';
import { runContracts } from './runner.js';
import { apisOf, resolveTarget, type TargetOptions } from './target.js';
import type { Fixture } from './types.js';

const usage = `Usage: npm run contracts -- --target <base URL> [options]
  --api program|partner-center|all   which API (default all: --target is a kit-style root)
  --program-url, --partner-center-url, --control-url   set base URLs one by one
  --token <t>          bearer token (else PROGRAM_API_TOKEN / PARTNER_CENTER_TOKEN;
                       role tokens: PROGRAM_API_OPERATIONS_TOKEN, _VENDOR_TOKEN, _CLIENT_TOKEN,
                       PARTNER_CENTER_READER_TOKEN)
  --read-only          never send a request that changes data
  --allow-writes       allow writes against a target without a control API (a real service)
  --stateless          the target keeps no state (Prism): behavioural checks are skipped
  --validating-proxy   the target is behind \`prism proxy --errors\`: requests that break
                       the spec on purpose are skipped (the proxy answers them itself)
  --reporter console|junit|json   (default console)   --out <file>   write the report there
  --only <name>, --skip <name>    select checks by name prefix (repeatable)
  --fixture <file.json>           ids the behavioural checks start from`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      target: { type: 'string' },
      api: { type: 'string', default: 'all' },
      'program-url': { type: 'string' },
      'partner-center-url': { type: 'string' },
      'control-url': { type: 'string' },
      token: { type: 'string' },
      'read-only': { type: 'boolean', default: false },
      'allow-writes': { type: 'boolean', default: false },
      stateless: { type: 'boolean', default: false },
      'validating-proxy': { type: 'boolean', default: false },
      reporter: { type: 'string', default: 'console' },
      out: { type: 'string' },
      only: { type: 'string', multiple: true },
      skip: { type: 'string', multiple: true },
      fixture: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const api = values.api as TargetOptions['api'];
  if (!['program', 'partner-center', 'all'].includes(api))
    throw new Error(`--api must be program, partner-center or all`);
  if (!values.target && !values['program-url'] && !values['partner-center-url'])
    throw new Error('--target is required');
  const reporter = values.reporter;
  if (!['console', 'junit', 'json'].includes(reporter))
    throw new Error('--reporter must be console, junit or json');

  const target = await resolveTarget({
    api,
    ...(values.target ? { target: values.target } : {}),
    ...(values['program-url'] ? { programUrl: values['program-url'] } : {}),
    ...(values['partner-center-url'] ? { partnerCenterUrl: values['partner-center-url'] } : {}),
    ...(values['control-url'] ? { controlUrl: values['control-url'] } : {}),
    ...(values.token ? { token: values.token } : {}),
    readOnly: values['read-only'],
    allowWrites: values['allow-writes'],
    stateless: values.stateless,
    validatingProxy: values['validating-proxy'],
    ...(values.fixture
      ? { fixture: JSON.parse(await readFile(values.fixture, 'utf8')) as Fixture }
      : {}),
    env: process.env,
  });
  const report = await runContracts({
    target,
    apis: apisOf(api),
    ...(values.only ? { only: values.only } : {}),
    ...(values.skip ? { skip: values.skip } : {}),
  });
  const text =
    reporter === 'junit'
      ? junitReport(report)
      : reporter === 'json'
        ? jsonReport(report)
        : consoleReport(report);
  if (values.out) {
    await writeFile(values.out, text);
    const { passed, failed, skipped } = report.summary;
    console.log(
      `Contracts: ${passed} passed, ${failed} failed, ${skipped} skipped; report written to ${values.out}`,
    );
  } else {
    console.log(text);
  }
  return report.summary.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      `contracts: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`,
    );
    process.exit(2);
  },
);
