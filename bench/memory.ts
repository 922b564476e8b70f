/**
 * npm run bench:memory — resident memory of the kit across 100,000 requests.
 *
 * The request journal and the Partner Center idempotency cache are bounded (oldest dropped);
 * this shows it: 100,000 requests in ten rounds of 10,000 (reads, refused writes and POSTs with
 * a fresh MS-RequestId each, which the idempotency cache remembers), the server's RSS read after
 * each round. Loopback only, bounded by request count. Writes bench/memory.md.
 *   npm run bench:memory -- [--requests 100000] [--rounds 10] [--connections 10]
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import autocannon from 'autocannon';
import { killAll, residentMb, root, startServer } from './processes.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100000' },
    rounds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '10' },
    out: { type: 'string', default: join(root, 'bench/memory.md') },
  },
});
const total = Number(values.requests);
const rounds = Number(values.rounds);
const connections = Number(values.connections);

const customer = 'c2e5a8f1-3b7d-4e92-a6c4-81f0d5b9e327';
const json = { 'content-type': 'application/json' };

async function main() {
  await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: root });
  const kit = await startServer({
    name: 'kit',
    command: [process.execPath, join(root, 'mocks/server/start.bundle.mjs')],
    probes: (port) => [{ url: `http://127.0.0.1:${port}/__control/clock` }],
  });
  const base = `http://127.0.0.1:${kit.port}`;
  const rows: { requests: number; rss: number; seconds: number }[] = [];
  const first = await residentMb(kit.pid);
  rows.push({ requests: 0, rss: first?.rss ?? NaN, seconds: 0 });
  const started = Date.now();
  try {
    for (let round = 1; round <= rounds; round++) {
      await autocannon({
        url: base,
        connections,
        amount: Math.floor(total / rounds),
        timeout: 10,
        requests: [
          {
            method: 'GET',
            path: '/public/v1/program/certificates?eq(status,Active)&limit=50',
            headers: { authorization: 'Bearer ops-token' },
          },
          {
            method: 'POST',
            path: `/v1/customers/${customer}/qualifications`,
            headers: { ...json, authorization: 'Bearer partner-token' },
            body: JSON.stringify({ qualification: 'Nonprofit' }),
            // A fresh idempotency key every time: the cache must stay bounded.
            setupRequest: (request) => ({
              ...request,
              headers: { ...request.headers, 'ms-requestid': randomUUID() },
            }),
          },
          {
            method: 'POST',
            path: '/public/v1/program/enrollments',
            headers: { ...json, authorization: 'Bearer client-token' },
            body: JSON.stringify({
              program: { id: 'PRG-9643-3741' },
              certificate: { id: 'CER-5582-1136-4429' },
            }),
          },
          { method: 'GET', path: '/__control/journal?limit=200' },
        ],
      });
      const rss = await residentMb(kit.pid);
      rows.push({
        requests: round * Math.floor(total / rounds),
        rss: rss?.rss ?? NaN,
        seconds: (Date.now() - started) / 1000,
      });
      console.log(`${rows.at(-1)!.requests} requests: RSS ${rows.at(-1)!.rss.toFixed(0)} MB`);
    }
  } finally {
    await kit.stop();
  }
  const afterFirstRound = rows[1]!.rss;
  const last = rows.at(-1)!.rss;
  const table = [
    `# Resident memory across ${total.toLocaleString('en')} requests`,
    '',
    `${new Date().toISOString()} · Node ${process.version} · ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} logical) · ${connections} connections`,
    '',
    'Requests in a loop: an RQL list, a refused Partner Center POST with a fresh `MS-RequestId` (remembered by the bounded idempotency cache), a refused re-enrollment, and the journal.',
    '',
    '| requests | RSS MB | elapsed s |',
    '| --- | --- | --- |',
    ...rows.map((r) => `| ${r.requests} | ${r.rss.toFixed(0)} | ${r.seconds.toFixed(1)} |`),
    '',
    `RSS after the last round / after the first round: **${(last / afterFirstRound).toFixed(2)}** (flat is about 1).`,
    '',
  ].join('\n');
  await writeFile(values.out!, table);
  console.log(table);
}

process.on('SIGINT', () => {
  killAll();
  process.exit(130);
});
main().catch((error: unknown) => {
  killAll();
  console.error(error);
  process.exit(1);
});
