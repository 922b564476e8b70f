/**
 * The auth matrix (issue 6, item 3), derived from the spec: every operation of both APIs, with
 * its sample request, under every kind of credential. No, malformed or unknown credentials are
 * 401; a role outside the operation's `x-roles` is 403; a role inside it gets past both. Then
 * tenancy: another account's certificate answers exactly as a certificate that does not exist.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sampleRequest } from '../../contracts/samples.js';
import { operation, operations, type ApiName } from '../../src/schema/index.js';
import { startExpressMock, type Running } from '../contracts/support.js';
import {
  apiNames,
  apis,
  createClient,
  errorShapeProblems,
  jsonWire,
  snapshot,
  type Answer,
  type Client,
  type Wire,
} from './support.js';

let mock: Running;
let client: Client;

beforeAll(async () => {
  mock = await startExpressMock();
  client = createClient(mock.url, { connections: 1 });
});
afterAll(async () => {
  client?.close();
  await mock?.close();
});
beforeEach(() => mock.kit.control.reset());

/** The code each API gives a missing credential and a forbidden role. */
const codes = {
  'program-api': { 401: 'Unauthorized', 403: 'Forbidden' },
  'partner-center': { 401: 800001, 403: 900150 },
} as const satisfies Record<ApiName, Record<401 | 403, unknown>>;

/** Authorization headers that name nobody (undefined: no header at all). */
const nobody = (api: ApiName): { name: string; header: string | undefined }[] => [
  { name: 'no Authorization header', header: undefined },
  { name: 'Basic credentials', header: 'Basic b3BzLXRva2VuOnNlY3JldA==' },
  { name: '"Bearer" alone', header: 'Bearer' },
  { name: '"Bearer a b"', header: 'Bearer a b' },
  { name: 'a seed token without "Bearer"', header: Object.values(apis[api].tokens)[0]! },
  { name: 'an unknown token', header: 'Bearer no-such-token' },
];

interface Row {
  api: ApiName;
  operationId: string;
  credential: string;
  wire: Wire;
  /** 401 or 403, or 'allowed' (anything but those two). */
  want: 401 | 403 | 'allowed';
}

function rowsOf(api: ApiName): Row[] {
  return operations(api).flatMap((op) => {
    const sample = sampleRequest(op);
    const { authorization: _none, ...headers } = sample.headers;
    const wire = (authorization: string | undefined): Wire => ({
      method: sample.method,
      path: apis[api].base + sample.path,
      headers: authorization === undefined ? headers : { ...headers, authorization },
      ...(sample.body === undefined ? {} : { body: sample.body }),
    });
    const base = { api, operationId: op.operationId };
    return [
      ...nobody(api).map(({ name, header }) => ({
        ...base,
        credential: name,
        wire: wire(header),
        want: 401 as const,
      })),
      ...Object.entries(apis[api].tokens).map(([role, token]) => ({
        ...base,
        credential: `the ${role} role`,
        wire: wire(`Bearer ${token}`),
        want: op.roles.includes(role) ? ('allowed' as const) : (403 as const),
      })),
    ];
  });
}

describe.each(apiNames)('%s: every operation under every credential', (api) => {
  const rows = rowsOf(api);

  it('covers every operation, every role of the spec, and both outcomes', () => {
    expect(new Set(rows.map((r) => r.operationId)).size).toBe(operations(api).length);
    const roles = new Set(operations(api).flatMap((op) => op.roles));
    expect([...roles].sort()).toEqual(Object.keys(apis[api].tokens).sort());
    expect(rows.some((r) => r.want === 403)).toBe(true);
    expect(rows.some((r) => r.want === 'allowed')).toBe(true);
  });

  it.each(rows.map((row) => [row.operationId, row.credential, row.want, row] as const))(
    '%s with %s: %s',
    async (_op, _credential, want, row) => {
      const before = snapshot(mock.kit);
      const answer = await client.send(row.wire);
      if (want === 'allowed') {
        expect(answer.status, answer.text.slice(0, 300)).not.toBe(401);
        expect(answer.status, answer.text.slice(0, 300)).not.toBe(403);
        expect(answer.status, answer.text.slice(0, 300)).toBeLessThan(500);
        return;
      }
      expect(answer.status, answer.text.slice(0, 300)).toBe(want);
      expect(errorShapeProblems(api, row.wire.method, answer)).toEqual([]);
      expect((answer.body as { code?: unknown }).code).toBe(codes[api][want]);
      expect(snapshot(mock.kit) === before, 'a refused request changes nothing').toBe(true);
    },
  );
});

// ---------------------------------------------------------------- tenancy

const P = 'program-api' as const;
const base = apis[P].base;
const tokens = apis[P].tokens;

/** What a caller must not be able to tell apart: another account's object and no object. */
const strangers = [
  {
    role: 'client',
    certificate: 'CER-2217-6604-9183', // Wayne Enterprises' certificate on the AI program
    enrollment: 'ENR-2217-6604-9183',
    program: 'PRG-9643-3741',
  },
  {
    role: 'vendor',
    certificate: 'CER-7704-3358-6641', // Wayne Enterprises' certificate on Adobe's program
    enrollment: 'ENR-7704-3358-6641',
    program: 'PRG-5190-6634',
  },
] as const;

const missing = { certificate: 'CER-0000-0000-0001', enrollment: 'ENR-0000-0000-0001' };

/** The sample body of an operation, from the spec's examples. */
const sampleBody = (operationId: string): unknown => {
  const body = sampleRequest(operation(P, operationId)).body;
  return body === undefined ? undefined : JSON.parse(body);
};

interface Action {
  operationId: string;
  /** The request on a certificate or enrollment id, for a certificate of `program`. */
  wire(id: string, token: string, program: string): Wire;
  on: 'certificate' | 'enrollment';
}

const certificates = `${base}/v1/program/certificates`;
const enrollments = `${base}/v1/program/enrollments`;

const actions: Action[] = [
  {
    operationId: 'getCertificate',
    on: 'certificate',
    wire: (id, token) => jsonWire('GET', `${certificates}/${id}`, token),
  },
  {
    operationId: 'updateCertificate',
    on: 'certificate',
    wire: (id, token) =>
      jsonWire('PUT', `${certificates}/${id}`, token, sampleBody('updateCertificate')),
  },
  {
    operationId: 'terminateCertificate',
    on: 'certificate',
    wire: (id, token) =>
      jsonWire(
        'POST',
        `${certificates}/${id}/terminate`,
        token,
        sampleBody('terminateCertificate'),
      ),
  },
  {
    operationId: 'renderCertificate',
    on: 'certificate',
    wire: (id, token) => jsonWire('GET', `${certificates}/${id}/render`, token),
  },
  {
    operationId: 'createEnrollment', // a re-enrollment of the certificate
    on: 'certificate',
    wire: (id, token, program) =>
      jsonWire('POST', enrollments, token, { program: { id: program }, certificate: { id } }),
  },
  ...(['query', 'process', 'complete', 'fail'] as const).map((verb): Action => ({
    operationId: `${verb}Enrollment`,
    on: 'enrollment',
    wire: (id, token) =>
      jsonWire('POST', `${enrollments}/${id}/${verb}`, token, sampleBody(`${verb}Enrollment`)),
  })),
  {
    operationId: 'getEnrollment',
    on: 'enrollment',
    wire: (id, token) => jsonWire('GET', `${enrollments}/${id}`, token),
  },
];

/** An answer with what may differ between two requests blanked: the trace id, the id asked. */
function comparable(answer: Answer, id: string) {
  const body = { ...(answer.body as Record<string, unknown>) };
  body.traceId = '(trace id)';
  if (typeof body.detail === 'string') body.detail = body.detail.split(id).join('(id)');
  return { status: answer.status, contentType: answer.headers['content-type'], body };
}

describe.each(strangers)(
  'the $role role on another account ($certificate)',
  ({ role, certificate, enrollment, program }) => {
    const token = tokens[role]!;

    it.each(actions.map((action) => [action.operationId, action] as const))(
      '%s answers as for an id that does not exist, and changes nothing',
      async (operationId, action) => {
        const theirs = action.on === 'certificate' ? certificate : enrollment;
        const none = missing[action.on];
        const allowed = operation(P, operationId).roles.includes(role);
        const before = snapshot(mock.kit);

        const foreign = await client.send(action.wire(theirs, token, program));
        const absent = await client.send(action.wire(none, token, program));

        expect(foreign.status, foreign.text.slice(0, 300)).toBe(allowed ? 404 : 403);
        expect(errorShapeProblems(P, 'GET', foreign)).toEqual([]);
        expect(comparable(foreign, theirs)).toEqual(comparable(absent, none));
        expect(snapshot(mock.kit) === before, 'nothing changed').toBe(true);
      },
    );

    it('lists never show it', async () => {
      const filters = [
        `${certificates}?eq(id,${certificate})`,
        `${enrollments}?eq(id,${enrollment})`,
        `${enrollments}?eq(certificate.id,${certificate})`,
      ];
      for (const path of filters) {
        const answer = await client.send(jsonWire('GET', path, token));
        expect(answer.status, path).toBe(200);
        expect(
          (answer.body as { $meta: { pagination: { total: number } } }).$meta.pagination,
        ).toMatchObject({ total: 0 });
      }
    });
  },
);
