/**
 * Partner Center on the shared pipeline: bearer tokens, handlers per operationId, the error
 * body, the `MS-RequestId` / `MS-CorrelationId` / `MS-CV` headers, idempotent writes, and the
 * media types it answers in.
 */
import type { ApiModule, Call, Handler } from '../../http/pipeline.js';
import { decodeComponent as decode } from '../../http/media.js';
import { json, type KitRequest, type KitResponse } from '../../http/types.js';
import { isRecord, type OperationInfo } from '../../schema/index.js';
import { setOwn } from '../../core/own.js';
import { Refusal } from '../../core/problem.js';
import type { World } from '../../core/world.js';
import { partnerRuleIds } from '../../core/coverage.js';
import { refuse } from '../../core/partner/errors.js';
import * as service from '../../core/partner/service.js';
import { errorCodeOf, errorResponse } from './errors.js';
import { requestKey, type PartnerActor, type RememberedRequest } from '../../core/partner/state.js';

type PartnerCall = Call<PartnerActor, World>;

// ---------------------------------------------------------------- request helpers

/** The bearer token of a request, or undefined when there is none in the expected form. */
function bearerToken(request: KitRequest): string | undefined {
  const header = request.headers.authorization;
  return header === undefined ? undefined : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1];
}

/**
 * The first value of a query parameter, decoded (`+` is a space); undefined when absent. Names
 * match whatever their letter case, as ASP.NET binds them (`?Code=` is `?code=`).
 */
export function queryValue(rawQuery: string, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const pair of rawQuery.split('&')) {
    const equals = pair.indexOf('=');
    const key = equals === -1 ? pair : pair.slice(0, equals);
    if (decode(key).toLowerCase() !== wanted) continue;
    return equals === -1 ? '' : decode(pair.slice(equals + 1));
  }
  return undefined;
}

const header = (request: KitRequest, name: string) => {
  const value = request.headers[name]?.trim();
  return value ? value : undefined;
};

/**
 * A request id or correlation id worth echoing: a GUID-like token of sane length. Anything else
 * (a 20 KB header, control characters) is replaced by a generated GUID rather than sent back.
 */
const echoable = (value: string | undefined) =>
  value !== undefined && value.length <= 128 && /^[\x21-\x7e]+$/.test(value) ? value : undefined;

const context = (call: PartnerCall): service.Context => ({
  state: call.world.partner,
  now: call.world.clock.now(),
  coverage: call.world.coverage,
});

const customerId = (call: Pick<PartnerCall, 'params'>) => call.params['customer-tenant-id']!;

// ---------------------------------------------------------------- customers paging

const CONTINUATION_HEADER = 'MS-ContinuationToken';
const continuationToken = (offset: number) => `ct-${offset.toString(36)}`;

function pageSize(request: KitRequest): number {
  const raw = queryValue(request.rawQuery, 'size');
  if (raw === undefined) return service.DEFAULT_PAGE_SIZE;
  const size = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(size >= 1 && size <= service.MAX_PAGE_SIZE))
    throw refuse(
      800002,
      `The query parameter size must be an integer from 1 to ${service.MAX_PAGE_SIZE}.`,
    );
  return size;
}

function pageOffset(request: KitRequest): number {
  const token = header(request, CONTINUATION_HEADER.toLowerCase());
  if (token === undefined) return 0;
  const match = /^ct-([0-9a-z]{1,8})$/.exec(token);
  if (!match) throw refuse(800002, `The ${CONTINUATION_HEADER} header is not a valid token.`);
  return parseInt(match[1]!, 36);
}

function listCustomers(call: PartnerCall): KitResponse {
  const size = pageSize(call.request);
  const offset = pageOffset(call.request);
  const { items, more } = service.customerPage(call.world.partner, offset, size);
  const link = (headers: { key: string; value: string }[]) => ({
    uri: `/customers?size=${size}`,
    method: 'GET',
    headers,
  });
  return json(200, {
    totalCount: items.length,
    items,
    links: {
      self: link(
        offset === 0 ? [] : [{ key: CONTINUATION_HEADER, value: continuationToken(offset) }],
      ),
      ...(more
        ? { next: link([{ key: CONTINUATION_HEADER, value: continuationToken(offset + size) }]) }
        : {}),
    },
    attributes: { objectType: 'Collection' },
  });
}

// ---------------------------------------------------------------- handlers

const handlers: Record<string, Handler<PartnerActor, World>> = {
  listCustomers,
  getCustomer: (call) =>
    json(200, service.findCustomer(call.world.partner, customerId(call)).customer),
  listCustomerQualifications: (call) =>
    json(200, service.findCustomer(call.world.partner, customerId(call)).qualifications),
  createCustomerQualification: (call) =>
    json(
      201,
      service.addQualification(
        context(call),
        customerId(call),
        call.body as service.QualificationRequest,
        queryValue(call.request.rawQuery, 'code'),
      ),
    ),
  listValidationCodes: (call) => json(200, [...call.world.partner.validationCodes.values()]),
  // The deprecated pair answers bare strings in the SDK's enum wire form, as the old SDKs read.
  getCustomerQualificationDeprecated: (call) =>
    json(
      200,
      service.wireForm(
        service.firstHeld(service.findCustomer(call.world.partner, customerId(call))),
      ),
    ),
  updateCustomerQualificationDeprecated: (call) => {
    const added = service.addQualification(
      context(call),
      customerId(call),
      { qualification: call.body as string, segmentRequired: false },
      queryValue(call.request.rawQuery, 'code'),
    );
    return json(200, service.wireForm(added.qualification));
  },
};

/** Request body keys matched whatever their letter case (the older contract's `Qualification`). */
const requestKeys = ['qualification', 'educationSegment', 'website', 'validationCode'];

/**
 * Known keys in their canonical spelling (a key already spelled so wins over other spellings),
 * members sent as `null` left out (absent, as ASP.NET binds them), and the enumerated values in
 * their canonical spelling whatever their case or wire form.
 */
function canonicalBody(body: Record<string, unknown>): Record<string, unknown> {
  const out = canonicalKeys(body);
  for (const [key, value] of Object.entries(out)) if (value === null) delete out[key];
  if (typeof out.qualification === 'string')
    out.qualification = service.canonicalName(out.qualification, service.qualificationNames);
  if (typeof out.educationSegment === 'string')
    out.educationSegment = service.canonicalName(out.educationSegment, service.educationSegments);
  return out;
}

function canonicalKeys(body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const canonical = requestKeys.find((known) => known.toLowerCase() === key.toLowerCase());
    // Defined, not assigned: a key named __proto__ must stay data, never become the prototype.
    const define = (name: string) => setOwn(out, name, value);
    if (canonical === undefined) define(key);
    else if (
      (key === canonical || !Object.hasOwn(body, canonical)) &&
      !Object.hasOwn(out, canonical)
    )
      define(canonical);
  }
  return out;
}

// ---------------------------------------------------------------- headers and idempotency

/** murmur3's finalizer: a bijection on 32-bit integers, so distinct inputs never collide. */
function fmix32(n: number): number {
  let h = n >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const hex8 = (n: number) => n.toString(16).padStart(8, '0');

/**
 * The next generated header id: a version-4-shaped GUID from the state's own sequence (not the
 * one object ids are drawn from). The sequence survives resets and the state file, and its
 * first 32 bits are a bijection of the position, so no id repeats.
 */
function headerGuid(world: World): string {
  const n = (world.partner.headerIds = world.partner.headerIds + 1);
  const a = hex8(fmix32(n));
  const b = hex8(fmix32(n + 0x9e3779b9));
  const c = hex8(fmix32(n ^ 0x6a09e667));
  const d = hex8(fmix32(Math.imul(n, 0x27d4eb2d) ^ Math.floor(n / 0x1_0000_0000) ^ 0x3c6ef372));
  const variant = '89ab'[parseInt(c[0]!, 16) & 3]!;
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${variant}${c.slice(1, 4)}-${c.slice(4, 8)}${d}`;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** A correlation vector in its usual shape: 16 bytes in base64 (22 characters), then `.0`. */
function correlationVector(world: World): string {
  const hex = headerGuid(world).replace(/-/g, '');
  let bits = '';
  for (const digit of hex) bits += parseInt(digit, 16).toString(2).padStart(4, '0');
  let out = '';
  for (let i = 0; i < 132; i += 6) out += BASE64[parseInt(bits.slice(i, i + 6).padEnd(6, '0'), 2)];
  return `${out}.0`;
}

const isWrite = (operation: OperationInfo) =>
  operation.method === 'post' || operation.method === 'put';

/**
 * A write as idempotency sees it: the key (the caller's token and its MS-RequestId) and the
 * request itself (method, path, query and body), which a replay must match.
 */
function writeOf(request: KitRequest, operation: OperationInfo) {
  if (!isWrite(operation)) return undefined;
  const requestId = header(request, 'ms-requestid');
  const token = bearerToken(request);
  if (!requestId || !token) return undefined;
  // Paths are matched whatever their case, so the same request may be spelled differently.
  const target = `${request.method.toUpperCase()} ${request.path.toLowerCase()}${request.rawQuery ? `?${request.rawQuery}` : ''}`;
  return {
    key: requestKey(token, requestId),
    token,
    requestId,
    request: `${target}\n${request.body ?? ''}`,
  };
}

const copyAnswer = (answer: RememberedRequest['answer']): KitResponse => ({
  status: answer.status,
  headers: { ...answer.headers },
  ...(answer.body === undefined ? {} : { body: answer.body }),
});

export const partnerCenterApi: ApiModule<PartnerActor, World> = {
  api: 'partner-center',
  authenticate(world, request) {
    const token = bearerToken(request);
    if (token === undefined)
      throw new Refusal(
        'Unauthorized',
        request.headers.authorization === undefined
          ? 'The partner access token is missing: send Authorization: Bearer <token>.'
          : 'The Authorization header must be "Bearer <token>".',
      );
    const actor = world.partner.tokens.get(token);
    if (!actor) throw new Refusal('Unauthorized', 'The partner access token is not valid.');
    return actor;
  },
  roleOf: (actor) => actor.role,
  handlers,
  beforeBody(call) {
    // Customer id format, then existence, answer before any complaint about the body.
    if (call.params['customer-tenant-id'] !== undefined)
      service.findCustomer(call.world.partner, customerId(call));
  },
  normalizeBody(operation, body) {
    if (operation.operationId === 'createCustomerQualification' && isRecord(body))
      return canonicalBody(body);
    if (
      operation.operationId === 'updateCustomerQualificationDeprecated' &&
      typeof body === 'string'
    )
      return service.canonicalName(body, service.qualificationNames);
    return body;
  },
  refusalResponse(world, refusal) {
    world.coverage.hit(partnerRuleIds[errorCodeOf(refusal)]);
    return errorResponse(refusal);
  },
  replay(world, request, operation) {
    const write = writeOf(request, operation);
    const first = write && world.partner.requests.get(write.key);
    if (!write || !first) return undefined;
    if (first.request !== write.request)
      throw refuse(
        800005,
        `The MS-RequestId ${write.requestId} was already used for another request (${first.request.split('\n')[0]!}); send a new one.`,
      );
    if (world.coverage.mutated('partner.rule:request-id-replayed')) return undefined;
    world.coverage.hit('partner.rule:request-id-replayed');
    return copyAnswer(first.answer);
  },
  remember(world, request, operation, response) {
    const write = writeOf(request, operation);
    // A failure of the mock itself is not an answer worth repeating.
    if (!write || response.status >= 500 || world.partner.requests.get(write.key)) return;
    world.partner.requests.set(write.key, {
      token: write.token,
      requestId: write.requestId,
      request: write.request,
      answer: {
        status: response.status,
        headers: { ...response.headers },
        ...(response.body === undefined ? {} : { body: response.body }),
      },
    });
  },
  finish(world, request, response) {
    return {
      ...response,
      headers: {
        ...response.headers,
        'MS-RequestId': echoable(header(request, 'ms-requestid')) ?? headerGuid(world),
        'MS-CorrelationId': echoable(header(request, 'ms-correlationid')) ?? headerGuid(world),
        'MS-CV': echoable(header(request, 'ms-cv')) ?? correlationVector(world),
      },
    };
  },
  responseMediaTypes: ['application/json', 'text/json', 'application/xml', 'text/xml'],
  errorSchema: '#/components/schemas/Error',
};
