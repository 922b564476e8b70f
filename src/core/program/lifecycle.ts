/**
 * The lifecycles as data: a transition table per object. A refused transition names the rule
 * it breaks; the switches are exhaustive (`satisfies never`), so adding a status or an event to
 * the spec fails compilation here until it is handled.
 */
import type {
  CertificateStatus,
  EnrollmentStatus,
  ProblemCode,
  ProgramStatus,
  StoredTemplate,
} from './model.js';

export type CertificateEvent =
  'complete' | 'fail' | 'expire' | 'lapse' | 'reenroll' | 'terminate' | 'discard';
export type EnrollmentEvent =
  'submit' | 'approve' | 'discard' | 'query' | 'process' | 'complete' | 'fail';
export type ProgramEvent = 'publish' | 'unpublish' | 'delete';
export type TemplateEvent = 'delete';
export type ContentEvent = 'publish' | 'unpublish' | 'delete';

/** `removed`: the object is gone afterwards (a discarded draft, a deleted program). */
type Table<S extends string, E extends string> = Record<S, Partial<Record<E, S | 'removed'>>>;

export const certificateTransitions = {
  Pending: { complete: 'Active', fail: 'Terminated', discard: 'removed' },
  Updating: { complete: 'Active', fail: 'Terminated' },
  Active: { expire: 'Expired', reenroll: 'Updating', terminate: 'Terminated' },
  Expired: { reenroll: 'Updating', lapse: 'Terminated' },
  Terminated: {},
} as const satisfies Table<CertificateStatus, CertificateEvent>;

export const enrollmentTransitions = {
  Draft: { submit: 'Processing', approve: 'Completed', discard: 'removed' },
  Processing: { query: 'Querying', complete: 'Completed', fail: 'Failed' },
  Querying: { process: 'Processing', fail: 'Failed' },
  Completed: {},
  Failed: {},
} as const satisfies Table<EnrollmentStatus, EnrollmentEvent>;

export const programTransitions = {
  Draft: { publish: 'Published', delete: 'removed' },
  Published: { unpublish: 'Unpublished' },
  Unpublished: { publish: 'Published' },
  Deleted: {},
} as const satisfies Table<ProgramStatus, ProgramEvent>;

export const templateTransitions = {
  Active: { delete: 'Deleted' },
  Deleted: {},
} as const satisfies Table<StoredTemplate['status'], TemplateEvent>;

/** Documents, media, terms and variants: published and unpublished by the vendor. */
export const contentTransitions = {
  Draft: { publish: 'Published', delete: 'Deleted' },
  Published: { unpublish: 'Unpublished', delete: 'Deleted' },
  Unpublished: { publish: 'Published', delete: 'Deleted' },
  Deleted: {},
} as const satisfies Table<'Draft' | 'Published' | 'Unpublished' | 'Deleted', ContentEvent>;

export type Outcome<S> = { ok: true; to: S } | { ok: false; code: ProblemCode };

function lookup<S extends string, E extends string>(table: Table<S, E>, from: S, event: E) {
  return (table[from] as Partial<Record<E, S | 'removed'>>)[event];
}

export function certificateTransition(
  from: CertificateStatus,
  event: CertificateEvent,
): Outcome<CertificateStatus | 'removed'> {
  const to = lookup<CertificateStatus, CertificateEvent>(certificateTransitions, from, event);
  if (to) return { ok: true, to };
  switch (event) {
    case 'reenroll':
      return {
        ok: false,
        code: from === 'Terminated' ? 'CertificateTerminated' : 'CertificateNotReenrollable',
      };
    case 'terminate':
      return { ok: false, code: 'CertificateNotActive' };
    case 'complete':
    case 'fail':
    case 'expire':
    case 'lapse':
    case 'discard':
      // Reached only through an enrollment or the clock, which check their own state first.
      return { ok: false, code: 'EnrollmentTransitionNotAllowed' };
    default:
      return event satisfies never;
  }
}

export function enrollmentTransition(
  from: EnrollmentStatus,
  event: EnrollmentEvent,
): Outcome<EnrollmentStatus | 'removed'> {
  const to = lookup<EnrollmentStatus, EnrollmentEvent>(enrollmentTransitions, from, event);
  return to ? { ok: true, to } : { ok: false, code: 'EnrollmentTransitionNotAllowed' };
}

export function programTransition(
  from: ProgramStatus,
  event: ProgramEvent,
): Outcome<ProgramStatus | 'removed'> {
  const to = lookup<ProgramStatus, ProgramEvent>(programTransitions, from, event);
  return to ? { ok: true, to } : { ok: false, code: 'ProgramTransitionNotAllowed' };
}

export function contentTransition(
  from: keyof typeof contentTransitions,
  event: ContentEvent,
): Outcome<keyof typeof contentTransitions | 'removed'> {
  const to = lookup<keyof typeof contentTransitions, ContentEvent>(contentTransitions, from, event);
  return to ? { ok: true, to } : { ok: false, code: 'SubResourceTransitionNotAllowed' };
}

/** The audit event recorded when an object enters a status. */
export function certificateAuditEvent(status: CertificateStatus) {
  switch (status) {
    case 'Pending':
      return 'pending';
    case 'Updating':
      return 'updating';
    case 'Active':
      return 'activated';
    case 'Expired':
      return 'expired';
    case 'Terminated':
      return 'terminated';
    default:
      return status satisfies never;
  }
}

export function enrollmentAuditEvent(status: EnrollmentStatus) {
  switch (status) {
    case 'Draft':
      return 'created';
    case 'Processing':
      return 'processing';
    case 'Querying':
      return 'querying';
    case 'Completed':
      return 'completed';
    case 'Failed':
      return 'failed';
    default:
      return status satisfies never;
  }
}

export function programAuditEvent(status: ProgramStatus) {
  switch (status) {
    case 'Draft':
      return 'created';
    case 'Published':
      return 'published';
    case 'Unpublished':
      return 'unpublished';
    case 'Deleted':
      return 'deleted';
    default:
      return status satisfies never;
  }
}
