/**
 * Issue 25, point 1: `record` forwards unchanged, writes HAR 1.2 as it goes (valid after every
 * exchange, so a SIGKILLed recorder leaves a readable file), and never writes a secret.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Har } from 'har-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRecorder, type Recorder } from '../../mocks/record/proxy.js';
import {
  exited,
  ports,
  session,
  spawnCli,
  startService,
  tokens,
  recordSessionWithCli,
  type Service,
} from './support.js';

let scratch: string;
let service: Service;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kit-record-'));
  service = await startService(ports.record);
});

afterAll(async () => {
  await service?.close();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const readHar = async (path: string) => JSON.parse(await readFile(path, 'utf8')) as Har;

describe('the recording proxy', () => {
  let recorder: Recorder;
  let out: string;
  beforeAll(async () => {
    out = join(scratch, 'session.har');
    recorder = await startRecorder({
      target: service.url,
      out,
      port: ports.record + 1,
      redaction: { secrets: ['the-control-secret'], fields: ['name'], headers: ['x-team-key'] },
    });
  });
  afterAll(() => recorder?.close());

  it('hands back what the service answers, byte for byte', async () => {
    const path = '/public/v1/program/certificates/CER-9646-2171-8417';
    const headers = { authorization: `Bearer ${tokens.operations}` };
    const direct = await fetch(`${service.url}${path}`, { headers });
    const proxied = await fetch(`${recorder.url}${path}`, { headers });
    expect(proxied.status).toBe(direct.status);
    expect(await proxied.text()).toBe(await direct.text());
    expect(proxied.headers.get('content-type')).toBe(direct.headers.get('content-type'));
  });

  it('is valid HAR 1.2 after every exchange, each entry naming its API and path', async () => {
    const before = (await readHar(out)).log.entries.length;
    await fetch(`${recorder.url}/v1/customers`, {
      headers: { authorization: `Bearer ${tokens.partner}` },
    });
    const har = await readHar(out);
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries).toHaveLength(before + 1);
    const last = har.log.entries.at(-1)!;
    expect(last).toMatchObject({
      _api: 'partner-center',
      _path: '/v1/customers',
      request: { method: 'GET', url: `${service.url}/v1/customers` },
      response: { status: 200, content: { mimeType: expect.stringContaining('json') } },
    });
    expect(recorder.summary().operations.listCustomers).toEqual({ '200': 1 });
  });

  it('keeps a binary request body whole, as base64', async () => {
    const bytes = Buffer.from([0, 255, 1, 254, 0x89, 0x50, 0x4e, 0x47]);
    await fetch(`${recorder.url}/public/v1/program/enrollments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens.operations}`,
        'content-type': 'application/octet-stream',
      },
      body: bytes,
    });
    const entry = (await readHar(out)).log.entries.at(-1)!;
    const posted = entry.request.postData as { text: string; encoding?: string };
    expect(posted.encoding).toBe('base64');
    expect(Buffer.from(posted.text, 'base64')).toEqual(bytes);
  });

  it('writes no token, cookie, control token or named field (a byte search of the file)', async () => {
    await fetch(`${recorder.url}/public/v1/program/programs?limit=1&token=the-control-secret`, {
      headers: {
        authorization: `Bearer ${tokens.operations}`,
        cookie: 'session=cookie-secret-1',
        'x-team-key': 'team-secret-2',
      },
    });
    await session(recorder.url);
    const bytes = await readFile(out);
    for (const secret of [
      tokens.operations,
      tokens.partner,
      'the-control-secret',
      'cookie-secret-1',
      'team-secret-2',
    ])
      expect(bytes.includes(secret), secret).toBe(false);
    // The named field, in every body (JSON text inside the HAR's JSON).
    expect(bytes.toString()).toContain('\\"name\\":\\"REDACTED\\"');
    expect(bytes.toString()).not.toMatch(/\\"name\\":\\"(?!REDACTED)/);
    const entry = (await readHar(out)).log.entries.find((e) => e.request.url.includes('token='))!;
    expect(entry.request.headers).toContainEqual({
      name: 'authorization',
      value: 'Bearer REDACTED',
    });
    expect(entry.request.headers).toContainEqual({ name: 'cookie', value: 'REDACTED' });
  });
});

describe('eligibility-mock record', () => {
  it('prints the summary at SIGTERM and exits 0', async () => {
    const out = join(scratch, 'term.har');
    const { code, output } = await recordSessionWithCli(
      service.url,
      out,
      ports.record + 2,
      'SIGTERM',
    );
    expect(code).toBe(0);
    expect(output).toContain('Recorded 12 exchanges');
    expect(output).toMatch(/getCertificate\s+4\s+\(200 x3, 404 x1\)/);
    expect((await readHar(out)).log.entries).toHaveLength(12);
  });

  it('leaves a valid HAR file when killed outright (SIGKILL)', async () => {
    const out = join(scratch, 'killed.har');
    await recordSessionWithCli(service.url, out, ports.record + 3, 'SIGKILL');
    expect((await readHar(out)).log.entries).toHaveLength(12);
  });

  it.each([
    [['--out', 'x.har'], '--target is required'],
    [['--target', 'nope', '--out', 'x.har'], '--target must be a URL'],
    [['--target', 'http://127.0.0.1:1'], '--out is required'],
    [['--target', 'http://127.0.0.1:1', '--out', 'x.har', '--api', 'both'], '--api must be'],
  ])('refuses %j with one line', async (args, want) => {
    const child = spawnCli(['record', ...args]);
    expect(await exited(child)).toBe(2);
    expect(child.output()).toContain(want);
  });
});
