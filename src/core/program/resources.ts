/**
 * Program sub-resources described once, as data: where each is stored, its id prefix and path
 * segment, its operations, and the hooks for the rules of its own. One engine (below) serves
 * list, get, create, update and delete for all of them. A kind added to `SubResourceKind` does
 * not compile until `subResources` describes it.
 */
import { findProgram, given, paths, refuse, save, type Context } from './common.js';
import { templateTransitions } from './lifecycle.js';
import type {
  ProgramRef,
  StoredParameter,
  StoredProgram,
  StoredTemplate,
  TemplateType,
} from './model.js';
import type { ProgramState, SubResourceStores } from './state.js';

export type SubResourceKind = keyof SubResourceStores;
type Item<K extends SubResourceKind> =
  SubResourceStores[K] extends Map<string, infer T> ? T : never;

export interface SubResource<K extends SubResourceKind> {
  kind: K;
  /** Singular, for messages ("Template PTM-... was not found"). */
  label: string;
  prefix: 'PTM' | 'PPM' | 'PPG';
  segment: string;
  operations: { list: string; get: string; create: string; update: string; delete: string };
  /** Builds a new item from a validated create body. */
  create(ctx: Context, program: StoredProgram, input: Record<string, unknown>, base: Base): Item<K>;
  /** The item with a validated update body applied. */
  update(ctx: Context, item: Item<K>, input: Record<string, unknown>): Item<K>;
  /** Refuses a delete the resource's rules forbid (throws a Refusal). */
  beforeDelete?(ctx: Context, item: Item<K>): void;
  /** How a delete is carried out: removed from the store, or kept with a final status. */
  remove(ctx: Context, item: Item<K>): void;
  /** Whether an item is listed and found (a soft-deleted template is not). */
  visible(item: Item<K>): boolean;
}

/** The members every sub-resource starts with. */
export interface Base {
  id: string;
  href: string;
  program: ProgramRef;
}

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
const pick = (input: Record<string, unknown>, keys: string[]) => {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (given(input[key])) out[key] = input[key];
  return out;
};

/** A group of the same program named in a body (`group.id`), or a 400 that names the field. */
function groupOf(ctx: Context, programId: string, input: Record<string, unknown>) {
  const ref = input.group as { id: string } | undefined;
  if (!ref) return undefined;
  const group = ctx.state.parameterGroups.get(ref.id);
  if (!group || group.program.id !== programId)
    throw refuse('ReferenceNotFound', `Parameter group ${ref.id} is not one of the program's.`, {
      'group.id': [`${ref.id} was not found.`],
    });
  return { id: group.id, name: group.name };
}

/** A template that becomes the default of its type takes over from the previous default. */
function takeOverDefault(ctx: Context, template: StoredTemplate) {
  if (!template.default) return;
  for (const other of ctx.state.templates.values()) {
    if (
      other.id !== template.id &&
      other.program.id === template.program.id &&
      other.type === template.type &&
      other.default
    )
      save(ctx, ctx.state.templates, { ...other, default: false });
  }
}

const templates: SubResource<'templates'> = {
  kind: 'templates',
  label: 'Template',
  prefix: 'PTM',
  segment: 'templates',
  operations: {
    list: 'listProgramTemplates',
    get: 'getProgramTemplate',
    create: 'createProgramTemplate',
    update: 'updateProgramTemplate',
    delete: 'deleteProgramTemplate',
  },
  create(ctx, _program, input, base) {
    const template: StoredTemplate = {
      ...base,
      name: String(input.name),
      content: String(input.content),
      default: input.default === true,
      type: (text(input.type) as TemplateType | undefined) ?? 'EnrollmentProcessing',
      status: 'Active',
      audit: {},
    };
    takeOverDefault(ctx, template);
    return template;
  },
  update(ctx, item, input) {
    const next = { ...item, ...pick(input, ['name', 'content', 'default']) } as StoredTemplate;
    if (next.default && !item.default) takeOverDefault(ctx, next);
    if (item.default && next.default === false)
      throw refuse(
        'TemplateDefault',
        `Template ${item.id} is the default ${item.type} template: make another one the default instead.`,
        { default: ['the default template of a type cannot be unset, only replaced.'] },
      );
    return next;
  },
  beforeDelete(_ctx, item) {
    if (item.default)
      throw refuse(
        'TemplateDefault',
        `Template ${item.id} is the default ${item.type} template and cannot be deleted.`,
      );
  },
  remove(ctx, item) {
    // Kept with status Deleted: certificates and enrollments that use it still render it.
    save(ctx, ctx.state.templates, { ...item, status: templateTransitions.Active.delete });
  },
  visible: (item) => item.status === 'Active',
};

/** A parameter's `externalId` names it in the vendor's systems: one per program. */
function uniqueExternalId(ctx: Context, programId: string, externalId: unknown, self?: string) {
  if (typeof externalId !== 'string' || externalId === '') return;
  for (const other of ctx.state.parameters.values())
    if (other.program.id === programId && other.id !== self && other.externalId === externalId)
      throw refuse(
        'DuplicateExternalId',
        `Parameter with given external identifier '${externalId}' already exists for given program.`,
        { externalId: [`already used by ${other.id}.`] },
      );
}

function countParameters(ctx: Context, groupId: string | undefined, delta: number) {
  if (!groupId) return;
  const group = ctx.state.parameterGroups.get(groupId);
  if (group)
    ctx.state.parameterGroups.set(groupId, {
      ...group,
      parameterCount: Math.max(0, group.parameterCount + delta),
    });
}

const parameters: SubResource<'parameters'> = {
  kind: 'parameters',
  label: 'Parameter',
  prefix: 'PPM',
  segment: 'parameters',
  operations: {
    list: 'listProgramParameters',
    get: 'getProgramParameter',
    create: 'createProgramParameter',
    update: 'updateProgramParameter',
    delete: 'deleteProgramParameter',
  },
  create(ctx, program, input, base) {
    const group = groupOf(ctx, program.id, input);
    uniqueExternalId(ctx, program.id, input.externalId, undefined);
    const parameter: StoredParameter = {
      ...base,
      name: String(input.name),
      ...pick(input, ['description', 'externalId', 'displayOrder', 'options']),
      ...(group ? { group } : {}),
      scope: 'Enrollment',
      phase: input.phase as StoredParameter['phase'],
      type: input.type as StoredParameter['type'],
      constraints: {
        hidden: false,
        readonly: false,
        required: false,
        ...(input.constraints as object | undefined),
      },
      status: 'Active',
      audit: {},
    };
    countParameters(ctx, group?.id, 1);
    return parameter;
  },
  update(ctx, item, input) {
    uniqueExternalId(ctx, item.program.id, input.externalId, item.id);
    const group = input.group ? groupOf(ctx, item.program.id, input) : item.group;
    if (group?.id !== item.group?.id) {
      countParameters(ctx, item.group?.id, -1);
      countParameters(ctx, group?.id, 1);
    }
    return {
      ...item,
      ...pick(input, ['name', 'description', 'externalId', 'displayOrder', 'options']),
      ...(input.constraints
        ? { constraints: { ...item.constraints, ...(input.constraints as object) } }
        : {}),
      ...(group ? { group } : {}),
    };
  },
  remove(ctx, item) {
    countParameters(ctx, item.group?.id, -1);
    ctx.state.parameters.delete(item.id);
  },
  visible: () => true,
};

const parameterGroups: SubResource<'parameterGroups'> = {
  kind: 'parameterGroups',
  label: 'Parameter group',
  prefix: 'PPG',
  segment: 'parameter-groups',
  operations: {
    list: 'listProgramParameterGroups',
    get: 'getProgramParameterGroup',
    create: 'createProgramParameterGroup',
    update: 'updateProgramParameterGroup',
    delete: 'deleteProgramParameterGroup',
  },
  create(_ctx, _program, input, base) {
    return {
      ...base,
      name: String(input.name),
      label: text(input.label) ?? String(input.name),
      ...pick(input, ['description', 'displayOrder']),
      default: input.default === true,
      parameterCount: 0,
      audit: {},
    };
  },
  update(_ctx, item, input) {
    return { ...item, ...pick(input, ['name', 'label', 'description', 'displayOrder', 'default']) };
  },
  beforeDelete(_ctx, item) {
    if (item.parameterCount > 0)
      throw refuse(
        'ParameterGroupInUse',
        `Parameter group ${item.id} still has ${item.parameterCount} parameter(s): move or delete them first.`,
      );
  },
  remove(ctx, item) {
    ctx.state.parameterGroups.delete(item.id);
  },
  visible: () => true,
};

export const subResources: { [K in SubResourceKind]: SubResource<K> } = {
  templates,
  parameters,
  parameterGroups,
};

// ---------------------------------------------------------------- the engine

type AnyItem = Item<SubResourceKind>;
const store = (state: ProgramState, kind: SubResourceKind) =>
  state[kind] as Map<string, AnyItem & { id: string }>;

/** The next id of a kind under a program: prefix, the program's digits, a 4-digit sequence. */
export function nextSubId(state: ProgramState, kind: SubResourceKind, programId: string) {
  const { prefix } = subResources[kind];
  const stem = `${prefix}-${programId.slice(4)}-`;
  let max = 0;
  for (const id of store(state, kind).keys())
    if (id.startsWith(stem)) max = Math.max(max, Number(id.slice(stem.length)) || 0);
  return `${stem}${String(max + 1).padStart(4, '0')}`;
}

/** All visible items of a kind under a program. */
export function itemsOf<K extends SubResourceKind>(
  state: ProgramState,
  kind: K,
  programId: string,
): Item<K>[] {
  const def = subResources[kind] as unknown as SubResource<SubResourceKind>;
  const out: Item<K>[] = [];
  for (const item of store(state, kind).values())
    if (item.program.id === programId && def.visible(item)) out.push(item as Item<K>);
  return out;
}

export function findSub<K extends SubResourceKind>(
  ctx: Context,
  kind: K,
  programId: string,
  id: string,
): Item<K> {
  findProgram(ctx, programId);
  const def = subResources[kind] as unknown as SubResource<SubResourceKind>;
  const item = store(ctx.state, kind).get(id) as AnyItem | undefined;
  if (!item || item.program.id !== programId || !def.visible(item))
    throw refuse('NotFound', `${def.label} ${id} was not found in program ${programId}.`);
  return item as Item<K>;
}

export function createSub<K extends SubResourceKind>(
  ctx: Context,
  kind: K,
  programId: string,
  input: Record<string, unknown>,
): Item<K> {
  const program = writableProgram(ctx, programId);
  const def = subResources[kind] as unknown as SubResource<SubResourceKind>;
  const id = nextSubId(ctx.state, kind, program.id);
  const base: Base = {
    id,
    href: paths.sub(program.id, def.segment, id),
    program: { id: program.id, href: program.href, name: program.name },
  };
  const item = def.create(ctx, program, input, base);
  return save(ctx, store(ctx.state, kind), item as AnyItem & { id: string }, 'created') as Item<K>;
}

export function updateSub<K extends SubResourceKind>(
  ctx: Context,
  kind: K,
  programId: string,
  id: string,
  input: Record<string, unknown>,
): Item<K> {
  writableProgram(ctx, programId);
  const def = subResources[kind] as unknown as SubResource<SubResourceKind>;
  const item = findSub(ctx, kind, programId, id) as AnyItem;
  const next = def.update(ctx, item, input);
  return save(ctx, store(ctx.state, kind), next as AnyItem & { id: string }) as Item<K>;
}

export function deleteSub(ctx: Context, kind: SubResourceKind, programId: string, id: string) {
  writableProgram(ctx, programId);
  const def = subResources[kind] as unknown as SubResource<SubResourceKind>;
  const item = findSub(ctx, kind, programId, id) as AnyItem;
  def.beforeDelete?.(ctx, item);
  def.remove(ctx, item);
}

/** Removes every sub-resource of a program (the program itself is being deleted). */
export function removeAllOf(state: ProgramState, programId: string) {
  for (const kind of Object.keys(subResources) as SubResourceKind[]) {
    const items = store(state, kind);
    for (const [id, item] of items) if (item.program.id === programId) items.delete(id);
  }
}

function writableProgram(ctx: Context, programId: string): StoredProgram {
  const program = findProgram(ctx, programId);
  if (program.status === 'Deleted') throw refuse('NotFound', `Program ${programId} was not found.`);
  return program;
}
