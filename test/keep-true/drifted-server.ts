/**
 * A service that has moved on from the kit's spec, for `drift` to find (issue 25): the kit's
 * mock with four changes a real service could ship.
 *  1. a new certificate field: every certificate carries `carbonFootprint`;
 *  2. an unknown status value: a certificate answers `status: "Suspended"`;
 *  3. an undeclared status: listing enrollments answers 409;
 *  4. a missing header: Partner Center answers without MS-CorrelationId.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../mocks/server/app.js';
import type { KitRequest, KitResponse } from '../../src/http/types.js';
import { createKit } from '../../src/kit.js';
import { testNow, type Service } from './support.js';

const withBody = (answer: KitResponse, body: unknown): KitResponse => {
  const text = JSON.stringify(body);
  return {
    ...answer,
    headers: { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) },
    body: text,
  };
};

export async function startDriftedServer(port: number): Promise<Service> {
  const kit = createKit({ now: testNow });
  const handle = kit.handle.bind(kit);
  const drifted = (api: Parameters<typeof handle>[0], request: KitRequest): KitResponse => {
    if (
      api === 'program-api' &&
      request.method === 'GET' &&
      request.path === '/v1/program/enrollments'
    )
      return withBody(
        { status: 409, headers: { 'content-type': 'application/problem+json' } },
        { type: 'about:blank', title: 'Conflict', status: 409 },
      );
    const answer = handle(api, request);
    if (
      api === 'program-api' &&
      answer.status === 200 &&
      /^\/v1\/program\/certificates\/[^/]+$/.test(request.path)
    ) {
      const certificate = JSON.parse(answer.body!) as Record<string, unknown>;
      return withBody(answer, { ...certificate, carbonFootprint: 'low', status: 'Suspended' });
    }
    if (api === 'partner-center')
      return {
        ...answer,
        headers: Object.fromEntries(
          Object.entries(answer.headers).filter(
            ([name]) => name.toLowerCase() !== 'ms-correlationid',
          ),
        ),
      };
    return answer;
  };
  const server = createServer(createApp({ ...kit, handle: drifted }));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    kit,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
