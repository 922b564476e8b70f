/** Loading a Partner Center fixture, the clock-driven vetting policy, and the default seed. */
import { isRecord, validate } from '../../schema/index.js';
import { SeedError } from '../seed-error.js';
import { customerKey, EDUCATION_REQUEST_LIMIT, isGuid, isSettable } from './service.js';
import type {
  Customer,
  CustomerQualification,
  CustomerRecord,
  PartnerActor,
  PartnerSeed,
  PartnerState,
  RememberedRequest,
  ValidationCode,
} from './state.js';
import { requestKey } from './state.js';
import { forgetDue } from './vetting.js';

export { settleVetting } from './vetting.js';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Checks a value against a schema of the spec; throws SeedError naming where it failed. */
type Conform = (schema: string, value: unknown, where: string) => void;

const conformToSpec: Conform = (schema, value, where) => {
  const errors = validate('partner-center', `#/components/schemas/${schema}`, value);
  if (errors.length > 0) {
    const list = errors.map((e) => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`);
    throw new SeedError(`${where}: not a valid ${schema} (${list.join('; ')})`);
  }
};

/** The kit's own default seed is held to the spec by its tests: its first load checks no schema. */
const trusted: Conform = () => undefined;

function listOf(seed: Record<string, unknown>, key: string): unknown[] {
  const value = seed[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new SeedError(`partnerCenter.${key} must be an array`);
  return value;
}

function loadQualifications(
  where: string,
  raw: unknown,
  conform: Conform,
): CustomerQualification[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new SeedError(`${where}.qualifications must be an array`);
  const list: CustomerQualification[] = [];
  raw.forEach((item, i) => {
    const at = `${where}.qualifications[${i}]`;
    conform('CustomerQualification', item, at);
    const entry = copy(item as CustomerQualification);
    const name = entry.qualification;
    if (!isSettable(name)) throw new SeedError(`${at}: ${name} cannot be held by a customer`);
    if (list.some((other) => other.qualification === name))
      throw new SeedError(`${at}: ${name} appears twice`);
    switch (name) {
      case 'Education':
        if (!['InReview', 'Approved', 'Denied'].includes(entry.vettingStatus ?? ''))
          throw new SeedError(`${at}: Education needs vettingStatus InReview, Approved or Denied`);
        if (!entry.vettingCreateDate)
          throw new SeedError(`${at}: Education needs vettingCreateDate`);
        if (entry.vettingStatus === 'Denied' && !entry.vettingReason)
          throw new SeedError(`${at}: a Denied Education needs a vettingReason`);
        break;
      case 'GovernmentCommunityCloud':
        if (entry.vettingStatus !== 'Approved' || !entry.vettingCreateDate)
          throw new SeedError(
            `${at}: GovernmentCommunityCloud is Approved at once and needs a vettingCreateDate`,
          );
        break;
      case 'StateOwnedEntity':
        if (Object.keys(entry).length > 1)
          throw new SeedError(`${at}: StateOwnedEntity carries no vetting fields`);
        break;
      default:
        return name satisfies never;
    }
    list.push(entry);
  });
  const education = list.find((q) => q.qualification === 'Education');
  if (
    education &&
    education.vettingStatus !== 'Denied' &&
    list.some((q) => q.qualification === 'GovernmentCommunityCloud')
  )
    throw new SeedError(
      `${where}: a customer cannot hold both Education and GovernmentCommunityCloud`,
    );
  return list;
}

/**
 * Loads a fixture into an empty state. Checks every record against the spec's schemas and the
 * rules (GUID ids, no duplicates, qualifications a customer can hold, consistent validation
 * codes) and throws a SeedError that says what is wrong; the fixture itself is copied, never
 * kept, so writes cannot leak back into it (a reset reloads the same fixture).
 */
export function loadPartner(
  state: PartnerState,
  seed: PartnerSeed,
  options: { trusted?: boolean } = {},
): void {
  if (!isRecord(seed)) throw new SeedError('partnerCenter must be an object');
  const conform = options.trusted ? trusted : conformToSpec;
  forgetDue(state);

  listOf(seed, 'tokens').forEach((raw, i) => {
    const where = `partnerCenter.tokens[${i}]`;
    if (!isRecord(raw) || typeof raw.token !== 'string' || raw.token.trim() === '')
      throw new SeedError(`${where}: every token needs a non-empty "token"`);
    if (/\s/.test(raw.token)) throw new SeedError(`${where}: a token cannot contain spaces`);
    if (raw.role !== 'partner' && raw.role !== 'reader')
      throw new SeedError(`${where}: role must be "partner" or "reader", got ${String(raw.role)}`);
    if (raw.name !== undefined && typeof raw.name !== 'string')
      throw new SeedError(`${where}: name must be a string`);
    if (state.tokens.has(raw.token)) throw new SeedError(`${where}: ${raw.token} appears twice`);
    const actor: PartnerActor = { role: raw.role, name: raw.name ?? raw.role };
    state.tokens.set(raw.token, actor);
  });

  listOf(seed, 'customers').forEach((raw, i) => {
    const where = `partnerCenter.customers[${i}]`;
    conform('Customer', raw, where);
    const { qualifications, educationRequests, ...rest } = raw as Customer & {
      qualifications?: unknown;
      educationRequests?: unknown;
    };
    const customer = copy(rest);
    if (!isGuid(customer.id)) throw new SeedError(`${where}: id ${customer.id} is not a GUID`);
    if (customerKey(customer.companyProfile.tenantId) !== customerKey(customer.id))
      throw new SeedError(`${where}: companyProfile.tenantId must be the customer id`);
    if (state.customers.has(customerKey(customer.id)))
      throw new SeedError(`${where}: customer ${customer.id} appears twice`);
    const list = loadQualifications(`customer ${customer.id}`, qualifications, conform);
    const asked = list.some((q) => q.qualification === 'Education') ? 1 : 0;
    if (
      educationRequests !== undefined &&
      (!Number.isInteger(educationRequests) ||
        (educationRequests as number) < asked ||
        (educationRequests as number) > EDUCATION_REQUEST_LIMIT)
    )
      throw new SeedError(
        `customer ${customer.id}: educationRequests must be an integer from ${asked} to ${EDUCATION_REQUEST_LIMIT}`,
      );
    const record: CustomerRecord = {
      customer,
      qualifications: list,
      educationRequests: (educationRequests as number | undefined) ?? asked,
    };
    state.customers.set(customerKey(customer.id), record);
  });

  listOf(seed, 'validationCodes').forEach((raw, i) => {
    const where = `partnerCenter.validationCodes[${i}]`;
    conform('ValidationCode', raw, where);
    const code = copy(raw as ValidationCode);
    if (code.validationId.trim() === '') throw new SeedError(`${where}: validationId is empty`);
    if (!isGuid(code.partnerId))
      throw new SeedError(`${where}: partnerId ${code.partnerId} is not a GUID`);
    if (!Number.isInteger(code.maxCreates) || !Number.isInteger(code.remainingCreates))
      throw new SeedError(`${where}: maxCreates and remainingCreates must be integers`);
    if (code.remainingCreates > code.maxCreates)
      throw new SeedError(`${where}: remainingCreates cannot exceed maxCreates`);
    if (state.validationCodes.has(code.validationId))
      throw new SeedError(`${where}: validation code ${code.validationId} appears twice`);
    state.validationCodes.set(code.validationId, code);
  });

  listOf(seed, 'requests').forEach((raw, i) => {
    const where = `partnerCenter.requests[${i}]`;
    const answer = isRecord(raw) ? raw.answer : undefined;
    if (
      !isRecord(raw) ||
      typeof raw.token !== 'string' ||
      typeof raw.requestId !== 'string' ||
      typeof raw.request !== 'string' ||
      !isRecord(answer) ||
      !Number.isInteger(answer.status) ||
      !isRecord(answer.headers) ||
      !Object.values(answer.headers).every((v) => typeof v === 'string') ||
      (answer.body !== undefined && typeof answer.body !== 'string')
    )
      throw new SeedError(
        `${where}: a remembered request needs token, requestId, request and answer {status, headers, body?}`,
      );
    const remembered = copy(raw) as unknown as RememberedRequest;
    state.requests.set(requestKey(remembered.token, remembered.requestId), remembered);
  });

  const headerIds: unknown = seed.headerIds;
  if (headerIds !== undefined) {
    if (typeof headerIds !== 'number' || !Number.isSafeInteger(headerIds) || headerIds < 0)
      throw new SeedError('partnerCenter.headerIds must be a non-negative integer');
    state.headerIds = Math.max(state.headerIds, headerIds);
  }
}

export function dumpPartner(state: PartnerState): Required<PartnerSeed> {
  return {
    tokens: [...state.tokens.entries()].map(([token, actor]) => ({
      token,
      role: actor.role,
      name: actor.name,
    })),
    customers: [...state.customers.values()].map((record) => ({
      ...record.customer,
      qualifications: record.qualifications,
      educationRequests: record.educationRequests,
    })),
    validationCodes: [...state.validationCodes.values()],
    requests: [...state.requests.values()],
    headerIds: state.headerIds,
  };
}

// ---------------------------------------------------------------- default seed

/** Tokens of the default seed: `partner` reads and writes, `reader` only reads. */
export const partnerTokens = {
  partner: 'partner-token',
  reader: 'reader-token',
} as const;

/** The partner that holds the default seed's validation codes. */
export const seedPartnerId = '8c5e3f2a-9b1d-4e7c-a6f0-2d4b8e1c7a93';

/** Customers of the default seed, by what they show. */
export const seedCustomers = {
  /** Wingtip Toys: no qualification. */
  none: 'c2e5a8f1-3b7d-4e92-a6c4-81f0d5b9e327',
  /** Lakeview Learning Center: Education InReview since 1 day before load; not an academic domain, so the default policy denies it 2 days after load. */
  educationInReview: '5f1c9e27-8a4b-4d63-b2e0-7c9d3a6f1e58',
  /** Tailspin Tutoring: Education Denied ("Not an Education Customer"), 1 of 3 requests used. */
  educationDenied: 'a7d24b90-1e3f-4c85-9f6a-2b8e5d0c4a13',
  /** Fabrikam County Government: GovernmentCommunityCloud Approved and StateOwnedEntity. */
  gccWithStateOwned: '9f2d7b41-6c3e-4a58-8d1f-0e7a5b2c9d36',
  /** Contoso School District (`contoso-school.edu`): no qualification; an Education request is approved by the default policy. */
  academicNone: '3b8a1c0e-4f6d-4a8b-9e21-7c5d2f9a6b14',
  /** Northwind State University (`northwind.edu.au`): Education Approved and StateOwnedEntity. */
  educationWithStateOwned: 'e8b3f6d2-0c4a-4b7e-8d19-5a2f7c1e9b64',
  /** Adatum Power Utility: StateOwnedEntity only. */
  stateOwnedOnly: '1d6a4c83-7f2e-4b59-a0d8-3e9c6b2f5a71',
} as const;

/** Validation codes of the default seed. */
export const seedValidationCodes = {
  /** Fabrikam County Government's code: 3 of 5 creates left. */
  withCreates: '5d9a0a5e-17a0-4b0e-9b9a-2f2b8f0c3d11',
  /** Northwind State Agency's code: all 5 creates used. */
  exhausted: 'GCC-7Q4K2M',
} as const;

function customer(
  id: string,
  companyName: string,
  domain: string,
  extra: {
    email?: string;
    qualifications?: CustomerQualification[];
    educationRequests?: number;
  } = {},
): NonNullable<PartnerSeed['customers']>[number] {
  const { email, ...rest } = extra;
  return {
    id,
    companyProfile: { tenantId: id, domain, companyName, ...(email ? { email } : {}) },
    relationshipToPartner: 'reseller',
    attributes: { objectType: 'Customer' },
    ...rest,
  };
}

/**
 * The default Partner Center seed, dated relative to `now`: one customer for each state a
 * frontend has to show (see `seedCustomers`), and one validation code with creates left and one
 * used up.
 */
export function defaultPartnerSeed(now: Date): PartnerSeed {
  const at = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();
  return {
    tokens: [
      { token: partnerTokens.partner, role: 'partner', name: 'Contoso Partner (app+user)' },
      { token: partnerTokens.reader, role: 'reader', name: 'Contoso Partner (read-only)' },
    ],
    customers: [
      customer(seedCustomers.none, 'Wingtip Toys', 'wingtiptoys.onmicrosoft.com'),
      customer(
        seedCustomers.educationInReview,
        'Lakeview Learning Center',
        'lakeviewlearning.com',
        {
          email: 'office@lakeviewlearning.com',
          qualifications: [
            { qualification: 'Education', vettingStatus: 'InReview', vettingCreateDate: at(-1) },
          ],
          educationRequests: 1,
        },
      ),
      customer(seedCustomers.educationDenied, 'Tailspin Tutoring', 'tailspin-tutoring.com', {
        qualifications: [
          {
            qualification: 'Education',
            vettingStatus: 'Denied',
            vettingReason: 'Not an Education Customer',
            vettingCreateDate: at(-20),
          },
        ],
        educationRequests: 1,
      }),
      customer(
        seedCustomers.gccWithStateOwned,
        'Fabrikam County Government',
        'fabrikam-gov.onmicrosoft.com',
        {
          qualifications: [
            {
              qualification: 'GovernmentCommunityCloud',
              vettingStatus: 'Approved',
              vettingCreateDate: at(-200),
            },
            { qualification: 'StateOwnedEntity' },
          ],
        },
      ),
      customer(seedCustomers.academicNone, 'Contoso School District', 'contoso-school.edu', {
        email: 'it-admin@contoso-school.edu',
      }),
      customer(
        seedCustomers.educationWithStateOwned,
        'Northwind State University',
        'northwind.edu.au',
        {
          qualifications: [
            { qualification: 'Education', vettingStatus: 'Approved', vettingCreateDate: at(-90) },
            { qualification: 'StateOwnedEntity' },
          ],
          educationRequests: 1,
        },
      ),
      customer(seedCustomers.stateOwnedOnly, 'Adatum Power Utility', 'adatum-power.com', {
        qualifications: [{ qualification: 'StateOwnedEntity' }],
      }),
    ],
    validationCodes: [
      {
        partnerId: seedPartnerId,
        organizationName: 'Fabrikam County Government',
        validationId: seedValidationCodes.withCreates,
        maxCreates: 5,
        remainingCreates: 3,
        eTag: '"0x8DC2F4A1B3C5D7E"',
      },
      {
        partnerId: seedPartnerId,
        organizationName: 'Northwind State Agency',
        validationId: seedValidationCodes.exhausted,
        maxCreates: 5,
        remainingCreates: 0,
        eTag: '"0x8DC2F4A1B3C9A12"',
      },
    ],
  };
}
