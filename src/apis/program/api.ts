/** The Program API on the shared pipeline: authentication, handlers per operationId, errors. */
import type { ApiModule, Call, Handler } from '../../http/pipeline.js';
import { json, type KitRequest, type KitResponse } from '../../http/types.js';
import { programRuleIds } from '../../core/coverage.js';
import { Refusal } from '../../core/problem.js';
import { Collection } from '../../core/collection.js';
import {
  applySelect,
  parseListQuery,
  type ListQuery,
  type SelectSpec,
} from '../../core/rql/index.js';
import {
  compileFilter,
  compilePath,
  equalityTerms,
  type EqualityTerm,
} from '../../core/rql/compile.js';
import { compareValues } from '../../core/rql/order.js';
import type { World } from '../../core/world.js';
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
 * What a list has to visit: the whole store, or, when a term every match must satisfy (an `eq`
 * or `in` of the filter, or the caller's visibility) is served by an index, only the objects
 * that index gives for it (the smallest such set). The filter still runs on every candidate:
 * an index only leaves out objects that cannot match. Without an order the candidates are put
 * back in the store's order, which is only worth it when they are few.
 */
function candidatesOf<T extends { id: string }>(
  store: Iterable<T> | Map<string, T>,
  terms: EqualityTerm[],
  ordered: boolean,
): Iterable<T> {
  if (!(store instanceof Map)) return store;
  let best: T[][] | Map<string, T>[] | undefined;
  let size = Infinity;
  for (const term of terms) {
    let found: T[][] | Map<string, T>[] | undefined;
    let count = 0;
    if (term.path.length === 1 && term.path[0] === 'id') {
      // Objects are stored under their id: the store itself is the index.
      const hits = [...new Set(term.values)].flatMap((id) => store.get(id) ?? []);
      if (!ordered && hits.length > 1 && !(store instanceof Collection)) continue;
      found = [hits];
      count = hits.length;
    } else if (store instanceof Collection) {
      found = store.candidates(term.path, term.values);
      for (const map of found ?? []) count += map.size;
    }
    if (found && count < size) [best, size] = [found, count];
  }
  if (!best || (!ordered && size * 4 > store.size)) return store.values();
  const parts = (best as (T[] | Map<string, T>)[]).map((part) =>
    part instanceof Map ? part.values() : part,
  );
  if (ordered && parts.length === 1) return parts[0]!;
  const all = parts.flatMap((part) => [...part]);
  if (!ordered && all.length > 1 && store instanceof Collection)
    all.sort((a, b) => store.positionOf(a.id) - store.positionOf(b.id));
  return all;
}

/**
 * When every object is visible and the filter is absent or one `eq`/`in` term an index (or the
 * id) serves, the matches are known from the indexes: counted, and the page found by visiting
 * them in the answer's order until it is full, without reading the other objects.
 */
function exactPage<T extends { id: string }>(
  store: Collection<T>,
  query: ListQuery,
  test: ((item: unknown) => boolean) | undefined,
): { total: number; window: T[] } | undefined {
  const { filter, order, offset, limit } = query;
  const terms = equalityTerms(filter);
  if (filter && ((filter.op !== 'eq' && filter.op !== 'in') || terms.length !== 1)) return;
  const matches = store.matches(terms[0], (item) => test!(item));
  if (!matches || limit === 0) return matches && { total: matches.total, window: [] };
  // Visiting in order costs about a page per match rate: not worth it for a few matches.
  if (order.length > 1 || (offset + limit) * store.size >= matches.total ** 2) return undefined;
  const window: T[] = [];
  let seen = 0;
  const walked = matches.walk(order[0], (item) => {
    if (seen++ >= offset) window.push(item);
    return window.length >= limit;
  });
  return walked ? { total: matches.total, window } : undefined;
}

const envelope = (query: ListQuery, total: number, data: object[]) =>
  json(200, {
    $meta: { pagination: { offset: query.offset, limit: query.limit, total }, omitted: [] },
    data,
  });

/**
 * Filter, order (ties broken by id), page and select a list, in the API's envelope. `keep` is
 * the caller's visibility, `scope` the same as a term an index can serve. The filter is
 * compiled once; only the requested window is ever sorted: ids are unique, so the order is
 * total and a partial selection gives exactly the page a full sort would.
 */
function page<T extends { id: string }>(
  store: Iterable<T> | Map<string, T>,
  query: ListQuery,
  keep?: (item: T) => boolean,
  present: (item: T) => object = (item) => item,
  scope?: EqualityTerm,
): KitResponse {
  const { filter, order, offset, limit } = query;
  const test = filter && compileFilter(filter);
  const present_ = (window: T[]) => window.map((item) => applySelect(present(item), query.select));
  const exact = !keep && store instanceof Collection ? exactPage(store, query, test) : undefined;
  if (exact) return envelope(query, exact.total, present_(exact.window));
  const terms = equalityTerms(filter);
  if (scope) terms.push(scope);
  const items = candidatesOf(store, terms, order.length > 0);
  const end = offset + limit;
  let total = 0;
  let window: T[] = [];
  if (order.length === 0) {
    for (const item of items) {
      if ((keep && !keep(item)) || (test && !test(item))) continue;
      if (total >= offset && total < end) window.push(item);
      total++;
    }
  } else {
    // Sort keys are read once per item, not once per comparison.
    const reads = order.map((term) => compilePath(term.path));
    const directions = order.map((term) => term.direction);
    const compare = (a: Keyed<T>, b: Keyed<T>) => {
      for (let i = 0; i < reads.length; i++) {
        const c = compareValues(a.keys[i], b.keys[i]);
        if (c !== 0) return directions[i] === -1 ? -c : c;
      }
      return a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0;
    };
    const best = smallest(limit === 0 ? 0 : end, compare);
    // One candidate is filled in place and replaced only when the heap keeps it.
    let candidate: Keyed<T> | undefined;
    for (const item of items) {
      if ((keep && !keep(item)) || (test && !test(item))) continue;
      total++;
      if (limit === 0) continue;
      candidate ??= { item, keys: new Array<unknown>(reads.length) };
      candidate.item = item;
      for (let i = 0; i < reads.length; i++) candidate.keys[i] = reads[i]!(item);
      if (best.offer(candidate)) candidate = undefined;
    }
    window = best
      .sorted()
      .slice(offset)
      .map((keyed) => keyed.item);
  }
  return envelope(query, total, limit === 0 ? [] : present_(window));
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
      return page(itemsOf(ctx.state, kind, parent.id, ctx.actor), listQuery(call.request));
    },
    [operations.get]: (call) => {
      const ctx = context(call);
      const item = findSub(ctx, kind, call.params, id(call));
      if (wantsFile(call.request) && ctx.state.files.has(item.id))
        return download(fileOf(ctx.state, item.id, item.id));
      return ok(item, selectOf(call.request));
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
      listQuery(call.request),
      // Operations sees every certificate: no visibility test, and lists may count from indexes.
      call.actor.role === 'operations'
        ? undefined
        : (c) => service.canSeeCertificate(call.actor, c),
      (c) => service.withTerms(call.world.program, c),
      service.certificateScope(call.actor),
    ),
  getCertificate: (call) =>
    ok(certificate(call, service.findCertificate(context(call), id(call))), selectOf(call.request)),
  createCertificate: (call) =>
    json(201, certificate(call, service.createCertificate(context(call), body(call)))),
  updateCertificate: (call) =>
    ok(certificate(call, service.updateCertificate(context(call), id(call), body(call)))),
  terminateCertificate: (call) =>
    ok(certificate(call, service.terminateCertificate(context(call), id(call), body(call)))),
  renderCertificate: (call) => text(service.renderCertificate(context(call), id(call))),

  listEnrollments: (call) =>
    page(call.world.program.enrollments, listQuery(call.request), (e) =>
      service.canSeeEnrollment(call.world.program, call.actor, e),
    ),
  getEnrollment: (call) =>
    ok(service.findEnrollment(context(call), id(call)), selectOf(call.request)),
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
    page(call.world.program.programs, listQuery(call.request), (p) => canSeeProgram(call.actor, p)),
  getProgram: (call) => ok(findProgram(context(call), id(call)), selectOf(call.request)),
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
    const ctx = context({ ...call, body: undefined });
    const { id: objectId, programId: program, termsId, enrollmentId } = call.params;
    const path = call.operation.path;
    if (program !== undefined) findProgram(ctx, program);
    if (termsId !== undefined) findSub(ctx, 'terms', call.params, termsId);
    if (enrollmentId !== undefined) service.findEnrollment(ctx, enrollmentId);
    if (objectId === undefined || program !== undefined || enrollmentId !== undefined) return;
    if (path.startsWith('/v1/program/certificates/')) service.findCertificate(ctx, objectId);
    else if (path.startsWith('/v1/program/enrollments/')) service.findEnrollment(ctx, objectId);
    else if (path.startsWith('/v1/program/programs/')) findProgram(ctx, objectId);
  },
  refusalResponse(world, refusal) {
    const code = isProblemCode(refusal.code) ? refusal.code : 'InternalError';
    world.coverage.hit(programRuleIds[code]);
    return problemResponse(code, refusal.detail, world.traceId(), refusal.fields);
  },
};
