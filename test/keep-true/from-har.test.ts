/**
 * Issue 25, point 3: `seed from-har` of a recording of the kit gives a fixture `seed check`
 * accepts and that answers the recorded GETs identically; objects only referred to are stubbed;
 * the tokens are the ones given.
 */
import { isDeepStrictEqual } from 'node:util';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureFromHar } from '../../contracts/from-har.js';
import { readHarFile, type Recorded } from '../../contracts/har.js';
import { startRecorder } from '../../mocks/record/proxy.js';
import { fixtureProblems } from '../../src/core/fixture.js';
import type { Seed } from '../../src/core/world.js';
import { createKit } from '../../src/kit.js';
import { ports, session, runCli, startService, testNow, tokens, type Service } from './support.js';

let scratch: string;
let service: Service;
let har: string;
let recorded: Recorded[];

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kit-from-har-'));
  service = await startService(ports.seed);
  har = join(scratch, 'kit.har');
  const recorder = await startRecorder({ target: service.url, out: har, port: ports.seed + 1 });
  await session(recorder.url);
  await recorder.close();
  recorded = await readHarFile(har);
});

afterAll(async () => {
  await service?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const cli = runCli;

/** Each recorded GET sent to `url` again: the ones whose status or JSON body differ. */
async function differing(url: string) {
  const differ: string[] = [];
  for (const exchange of recorded.filter((e) => e.method === 'GET')) {
    const { pathname, search } = new URL(exchange.entry.request.url);
    const token = exchange.api === 'program-api' ? tokens.operations : tokens.partner;
    const answer = await fetch(`${url}${pathname}${search}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const body: unknown = await answer.json();
    if (
      answer.status !== exchange.response.status ||
      !isDeepStrictEqual(body, exchange.response.json)
    )
      differ.push(`#${exchange.index} ${pathname}`);
  }
  return differ;
}

describe('seed from-har', () => {
  it('writes a fixture seed check accepts, and a kit seeded with it answers the recorded GETs alike', async () => {
    const out = join(scratch, 'fixtures', 'from-har.json');
    const made = await cli(['seed', 'from-har', har, '--out', out, '--now', testNow]);
    expect(made.output).toContain('a valid fixture from 12 exchanges');
    expect(made.code).toBe(0);
    expect((await cli(['seed', 'check', out])).code).toBe(0);
    const fixture = JSON.parse(await readFile(out, 'utf8')) as Seed;
    const seeded = await startService(ports.seed + 2, createKit({ seed: fixture, now: testNow }));
    try {
      expect(await differing(seeded.url)).toEqual([]);
    } finally {
      await seeded.close();
    }
  });

  it('keeps the newest answer per id', () => {
    const certificate = recorded.find((e) => e.operation?.operationId === 'getCertificate')!;
    const newer = structuredClone(certificate);
    newer.index = recorded.length + 1;
    newer.entry = { ...newer.entry, startedDateTime: '2999-01-01T00:00:00.000Z' };
    const id = (newer.response.json as { id: string }).id;
    newer.response.json = { ...(newer.response.json as object), name: 'Renamed later' };
    const { fixture } = fixtureFromHar([newer, ...recorded]);
    const stored = ((fixture.program?.certificates ?? []) as { id: string; name: string }[]).find(
      (c) => c.id === id,
    );
    expect(stored?.name).toBe('Renamed later');
  });

  it('stubs what the answers refer to but never carried, so the fixture still loads', () => {
    const only = recorded
      .filter((e) => e.operation?.operationId === 'getCertificate' && e.response.status === 200)
      .slice(0, 1);
    const { fixture, stubs } = fixtureFromHar(only);
    expect(stubs).toEqual(
      expect.arrayContaining([expect.stringMatching(/^program\.programs PRG-/)]),
    );
    expect(fixtureProblems(fixture)).toEqual([]);
    expect(() => createKit({ seed: fixture })).not.toThrow();
  });

  it('uses the tokens given, never the recorded ones', async () => {
    const out = join(scratch, 'tokens.json');
    const { code } = await cli([
      'seed',
      'from-har',
      har,
      '--out',
      out,
      '--token',
      'operations=team-ops-1',
      '--token',
      'partner=team-pc-2',
    ]);
    expect(code).toBe(0);
    const fixture = JSON.parse(await readFile(out, 'utf8')) as {
      program: { tokens: { token: string; role: string }[] };
      partnerCenter: { tokens: { token: string; role: string }[] };
    };
    expect(fixture.program.tokens).toContainEqual(
      expect.objectContaining({ token: 'team-ops-1', role: 'operations' }),
    );
    expect(fixture.partnerCenter.tokens).toContainEqual(
      expect.objectContaining({ token: 'team-pc-2', role: 'partner' }),
    );
    expect(JSON.stringify(fixture)).not.toContain('REDACTED');
  });

  it.each([
    [['seed', 'from-har', 'x.har'], 'Give one recording and --out'],
    [
      ['seed', 'from-har', 'x.har', '--out', 'f.json', '--token', 'admin=x'],
      '--token must be role=value',
    ],
    [['seed', 'from-har', 'missing.har', '--out', 'f.json'], 'Cannot read missing.har'],
    [['seed', 'from-hra'], 'Did you mean "seed from-har"?'],
  ])('%j: one line, exit 2', async (args, want) => {
    const { code, output } = await cli(args);
    expect(output).toContain(want);
    expect(code).toBe(2);
  });

  it('refuses a file that is not HAR', async () => {
    const path = join(scratch, 'not.har');
    await writeFile(path, '{"entries":[]}');
    const { code, output } = await cli([
      'seed',
      'from-har',
      path,
      '--out',
      join(scratch, 'n.json'),
    ]);
    expect(code).toBe(2);
    expect(output).toContain('is not HAR');
  });
});
