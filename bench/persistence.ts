/**
 * The shared team mock with a state file at scale: `npm start -- --state-file` (the bundle npm
 * start runs) started on a state of 100,000 certificates, then
 *  - start time (spawn to the first answer) and resident memory;
 *  - write latency (sequential POST enrollments: logged, fsynced, applied, answered), p50/p99;
 *  - reads while writes run (GET one certificate, one reader beside 4 writers) against reads alone:
 *    how long a read waits behind the writes;
 *  - a mixed read/write load for `--duration` seconds: req/s in the last 10 s over req/s in the
 *    first 10 s (the world grows all the while);
 *  - the stop on SIGTERM;
 *  - the same sequential writes on the same world without a state file (bench/server.ts).
 *   npx tsx bench/persistence.ts                         (100,000 certificates, 180 s of load)
 *   npx tsx bench/persistence.ts --certificates 10000 --duration 30 --out /tmp/persistence.md
 * Figures from one run are compared with each other (ratios), never with another machine's.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { openStore } from '../mocks/server/persistence.js';
import { createKit } from '../src/kit.js';
import { scaledSeed } from './fixture.js';
import { killAll, residentMb, root, startServer, tsxCommand } from './processes.js';

const { values } = parseArgs({
  options: {
    certificates: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '180' },
    connections: { type: 'string', default: '8' },
    writes: { type: 'string', default: '300' },
    out: { type: 'string', default: 'bench/persistence.md' },
  },
});
const certificates = Number(values.certificates);
const duration = Number(values.duration);
const connections = Number(values.connections);
const writeCount = Number(values.writes);

const client = { authorization: 'Bearer client-token', 'content-type': 'application/json' };
const ops = { authorization: 'Bearer ops-token' };
const enrollment = JSON.stringify({
  program: { id: 'PRG-9643-3741' },
  licensee: { id: 'LCE-5758-4071-6507' },
  parameters: { ordering: [{ id: 'PPM-9643-3741-0001', value: 'MPN-1' }] },
});

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
const ms = (n: number) => `${n.toFixed(1)} ms`;

async function timed(url: string, init?: RequestInit): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return { ms: performance.now() - started, status: response.status };
}

/** Writes one after the other on the server at `base`: the cost of one write, sorted. */
async function sequentialWrites(base: string): Promise<number[]> {
  const post = () =>
    timed(`${base}/public/v1/program/enrollments`, {
      method: 'POST',
      headers: client,
      body: enrollment,
    });
  for (let i = 0; i < 20; i++) await post(); // warm-up
  const latencies: number[] = [];
  for (let i = 0; i < writeCount; i++) {
    const answer = await post();
    if (answer.status !== 201) throw new Error(`write answered ${answer.status}`);
    latencies.push(answer.ms);
  }
  return latencies.sort((a, b) => a - b);
}

/** One reader alone for 5 s, then the same reader beside 4 writers for 10 s (sorted latencies). */
async function readsBesideWrites(base: string) {
  const read = `${base}/public/v1/program/certificates/CER-9646-2171-8417`;
  const readFor = async (seconds: number) => {
    const latencies: number[] = [];
    const until = performance.now() + seconds * 1000;
    while (performance.now() < until) latencies.push((await timed(read, { headers: ops })).ms);
    return latencies.sort((a, b) => a - b);
  };
  const alone = await readFor(5);
  let writing = true;
  let besideWrites = 0;
  const writers = Array.from({ length: 4 }, async () => {
    while (writing) {
      await timed(`${base}/public/v1/program/enrollments`, {
        method: 'POST',
        headers: client,
        body: enrollment,
      });
      besideWrites++;
    }
  });
  const beside = await readFor(10);
  writing = false;
  await Promise.all(writers);
  return { alone, beside, besideWrites };
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'kit-bench-state-'));
  const file = join(dir, 'team.json');
  console.log(`building a state file of ${certificates} certificates in ${dir}`);
  {
    const now = new Date();
    const kit = createKit({ now, ticking: true, seed: (at) => scaledSeed(certificates, at) });
    await (await openStore(kit, file, now)).close();
  }
  const snapshotBytes = (await stat(file)).size;

  // As `npm start` runs it: bundled once (esbuild), then plain JavaScript.
  await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: root });
  const server = await startServer({
    name: 'kit --state-file',
    command: [process.execPath, join(root, 'mocks/server/start.bundle.mjs'), '--state-file', file],
    probes: (port) => [{ url: `http://127.0.0.1:${port}/__control/clock` }],
  });
  const base = `http://127.0.0.1:${server.port}`;
  const memoryAtStart = await residentMb(server.pid);
  const read = `${base}/public/v1/program/certificates/CER-9646-2171-8417`;
  const write = () =>
    timed(`${base}/public/v1/program/enrollments`, {
      method: 'POST',
      headers: client,
      body: enrollment,
    });

  const writes = await sequentialWrites(base);

  const { alone, beside, besideWrites } = await readsBesideWrites(base);

  // The mixed load: 3 reads for each write, on `connections` loops, counted per 10 s.
  const buckets: number[] = [];
  const started = performance.now();
  const end = started + duration * 1000;
  const reads = [
    () => timed(read, { headers: ops }),
    () =>
      timed(`${base}/public/v1/program/certificates?eq(status,Active)&limit=10`, { headers: ops }),
    () =>
      timed(`${base}/v1/customers/9f2d7b41-6c3e-4a58-8d1f-0e7a5b2c9d36/qualifications`, {
        headers: { authorization: 'Bearer partner-token' },
      }),
  ];
  let failures = 0;
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      for (let n = c; performance.now() < end; n++) {
        const answer = n % 4 === 3 ? await write() : await reads[n % 4]!();
        if (answer.status >= 400) failures++;
        const bucket = Math.floor((performance.now() - started) / 10_000);
        buckets[bucket] = (buckets[bucket] ?? 0) + 1;
      }
    }),
  );
  const complete = buckets.slice(0, Math.floor(duration / 10));
  const first = (complete[0] ?? 0) / 10;
  const last = (complete[complete.length - 1] ?? 0) / 10;
  const memoryAtEnd = await residentMb(server.pid);
  const state = (await (await fetch(`${base}/__control/state`)).json()) as {
    program: { certificates: unknown[]; enrollments: unknown[] };
  };
  const logBytes = (
    await Promise.all(
      (await readdir(dir)).filter((n) => n.endsWith('.log')).map((n) => stat(join(dir, n))),
    )
  ).reduce((sum, s) => sum + s.size, 0);

  const stopStarted = performance.now();
  await server.stop();
  const stopMs = performance.now() - stopStarted;

  // The same writes on the same world without a state file: what durability adds.
  const bare = await startServer({
    name: 'kit, no state file',
    command: tsxCommand('bench/server.ts'),
    env: { BENCH_CERTIFICATES: String(certificates) },
    probes: (port) => [{ url: `http://127.0.0.1:${port}/__control/clock` }],
  });
  const bareWrites = await sequentialWrites(`http://127.0.0.1:${bare.port}`);
  const bareReads = await readsBesideWrites(`http://127.0.0.1:${bare.port}`);
  await bare.stop();

  const addedWait =
    percentile(beside, 0.99) -
    percentile(alone, 0.99) -
    (percentile(bareReads.beside, 0.99) - percentile(bareReads.alone, 0.99));
  const rows = [
    ['certificates in the state file at start', String(certificates)],
    ['state file (snapshot) at start', `${(snapshotBytes / 1e6).toFixed(1)} MB`],
    ['start: spawn to first answer', ms(server.startupMs)],
    ['RSS after start', `${memoryAtStart?.rss.toFixed(0)} MB`],
    [
      'write p50 / p99 (sequential POST, fsynced)',
      `${ms(percentile(writes, 0.5))} / ${ms(percentile(writes, 0.99))}`,
    ],
    [
      'write p50 / p99 on the same world without a state file',
      `${ms(percentile(bareWrites, 0.5))} / ${ms(percentile(bareWrites, 0.99))}`,
    ],
    [
      'write p50 with ÷ without the state file',
      `${(percentile(writes, 0.5) / percentile(bareWrites, 0.5)).toFixed(2)}×`,
    ],
    ['read p50 / p99 alone', `${ms(percentile(alone, 0.5))} / ${ms(percentile(alone, 0.99))}`],
    [
      'read p50 / p99 beside 4 writers',
      `${ms(percentile(beside, 0.5))} / ${ms(percentile(beside, 0.99))} (${besideWrites} writes meanwhile)`,
    ],
    [
      'read p99 beside writes − alone (time behind writes)',
      ms(percentile(beside, 0.99) - percentile(alone, 0.99)),
    ],
    [
      'the same without a state file: read p99 alone / beside writers',
      `${ms(percentile(bareReads.alone, 0.99))} / ${ms(percentile(bareReads.beside, 0.99))} (${bareReads.besideWrites} writes meanwhile)`,
    ],
    ['time behind writes that the state file adds (p99)', ms(addedWait)],
    [
      `mixed load req/s, first 10 s → last 10 s (${duration} s)`,
      `${first.toFixed(0)} → ${last.toFixed(0)}`,
    ],
    ['mixed load: last ÷ first', `${(last / first).toFixed(2)}×`],
    ['mixed load: answers ≥ 400', String(failures)],
    [
      'objects at the end',
      `${state.program.certificates.length} certificates, ${state.program.enrollments.length} enrollments`,
    ],
    ['log on disk at the end', `${(logBytes / 1e6).toFixed(1)} MB`],
    [
      'RSS at the end (peak)',
      `${memoryAtEnd?.rss.toFixed(0)} MB (${memoryAtEnd?.peak.toFixed(0)} MB)`,
    ],
    ['stop on SIGTERM', ms(stopMs)],
  ];
  const targets = [
    ['write p50 ≤ 5 ms', percentile(writes, 0.5) <= 5],
    [
      'a read waits ≤ 5 ms behind writes (p99 difference)',
      percentile(beside, 0.99) - percentile(alone, 0.99) <= 5,
    ],
    ['the state file adds ≤ 5 ms to that wait', addedWait <= 5],
    ['start ≤ 3 s', server.startupMs <= 3000],
    ['mixed load last ÷ first ≥ 0.8', last / first >= 0.8],
  ] as const;
  const markdown = [
    '# The team mock with a state file at scale',
    '',
    `\`npx tsx bench/persistence.ts --certificates ${certificates} --duration ${duration} --connections ${connections}\`, ${new Date().toISOString()}, Node ${process.version}. The load generator runs in the bench process, on the same machine.`,
    '',
    '| measure | value |',
    '| --- | --- |',
    ...rows.map(([a, b]) => `| ${a} | ${b} |`),
    '',
    '| target | holds |',
    '| --- | --- |',
    ...targets.map(([a, b]) => `| ${a} | ${b ? 'yes' : 'no'} |`),
    '',
  ].join('\n');
  console.log(markdown);
  if (values.out) await writeFile(values.out, markdown);
  await rm(dir, { recursive: true, force: true });
}

main().catch((error) => {
  console.error(error);
  killAll();
  process.exit(1);
});
