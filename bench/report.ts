/** The bench's figures and their markdown: tables, ratios, and the targets checked. */
import type { Measurement } from './load.js';
import {
  requestLabels,
  requestNames,
  serverLabels,
  servers,
  type BenchOptions,
  type RequestName,
  type ServerName,
} from './names.js';

export interface Report {
  date: string;
  node: string;
  cpu: string;
  options: BenchOptions;
  measurements: (Measurement & { server: ServerName; request: RequestName })[];
  scaling: (Measurement & {
    certificates: number;
    loadMs: number;
    rssLoaded: number;
    rss: number;
    peak: number;
  })[];
  startup: { server: 'kit' | 'prism'; runs: number[]; median: number }[];
  memory: { server: string; group: ServerName; rss: number; peak: number }[];
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
const whole = (value: number) => (Number.isFinite(value) ? Math.round(value).toString() : '—');
const ratio = (a: number | undefined, b: number | undefined) =>
  a !== undefined && b !== undefined && b > 0 ? a / b : NaN;

function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

interface Target {
  what: string;
  measured: string;
  holds: boolean | undefined;
}

function targets(report: Report): Target[] {
  const get = (server: ServerName, request: RequestName) =>
    report.measurements.find((m) => m.server === server && m.request === request);
  const kit = get('kit', 'getById');
  const prism = get('prism', 'getById');
  const bare = get('bare', 'getById');
  const check = (value: number, ok: (v: number) => boolean) =>
    Number.isFinite(value) ? ok(value) : undefined;
  const list: Target[] = [];
  const vsPrism = ratio(kit?.rps, prism?.rps);
  list.push({
    what: 'GET by id: req/s at least 3× Prism',
    measured: `${fixed(vsPrism, 2)}×`,
    holds: check(vsPrism, (v) => v >= 3),
  });
  const vsBare = ratio(kit?.rps, bare?.rps);
  list.push({
    what: 'GET by id: req/s at least 70% of bare express',
    measured: `${fixed(vsBare * 100, 0)}%`,
    holds: check(vsBare, (v) => v >= 0.7),
  });
  // autocannon latencies are whole milliseconds: a p99 of 0 ms on both sides compares as equal.
  const p99 = ratio(kit?.p99, prism?.p99);
  list.push({
    what: 'GET by id: p99 at most a third of Prism’s',
    measured: `${fixed(kit?.p99 ?? NaN, 0)} ms vs ${fixed(prism?.p99 ?? NaN, 0)} ms`,
    holds: check(p99, (v) => v <= 1 / 3),
  });
  const at = (n: number) => report.scaling.find((s) => s.certificates === n);
  const big = at(100_000);
  const ten = at(10_000);
  list.push({
    what: 'list over 100,000: p50 at most 50 ms per page',
    measured: big ? `${fixed(big.p50)} ms` : 'not run',
    holds: big ? big.p50 <= 50 : undefined,
  });
  const growth = ratio(big?.p50, ten?.p50);
  list.push({
    what: 'list: p50 100k/10k at most 12',
    measured: big && ten ? fixed(growth, 2) : 'not run',
    holds: check(growth, (v) => v <= 12),
  });
  list.push({
    what: 'list: at most 300 MB resident with 100,000',
    measured: big ? `${whole(big.rss)} MB (peak ${whole(big.peak)} MB)` : 'not run',
    holds: big ? check(big.rss, (v) => v <= 300) : undefined,
  });
  const kitStart = report.startup.find((s) => s.server === 'kit')?.median;
  const prismStart = report.startup.find((s) => s.server === 'prism')?.median;
  list.push({
    what: 'startup at most 1 s',
    measured: `${whole(kitStart ?? NaN)} ms`,
    holds: check(kitStart ?? NaN, (v) => v <= 1000),
  });
  const startRatio = ratio(kitStart, prismStart);
  list.push({
    what: 'startup at most a third of Prism’s',
    measured: `${fixed(startRatio, 2)}× (${whole(prismStart ?? NaN)} ms)`,
    holds: check(startRatio, (v) => v <= 1 / 3),
  });
  return list;
}

export function render(report: Report): string {
  const { options } = report;
  const out: string[] = [];
  out.push('# Benchmark results', '');
  out.push(
    `${report.date} · Node ${report.node} · ${report.cpu} · ${options.duration} s per measurement, ${options.connections} connections${options.smoke ? ' · **smoke run: figures mean nothing**' : ''}`,
    '',
  );

  out.push(
    '## Requests',
    '',
    `autocannon, ${options.connections} connections, ${options.duration} s each after ${options.warmup} s of warm-up. Latency in whole milliseconds, 2xx answers only.`,
    '',
  );
  const rows: string[][] = [];
  for (const request of requestNames) {
    for (const server of servers) {
      const m = report.measurements.find((x) => x.server === server && x.request === request);
      if (!m) continue;
      rows.push([
        requestLabels[request],
        serverLabels[server],
        whole(m.rps),
        fixed(m.p50, 0),
        fixed(m.p99, 0),
        whole(m.requests),
        whole(m.failures),
      ]);
    }
  }
  out.push(
    table(['request', 'server', 'req/s', 'p50 ms', 'p99 ms', 'requests', 'non-2xx'], rows),
    '',
  );

  out.push('## Ratios', '');
  const ratioRows: string[][] = [];
  for (const request of requestNames) {
    const get = (server: ServerName) =>
      report.measurements.find((x) => x.server === server && x.request === request);
    const kit = get('kit');
    const prism = get('prism');
    const bare = get('bare');
    if (!kit || (!prism && !bare)) continue;
    ratioRows.push([
      requestLabels[request],
      fixed(ratio(kit.rps, prism?.rps), 2),
      fixed(ratio(kit.rps, bare?.rps), 2),
      fixed(ratio(kit.p99, prism?.p99), 2),
      fixed(ratio(kit.p99, bare?.p99), 2),
    ]);
  }
  out.push(
    table(
      ['request', 'kit/Prism req/s', 'kit/bare req/s', 'kit/Prism p99', 'kit/bare p99'],
      ratioRows,
    ),
    '',
  );

  out.push(
    '## List scaling',
    '',
    `The list request over growing fixtures (the default seed's certificates cloned with fresh ids, half of them Active; each clone its own object tree, ${options.fixture === 'json' ? 'parsed from JSON text, every string its own copy' : 'strings shared'}: \`--fixture ${options.fixture}\`), one request at a time for ${options.duration} s, operations token (sees all).`,
    '',
  );
  out.push(
    table(
      [
        'certificates',
        'p50 ms',
        'p99 ms',
        'pages/s',
        '× previous p50',
        'RSS loaded MB',
        'RSS after MB',
        'peak RSS MB',
        'spawn to ready s',
      ],
      report.scaling.map((s, i) => [
        s.certificates.toString(),
        fixed(s.p50, 2),
        fixed(s.p99, 2),
        whole(s.rps),
        i === 0 ? '' : fixed(ratio(s.p50, report.scaling[i - 1]?.p50), 2),
        whole(s.rssLoaded),
        whole(s.rss),
        whole(s.peak),
        fixed(s.loadMs / 1000, 2),
      ]),
    ),
    '',
  );

  out.push(
    '## Startup',
    '',
    options.startupRuns > 0
      ? `Spawn to the first 2xx answer from both APIs (the kit: one process; Prism: one process per document, started together), one server at a time, ${options.startupRuns} runs.`
      : 'Spawn to the first 2xx answer from both APIs, timed on the spawns of the request runs, which overlap (the kit and Prism start together): rough.',
    '',
  );
  out.push(
    table(
      ['server', 'runs ms', 'median ms'],
      report.startup.map((s) => [
        s.server === 'kit'
          ? 'kit (node mocks/server/start.bundle.mjs, as npm start runs it)'
          : 'Prism (2 × prism mock)',
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

  out.push('## Targets (issue 7)', '');
  out.push(
    table(
      ['target', 'measured', 'holds'],
      targets(report).map((t) => [
        t.what,
        t.measured,
        t.holds === undefined ? 'n/a' : t.holds ? 'yes' : 'no',
      ]),
    ),
    '',
  );
  return out.join('\n');
}
