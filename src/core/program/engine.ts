/**
 * The engine behind every Program API sub-resource. A sub-resource is described once, as data
 * (`SubResource`: its parent, store, id prefix, path segment, operations, lifecycle and the hooks
 * for its own rules); these functions serve list, get, create, update, delete and
 * publish/unpublish for all of them. The descriptions themselves are in parts.ts and content.ts,
 * gathered in resources.ts.
 */
import { toByteArray } from 'base64-js';
import { transitionIds } from '../coverage.js';
import { findProgram, refuse, save, type Context } from './common.js';
import { contentTransition, type ContentEvent } from './lifecycle.js';
import type { Actor, StoredEnrollment, StoredFile, StoredProgram } from './model.js';
import type { ProgramState, SubResourceStores } from './state.js';

export type SubResourceKind = keyof SubResourceStores;
export type Item<K extends SubResourceKind> =
  SubResourceStores[K] extends Map<string, infer T> ? T : never;

/** What a sub-resource hangs under: a program, terms of a program, or an enrollment. */
export type ParentKind = 'program' | 'terms' | 'enrollment';

/** Path parameters that name the parent (`programId`, `termsId`, `enrollmentId`). */
export type ParentParams = Readonly<Record<string, string | undefined>>;

/** An uploaded file part, as the door read it off the wire. */
export interface UploadedFile {
  filename: string;
  contentType: string;
  /** The bytes, base64 (the state stays JSON). */
  base64: string;
  size: number;
}

export interface Parent {
  /** The parent's id: the digits of new ids come from it. */
  id: string;
  /** The program everything belongs to. */
  program: StoredProgram;
}

export interface Base {
  id: string;
  href: string;
}

export interface SubResource<K extends SubResourceKind> {
  kind: K;
  /** Singular, for messages ("Template PTM-... was not found"). */
  label: string;
  prefix: 'PTM' | 'PPM' | 'PPG' | 'PDM' | 'PMD' | 'PTC' | 'PTV' | 'ENA';
  parent: ParentKind;
  /** Path segment under the parent (`templates`, `parameter-groups`...). */
  segment: string;
  operations: {
    list: string;
    get: string;
    create: string;
    update: string;
    delete: string;
    publish?: string;
    unpublish?: string;
  };
  /** The id of an item's parent. */
  parentOf(item: Item<K>): string;
  /** Builds a new item from a validated create body (and the uploaded file, if any). */
  create(
    ctx: Context,
    parent: Parent,
    input: Record<string, unknown>,
    base: Base,
    file: UploadedFile | undefined,
  ): Item<K>;
  /** The item with a validated update body applied. */
  update(ctx: Context, item: Item<K>, input: Record<string, unknown>): Item<K>;
  /** Refuses a delete the resource's rules forbid (throws a Refusal). */
  beforeDelete?(ctx: Context, item: Item<K>): void;
  /** How a delete is carried out: removed from the store, or kept with a final status. */
  remove(ctx: Context, item: Item<K>): void;
  /** Whether an item is listed and found for the caller. */
  visible(item: Item<K>, actor: Actor): boolean;
}

type AnyItem = Item<SubResourceKind>;
type AnyResource = SubResource<SubResourceKind>;
export const storeOf = (state: ProgramState, kind: SubResourceKind) =>
  state[kind] as Map<string, AnyItem & { id: string }>;

/**
 * What the engine looks up in the rules above it: given, not imported, so the engine and the
 * service (whose rules use the engine) do not import each other.
 */
export interface Lookups {
  /** An enrollment the caller may see (a 404 Refusal otherwise): a parent of attachments. */
  findEnrollment(ctx: Context, id: string): StoredEnrollment;
}

/** The table of every sub-resource, filled in by resources.ts (which imports this engine). */
const table = {} as { [K in SubResourceKind]: SubResource<K> };
let lookups: Lookups | undefined;
export function describe(resources: { [K in SubResourceKind]: SubResource<K> }, given: Lookups) {
  Object.assign(table, resources);
  lookups = given;
  return table;
}
const def = (kind: SubResourceKind) => table[kind] as unknown as AnyResource;

/** The next id of a kind under a parent: prefix, the parent's digits, a 4-digit sequence. */
export function nextSubId(state: ProgramState, kind: SubResourceKind, parentId: string) {
  const stem = `${def(kind).prefix}-${parentId.slice(4)}-`;
  let max = 0;
  for (const id of storeOf(state, kind).keys())
    if (id.startsWith(stem) && !id.slice(stem.length).includes('-'))
      max = Math.max(max, Number(id.slice(stem.length)) || 0);
  return `${stem}${String(max + 1).padStart(4, '0')}`;
}

/** Resolves (and checks the caller may see) the parent named by the path. */
export function parentOf(ctx: Context, kind: SubResourceKind, params: ParentParams): Parent {
  const resource = def(kind);
  switch (resource.parent) {
    case 'program': {
      const program = findProgram(ctx, params.programId!);
      return { id: program.id, program };
    }
    case 'terms': {
      const terms = findSub(ctx, 'terms', { programId: params.programId }, params.termsId!);
      return { id: terms.id, program: ctx.state.programs.get(params.programId!)! };
    }
    case 'enrollment': {
      const enrollment = lookups!.findEnrollment(ctx, params.enrollmentId!);
      return { id: enrollment.id, program: ctx.state.programs.get(enrollment.program.id)! };
    }
    default:
      return resource.parent satisfies never;
  }
}

/** All items of a kind under a parent that the caller may see. */
export function itemsOf<K extends SubResourceKind>(
  state: ProgramState,
  kind: K,
  parentId: string,
  actor?: Actor,
): Item<K>[] {
  const resource = def(kind);
  const out: Item<K>[] = [];
  for (const item of storeOf(state, kind).values())
    if (resource.parentOf(item) === parentId && (!actor || resource.visible(item, actor)))
      out.push(item as Item<K>);
  return out;
}

export function findSub<K extends SubResourceKind>(
  ctx: Context,
  kind: K,
  params: ParentParams,
  id: string,
): Item<K> {
  const parent = parentOf(ctx, kind, params);
  const resource = def(kind);
  const item = storeOf(ctx.state, kind).get(id) as AnyItem | undefined;
  if (!item || resource.parentOf(item) !== parent.id || !resource.visible(item, ctx.actor))
    throw refuse('NotFound', `${resource.label} ${id} was not found.`);
  return item as Item<K>;
}

export function createSub<K extends SubResourceKind>(
  ctx: Context,
  kind: K,
  params: ParentParams,
  input: Record<string, unknown>,
  file?: UploadedFile,
): Item<K> {
  const parent = parentOf(ctx, kind, params);
  const resource = def(kind);
  const id = nextSubId(ctx.state, kind, parent.id);
  const parentPath =
    resource.parent === 'enrollment'
      ? `/v1/program/enrollments/${parent.id}`
      : resource.parent === 'terms'
        ? `/v1/program/programs/${parent.program.id}/terms/${parent.id}`
        : `/v1/program/programs/${parent.program.id}`;
  const base: Base = { id, href: `${parentPath}/${resource.segment}/${id}` };
  const item = resource.create(ctx, parent, input, base, file);
  if (file) storeFile(ctx.state, id, file);
  return save(
    ctx,
    storeOf(ctx.state, kind),
    item as AnyItem & { id: string },
    'created',
  ) as Item<K>;
}

export function updateSub<K extends SubResourceKind>(
  ctx: Context,
  kind: K,
  params: ParentParams,
  id: string,
  input: Record<string, unknown>,
): Item<K> {
  const item = findSub(ctx, kind, params, id) as AnyItem;
  const next = def(kind).update(ctx, item, input);
  return save(ctx, storeOf(ctx.state, kind), next as AnyItem & { id: string }) as Item<K>;
}

export function deleteSub(ctx: Context, kind: SubResourceKind, params: ParentParams, id: string) {
  const item = findSub(ctx, kind, params, id) as AnyItem;
  const resource = def(kind);
  resource.beforeDelete?.(ctx, item);
  resource.remove(ctx, item);
  ctx.state.files.delete(item.id);
  const from = (item as { status?: string }).status;
  if (from !== undefined) ctx.coverage.hit(lifecycleIds(kind)[from]?.Deleted);
}

/** Templates have their own lifecycle; documents, media, terms and variants the content one. */
const lifecycleIds = (kind: SubResourceKind) =>
  kind === 'templates'
    ? transitionIds.template
    : ['documents', 'media', 'terms', 'variants'].includes(kind)
      ? transitionIds.content
      : {};

/** Publish or unpublish by the content lifecycle table. */
export function moveSub<K extends SubResourceKind>(
  ctx: Context,
  kind: K,
  params: ParentParams,
  id: string,
  event: Exclude<ContentEvent, 'delete'>,
): Item<K> {
  const item = findSub(ctx, kind, params, id) as AnyItem & { status: 'Draft' };
  const outcome = contentTransition(item.status, event);
  if (!outcome.ok || outcome.to === 'removed')
    throw refuse(
      'SubResourceTransitionNotAllowed',
      `${def(kind).label} ${id} is ${item.status}: it cannot ${event} from there.`,
    );
  ctx.coverage.hit(transitionIds.content[item.status]?.[outcome.to]);
  return save(
    ctx,
    storeOf(ctx.state, kind),
    { ...item, status: outcome.to } as AnyItem & { id: string },
    event === 'publish' ? 'published' : 'unpublished',
  ) as Item<K>;
}

/** Removes every sub-resource under a parent, recursively (the parent is being deleted). */
export function removeAllOf(state: ProgramState, parentId: string) {
  for (const kind of Object.keys(table) as SubResourceKind[]) {
    const items = storeOf(state, kind);
    for (const [id, item] of items)
      if (def(kind).parentOf(item) === parentId) {
        items.delete(id);
        state.files.delete(id);
        removeAllOf(state, id);
      }
  }
}

export function storeFile(state: ProgramState, owner: string, file: UploadedFile) {
  const stored: StoredFile = { owner, ...file };
  state.files.set(owner, stored);
}

/** The bytes of an owner's file, or a 404 that says there is none. */
export function fileOf(state: ProgramState, owner: string, what: string) {
  const file = state.files.get(owner);
  if (!file) throw refuse('NotFound', `${what} has no file.`);
  return { ...file, bytes: toByteArray(file.base64) };
}
