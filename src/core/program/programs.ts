/** The rules of programs: create (with default templates), update, settings, status changes. */
import {
  accountRef,
  findProgram,
  given,
  paths,
  reference,
  refuse,
  save,
  type Context,
} from './common.js';
import { transitionIds } from '../coverage.js';
import { programAuditEvent, programTransition } from './lifecycle.js';
import type {
  ProgramCreate,
  ProgramSettingsUpdate,
  ProgramUpdate,
  StoredProgram,
  TemplateType,
} from './model.js';
import { createSub, removeAllOf, storeFile, type UploadedFile } from './resources.js';

export const defaultSettings = (): StoredProgram['settings'] => ({
  newCertificateAutoapprove: false,
  programEnrollment: false,
  programLink: false,
  terminateOnExpiration: { enabled: false, duration: null },
  preValidation: { enrollmentDraft: false, enrollmentQuerying: false, reEnrollment: false },
});

/** The templates every new program starts with, one default per type. */
export const defaultTemplates: { type: TemplateType; name: string; content: string }[] = [
  {
    type: 'EnrollmentProcessing',
    name: 'Enrollment received',
    content: 'The enrollment of {{client.name}} in {{program.name}} is being processed.',
  },
  {
    type: 'EnrollmentQuerying',
    name: 'More information needed',
    content: 'Please complete the enrollment of {{client.name}} in {{program.name}}.',
  },
  {
    type: 'EnrollmentCompleted',
    name: 'Enrollment completed',
    content: '{{client.name}} is now certified for {{program.name}} until {{expirationDate}}.',
  },
];

/** Settings with the given members applied; `null` or absent members keep their value. */
export function mergeSettings(
  current: StoredProgram['settings'],
  input: ProgramSettingsUpdate | undefined,
): StoredProgram['settings'] {
  if (!input) return current;
  const flag = (value: boolean | null | undefined, fallback: boolean) =>
    given(value) ? value : fallback;
  const pre = input.preValidation ?? {};
  return {
    newCertificateAutoapprove: flag(
      input.newCertificateAutoapprove,
      current.newCertificateAutoapprove,
    ),
    programEnrollment: flag(input.programEnrollment, current.programEnrollment),
    programLink: flag(input.programLink, current.programLink),
    terminateOnExpiration: {
      ...current.terminateOnExpiration,
      ...(given(input.terminateOnExpiration?.enabled)
        ? { enabled: input.terminateOnExpiration.enabled }
        : {}),
      ...(input.terminateOnExpiration && 'duration' in input.terminateOnExpiration
        ? { duration: input.terminateOnExpiration.duration ?? null }
        : {}),
    },
    preValidation: {
      enrollmentDraft: flag(pre.enrollmentDraft, current.preValidation.enrollmentDraft ?? false),
      enrollmentQuerying: flag(
        pre.enrollmentQuerying,
        current.preValidation.enrollmentQuerying ?? false,
      ),
      reEnrollment: flag(pre.reEnrollment, current.preValidation.reEnrollment ?? false),
    },
  };
}

export function createProgram(
  ctx: Context,
  input: ProgramCreate,
  icon?: UploadedFile,
): StoredProgram {
  const account = ctx.actor.account && ctx.state.accounts.get(ctx.actor.account.id);
  if (!account || account.type !== 'Vendor')
    throw reference('vendor.id', ctx.actor.account?.id ?? '(none)', 'Vendor account');
  const id = ctx.ids.next('PRG');
  const program = save(
    ctx,
    ctx.state.programs,
    {
      id,
      href: paths.program(id),
      name: input.name,
      revision: 0,
      ...(given(input.shortDescription) ? { shortDescription: input.shortDescription } : {}),
      ...(given(input.longDescription) ? { longDescription: input.longDescription } : {}),
      ...(given(input.website) ? { website: input.website } : {}),
      ...(icon ? { icon: `${paths.program(id)}/icon` } : {}),
      status: 'Draft',
      eligibility: input.eligibility ?? { client: true, partner: false },
      applicableTo: input.applicableTo,
      products: [],
      vendor: accountRef(account),
      settings: mergeSettings(defaultSettings(), input.settings),
      statistics: { certificates: 0 },
      audit: {},
    },
    programAuditEvent('Draft'),
  );
  ctx.coverage.hit('program.program:new->Draft');
  if (icon) storeFile(ctx.state, id, icon);
  for (const template of defaultTemplates)
    createSub(ctx, 'templates', { programId: id }, { ...template, default: true });
  return ctx.state.programs.get(id) ?? program;
}

function writable(ctx: Context, id: string) {
  const program = findProgram(ctx, id);
  if (program.status === 'Deleted') throw refuse('NotFound', `Program ${id} was not found.`);
  return program;
}

export function updateProgram(ctx: Context, id: string, input: ProgramUpdate, icon?: UploadedFile) {
  const program = writable(ctx, id);
  if (
    given(input.applicableTo) &&
    input.applicableTo !== program.applicableTo &&
    (program.statistics.certificates ?? 0) > 0
  )
    throw refuse(
      'ProgramTransitionNotAllowed',
      `Program ${id} has certificates for ${program.applicableTo}s: applicableTo cannot change.`,
      { applicableTo: ['cannot change once certificates exist.'] },
    );
  const next: StoredProgram = { ...program };
  for (const key of ['name', 'shortDescription', 'longDescription', 'website'] as const)
    if (given(input[key])) next[key] = input[key] as string;
  if (given(input.applicableTo)) next.applicableTo = input.applicableTo;
  if (input.eligibility) next.eligibility = { ...program.eligibility, ...input.eligibility };
  if (icon) {
    storeFile(ctx.state, id, icon);
    next.icon = `${paths.program(id)}/icon`;
  }
  return save(ctx, ctx.state.programs, next);
}

export function updateSettings(ctx: Context, id: string, input: ProgramSettingsUpdate) {
  const program = writable(ctx, id);
  // Expiry and termination depend on the settings: the next sweep looks again.
  ctx.state.nextExpiry = null;
  return save(ctx, ctx.state.programs, {
    ...program,
    settings: mergeSettings(program.settings, input),
  });
}

export function moveProgram(ctx: Context, id: string, event: 'publish' | 'unpublish' | 'delete') {
  const program = writable(ctx, id);
  const outcome = programTransition(program.status, event);
  if (!outcome.ok)
    throw refuse(
      outcome.code,
      `Program ${id} is ${program.status}: it cannot ${event} from there.`,
    );
  ctx.coverage.hit(transitionIds.program[program.status]?.[outcome.to]);
  if (outcome.to === 'removed') {
    // A Draft program never had certificates; its sub-resources go with it.
    removeAllOf(ctx.state, id);
    ctx.state.programs.delete(id);
    return undefined;
  }
  return save(
    ctx,
    ctx.state.programs,
    { ...program, status: outcome.to },
    programAuditEvent(outcome.to),
  );
}
