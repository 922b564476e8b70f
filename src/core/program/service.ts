/**
 * The rules of certificates and enrollments. Each function checks everything first and only
 * then writes, so a refused request changes nothing.
 */
import { utcDate } from '../clock.js';
import {
  accountRef,
  addDays,
  findProgram,
  given,
  notFound,
  ONE_YEAR_DAYS,
  paths,
  programRef,
  reference,
  refuse,
  save,
  templateOfProgram,
  templateRef,
  templatesOf,
  type Context,
} from './common.js';
import {
  certificateAuditEvent,
  certificateTransition,
  enrollmentAuditEvent,
  enrollmentTransition,
  type CertificateEvent,
  type EnrollmentEvent,
} from './lifecycle.js';
import type {
  AccountRef,
  Actor,
  CertificateCreate,
  CertificateTerminate,
  CertificateUpdate,
  EnrollmentComplete,
  EnrollmentCreate,
  EnrollmentFail,
  EnrollmentProcess,
  EnrollmentQuery,
  EnrollmentUpdate,
  Message,
  ProblemCode,
  StoredCertificate,
  StoredEnrollment,
  StoredProgram,
  StoredTemplate,
  TemplateType,
} from './model.js';
import {
  checkParameters,
  fillParameters,
  requireParameters,
  type ParameterBag,
} from './parameters.js';
import { publishedTerms } from './content.js';
import { removeAllOf } from './engine.js';
import type { ProgramState } from './state.js';

export type { Context } from './common.js';

// ---------------------------------------------------------------- visibility

/** Certificates: a client sees its own, a vendor those of its programs. */
export function canSeeCertificate(actor: Actor, certificate: StoredCertificate): boolean {
  switch (actor.role) {
    case 'operations':
      return true;
    case 'vendor':
      return certificate.vendor.id === actor.account?.id;
    case 'client':
      return certificate.client.id === actor.account?.id;
    default:
      return actor.role satisfies never;
  }
}

/** Enrollments: a client sees its own; a vendor those of its programs once submitted. */
export function canSeeEnrollment(
  state: ProgramState,
  actor: Actor,
  enrollment: StoredEnrollment,
): boolean {
  switch (actor.role) {
    case 'operations':
      return true;
    case 'vendor':
      return enrollment.status !== 'Draft' && enrollment.vendor.id === actor.account?.id;
    case 'client':
      return state.certificates.get(enrollment.certificate.id)?.client.id === actor.account?.id;
    default:
      return actor.role satisfies never;
  }
}

export function findCertificate(ctx: Context, id: string): StoredCertificate {
  const certificate = ctx.state.certificates.get(id);
  if (!certificate || !canSeeCertificate(ctx.actor, certificate)) throw notFound('Certificate', id);
  return certificate;
}

export function findEnrollment(ctx: Context, id: string): StoredEnrollment {
  const enrollment = ctx.state.enrollments.get(id);
  if (!enrollment || !canSeeEnrollment(ctx.state, ctx.actor, enrollment))
    throw notFound('Enrollment', id);
  return enrollment;
}

// ---------------------------------------------------------------- shared steps

function clientAccount(ctx: Context, field: string, id: string): AccountRef {
  const account = ctx.state.accounts.get(id);
  if (!account || account.type !== 'Client') throw reference(field, id, 'Client account');
  return accountRef(account);
}

/** Who the certificate is for: the caller's own account for a client, `client.id` for operations. */
function holderOf(ctx: Context, input: { client?: { id: string } }): AccountRef {
  if (ctx.actor.role === 'client') return clientAccount(ctx, 'client.id', ctx.actor.account!.id);
  if (!input.client)
    throw refuse('ValidationFailed', 'client is required.', {
      client: ['client is required when operations acts for a client.'],
    });
  return clientAccount(ctx, 'client.id', input.client.id);
}

/** `applicableTo` of the program decides whether a buyer or a licensee is required. */
function scopeOf(
  ctx: Context,
  program: StoredProgram,
  client: AccountRef,
  input: { buyer?: { id: string }; licensee?: { id: string } },
) {
  const [wanted, other] =
    program.applicableTo === 'Buyer'
      ? (['buyer', 'licensee'] as const)
      : (['licensee', 'buyer'] as const);
  if (input[other])
    throw refuse(
      'ApplicableToMismatch',
      `Program ${program.id} applies to ${program.applicableTo}: give a ${wanted}, not a ${other}.`,
      { [other]: [`not allowed for a ${program.applicableTo} program.`] },
    );
  const ref = input[wanted];
  if (!ref)
    throw refuse(
      wanted === 'buyer' ? 'BuyerRequired' : 'LicenseeRequired',
      `Program ${program.id} applies to ${program.applicableTo}: ${wanted} is required.`,
      { [wanted]: [`${wanted} is required.`] },
    );
  if (wanted === 'buyer') {
    const buyer = ctx.state.buyers.get(ref.id);
    if (!buyer || buyer.client !== client.id) throw reference('buyer.id', ref.id, 'Buyer');
    return {
      buyer: { id: buyer.id, href: paths.buyer(buyer.id), name: buyer.name, revision: 1 },
    };
  }
  const licensee = ctx.state.licensees.get(ref.id);
  if (!licensee || licensee.client !== client.id)
    throw reference('licensee.id', ref.id, 'Licensee');
  return {
    licensee: {
      id: licensee.id,
      href: paths.licensee(licensee.id),
      name: licensee.name,
      ...(licensee.externalId ? { externalId: licensee.externalId } : {}),
      revision: 1,
    },
  };
}

function requirePublished(program: StoredProgram, doing: string) {
  if (program.status !== 'Published')
    throw refuse(
      'ProgramNotPublished',
      `Program ${program.id} is ${program.status}: ${doing} is only possible for a Published program.`,
    );
}

function programOf(ctx: Context, id: string): StoredProgram {
  const program = ctx.state.programs.get(id);
  if (!program || program.status === 'Deleted') throw reference('program.id', id, 'Program');
  return program;
}

const programFor = (ctx: Context, held: { program: { id: string } }) =>
  ctx.state.programs.get(held.program.id)!;

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

/** The status a certificate event leads to, or the refusal the lifecycle table names. */
function nextCertificateStatus(certificate: StoredCertificate, event: CertificateEvent) {
  const outcome = certificateTransition(certificate.status, event);
  if (!outcome.ok) throw refuse(outcome.code, certificateRefusal(certificate, outcome.code));
  return outcome.to;
}

function nextEnrollmentStatus(enrollment: StoredEnrollment, event: EnrollmentEvent) {
  const outcome = enrollmentTransition(enrollment.status, event);
  if (!outcome.ok)
    throw refuse(
      outcome.code,
      `Enrollment ${enrollment.id} is ${enrollment.status}: it cannot ${event} from there.`,
    );
  return outcome.to;
}

function moveCertificate(
  ctx: Context,
  certificate: StoredCertificate,
  status: StoredCertificate['status'],
  extra: Partial<StoredCertificate> = {},
) {
  const saved = save(
    ctx,
    ctx.state.certificates,
    { ...certificate, ...extra, status },
    certificateAuditEvent(status),
  );
  noteExpiry(ctx.state, saved);
  return saved;
}

/**
 * Keeps the bound of the next clock change after a write, without a scan: an Active certificate
 * can only bring it forward. A bound earlier than the true one (a certificate that left Active,
 * or whose date moved later) costs one scan, which recomputes it; it never skips a change.
 */
function noteExpiry(state: ProgramState, certificate: StoredCertificate): void {
  if (certificate.status !== 'Active' || !certificate.expirationDate) return;
  const known = state.nextExpiry;
  if (known === null) return;
  const due = addDays(new Date(`${certificate.expirationDate}T00:00:00.000Z`), 1);
  if (known === undefined || due < known) state.nextExpiry = due;
}

function moveEnrollment(
  ctx: Context,
  enrollment: StoredEnrollment,
  status: StoredEnrollment['status'],
  extra: Partial<StoredEnrollment> = {},
) {
  return save(
    ctx,
    ctx.state.enrollments,
    { ...enrollment, ...extra, status },
    enrollmentAuditEvent(status),
  );
}

/** The default template of a type, for a certificate or enrollment that names none. */
function defaultTemplate(ctx: Context, programId: string, type: TemplateType) {
  return templatesOf(ctx.state, programId, type)[0];
}

function countCertificates(ctx: Context, programId: string, delta: number) {
  const program = ctx.state.programs.get(programId);
  if (program)
    ctx.state.programs.set(programId, {
      ...program,
      statistics: { certificates: Math.max(0, (program.statistics.certificates ?? 0) + delta) },
    });
}

/** Parameter checks recorded on an enrollment (`error` and each parameter's `error`). */
function recordChecks<T extends { parameters: ParameterBag; error?: Message }>(
  target: T,
  run: boolean,
): T {
  if (!run) return target;
  const { parameters, error } = checkParameters(target.parameters);
  const { error: _previous, ...rest } = target;
  return { ...rest, parameters, ...(error ? { error } : {}) } as T;
}

/**
 * A certificate's `terms`: the program's Published terms, each with when and by whom the client
 * accepted it (on submitting an enrollment), or `accepted: null` while it has not.
 */
export function withTerms(state: ProgramState, certificate: StoredCertificate): StoredCertificate {
  const published = publishedTerms({ state }, certificate.program.id);
  if (published.length === 0 && certificate.terms.length === 0) return certificate;
  const accepted = new Map(certificate.terms.map((t) => [t.id, t]));
  return {
    ...certificate,
    terms: published.map((t) => {
      const done = accepted.get(t.id);
      return {
        id: t.id,
        name: t.name,
        ...(t.description !== undefined ? { description: t.description } : {}),
        displayOrder: t.displayOrder,
        status: t.status,
        accepted: done?.accepted ?? null,
        ...(done?.acceptedBy ? { acceptedBy: done.acceptedBy } : {}),
      };
    }),
  };
}

/** The client accepts the program's Published terms with its enrollment. */
function acceptTerms(ctx: Context, certificate: StoredCertificate) {
  const at = ctx.now.toISOString();
  const kept = new Map(certificate.terms.map((t) => [t.id, t]));
  for (const t of publishedTerms(ctx, certificate.program.id))
    if (!kept.get(t.id)?.accepted)
      kept.set(t.id, { id: t.id, name: t.name, accepted: at, acceptedBy: ctx.actor.user });
  return [...kept.values()];
}

// ---------------------------------------------------------------- expiry

/**
 * The clock's changes: an Active certificate expires from 00:00 UTC the day after its
 * `expirationDate`; an Expired one is terminated `terminateOnExpiration.duration` days after it
 * expired, when its program asks for it. Runs before every request, so reads and filters always
 * see the current status.
 */
export function expireDue(state: ProgramState, now: Date, system: Actor): number {
  const today = utcDate(now);
  if (state.nextExpiry === undefined) return 0;
  if (typeof state.nextExpiry === 'string' && state.nextExpiry > today) return 0;
  let changed = 0;
  let earliest: string | undefined;
  const due = (day: string) => {
    if (earliest === undefined || day < earliest) earliest = day;
  };
  for (let certificate of state.certificates.values()) {
    if (certificate.status === 'Active' && certificate.expirationDate) {
      const expiresOn = addDays(new Date(`${certificate.expirationDate}T00:00:00.000Z`), 1);
      if (expiresOn > today) {
        due(expiresOn);
        continue;
      }
      const event = { at: `${expiresOn}T00:00:00.000Z`, by: system.user };
      certificate = {
        ...certificate,
        status: 'Expired',
        revision: certificate.revision + 1,
        audit: { ...certificate.audit, expired: event, updated: event },
      };
      state.certificates.set(certificate.id, certificate);
      changed++;
    }
    if (certificate.status !== 'Expired') continue;
    const lapse = state.programs.get(certificate.program.id)?.settings.terminateOnExpiration;
    const expiredAt = certificate.audit.expired?.at;
    if (!lapse?.enabled || !given(lapse.duration) || !expiredAt) continue;
    const terminatesOn = addDays(new Date(expiredAt), lapse.duration);
    if (terminatesOn > today) {
      due(terminatesOn);
      continue;
    }
    const event = { at: `${terminatesOn}T00:00:00.000Z`, by: system.user };
    state.certificates.set(certificate.id, {
      ...certificate,
      status: 'Terminated',
      statusNotes: `Terminated ${lapse.duration} days after expiry (terminateOnExpiration).`,
      revision: certificate.revision + 1,
      audit: { ...certificate.audit, terminated: event, updated: event },
    });
    changed++;
  }
  state.nextExpiry = earliest;
  return changed;
}

// ---------------------------------------------------------------- certificates

function newCertificate(
  ctx: Context,
  program: StoredProgram,
  client: AccountRef,
  scope: object,
  name: string | null | undefined,
  parameters: ParameterBag,
  status: StoredCertificate['status'],
): StoredCertificate {
  const id = ctx.ids.next('CER');
  return {
    id,
    href: paths.certificate(id),
    name: given(name) ? name : `${program.name} - ${client.name}`,
    revision: 0,
    program: programRef(program),
    vendor: program.vendor,
    client,
    applicableTo: program.applicableTo,
    ...scope,
    eligibility: { ...program.eligibility },
    externalIds: {},
    status,
    parameters,
    terms: [],
    audit: {},
  };
}

/** Operations migrates a certificate: Active at once, valid for a year, no enrollment. */
export function createCertificate(ctx: Context, input: CertificateCreate) {
  const program = programOf(ctx, input.program.id);
  requirePublished(program, 'creating a certificate');
  const client = holderOf(ctx, input);
  const scope = scopeOf(ctx, program, client, input);
  const parameters = fillParameters(ctx, program, input.parameters, undefined);
  requireParameters(parameters);
  const template = defaultTemplate(ctx, program.id, 'EnrollmentCompleted');
  const certificate = newCertificate(ctx, program, client, scope, input.name, parameters, 'Active');
  countCertificates(ctx, program.id, 1);
  const saved = save(
    ctx,
    ctx.state.certificates,
    {
      ...certificate,
      expirationDate: addDays(ctx.now, ONE_YEAR_DAYS),
      ...(template ? { template: templateRef(template) } : {}),
    },
    'created',
    'activated',
  );
  noteExpiry(ctx.state, saved);
  return saved;
}

/** Members of a certificate only its vendor and operations may change (others are ignored). */
const vendorCertificateMembers = ['expirationDate', 'externalIds', 'template'] as const;

export function updateCertificate(ctx: Context, id: string, input: CertificateUpdate) {
  const certificate = findCertificate(ctx, id);
  const program = programFor(ctx, certificate);
  if (ctx.actor.role === 'client') {
    const forbidden: string[] = vendorCertificateMembers.filter((key) => given(input[key]));
    if ((input.parameters?.fulfillment ?? []).length > 0) forbidden.push('parameters.fulfillment');
    if (forbidden.length > 0)
      throw refuse('Forbidden', `A client may not change ${forbidden.join(', ')}.`, {
        ...Object.fromEntries(forbidden.map((f) => [f, ['may be changed by the vendor only.']])),
      });
  }
  const template = input.template
    ? templateRef(templateOfProgram(ctx, program.id, input.template.id, 'template.id'))
    : certificate.template;
  const parameters = input.parameters
    ? fillParameters(ctx, program, input.parameters, certificate.parameters as ParameterBag)
    : certificate.parameters;
  const saved = save(ctx, ctx.state.certificates, {
    ...certificate,
    ...(given(input.name) ? { name: input.name } : {}),
    ...(given(input.expirationDate) ? { expirationDate: input.expirationDate } : {}),
    ...(input.externalIds
      ? { externalIds: { ...certificate.externalIds, ...input.externalIds } }
      : {}),
    ...(template ? { template } : {}),
    parameters,
  });
  noteExpiry(ctx.state, saved);
  return saved;
}

export function terminateCertificate(ctx: Context, id: string, input: CertificateTerminate) {
  const certificate = findCertificate(ctx, id);
  const status = nextCertificateStatus(certificate, 'terminate') as StoredCertificate['status'];
  return moveCertificate(ctx, certificate, status, { statusNotes: input.statusNotes.message });
}

/** Resolves `{{placeholders}}` of a template against a certificate. */
function render(
  template: StoredTemplate | undefined,
  certificate: StoredCertificate,
  what: string,
) {
  if (!template)
    throw refuse('ReferenceNotFound', `${what} has no template and its program no default one.`, {
      template: ['no template to render.'],
    });
  const values: Record<string, string> = {
    'certificate.id': certificate.id,
    'certificate.name': certificate.name,
    'certificate.status': certificate.status,
    status: certificate.status,
    'client.name': certificate.client.name ?? '',
    'client.id': certificate.client.id,
    'program.name': certificate.program.name ?? '',
    'program.id': certificate.program.id,
    expirationDate: certificate.expirationDate ?? '',
  };
  for (const p of [
    ...(certificate.parameters.ordering ?? []),
    ...(certificate.parameters.fulfillment ?? []),
  ])
    values[`parameters.${p.externalId ?? p.id}`] = typeof p.value === 'string' ? p.value : '';
  return template.content.replace(
    /\{\{\s*([\w.]+)\s*\}\}/g,
    (_w, key: string) => values[key] ?? '',
  );
}

export function renderCertificate(ctx: Context, id: string): string {
  const certificate = findCertificate(ctx, id);
  const template =
    (certificate.template && ctx.state.templates.get(certificate.template.id)) ||
    defaultTemplate(ctx, certificate.program.id, 'EnrollmentCompleted');
  return render(template, certificate, `Certificate ${id}`);
}

// ---------------------------------------------------------------- enrollments

interface Draft {
  enrollment: StoredEnrollment;
  /** A new certificate created with a New draft (none for a re-enrollment). */
  certificate?: StoredCertificate;
}

/** Everything `createEnrollment` checks and builds, without writing it. */
function draftOf(ctx: Context, input: EnrollmentCreate): Draft {
  const program = programOf(ctx, input.program.id);
  const base = (
    certificate: StoredCertificate,
    type: StoredEnrollment['type'],
    parameters: ParameterBag,
    checks: boolean,
  ): StoredEnrollment => {
    const id = ctx.ids.next('ENR');
    return recordChecks(
      {
        id,
        href: paths.enrollment(id),
        ...(given(input.name) ? { name: input.name } : {}),
        revision: 0,
        type,
        status: 'Draft' as const,
        certificate: { id: certificate.id, href: certificate.href, name: certificate.name },
        program: programRef(program),
        vendor: program.vendor,
        applicableTo: certificate.applicableTo,
        ...(certificate.buyer ? { buyer: certificate.buyer } : {}),
        ...(certificate.licensee ? { licensee: certificate.licensee } : {}),
        eligibility: { ...program.eligibility },
        ...(given(input.notes) ? { notes: input.notes } : {}),
        parameters,
        audit: {},
      },
      checks,
    );
  };
  if (!input.certificate) {
    requirePublished(program, 'enrollment');
    const client = holderOf(ctx, input);
    const scope = scopeOf(ctx, program, client, input);
    const parameters = fillParameters(ctx, program, input.parameters, undefined);
    const certificate = newCertificate(
      ctx,
      program,
      client,
      scope,
      input.name,
      parameters,
      'Pending',
    );
    const checks = program.settings.preValidation.enrollmentDraft === true;
    return { enrollment: base(certificate, 'New', parameters, checks), certificate };
  }
  // Re-enrollment: checked now and again at submit.
  const certificate = findCertificate(ctx, input.certificate.id);
  if (program.id !== certificate.program.id)
    throw refuse(
      'ValidationFailed',
      `Certificate ${certificate.id} belongs to program ${certificate.program.id}, not ${program.id}.`,
      { 'program.id': [`must be ${certificate.program.id}, the certificate's program.`] },
    );
  requirePublished(program, 're-enrollment');
  nextCertificateStatus(certificate, 'reenroll');
  const parameters = fillParameters(
    ctx,
    program,
    input.parameters,
    certificate.parameters as ParameterBag,
  );
  const checks =
    program.settings.preValidation.reEnrollment === true ||
    program.settings.preValidation.enrollmentDraft === true;
  return { enrollment: base(certificate, 'Change', parameters, checks) };
}

export function createEnrollment(ctx: Context, input: EnrollmentCreate) {
  const { enrollment, certificate } = draftOf(ctx, input);
  if (certificate) {
    save(ctx, ctx.state.certificates, certificate, 'created', 'pending');
    countCertificates(ctx, certificate.program.id, 1);
  }
  return save(ctx, ctx.state.enrollments, enrollment, 'created');
}

/** The enrollment a body describes, with every check recorded; nothing is created. */
export function validateEnrollmentDraft(ctx: Context, input: EnrollmentCreate) {
  const { enrollment } = draftOf(ctx, input);
  const stamped = { ...enrollment, parameters: enrollment.parameters as ParameterBag, revision: 1 };
  return recordChecks(stamped, true);
}

/** Members of an enrollment only its vendor and operations may change (others are ignored). */
const vendorEnrollmentMembers = ['assignee', 'statusNotes', 'error', 'template'] as const;

export function updateEnrollment(ctx: Context, id: string, input: EnrollmentUpdate) {
  const enrollment = findEnrollment(ctx, id);
  if (enrollment.status === 'Completed' || enrollment.status === 'Failed')
    throw refuse(
      'EnrollmentTransitionNotAllowed',
      `Enrollment ${id} is ${enrollment.status} and can no longer change.`,
    );
  if (ctx.actor.role === 'client') {
    const forbidden: string[] = vendorEnrollmentMembers.filter((key) => given(input[key]));
    if ((input.parameters?.fulfillment ?? []).length > 0) forbidden.push('parameters.fulfillment');
    if (forbidden.length > 0)
      throw refuse('Forbidden', `A client may not change ${forbidden.join(', ')}.`, {
        ...Object.fromEntries(forbidden.map((f) => [f, ['may be changed by the vendor only.']])),
      });
    if (enrollment.status !== 'Draft' && enrollment.status !== 'Querying')
      throw refuse(
        'EnrollmentTransitionNotAllowed',
        `Enrollment ${id} is ${enrollment.status}: a client may change it only while Draft or Querying.`,
      );
  }
  const program = programFor(ctx, enrollment);
  let assignee = enrollment.assignee;
  if (input.assignee) {
    const user = ctx.state.users.get(input.assignee.id);
    if (!user) throw reference('assignee.id', input.assignee.id, 'User');
    assignee = user;
  }
  const template = input.template
    ? templateRef(templateOfProgram(ctx, program.id, input.template.id, 'template.id'))
    : enrollment.template;
  const parameters = input.parameters
    ? fillParameters(ctx, program, input.parameters, enrollment.parameters as ParameterBag)
    : (enrollment.parameters as ParameterBag);
  const next = recordChecks(
    {
      ...enrollment,
      ...(given(input.notes) ? { notes: input.notes } : {}),
      ...(assignee ? { assignee } : {}),
      ...(input.statusNotes ? { statusNotes: input.statusNotes } : {}),
      ...(input.error ? { error: input.error } : {}),
      ...(template ? { template } : {}),
      parameters,
    },
    enrollment.status === 'Draft' && program.settings.preValidation.enrollmentDraft === true,
  );
  return save(ctx, ctx.state.enrollments, next);
}

export function deleteEnrollment(ctx: Context, id: string) {
  const enrollment = findEnrollment(ctx, id);
  nextEnrollmentStatus(enrollment, 'discard');
  if (enrollment.type === 'New') {
    const certificate = ctx.state.certificates.get(enrollment.certificate.id);
    if (certificate && nextCertificateStatus(certificate, 'discard') === 'removed') {
      ctx.state.certificates.delete(certificate.id);
      countCertificates(ctx, certificate.program.id, -1);
    }
  }
  ctx.state.enrollments.delete(id);
  // Its attachments go with it: nothing is left reachable under a deleted draft.
  removeAllOf(ctx.state, id);
}

export function submitEnrollment(ctx: Context, id: string) {
  const enrollment = findEnrollment(ctx, id);
  const program = programFor(ctx, enrollment);
  const certificate = ctx.state.certificates.get(enrollment.certificate.id)!;
  nextEnrollmentStatus(enrollment, 'submit');
  requirePublished(program, enrollment.type === 'Change' ? 're-enrollment' : 'enrollment');
  const certificateStatus = nextCertificateStatus(
    certificate,
    enrollment.type === 'Change' ? 'reenroll' : 'complete',
  ) as StoredCertificate['status'];
  const parameters = enrollment.parameters as ParameterBag;
  requireParameters(parameters);
  const terms = acceptTerms(ctx, certificate);
  const { error: _cleared, ...clean } = recordChecks({ ...enrollment, parameters }, true);
  if (enrollment.type === 'New' && program.settings.newCertificateAutoapprove) {
    const template = defaultTemplate(ctx, program.id, 'EnrollmentCompleted');
    moveCertificate(ctx, certificate, certificateStatus, {
      expirationDate: addDays(ctx.now, ONE_YEAR_DAYS),
      parameters,
      terms,
      ...(template ? { template: templateRef(template) } : {}),
    });
    return moveEnrollment(ctx, clean, 'Completed', {
      ...(template ? { template: templateRef(template) } : {}),
    });
  }
  if (enrollment.type === 'Change') moveCertificate(ctx, certificate, certificateStatus, { terms });
  else save(ctx, ctx.state.certificates, { ...certificate, terms });
  return moveEnrollment(ctx, clean, 'Processing');
}

export function validateEnrollment(ctx: Context, id: string) {
  const enrollment = findEnrollment(ctx, id);
  if (enrollment.status === 'Completed' || enrollment.status === 'Failed')
    throw refuse(
      'EnrollmentTransitionNotAllowed',
      `Enrollment ${id} is ${enrollment.status}: there is nothing left to validate.`,
    );
  const checked = recordChecks(
    { ...enrollment, parameters: enrollment.parameters as ParameterBag },
    true,
  );
  return save(ctx, ctx.state.enrollments, checked);
}

export function queryEnrollment(ctx: Context, id: string, input: EnrollmentQuery) {
  const enrollment = findEnrollment(ctx, id);
  const status = nextEnrollmentStatus(enrollment, 'query') as StoredEnrollment['status'];
  const program = programFor(ctx, enrollment);
  const template = templateOfProgram(ctx, program.id, input.template.id, 'template.id');
  const next = recordChecks(
    { ...enrollment, parameters: enrollment.parameters as ParameterBag },
    program.settings.preValidation.enrollmentQuerying === true,
  );
  return moveEnrollment(ctx, next, status, {
    template: templateRef(template),
    ...(input.statusNotes ? { statusNotes: input.statusNotes } : {}),
  });
}

export function processEnrollment(ctx: Context, id: string, input: EnrollmentProcess) {
  const enrollment = findEnrollment(ctx, id);
  const status = nextEnrollmentStatus(enrollment, 'process') as StoredEnrollment['status'];
  const template = input.template
    ? templateRef(templateOfProgram(ctx, enrollment.program.id, input.template.id, 'template.id'))
    : enrollment.template;
  return moveEnrollment(ctx, enrollment, status, template ? { template } : {});
}

export function completeEnrollment(ctx: Context, id: string, input: EnrollmentComplete) {
  const enrollment = findEnrollment(ctx, id);
  const status = nextEnrollmentStatus(enrollment, 'complete') as StoredEnrollment['status'];
  const certificate = ctx.state.certificates.get(enrollment.certificate.id)!;
  const certificateStatus = nextCertificateStatus(
    certificate,
    'complete',
  ) as StoredCertificate['status'];
  const found = input.template
    ? templateOfProgram(ctx, enrollment.program.id, input.template.id, 'template.id')
    : defaultTemplate(ctx, enrollment.program.id, 'EnrollmentCompleted');
  const template = found ? templateRef(found) : undefined;
  const today = utcDate(ctx.now);
  if (given(input.expirationDate) && input.expirationDate < today)
    throw refuse('ValidationFailed', `expirationDate ${input.expirationDate} is in the past.`, {
      expirationDate: ['must be today or later.'],
    });
  // A re-enrollment keeps a still-valid expiration date unless a new one is given.
  const expirationDate =
    input.expirationDate ??
    (enrollment.type === 'Change' &&
    certificate.expirationDate &&
    certificate.expirationDate >= today
      ? certificate.expirationDate
      : addDays(ctx.now, ONE_YEAR_DAYS));
  moveCertificate(ctx, certificate, certificateStatus, {
    expirationDate,
    parameters: enrollment.parameters,
    ...(template ? { template } : {}),
    ...(input.externalIds
      ? { externalIds: { ...certificate.externalIds, ...input.externalIds } }
      : {}),
  });
  return moveEnrollment(ctx, enrollment, status, template ? { template } : {});
}

export function failEnrollment(ctx: Context, id: string, input: EnrollmentFail) {
  const enrollment = findEnrollment(ctx, id);
  const status = nextEnrollmentStatus(enrollment, 'fail') as StoredEnrollment['status'];
  const certificate = ctx.state.certificates.get(enrollment.certificate.id)!;
  const certificateStatus = nextCertificateStatus(
    certificate,
    'fail',
  ) as StoredCertificate['status'];
  moveCertificate(ctx, certificate, certificateStatus, { statusNotes: input.statusNotes.message });
  return moveEnrollment(ctx, enrollment, status, { statusNotes: input.statusNotes });
}

const templateTypeFor: Record<StoredEnrollment['status'], TemplateType> = {
  Draft: 'EnrollmentProcessing',
  Processing: 'EnrollmentProcessing',
  Querying: 'EnrollmentQuerying',
  Completed: 'EnrollmentCompleted',
  Failed: 'EnrollmentProcessing',
};

export function renderEnrollment(ctx: Context, id: string): string {
  const enrollment = findEnrollment(ctx, id);
  const certificate = ctx.state.certificates.get(enrollment.certificate.id)!;
  const template =
    (enrollment.template && ctx.state.templates.get(enrollment.template.id)) ||
    defaultTemplate(ctx, enrollment.program.id, templateTypeFor[enrollment.status]);
  return render(
    template,
    { ...certificate, parameters: enrollment.parameters },
    `Enrollment ${id}`,
  );
}

export { findProgram };
