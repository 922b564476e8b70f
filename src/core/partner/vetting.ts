/**
 * How an Education review ends: either someone decides it through the control API (`decide`),
 * or the default policy does when the virtual clock reaches the review's due time
 * (`settleVetting`).
 *
 * Default policy: an Education request still InReview 3 days after its `vettingCreateDate` is
 * Approved when the customer's domain is academic (ends in `.edu` or `.edu.<country code>`),
 * otherwise Denied with the reason "Not an Academic Domain".
 */
import type { Coverage } from '../coverage.js';
import type { CustomerQualification, CustomerRecord, PartnerState } from './state.js';

export const REVIEW_DAYS = 3;
const REVIEW_MS = REVIEW_DAYS * 86_400_000;
export const NOT_ACADEMIC = 'Not an Academic Domain';
/** The reason given when a Denied decision from the control API names none. */
export const DEFAULT_DENIAL = 'Not an Education Customer';

export const isAcademicDomain = (domain: string) => /\.edu(\.[a-z]{2})?\.?$/i.test(domain);

export type Decision = { status: 'Approved' } | { status: 'Denied'; reason: string };

export function defaultDecision(record: CustomerRecord): Decision {
  return isAcademicDomain(record.customer.companyProfile.domain)
    ? { status: 'Approved' }
    : { status: 'Denied', reason: NOT_ACADEMIC };
}

/** When the default policy decides a review (ms since the epoch; NaN for a bad date). */
export const reviewDueAt = (entry: CustomerQualification) =>
  Date.parse(entry.vettingCreateDate ?? '') + REVIEW_MS;

const inReview = (entry: CustomerQualification) =>
  entry.qualification === 'Education' && entry.vettingStatus === 'InReview';

/** The entry as decided: a new object (stored entries are never changed in place). */
function decided(entry: CustomerQualification, decision: Decision): CustomerQualification {
  // vettingReason and vettingCreateDate come last, in the order the vendor's examples show.
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry))
    if (key !== 'vettingReason' && key !== 'vettingCreateDate') out[key] = value;
  out.vettingStatus = decision.status;
  if (decision.status === 'Denied') out.vettingReason = decision.reason;
  if (entry.vettingCreateDate !== undefined) out.vettingCreateDate = entry.vettingCreateDate;
  return out as CustomerQualification;
}

/** Replaces a record's entry by its decided form, in a new record under the same key. */
function store(
  state: PartnerState,
  key: string,
  record: CustomerRecord,
  entry: CustomerQualification,
  decision: Decision,
): CustomerQualification {
  const made = decided(entry, decision);
  state.customers.set(key, {
    ...record,
    qualifications: record.qualifications.map((q) => (q === entry ? made : q)),
  });
  return made;
}

/** Counts a decided review as its transition (coverage ids, src/core/coverage.ts). */
function countDecision(coverage: Coverage | undefined, status: 'Approved' | 'Denied'): void {
  coverage?.hit(
    status === 'Approved'
      ? 'partner.Education:InReview->Approved'
      : 'partner.Education:InReview->Denied',
  );
}

/**
 * The earliest due time of any review in a state, or a time no later than it (Infinity: no
 * review pending). Kept beside the state rather than in it so that fixtures and dumps stay pure
 * data; a state not seen yet is scanned once.
 */
const nextDue = new WeakMap<PartnerState, number>();

/** Tells the sweep about a new review (the service calls it when it starts one). */
export function noteInReview(state: PartnerState, dueAt: number): void {
  const known = nextDue.get(state);
  if (known !== undefined && dueAt < known) nextDue.set(state, dueAt);
}

/** Forgets what is known of a state (after it was replaced or changed behind the service). */
export const forgetDue = (state: PartnerState) => nextDue.delete(state);

/**
 * Applies the default policy to every review that is due at `now`; returns how many it decided.
 * Runs before every request, so it returns at once while nothing is due.
 */
export function settleVetting(state: PartnerState, now: Date, coverage?: Coverage): number {
  const at = now.getTime();
  const known = nextDue.get(state);
  if (known !== undefined && at < known) return 0;
  const due: [CustomerRecord, CustomerQualification][] = [];
  let earliest = Infinity;
  for (const record of state.customers.values()) {
    for (const entry of record.qualifications) {
      if (!inReview(entry)) continue;
      const dueAt = reviewDueAt(entry);
      if (dueAt <= at) due.push([record, entry]);
      else if (dueAt < earliest) earliest = dueAt;
    }
  }
  nextDue.set(state, earliest);
  if (due.length === 0) return 0;
  // A customer has at most one review: one new record per decision, under the record's key.
  const keys = new Map<CustomerRecord, string>();
  for (const [key, record] of state.customers) keys.set(record, key);
  for (const [record, entry] of due) {
    const decision = defaultDecision(record);
    store(state, keys.get(record)!, record, entry, decision);
    countDecision(coverage, decision.status);
  }
  return due.length;
}

/** What the control API asks: decide a customer's review now. */
export interface VettingDecision {
  qualification: string;
  status: string;
  reason?: string;
}

export type DecideResult =
  | { ok: true; qualification: CustomerQualification }
  | { ok: false; status: 400 | 404 | 409; message: string };

/**
 * Decides a review by hand: 400 for a decision that is not one, 404 for an unknown customer,
 * 409 when the customer has no Education request InReview. Run `settleVetting` first so a
 * review the default policy has already decided is not decided twice.
 */
export function decide(
  state: PartnerState,
  customerId: string,
  decision: VettingDecision,
  coverage?: Coverage,
): DecideResult {
  const fail = (status: 400 | 404 | 409, message: string): DecideResult => ({
    ok: false,
    status,
    message,
  });
  if (decision.qualification !== 'Education')
    return fail(400, '"qualification" must be "Education" (the only qualification under review).');
  if (decision.status !== 'Approved' && decision.status !== 'Denied')
    return fail(400, '"status" must be "Approved" or "Denied".');
  if (decision.reason !== undefined && typeof decision.reason !== 'string')
    return fail(400, '"reason" must be a string.');
  if (decision.reason !== undefined && decision.status !== 'Denied')
    return fail(400, '"reason" is only given with "status": "Denied".');
  const key = customerId.toLowerCase();
  const record = state.customers.get(key);
  if (!record) return fail(404, `No customer with id ${customerId}.`);
  const entry = record.qualifications.find(inReview);
  if (!entry) {
    const current = record.qualifications.find((q) => q.qualification === 'Education');
    return fail(
      409,
      current
        ? `The customer's Education request is ${current.vettingStatus ?? 'not vetted'}, not InReview.`
        : 'The customer has no Education request to decide.',
    );
  }
  const made = store(
    state,
    key,
    record,
    entry,
    decision.status === 'Approved'
      ? { status: 'Approved' }
      : { status: 'Denied', reason: decision.reason ?? DEFAULT_DENIAL },
  );
  countDecision(coverage, decision.status);
  return { ok: true, qualification: { ...made } };
}
