/** The Program API on the shared pipeline: authentication, handlers per operationId, errors. */
import type { ApiModule, Call, Handler } from '../../http/pipeline.js';
import { json, type KitRequest, type KitResponse } from '../../http/types.js';
import { programRuleIds } from '../../core/coverage.js';
import { Refusal } from '../../core/problem.js';
import { listPage } from '../../core/list.js';
import {
  applySelect,
  checkSelect,
  parseListQuery,
  type ListQuery,
  type SelectSpec,
} from '../../core/rql/index.js';
import type { EqualityTerm } from '../../core/rql/compile.js';
import { typedQuery } from '../../core/rql/typed.js';
import { answerFields, listItemFields, queryParameters } from '../../schema/fields.js';
import type { World } from '../../core/world.js';
import { operations } from '../../schema/index.js';
import { canSeeProgram, findProgram } from '../../core/program/common.js';
import type { Actor, ProblemCode, StoredCertificate } from '../../core/program/model.js';
import { problemCatalogue } from '../../core/program/problems.js';
import { problemResponse } from './problems.js';
import * as programs from '../../core/program/programs.js';
import {
  createSub,
  deleteSub,
  fileOf,
  findSub,
  itemsOf,
  moveSub,
  parentOf,
  subResources,
  updateSub,
  type SubResourceKind,
  type UploadedFile,
} from '../../core/program/resources.js';
import * as enrollments from '../../core/program/enrollments.js';
import * as service from '../../core/program/service.js';

type ProgramCall = Call<Actor, World>;

function bearer(request: KitRequest): string {
  const header = request.headers.authorization;
  if (header === undefined || header.trim() === '')
    throw new Refusal('Unauthorized', 'An Authorization: Bearer <token> header is required.');
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header);
  if (!match)
    throw new Refusal('Unauthorized', 'The Authorization header must be "Bearer <token>".');
  return match[1]!;
}

const context = (call: ProgramCall): service.Context => ({
  state: call.world.program,
  actor: call.actor,
  now: call.world.clock.now(),
  ids: call.world.ids,
  coverage: call.world.coverage,
});

function listQuery(request: KitRequest): ListQuery {
  const parsed = parseListQuery(request.rawQuery);
  if (!parsed.ok) throw new Refusal('InvalidQuery', parsed.error);
  return parsed.value;
}

/**
 * A list's query, checked against the spec: its declared query parameters are read, any other
 * name is a property of the listed objects (or a 400 naming it), and values compared to
 * date-times are instants (src/core/rql/compile.ts: typedQuery).
 */
function listQueryOf(call: ProgramCall): ListQuery {
  const { operationId } = call.operation;
  const parsed = parseListQuery(call.request.rawQuery, {
    reserved: queryParameters('program-api', operationId).filter(
      (name) => !['limit', 'offset', 'order', 'select'].includes(name),
    ),
  });
  if (!parsed.ok) throw new Refusal('InvalidQuery', parsed.error);
  const fields = listItemFields('program-api', operationId);
  if (!fields) return parsed.value;
  const typed = typedQuery(parsed.value, fields);
  if (!typed.ok) throw new Refusal('InvalidQuery', typed.error);
  if (typed.value.select) checked(typed.value.select, fields);
  return typed.value;
}

/** A select whose every path names a property of the answer (or a 400 naming the one that does not). */
function checked(select: SelectSpec, fields: Parameters<typeof checkSelect>[1]): SelectSpec {
  const result = checkSelect(select, fields);
  if (!result.ok) throw new Refusal('InvalidQuery', result.error);
  return result.value;
}

/** The `select=` of a GET by id, checked against the fields of the object it answers. */
function selectOf(call: ProgramCall): SelectSpec | undefined {
  const { select } = listQuery(call.request);
  const fields = answerFields('program-api', call.operation.operationId);
  return select && fields ? checked(select, fields) : select;
}

const envelope = (query: ListQuery, total: number, data: object[]) =>
  json(200, {
    $meta: { pagination: { offset: query.offset, limit: query.limit, total }, omitted: [] },
    data,
  });

/** A list in the API's envelope (the list engine: src/core/list.ts). */
function page<T extends { id: string }>(
  store: Iterable<T> | Map<string, T>,
  query: ListQuery,
  keep?: (item: T) => boolean,
  present?: (item: T) => object,
  scope?: EqualityTerm,
  computed?: readonly string[],
): KitResponse {
  const { total, data } = listPage(store, query, keep, present, scope, computed);
  return envelope(query, total, data);
}

const ok = (value: object, select?: SelectSpec) => json(200, applySelect(value, select));
const body = <T>(call: ProgramCall) => (call.body ?? {}) as T;
const id = (call: ProgramCall) => call.params.id!;
const text = (value: string): KitResponse => ({
  status: 200,
  headers: { 'content-type': 'text/plain; charset=utf-8' },
  body: value,
});
const noContent = (): KitResponse => ({ status: 204, headers: {} });

/** A certificate as answered: with the program's terms (accepted or not). */
const certificate = (call: ProgramCall, stored: StoredCertificate) =>
  service.withTerms(call.world.program, stored);

/** The file part of a multipart request, if it sent one. */
function uploaded(call: ProgramCall, name = 'file'): UploadedFile | undefined {
  const part = call.request.parts?.find((p) => p.name === name && p.base64 !== undefined);
  if (!part) return undefined;
  return {
    filename: part.filename ?? name,
    contentType: part.contentType ?? 'application/octet-stream',
    base64: part.base64!,
    size: part.size,
  };
}

/** A stored file as the answer: its bytes, type and name. */
function download(file: ReturnType<typeof fileOf>): KitResponse {
  return {
    status: 200,
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename="${file.filename.replace(/["\\\r\n]/g, '_')}"`,
    },
    bytes: file.bytes,
  };
}

/**
 * Whether a GET asks for the file rather than the object: the vendor's client downloads by
 * asking again with `Accept: <contentType>`; no Accept, JSON or `*\/*` is the object.
 */
function wantsFile(request: KitRequest): boolean {
  const accept = request.headers.accept;
  if (!accept) return false;
  return !accept
    .split(',')
    .map((range) => range.split(';')[0]!.trim().toLowerCase())
    .some((range) => range === '*/*' || range.includes('json') || range === 'application/*');
}

/** Handlers of one sub-resource kind, from its description (resources.ts). */
function subResourceHandlers(kind: SubResourceKind): Record<string, Handler<Actor, World>> {
  const { operations } = subResources[kind];
  const handlers: Record<string, Handler<Actor, World>> = {
    [operations.list]: (call) => {
      const ctx = context(call);
      const parent = parentOf(ctx, kind, call.params);
      return page(itemsOf(ctx.state, kind, parent.id, ctx.actor), listQueryOf(call));
    },
    [operations.get]: (call) => {
      const ctx = context(call);
      const item = findSub(ctx, kind, call.params, id(call));
      if (wantsFile(call.request) && ctx.state.files.has(item.id))
        return download(fileOf(ctx.state, item.id, item.id));
      return ok(item, selectOf(call));
    },
    [operations.create]: (call) =>
      json(201, createSub(context(call), kind, call.params, body(call), uploaded(call))),
    [operations.update]: (call) =>
      ok(updateSub(context(call), kind, call.params, id(call), body(call))),
    [operations.delete]: (call) => {
      deleteSub(context(call), kind, call.params, id(call));
      return noContent();
    },
  };
  if (operations.publish)
    handlers[operations.publish] = (call) =>
      ok(moveSub(context(call), kind, call.params, id(call), 'publish'));
  if (operations.unpublish)
    handlers[operations.unpublish] = (call) =>
      ok(moveSub(context(call), kind, call.params, id(call), 'unpublish'));
  return handlers;
}

const handlers: Record<string, Handler<Actor, World>> = {
  listCertificates: (call) =>
    page(
      call.world.program.certificates,
      listQueryOf(call),
      // Operations sees every certificate: no visibility test, and lists may count from indexes.
      call.actor.role === 'operations'
        ? undefined
        : (c) => service.canSeeCertificate(call.actor, c),
      (c) => service.withTerms(call.world.program, c),
      service.certificateScope(call.actor),
      ['terms'],
    ),
  getCertificate: (call) =>
    ok(certificate(call, service.findCertificate(context(call), id(call))), selectOf(call)),
  createCertificate: (call) =>
    json(201, certificate(call, service.createCertificate(context(call), body(call)))),
  updateCertificate: (call) =>
    ok(certificate(call, service.updateCertificate(context(call), id(call), body(call)))),
  terminateCertificate: (call) =>
    ok(certificate(call, service.terminateCertificate(context(call), id(call), body(call)))),
  renderCertificate: (call) => text(service.renderCertificate(context(call), id(call))),

  listEnrollments: (call) =>
    page(call.world.program.enrollments, listQueryOf(call), (e) =>
      service.canSeeEnrollment(call.world.program, call.actor, e),
    ),
  getEnrollment: (call) => ok(service.findEnrollment(context(call), id(call)), selectOf(call)),
  createEnrollment: (call) => json(201, enrollments.createEnrollment(context(call), body(call))),
  validateEnrollmentDraft: (call) =>
    ok(enrollments.validateEnrollmentDraft(context(call), body(call))),
  updateEnrollment: (call) => ok(enrollments.updateEnrollment(context(call), id(call), body(call))),
  deleteEnrollment: (call) => {
    enrollments.deleteEnrollment(context(call), id(call));
    return noContent();
  },
  submitEnrollment: (call) => ok(enrollments.submitEnrollment(context(call), id(call))),
  validateEnrollment: (call) => ok(enrollments.validateEnrollment(context(call), id(call))),
  queryEnrollment: (call) => ok(enrollments.queryEnrollment(context(call), id(call), body(call))),
  processEnrollment: (call) =>
    ok(enrollments.processEnrollment(context(call), id(call), body(call))),
  completeEnrollment: (call) =>
    ok(enrollments.completeEnrollment(context(call), id(call), body(call))),
  failEnrollment: (call) => ok(enrollments.failEnrollment(context(call), id(call), body(call))),
  renderEnrollment: (call) => text(enrollments.renderEnrollment(context(call), id(call))),

  listPrograms: (call) =>
    page(call.world.program.programs, listQueryOf(call), (p) => canSeeProgram(call.actor, p)),
  getProgram: (call) => ok(findProgram(context(call), id(call)), selectOf(call)),
  createProgram: (call) =>
    json(201, programs.createProgram(context(call), body(call), uploaded(call, 'icon'))),
  updateProgram: (call) =>
    ok(programs.updateProgram(context(call), id(call), body(call), uploaded(call, 'icon'))),
  updateProgramSettings: (call) => ok(programs.updateSettings(context(call), id(call), body(call))),
  publishProgram: (call) => ok(programs.moveProgram(context(call), id(call), 'publish')!),
  unpublishProgram: (call) => ok(programs.moveProgram(context(call), id(call), 'unpublish')!),
  deleteProgram: (call) => {
    programs.moveProgram(context(call), id(call), 'delete');
    return noContent();
  },
  getProgramIcon: (call) => {
    const ctx = context(call);
    const program = findProgram(ctx, id(call));
    return download(fileOf(ctx.state, program.id, `Program ${program.id}`));
  },
  getProgramMediaImage: (call) => {
    const ctx = context(call);
    const item = findSub(ctx, 'media', call.params, id(call));
    return download(fileOf(ctx.state, item.id, `Media ${item.id}`));
  },
  ...Object.assign(
    {},
    ...(Object.keys(subResources) as SubResourceKind[]).map((kind) => subResourceHandlers(kind)),
  ),
};

type Lookup = (ctx: service.Context, params: Record<string, string>) => void;

/** Path parameters that name a parent, looked up in this order (a 404 when it is not there). */
const parentLookups: [name: string, lookup: Lookup][] = [
  ['programId', (ctx, params) => findProgram(ctx, params.programId!)],
  ['termsId', (ctx, params) => findSub(ctx, 'terms', params, params.termsId!)],
  ['enrollmentId', (ctx, params) => service.findEnrollment(ctx, params.enrollmentId!)],
];

/** What the `{id}` of a top-level path names, by its collection (`/v1/program/<collection>/{id}`). */
const objectLookups: Record<string, Lookup> = {
  certificates: (ctx, params) => service.findCertificate(ctx, params.id!),
  enrollments: (ctx, params) => service.findEnrollment(ctx, params.id!),
  programs: (ctx, params) => findProgram(ctx, params.id!),
};

/** The lookups of one operation, from its path template: its parents, then its own object. */
function lookupsOf(path: string): Lookup[] {
  const names = [...path.matchAll(/\{([^}]+)\}/g)].map((found) => found[1]!);
  const lookups = parentLookups.filter(([name]) => names.includes(name)).map(([, l]) => l);
  // Under a parent, the handler finds the item itself (it belongs to that parent or is a 404).
  if (!names.includes('id') || names.includes('programId') || names.includes('enrollmentId'))
    return lookups;
  const collection = /^\/v1\/program\/([^/]+)\//.exec(path)?.[1] ?? '';
  const own = objectLookups[collection];
  if (!own) throw new Error(`${path}: no lookup for the {id} of ${collection} (objectLookups)`);
  return [...lookups, own];
}

/**
 * Per operation, the objects its path names, looked up before the body is read: an id that
 * does not exist answers 404 before any complaint about the body.
 */
const lookupsFirst: Record<string, Lookup[]> = Object.fromEntries(
  operations('program-api').map((operation) => [operation.operationId, lookupsOf(operation.path)]),
);

const isProblemCode = (code: unknown): code is ProblemCode =>
  typeof code === 'string' && code in problemCatalogue;

export const programApi: ApiModule<Actor, World> = {
  api: 'program-api',
  authenticate(world, request) {
    const actor = world.program.tokens.get(bearer(request));
    if (!actor) throw new Refusal('Unauthorized', 'The bearer token is not valid.');
    return actor;
  },
  roleOf: (actor) => actor.role,
  handlers,
  beforeBody(call) {
    const ctx = context({ ...call, body: undefined });
    for (const lookup of lookupsFirst[call.operation.operationId] ?? []) lookup(ctx, call.params);
  },
  refusalResponse(world, refusal) {
    const code = isProblemCode(refusal.code) ? refusal.code : 'InternalError';
    world.coverage.hit(programRuleIds[code]);
    return problemResponse(code, refusal.detail, world.traceId(), refusal.fields);
  },
};
