/** The Program API on the shared pipeline: authentication, handlers per operationId, errors. */
import type { ApiModule, Call, Handler } from '../../http/pipeline.js';
import { json, type KitRequest, type KitResponse } from '../../http/types.js';
import { Refusal } from '../problem.js';
import {
  applySelect,
  getPath,
  matches,
  parseListQuery,
  type ListQuery,
  type SelectSpec,
} from '../rql/index.js';
import { compareValues } from '../rql/order.js';
import type { World } from '../world.js';
import type { AccountRef, Actor, ProblemCode } from './model.js';
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

type Keyed<T> = { item: T; keys: unknown[] };

/**
 * The `size` smallest items under `compare`, kept in a binary max-heap (worst at the root), so
 * a page of 50 over 100,000 items costs about n comparisons instead of a full n log n sort.
 */
function smallest<T>(size: number, compare: (a: T, b: T) => number) {
  const heap: T[] = [];
  const swap = (i: number, j: number) => {
    const x = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = x;
  };
  const down = (from: number) => {
    for (let i = from; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && compare(heap[l]!, heap[worst]!) > 0) worst = l;
      if (r < heap.length && compare(heap[r]!, heap[worst]!) > 0) worst = r;
      if (worst === i) return;
      swap(i, worst);
      i = worst;
    }
  };
  return {
    /** Takes `value` if it is among the smallest so far; says whether it did. */
    offer(value: T): boolean {
      if (heap.length < size) {
        heap.push(value);
        for (let i = heap.length - 1; i > 0;) {
          const parent = (i - 1) >> 1;
          if (compare(heap[i]!, heap[parent]!) <= 0) break;
          swap(i, parent);
          i = parent;
        }
        return true;
      }
      if (size === 0 || compare(value, heap[0]!) >= 0) return false;
      heap[0] = value;
      down(0);
      return true;
    },
    sorted: () => heap.sort(compare),
  };
}

/**
 * Filter, order (ties broken by id), page and select a list, in the API's envelope. `keep` is
 * the caller's visibility. Only the requested window is ever sorted: ids are unique, so the
 * order is total and a partial selection gives exactly the page a full sort would.
 */
function page<T extends { id: string }>(
  items: Iterable<T>,
  query: ListQuery,
  keep?: (item: T) => boolean,
): KitResponse {
  const { filter, order, offset, limit } = query;
  const end = offset + limit;
  let total = 0;
  let window: T[] = [];
  if (order.length === 0) {
    for (const item of items) {
      if ((keep && !keep(item)) || (filter && !matches(filter, item))) continue;
      if (total >= offset && total < end) window.push(item);
      total++;
    }
  } else {
    // Sort keys are read once per item, not once per comparison.
    const paths = order.map((term) => term.path);
    const directions = order.map((term) => term.direction);
    const compare = (a: Keyed<T>, b: Keyed<T>) => {
      for (let i = 0; i < paths.length; i++) {
        const c = compareValues(a.keys[i], b.keys[i]);
        if (c !== 0) return directions[i] === -1 ? -c : c;
      }
      return a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0;
    };
    const best = smallest(limit === 0 ? 0 : end, compare);
    // One candidate is filled in place and replaced only when the heap keeps it.
    let candidate: Keyed<T> | undefined;
    for (const item of items) {
      if ((keep && !keep(item)) || (filter && !matches(filter, item))) continue;
      total++;
      if (limit === 0) continue;
      candidate ??= { item, keys: new Array<unknown>(paths.length) };
      candidate.item = item;
      for (let i = 0; i < paths.length; i++) candidate.keys[i] = getPath(item, paths[i]!);
      if (best.offer(candidate)) candidate = undefined;
    }
    window = best
      .sorted()
      .slice(offset)
      .map((keyed) => keyed.item);
  }
  const data = limit === 0 ? [] : window.map((item) => applySelect(item, query.select));
  return json(200, {
    $meta: { pagination: { offset, limit, total } },
    data,
  });
}

/**
 * Who may see a certificate or an enrollment, decided once per list rather than per item:
 * operations sees everything, a vendor's answer depends only on the program (remembered per
 * program id), a client's only on the holder.
 */
function visibility<T extends { client: AccountRef; program: { id: string } }>(
  call: ProgramCall,
): ((item: T) => boolean) | undefined {
  const { actor } = call;
  const state = call.world.program;
  switch (actor.role) {
    case 'operations':
      return undefined;
    case 'vendor': {
      const byProgram = new Map<string, boolean>();
      return (item) => {
        let seen = byProgram.get(item.program.id);
        if (seen === undefined) {
          seen = service.canSeeHeld(state, actor, item);
          byProgram.set(item.program.id, seen);
        }
        return seen;
      };
    }
    case 'client':
      return (item) => service.canSeeHeld(state, actor, item);
    default:
      return actor.role satisfies never;
  }
}

const ok = (value: object, select?: SelectSpec) => json(200, applySelect(value, select));
const body = <T>(call: ProgramCall) => call.body as T;

const handlers: Record<string, Handler<Actor, World>> = {
  listCertificates: (call) =>
    page(call.world.program.certificates.values(), listQuery(call.request), visibility(call)),
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
    page(call.world.program.enrollments.values(), listQuery(call.request), visibility(call)),
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
