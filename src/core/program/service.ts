/**
 * The Program API's rules: every create, transition and update goes through here. Each function
 * checks everything first and only then writes, so a refused request changes nothing.
 */
import { utcDate } from '../clock.js';
import type { IdGenerator } from '../ids.js';
import { Refusal } from '../problem.js';
import {
  certificateAuditEvent,
  certificateTransition,
  enrollmentAuditEvent,
  enrollmentTransition,
  programAuditEvent,
  programTransition,
  type CertificateEvent,
} from './lifecycle.js';
import type {
  AccountRef,
  Actor,
  Audit,
  CertificateCreate,
  CertificateTerminate,
  CertificateUpdate,
  EnrollmentComplete,
  EnrollmentCreate,
  EnrollmentFail,
  EnrollmentQuery,
  OrderParameter,
  ParametersInput,
  ProblemCode,
  ProgramCreate,
  ProgramParameter,
  ProgramTemplate,
  ProgramUpdate,
  StoredCertificate,
  StoredEnrollment,
  StoredProgram,
} from './model.js';
import type { ProgramState } from './state.js';

export interface Context {
  state: ProgramState;
  actor: Actor;
  now: Date;
  ids: IdGenerator;
}

type Fields = Record<string, string[]>;
const refuse = (code: ProblemCode, detail: string, fields?: Fields) =>
  new Refusal<ProblemCode>(code, detail, fields);

export const paths = {
  certificate: (id: string) => `/v1/program/certificates/${id}`,
  enrollment: (id: string) => `/v1/program/enrollments/${id}`,
  program: (id: string) => `/v1/program/programs/${id}`,
  template: (programId: string, id: string) => `/v1/program/programs/${programId}/templates/${id}`,
  account: (id: string) => `/v1/accounts/accounts/${id}`,
  buyer: (id: string) => `/v1/accounts/buyers/${id}`,
  licensee: (id: string) => `/v1/accounts/licensees/${id}`,
};

const ONE_YEAR_DAYS = 365;

// ---------------------------------------------------------------- visibility

export function canSeeProgram(actor: Actor, program: StoredProgram): boolean {
  switch (actor.role) {
    case 'operations':
      return true;
    case 'vendor':
      return program.vendor.id === actor.account?.id;
    case 'client':
      return program.status === 'Published';
    default:
      return actor.role satisfies never;
  }
}

/** Certificates and enrollments: a client sees its own, a vendor those of its programs. */
export function canSeeHeld(
  state: ProgramState,
  actor: Actor,
  held: { client: AccountRef; program: { id: string } },
): boolean {
  switch (actor.role) {
    case 'operations':
      return true;
    case 'vendor':
      return state.programs.get(held.program.id)?.vendor.id === actor.account?.id;
    case 'client':
      return held.client.id === actor.account?.id;
    default:
      return actor.role satisfies never;
  }
}

const notFound = (what: string, id: string) => refuse('NotFound', `${what} ${id} was not found.`);

export function findProgram(ctx: Context, id: string): StoredProgram {
  const program = ctx.state.programs.get(id);
  if (!program || !canSeeProgram(ctx.actor, program)) throw notFound('Program', id);
  return program;
}

export function findCertificate(ctx: Context, id: string): StoredCertificate {
  const certificate = ctx.state.certificates.get(id);
  if (!certificate || !canSeeHeld(ctx.state, ctx.actor, certificate))
    throw notFound('Certificate', id);
  return certificate;
}

export function findEnrollment(ctx: Context, id: string): StoredEnrollment {
  const enrollment = ctx.state.enrollments.get(id);
  if (!enrollment || !canSeeHeld(ctx.state, ctx.actor, enrollment))
    throw notFound('Enrollment', id);
  return enrollment;
}

// ---------------------------------------------------------------- helpers

function stamp(ctx: Context, audit: Audit, ...events: string[]): Audit {
  const event = { at: ctx.now.toISOString(), by: ctx.actor.user };
  const next: Audit = { ...audit };
  for (const name of events) next[name] = event;
  next.updated = event;
  return next;
}

const addDays = (date: Date, days: number) => utcDate(new Date(date.getTime() + days * 86_400_000));

function reference(ctx: Context, field: string, id: string, what: string): Refusal<ProblemCode> {
  void ctx;
  return refuse('ReferenceNotFound', `${what} ${id} does not exist or is not visible to you.`, {
    [field]: [`${what} ${id} was not found.`],
  });
}

function programRef(program: StoredProgram) {
  return { id: program.id, href: program.href, name: program.name };
}

function accountRef(ctx: Context, field: string, id: string): AccountRef {
  const account = ctx.state.accounts.get(id);
  if (!account || account.type !== 'Client') throw reference(ctx, field, id, 'Client account');
  return {
    id: account.id,
    href: paths.account(account.id),
    name: account.name,
    ...(account.icon ? { icon: account.icon } : {}),
  };
}

function templateOf(
  ctx: Context,
  program: StoredProgram,
  field: string,
  id: string,
): ProgramTemplate {
  const template = program.templates.find((t) => t.id === id);
  if (!template) throw reference(ctx, field, id, 'Template');
  return template;
}

const templateRef = (program: StoredProgram, template: ProgramTemplate) => ({
  id: template.id,
  href: paths.template(program.id, template.id),
  name: template.name,
});

/** Who the certificate is for: the caller's own account for a client, `client.id` for operations. */
function holderOf(ctx: Context, input: { client?: { id: string } }): AccountRef {
  // A client always acts for its own account; a `client` in its body is ignored.
  if (ctx.actor.role === 'client') return accountRef(ctx, 'client.id', ctx.actor.account!.id);
  if (!input.client)
    throw refuse('ValidationFailed', 'client is required.', {
      client: ['client is required when operations acts for a client.'],
    });
  return accountRef(ctx, 'client.id', input.client.id);
}

/** `applicableTo` of the program decides whether a buyer or a licensee is required. */
function scopeOf(
  ctx: Context,
  program: StoredProgram,
  client: AccountRef,
  input: { buyer?: { id: string }; licensee?: { id: string } },
) {
  if (program.applicableTo === 'Buyer') {
    if (input.licensee)
      throw refuse(
        'ApplicableToMismatch',
        `Program ${program.id} applies to buyers: give a buyer, not a licensee.`,
        { licensee: ['not allowed for a Buyer program.'] },
      );
    if (!input.buyer)
      throw refuse('BuyerRequired', `Program ${program.id} applies to buyers: buyer is required.`, {
        buyer: ['buyer is required.'],
      });
    const buyer = ctx.state.buyers.get(input.buyer.id);
    if (!buyer || buyer.client !== client.id)
      throw reference(ctx, 'buyer.id', input.buyer.id, 'Buyer');
    return { buyer: { id: buyer.id, href: paths.buyer(buyer.id), name: buyer.name } };
  }
  if (input.buyer)
    throw refuse(
      'ApplicableToMismatch',
      `Program ${program.id} applies to licensees: give a licensee, not a buyer.`,
      { buyer: ['not allowed for a Licensee program.'] },
    );
  if (!input.licensee)
    throw refuse(
      'LicenseeRequired',
      `Program ${program.id} applies to licensees: licensee is required.`,
      { licensee: ['licensee is required.'] },
    );
  const licensee = ctx.state.licensees.get(input.licensee.id);
  if (!licensee || licensee.client !== client.id)
    throw reference(ctx, 'licensee.id', input.licensee.id, 'Licensee');
  return {
    licensee: {
      id: licensee.id,
      href: paths.licensee(licensee.id),
      name: licensee.name,
      ...(licensee.externalId ? { externalId: licensee.externalId } : {}),
    },
  };
}

function requirePublished(program: StoredProgram, doing: string) {
  if (program.status !== 'Published') {
    throw refuse(
      'ProgramNotPublished',
      `Program ${program.id} is ${program.status}: ${doing} is only possible for a Published program.`,
    );
  }
}

/**
 * The program's parameter definitions of one phase with values filled in from the input (and
 * from `current` values where the input is silent). Unknown ids are refused; so is a required
 * ordering parameter left without a value, naming each one.
 */
function fillParameters(
  ctx: Context,
  program: StoredProgram,
  input: ParametersInput | undefined,
  current: { ordering?: OrderParameter[]; fulfillment?: OrderParameter[] } | undefined,
  enforceRequired: boolean,
) {
  const phases = [
    ['ordering', 'Ordering'],
    ['fulfillment', 'Fulfillment'],
  ] as const;
  const result = { ordering: [] as OrderParameter[], fulfillment: [] as OrderParameter[] };
  const missing: Fields = {};
  for (const [key, phase] of phases) {
    const given = new Map<string, string | undefined>();
    (input?.[key] ?? []).forEach((value, i) => {
      const definition = program.parameters.find((p) => p.id === value.id && p.phase === phase);
      if (!definition)
        throw reference(ctx, `parameters.${key}[${i}].id`, value.id, `${phase} parameter`);
      given.set(value.id, value.value);
    });
    for (const definition of program.parameters.filter(
      (p: ProgramParameter) => p.phase === phase,
    )) {
      const value = given.has(definition.id)
        ? given.get(definition.id)
        : current?.[key]?.find((p) => p.id === definition.id)?.value;
      const item: OrderParameter = {
        id: definition.id,
        name: definition.name,
        externalId: definition.externalId,
        ...(definition.type ? { type: definition.type } : {}),
        constraints: {
          readonly: false,
          hidden: false,
          required: false,
          unique: false,
          ...definition.constraints,
        },
        ...(value !== undefined ? { value } : {}),
      };
      if (
        enforceRequired &&
        phase === 'Ordering' &&
        definition.constraints?.required &&
        (value === undefined || value.trim() === '')
      ) {
        missing[`parameters.ordering.${definition.externalId}`] = [
          `${definition.name} (${definition.id}) is required.`,
        ];
      }
      result[key].push(item);
    }
  }
  const names = Object.keys(missing);
  if (names.length > 0) {
    const list = Object.values(missing)
      .map((m) => m[0]!.replace(/ is required\.$/, ''))
      .join(', ');
    throw refuse(
      'ParameterRequired',
      `Required ordering parameter without a value: ${list}.`,
      missing,
    );
  }
  return result;
}

function moveCertificate(
  ctx: Context,
  certificate: StoredCertificate,
  event: CertificateEvent,
): StoredCertificate['status'] {
  const outcome = certificateTransition(certificate.status, event);
  if (!outcome.ok) throw refuse(outcome.code, certificateRefusal(certificate, outcome.code));
  return outcome.to;
}

function certificateRefusal(certificate: StoredCertificate, code: ProblemCode): string {
  switch (code) {
    case 'CertificateTerminated':
      return `Certificate ${certificate.id} is Terminated and cannot be re-enrolled.`;
    case 'CertificateNotReenrollable':
      return `Certificate ${certificate.id} is ${certificate.status}: re-enrollment is only possible from Active or Expired.`;
    case 'CertificateNotActive':
      return `Certificate ${certificate.id} is ${certificate.status}: only an Active certificate can be terminated.`;
    default:
      return `Certificate ${certificate.id} cannot change from ${certificate.status}.`;
  }
}

function setCertificateStatus(
  ctx: Context,
  certificate: StoredCertificate,
  status: StoredCertificate['status'],
  extra: Partial<StoredCertificate> = {},
) {
  const next: StoredCertificate = {
    ...certificate,
    ...extra,
    status,
    audit: stamp(ctx, certificate.audit, certificateAuditEvent(status)),
  };
  ctx.state.certificates.set(next.id, next);
  noteExpiry(ctx.state, next);
  return next;
}

function setEnrollmentStatus(
  ctx: Context,
  enrollment: StoredEnrollment,
  status: StoredEnrollment['status'],
  extra: Partial<StoredEnrollment> = {},
) {
  const next: StoredEnrollment = {
    ...enrollment,
    ...extra,
    status,
    audit: stamp(ctx, enrollment.audit, enrollmentAuditEvent(status)),
  };
  ctx.state.enrollments.set(next.id, next);
  return next;
}

// ---------------------------------------------------------------- expiry

/**
 * Expires every Active certificate whose `expirationDate` has passed (from 00:00 UTC the day
 * after it). Runs before every request, so reads and filters always see the current status.
 */
/**
 * Keeps the earliest-expiry bound after a write without a scan: an Active certificate can only
 * bring it forward. A bound earlier than the true earliest (a certificate that left Active, or
 * whose date moved later) costs one scan, which recomputes it; it never skips a due expiry.
 */
function noteExpiry(state: ProgramState, certificate: StoredCertificate): void {
  if (certificate.status !== 'Active' || !certificate.expirationDate) return;
  const known = state.nextExpiry;
  if (known === null) return;
  if (known === undefined || certificate.expirationDate < known)
    state.nextExpiry = certificate.expirationDate;
}

export function expireDue(state: ProgramState, now: Date, system: Actor): number {
  const today = utcDate(now);
  if (state.nextExpiry === undefined) return 0;
  if (typeof state.nextExpiry === 'string' && state.nextExpiry >= today) return 0;
  let expired = 0;
  let earliest: string | undefined;
  for (const certificate of state.certificates.values()) {
    if (certificate.status !== 'Active' || !certificate.expirationDate) continue;
    if (certificate.expirationDate < today) {
      const at = `${addDays(new Date(`${certificate.expirationDate}T00:00:00.000Z`), 1)}T00:00:00.000Z`;
      const event = { at, by: system.user };
      state.certificates.set(certificate.id, {
        ...certificate,
        status: 'Expired',
        audit: { ...certificate.audit, expired: event, updated: event },
      });
      expired++;
    } else if (earliest === undefined || certificate.expirationDate < earliest) {
      earliest = certificate.expirationDate;
    }
  }
  state.nextExpiry = earliest;
  return expired;
}

// ---------------------------------------------------------------- certificates

function openEnrollment(
  ctx: Context,
  program: StoredProgram,
  certificate: StoredCertificate,
  type: 'New' | 'Change',
  name: string | undefined,
  parameters: StoredCertificate['parameters'],
): StoredEnrollment {
  const id = ctx.ids.next('ENR');
  const enrollment: StoredEnrollment = {
    id,
    href: paths.enrollment(id),
    ...(name ? { name } : {}),
    type,
    status: 'Processing',
    program: programRef(program),
    certificate: { id: certificate.id, href: certificate.href, name: certificate.name },
    client: certificate.client,
    applicableTo: certificate.applicableTo,
    ...(certificate.buyer ? { buyer: certificate.buyer } : {}),
    ...(certificate.licensee ? { licensee: certificate.licensee } : {}),
    parameters,
    audit: stamp(ctx, {}, 'created', 'processing'),
  };
  ctx.state.enrollments.set(id, enrollment);
  return enrollment;
}

/** A new certificate with its New enrollment; both complete at once under `newCertificateAutoapprove`. */
function createNew(
  ctx: Context,
  input: {
    name?: string;
    program: { id: string };
    client?: { id: string };
    buyer?: { id: string };
    licensee?: { id: string };
    parameters?: ParametersInput;
  },
) {
  const program = ctx.state.programs.get(input.program.id);
  if (!program) throw reference(ctx, 'program.id', input.program.id, 'Program');
  requirePublished(program, 'enrollment');
  const client = holderOf(ctx, input);
  const scope = scopeOf(ctx, program, client, input);
  const parameters = fillParameters(ctx, program, input.parameters, undefined, true);

  const id = ctx.ids.next('CER');
  let certificate: StoredCertificate = {
    id,
    href: paths.certificate(id),
    name: input.name ?? program.name,
    program: programRef(program),
    client,
    applicableTo: program.applicableTo,
    ...scope,
    eligibility: { ...program.eligibility },
    externalIds: {},
    status: 'Pending',
    parameters,
    audit: stamp(ctx, {}, 'created', 'pending'),
  };
  ctx.state.certificates.set(id, certificate);
  let enrollment = openEnrollment(ctx, program, certificate, 'New', input.name, parameters);
  certificate = { ...certificate, enrollment: { id: enrollment.id, href: enrollment.href } };
  ctx.state.certificates.set(id, certificate);
  if (program.settings.newCertificateAutoapprove) {
    certificate = setCertificateStatus(ctx, certificate, 'Active', {
      expirationDate: addDays(ctx.now, ONE_YEAR_DAYS),
    });
    enrollment = setEnrollmentStatus(ctx, enrollment, 'Completed');
  }
  return { certificate, enrollment };
}

export function createCertificate(ctx: Context, input: CertificateCreate) {
  return createNew(ctx, input).certificate;
}

export function updateCertificate(ctx: Context, id: string, input: CertificateUpdate) {
  const certificate = findCertificate(ctx, id);
  const program = ctx.state.programs.get(certificate.program.id)!;
  const template = input.template
    ? templateRef(program, templateOf(ctx, program, 'template.id', input.template.id))
    : certificate.template;
  const parameters = input.parameters
    ? fillParameters(ctx, program, input.parameters, certificate.parameters, false)
    : certificate.parameters;
  const next: StoredCertificate = {
    ...certificate,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.expirationDate !== undefined ? { expirationDate: input.expirationDate } : {}),
    ...(input.externalIds
      ? { externalIds: { ...certificate.externalIds, ...input.externalIds } }
      : {}),
    ...(template ? { template } : {}),
    parameters,
    audit: stamp(ctx, certificate.audit),
  };
  ctx.state.certificates.set(id, next);
  noteExpiry(ctx.state, next);
  return next;
}

export function terminateCertificate(ctx: Context, id: string, input: CertificateTerminate) {
  const certificate = findCertificate(ctx, id);
  const status = moveCertificate(ctx, certificate, 'terminate');
  return setCertificateStatus(ctx, certificate, status, { statusNotes: input.statusNotes });
}

export function renderCertificate(ctx: Context, id: string): string {
  const certificate = findCertificate(ctx, id);
  const program = ctx.state.programs.get(certificate.program.id)!;
  const template =
    program.templates.find((t) => t.id === certificate.template?.id) ??
    program.templates.find((t) => t.type === 'Certificate');
  const values: Record<string, string> = {
    'certificate.id': certificate.id,
    'certificate.name': certificate.name,
    'certificate.status': certificate.status,
    status: certificate.status,
    'client.name': certificate.client.name ?? '',
    'client.id': certificate.client.id,
    'program.name': program.name,
    'program.id': program.id,
    expirationDate: certificate.expirationDate ?? '',
  };
  for (const parameter of [
    ...(certificate.parameters.ordering ?? []),
    ...(certificate.parameters.fulfillment ?? []),
  ]) {
    values[`parameters.${parameter.externalId}`] = parameter.value ?? '';
  }
  if (!template) {
    throw refuse(
      'ReferenceNotFound',
      `Certificate ${id} has no template and its program has no Certificate template.`,
      {
        template: ['no template to render.'],
      },
    );
  }
  return (template.content ?? '').replace(
    /\{\{\s*([\w.]+)\s*\}\}/g,
    (_whole, key: string) => values[key] ?? '',
  );
}

// ---------------------------------------------------------------- enrollments

export function createEnrollment(ctx: Context, input: EnrollmentCreate) {
  if (!input.certificate) return createNew(ctx, input).enrollment;

  // Re-enrollment: a Change enrollment that moves the certificate to Updating.
  const certificate = findCertificate(ctx, input.certificate.id);
  if (input.program.id !== certificate.program.id) {
    throw refuse(
      'ValidationFailed',
      `Certificate ${certificate.id} belongs to program ${certificate.program.id}, not ${input.program.id}.`,
      {
        'program.id': [`must be ${certificate.program.id}, the certificate's program.`],
      },
    );
  }
  const program = ctx.state.programs.get(certificate.program.id)!;
  requirePublished(program, 're-enrollment');
  const status = moveCertificate(ctx, certificate, 'reenroll');
  const parameters = fillParameters(ctx, program, input.parameters, certificate.parameters, true);
  const enrollment = openEnrollment(ctx, program, certificate, 'Change', input.name, parameters);
  setCertificateStatus(ctx, certificate, status, {
    enrollment: { id: enrollment.id, href: enrollment.href },
  });
  return enrollment;
}

function moveEnrollment(
  enrollment: StoredEnrollment,
  event: 'query' | 'process' | 'complete' | 'fail',
) {
  const outcome = enrollmentTransition(enrollment.status, event);
  if (!outcome.ok) {
    throw refuse(
      outcome.code,
      `Enrollment ${enrollment.id} is ${enrollment.status}: it cannot ${event === 'process' ? 'be processed' : event === 'query' ? 'be queried' : event === 'complete' ? 'be completed' : 'fail'} from there.`,
    );
  }
  return outcome.to;
}

export function queryEnrollment(ctx: Context, id: string, input: EnrollmentQuery) {
  const enrollment = findEnrollment(ctx, id);
  const status = moveEnrollment(enrollment, 'query');
  const program = ctx.state.programs.get(enrollment.program.id)!;
  const template = templateRef(program, templateOf(ctx, program, 'template.id', input.template.id));
  return setEnrollmentStatus(ctx, enrollment, status, {
    template,
    ...(input.statusNotes ? { statusNotes: input.statusNotes } : {}),
  });
}

export function processEnrollment(ctx: Context, id: string) {
  const enrollment = findEnrollment(ctx, id);
  return setEnrollmentStatus(ctx, enrollment, moveEnrollment(enrollment, 'process'));
}

export function completeEnrollment(ctx: Context, id: string, input: EnrollmentComplete) {
  const enrollment = findEnrollment(ctx, id);
  const status = moveEnrollment(enrollment, 'complete');
  const certificate = ctx.state.certificates.get(enrollment.certificate.id)!;
  const certificateStatus = moveCertificate(ctx, certificate, 'complete');
  const program = ctx.state.programs.get(enrollment.program.id)!;
  const template = input.template
    ? templateRef(program, templateOf(ctx, program, 'template.id', input.template.id))
    : undefined;
  const today = utcDate(ctx.now);
  if (input.expirationDate !== undefined && input.expirationDate < today) {
    throw refuse('ValidationFailed', `expirationDate ${input.expirationDate} is in the past.`, {
      expirationDate: ['must be today or later.'],
    });
  }
  // A re-enrollment keeps a still-valid expiration date unless a new one is given.
  const expirationDate =
    input.expirationDate ??
    (enrollment.type === 'Change' &&
    certificate.expirationDate &&
    certificate.expirationDate >= today
      ? certificate.expirationDate
      : addDays(ctx.now, ONE_YEAR_DAYS));
  setCertificateStatus(ctx, certificate, certificateStatus, {
    expirationDate,
    parameters: enrollment.parameters,
    ...(template ? { template } : {}),
    ...(input.externalIds
      ? { externalIds: { ...certificate.externalIds, ...input.externalIds } }
      : {}),
  });
  return setEnrollmentStatus(ctx, enrollment, status, {
    ...(template ? { template } : {}),
    ...(input.externalIds ? { externalIds: input.externalIds } : {}),
  });
}

export function failEnrollment(ctx: Context, id: string, input: EnrollmentFail) {
  const enrollment = findEnrollment(ctx, id);
  const status = moveEnrollment(enrollment, 'fail');
  const certificate = ctx.state.certificates.get(enrollment.certificate.id)!;
  const certificateStatus = moveCertificate(ctx, certificate, 'fail');
  setCertificateStatus(ctx, certificate, certificateStatus, { statusNotes: input.statusNotes });
  return setEnrollmentStatus(ctx, enrollment, status, { statusNotes: input.statusNotes });
}

// ---------------------------------------------------------------- programs

function programVendor(ctx: Context, input: { vendor?: { id: string } }): AccountRef {
  const id = ctx.actor.role === 'vendor' ? ctx.actor.account!.id : input.vendor?.id;
  if (!id)
    throw refuse('ValidationFailed', 'vendor is required.', {
      vendor: ['vendor is required when operations creates a program.'],
    });
  if (ctx.actor.role === 'vendor' && input.vendor && input.vendor.id !== id)
    throw reference(ctx, 'vendor.id', input.vendor.id, 'Vendor account');
  const account = ctx.state.accounts.get(id);
  if (!account || account.type !== 'Vendor')
    throw reference(ctx, 'vendor.id', id, 'Vendor account');
  return {
    id: account.id,
    href: paths.account(account.id),
    name: account.name,
    ...(account.icon ? { icon: account.icon } : {}),
  };
}

const sequenceId = (prefix: string, programId: string, n: number) =>
  `${prefix}-${programId.slice(4)}-${String(n).padStart(4, '0')}`;

/**
 * Gives new items the next sequence ids; on update an item may name an existing id to keep it
 * (an id the program does not have is refused). On create, ids in the input are ignored.
 */
function withIds<T extends { id?: string }>(
  field: string,
  prefix: string,
  programId: string,
  items: T[] | undefined,
  existing: { id: string }[] | undefined,
) {
  let next = (existing ?? []).reduce(
    (max, item) => Math.max(max, Number(item.id.slice(-4)) || 0),
    0,
  );
  return (items ?? []).map((item, i) => {
    if (existing && item.id !== undefined && !existing.some((e) => e.id === item.id)) {
      throw refuse('ReferenceNotFound', `${item.id} is not one of the program's ${field}.`, {
        [`${field}[${i}].id`]: [`${item.id} was not found.`],
      });
    }
    return {
      ...item,
      id: (existing ? item.id : undefined) ?? sequenceId(prefix, programId, ++next),
    };
  });
}

export function createProgram(ctx: Context, input: ProgramCreate): StoredProgram {
  const vendor = programVendor(ctx, input);
  const id = ctx.ids.next('PRG');
  const program: StoredProgram = {
    id,
    href: paths.program(id),
    name: input.name,
    ...(input.description !== undefined ? { description: input.description } : {}),
    status: 'Draft',
    applicableTo: input.applicableTo,
    eligibility: input.eligibility ?? { client: true, partner: true },
    vendor,
    settings: { newCertificateAutoapprove: input.settings?.newCertificateAutoapprove ?? false },
    parameters: withIds('parameters', 'PPM', id, input.parameters, undefined) as ProgramParameter[],
    templates: withIds('templates', 'PTM', id, input.templates, undefined) as ProgramTemplate[],
    audit: stamp(ctx, {}, programAuditEvent('Draft')),
  };
  ctx.state.programs.set(id, program);
  return program;
}

export function updateProgram(
  ctx: Context,
  id: string,
  input: ProgramUpdate & { applicableTo?: StoredProgram['applicableTo'] },
) {
  const program = findProgram(ctx, id);
  if (input.applicableTo !== undefined && input.applicableTo !== program.applicableTo) {
    throw refuse(
      'ProgramTransitionNotAllowed',
      `Program ${id} applies to ${program.applicableTo}: applicableTo cannot change.`,
      {
        applicableTo: ['cannot change once the program exists.'],
      },
    );
  }
  const next: StoredProgram = {
    ...program,
    ...(input.name !== undefined ? { name: input.name } : {}),
    ...(input.description !== undefined ? { description: input.description } : {}),
    ...(input.applicableTo !== undefined ? { applicableTo: input.applicableTo } : {}),
    ...(input.eligibility ? { eligibility: input.eligibility } : {}),
    ...(input.settings ? { settings: { ...program.settings, ...input.settings } } : {}),
    ...(input.parameters
      ? {
          parameters: withIds(
            'parameters',
            'PPM',
            id,
            input.parameters,
            program.parameters,
          ) as ProgramParameter[],
        }
      : {}),
    ...(input.templates
      ? {
          templates: withIds(
            'templates',
            'PTM',
            id,
            input.templates,
            program.templates,
          ) as ProgramTemplate[],
        }
      : {}),
    audit: stamp(ctx, program.audit),
  };
  ctx.state.programs.set(id, next);
  return next;
}

export function moveProgram(ctx: Context, id: string, event: 'publish' | 'unpublish' | 'delete') {
  const program = findProgram(ctx, id);
  const outcome = programTransition(program.status, event);
  if (!outcome.ok)
    throw refuse(
      outcome.code,
      `Program ${id} is ${program.status}: it cannot ${event} from there.`,
    );
  if (outcome.to === 'deleted') {
    ctx.state.programs.delete(id);
    return undefined;
  }
  const next: StoredProgram = {
    ...program,
    status: outcome.to,
    audit: stamp(ctx, program.audit, programAuditEvent(outcome.to)),
  };
  ctx.state.programs.set(id, next);
  return next;
}
