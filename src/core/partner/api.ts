/**
 * Partner Center on the shared pipeline: bearer tokens, handlers per operationId, the error
 * body, the `MS-RequestId` / `MS-CorrelationId` headers and idempotent writes.
 */
import type { ApiModule, Call, Handler } from '../../http/pipeline.js';
import { json, type KitRequest, type KitResponse } from '../../http/types.js';
import { isRecord, type OperationInfo } from '../../schema/index.js';
import { setOwn } from '../own.js';
import { Refusal } from '../problem.js';
import type { World } from '../world.js';
import { errorResponse, refuse } from './errors.js';
import * as service from './service.js';
import type { PartnerActor } from './state.js';

type PartnerCall = Call<PartnerActor, World>;

// ---------------------------------------------------------------- request helpers

/** The bearer token of a request, or undefined when there is none in the expected form. */
function bearerToken(request: KitRequest): string | undefined {
  const header = request.headers.authorization;
  return header === undefined ? undefined : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header)?.[1];
}

/** The first value of a query parameter, decoded (`+` is a space); undefined when absent. */
export function queryValue(rawQuery: string, name: string): string | undefined {
  for (const pair of rawQuery.split('&')) {
    const equals = pair.indexOf('=');
    const key = equals === -1 ? pair : pair.slice(0, equals);
    if (decode(key) !== name) continue;
    return equals === -1 ? '' : decode(pair.slice(equals + 1));
  }
  return undefined;
}

function decode(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
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
  getCustomerQualificationDeprecated: (call) => {
    const record = service.findCustomer(call.world.partner, customerId(call));
    return json(200, record.qualifications[0]?.qualification ?? 'None');
  },
  updateCustomerQualificationDeprecated: (call) =>
    json(
      200,
      service.addQualification(
        context(call),
        customerId(call),
        { qualification: call.body as string },
        queryValue(call.request.rawQuery, 'code'),
      ),
    ),
};

/** Request body keys matched whatever their letter case (the older contract's `Qualification`). */
const requestKeys = ['qualification', 'educationSegment', 'website', 'validationCode'];

/** Known keys in their canonical spelling; a key already spelled so wins over other spellings. */
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

/** A GUID made from the world's trace-id sequence, which is not the one ids are drawn from. */
function headerGuid(world: World): string {
  const hex = world.traceId().slice(3, 35);
  const variant = '89ab'[parseInt(hex[16]!, 16) & 3]!;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const isWrite = (operation: OperationInfo) =>
  operation.method === 'post' || operation.method === 'put';

/** The idempotency key of a write: its MS-RequestId, scoped to the caller's token. */
function idempotencyKey(request: KitRequest, operation: OperationInfo): string | undefined {
  if (!isWrite(operation)) return undefined;
  const requestId = header(request, 'ms-requestid');
  const token = bearerToken(request);
  return requestId && token ? `${token}\n${requestId}` : undefined;
}

const copyResponse = (response: KitResponse): KitResponse => ({
  ...response,
  headers: { ...response.headers },
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
    return operation.operationId === 'createCustomerQualification' && isRecord(body)
      ? canonicalKeys(body)
      : body;
  },
  refusalResponse: (_world, refusal) => errorResponse(refusal),
  replay(world, request, operation) {
    const key = idempotencyKey(request, operation);
    const first = key === undefined ? undefined : world.idempotency.get(key);
    return first && copyResponse(first);
  },
  remember(world, request, operation, response) {
    const key = idempotencyKey(request, operation);
    // A failure of the mock itself is not an answer worth repeating.
    if (key !== undefined && response.status < 500)
      world.idempotency.set(key, copyResponse(response));
  },
  finish(world, request, response) {
    return {
      ...response,
      headers: {
        ...response.headers,
        'MS-RequestId': echoable(header(request, 'ms-requestid')) ?? headerGuid(world),
        'MS-CorrelationId': echoable(header(request, 'ms-correlationid')) ?? headerGuid(world),
      },
    };
  },
};
