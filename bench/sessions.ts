/**
 * Sessions (issue 23): many worlds on one server. On the bundle `npm start` runs: the resident
 * memory of `--sessions` sessions with `--writes` writes each over the empty server; GET by id
 * in a named session next to the default session (autocannon, rounds alternated); `--parallel`
 * contract-suite runs at once, each in its own session, next to one run alone (wall and CPU
 * time). In process: the time to create a session. `bench/run.ts` runs it as one of its phases;
 * alone it writes bench/sessions.md.
 *   npm run bench:sessions                                  (about 2 minutes)
 *   npm run bench:sessions -- --smoke --out /tmp/sessions.md
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { resolveTarget, runContracts } from '../contracts/index.js';
import { inSession } from '../contracts/target.js';
import { seedTokens } from '../src/core/program/seed.js';
import { createSessions } from '../src/sessions.js';
import { cannon, type Measurement } from './load.js';
import {
  buildKit,
  freePort,
  kitBundle,
  killAll,
  runMain,
  residentMb,
  startServer,
  type RunningServer,
} from './processes.js';

export interface SessionsBenchOptions {
  /** Sessions made on one server for the memory figure, and their writes each. */
  sessions: number;
  writes: number;
  /** Seconds the server may idle after the writes, for V8 to give back the garbage's pages. */
  settle: number;
  /** Sessions created in process for the creation time. */
  creates: number;
  /** Seconds per GET measurement, its connections and rounds (named and default alternating). */
  duration: number;
  connections: number;
  rounds: number;
  /** Contract-suite runs at once, and how many times (one run alone, then those at once). */
  parallel: number;
  contractRounds: number;
  /** Ports for the two servers (default: free ones). */
  ports?: [number, number];
  smoke: boolean;
}

export interface SessionsFigures {
  options: SessionsBenchOptions;
  memory: {
    sessions: number;
    writes: number;
    failures: number;
    rssEmpty: number;
    /** Right after the last write: the garbage of 10,000 requests not yet collected. */
    rssAfter: number;
    /** After idling (at most `settle` seconds): V8's memory reducer has collected it. */
    rssSettled: number;
    settledAfter: number;
    peak: number;
    seconds: number;
  };
  /** Milliseconds per creation: on first use, and by `POST /__control/sessions` (no HTTP). */
  create: { firstUse: Percentiles; control: Percentiles };
  get: { named: Measurement[]; default: Measurement[] };
  contracts: {
    parallel: number;
    /** Per round: one run alone, then `parallel` at once. */
    alone: ContractRun[];
    together: ContractRun[];
  };
}

interface Percentiles {
  count: number;
  p50: number;
  p99: number;
}

export interface ContractRun {
  runs: number;
  /** Runs whose every check passed (none failed). */
  passed: number;
  checks: number;
  wallMs: number;
  /** CPU milliseconds of the bench's own process (the suite, in process) and of the server. */
  benchCpuMs: number;
  serverCpuMs: number;
}

const certificatePath = '/v1/program/certificates/CER-9646-2171-8417';
const asOperations = { authorization: `Bearer ${seedTokens.operations}` };
const enrollment = JSON.stringify({
  program: { id: 'PRG-9643-3741' },
  licensee: { id: 'LCE-5758-4071-6507' },
  parameters: { ordering: [{ id: 'PPM-9643-3741-0001', value: 'MPN-6527247' }] },
});

const median = (values: number[]) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const percentiles = (values: number[]): Percentiles => {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99) };
};

let ticks: number | undefined;
/** CPU milliseconds (user + system) a process has used: Linux `/proc/<pid>/stat`. */
async function cpuMs(pid: number): Promise<number> {
  if (process.platform !== 'linux') return NaN;
  ticks ??= Number(
    (await promisify(execFile)('getconf', ['CLK_TCK']).catch(() => ({ stdout: '100' }))).stdout,
  );
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name (which may hold spaces), from field 3 on.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / (ticks || 100);
}
const ownCpuMs = () => {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
};

async function startKit(port: number | undefined, flags: string[] = []): Promise<RunningServer> {
  const chosen = port ?? (await freePort());
  return startServer({
    name: 'kit',
    command: [process.execPath, kitBundle, ...flags],
    port: chosen,
    probes: () => [
      { url: `http://127.0.0.1:${chosen}/public${certificatePath}`, headers: asOperations },
    ],
  });
}

/** A client's write in `session` (or the default): 201 or not. */
async function writeIn(origin: string, session: string | undefined): Promise<boolean> {
  const response = await fetch(`${origin}/public/v1/program/enrollments`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${seedTokens.client}`,
      'content-type': 'application/json',
      ...(session ? { 'mock-session': session } : {}),
    },
    body: enrollment,
  });
  await response.arrayBuffer();
  return response.status === 201;
}

/** `n` tasks, `width` at a time. */
async function pool(n: number, width: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

async function memoryPhase(options: SessionsBenchOptions, log: (m: string) => void) {
  const kit = await startKit(options.ports?.[0], [
    '--max-sessions',
    String(Math.max(1000, options.sessions)),
  ]);
  try {
    const origin = `http://127.0.0.1:${kit.port}`;
    // The code paths warmed in the default session, so the growth is the sessions' own.
    for (let i = 0; i < options.writes; i++) await writeIn(origin, undefined);
    const empty = await residentMb(kit.pid);
    log(`${options.sessions} sessions × ${options.writes} writes`);
    const started = performance.now();
    let failures = 0;
    await pool(options.sessions, 8, async (i) => {
      for (let w = 0; w < options.writes; w++)
        if (!(await writeIn(origin, `bench-${i}`))) failures++;
    });
    const seconds = (performance.now() - started) / 1000;
    const after = await residentMb(kit.pid);
    // Idle, V8 collects the requests' garbage and returns its pages (its memory reducer, some
    // 20-30 s on): polled each second, until RSS has fallen by a tenth and holds for 3 s.
    const idle = performance.now();
    let settled = after;
    let steady = 0;
    while ((performance.now() - idle) / 1000 < options.settle && after) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const now = await residentMb(kit.pid);
      if (!now) break;
      const fell = now.rss < after.rss * 0.9;
      steady = fell && settled && Math.abs(now.rss - settled.rss) < 1 ? steady + 1 : 0;
      settled = now;
      if (steady >= 3) break;
    }
    const listed = (await (await fetch(`${origin}/__control/sessions`)).json()) as {
      sessions: { id: string }[];
    };
    if (listed.sessions.length !== options.sessions + 1)
      throw new Error(`the server lists ${listed.sessions.length - 1} sessions`);
    return {
      sessions: options.sessions,
      writes: options.writes,
      failures,
      rssEmpty: empty?.rss ?? NaN,
      rssAfter: after?.rss ?? NaN,
      rssSettled: settled?.rss ?? NaN,
      settledAfter: (performance.now() - idle) / 1000,
      peak: settled?.peak ?? NaN,
      seconds,
    };
  } finally {
    await kit.stop();
  }
}

/** In process: a session made on first use, and by the control API's `POST /sessions`. */
function createPhase(options: SessionsBenchOptions): SessionsFigures['create'] {
  const time = (make: (i: number) => void) => {
    const times: number[] = [];
    for (let i = 0; i < options.creates; i++) {
      const started = performance.now();
      make(i);
      times.push(performance.now() - started);
    }
    return percentiles(times);
  };
  const sessionsOf = () => {
    const sessions = createSessions({}, { maxSessions: options.creates + 100 });
    // Warm: the first fork counts the seed's objects, later ones share the count.
    for (let i = 0; i < 50; i++) sessions.use(`warm-${i}`);
    return sessions;
  };
  const used = sessionsOf();
  const firstUse = time((i) => {
    if ('refused' in used.use(`s-${i}`)) throw new Error('a session was refused');
  });
  const made = sessionsOf();
  const control = time((i) => {
    const answer = made.handleControl(
      {
        method: 'POST',
        path: '/sessions',
        rawQuery: '',
        headers: { 'content-type': 'application/json' },
        body: `{"id":"c-${i}"}`,
      },
      '/sessions',
    );
    if (answer?.status !== 201) throw new Error(`POST /sessions answered ${answer?.status}`);
  });
  return { firstUse, control };
}

async function getPhase(
  kit: RunningServer,
  options: SessionsBenchOptions,
  log: (m: string) => void,
): Promise<SessionsFigures['get']> {
  const base = `http://127.0.0.1:${kit.port}/public`;
  const named = {
    path: certificatePath,
    headers: { ...asOperations, 'mock-session': 'bench-get' },
  };
  const plain = { path: certificatePath, headers: asOperations };
  const load = { duration: options.duration, connections: options.connections };
  const figures: SessionsFigures['get'] = { named: [], default: [] };
  if (!options.smoke)
    for (const scenario of [plain, named]) await cannon(base, scenario, { ...load, duration: 2 });
  for (let round = 0; round < options.rounds; round++) {
    log(`GET by id, default then named session (round ${round + 1})`);
    figures.default.push(await cannon(base, plain, load));
    figures.named.push(await cannon(base, named, load));
  }
  return figures;
}

async function contractsPhase(
  kit: RunningServer,
  options: SessionsBenchOptions,
  log: (m: string) => void,
): Promise<SessionsFigures['contracts']> {
  const origin = `http://127.0.0.1:${kit.port}`;
  const target = await resolveTarget({ api: 'all', target: origin, env: {} });
  const apis = ['program-api', 'partner-center'] as const;
  let made = 0;
  /** `runs` suites at once, each in a session of its own (made, then deleted, as --session new). */
  const run = async (runs: number): Promise<ContractRun> => {
    const [benchBefore, serverBefore] = [ownCpuMs(), await cpuMs(kit.pid)];
    const started = performance.now();
    const reports = await Promise.all(
      Array.from({ length: runs }, async () => {
        const id = `contracts-${++made}`;
        const created = await fetch(`${origin}/__control/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id }),
        });
        if (created.status !== 201) throw new Error(`POST /sessions answered ${created.status}`);
        try {
          return await runContracts({ target: inSession(target, id), apis });
        } finally {
          await fetch(`${origin}/__control/sessions/${id}`, { method: 'DELETE' });
        }
      }),
    );
    const wallMs = performance.now() - started;
    return {
      runs,
      passed: reports.filter((r) => r.summary.failed === 0).length,
      checks: reports[0]?.results.length ?? 0,
      wallMs,
      benchCpuMs: ownCpuMs() - benchBefore,
      serverCpuMs: (await cpuMs(kit.pid)) - serverBefore,
    };
  };
  const figures: SessionsFigures['contracts'] = {
    parallel: options.parallel,
    alone: [],
    together: [],
  };
  await run(1); // warm both sides' code paths
  for (let round = 0; round < options.contractRounds; round++) {
    log(`contract suite: one run alone, then ${options.parallel} at once (round ${round + 1})`);
    figures.alone.push(await run(1));
    figures.together.push(await run(options.parallel));
  }
  return figures;
}

export async function measureSessions(
  options: SessionsBenchOptions,
  log: (message: string) => void = () => undefined,
): Promise<SessionsFigures> {
  const memory = await memoryPhase(options, log);
  log('creating sessions in process');
  const create = createPhase(options);
  const kit = await startKit(options.ports?.[1]);
  try {
    const get = await getPhase(kit, options, log);
    const contracts = await contractsPhase(kit, options, log);
    return { options, memory, create, get, contracts };
  } finally {
    await kit.stop();
  }
}

// ---- the markdown

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '—');
function table(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}
const holds = (value: number, ok: (v: number) => boolean) =>
  Number.isFinite(value) ? (ok(value) ? 'yes' : 'no') : 'n/a';

/** The figures the targets are checked against. */
export function sessionRatios(figures: SessionsFigures) {
  const { memory, get, contracts } = figures;
  const growth = memory.rssSettled - memory.rssEmpty;
  const growthAtOnce = memory.rssAfter - memory.rssEmpty;
  const getRatio = median(get.named.map((m) => m.rps)) / median(get.default.map((m) => m.rps));
  const wallRatio =
    median(contracts.together.map((r) => r.wallMs)) / median(contracts.alone.map((r) => r.wallMs));
  const cpuOf = (r: ContractRun) => r.benchCpuMs + r.serverCpuMs;
  const cpuRatio = median(contracts.together.map(cpuOf)) / median(contracts.alone.map(cpuOf));
  // Were the runs only CPU-bound, the wall time they need at the least on this machine's cores.
  const cpuFloor =
    median(contracts.together.map(cpuOf)) /
    cpus().length /
    median(contracts.alone.map((r) => r.wallMs));
  const allPassed = [...contracts.alone, ...contracts.together].every((r) => r.passed === r.runs);
  return { growth, growthAtOnce, getRatio, wallRatio, cpuRatio, cpuFloor, allPassed };
}

/** `## Sessions`: the tables, the targets of issue 23 last. */
export function renderSessions(figures: SessionsFigures): string {
  const { memory, create, get, contracts, options } = figures;
  const ratios = sessionRatios(figures);
  const perSessionKb = (ratios.growth * 1024) / memory.sessions;
  const run = (what: string, r: ContractRun) => [
    what,
    String(r.runs),
    `${r.passed}/${r.runs}`,
    String(r.checks),
    fixed(r.wallMs / 1000, 2),
    fixed(r.benchCpuMs / 1000, 2),
    fixed(r.serverCpuMs / 1000, 2),
  ];
  const cores = cpus().length;
  return [
    '## Sessions',
    '',
    `The bundle \`npm start\` runs, sessions named by \`Mock-Session\`; ${cores} logical CPUs.`,
    '',
    '### Memory',
    '',
    `${memory.sessions} sessions made on first use, ${memory.writes} client writes each (POST enrollment), 8 at a time over HTTP, after as many writes in the default session. RSS at once: right after the last answer; settled: once the idle server's RSS has fallen by a tenth and held for 3 s (V8 collects the requests' garbage when idle), at most ${options.settle} s; growth: settled over empty.`,
    '',
    table(
      [
        'sessions',
        'writes each',
        'non-201',
        'writing s',
        'RSS empty MB',
        'RSS at once MB',
        'RSS settled MB',
        'settled after s',
        'growth MB',
        'KB per session',
        'peak MB',
      ],
      [
        [
          String(memory.sessions),
          String(memory.writes),
          String(memory.failures),
          fixed(memory.seconds),
          fixed(memory.rssEmpty),
          fixed(memory.rssAfter),
          fixed(memory.rssSettled),
          fixed(memory.settledAfter),
          fixed(ratios.growth),
          fixed(perSessionKb),
          fixed(memory.peak),
        ],
      ],
    ),
    '',
    '### Creating a session (in process, ms)',
    '',
    table(
      ['how', 'sessions', 'p50', 'p99'],
      [
        ['on first use', create.firstUse],
        ['POST /__control/sessions (no HTTP)', create.control],
      ].map(([how, p]) => {
        const figures = p as Percentiles;
        return [how as string, String(figures.count), fixed(figures.p50, 4), fixed(figures.p99, 4)];
      }),
    ),
    '',
    `### GET certificate by id, ${options.connections} connections`,
    '',
    table(
      ['session', 'req/s', 'rounds', 'p99 ms', 'non-2xx'],
      (['default', 'named'] as const).map((which) => [
        which === 'named' ? 'named (Mock-Session)' : 'default',
        fixed(median(get[which].map((m) => m.rps)), 0),
        get[which].map((m) => fixed(m.rps, 0)).join(', '),
        fixed(median(get[which].map((m) => m.p99)), 0),
        String(get[which].reduce((sum, m) => sum + m.failures, 0)),
      ]),
    ),
    '',
    `### Contract suite, one run alone and ${contracts.parallel} at once (each in its own session)`,
    '',
    table(
      ['round', 'runs', 'passed', 'checks per run', 'wall s', 'bench CPU s', 'server CPU s'],
      contracts.alone.flatMap((alone, i) => [
        run(`${i + 1}: alone`, alone),
        run(`${i + 1}: together`, contracts.together[i]!),
      ]),
    ),
    '',
    '### Targets (issue 23)',
    '',
    table(
      ['what', 'target', 'measured', 'holds'],
      [
        [
          `RSS growth, ${memory.sessions} sessions × ${memory.writes} writes (settled)`,
          '≤ 100 MB',
          `${fixed(ratios.growth)} MB (at once: ${fixed(ratios.growthAtOnce)} MB)`,
          memory.sessions >= 1000 ? holds(ratios.growth, (v) => v <= 100) : 'n/a',
        ],
        [
          'creating a session, p50 (first use)',
          '≤ 0.1 ms',
          `${fixed(create.firstUse.p50, 4)} ms`,
          holds(create.firstUse.p50, (v) => v <= 0.1),
        ],
        [
          'creating a session, p50 (POST /__control/sessions)',
          '≤ 0.1 ms',
          `${fixed(create.control.p50, 4)} ms`,
          holds(create.control.p50, (v) => v <= 0.1),
        ],
        [
          'GET by id req/s, named session ÷ default',
          '≥ 0.95',
          fixed(ratios.getRatio, 3),
          holds(ratios.getRatio, (v) => v >= 0.95),
        ],
        [
          `${contracts.parallel} contract runs at once: all pass`,
          'all',
          ratios.allPassed ? 'all' : 'not all',
          contracts.together.length > 0 ? (ratios.allPassed ? 'yes' : 'no') : 'n/a',
        ],
        [
          `${contracts.parallel} contract runs at once, wall time ÷ one alone`,
          '≤ 3',
          `${fixed(ratios.wallRatio, 2)} (CPU time ÷ ${fixed(ratios.cpuRatio)}; CPU-bound floor on ${cpus().length} CPUs: ${fixed(ratios.cpuFloor)})`,
          contracts.parallel >= 20 ? holds(ratios.wallRatio, (v) => v <= 3) : 'n/a',
        ],
      ],
    ),
    '',
  ].join('\n');
}

// ---- the CLI

export function sessionsOptions(smoke: boolean, values: Record<string, string | undefined> = {}) {
  const number = (name: string, fallback: number) => {
    const text = values[name];
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number`);
    return value;
  };
  const ports = values.ports?.split(',').map(Number);
  if (ports && (ports.length !== 2 || ports.some((p) => !Number.isInteger(p) || p < 1)))
    throw new Error('--ports takes two ports: --ports 4720,4721');
  const options: SessionsBenchOptions = {
    smoke,
    sessions: number('sessions', smoke ? 20 : 1000),
    writes: number('writes', smoke ? 2 : 10),
    settle: number('settle', smoke ? 0 : 60),
    creates: number('creates', smoke ? 100 : 1000),
    duration: number('duration', smoke ? 0.3 : 5),
    connections: number('connections', 10),
    rounds: number('rounds', smoke ? 1 : 3),
    parallel: number('parallel', smoke ? 2 : 20),
    contractRounds: number('contract-rounds', smoke ? 1 : 2),
    ...(ports ? { ports: ports as [number, number] } : {}),
  };
  if (options.sessions < 1 || options.creates < 1 || options.duration <= 0)
    throw new Error('--sessions, --creates and --duration must be positive');
  if (options.rounds < 1 || options.parallel < 1 || options.contractRounds < 1)
    throw new Error('--rounds, --parallel and --contract-rounds must be positive');
  return options;
}

async function main() {
  const text = { type: 'string' } as const;
  const { values } = parseArgs({
    options: {
      sessions: text,
      writes: text,
      settle: text,
      creates: text,
      duration: text,
      connections: text,
      rounds: text,
      parallel: text,
      'contract-rounds': text,
      ports: text,
      out: text,
      smoke: { type: 'boolean', default: false },
    },
  });
  const { smoke = false, out: given, ...numbers } = values;
  const options = sessionsOptions(smoke, numbers);
  const began = performance.now();
  const log = (message: string) =>
    process.stderr.write(
      `[bench:sessions ${((performance.now() - began) / 1000).toFixed(1)} s] ${message}\n`,
    );
  const stop = () => {
    killAll();
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await buildKit();
  const figures = await measureSessions(options, log);
  const markdown = [
    '# Sessions bench',
    '',
    `${new Date().toISOString()} · Node ${process.version} · ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} logical) · \`${process.argv.slice(2).join(' ') || '(defaults)'}\``,
    '',
    renderSessions(figures).replace(/^## Sessions\n\n/, ''),
  ].join('\n');
  process.stdout.write(markdown);
  // A smoke run writes only where it is told to, so it never replaces the real figures.
  const out = given ?? (smoke ? undefined : fileURLToPath(new URL('sessions.md', import.meta.url)));
  if (out) {
    await writeFile(out, markdown);
    log(`wrote ${out}`);
  }
}

runMain(import.meta.url, main);
