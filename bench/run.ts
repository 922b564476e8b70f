/**
 * `npm run bench`: the kit's express mock, Prism and a bare express route, started side by side
 * on this machine and measured on the same requests; then the list over growing fixtures, and
 * the startup time. Prints markdown and writes it to bench/results.md.
 *   npm run bench -- --duration 10 --connections 10
 *   npm run bench -- --smoke --out /tmp/bench.md     (a few seconds; what the test runs)
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import type autocannon from 'autocannon';
import { seedCustomers, partnerTokens } from '../src/core/partner/seed.js';
import { seedTokens } from '../src/core/program/seed.js';
import { fixtureModes, type FixtureMode } from './fixture.js';
import { cannon, sequential, type Measurement, type Scenario } from './load.js';
import {
  freePort,
  killAll,
  prismCommand,
  residentMb,
  root,
  startServer,
  tsxCommand,
  type Probe,
  type RunningServer,
} from './processes.js';
import { servers, type BenchOptions, type RequestName, type ServerName } from './names.js';
import { render, type Report } from './report.js';

// The documents `npm run generate` reads (not imported from there: it loads openapi-typescript).
const specPath = (api: 'program-api' | 'partner-center') =>
  fileURLToPath(new URL(`../spec/${api}.yaml`, import.meta.url));

const certificateId = 'CER-9646-2171-8417';
const customerId = seedCustomers.gccWithStateOwned;
const listQuery =
  'eq(status,Active)&order=-expirationDate&select=-*,id,name,status,expirationDate&limit=50';
const asOperations = { authorization: `Bearer ${seedTokens.operations}` };
const asPartner = { authorization: `Bearer ${partnerTokens.partner}` };

/** Where each API lives on a server: the kit and bare express use the kit's layout. */
interface Layout {
  origin: string;
  program: string;
  partner: string;
}

const kitLayout = (port: number): Layout => ({
  origin: `http://127.0.0.1:${port}`,
  program: `http://127.0.0.1:${port}/public`,
  partner: `http://127.0.0.1:${port}`,
});

interface ReadRequest {
  api: 'program' | 'partner';
  path: string;
  headers: Record<string, string>;
}

const reads: Record<Exclude<RequestName, 'writeFlow'>, ReadRequest> = {
  getById: {
    api: 'program',
    path: `/v1/program/certificates/${certificateId}`,
    headers: asOperations,
  },
  list: { api: 'program', path: `/v1/program/certificates?${listQuery}`, headers: asOperations },
  qualifications: {
    api: 'partner',
    path: `/v1/customers/${customerId}/qualifications`,
    headers: asPartner,
  },
};

const readUrl = (layout: Layout, request: ReadRequest) =>
  `${request.api === 'program' ? layout.program : layout.partner}${request.path}`;

/** Both APIs answer: the probes that define "started". */
const probesOf = (layout: Layout): Probe[] => [
  { url: readUrl(layout, reads.getById), headers: reads.getById.headers },
  { url: readUrl(layout, reads.qualifications), headers: reads.qualifications.headers },
];

/** Create and submit an enrollment as the client, complete it as the vendor: three requests per flow. */
function writeFlow(layout: Layout): Scenario {
  const prefix = new URL(layout.program).pathname.replace(/\/$/, '');
  const json = { 'content-type': 'application/json' };
  const requests: autocannon.Request[] = [
    {
      method: 'POST',
      path: `${prefix}/v1/program/enrollments`,
      headers: { ...json, authorization: `Bearer ${seedTokens.client}` },
      body: JSON.stringify({
        program: { id: 'PRG-9643-3741' },
        licensee: { id: 'LCE-5758-4071-6507' },
        parameters: { ordering: [{ id: 'PPM-9643-3741-0001', value: 'MPN-6527247' }] },
      }),
      onResponse: (status, body, context) => {
        const ids = context as { enrollment?: string };
        ids.enrollment = status === 201 ? (JSON.parse(body) as { id: string }).id : undefined;
      },
    },
    {
      // A new enrollment is a draft until the client submits it.
      method: 'POST',
      headers: { authorization: `Bearer ${seedTokens.client}` },
      setupRequest: (request, context) => {
        const { enrollment } = context as { enrollment?: string };
        return (
          enrollment
            ? { ...request, path: `${prefix}/v1/program/enrollments/${enrollment}/submit` }
            : undefined
        ) as autocannon.Request;
      },
    },
    {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${seedTokens.vendor}` },
      body: '{}',
      setupRequest: (request, context) => {
        const { enrollment } = context as { enrollment?: string };
        // Without an enrollment (the create failed) autocannon restarts the sequence.
        return (
          enrollment
            ? { ...request, path: `${prefix}/v1/program/enrollments/${enrollment}/complete` }
            : undefined
        ) as autocannon.Request;
      },
    },
  ];
  return { path: requests[0]!.path!, requests };
}

/** `npm start` bundles the server once (esbuild), then runs plain JavaScript: so does the bench. */
async function buildKit(): Promise<void> {
  await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: root });
}

async function startKit(): Promise<RunningServer> {
  const port = await freePort();
  return startServer({
    name: 'kit',
    command: [process.execPath, join(root, 'mocks/server/start.bundle.mjs')],
    port,
    probes: () => probesOf(kitLayout(port)),
  });
}

/** Prism serves one document per process: one for each API, started together. */
async function startPrism(): Promise<{ layout: Layout; servers: RunningServer[] }> {
  const [programPort, partnerPort] = [await freePort(), await freePort()];
  const layout: Layout = {
    origin: `http://127.0.0.1:${programPort}`,
    program: `http://127.0.0.1:${programPort}`,
    partner: `http://127.0.0.1:${partnerPort}`,
  };
  const started = await Promise.allSettled([
    startServer({
      name: 'prism (program-api)',
      command: prismCommand(specPath('program-api'), programPort),
      port: programPort,
      probes: () => [probesOf(layout)[0]!],
    }),
    startServer({
      name: 'prism (partner-center)',
      command: prismCommand(specPath('partner-center'), partnerPort),
      port: partnerPort,
      probes: () => [probesOf(layout)[1]!],
    }),
  ]);
  const ok = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    await Promise.all(ok.map((s) => s.stop()));
    throw (failed as PromiseRejectedResult).reason;
  }
  return { layout, servers: ok };
}

async function startBare(bodiesFile: string): Promise<RunningServer> {
  const port = await freePort();
  return startServer({
    name: 'bare express',
    command: tsxCommand('bench/bare.ts'),
    port,
    env: { BENCH_BARE_BODIES: bodiesFile },
    probes: () => probesOf(kitLayout(port)),
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const began = performance.now();
const log = (message: string) =>
  process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(1)} s] ${message}\n`);

export async function runBench(options: BenchOptions): Promise<Report> {
  const report: Report = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} logical)`,
    options,
    measurements: [],
    scaling: [],
    startup: [],
    memory: [],
  };

  await buildKit();

  // ---- startup: one server at a time, nothing else running
  const startup: Record<'kit' | 'prism', number[]> = { kit: [], prism: [] };
  for (let run = 0; run < options.startupRuns; run++) {
    log(`startup run ${run + 1}/${options.startupRuns}`);
    const kit = await startKit();
    startup.kit.push(kit.startupMs);
    await kit.stop();
    const prism = await startPrism();
    startup.prism.push(Math.max(...prism.servers.map((s) => s.startupMs)));
    await Promise.all(prism.servers.map((s) => s.stop()));
  }

  // ---- the three servers on the same requests
  const scratch = await mkdtemp(join(tmpdir(), 'kit-bench-'));
  const started: RunningServer[] = [];
  log('starting the kit, Prism and bare express');
  // Prism is the slowest to start: it starts while the kit starts and bare express is set up.
  const prismStarting = startPrism().then((prism) => {
    started.push(...prism.servers);
    return prism;
  });
  prismStarting.catch(() => undefined); // awaited below; this only keeps an early failure handled
  try {
    const kit = await startKit();
    started.push(kit);
    const kitAt = kitLayout(kit.port);
    // Bare express answers exactly what the kit answers, from fixed objects.
    const bodies: Record<string, unknown> = {};
    for (const request of Object.values(reads)) {
      const response = await fetch(readUrl(kitAt, request), { headers: request.headers });
      if (!response.ok) throw new Error(`kit answered ${response.status} to ${request.path}`);
      bodies[new URL(readUrl(kitAt, request)).pathname] = await response.json();
    }
    const bodiesFile = join(scratch, 'bodies.json');
    await writeFile(bodiesFile, JSON.stringify(bodies));
    const bare = await startBare(bodiesFile);
    started.push(bare);
    const prism = await prismStarting;
    if (options.startupRuns === 0) {
      // No dedicated runs (smoke): these spawns overlapped, so the figures are rough.
      startup.kit.push(kit.startupMs);
      startup.prism.push(Math.max(...prism.servers.map((s) => s.startupMs)));
    }
    const layouts: Record<ServerName, Layout> = {
      kit: kitAt,
      prism: prism.layout,
      bare: kitLayout(bare.port),
    };

    const load = { duration: options.duration, connections: options.connections };
    const measure = async (
      server: ServerName,
      request: RequestName,
      scenario: Scenario,
      base: string,
    ) => {
      log(`${request} on ${server}`);
      if (options.warmup > 0) await cannon(base, scenario, { ...load, duration: options.warmup });
      const result: Measurement = await cannon(base, scenario, load);
      report.measurements.push({ server, request, ...result });
    };
    for (const name of ['getById', 'list', 'qualifications'] as const) {
      for (const server of servers) {
        const layout = layouts[server];
        const request = reads[name];
        const base = request.api === 'program' ? layout.program : layout.partner;
        await measure(server, name, { path: request.path, headers: request.headers }, base);
      }
    }
    // Writes last: they grow the kit's state.
    await measure('kit', 'writeFlow', writeFlow(kitAt), kitAt.origin);

    const pids: [ServerName, RunningServer][] = [
      ['kit', kit],
      ...prism.servers.map((s): [ServerName, RunningServer] => ['prism', s]),
      ['bare', bare],
    ];
    for (const [server, child] of pids) {
      const memory = await residentMb(child.pid);
      if (memory) report.memory.push({ server: child.name, group: server, ...memory });
    }
  } finally {
    await prismStarting.catch(() => undefined);
    await Promise.all(started.map((s) => s.stop()));
    await rm(scratch, { recursive: true, force: true });
  }
  report.startup = (['kit', 'prism'] as const).map((name) => ({
    server: name,
    runs: startup[name],
    median: median(startup[name]),
  }));

  // ---- the list over growing fixtures, one request at a time
  for (const size of options.sizes) {
    log(`list over ${size} certificates`);
    const port = await freePort();
    const layout = kitLayout(port);
    const server = await startServer({
      name: `kit with ${size} certificates`,
      command: tsxCommand('bench/server.ts'),
      port,
      env: { BENCH_CERTIFICATES: String(size), BENCH_FIXTURE: options.fixture },
      probes: () => probesOf(layout),
      timeoutMs: 300_000,
    });
    try {
      const loaded = await residentMb(server.pid);
      const result = await sequential(readUrl(layout, reads.list), reads.list.headers, {
        durationMs: options.duration * 1000,
      });
      const after = await residentMb(server.pid);
      report.scaling.push({
        certificates: size,
        ...result,
        loadMs: server.startupMs,
        rssLoaded: loaded?.rss ?? NaN,
        rss: after?.rss ?? NaN,
        peak: after?.peak ?? NaN,
      });
    } finally {
      await server.stop();
    }
  }
  return report;
}

function fixtureOption(text: string | undefined): FixtureMode {
  const mode = (text ?? 'objects') as FixtureMode;
  if (!fixtureModes.includes(mode))
    throw new Error(`--fixture must be one of ${fixtureModes.join(', ')}`);
  return mode;
}

function parse(argv: string[]): { options: BenchOptions; out: string | undefined } {
  const { values } = parseArgs({
    args: argv,
    options: {
      duration: { type: 'string' },
      connections: { type: 'string' },
      sizes: { type: 'string' },
      fixture: { type: 'string' },
      'startup-runs': { type: 'string' },
      warmup: { type: 'string' },
      smoke: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
  });
  const smoke = values.smoke ?? false;
  const number = (name: string, text: string | undefined, fallback: number) => {
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number`);
    return value;
  };
  const options: BenchOptions = {
    smoke,
    duration: number('duration', values.duration, smoke ? 0.3 : 10),
    connections: number('connections', values.connections, 10),
    sizes: (values.sizes ?? (smoke ? '1000,2000' : '1000,10000,100000'))
      .split(',')
      .map((s) => number('sizes', s, 0)),
    fixture: fixtureOption(values.fixture),
    startupRuns: number('startup-runs', values['startup-runs'], smoke ? 0 : 3),
    warmup: number('warmup', values.warmup, smoke ? 0 : 1),
  };
  if (options.duration <= 0 || options.connections < 1)
    throw new Error('--duration and --connections must be positive');
  // A smoke run writes only where it is told to, so it never replaces the real figures.
  const out =
    values.out ?? (smoke ? undefined : fileURLToPath(new URL('results.md', import.meta.url)));
  return { options, out };
}

async function main() {
  const { options, out } = parse(process.argv.slice(2));
  const stop = () => {
    killAll();
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const markdown = render(await runBench(options));
  process.stdout.write(markdown);
  if (out) {
    await writeFile(out, markdown);
    log(`wrote ${out}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(error);
    killAll();
    process.exit(1);
  });
}
