/**
 * Partner Center's rules: finding customers and adding qualifications. Every write checks
 * everything first, in the order the spec's `createCustomerQualification` describes, and only
 * then changes the state, so a refused request changes nothing.
 */
import type { Coverage } from '../coverage.js';
import { listPage } from '../list.js';
import { refuse } from './errors.js';
import type {
  Customer,
  CustomerQualification,
  CustomerRecord,
  PartnerState,
  QualificationName,
  SettableQualification,
  ValidationCode,
} from './state.js';
import { noteInReview, reviewDueAt } from './vetting.js';

export interface Context {
  state: PartnerState;
  now: Date;
  coverage: Coverage;
}

/** The forms .NET's `Guid` parses: plain (D), braced (B), in parentheses (P), digits only (N). */
const GUID_FORMS = [
  /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})$/i,
  /^\{([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}$/i,
  /^\(([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\)$/i,
  /^([0-9a-f]{8})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{4})([0-9a-f]{12})$/i,
];

/** A GUID in its plain lower-case form, whatever form it was given in; undefined if none. */
export function plainGuid(value: string): string | undefined {
  for (const form of GUID_FORMS) {
    const parts = form.exec(value);
    if (parts) return parts.slice(1).join('-').toLowerCase();
  }
  return undefined;
}
export const isGuid = (value: string) => plainGuid(value) !== undefined;

/** Customers are keyed by their plain GUID: one tenant, whatever case or form names it. */
export const customerKey = (id: string) => plainGuid(id) ?? id.toLowerCase();

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

export type { SettableQualification };
export const settableQualifications: readonly SettableQualification[] = [
  'Education',
  'GovernmentCommunityCloud',
  'StateOwnedEntity',
];
export const isSettable = (value: string): value is SettableQualification =>
  (settableQualifications as readonly string[]).includes(value);

export const educationSegments = ['K12', 'HigherEducation'] as const;

/**
 * The value of `names` a client meant: the same letters whatever their case, with or without
 * the `_` of the SDK's enum wire form (`state_owned_entity`, `STATEOWNEDENTITY`); else the value
 * as given.
 */
export function canonicalName<T extends string>(value: string, names: readonly T[]): T | string {
  const folded = value.replace(/_/g, '').toLowerCase();
  return names.find((name) => name.toLowerCase() === folded) ?? value;
}

/** The .NET SDK's enum wire form: `GovernmentCommunityCloud` -> `government_community_cloud`. */
export const wireForm = (name: string) =>
  name.replace(/[A-Z]/g, (letter, at: number) => (at > 0 ? '_' : '') + letter.toLowerCase());

export const qualificationNames = [
  'None',
  'Education',
  'Nonprofit',
  'GovernmentCommunityCloud',
  'StateOwnedEntity',
] as const satisfies readonly QualificationName[];

/** Education verification requests allowed per customer. */
export const EDUCATION_REQUEST_LIMIT = 3;

/** A qualification request as either contract gives it, once the keys are normalized. */
export interface QualificationRequest {
  qualification: string;
  educationSegment?: string;
  website?: string;
  validationCode?: string;
  /**
   * Whether Education needs `educationSegment` (the deprecated PUT's bare string cannot carry
   * one, so there it does not). Default: it does.
   */
  segmentRequired?: boolean;
}

/** Whether an entry counts as held: every entry, except an Education one that was Denied. */
export const isHeld = (entry: CustomerQualification) =>
  !(entry.qualification === 'Education' && entry.vettingStatus === 'Denied');

/**
 * Whether the customer holds a qualification: it has an entry for it, except an Education
 * entry whose vetting was Denied (a new request may replace that one).
 */
export function holds(record: CustomerRecord, qualification: SettableQualification): boolean {
  return record.qualifications.some(
    (entry) => entry.qualification === qualification && isHeld(entry),
  );
}

/** The first qualification a customer holds (what the deprecated single-value read reports). */
export const firstHeld = (record: CustomerRecord): QualificationName =>
  record.qualifications.find(isHeld)?.qualification ?? 'None';

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
  const plan = check(ctx, record, request, queryCode);
  return write(ctx, record, plan);
}

function check(
  { state, coverage }: Context,
  record: CustomerRecord,
  request: QualificationRequest,
  queryCode: string | undefined,
): Plan {
  const value = request.qualification;
  if (!isSettable(value)) {
    throw refuse(
      900126,
      (qualificationNames as readonly string[]).includes(value)
        ? `The qualification '${value}' cannot be set on a customer.`
        : `The value '${clip(value)}' could not be parsed as a qualification.`,
    );
  }

  if (
    value === 'Education' &&
    request.segmentRequired !== false &&
    !(educationSegments as readonly (string | undefined)[]).includes(request.educationSegment)
  )
    throw refuse(
      900127,
      'The Education qualification needs educationSegment K12 or HigherEducation.',
    );
  if (holds(record, value))
    throw refuse(600061, `The customer already has the ${value} qualification.`);
  const other =
    value === 'Education'
      ? 'GovernmentCommunityCloud'
      : value === 'GovernmentCommunityCloud'
        ? 'Education'
        : undefined;
  // Before the validation code: Microsoft's sample expects this answer for a made-up code.
  if (other && holds(record, other) && !coverage.mutated('partner.rule:900130'))
    throw refuse(
      900130,
      `A customer cannot hold both Education and GovernmentCommunityCloud; this one already has ${other}.`,
    );

  let plan: Plan;
  switch (value) {
    case 'Education':
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

  if (plan.kind === 'Education' && record.educationRequests >= EDUCATION_REQUEST_LIMIT)
    throw refuse(
      900131,
      `Education verification has already been requested ${EDUCATION_REQUEST_LIMIT} times for this customer.`,
    );
  if (plan.kind === 'GovernmentCommunityCloud' && plan.code.remainingCreates <= 0)
    throw refuse(900129, `The validation code ${plan.code.validationId} has no creates left.`);
  return plan;
}

/**
 * Writes a checked request. Stored records and codes are never changed in place: the changed
 * ones are new objects put in their maps (a reset then shares the seeded ones, and an answer
 * is serialized straight from them).
 */
function write(ctx: Context, record: CustomerRecord, plan: Plan): CustomerQualification {
  const at = ctx.now.toISOString();
  let entry: CustomerQualification;
  let next: CustomerRecord;
  switch (plan.kind) {
    case 'Education': {
      entry = { qualification: 'Education', vettingStatus: 'InReview', vettingCreateDate: at };
      // A Denied request is replaced in place (it is the only Education entry there can be).
      const denied = record.qualifications.findIndex((q) => q.qualification === 'Education');
      next = {
        ...record,
        qualifications:
          denied === -1
            ? [...record.qualifications, entry]
            : record.qualifications.map((q, i) => (i === denied ? entry : q)),
        educationRequests: record.educationRequests + 1,
      };
      ctx.coverage.hit(
        denied === -1 ? 'partner.Education:new->InReview' : 'partner.Education:Denied->InReview',
      );
      noteInReview(ctx.state, reviewDueAt(entry));
      break;
    }
    case 'GovernmentCommunityCloud':
      entry = {
        qualification: 'GovernmentCommunityCloud',
        vettingStatus: 'Approved',
        vettingCreateDate: at,
      };
      next = { ...record, qualifications: [...record.qualifications, entry] };
      ctx.coverage.hit('partner.GovernmentCommunityCloud:new->Approved');
      if (ctx.coverage.mutated('partner.rule:gcc-code-consumed')) break;
      ctx.state.validationCodes.set(plan.code.validationId, {
        ...plan.code,
        remainingCreates: plan.code.remainingCreates - 1,
        eTag: nextETag(plan.code.eTag, ctx.now),
      });
      ctx.coverage.hit('partner.rule:gcc-code-consumed');
      break;
    case 'StateOwnedEntity':
      entry = { qualification: 'StateOwnedEntity' };
      next = { ...record, qualifications: [...record.qualifications, entry] };
      ctx.coverage.hit('partner.StateOwnedEntity:new->Held');
      break;
    default:
      return plan satisfies never;
  }
  ctx.state.customers.set(customerKey(record.customer.id), next);
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

function* customersOf(state: PartnerState) {
  for (const record of state.customers.values()) yield record.customer;
}

/** One page of customers, in the order they were loaded (the list engine, unfiltered). */
export function customerPage(state: PartnerState, offset: number, size: number) {
  const query = { filter: undefined, order: [], select: undefined, offset, limit: size };
  const { total, data } = listPage(customersOf(state), query);
  return { items: data as Customer[], more: offset + size < total };
}
