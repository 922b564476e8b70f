/**
 * Issue 25, point 5: the msw door records too. A frontend suite's exchanges with the in-process
 * mock become a HAR file in the recorder's format: `drift` reads it and finds nothing, and it
 * replays clean against an express kit (the stand-in for the real service's test tenant).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Har } from 'har-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drift } from '../../contracts/drift.js';
import { readHarFile } from '../../contracts/har.js';
import { replayContracts } from '../../contracts/replay.js';
import { resolveTarget } from '../../contracts/target.js';
import { setupMockServer } from '../../mocks/msw/node.js';
import { session, startService, testNow, tokens, type Service } from './support.js';

/** This file's ports (issue 25's msw recording: 4530-4539). */
const port = { kit: 4530 } as const;

/** The app's base URLs under one root, so the support's session runs unchanged. */
const root = 'https://frontend.test';

let scratch: string;
let out: string;
let paths: string[];
let written: string;
let express: Service;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kit-msw-record-'));
  out = join(scratch, 'recordings', 'frontend.har');
  const { server, recording, kit } = setupMockServer({
    now: testNow,
    programBaseUrl: `${root}/public`,
    partnerCenterBaseUrl: root,
    record: { out, redaction: { fields: ['name'] } },
  });
  server.listen({ onUnhandledRequest: 'error' });
  try {
    ({ paths } = await session(root));
    // One write: a qualification request with its MS-RequestId.
    const free = [...kit.world.partner.customers.entries()].find(([, record]) =>
      record.qualifications.every((q) => q.qualification !== 'StateOwnedEntity'),
    )!;
    written = `/v1/customers/${free[0]}/qualifications`;
    const created = await fetch(`${root}${written}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.partner}`,
        'content-type': 'application/json',
        'ms-requestid': '0b7c1f2e-3d4a-4b5c-9d6e-7f8091a2b3c4',
      },
      body: JSON.stringify({ qualification: 'StateOwnedEntity' }),
    });
    // The entry is on disk before the app has its answer.
    expect(recording?.count).toBe(paths.length + 1);
    expect(created.status).toBeLessThan(300);
  } finally {
    server.close();
    recording?.close();
  }
  express = await startService(port.kit);
});

afterAll(async () => {
  await express?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('setupMockServer({ record })', () => {
  it('writes HAR 1.2 in the recorder format, every exchange, no credential', async () => {
    const text = await readFile(out, 'utf8');
    const har = JSON.parse(text) as Har;
    expect(har.log.version).toBe('1.2');
    expect(har.log.creator.name).toBe('eligibility-mock-kit');
    const entries = har.log.entries as (Har['log']['entries'][number] & { _api: string })[];
    expect(entries.map((e) => new URL(e.request.url).pathname)).toEqual([...paths, written]);
    expect(entries.at(-1)?._api).toBe('partner-center');
    expect(entries.at(-1)?.request.postData?.text).toBe('{"qualification":"StateOwnedEntity"}');
    for (const token of Object.values(tokens)) expect(text).not.toContain(token);
    // Redacted as the recorder redacts: the member named, in every body.
    expect(text).toContain('\\"name\\":\\"REDACTED\\"');
    expect(text).not.toMatch(/\\"name\\":\\"(?!REDACTED)/);
    expect(entries[0]?.request.headers).toContainEqual({
      name: 'authorization',
      value: 'Bearer REDACTED',
    });
  });

  it('is a recording drift reads, finding no drift', async () => {
    const report = drift(await readHarFile(out), out);
    expect(report.exchanges).toBe(paths.length + 1);
    expect(report.findings).toEqual([]);
  });

  it('replays clean against an express kit, the write included', async () => {
    const report = await replayContracts({
      recorded: await readHarFile(out),
      file: out,
      target: await resolveTarget({ target: express.url, api: 'all' }),
      apis: ['program-api', 'partner-center'],
      allowWrites: true,
    });
    expect(
      report.results.filter((r) => r.outcome !== 'passed').map((r) => [r.name, ...r.problems]),
    ).toEqual([]);
    expect(report.summary).toEqual({ passed: paths.length + 1, failed: 0, skipped: 0 });
  });
});
