/**
 * The sub-resources that define what a program asks for: its message templates, its parameters
 * and their groups. Each is described once for the engine (engine.ts); only their own rules are
 * written here.
 */
import { pick, refuse, save, type Context } from './common.js';
import type { SubResource } from './engine.js';
import { templateTransitions } from './lifecycle.js';
import type { StoredParameter, StoredProgram, StoredTemplate, TemplateType } from './model.js';

/** The short program reference sub-resources carry. */
export const shortRef = (program: StoredProgram) => ({
  id: program.id,
  href: program.href,
  name: program.name,
});

const text = (value: unknown) => (typeof value === 'string' ? value : undefined);

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

export const templates: SubResource<'templates'> = {
  kind: 'templates',
  label: 'Template',
  prefix: 'PTM',
  parent: 'program',
  segment: 'templates',
  parentOf: (item) => item.program.id,
  operations: {
    list: 'listProgramTemplates',
    get: 'getProgramTemplate',
    create: 'createProgramTemplate',
    update: 'updateProgramTemplate',
    delete: 'deleteProgramTemplate',
  },
  create(ctx, parent, input, base) {
    const template: StoredTemplate = {
      ...base,
      program: shortRef(parent.program),
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

export const parameters: SubResource<'parameters'> = {
  kind: 'parameters',
  label: 'Parameter',
  prefix: 'PPM',
  parent: 'program',
  segment: 'parameters',
  parentOf: (item) => item.program.id,
  operations: {
    list: 'listProgramParameters',
    get: 'getProgramParameter',
    create: 'createProgramParameter',
    update: 'updateProgramParameter',
    delete: 'deleteProgramParameter',
  },
  create(ctx, parent, input, base) {
    const group = groupOf(ctx, parent.id, input);
    uniqueExternalId(ctx, parent.id, input.externalId, undefined);
    const parameter: StoredParameter = {
      ...base,
      program: shortRef(parent.program),
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

export const parameterGroups: SubResource<'parameterGroups'> = {
  kind: 'parameterGroups',
  label: 'Parameter group',
  prefix: 'PPG',
  parent: 'program',
  segment: 'parameter-groups',
  parentOf: (item) => item.program.id,
  operations: {
    list: 'listProgramParameterGroups',
    get: 'getProgramParameterGroup',
    create: 'createProgramParameterGroup',
    update: 'updateProgramParameterGroup',
    delete: 'deleteProgramParameterGroup',
  },
  create(_ctx, parent, input, base) {
    return {
      ...base,
      program: shortRef(parent.program),
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
