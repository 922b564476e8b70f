/**
 * The rules of certificates, and the steps certificates and enrollments share (visibility,
 * holder and scope, the lifecycle moves, the clock's changes, terms). Enrollments are in
 * enrollments.ts. Each function checks everything first and only then writes, so a refused
 * request changes nothing.
 */
import { utcDate } from '../clock.js';
import { programRuleIds, transitionIds, type Coverage } from '../coverage.js';
import {
  accountRef,
  addDays,
  buyerRef,
  findProgram,
  given,
  licenseeRef,
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
  certificateTransitions,
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
import type { ProgramState } from './state.js';

export type { Context } from './common.js';

// ---------------------------------------------------------------- visibility

/** Certificates: a client sees its own, a vendor those of its programs. */
export function canSeeCertificate(actor: Actor, certificate: StoredCertificate): boolean {
  switch (actor.role) {
    case 'operations':
      return true;
    case 'vendor':
      // `vendor` is optional in the spec: a fixture may leave it out.
      return certificate.vendor?.id === actor.account?.id;
    case 'client':
      return certificate.client.id === actor.account?.id;
    default:
      return actor.role satisfies never;
  }
}

/** `canSeeCertificate` as a field the certificates are indexed by (none for operations). */
export function certificateScope(actor: Actor): { path: string[]; values: string[] } | undefined {
  const account = actor.account?.id;
  if (account === undefined || actor.role === 'operations') return undefined;
  return { path: [actor.role === 'vendor' ? 'vendor' : 'client', 'id'], values: [account] };
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
      return enrollment.status !== 'Draft' && enrollment.vendor?.id === actor.account?.id;
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
export function holderOf(ctx: Context, input: { client?: { id: string } }): AccountRef {
  if (ctx.actor.role === 'client') return clientAccount(ctx, 'client.id', ctx.actor.account!.id);
  if (!input.client)
    throw refuse('ValidationFailed', 'client is required.', {
      client: ['client is required when operations acts for a client.'],
    });
  return clientAccount(ctx, 'client.id', input.client.id);
}

/** `applicableTo` of the program decides whether a buyer or a licensee is required. */
export function scopeOf(
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
    return { buyer: buyerRef(buyer, client) };
  }
  const licensee = ctx.state.licensees.get(ref.id);
  if (!licensee || licensee.client !== client.id)
    throw reference('licensee.id', ref.id, 'Licensee');
  return { licensee: licenseeRef(licensee, client) };
}

export function requirePublished(ctx: Context, program: StoredProgram, doing: string) {
  if (program.status !== 'Published' && !ctx.coverage.mutated('program.rule:ProgramNotPublished'))
    throw refuse(
      'ProgramNotPublished',
      `Program ${program.id} is ${program.status}: ${doing} is only possible for a Published program.`,
    );
}

export function programOf(ctx: Context, id: string): StoredProgram {
  const program = ctx.state.programs.get(id);
  if (!program || program.status === 'Deleted') throw reference('program.id', id, 'Program');
  return program;
}

export const programFor = (ctx: Context, held: { program: { id: string } }) =>
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
export function nextCertificateStatus(
  ctx: Context,
  certificate: StoredCertificate,
  event: CertificateEvent,
) {
  const outcome = certificateTransition(certificate.status, event);
  if (outcome.ok) return outcome.to;
  if (mutatedAway(ctx.coverage, outcome.code)) return eventTarget(event);
  throw refuse(outcome.code, certificateRefusal(certificate, outcome.code));
}

/** A mutant without the rule `code`: the refused event goes where it goes from elsewhere. */
const mutatedAway = (coverage: Coverage, code: ProblemCode) =>
  coverage.mutant !== undefined && coverage.mutant === programRuleIds[code];
const eventTarget = (event: CertificateEvent) =>
  Object.values(certificateTransitions)
    .map((events) => (events as Partial<Record<CertificateEvent, string>>)[event])
    .find((to) => to !== undefined) as StoredCertificate['status'] | 'removed';

export function nextEnrollmentStatus(enrollment: StoredEnrollment, event: EnrollmentEvent) {
  const outcome = enrollmentTransition(enrollment.status, event);
  if (!outcome.ok)
    throw refuse(
      outcome.code,
      `Enrollment ${enrollment.id} is ${enrollment.status}: it cannot ${event} from there.`,
    );
  return outcome.to;
}

export function moveCertificate(
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
  ctx.coverage.hit(transitionIds.certificate[certificate.status]?.[status]);
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

export function moveEnrollment(
  ctx: Context,
  enrollment: StoredEnrollment,
  status: StoredEnrollment['status'],
  extra: Partial<StoredEnrollment> = {},
) {
  ctx.coverage.hit(transitionIds.enrollment[enrollment.status]?.[status]);
  return save(
    ctx,
    ctx.state.enrollments,
    { ...enrollment, ...extra, status },
    enrollmentAuditEvent(status),
  );
}

/** The default template of a type, for a certificate or enrollment that names none. */
export function defaultTemplate(ctx: Context, programId: string, type: TemplateType) {
  return templatesOf(ctx.state, programId, type)[0];
}

export function countCertificates(ctx: Context, programId: string, delta: number) {
  const program = ctx.state.programs.get(programId);
  if (program)
    ctx.state.programs.set(programId, {
      ...program,
      statistics: { certificates: Math.max(0, (program.statistics.certificates ?? 0) + delta) },
    });
}

/** Parameter checks recorded on an enrollment (`error` and each parameter's `error`). */
export function recordChecks<T extends { parameters: ParameterBag; error?: Message }>(
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
  // `terms` is optional in the spec: a fixture may leave it out.
  const held = certificate.terms ?? [];
  if (published.length === 0 && held.length === 0) return certificate;
  const accepted = new Map(held.map((t) => [t.id, t]));
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
export function acceptTerms(ctx: Context, certificate: StoredCertificate) {
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
export function expireDue(
  state: ProgramState,
  now: Date,
  system: Actor,
  coverage?: Coverage,
): number {
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
      const late = coverage?.mutated('program.certificate:Active->Expired') ? 1 : 0;
      const expiresOn = addDays(new Date(`${certificate.expirationDate}T00:00:00.000Z`), 1 + late);
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
      coverage?.hit('program.certificate:Active->Expired');
      changed++;
    }
    if (certificate.status !== 'Expired') continue;
    const lapse = state.programs.get(certificate.program.id)?.settings.terminateOnExpiration;
    const expiredAt = certificate.audit.expired?.at;
    if (!lapse?.enabled || !given(lapse.duration) || !expiredAt) continue;
    const late = coverage?.mutated('program.certificate:Expired->Terminated') ? 1 : 0;
    const terminatesOn = addDays(new Date(expiredAt), lapse.duration + late);
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
    coverage?.hit('program.certificate:Expired->Terminated');
    changed++;
  }
  state.nextExpiry = earliest;
  return changed;
}

// ---------------------------------------------------------------- certificates

export function newCertificate(
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
  requirePublished(ctx, program, 'creating a certificate');
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
  ctx.coverage.hit('program.certificate:new->Active');
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
  const status = nextCertificateStatus(
    ctx,
    certificate,
    'terminate',
  ) as StoredCertificate['status'];
  return moveCertificate(ctx, certificate, status, { statusNotes: input.statusNotes.message });
}

/** Resolves `{{placeholders}}` of a template against a certificate. */
export function render(
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
    ...(certificate.parameters?.ordering ?? []),
    ...(certificate.parameters?.fulfillment ?? []),
  ])
    values[`parameters.${p.externalId ?? p.id}`] = typeof p.value === 'string' ? p.value : '';
  // `content` is optional in the spec: a template without it renders as empty.
  return (template.content ?? '').replace(
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

export { findProgram };
