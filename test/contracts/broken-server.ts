/**
 * A deliberately broken server for the contract suite to fail against: the kit's mock with four
 * faults a real service could have. Each must be named in the report.
 *  1. wrong field type: a certificate's expirationDate is a number;
 *  2. undeclared status: a created enrollment answers 200 instead of 201;
 *  3. missing header: Partner Center answers without MS-CorrelationId;
 *  4. a rule not enforced: re-enrolling a Terminated certificate is accepted.
 */
import express from 'express';
import { createApp } from '../../mocks/server/app.js';
import type { KitRequest, KitResponse } from '../../src/http/types.js';
import { createKit } from '../../src/kit.js';
import { listen, testNow, type Running } from './support.js';

export async function startBrokenServer(): Promise<Running> {
  const kit = createKit({ now: testNow });
  const handle = kit.handle.bind(kit);
  const broken = (api: Parameters<typeof handle>[0], request: KitRequest): KitResponse => {
    if (
      api === 'program-api' &&
      request.method === 'POST' &&
      request.path === '/v1/program/enrollments'
    ) {
      let body: { certificate?: { id?: string } } = {};
      try {
        body = JSON.parse(request.body ?? '{}') as typeof body;
      } catch {
        // Not JSON: the kit refuses it below.
      }
      const certificate = body.certificate?.id
        ? kit.world.program.certificates.get(body.certificate.id)
        : undefined;
      if (certificate?.status === 'Terminated') {
        // Fault 4: the rule is not enforced (answered as if re-enrolled, nothing stored).
        return {
          status: 201,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            id: 'ENR-9999-9999-9999',
            type: 'Change',
            status: 'Processing',
            certificate: { id: certificate.id },
          }),
        };
      }
      const answer = handle(api, request);
      // Fault 2: an undeclared status.
      return answer.status === 201 ? { ...answer, status: 200 } : answer;
    }
    const answer = handle(api, request);
    if (
      api === 'program-api' &&
      request.method === 'GET' &&
      /^\/v1\/program\/certificates\/[^/]+$/.test(request.path) &&
      answer.status === 200
    ) {
      // Fault 1: a field of the wrong type.
      const certificate = JSON.parse(answer.body!) as { expirationDate?: unknown };
      if (typeof certificate.expirationDate === 'string')
        certificate.expirationDate = Number(certificate.expirationDate.replace(/-/g, ''));
      const text = JSON.stringify(certificate);
      const headers = { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) };
      return { ...answer, headers, body: text };
    }
    if (api === 'partner-center') {
      // Fault 3: a required header is missing.
      const headers = Object.fromEntries(
        Object.entries(answer.headers).filter(
          ([name]) => name.toLowerCase() !== 'ms-correlationid',
        ),
      );
      return { ...answer, headers };
    }
    return answer;
  };
  const app = express();
  app.use(createApp({ ...kit, handle: broken }));
  return listen(app, kit);
}
