/**
 * Schema checks, one per operation of each document, derived from the spec. Each sends the
 * operation's sample request (built from its own examples) as a role it allows, then the
 * variants the spec declares an answer for: no token (401), a role `x-roles` leaves out (403),
 * an id that does not exist (404), a malformed body (400), a body in a media type the operation
 * does not declare (415), an
 * oversized body (413), a malformed query (400). The runner validates every answer against the
 * spec (declared status, content type, body schema, required headers); here each variant must
 * also get the status it is meant to provoke. Variants that need a real implementation are
 * left out on a stateless target (Prism answers from examples).
 */
import { operations, type ApiName, type OperationInfo } from '../../src/schema/index.js';
import { sampleRequest, wrongTypeBody, type SampleRequest } from '../samples.js';
import { SkipCheck } from '../skip.js';
import type { Check, CheckContext, Role } from '../types.js';

const roleNames: Record<ApiName, Record<string, Role>> = {
  'program-api': { operations: 'operations', vendor: 'vendor', client: 'client' },
  'partner-center': { partner: 'partner', reader: 'reader' },
};

/** An id of the parameter's shape that no object has: a nil-like GUID, or the digits zeroed. */
const missingId = (example: string) =>
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(example)
    ? '00000000-0000-4000-8000-000000000000'
    : example.replace(/\d/g, '0');

interface Variant {
  name: string;
  status: number;
  /** Only against a target that implements the API (not a stateless mock). */
  needsImplementation: boolean;
  /** The request breaks the spec (a validating proxy answers it itself). */
  breaksSpec?: boolean;
  request(
    sample: SampleRequest,
    info: OperationInfo,
  ): { path: string; body?: string; headers: Record<string, string>; as: Role | null } | undefined;
}

const declares = (info: OperationInfo, status: number) =>
  String(status) in info.operation.responses;
const withoutAuth = (headers: Record<string, string>) => {
  const copy = { ...headers };
  delete copy.authorization;
  return copy;
};

function variants(info: OperationInfo, role: Role, ctx: CheckContext): Variant[] {
  const hasBody = info.operation.requestBody !== undefined;
  const idParameter = info.parameters.find((p) => p.in === 'path');
  const list: Variant[] = [
    {
      name: 'without a token',
      status: 401,
      needsImplementation: false,
      breaksSpec: true,
      request: (s) => ({
        path: s.path,
        ...(s.body ? { body: s.body } : {}),
        headers: withoutAuth(s.headers),
        as: null,
      }),
    },
  ];
  const forbidden = Object.entries(roleNames[info.api]).find(
    ([name, r]) => !info.roles.includes(name) && ctx.target.tokens[r],
  )?.[1];
  if (forbidden && declares(info, 403)) {
    list.push({
      name: `as ${forbidden}, a role x-roles leaves out`,
      status: 403,
      needsImplementation: true,
      request: (s) => ({
        path: s.path,
        ...(s.body ? { body: s.body } : {}),
        headers: withoutAuth(s.headers),
        as: forbidden,
      }),
    });
  }
  if (idParameter && declares(info, 404)) {
    list.push({
      name: 'with an id that does not exist',
      status: 404,
      needsImplementation: true,
      request: (s) => {
        const segments = s.path.split('/');
        const template = info.path.split('/');
        const at = template.findIndex((t) => t === `{${String(idParameter.name)}}`);
        if (at < 0 || !segments[at]) return undefined;
        segments[at] = missingId(decodeURIComponent(segments[at]!));
        return {
          path: segments.join('/'),
          ...(s.body ? { body: s.body } : {}),
          headers: withoutAuth(s.headers),
          as: role,
        };
      },
    });
  }
  if (hasBody && declares(info, 400)) {
    list.push({
      name: 'with a body of the wrong type',
      status: 400,
      needsImplementation: true,
      breaksSpec: true,
      request: (s) => {
        const wrong = wrongTypeBody(info);
        return {
          path: s.path,
          body: wrong.body,
          headers: { ...withoutAuth(s.headers), 'content-type': wrong.contentType },
          as: role,
        };
      },
    });
  }
  if (hasBody && declares(info, 415)) {
    list.push({
      name: 'with a body in a media type it does not declare',
      status: 415,
      needsImplementation: true,
      breaksSpec: true,
      request: (s) => ({
        path: s.path,
        body: 'qualification=Education',
        // No operation of either API takes text/plain (Partner Center takes forms and XML).
        headers: { ...withoutAuth(s.headers), 'content-type': 'text/plain' },
        as: role,
      }),
    });
  }
  if (hasBody && declares(info, 413) && ctx.target.controlUrl) {
    // Only against a kit: a megabyte is no way to treat a real service.
    list.push({
      name: 'with a body over 1 MB',
      status: 413,
      needsImplementation: true,
      breaksSpec: true,
      request: (s) => ({
        path: s.path,
        body: JSON.stringify({ padding: 'x'.repeat(1024 * 1024 + 1) }),
        headers: { ...withoutAuth(s.headers), 'content-type': 'application/json' },
        as: role,
      }),
    });
  }
  const query = info.parameters.some((p) => p.name === 'limit')
    ? 'eq(status,Active'
    : info.parameters.some((p) => p.name === 'select')
      ? // an empty select is none (as SoftwareOne's RQL library reads it); a path that names
        // no property is the kit's 400 (docs/decisions/0061)
        'select=-*,noSuchProperty'
      : undefined;
  if (info.method === 'get' && query && declares(info, 400)) {
    list.push({
      name: `with a malformed query (${query})`,
      status: 400,
      needsImplementation: true,
      request: (s) => ({
        path: `${s.path}${s.path.includes('?') ? '&' : '?'}${query}`,
        headers: withoutAuth(s.headers),
        as: role,
      }),
    });
  }
  return list;
}

function schemaCheck(info: OperationInfo): Check {
  const reads = info.method === 'get';
  return {
    name: `schema.${info.api === 'program-api' ? 'program' : 'partner-center'}.${info.operationId}`,
    api: info.api,
    kind: 'schema',
    description: `${info.method.toUpperCase()} ${info.path}: every answer declared and schema-valid, for the sample request and its failure variants`,
    needs: reads ? [] : ['writes'],
    async run(ctx) {
      const problems: string[] = [];
      const role = info.roles
        .map((name) => roleNames[info.api][name])
        .find((r) => r && ctx.target.tokens[r]);
      if (!role)
        throw new SkipCheck(
          `no token for any role allowed to call ${info.operationId} (${info.roles.join(', ')})`,
        );
      const sample = sampleRequest(info);
      const multipart = /^multipart\//.test(sample.headers['content-type'] ?? '');
      const allowed = await ctx.call(info.api, sample.method, sample.path, {
        as: role,
        headers: withoutAuth(sample.headers),
        ...(sample.body ? { body: sample.body } : {}),
      });
      if (allowed.status === 401 || allowed.status === 403) {
        problems.push(
          `${info.operationId} as ${role}: refused with ${allowed.status} although x-roles allows ${role}`,
        );
      }
      for (const variant of variants(info, role, ctx)) {
        if (variant.needsImplementation && ctx.target.stateless) continue;
        if (variant.breaksSpec && ctx.target.validatingProxy) continue;
        // Prism's validating proxy (5.14) reads a multipart JSON part as a string and answers
        // 422 itself, so behind it only the sample request of a multipart operation is sent.
        if (ctx.target.validatingProxy && multipart) continue;
        const request = variant.request(sample, info);
        if (!request) continue;
        const answer = await ctx.call(info.api, sample.method, request.path, {
          as: request.as,
          headers: request.headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
        });
        if (answer.status !== variant.status) {
          problems.push(
            `${info.operationId} ${variant.name}: expected ${variant.status}, got ${answer.status}`,
          );
        }
      }
      return problems;
    },
  };
}

export const schemaChecks = (api: ApiName): Check[] => operations(api).map(schemaCheck);
