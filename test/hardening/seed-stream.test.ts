/**
 * Issue 24, point 5: a fixture is read as it comes, by `POST /__control/seed` and by `--seed`,
 * so neither its bytes nor its text are ever held whole. Shown on a server whose JavaScript heap
 * is capped far below the fixture's size: a 320 MB fixture (the default world, with 300 MB of
 * blank between two certificates) is seeded. Read whole, its text alone would not fit (the
 * server would die out of memory). Memory at 100,000 certificates: `npm run bench:seed`.
 */
import http from 'node:http';
import { mkdtemp, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startMock, stopMocks } from '../support/npm-start.js';
import { defaultSeed } from '../../src/core/seed.js';

const HEAP_MB = 160;
const BLANK_MB = 300;
const ops = { authorization: 'Bearer ops-token' };

afterEach(() => stopMocks('SIGKILL'));
/** The mock with its heap capped; a minute to start on a big fixture. */
const start = (args: string[]) =>
  startMock(args, { nodeArgs: [`--max-old-space-size=${HEAP_MB}`], waitMs: 60_000 });

const given = defaultSeed(new Date('2026-11-21T09:00:00.000Z'));
const listed = [...given.program!.certificates!];
/** The certificate before the blank, named so that the world it makes is told from the default. */
const certificate = { ...listed[0]!, name: 'Read as it came' };
const seed = {
  ...given,
  program: { ...given.program, certificates: [certificate, ...listed.slice(1)] },
};

function parts() {
  const text = JSON.stringify(seed);
  const first = JSON.stringify(certificate);
  const cut = text.indexOf(first) + first.length;
  return { head: text.slice(0, cut), blank: BLANK_MB << 20, tail: text.slice(cut) };
}

/** Sends the fixture's pieces to `write`, the blank a megabyte at a time, waiting for drains. */
async function pour(write: (chunk: Buffer) => Promise<void>) {
  const { head, blank, tail } = parts();
  await write(Buffer.from(head));
  const spaces = Buffer.alloc(1 << 20, 0x20);
  for (let sent = 0; sent < blank; sent += spaces.length) await write(spaces);
  await write(Buffer.from(tail));
}

const certificates = async (url: string) =>
  (
    (await (
      await fetch(`${url}/public/v1/program/certificates?limit=0`, { headers: ops })
    ).json()) as { $meta: { pagination: { total: number } } }
  ).$meta.pagination.total;

describe(`a fixture larger than the server's heap (${HEAP_MB} MB) is read as it comes`, () => {
  it(`POST /__control/seed of ${BLANK_MB} MB and more: answered 200, the server alive`, async () => {
    const mock = await start([]);
    expect(mock.output()).toContain('Virtual clock:');
    const before = await certificates(mock.url);
    const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(`${mock.url}/__control/seed`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
      });
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode!, text }));
      });
      request.on('error', reject);
      void pour(
        (chunk) =>
          new Promise((done) => (request.write(chunk) ? done() : request.once('drain', done))),
      ).then(() => request.end(), reject);
    });
    expect(answer.status, `${answer.text}\n${mock.output()}`).toBe(200);
    expect(mock.child.exitCode).toBeNull();
    expect(await certificates(mock.url)).toBe(before);
    const first = (await (
      await fetch(`${mock.url}/public/v1/program/certificates/${certificate.id}`, { headers: ops })
    ).json()) as { name: string };
    expect(first.name).toBe(certificate.name);
  }, 120_000);

  it(`--seed of a ${BLANK_MB} MB file and more: the server starts on it`, async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'kit-seed-stream-')), 'fixture.json');
    const handle = await open(file, 'w');
    await pour(async (chunk) => void (await handle.write(chunk)));
    await handle.close();
    const mock = await start(['--seed', file]);
    expect(mock.output(), mock.output()).toContain('Virtual clock:');
    const { tail, head } = parts();
    expect(head.length + tail.length).toBeLessThan(1 << 20);
    expect(await certificates(mock.url)).toBe(listed.length);
  }, 120_000);
});
