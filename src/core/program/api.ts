/** The Program API on the shared pipeline: authentication, handlers per operationId, errors. */
import type { ApiModule, Call, Handler } from '../../http/pipeline.js';
import { json, type KitRequest, type KitResponse } from '../../http/types.js';
import { Refusal } from '../problem.js';
import {
  applySelect,
  compareByOrder,
  matches,
  parseListQuery,
  type ListQuery,
  type SelectSpec,
} from '../rql/index.js';
import type { World } from '../world.js';
import type { Actor, ProblemCode } from './model.js';
import { problemCatalogue, problemResponse } from './problems.js';
import * as service from './service.js';

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
});

function listQuery(request: KitRequest): ListQuery {
  const parsed = parseListQuery(request.rawQuery);
  if (!parsed.ok) throw new Refusal('InvalidQuery', parsed.error);
  return parsed.value;
}

function selectOf(request: KitRequest): SelectSpec | undefined {
  return listQuery(request).select;
}

/** Filter, order (ties broken by id), page and select a list, in the API's envelope. */
function page<T extends { id: string }>(items: Iterable<T>, query: ListQuery): KitResponse {
  const filtered: T[] = [];
  for (const item of items) if (!query.filter || matches(query.filter, item)) filtered.push(item);
  const compare = compareByOrder(query.order);
  if (query.order.length > 0) {
    filtered.sort((a, b) => compare(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  const data =
    query.limit === 0
      ? []
      : filtered
          .slice(query.offset, query.offset + query.limit)
          .map((item) => applySelect(item, query.select));
  return json(200, {
    $meta: { pagination: { offset: query.offset, limit: query.limit, total: filtered.length } },
    data,
  });
}

function* visible<T extends { client: { id: string }; program: { id: string } }>(
  call: ProgramCall,
  items: Iterable<T>,
) {
  for (const item of items)
    if (service.canSeeHeld(call.world.program, call.actor, item)) yield item;
}

const ok = (value: object, select?: SelectSpec) => json(200, applySelect(value, select));
const body = <T>(call: ProgramCall) => call.body as T;

const handlers: Record<string, Handler<Actor, World>> = {
  listCertificates: (call) =>
    page(visible(call, call.world.program.certificates.values()), listQuery(call.request)),
  getCertificate: (call) =>
    ok(service.findCertificate(context(call), call.params.id!), selectOf(call.request)),
  createCertificate: (call) => json(201, service.createCertificate(context(call), body(call))),
  updateCertificate: (call) =>
    ok(service.updateCertificate(context(call), call.params.id!, body(call))),
  terminateCertificate: (call) =>
    ok(service.terminateCertificate(context(call), call.params.id!, body(call))),
  renderCertificate: (call) => ({
    status: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: service.renderCertificate(context(call), call.params.id!),
  }),

  listEnrollments: (call) =>
    page(visible(call, call.world.program.enrollments.values()), listQuery(call.request)),
  getEnrollment: (call) =>
    ok(service.findEnrollment(context(call), call.params.id!), selectOf(call.request)),
  createEnrollment: (call) => json(201, service.createEnrollment(context(call), body(call))),
  queryEnrollment: (call) =>
    ok(service.queryEnrollment(context(call), call.params.id!, body(call))),
  processEnrollment: (call) => ok(service.processEnrollment(context(call), call.params.id!)),
  completeEnrollment: (call) =>
    ok(service.completeEnrollment(context(call), call.params.id!, body(call) ?? {})),
  failEnrollment: (call) => ok(service.failEnrollment(context(call), call.params.id!, body(call))),

  listPrograms: (call) => {
    const query = listQuery(call.request);
    const programs = [...call.world.program.programs.values()].filter((p) =>
      service.canSeeProgram(call.actor, p),
    );
    return page(programs, query);
  },
  getProgram: (call) =>
    ok(service.findProgram(context(call), call.params.id!), selectOf(call.request)),
  createProgram: (call) => json(201, service.createProgram(context(call), body(call))),
  updateProgram: (call) => ok(service.updateProgram(context(call), call.params.id!, body(call))),
  publishProgram: (call) => ok(service.moveProgram(context(call), call.params.id!, 'publish')!),
  unpublishProgram: (call) => ok(service.moveProgram(context(call), call.params.id!, 'unpublish')!),
  deleteProgram: (call) => {
    service.moveProgram(context(call), call.params.id!, 'delete');
    return { status: 204, headers: {} };
  },
};

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
    // An id that does not exist answers 404 before any complaint about the body.
    const { id } = call.params;
    if (id === undefined) return;
    const ctx = context({ ...call, body: undefined });
    if (call.operation.path.startsWith('/v1/program/certificates/'))
      service.findCertificate(ctx, id);
    else if (call.operation.path.startsWith('/v1/program/enrollments/'))
      service.findEnrollment(ctx, id);
    else if (call.operation.path.startsWith('/v1/program/programs/')) service.findProgram(ctx, id);
  },
  refusalResponse(world, refusal) {
    const code = isProblemCode(refusal.code) ? refusal.code : 'InternalError';
    return problemResponse(code, refusal.detail, world.traceId(), refusal.fields);
  },
};
