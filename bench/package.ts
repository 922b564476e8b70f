/**
 * `npm run bench:package`: the kit as an app installs it (issue 14). In a temporary app with
 * the packed tarball, the app's own msw and vitest (the repo's versions):
 *  - import time of the kit in a fresh vitest worker: the compiled package, next to the
 *    TypeScript sources as the repo had to be imported before (transformed by vitest);
 *  - a 500-test suite (reset + 3 requests each) on the kit's msw handlers, next to the same
 *    suite on bare msw handlers answering fixed bodies;
 *  - installed size of the kit and its dependencies: this tarball, and the one of the commit
 *    given with `--before <commit>` (default: the last commit before the package build).
 * Writes bench/package.md. Needs the npm registry; everything else is local.
 */
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('../', import.meta.url));
const { values } = parseArgs({
  options: {
    before: { type: 'string', default: '9fc714c' },
    runs: { type: 'string', default: '5' },
    out: { type: 'string', default: join(root, 'bench/package.md') },
  },
});
const runs = Number(values.runs);
const repoVersion = (name: string) =>
  (
    JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
      version: string;
    }
  ).version;

const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(VITEST|NODE_ENV$)/.test(name)),
);
const sh = (command: string, args: string[], cwd: string) =>
  execFileSync(command, args, { cwd, env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
const scratch = mkdtempSync(join(tmpdir(), 'kit-bench-package-'));

/** Packs a tree into a folder of its own (both trees pack to the same file name). */
function pack(from: string, label: string): string {
  const destination = join(scratch, `pack-${label}`);
  mkdirSync(destination);
  const out = sh('npm', ['pack', '--json', '--pack-destination', destination], from);
  const [{ filename }] = JSON.parse(out.slice(out.indexOf('['))) as [{ filename: string }];
  return join(destination, filename);
}

function appWith(name: string, packages: string[]): string {
  const app = join(scratch, name);
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...packages], app);
  return app;
}

function bytes(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + bytes(join(path, entry)), 0);
}

function packagesIn(modules: string): number {
  let count = 0;
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@')) count += readdirSync(join(modules, entry)).length;
    else count++;
  }
  return count;
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

// --- installed size, before and after -------------------------------------------------------
const before = join(scratch, 'before-src');
mkdirSync(before);
execFileSync('sh', ['-c', `git -C "${root}" archive ${values.before} | tar -x -C "${before}"`]);
const sizes = [
  ['before', before],
  ['after', root],
].map(([label, tree]) => {
  const app = appWith(`size-${label}`, [pack(tree!, label!)]);
  const modules = join(app, 'node_modules');
  return {
    label: label!,
    total: bytes(modules),
    packages: packagesIn(modules),
    kit: bytes(join(modules, 'eligibility-mock-kit')),
    scarf: readdirSync(modules).includes('@scarf'),
  };
});

// --- the app for timings ----------------------------------------------------------------------
const tarball = pack(root, 'timing');
const app = appWith('timing', [
  tarball,
  `msw@${repoVersion('msw')}`,
  `vitest@${repoVersion('vitest')}`,
]);
mkdirSync(join(app, 'test'));
const timingFile = join(app, 'import-ms.json');

// Two figures per fresh worker: msw/node with the kit (what a test file on the kit pays), and the
// kit alone once the app's msw is loaded, `msw` and `msw/node` both, as a suite on bare msw
// handlers imports them (what the kit adds to such a suite; msw's main entry brings graphql).
const importTest = (
  specifier: string,
  mswFirst: boolean,
) => `import { appendFileSync } from 'node:fs';
import { it } from 'vitest';
it('imports the kit', async () => {
  ${mswFirst ? "await import('msw'); await import('msw/node');" : ''}
  const started = performance.now();
  await import(${JSON.stringify(specifier)});
  appendFileSync(${JSON.stringify(timingFile)}, String(performance.now() - started) + '\\n');
});
`;

function importTimes(specifier: string, mswFirst = false): number[] {
  writeFileSync(join(app, 'test/import.test.ts'), importTest(specifier, mswFirst));
  rmSync(timingFile, { force: true });
  for (let i = 0; i < runs; i++)
    sh(join(app, 'node_modules/.bin/vitest'), ['run', 'test/import.test.ts'], app);
  const times = readFileSync(timingFile, 'utf8').trim().split('\n').map(Number);
  rmSync(join(app, 'test/import.test.ts'));
  return times;
}

const packageImport = importTimes('eligibility-mock-kit/msw/node');
const sourceImport = importTimes(join(root, 'mocks/msw/node.ts'));
const packageAlone = importTimes('eligibility-mock-kit/msw/node', true);
const sourceAlone = importTimes(join(root, 'mocks/msw/node.ts'), true);

// --- 500 tests: the kit's handlers next to bare msw handlers --------------------------------
const program = 'https://api.platform.softwareone.com/public/v1/program';
const partner = 'https://api.partnercenter.microsoft.com/v1';
const requests = `
const asClient = { authorization: 'Bearer client-token' };
const asPartner = { authorization: 'Bearer partner-token' };
async function threeRequests() {
  const one = await fetch('${program}/certificates/CER-9646-2171-8417', { headers: asClient });
  const list = await fetch('${program}/certificates?status=Active', { headers: asClient });
  const qualifications = await fetch('${partner}/customers/9f2d7b41-6c3e-4a58-8d1f-0e7a5b2c9d36/qualifications', { headers: asPartner });
  expect([one.status, list.status, qualifications.status]).toEqual([200, 200, 200]);
  await Promise.all([one.json(), list.json(), qualifications.json()]);
}
for (let i = 0; i < 500; i++) it('test ' + i, threeRequests);
`;
// The bare handlers answer what the kit answers (captured once), so both move the same bytes.
const { createKit } = await import('../src/kit.js');
const kit = createKit({ now: '2026-11-21T09:00:00Z' });
const capture = (
  api: 'program-api' | 'partner-center',
  path: string,
  rawQuery: string,
  token: string,
) =>
  kit.handle(api, {
    method: 'GET',
    path,
    rawQuery,
    headers: { authorization: `Bearer ${token}` },
    body: undefined,
  }).body!;
const bodies = {
  one: capture('program-api', '/v1/program/certificates/CER-9646-2171-8417', '', 'client-token'),
  list: capture('program-api', '/v1/program/certificates', 'status=Active', 'client-token'),
  qualifications: capture(
    'partner-center',
    '/v1/customers/9f2d7b41-6c3e-4a58-8d1f-0e7a5b2c9d36/qualifications',
    '',
    'partner-token',
  ),
};
const suites = {
  kit: `import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { setupMockServer } from 'eligibility-mock-kit/msw/node';
const { server, control } = setupMockServer({ now: '2026-11-21T09:00:00Z' });
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => control.reset());
afterAll(() => server.close());
${requests}`,
  bare: `import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
const json = (text) => () => new HttpResponse(text, { headers: { 'content-type': 'application/json' } });
const server = setupServer(
  http.get('${program}/certificates/:id', json(${JSON.stringify(bodies.one)})),
  http.get('${program}/certificates', json(${JSON.stringify(bodies.list)})),
  http.get('${partner}/customers/:id/qualifications', json(${JSON.stringify(bodies.qualifications)})),
);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
${requests}`,
};

/** Runs the two suites alternately, so a busy machine slows both alike. */
function suiteSeconds(): Record<keyof typeof suites, number[]> {
  const times: Record<keyof typeof suites, number[]> = { kit: [], bare: [] };
  for (const name of Object.keys(suites) as (keyof typeof suites)[])
    writeFileSync(join(app, `test/suite-${name}.test.js`), suites[name]);
  for (let i = 0; i < runs; i++) {
    for (const name of Object.keys(suites) as (keyof typeof suites)[]) {
      const started = performance.now();
      sh(join(app, 'node_modules/.bin/vitest'), ['run', `test/suite-${name}.test.js`], app);
      times[name].push((performance.now() - started) / 1000);
    }
  }
  return times;
}
const { kit: kitSuite, bare: bareSuite } = suiteSeconds();

// --- report -----------------------------------------------------------------------------------
const list = (times: number[], digits: number) => times.map((t) => t.toFixed(digits)).join(', ');
const [old, now] = sizes;
const report = `# Package benchmark

\`npm run bench:package\`, ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${runs} runs each
(medians; every run a fresh \`vitest run\`, so a fresh worker). Target (issue 14): import ≤ 0.3 s,
suite on the kit ≤ 1.1× the bare msw suite.

## Import of the kit in a fresh vitest worker (\`eligibility-mock-kit/msw/node\`)

| form | msw/node + the kit | runs (ms) | the kit once msw and msw/node are loaded | runs (ms) |
| --- | --- | --- | --- | --- |
| the package (compiled ESM from node_modules) | ${median(packageImport).toFixed(0)} ms | ${list(packageImport, 0)} | ${median(packageAlone).toFixed(0)} ms | ${list(packageAlone, 0)} |
| the TypeScript sources (transformed by vitest, as before) | ${median(sourceImport).toFixed(0)} ms | ${list(sourceImport, 0)} | ${median(sourceAlone).toFixed(0)} ms | ${list(sourceAlone, 0)} |

## 500 tests, reset + 3 requests each (wall time of \`vitest run\`)

| handlers | median | runs (s) |
| --- | --- | --- |
| the kit (\`setupMockServer\`, \`control.reset()\` after each) | ${median(kitSuite).toFixed(2)} s | ${list(kitSuite, 2)} |
| bare msw handlers (fixed bodies, \`resetHandlers()\` after each) | ${median(bareSuite).toFixed(2)} s | ${list(bareSuite, 2)} |
| ratio kit / bare | ${(median(kitSuite) / median(bareSuite)).toFixed(2)}× | |

## Installed size (\`npm install <tarball>\` into an empty app, dependencies and peers included)

| | node_modules | packages | the kit itself | @scarf/scarf |
| --- | --- | --- | --- | --- |
| before (${values.before}) | ${mb(old!.total)} | ${old!.packages} | ${mb(old!.kit)} | ${old!.scarf ? 'installed' : 'no'} |
| after (this tree) | ${mb(now!.total)} | ${now!.packages} | ${mb(now!.kit)} | ${now!.scarf ? 'installed' : 'no'} |
`;
writeFileSync(values.out, report);
console.log(report);
rmSync(scratch, { recursive: true, force: true });
