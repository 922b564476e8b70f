/**
 * Partner Center's rules: finding customers and adding qualifications. Every write checks
 * everything first, in the order the spec's `createCustomerQualification` describes, and only
 * then changes the state, so a refused request changes nothing.
 */
import { refuse } from './errors.js';
import type {
  CustomerQualification,
  CustomerRecord,
  PartnerState,
  QualificationName,
  ValidationCode,
} from './state.js';
import { noteInReview, reviewDueAt } from './vetting.js';

export interface Context {
  state: PartnerState;
  now: Date;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (value: string) => GUID.test(value);

/** Customers are keyed by their id in lower case: a GUID names the same tenant in any case. */
export const customerKey = (id: string) => id.toLowerCase();

/** 400 `900118` for an id that is not a GUID, 404 `60003` for one that names no customer. */
export function findCustomer(state: PartnerState, id: string): CustomerRecord {
  if (!isGuid(id)) throw refuse(900118, `The customer id '${clip(id)}' is not a valid GUID.`);
  const record = state.customers.get(customerKey(id));
  if (!record) throw refuse(60003, `No customer with id ${id} was found for this partner.`);
  return record;
}

/** Ids and values quoted back in descriptions are cut short (descriptions are capped). */
const clip = (value: string) => (value.length > 80 ? `${value.slice(0, 77)}...` : value);

// ---------------------------------------------------------------- qualifications

/** The qualifications a partner can request; the other values of the enumeration cannot be set. */
export type SettableQualification = Extract<
  QualificationName,
  'Education' | 'GovernmentCommunityCloud' | 'StateOwnedEntity'
>;
export const settableQualifications: readonly SettableQualification[] = [
  'Education',
  'GovernmentCommunityCloud',
  'StateOwnedEntity',
];
const allQualifications: readonly QualificationName[] = [
  'None',
  'Education',
  'Nonprofit',
  'GovernmentCommunityCloud',
  'StateOwnedEntity',
];
export const isSettable = (value: string): value is SettableQualification =>
  (settableQualifications as readonly string[]).includes(value);

export const educationSegments = ['K12', 'HigherEducation'] as const;

/** Education verification requests allowed per customer. */
export const EDUCATION_REQUEST_LIMIT = 3;

/** A qualification request as either contract gives it, once the keys are normalized. */
export interface QualificationRequest {
  qualification: string;
  educationSegment?: string;
  website?: string;
  validationCode?: string;
}

/**
 * Whether the customer holds a qualification: it has an entry for it, except an Education
 * entry whose vetting was Denied (a new request may replace that one).
 */
export function holds(record: CustomerRecord, qualification: SettableQualification): boolean {
  return record.qualifications.some(
    (entry) =>
      entry.qualification === qualification &&
      !(qualification === 'Education' && entry.vettingStatus === 'Denied'),
  );
}

const present = (value: string | undefined) =>
  value !== undefined && value !== '' ? value : undefined;

/** What a checked request will write. */
type Plan =
  | { kind: 'Education' }
  | { kind: 'GovernmentCommunityCloud'; code: ValidationCode }
  | { kind: 'StateOwnedEntity' };

/**
 * Adds a qualification to a customer and returns it as it now stands. `queryCode` is the older
 * contract's `?code=`; a `validationCode` in the body wins over it.
 */
export function addQualification(
  ctx: Context,
  customerId: string,
  request: QualificationRequest,
  queryCode: string | undefined,
): CustomerQualification {
  const record = findCustomer(ctx.state, customerId);
  const plan = check(ctx.state, record, request, queryCode);
  return write(ctx, record, plan);
}

function check(
  state: PartnerState,
  record: CustomerRecord,
  request: QualificationRequest,
  queryCode: string | undefined,
): Plan {
  const value = request.qualification;
  if (!isSettable(value)) {
    throw refuse(
      900126,
      (allQualifications as readonly string[]).includes(value)
        ? `The qualification '${value}' cannot be set on a customer.`
        : `The value '${clip(value)}' could not be parsed as a qualification.`,
    );
  }

  let plan: Plan;
  switch (value) {
    case 'Education':
      if (
        !(educationSegments as readonly (string | undefined)[]).includes(request.educationSegment)
      )
        throw refuse(
          900127,
          'The Education qualification needs educationSegment K12 or HigherEducation.',
        );
      plan = { kind: 'Education' };
      break;
    case 'GovernmentCommunityCloud': {
      const id = present(request.validationCode) ?? present(queryCode);
      const code = id === undefined ? undefined : state.validationCodes.get(id);
      if (!code)
        throw refuse(
          900128,
          id === undefined
            ? 'GovernmentCommunityCloud needs a validation code (validationCode or ?code=); none was given.'
            : `GovernmentCommunityCloud needs a validation code held by the partner; '${clip(id)}' is not one.`,
        );
      plan = { kind: 'GovernmentCommunityCloud', code };
      break;
    }
    case 'StateOwnedEntity':
      plan = { kind: 'StateOwnedEntity' };
      break;
    default:
      return value satisfies never;
  }

  if (holds(record, value))
    throw refuse(600061, `The customer already has the ${value} qualification.`);
  const other =
    value === 'Education'
      ? 'GovernmentCommunityCloud'
      : value === 'GovernmentCommunityCloud'
        ? 'Education'
        : undefined;
  if (other && holds(record, other))
    throw refuse(
      900130,
      `A customer cannot hold both Education and GovernmentCommunityCloud; this one already has ${other}.`,
    );
  if (plan.kind === 'Education' && record.educationRequests >= EDUCATION_REQUEST_LIMIT)
    throw refuse(
      900131,
      `Education verification has already been requested ${EDUCATION_REQUEST_LIMIT} times for this customer.`,
    );
  if (plan.kind === 'GovernmentCommunityCloud' && plan.code.remainingCreates <= 0)
    throw refuse(900129, `The validation code ${plan.code.validationId} has no creates left.`);
  return plan;
}

function write(ctx: Context, record: CustomerRecord, plan: Plan): CustomerQualification {
  const at = ctx.now.toISOString();
  let entry: CustomerQualification;
  switch (plan.kind) {
    case 'Education': {
      entry = { qualification: 'Education', vettingStatus: 'InReview', vettingCreateDate: at };
      // A Denied request is replaced in place (it is the only Education entry there can be).
      const denied = record.qualifications.findIndex((q) => q.qualification === 'Education');
      if (denied === -1) record.qualifications.push(entry);
      else record.qualifications[denied] = entry;
      record.educationRequests += 1;
      noteInReview(ctx.state, reviewDueAt(entry));
      break;
    }
    case 'GovernmentCommunityCloud':
      entry = {
        qualification: 'GovernmentCommunityCloud',
        vettingStatus: 'Approved',
        vettingCreateDate: at,
      };
      record.qualifications.push(entry);
      plan.code.remainingCreates -= 1;
      plan.code.eTag = nextETag(plan.code.eTag, ctx.now);
      break;
    case 'StateOwnedEntity':
      entry = { qualification: 'StateOwnedEntity' };
      record.qualifications.push(entry);
      break;
    default:
      return plan satisfies never;
  }
  return { ...entry };
}

/**
 * A new eTag in the form Azure storage uses (`"0x"` + the hex of a Windows file time), always
 * greater than the previous one even when the virtual clock has not moved.
 */
export function nextETag(previous: string, now: Date): string {
  const fileTime = BigInt(now.getTime()) * 10_000n + 116_444_736_000_000_000n;
  const match = /^"?0x([0-9a-f]+)"?$/i.exec(previous);
  const after = match ? BigInt(`0x${match[1]!}`) + 1n : 0n;
  const value = fileTime > after ? fileTime : after;
  return `"0x${value.toString(16).toUpperCase()}"`;
}

// ---------------------------------------------------------------- customers

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 500;

/** One page of customers, in the order they were loaded. */
export function customerPage(state: PartnerState, offset: number, size: number) {
  const all = [...state.customers.values()];
  return {
    items: all.slice(offset, offset + size).map((record) => record.customer),
    more: offset + size < all.length,
  };
}
