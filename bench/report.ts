/** The bench's figures and their markdown: tables, ratios, and the targets checked. */
import type { Measurement } from './load.js';
import type { MswFigures } from './msw.js';
import { renderSessions, type SessionsFigures } from './sessions.js';
import {
  requestLabels,
  requestNames,
  scalingLabels,
  scalingLists,
  serverLabels,
  servers,
  type BenchOptions,
  type RequestName,
  type ScalingList,
  type ServerName,
} from './names.js';

export interface Report {
  date: string;
  node: string;
  cpu: string;
  options: BenchOptions;
  measurements: (Measurement & {
    server: ServerName;
    request: RequestName;
    connections: number;
    round: number;
  })[];
  scaling: (Measurement & { certificates: number; list: ScalingList; total: number })[];
  fixtures: {
    certificates: number;
    loadMs: number;
    rssLoaded: number;
    rss: number;
    peak: number;
  }[];
  startup: { server: 'kit' | 'prism' | 'mockoon'; runs: number[]; median: number }[];
  memory: { server: string; group: ServerName; rss: number; peak: number }[];
  /** The write flow on a fresh kit under `--trace-gc`. */
  gc?: {
    scavenges: number;
    markCompacts: number;
    pauseMs: number;
    requests: number;
    rssBefore: number;
    rssAfter: number;
    peak: number;
  };
  msw?: MswFigures;
  sessions?: SessionsFigures;
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const whole = (value: number) => (Number.isFinite(value) ? Math.round(value).toString() : '—');
const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? a / b : NaN;

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

const median = (values: number[]) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** One server on one request at one connection count: the medians of its rounds. */
interface Cell {
  rps: number;
  p50: number;
  p99: number;
  rounds: number[];
  requests: number;
  failures: number;
}

function cellOf(report: Report, server: ServerName, request: RequestName, connections: number) {
  const runs = report.measurements.filter(
    (m) => m.server === server && m.request === request && m.connections === connections,
  );
  if (runs.length === 0) return undefined;
  return {
    rps: median(runs.map((m) => m.rps)),
    p50: median(runs.map((m) => m.p50)),
    p99: median(runs.map((m) => m.p99)),
    rounds: runs.map((m) => m.rps),
    requests: runs.reduce((sum, m) => sum + m.requests, 0),
    failures: runs.reduce((sum, m) => sum + m.failures, 0),
  } satisfies Cell;
}

interface Target {
  what: string;
  target: string;
  measured: string;
  holds: boolean | undefined;
}

const readRequests = ['getById', 'list', 'qualifications'] as const;

function targets(report: Report): Target[] {
  const many = Math.max(...report.options.connections);
  const at = (server: ServerName, request: RequestName) => cellOf(report, server, request, many);
  const check = (value: number, ok: (v: number) => boolean) =>
    Number.isFinite(value) ? ok(value) : undefined;
  const list: Target[] = [];
  const vsBare = ratio(at('kit', 'getById')?.rps, at('bare', 'getById')?.rps);
  list.push({
    what: `GET by id req/s ÷ bare express (${many} conns)`,
    target: '≥ 1.0',
    measured: fixed(vsBare, 2),
    holds: check(vsBare, (v) => v >= 1),
  });
  const writeP99 = ratio(at('kit', 'write')?.p99, at('bare', 'write')?.p99);
  list.push({
    what: `write p99 at ${many} conns ÷ bare express's`,
    target: '≤ 1.5',
    measured: `${fixed(writeP99, 2)} (${fixed(at('kit', 'write')?.p99 ?? NaN, 0)} vs ${fixed(at('bare', 'write')?.p99 ?? NaN, 0)} ms)`,
    holds: check(writeP99, (v) => v <= 1.5),
  });
  const readsVsPrism = Math.min(
    ...readRequests.map((r) => ratio(at('kit', r)?.rps, at('prism', r)?.rps)),
  );
  list.push({
    what: `req/s ÷ Prism (warmed), reads: the lowest of the three (${many} conns)`,
    target: '≥ 4',
    measured: fixed(readsVsPrism, 2),
    holds: check(readsVsPrism, (v) => v >= 4),
  });
  const writeVsPrism = ratio(at('kit', 'write')?.rps, at('prism', 'write')?.rps);
  list.push({
    what: `req/s ÷ Prism (warmed), write (${many} conns)`,
    target: '≥ 4',
    measured: fixed(writeVsPrism, 2),
    holds: check(writeVsPrism, (v) => v >= 4),
  });
  const big = (list: ScalingList) =>
    report.scaling.find((s) => s.certificates === 100_000 && s.list === list);
  const ten = (list: ScalingList) =>
    report.scaling.find((s) => s.certificates === 10_000 && s.list === list);
  for (const name of ['byId', 'client'] as const) {
    const figure = big(name);
    list.push({
      what: `selective list over 100k, p50: ${scalingLabels[name]}`,
      target: '≤ 0.5 ms',
      measured: figure ? `${fixed(figure.p50, 2)} ms` : 'not run',
      holds: figure ? figure.p50 <= 0.5 : undefined,
    });
  }
  const half = big('half');
  list.push({
    what: '50 % filter + order + page of 50 over 100k, p50',
    target: '≤ 5 ms',
    measured: half ? `${fixed(half.p50, 2)} ms` : 'not run',
    holds: half ? half.p50 <= 5 : undefined,
  });
  const growth = ratio(half?.p50, ten('half')?.p50);
  list.push({
    what: 'list p50 100k ÷ 10k (50 % filter)',
    target: '≤ 10',
    measured: half && ten('half') ? fixed(growth, 2) : 'not run',
    holds: check(growth, (v) => v <= 10),
  });
  const reset = report.msw?.reset.kit ?? NaN;
  list.push({
    what: '`control.reset()` (both APIs)',
    target: '≤ 0.05 ms',
    measured: `${fixed(reset, 4)} ms`,
    holds: check(reset, (v) => v <= 0.05),
  });
  const door = ratio(report.msw?.door.p50, report.msw?.bare.p50);
  list.push({
    what: 'msw door per request ÷ bare msw handler, p50',
    target: '≤ 1.05',
    measured: fixed(door, 2),
    holds: check(door, (v) => v <= 1.05),
  });
  const kitStart = report.startup.find((s) => s.server === 'kit')?.median ?? NaN;
  const prismStart = report.startup.find((s) => s.server === 'prism')?.median;
  list.push({
    what: 'start to first answer, both APIs',
    target: '≤ 0.3 s',
    measured: `${fixed(kitStart / 1000, 2)} s (${fixed(ratio(kitStart, prismStart), 2)}× Prism)`,
    holds: check(kitStart, (v) => v <= 300),
  });
  const memory = report.fixtures.find((f) => f.certificates === 100_000);
  list.push({
    what: 'resident with 100,000 certificates (issue 7)',
    target: '≤ 300 MB',
    measured: memory ? `${whole(memory.rss)} MB (peak ${whole(memory.peak)} MB)` : 'not run',
    holds: memory ? check(memory.rss, (v) => v <= 300) : undefined,
  });
  return list;
}

export function render(report: Report): string {
  const { options } = report;
  const out: string[] = [];
  out.push('# Benchmark results', '');
  out.push(
    `${report.date} · Node ${report.node} · ${report.cpu} · ${options.duration} s per measurement, ${options.rounds} rounds, ${options.connections.join(' and ')} connections${options.smoke ? ' · **smoke run: figures mean nothing**' : ''}`,
    '',
  );

  out.push(
    '## Requests',
    '',
    `autocannon (in the bench's own process, on the same cores), ${options.duration} s per measurement, the servers alternating (A B C D E, ${options.rounds} rounds); before a request's first round every server had ${options.warmup} s of unrecorded load. req/s and latencies are the medians of the rounds (latency in whole milliseconds, 2xx answers only); \`rounds\` lists each round's req/s. Prism and Mockoon answer from the documents' examples (other bytes); the bare servers answer the kit's own bytes.`,
    '',
  );
  const rows: string[][] = [];
  for (const request of requestNames)
    for (const connections of options.connections)
      for (const server of servers) {
        const cell = cellOf(report, server, request, connections);
        if (!cell) continue;
        rows.push([
          requestLabels[request],
          String(connections),
          serverLabels[server],
          whole(cell.rps),
          cell.rounds.map(whole).join(', '),
          fixed(cell.p50, 0),
          fixed(cell.p99, 0),
          whole(cell.requests),
          whole(cell.failures),
        ]);
      }
  out.push(
    table(
      ['request', 'conns', 'server', 'req/s', 'rounds', 'p50 ms', 'p99 ms', 'requests', 'non-2xx'],
      rows,
    ),
    '',
  );

  out.push(
    '## Ratios',
    '',
    'The kit divided by each other server (req/s: above 1 is the kit faster; p99: below 1 is).',
    '',
  );
  const ratioRows: string[][] = [];
  for (const request of requestNames)
    for (const connections of options.connections) {
      const get = (server: ServerName) => cellOf(report, server, request, connections);
      const kit = get('kit');
      if (!kit || servers.every((s) => s === 'kit' || !get(s))) continue;
      ratioRows.push([
        requestLabels[request],
        String(connections),
        fixed(ratio(kit.rps, get('prism')?.rps), 2),
        fixed(ratio(kit.rps, get('mockoon')?.rps), 2),
        fixed(ratio(kit.rps, get('bare')?.rps), 2),
        fixed(ratio(kit.rps, get('http')?.rps), 2),
        fixed(ratio(kit.p99, get('prism')?.p99), 2),
        fixed(ratio(kit.p99, get('bare')?.p99), 2),
      ]);
    }
  out.push(
    table(
      [
        'request',
        'conns',
        'req/s ÷ Prism',
        'req/s ÷ Mockoon',
        'req/s ÷ bare express',
        'req/s ÷ bare node:http',
        'p99 ÷ Prism',
        'p99 ÷ bare express',
      ],
      ratioRows,
    ),
    '',
  );

  const gc = report.gc;
  out.push(
    '## Write flow: garbage and memory',
    '',
    `The write flow (create + submit + complete) on a fresh kit started with \`--trace-gc\`, ${options.connections[0]} connections for ${options.duration} s, nothing else running.`,
    '',
    table(
      [
        'requests',
        'scavenges',
        'mark-compacts',
        'GC pause ms',
        'GC ms per 1,000 requests',
        'RSS before MB',
        'RSS after MB',
        'peak RSS MB',
      ],
      gc
        ? [
            [
              whole(gc.requests),
              whole(gc.scavenges),
              whole(gc.markCompacts),
              fixed(gc.pauseMs, 1),
              fixed((gc.pauseMs / gc.requests) * 1000, 2),
              whole(gc.rssBefore),
              whole(gc.rssAfter),
              whole(gc.peak),
            ],
          ]
        : [],
    ),
    '',
  );

  out.push(
    '## List scaling',
    '',
    `Lists over growing fixtures (the default seed's certificates cloned with fresh ids, half of them Active, 7 clones per made-up client account, one in 500 kept for the seed's client; each clone its own object tree, ${options.fixture === 'json' ? 'parsed from JSON text, every string its own copy' : 'strings shared'}: \`--fixture ${options.fixture}\`), one request at a time for ${options.duration} s each; operations token unless the list says otherwise. \`× 10× fewer\` is the p50 over the previous size's.`,
    '',
  );
  const scalingRows: string[][] = [];
  for (const list of scalingLists)
    report.options.sizes.forEach((size, i) => {
      const s = report.scaling.find((x) => x.certificates === size && x.list === list);
      if (!s) return;
      const previous = report.scaling.find(
        (x) => x.certificates === report.options.sizes[i - 1] && x.list === list,
      );
      scalingRows.push([
        scalingLabels[list],
        String(size),
        whole(s.total),
        fixed(s.p50, 3),
        fixed(s.p99, 3),
        whole(s.rps),
        previous ? fixed(ratio(s.p50, previous.p50), 2) : '',
      ]);
    });
  out.push(
    table(
      ['list', 'certificates', 'matches', 'p50 ms', 'p99 ms', 'pages/s', '× 10× fewer'],
      scalingRows,
    ),
    '',
  );
  out.push(
    table(
      ['certificates', 'RSS loaded MB', 'RSS after MB', 'peak RSS MB', 'spawn to ready s'],
      report.fixtures.map((f) => [
        String(f.certificates),
        whole(f.rssLoaded),
        whole(f.rss),
        whole(f.peak),
        fixed(f.loadMs / 1000, 2),
      ]),
    ),
    '',
  );

  const msw = report.msw;
  out.push(
    '## msw door and reset',
    '',
    `In one process: \`fetch\` of GET certificate by id through msw's \`setupServer\`, answered by the kit's handlers or by a bare \`http.get\` handler returning the kit's own bytes, one request at a time, ${msw?.rounds ?? 0} alternating rounds of ${msw?.requests ?? 0} each; \`control.reset()\` (both APIs) next to msw's \`resetHandlers()\`, medians of batches.`,
    '',
    table(
      ['measure', 'kit', 'bare msw', 'ratio'],
      msw
        ? [
            [
              'per request p50 ms',
              fixed(msw.door.p50, 3),
              fixed(msw.bare.p50, 3),
              fixed(ratio(msw.door.p50, msw.bare.p50), 2),
            ],
            [
              'per request p99 ms',
              fixed(msw.door.p99, 3),
              fixed(msw.bare.p99, 3),
              fixed(ratio(msw.door.p99, msw.bare.p99), 2),
            ],
            [
              'reset ms',
              fixed(msw.reset.kit, 4),
              fixed(msw.reset.mswResetHandlers, 4),
              fixed(ratio(msw.reset.kit, msw.reset.mswResetHandlers), 2),
            ],
          ]
        : [],
    ),
    '',
  );

  out.push(
    '## Startup',
    '',
    options.startupRuns > 0
      ? `Spawn to the first 2xx answer from both APIs (the kit: one process; Prism: one process per document, started together; Mockoon: one process), one server at a time, ${options.startupRuns} runs.`
      : 'Spawn to the first 2xx answer from both APIs, timed on the spawns of the request runs, which overlap: rough.',
    '',
  );
  const startupLabels = {
    kit: 'kit (node mocks/server/start.bundle.mjs, as npm start runs it)',
    prism: 'Prism (2 × prism mock)',
    mockoon: 'Mockoon CLI (mockoon-cli start, both documents)',
  };
  out.push(
    table(
      ['server', 'runs ms', 'median ms'],
      report.startup.map((s) => [
        startupLabels[s.server],
        s.runs.map(whole).join(', '),
        whole(s.median),
      ]),
    ),
    '',
  );

  out.push('## Resident memory after the request runs', '');
  out.push(
    table(
      ['process', 'RSS MB', 'peak RSS MB'],
      report.memory.map((m) => [m.server, whole(m.rss), whole(m.peak)]),
    ),
    '',
  );

  out.push('## Targets (issue 16)', '');
  out.push(
    table(
      ['measure', 'target', 'measured', 'holds'],
      targets(report).map((t) => [
        t.what,
        t.target,
        t.measured,
        t.holds === undefined ? 'n/a' : t.holds ? 'yes' : 'no',
      ]),
    ),
    '',
  );
  if (report.sessions) out.push(renderSessions(report.sessions));
  return out.join('\n');
}
