/**
 * A big seed on the shared team mock (`npm start -- --state-file`, the bundle npm start runs):
 *  - `POST /__control/seed` with a fixture of N certificates (JSON text, as a team posts a file):
 *    time to the answer (read, checked, loaded, snapshotted before the answer) and the server's
 *    resident memory after it, and its peak;
 *  - the same seed on a server without a state file (what durability adds to a seed);
 *  - a SIGKILL right after the answer, then a restart on the state file: spawn to first answer
 *    and resident memory (a seed is never replayed from the log: the snapshot holds it);
 *  - a plain start on the same fixture (`--seed <file>`), what the restart is compared with.
 * Each is run `--rounds` times, the variants alternated; medians reported.
 *   npx tsx bench/seed.ts                          (100,000 certificates, 3 rounds)
 *   npx tsx bench/seed.ts --certificates 10000 --rounds 1 --out /tmp/seed.md
 * Figures from one run are compared with each other (ratios), never with another machine's.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { createKit } from '../src/kit.js';
import { scaledSeed } from './fixture.js';
import { residentMb, root, runMain, startServer, type RunningServer } from './processes.js';

const { values } = parseArgs({
  options: {
    certificates: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '3' },
    out: { type: 'string', default: 'bench/seed.md' },
  },
});
const certificates = Number(values.certificates);
const rounds = Number(values.rounds);

const bundle = join(root, 'mocks/server/start.bundle.mjs');
const probe = (port: number) => [{ url: `http://127.0.0.1:${port}/__control/clock` }];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const mb = (n: number) => `${n.toFixed(0)} MB`;

const start = (name: string, args: string[]) =>
  startServer({ name, command: [process.execPath, bundle, ...args], probes: probe });

/** Posts the fixture; the time to the answer, and the server's memory after it. */
async function seed(server: RunningServer, body: Buffer) {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${server.port}/__control/seed`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body as unknown as BodyInit,
  });
  const text = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`seed answered ${response.status}: ${text}`);
  const memory = await residentMb(server.pid);
  return { ms, rss: memory?.rss ?? NaN, peak: memory?.peak ?? NaN };
}

async function count(server: RunningServer): Promise<number> {
  const answer = await fetch(
    `http://127.0.0.1:${server.port}/public/v1/program/certificates?limit=0`,
    { headers: { authorization: 'Bearer ops-token' } },
  );
  const body = (await answer.json()) as { $meta: { pagination: { total: number } } };
  return body.$meta.pagination.total;
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'kit-bench-seed-'));
  const fixtureFile = join(dir, 'fixture.json');
  // What a team posts: a state taken from a kit (`GET /__control/state`), here a scaled one.
  const now = new Date();
  const body = Buffer.from(
    JSON.stringify(
      createKit({ now, seed: (at) => scaledSeed(certificates, at, 'json') }).control.state(),
    ),
  );
  await writeFile(fixtureFile, body);
  console.log(`fixture of ${certificates} certificates: ${(body.length / 1e6).toFixed(1)} MB`);
  await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: root });

  const durable: Awaited<ReturnType<typeof seed>>[] = [];
  const plain: Awaited<ReturnType<typeof seed>>[] = [];
  const restarts: { ms: number; rss: number }[] = [];
  const fromFixture: { ms: number; rss: number }[] = [];
  let stateBytes = 0;
  let restoredCount = 0;
  for (let round = 0; round < rounds; round++) {
    const stateDir = join(dir, `state-${round}`);
    const file = join(stateDir, 'team.json');
    await mkdir(stateDir);
    // Alternated: with a state file, without, a restart, a plain start on the fixture.
    const withFile = await start('kit --state-file', ['--state-file', file]);
    durable.push(await seed(withFile, body));
    process.kill(withFile.pid, 'SIGKILL');
    await withFile.stop();
    stateBytes = (
      await Promise.all((await readdir(stateDir)).map((name) => stat(join(stateDir, name))))
    ).reduce((sum, s) => sum + s.size, 0);

    const bare = await start('kit, no state file', []);
    plain.push(await seed(bare, body));
    await bare.stop();

    const restarted = await start('kit --state-file, restarted', ['--state-file', file]);
    restarts.push({ ms: restarted.startupMs, rss: (await residentMb(restarted.pid))?.rss ?? NaN });
    restoredCount = await count(restarted);
    await restarted.stop();

    const seeded = await start('kit --seed <fixture>', ['--seed', fixtureFile]);
    fromFixture.push({ ms: seeded.startupMs, rss: (await residentMb(seeded.pid))?.rss ?? NaN });
    await seeded.stop();
    await rm(stateDir, { recursive: true, force: true });
    console.log(`round ${round + 1}/${rounds} done`);
  }
  await rm(dir, { recursive: true, force: true });

  const seedMs = median(durable.map((r) => r.ms));
  const plainMs = median(plain.map((r) => r.ms));
  const restartMs = median(restarts.map((r) => r.ms));
  const fixtureMs = median(fromFixture.map((r) => r.ms));
  const rows = [
    ['certificates in the fixture', String(certificates)],
    ['fixture (JSON text posted)', `${(body.length / 1e6).toFixed(1)} MB`],
    ['seed with a state file: post to answer (snapshot durable)', seconds(seedMs)],
    [
      '  RSS after / peak',
      `${mb(median(durable.map((r) => r.rss)))} / ${mb(median(durable.map((r) => r.peak)))}`,
    ],
    ['seed without a state file: post to answer', seconds(plainMs)],
    [
      '  RSS after / peak',
      `${mb(median(plain.map((r) => r.rss)))} / ${mb(median(plain.map((r) => r.peak)))}`,
    ],
    ['state directory after the seed (snapshot + log)', `${(stateBytes / 1e6).toFixed(1)} MB`],
    ['restart after SIGKILL: spawn to first answer', seconds(restartMs)],
    ['  RSS after restart', mb(median(restarts.map((r) => r.rss)))],
    ['  certificates after restart', String(restoredCount)],
    ['start on the fixture (--seed): spawn to first answer', seconds(fixtureMs)],
    ['  RSS after start', mb(median(fromFixture.map((r) => r.rss)))],
    ['ratio: seed with ÷ without a state file', (seedMs / plainMs).toFixed(2)],
    ['ratio: restart ÷ start on the fixture', (restartMs / fixtureMs).toFixed(2)],
  ];
  const table = [
    `Big seed, ${certificates} certificates, ${rounds} round(s) alternated, medians (${new Date().toISOString().slice(0, 10)}, Node ${process.version})`,
    '',
    '| measure | value |',
    '| --- | --- |',
    ...rows.map(([k, v]) => `| ${k} | ${v} |`),
    '',
  ].join('\n');
  console.log(table);
  await writeFile(values.out!, table);
}

runMain(import.meta.url, () => main().then(() => process.exit(0)));
