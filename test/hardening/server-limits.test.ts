/**
 * What keeps one client, or one load test, from taking the shared mock down: silent sockets are
 * dropped, the seed endpoint has a documented size (413 past it), a documented cap on stored
 * objects answers 507 in each API's shape, the served documents name the configured URL (never
 * the request's Host), and no path ever answers an HTML page or a stack trace.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discardBound, MAX_SEED_BYTES } from '../../mocks/server/app.js';
import { serve, type Serving } from '../../mocks/server/serve.js';
import { createKit, storedObjects, type Kit } from '../../src/kit.js';
import { createClient, errorShapeProblems, jsonWire, type Client } from './support.js';

const now = '2026-11-21T09:00:00.000Z';
let kit: Kit;
let serving: Serving;
let client: Client;
beforeAll(async () => {
  kit = createKit({ now });
  serving = await serve(kit, { headersTimeoutMs: 400, publicUrl: 'http://mock.team.lan:4010' });
  client = createClient(serving.url, { connections: 4 });
});
afterAll(async () => {
  client.close();
  await serving.close();
});

describe('silent connections', () => {
  it('are closed after the header timeout, and others are served meanwhile', async () => {
    const { port } = new URL(serving.url);
    const sockets = Array.from({ length: 20 }, () => connect(Number(port), '127.0.0.1'));
    const closed = sockets.map(
      (socket) => new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now()))),
    );
    const opened = Date.now();
    const other = await client.send(jsonWire('GET', '/__control/clock', null));
    expect(other.status).toBe(200);
    const times = await Promise.all(closed);
    for (const at of times) expect(at - opened).toBeLessThan(3_000);
  });
});

describe('the seed endpoint', () => {
  it('takes a fixture over the 1 MB API limit', async () => {
    const state = kit.control.state() as { program: { users: { id: string; name: string }[] } };
    state.program.users.push({ id: 'USR-9999-0001', name: 'x'.repeat(2 * 1024 * 1024) });
    const answer = await client.send(jsonWire('POST', '/__control/seed', null, state));
    expect(answer.status).toBe(200);
    kit.control.reset();
  });

  it(`answers a fixture declared over ${discardBound(MAX_SEED_BYTES)} bytes 413 in the problem shape at once, reading none of it`, async () => {
    const answer = await client.send({
      method: 'POST',
      path: '/__control/seed',
      headers: {
        'content-type': 'application/json',
        'content-length': String(discardBound(MAX_SEED_BYTES) + 1),
      },
      body: undefined,
    });
    expect(answer.status).toBe(413);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.body).toMatchObject({
      status: 413,
      title: expect.any(String),
      detail: expect.stringContaining(String(MAX_SEED_BYTES)),
    });
  });
});

describe('the served documents', () => {
  it('name the configured URL, not the Host of the request', async () => {
    const answer = await client.send(
      jsonWire('GET', '/__control/spec/program-api.json', null, undefined, {
        host: 'localhost:9999',
      }),
    );
    const servers = (answer.body as { servers: { url: string }[] }).servers;
    expect(servers[0]!.url).toBe('http://mock.team.lan:4010/public');
    expect(answer.text).not.toContain('localhost:9999');
  });
});

describe('the cap on stored objects', () => {
  it('answers a create past it 507 in each API’s shape, and reads and other writes still work', async () => {
    const capped = createKit({ now, maxObjects: storedObjects(createKit({ now }).world) + 1 });
    const ops = { authorization: 'Bearer client-token', 'content-type': 'application/json' };
    const create = () =>
      capped.handle('program-api', {
        method: 'POST',
        path: '/v1/program/enrollments',
        rawQuery: '',
        headers: ops,
        body: JSON.stringify({
          program: { id: 'PRG-9643-3741' },
          licensee: { id: 'LCE-5758-4071-6507' },
          parameters: { ordering: [{ id: 'PPM-9643-3741-0001', value: 'MPN-1' }] },
        }),
      });
    expect(create().status).toBe(201);
    const full = create();
    expect(full.status).toBe(507);
    const asAnswer = (r: typeof full) => ({
      status: r.status,
      headers: r.headers,
      text: r.body ?? '',
      body: JSON.parse(r.body!),
      sentAt: 0,
      answeredAt: 0,
    });
    expect(errorShapeProblems('program-api', 'POST', asAnswer(full))).toEqual([]);
    expect(JSON.parse(full.body!).code).toBe('InsufficientStorage');
    const partner = capped.handle('partner-center', {
      method: 'POST',
      path: '/v1/customers/3b8a1c0e-4f6d-4a8b-9e21-7c5d2f9a6b14/qualifications',
      rawQuery: '',
      headers: { authorization: 'Bearer partner-token', 'content-type': 'application/json' },
      body: JSON.stringify({ qualification: 'StateOwnedEntity' }),
    });
    expect(partner.status).toBe(507);
    expect(errorShapeProblems('partner-center', 'POST', asAnswer(partner))).toEqual([]);
    expect(JSON.parse(partner.body!).code).toBe(800507);
    const read = capped.handle('program-api', {
      method: 'GET',
      path: '/v1/program/certificates',
      rawQuery: 'limit=1',
      headers: { authorization: 'Bearer ops-token' },
      body: undefined,
    });
    expect(read.status).toBe(200);
  });
});

describe('never an HTML page or a stack trace', () => {
  const looksLikeHtmlOrStack = (text: string) =>
    /<html|<!doctype|<pre>|\n\s+at [\w.<]+ \(/i.test(text);

  it('on odd paths, bad encodings, redirects and bad HTTP', async () => {
    for (const [method, path, accept] of [
      ['GET', '/__control/ui/%E0%A4%A', 'text/html'],
      ['GET', '/__control/ui/swagger-ui/%', 'text/html'],
      ['GET', '/__control/spec/%E0%A4%A', 'text/html'],
      ['GET', '/__control/ui/../../package.json', 'text/html'],
      ['GET', '/public/v1/program/certificates/%', 'text/html'],
      ['GET', '/v1/customers/%ZZ/qualifications', 'text/html'],
      ['GET', '/', 'text/html'],
      ['GET', '/__control/ui', 'text/html'],
      ['POST', '/__control/nothing', 'text/html'],
      ['TRACE', '/__control/ui/', 'text/html'],
    ] as const) {
      const answer = await client.send({ method, path, headers: { accept } });
      expect(String(answer.headers['content-type'] ?? ''), `${method} ${path}`).not.toMatch(/html/);
      expect(
        looksLikeHtmlOrStack(answer.text),
        `${method} ${path}: ${answer.text.slice(0, 200)}`,
      ).toBe(false);
      if (answer.status >= 400) expect(answer.body, `${method} ${path}`).toBeDefined();
    }
    const raw = await new Promise<string>((resolve) => {
      const { port } = new URL(serving.url);
      const socket = connect(Number(port), '127.0.0.1', () =>
        socket.write('GARBAGE / HTTP/9.9\r\n\r\n'),
      );
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
    });
    expect(raw).toMatch(/^HTTP\/1\.1 400/);
    expect(raw).toMatch(/application\/problem\+json/);
  });

  it('when the kit itself fails, on each API and the control API', async () => {
    const broken = createKit({ now });
    const fail = () => {
      throw new Error('boom at /secret/path/file.ts:12');
    };
    const failing = { ...broken, handle: fail, begin: fail, handleControl: fail } as unknown as Kit;
    const server = await serve(failing);
    const raw = createClient(server.url, { connections: 2 });
    try {
      for (const [api, path] of [
        ['program-api', '/public/v1/program/certificates'],
        ['partner-center', '/v1/customers/all/validations'],
        [undefined, '/__control/clock'],
      ] as const) {
        const answer = await raw.send(jsonWire('GET', path, 'ops-token'));
        expect(answer.status, path).toBe(500);
        expect(answer.text).not.toContain('/secret/path');
        expect(looksLikeHtmlOrStack(answer.text)).toBe(false);
        if (api) expect(errorShapeProblems(api, 'GET', answer)).toEqual([]);
        else expect(answer.body).toMatchObject({ status: 500 });
      }
    } finally {
      raw.close();
      await server.close();
    }
  });
});
