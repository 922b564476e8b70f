/**
 * The rules of enrollments as the vendor's client drives them: a draft is created, changed,
 * validated and submitted (or discarded); then queried, processed, completed or failed. Each
 * function checks everything first and only then writes, so a refused request changes nothing.
 */
import { utcDate } from '../clock.js';
import {
  addDays,
  given,
  ONE_YEAR_DAYS,
  paths,
  programRef,
  reference,
  refuse,
  save,
  templateOfProgram,
  templateRef,
  type Context,
} from './common.js';
import { removeAllOf } from './engine.js';
import type {
  EnrollmentComplete,
  EnrollmentCreate,
  EnrollmentFail,
  EnrollmentProcess,
  EnrollmentQuery,
  EnrollmentUpdate,
  StoredCertificate,
  StoredEnrollment,
  TemplateType,
} from './model.js';
import { fillParameters, requireParameters, type ParameterBag } from './parameters.js';
import {
  acceptTerms,
  countCertificates,
  defaultTemplate,
  findCertificate,
  findEnrollment,
  holderOf,
  moveCertificate,
  moveEnrollment,
  newCertificate,
  nextCertificateStatus,
  nextEnrollmentStatus,
  programFor,
  programOf,
  recordChecks,
  render,
  requirePublished,
  scopeOf,
} from './service.js';

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
    requirePublished(ctx, program, 'enrollment');
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
  requirePublished(ctx, program, 're-enrollment');
  nextCertificateStatus(ctx, certificate, 'reenroll');
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
    ctx.coverage.hit('program.certificate:new->Pending');
    countCertificates(ctx, certificate.program.id, 1);
  }
  ctx.coverage.hit('program.enrollment:new->Draft');
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
    if (certificate && nextCertificateStatus(ctx, certificate, 'discard') === 'removed') {
      ctx.state.certificates.delete(certificate.id);
      ctx.coverage.hit('program.certificate:Pending->removed');
      countCertificates(ctx, certificate.program.id, -1);
    }
  }
  ctx.state.enrollments.delete(id);
  ctx.coverage.hit('program.enrollment:Draft->removed');
  // Its attachments go with it: nothing is left reachable under a deleted draft.
  removeAllOf(ctx.state, id);
}

export function submitEnrollment(ctx: Context, id: string) {
  const enrollment = findEnrollment(ctx, id);
  const program = programFor(ctx, enrollment);
  const certificate = ctx.state.certificates.get(enrollment.certificate.id)!;
  nextEnrollmentStatus(enrollment, 'submit');
  requirePublished(ctx, program, enrollment.type === 'Change' ? 're-enrollment' : 'enrollment');
  const certificateStatus = nextCertificateStatus(
    ctx,
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
    ctx,
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
    ctx,
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
