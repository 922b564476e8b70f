/**
 * `Prefer: code=<status>` (issue 14), as Prism reads it: every status an operation declares is
 * answered with the spec's example for it, valid against its schema, in the API's own headers;
 * a status it does not declare is a 400 that names the declared ones, never silently ignored.
 */
import { describe, expect, it } from 'vitest';
import { sampleRequest } from '../../contracts/samples.js';
import { createKit } from '../../src/kit.js';
import { snapshot } from './support.js';
import {
  firstExample,
  isRecord,
  operations,
  resolve,
  responseSchemaPointer,
  validate,
  type ApiName,
} from '../../src/schema/index.js';

const kit = createKit({ now: '2026-11-21T09:00:00Z' });
const token: Record<ApiName, string> = {
  'program-api': 'ops-token',
  'partner-center': 'partner-token',
};

const cases = (['program-api', 'partner-center'] as const).flatMap((api) =>
  operations(api).flatMap((info) =>
    Object.keys(info.operation.responses)
      .filter((key) => /^\d{3}$/.test(key) && key !== '429' && key !== '503')
      .map((status) => ({ api, info, status: Number(status) })),
  ),
);

function ask(api: ApiName, info: (typeof cases)[number]['info'], code: string) {
  const sample = sampleRequest(info, token[api]);
  const [path, query = ''] = sample.path.split('?');
  const json = sample.body !== undefined ? { 'content-type': 'application/json' } : {};
  return kit.handle(api, {
    method: sample.method,
    path: path!,
    rawQuery: query,
    headers: { ...sample.headers, ...json, prefer: `code=${code}` },
    body: sample.body,
  });
}

describe('Prefer: code=<declared status>', () => {
  it.each(cases.map((c) => [`${c.api} ${c.info.operationId} ${c.status}`, c] as const))(
    '%s answers the spec’s example',
    (_name, { api, info, status }) => {
      const before = snapshot(kit);
      const answer = ask(api, info, String(status));
      expect(answer.status).toBe(status);
      const response = resolve<Record<string, unknown>>(
        api,
        info.operation.responses[String(status)],
      );
      const content = isRecord(response.content) ? response.content : {};
      const [mediaType, media] = Object.entries(content)[0] ?? [];
      if (mediaType === undefined) {
        expect(answer.body ?? '').toBe('');
      } else {
        expect(answer.headers['content-type']).toBe(mediaType);
        const example = firstExample(api, media as Record<string, unknown>);
        const body: unknown = mediaType.includes('json') ? JSON.parse(answer.body!) : answer.body;
        expect(body).toEqual(example);
        const pointer = responseSchemaPointer(info, status, mediaType)!;
        expect(validate(api, pointer, body)).toEqual([]);
      }
      if (api === 'partner-center') expect(answer.headers['MS-RequestId']).toBeTruthy();
      // Asking for an answer changes nothing.
      expect(snapshot(kit)).toBe(before);
    },
  );
});

describe('Prefer: code=<undeclared status>', () => {
  it.each([
    ['program-api', 'getCertificate', '201', 'code'],
    ['program-api', 'listCertificates', '302', 'code'],
    ['partner-center', 'getCustomer', '201', 'description'],
    ['program-api', 'getCertificate', 'abc', 'code'],
  ] as const)('%s %s %s is a 400 in the API’s shape', (api, operationId, code, field) => {
    const info = operations(api).find((op) => op.operationId === operationId)!;
    const answer = ask(api, info, code);
    expect(answer.status).toBe(400);
    const body = JSON.parse(answer.body!) as Record<string, unknown>;
    expect(body).toHaveProperty(field);
    expect(answer.body).toContain(
      `Prefer: code=${code} cannot be answered: ${operationId} declares`,
    );
  });

  it('leaves 429 to the injected faults', () => {
    const info = operations('program-api').find((op) => op.operationId === 'getCertificate')!;
    const answer = ask('program-api', info, '429');
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('1');
  });
});
