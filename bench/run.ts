/**
 * `npm run bench`: the kit's express mock, Prism, Mockoon CLI, a bare express route and a bare
 * node:http server, started side by side on this machine and measured on the same requests,
 * alternating (A B C D E A B C D E); the write flow's garbage; the lists over growing fixtures;
 * the msw door and the reset in process; the startup time. Prints markdown and writes it to
 * bench/results.md.
 *   npm run bench -- --duration 5 --connections 10,50 --rounds 2
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
import { cloneClientId, cloneId, fixtureModes, type FixtureMode } from './fixture.js';
import type { MswFigures } from './msw.js';
import { cannon, sequential, type Scenario } from './load.js';
import {
  buildKit,
  freePort,
  killAll,
  runMain,
  kitBundle,
  mockoonCommand,
  prismCommand,
  residentMb,
  root,
  startServer,
  tsxCommand,
  type Probe,
  type RunningServer,
} from './processes.js';
import {
  scalingLists,
  servers,
  type BenchOptions,
  type RequestName,
  type ScalingList,
  type ServerName,
} from './names.js';
import { render, type Report } from './report.js';
import { measureSessions, sessionsOptions } from './sessions.js';

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

const reads: Record<'getById' | 'list' | 'qualifications', ReadRequest> = {
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

/** The write every server is asked: the client creates an enrollment (201). */
const enrollmentBody = JSON.stringify({
  program: { id: 'PRG-9643-3741' },
  licensee: { id: 'LCE-5758-4071-6507' },
  parameters: { ordering: [{ id: 'PPM-9643-3741-0001', value: 'MPN-6527247' }] },
});
const write = {
  method: 'POST' as const,
  path: '/v1/program/enrollments',
  headers: { authorization: `Bearer ${seedTokens.client}`, 'content-type': 'application/json' },
  body: enrollmentBody,
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
      body: enrollmentBody,
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

async function startKit(flags: string[] = [], onOutput?: (text: string) => void) {
  const port = await freePort();
  return startServer({
    name: 'kit',
    command: [process.execPath, ...flags, kitBundle],
    port,
    probes: () => probesOf(kitLayout(port)),
    onOutput,
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

/** Mockoon CLI: one process, both documents, a port each; the Program API under `/public`. */
async function startMockoon(): Promise<{ layout: Layout; server: RunningServer }> {
  const [programPort, partnerPort] = [await freePort(), await freePort()];
  const layout: Layout = {
    origin: `http://127.0.0.1:${programPort}`,
    program: `http://127.0.0.1:${programPort}/public`,
    partner: `http://127.0.0.1:${partnerPort}`,
  };
  const server = await startServer({
    name: 'mockoon',
    command: mockoonCommand([
      { file: specPath('program-api'), port: programPort },
      { file: specPath('partner-center'), port: partnerPort },
    ]),
    port: programPort,
    probes: () => probesOf(layout),
  });
  return { layout, server };
}

async function startBare(file: string, bodiesFile: string, name: string) {
  const port = await freePort();
  return startServer({
    name,
    command: tsxCommand(file),
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

/** Garbage collections a `--trace-gc` process reports, counted as its output comes. */
function gcCounter() {
  const counts = { scavenges: 0, markCompacts: 0, pauseMs: 0 };
  let rest = '';
  return {
    counts,
    reset: () => Object.assign(counts, { scavenges: 0, markCompacts: 0, pauseMs: 0 }),
    feed(text: string) {
      const lines = (rest + text).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        const match =
          /: (Scavenge|Mark-Compact|Mark-sweep|Minor Mark-Sweep)\b[^,]*, ([\d.]+) \/ [\d.]+ ms/.exec(
            line,
          );
        if (!match) continue;
        if (match[1] === 'Scavenge' || match[1] === 'Minor Mark-Sweep') counts.scavenges++;
        else counts.markCompacts++;
        counts.pauseMs += Number(match[2]);
      }
    },
  };
}

export async function runBench(options: BenchOptions): Promise<Report> {
  const report: Report = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} logical)`,
    options,
    measurements: [],
    scaling: [],
    fixtures: [],
    startup: [],
    memory: [],
  };

  await buildKit();

  // ---- startup: one server at a time, nothing else running
  const startup: Record<'kit' | 'prism' | 'mockoon', number[]> = {
    kit: [],
    prism: [],
    mockoon: [],
  };
  for (let run = 0; run < options.startupRuns; run++) {
    log(`startup run ${run + 1}/${options.startupRuns}`);
    const kit = await startKit();
    startup.kit.push(kit.startupMs);
    await kit.stop();
    const prism = await startPrism();
    startup.prism.push(Math.max(...prism.servers.map((s) => s.startupMs)));
    await Promise.all(prism.servers.map((s) => s.stop()));
    const mockoon = await startMockoon();
    startup.mockoon.push(mockoon.server.startupMs);
    await mockoon.server.stop();
  }

  // ---- the five servers on the same requests
  const scratch = await mkdtemp(join(tmpdir(), 'kit-bench-'));
  const started: RunningServer[] = [];
  log('starting the kit, Prism, Mockoon, bare express and bare node:http');
  // Prism is the slowest to start: it starts while the others start.
  const prismStarting = startPrism().then((prism) => {
    started.push(...prism.servers);
    return prism;
  });
  prismStarting.catch(() => undefined); // awaited below; this only keeps an early failure handled
  try {
    const kit = await startKit();
    started.push(kit);
    const kitAt = kitLayout(kit.port);
    // The bare servers answer exactly the kit's bytes, captured here, by method and path.
    const bodies: Record<string, { status: number; body: string }> = {};
    for (const request of Object.values(reads)) {
      const response = await fetch(readUrl(kitAt, request), { headers: request.headers });
      if (!response.ok) throw new Error(`kit answered ${response.status} to ${request.path}`);
      bodies[`GET ${new URL(readUrl(kitAt, request)).pathname}`] = {
        status: response.status,
        body: await response.text(),
      };
    }
    const created = await fetch(`${kitAt.program}${write.path}`, {
      method: 'POST',
      headers: write.headers,
      body: write.body,
    });
    if (created.status !== 201) throw new Error(`kit answered ${created.status} to the write`);
    bodies[`POST /public${write.path}`] = { status: 201, body: await created.text() };
    const bodiesFile = join(scratch, 'bodies.json');
    await writeFile(bodiesFile, JSON.stringify(bodies));
    const bare = await startBare('bench/bare.ts', bodiesFile, 'bare express');
    started.push(bare);
    const http = await startBare('bench/bare-http.ts', bodiesFile, 'bare node:http');
    started.push(http);
    const mockoon = await startMockoon();
    started.push(mockoon.server);
    const prism = await prismStarting;
    if (options.startupRuns === 0) {
      // No dedicated runs (smoke): these spawns overlapped, so the figures are rough.
      startup.kit.push(kit.startupMs);
      startup.prism.push(Math.max(...prism.servers.map((s) => s.startupMs)));
      startup.mockoon.push(mockoon.server.startupMs);
    }
    const layouts: Record<ServerName, Layout> = {
      kit: kitAt,
      prism: prism.layout,
      mockoon: mockoon.layout,
      bare: kitLayout(bare.port),
      http: kitLayout(http.port),
    };
    const scenarioOf = (server: ServerName, request: Exclude<RequestName, 'writeFlow'>) => {
      const layout = layouts[server];
      if (request === 'write') return { base: layout.program, scenario: write };
      const read = reads[request];
      return {
        base: read.api === 'program' ? layout.program : layout.partner,
        scenario: { path: read.path, headers: read.headers },
      };
    };
    // Reads first, the write last: it grows the kit's state.
    for (const request of ['getById', 'list', 'qualifications', 'write'] as const) {
      if (options.warmup > 0)
        for (const server of servers) {
          log(`${request}: warming ${server} up`);
          const { base, scenario } = scenarioOf(server, request);
          await cannon(base, scenario, { duration: options.warmup, connections: 10 });
        }
      for (const connections of options.connections)
        for (let round = 0; round < options.rounds; round++)
          for (const server of servers) {
            log(`${request} at ${connections} connections on ${server} (round ${round + 1})`);
            const { base, scenario } = scenarioOf(server, request);
            const result = await cannon(base, scenario, {
              duration: options.duration,
              connections,
            });
            report.measurements.push({ server, request, connections, round, ...result });
          }
    }
    const flowConnections = options.connections[0]!;
    log('write flow on the kit');
    const flow = await cannon(kitAt.origin, writeFlow(kitAt), {
      duration: options.duration,
      connections: flowConnections,
    });
    report.measurements.push({
      server: 'kit',
      request: 'writeFlow',
      connections: flowConnections,
      round: 0,
      ...flow,
    });

    const pids: [ServerName, RunningServer][] = [
      ['kit', kit],
      ...prism.servers.map((s): [ServerName, RunningServer] => ['prism', s]),
      ['mockoon', mockoon.server],
      ['bare', bare],
      ['http', http],
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
  report.startup = (['kit', 'prism', 'mockoon'] as const).map((name) => ({
    server: name,
    runs: startup[name],
    median: median(startup[name]),
  }));

  // ---- the write flow's garbage: a fresh kit under --trace-gc, nothing else running
  {
    log('write flow under --trace-gc');
    const gc = gcCounter();
    const kit = await startKit(['--trace-gc'], (text) => gc.feed(text));
    try {
      const layout = kitLayout(kit.port);
      const before = await residentMb(kit.pid);
      gc.reset();
      const result = await cannon(layout.origin, writeFlow(layout), {
        duration: options.duration,
        connections: options.connections[0]!,
      });
      const after = await residentMb(kit.pid);
      report.gc = {
        ...gc.counts,
        requests: result.requests,
        rssBefore: before?.rss ?? NaN,
        rssAfter: after?.rss ?? NaN,
        peak: after?.peak ?? NaN,
      };
    } finally {
      await kit.stop();
    }
  }

  // ---- the lists over growing fixtures, one request at a time
  for (const size of options.sizes) {
    log(`lists over ${size} certificates`);
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
      const lists: Record<ScalingList, { query: string; headers: Record<string, string> }> = {
        byId: { query: `eq(id,${cloneId(Math.floor(size / 2))})`, headers: asOperations },
        client: { query: `eq(client.id,${cloneClientId(21)})`, headers: asOperations },
        clientToken: {
          query: 'limit=50',
          headers: { authorization: `Bearer ${seedTokens.client}` },
        },
        half: { query: listQuery, headers: asOperations },
      };
      for (const list of scalingLists) {
        const { query, headers } = lists[list];
        const url = `${layout.program}/v1/program/certificates?${query}`;
        const total = await fetch(url, { headers })
          .then((r) => r.json() as Promise<{ $meta?: { pagination?: { total?: number } } }>)
          .then((body) => body.$meta?.pagination?.total ?? NaN);
        const result = await sequential(url, headers, { durationMs: options.duration * 1000 });
        report.scaling.push({ certificates: size, list, total, ...result });
      }
      const after = await residentMb(server.pid);
      report.fixtures.push({
        certificates: size,
        loadMs: server.startupMs,
        rssLoaded: loaded?.rss ?? NaN,
        rss: after?.rss ?? NaN,
        peak: after?.peak ?? NaN,
      });
    } finally {
      await server.stop();
    }
  }

  // ---- the msw door in process, and the reset
  log('msw door and reset');
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--import',
      'tsx',
      join(root, 'bench/msw.ts'),
      '--requests',
      String(options.smoke ? 100 : 3000),
      '--rounds',
      String(options.smoke ? 1 : 4),
    ],
    { cwd: root, maxBuffer: 1024 * 1024 },
  );
  report.msw = JSON.parse(stdout) as MswFigures;

  // ---- sessions: many worlds on one server (bench/sessions.ts)
  report.sessions = await measureSessions(
    sessionsOptions(options.smoke, {
      duration: String(options.duration),
      connections: String(options.connections[0]!),
      rounds: String(options.rounds),
    }),
    log,
  );
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
      rounds: { type: 'string' },
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
    duration: number('duration', values.duration, smoke ? 0.3 : 5),
    connections: (values.connections ?? '10,50').split(',').map((s) => number('connections', s, 0)),
    rounds: number('rounds', values.rounds, smoke ? 1 : 2),
    sizes: (values.sizes ?? (smoke ? '1000,2000' : '1000,10000,100000'))
      .split(',')
      .map((s) => number('sizes', s, 0)),
    fixture: fixtureOption(values.fixture),
    startupRuns: number('startup-runs', values['startup-runs'], smoke ? 0 : 3),
    warmup: number('warmup', values.warmup, smoke ? 0 : 5),
  };
  if (options.duration <= 0 || options.connections.some((c) => c < 1) || options.rounds < 1)
    throw new Error('--duration, --connections and --rounds must be positive');
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

runMain(import.meta.url, main);
