/**
 * The Partner Center scenarios: one per rule, per vetting path, per request contract and per
 * seed 003 example. Each is a function of a door, so the same table runs through express and
 * through msw.
 */
import { expect } from 'vitest';
import {
  partnerTokens as tokens,
  seedCustomers as customers,
  seedValidationCodes as codes,
} from '../../src/core/partner/seed.js';
import { testNow, type Answer, type CallOptions, type Door } from '../support/doors.js';

import type { Scenario } from '../support/two-doors.js';

export type { Scenario };

export { tokens, customers, codes };
const PC = 'partner-center' as const;
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const unknownCustomer = '0d4f6e2b-1a7c-4c39-b8e5-6f2a9d0b3c71';

export const qualificationsOf = (id: string) => `/v1/customers/${id}/qualifications`;
export const deprecatedOf = (id: string) => `/v1/customers/${id}/qualification`;
export const validations = '/v1/customers/all/validations';

/** A Partner Center call with the partner token unless told otherwise. */
export const call = (door: Door, method: string, path: string, options: CallOptions = {}) =>
  door.call(PC, method, path, { token: tokens.partner, ...options });

export const post = (
  door: Door,
  id: string,
  body: unknown,
  options: CallOptions & { query?: string } = {},
) => call(door, 'POST', `${qualificationsOf(id)}${options.query ?? ''}`, { body, ...options });

export async function qualifications(door: Door, id: string) {
  const answer = await call(door, 'GET', qualificationsOf(id));
  expect(answer.status).toBe(200);
  return answer.body as Record<string, unknown>[];
}

export async function validationCode(door: Door, id: string) {
  const answer = await call(door, 'GET', validations);
  return (answer.body as { validationId: string; remainingCreates: number; eTag: string }[]).find(
    (code) => code.validationId === id,
  )!;
}

/** Everything a write can change: every customer's qualifications and the validation codes. */
export async function snapshot(door: Door): Promise<string> {
  const state = await door.control('GET', '/state');
  return JSON.stringify({
    customers: state.body.partnerCenter.customers,
    codes: state.body.partnerCenter.validationCodes,
  });
}

export function isError(answer: Answer, status: number, code: number) {
  expect([answer.status, answer.body?.code], answer.text).toEqual([status, code]);
  expect(answer.body).toMatchObject({ data: [], source: 'PartnerFD' });
  expect(answer.body.description.length).toBeGreaterThan(10);
}

/** A refused write: status, error code, and nothing changed anywhere. */
export async function refused(
  door: Door,
  send: () => Promise<Answer>,
  status: number,
  code: number,
) {
  const before = await snapshot(door);
  const answer = await send();
  isError(answer, status, code);
  expect(await snapshot(door)).toBe(before);
  return answer;
}

export const educationK12 = { qualification: 'Education', educationSegment: 'K12' };
export const gcc = (validationCode: string) => ({
  qualification: 'GovernmentCommunityCloud',
  validationCode,
});
export const soe = { qualification: 'StateOwnedEntity' };
const day = (offset: number) => new Date(Date.parse(testNow) + offset * 86_400_000).toISOString();

const reads: Scenario[] = [
  {
    name: 'read: GET /v1/customers lists every seeded customer',
    async run(door) {
      const answer = await call(door, 'GET', '/v1/customers');
      expect(answer.status).toBe(200);
      expect(answer.body.totalCount).toBe(7);
      expect(answer.body.items.map((c: { id: string }) => c.id)).toEqual(Object.values(customers));
      expect(answer.body.links).toEqual({
        self: { uri: '/customers?size=100', method: 'GET', headers: [] },
      });
      expect(answer.body.items[4]).toEqual({
        id: customers.academicNone,
        companyProfile: {
          tenantId: customers.academicNone,
          domain: 'contoso-school.edu',
          companyName: 'Contoso School District',
          email: 'it-admin@contoso-school.edu',
        },
        relationshipToPartner: 'reseller',
        attributes: { objectType: 'Customer' },
      });
    },
  },
  {
    name: 'read: size pages the customers, links.next carries the continuation token; a bad size is 400 800002',
    async run(door) {
      const first = await call(door, 'GET', '/v1/customers?size=3');
      expect(first.body.totalCount).toBe(3);
      const next = first.body.links.next;
      expect(next).toMatchObject({ uri: '/customers?size=3', method: 'GET' });
      const headers = Object.fromEntries(
        next.headers.map((h: { key: string; value: string }) => [h.key, h.value]),
      );
      const second = await call(door, 'GET', '/v1/customers?size=3', { headers });
      expect(second.body.items[0].id).toBe(customers.gccWithStateOwned);
      const third = await call(door, 'GET', '/v1/customers?size=3', {
        headers: Object.fromEntries(
          second.body.links.next.headers.map((h: { key: string; value: string }) => [
            h.key,
            h.value,
          ]),
        ),
      });
      expect(third.body.items.map((c: { id: string }) => c.id)).toEqual([customers.stateOwnedOnly]);
      expect(third.body.links.next).toBeUndefined();
      for (const size of ['0', '501', 'ten', '2.5', '-1', '']) {
        isError(await call(door, 'GET', `/v1/customers?size=${size}`), 400, 800002);
      }
      isError(
        await call(door, 'GET', '/v1/customers', { headers: { 'MS-ContinuationToken': 'x' } }),
        400,
        800002,
      );
    },
  },
  {
    name: 'read: GET /v1/customers/{id} answers the customer, whatever the letter case of the GUID',
    async run(door) {
      const answer = await call(door, 'GET', `/v1/customers/${customers.gccWithStateOwned}`);
      expect(answer.status).toBe(200);
      expect(answer.body.companyProfile.companyName).toBe('Fabrikam County Government');
      const upper = await call(
        door,
        'GET',
        `/v1/customers/${customers.gccWithStateOwned.toUpperCase()}`,
      );
      expect(upper.body).toEqual(answer.body);
    },
  },
  {
    name: 'read: GET /v1/customers/all/validations lists the validation codes',
    async run(door) {
      const answer = await call(door, 'GET', validations);
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual([
        {
          partnerId: '8c5e3f2a-9b1d-4e7c-a6f0-2d4b8e1c7a93',
          organizationName: 'Fabrikam County Government',
          validationId: codes.withCreates,
          maxCreates: 5,
          remainingCreates: 3,
          eTag: '"0x8DC2F4A1B3C5D7E"',
        },
        {
          partnerId: '8c5e3f2a-9b1d-4e7c-a6f0-2d4b8e1c7a93',
          organizationName: 'Northwind State Agency',
          validationId: codes.exhausted,
          maxCreates: 5,
          remainingCreates: 0,
          eTag: '"0x8DC2F4A1B3C9A12"',
        },
      ]);
    },
  },
  {
    name: 'seed 003: the GET examples (Approved, InReview, Denied, SOE alone, SOE with Education, SOE with GCC, none)',
    async run(door) {
      expect(await qualifications(door, customers.educationInReview)).toEqual([
        { qualification: 'Education', vettingStatus: 'InReview', vettingCreateDate: day(-1) },
      ]);
      expect(await qualifications(door, customers.educationDenied)).toEqual([
        {
          qualification: 'Education',
          vettingStatus: 'Denied',
          vettingReason: 'Not an Education Customer',
          vettingCreateDate: day(-20),
        },
      ]);
      expect(await qualifications(door, customers.stateOwnedOnly)).toEqual([
        { qualification: 'StateOwnedEntity' },
      ]);
      expect(await qualifications(door, customers.educationWithStateOwned)).toEqual([
        { qualification: 'Education', vettingStatus: 'Approved', vettingCreateDate: day(-90) },
        { qualification: 'StateOwnedEntity' },
      ]);
      expect(await qualifications(door, customers.gccWithStateOwned)).toEqual([
        {
          qualification: 'GovernmentCommunityCloud',
          vettingStatus: 'Approved',
          vettingCreateDate: day(-200),
        },
        { qualification: 'StateOwnedEntity' },
      ]);
      expect(await qualifications(door, customers.none)).toEqual([]);
    },
  },
  {
    name: 'seed 003: Approved, SOE alone and SOE with Education, reached through the API',
    async run(door) {
      const created = await post(door, customers.academicNone, {
        qualification: 'Education',
        educationSegment: 'HigherEducation',
        website: 'https://www.contoso-school.edu',
      });
      expect(created.status).toBe(201);
      const approved = await door.control(
        'POST',
        `/partner-center/customers/${customers.academicNone}/vetting`,
        { qualification: 'Education', status: 'Approved' },
      );
      expect(approved.status).toBe(200);
      expect((await post(door, customers.academicNone, soe)).status).toBe(201);
      expect(await qualifications(door, customers.academicNone)).toEqual([
        { qualification: 'Education', vettingStatus: 'Approved', vettingCreateDate: testNow },
        { qualification: 'StateOwnedEntity' },
      ]);
      expect((await post(door, customers.none, soe)).status).toBe(201);
      expect(await qualifications(door, customers.none)).toEqual([
        { qualification: 'StateOwnedEntity' },
      ]);
    },
  },
];

const rules: Scenario[] = [
  {
    name: 'rule: only Education, GovernmentCommunityCloud and StateOwnedEntity can be set (None, Nonprofit, unknown: 400 900126)',
    async run(door) {
      for (const value of ['None', 'Nonprofit', 'Hospital', '']) {
        const answer = await refused(
          door,
          () => post(door, customers.none, { qualification: value }),
          400,
          900126,
        );
        expect(answer.body.description).toContain(`'${value}'`);
      }
      // The SDK's wire form of a value that cannot be set is still that value.
      const nonprofit = await refused(
        door,
        () => post(door, customers.none, { qualification: 'nonprofit' }),
        400,
        900126,
      );
      expect(nonprofit.body.description).toContain("'Nonprofit' cannot be set");
    },
  },
  {
    name: 'rule: StateOwnedEntity is granted at once, with no vetting fields',
    async run(door) {
      const created = await post(door, customers.none, soe);
      expect([created.status, created.body]).toEqual([201, { qualification: 'StateOwnedEntity' }]);
      expect(await qualifications(door, customers.none)).toEqual([soe]);
    },
  },
  {
    name: 'rule: Education starts InReview with vettingCreateDate from the virtual clock',
    async run(door) {
      const created = await post(door, customers.academicNone, educationK12);
      expect([created.status, created.body]).toEqual([
        201,
        { qualification: 'Education', vettingStatus: 'InReview', vettingCreateDate: testNow },
      ]);
      await door.control('POST', '/clock', { advance: 'PT90M' });
      const later = await post(door, customers.none, {
        ...educationK12,
        educationSegment: 'HigherEducation',
      });
      expect(later.body.vettingCreateDate).toBe('2026-11-21T10:30:00.000Z');
      expect(await qualifications(door, customers.none)).toEqual([later.body]);
    },
  },
  {
    name: 'rule: Education needs educationSegment (missing: 400 900127; not K12 or HigherEducation: 400 800002 from the schema)',
    async run(door) {
      await refused(
        door,
        () => post(door, customers.academicNone, { qualification: 'Education' }),
        400,
        900127,
      );
      await refused(
        door,
        () => post(door, customers.academicNone, { ...educationK12, educationSegment: 'Primary' }),
        400,
        800002,
      );
    },
  },
  {
    name: 'rule: GovernmentCommunityCloud needs a validation code the partner holds (missing or unknown: 400 900128)',
    async run(door) {
      await refused(
        door,
        () => post(door, customers.none, { qualification: 'GovernmentCommunityCloud' }),
        400,
        900128,
      );
      await refused(door, () => post(door, customers.none, gcc('GCC-UNKNOWN')), 400, 900128);
      await refused(
        door,
        () => post(door, customers.none, gcc(''), { query: '?code=GCC-UNKNOWN' }),
        400,
        900128,
      );
    },
  },
  {
    name: 'rule: GovernmentCommunityCloud with a valid code is Approved and uses one create (remainingCreates and eTag change)',
    async run(door) {
      const before = await validationCode(door, codes.withCreates);
      const created = await post(door, customers.none, gcc(codes.withCreates));
      expect([created.status, created.body]).toEqual([
        201,
        {
          qualification: 'GovernmentCommunityCloud',
          vettingStatus: 'Approved',
          vettingCreateDate: testNow,
        },
      ]);
      const after = await validationCode(door, codes.withCreates);
      expect(after.remainingCreates).toBe(before.remainingCreates - 1);
      expect(after.eTag).not.toBe(before.eTag);
      expect(await qualifications(door, customers.none)).toEqual([created.body]);
    },
  },
  {
    name: 'rule: the GCC code is read from validationCode in the body, else from ?code=',
    async run(door) {
      // The body's code wins over the query's (here: exhausted in the query, valid in the body).
      const bodyWins = await post(door, customers.none, gcc(codes.withCreates), {
        query: `?code=${codes.exhausted}`,
      });
      expect(bodyWins.status).toBe(201);
      await refused(
        door,
        () =>
          post(door, customers.academicNone, gcc('GCC-UNKNOWN'), {
            query: `?code=${codes.withCreates}`,
          }),
        400,
        900128,
      );
      const fromQuery = await post(
        door,
        customers.academicNone,
        { qualification: 'GovernmentCommunityCloud' },
        { query: `?code=${encodeURIComponent(codes.withCreates)}` },
      );
      expect(fromQuery.status).toBe(201);
      expect((await validationCode(door, codes.withCreates)).remainingCreates).toBe(1);
    },
  },
  {
    name: 'rule: a GCC code with no creates left is refused (400 900129)',
    async run(door) {
      const answer = await refused(
        door,
        () => post(door, customers.none, gcc(codes.exhausted)),
        400,
        900129,
      );
      expect(answer.body.description).toContain(codes.exhausted);
    },
  },
  {
    name: 'rule: Education and GovernmentCommunityCloud are never on one customer (400 900130)',
    async run(door) {
      await refused(door, () => post(door, customers.gccWithStateOwned, educationK12), 400, 900130);
      await refused(
        door,
        () => post(door, customers.educationWithStateOwned, gcc(codes.withCreates)),
        400,
        900130,
      );
      await refused(
        door,
        () => post(door, customers.educationInReview, gcc(codes.withCreates)),
        400,
        900130,
      );
      // A Denied Education is not held: GCC may be granted beside it.
      const granted = await post(door, customers.educationDenied, gcc(codes.withCreates));
      expect(granted.status).toBe(201);
      expect(
        (await qualifications(door, customers.educationDenied)).map((q) => q.qualification),
      ).toEqual(['Education', 'GovernmentCommunityCloud']);
      await refused(door, () => post(door, customers.educationDenied, educationK12), 400, 900130);
    },
  },
  {
    name: 'rule: a qualification already held is not added twice (409 600061)',
    async run(door) {
      await refused(door, () => post(door, customers.gccWithStateOwned, soe), 409, 600061);
      await refused(
        door,
        () => post(door, customers.gccWithStateOwned, gcc(codes.withCreates)),
        409,
        600061,
      );
      await refused(door, () => post(door, customers.educationInReview, educationK12), 409, 600061);
      await refused(
        door,
        () => post(door, customers.educationWithStateOwned, educationK12),
        409,
        600061,
      );
    },
  },
  {
    name: 'rule: a Denied Education may be requested again; the new request replaces the Denied entry',
    async run(door) {
      const again = await post(door, customers.educationDenied, educationK12);
      expect(again.status).toBe(201);
      expect(await qualifications(door, customers.educationDenied)).toEqual([
        { qualification: 'Education', vettingStatus: 'InReview', vettingCreateDate: testNow },
      ]);
    },
  },
  {
    name: 'rule: at most 3 Education verification requests per customer (400 900131)',
    async run(door) {
      // Tailspin Tutoring has used 1 of its 3 requests (Denied); two more, each denied.
      for (let request = 2; request <= 3; request++) {
        expect((await post(door, customers.educationDenied, educationK12)).status).toBe(201);
        const denied = await door.control(
          'POST',
          `/partner-center/customers/${customers.educationDenied}/vetting`,
          { qualification: 'Education', status: 'Denied', reason: `Denied ${request}` },
        );
        expect(denied.status).toBe(200);
      }
      await refused(door, () => post(door, customers.educationDenied, educationK12), 400, 900131);
      const state = await door.control('GET', '/state');
      const record = state.body.partnerCenter.customers.find(
        (c: { id: string }) => c.id === customers.educationDenied,
      );
      expect(record.educationRequests).toBe(3);
    },
  },
  {
    name: "rule: the checks answer in the spec's order",
    async run(door) {
      const json = { 'content-type': 'application/json' };
      // customer id format and existence before body size, media type and JSON.
      await refused(
        door,
        () => call(door, 'POST', qualificationsOf('contoso'), { raw: '{', headers: json }),
        400,
        900118,
      );
      await refused(
        door,
        () =>
          call(door, 'POST', qualificationsOf(unknownCustomer), {
            raw: '<q/>',
            headers: { 'content-type': 'application/xml' },
          }),
        404,
        60003,
      );
      // value settable before everything about Education or GCC.
      await refused(
        door,
        () => post(door, customers.gccWithStateOwned, { qualification: 'None' }),
        400,
        900126,
      );
      // already held before the GCC code; segment before the combination.
      await refused(
        door,
        () =>
          post(door, customers.gccWithStateOwned, { qualification: 'GovernmentCommunityCloud' }),
        409,
        600061,
      );
      await refused(
        door,
        () => post(door, customers.gccWithStateOwned, { qualification: 'Education' }),
        400,
        900127,
      );
      // the combination before the GCC code, as Microsoft's sample expects for a made-up code.
      const sample = await refused(
        door,
        () => post(door, customers.educationWithStateOwned, gcc('NotRealCode')),
        400,
        900130,
      );
      expect(sample.body.description).toContain('cannot hold both Education and');
      await refused(
        door,
        () =>
          post(door, customers.educationWithStateOwned, {
            qualification: 'GovernmentCommunityCloud',
          }),
        400,
        900130,
      );
      // the GCC code before the code's remaining creates.
      await refused(door, () => post(door, customers.none, gcc('NotRealCode')), 400, 900128);
      // already held before code exhausted.
      await refused(
        door,
        () => post(door, customers.gccWithStateOwned, gcc(codes.exhausted)),
        409,
        600061,
      );
      // the combination before code exhausted.
      await refused(
        door,
        () => post(door, customers.educationWithStateOwned, gcc(codes.exhausted)),
        400,
        900130,
      );
    },
  },
];

const contracts: Scenario[] = [
  {
    name: 'contract: the older body {"Qualification": ...} in any key case, with ?code= for GCC',
    async run(door) {
      const older = await post(
        door,
        customers.none,
        { Qualification: 'GovernmentCommunityCloud' },
        { query: `?code=${codes.withCreates}` },
      );
      expect([older.status, older.body.vettingStatus]).toEqual([201, 'Approved']);
      const shouting = await post(door, customers.none, { QUALIFICATION: 'StateOwnedEntity' });
      expect([shouting.status, shouting.body]).toEqual([201, soe]);
      const pascal = await post(door, customers.academicNone, {
        Qualification: 'Education',
        EducationSegment: 'K12',
        Website: 'https://www.contoso-school.edu',
      });
      expect([pascal.status, pascal.body.vettingStatus]).toEqual([201, 'InReview']);
      await refused(
        door,
        () => post(door, customers.stateOwnedOnly, { qualificationName: 'Education' }),
        400,
        800002,
      );
    },
  },
  {
    name: 'contract: the current body with educationSegment, website and validationCode',
    async run(door) {
      const education = await post(door, customers.academicNone, {
        qualification: 'Education',
        educationSegment: 'K12',
        website: 'https://www.contoso-school.edu',
        unknownField: true,
      });
      expect(education.status).toBe(201);
      const government = await post(door, customers.none, gcc(codes.withCreates));
      expect(government.status).toBe(201);
    },
  },
  {
    name: 'deprecated: GET .../qualification answers the first held qualification as a bare string in the SDK wire form, or "none"; a Denied Education is not held',
    async run(door) {
      const read = async (id: string) => {
        const answer = await call(door, 'GET', deprecatedOf(id));
        expect(answer.status).toBe(200);
        return answer.body;
      };
      expect(await read(customers.gccWithStateOwned)).toBe('government_community_cloud');
      expect(await read(customers.educationWithStateOwned)).toBe('education');
      expect(await read(customers.educationInReview)).toBe('education');
      expect(await read(customers.stateOwnedOnly)).toBe('state_owned_entity');
      expect(await read(customers.none)).toBe('none');
      // Denied: not held, so not reported as Education (regression, issue 13).
      expect(await read(customers.educationDenied)).toBe('none');
      isError(await call(door, 'GET', deprecatedOf(unknownCustomer)), 404, 60003);
    },
  },
  {
    name: "deprecated: PUT .../qualification takes the SDK's enum string, adds GCC (?code=), SOE or Education (200, a bare string); a non-string body 800002",
    async run(door) {
      const put = (id: string, body: unknown, query = '') =>
        call(door, 'PUT', `${deprecatedOf(id)}${query}`, { body });
      const government = await put(
        customers.none,
        'government_community_cloud',
        `?code=${codes.withCreates}`,
      );
      expect([government.status, government.body]).toEqual([200, 'government_community_cloud']);
      expect((await qualifications(door, customers.none))[0]).toMatchObject({
        qualification: 'GovernmentCommunityCloud',
        vettingStatus: 'Approved',
      });
      const stateOwned = await put(customers.none, 'state_owned_entity');
      expect([stateOwned.status, stateOwned.body]).toEqual([200, 'state_owned_entity']);
      // Education through the PUT: no segment can be sent, it is vetted as usual.
      const education = await put(customers.academicNone, 'education');
      expect([education.status, education.body]).toEqual([200, 'education']);
      expect(await qualifications(door, customers.academicNone)).toEqual([
        { qualification: 'Education', vettingStatus: 'InReview', vettingCreateDate: testNow },
      ]);
      // The enumeration's own spelling, in any case, works too.
      expect((await put(customers.stateOwnedOnly, 'STATEOWNEDENTITY')).status).toBe(409);
      await refused(
        door,
        () => put(customers.academicNone, { qualification: 'StateOwnedEntity' }),
        400,
        800002,
      );
      await refused(door, () => put(customers.academicNone, 'Nonprofit'), 400, 900126);
      await refused(door, () => put(customers.stateOwnedOnly, 'StateOwnedEntity'), 409, 600061);
      await refused(
        door,
        () => put(customers.stateOwnedOnly, 'GovernmentCommunityCloud'),
        400,
        900128,
      );
      await refused(
        door,
        () => put(customers.academicNone, 'GovernmentCommunityCloud'),
        400,
        900130,
      );
    },
  },
];

const vetting: Scenario[] = [
  {
    name: 'vetting: the control API approves an Education review',
    async run(door) {
      const decided = await door.control(
        'POST',
        `/partner-center/customers/${customers.educationInReview}/vetting`,
        { qualification: 'Education', status: 'Approved' },
      );
      expect([decided.status, decided.body]).toEqual([
        200,
        { qualification: 'Education', vettingStatus: 'Approved', vettingCreateDate: day(-1) },
      ]);
      expect(await qualifications(door, customers.educationInReview)).toEqual([decided.body]);
      // Decided by hand: the default policy leaves it alone later.
      await door.control('POST', '/clock', { advance: 'P5D' });
      expect((await qualifications(door, customers.educationInReview))[0]!.vettingStatus).toBe(
        'Approved',
      );
    },
  },
  {
    name: 'vetting: the control API denies an Education review, with its reason or "Not an Education Customer"',
    async run(door) {
      const path = `/partner-center/customers/${customers.educationInReview}/vetting`;
      const denied = await door.control('POST', path, {
        qualification: 'Education',
        status: 'Denied',
        reason: 'Not an Academic Institution',
      });
      expect(denied.body).toEqual({
        qualification: 'Education',
        vettingStatus: 'Denied',
        vettingReason: 'Not an Academic Institution',
        vettingCreateDate: day(-1),
      });
      await post(door, customers.academicNone, educationK12);
      const byDefault = await door.control(
        'POST',
        `/partner-center/customers/${customers.academicNone}/vetting`,
        { qualification: 'Education', status: 'Denied' },
      );
      expect(byDefault.body.vettingReason).toBe('Not an Education Customer');
      expect(await qualifications(door, customers.academicNone)).toEqual([byDefault.body]);
    },
  },
  {
    name: 'vetting: the control API refuses a bad decision (400), an unknown customer (404), a review not InReview (409)',
    async run(door) {
      const path = (id: string) => `/partner-center/customers/${id}/vetting`;
      const before = await snapshot(door);
      for (const body of [
        { qualification: 'Education', status: 'Maybe' },
        { qualification: 'StateOwnedEntity', status: 'Approved' },
        { qualification: 'Education', status: 'Approved', reason: 'Looks fine' },
        { qualification: 'Education', status: 'Denied', reason: 42 },
        ['Education'],
      ]) {
        expect((await door.control('POST', path(customers.educationInReview), body)).status).toBe(
          400,
        );
      }
      const approve = { qualification: 'Education', status: 'Approved' };
      expect((await door.control('POST', path(unknownCustomer), approve)).status).toBe(404);
      for (const id of [
        customers.educationDenied,
        customers.educationWithStateOwned,
        customers.none,
      ]) {
        const answer = await door.control('POST', path(id), approve);
        expect([answer.status, answer.body.title]).toEqual([409, 'Conflict.']);
      }
      expect(await snapshot(door)).toBe(before);
    },
  },
  {
    name: 'vetting: default policy denies a review 3 days after vettingCreateDate when the domain is not academic ("Not an Academic Domain")',
    async run(door) {
      // Lakeview Learning Center's request was made 1 day before the seed instant.
      await door.control('POST', '/clock', { advance: 'PT47H59M59S' });
      expect((await qualifications(door, customers.educationInReview))[0]!.vettingStatus).toBe(
        'InReview',
      );
      await door.control('POST', '/clock', { advance: 'PT1S' });
      expect(await qualifications(door, customers.educationInReview)).toEqual([
        {
          qualification: 'Education',
          vettingStatus: 'Denied',
          vettingReason: 'Not an Academic Domain',
          vettingCreateDate: day(-1),
        },
      ]);
    },
  },
  {
    name: 'vetting: default policy approves a review 3 days after vettingCreateDate when the domain ends in .edu',
    async run(door) {
      await post(door, customers.academicNone, educationK12);
      await door.control('POST', '/clock', { advance: 'P2D' });
      expect((await qualifications(door, customers.academicNone))[0]!.vettingStatus).toBe(
        'InReview',
      );
      await door.control('POST', '/clock', { advance: 'P1D' });
      expect(await qualifications(door, customers.academicNone)).toEqual([
        { qualification: 'Education', vettingStatus: 'Approved', vettingCreateDate: testNow },
      ]);
      // The clock has decided it: the control API finds nothing to decide.
      const late = await door.control(
        'POST',
        `/partner-center/customers/${customers.academicNone}/vetting`,
        { qualification: 'Education', status: 'Denied' },
      );
      expect(late.status).toBe(409);
    },
  },
];

const access: Scenario[] = [
  {
    name: 'auth: a missing, malformed or unknown token is 401 800001',
    async run(door) {
      for (const options of [
        { token: null },
        { token: 'no-such-token' },
        { token: null, headers: { authorization: 'Basic cGFydG5lcjp0b2tlbg==' } },
        { token: null, headers: { authorization: 'Bearer' } },
      ]) {
        isError(await call(door, 'GET', '/v1/customers', options), 401, 800001);
        await refused(door, () => post(door, customers.none, soe, options), 401, 800001);
      }
    },
  },
  {
    name: 'auth: the reader role reads but may not write (403 900150)',
    async run(door) {
      const read = { token: tokens.reader };
      expect((await call(door, 'GET', '/v1/customers', read)).status).toBe(200);
      expect((await call(door, 'GET', qualificationsOf(customers.none), read)).status).toBe(200);
      expect((await call(door, 'GET', validations, read)).status).toBe(200);
      await refused(door, () => post(door, customers.none, soe, read), 403, 900150);
      await refused(
        door,
        () =>
          call(door, 'PUT', deprecatedOf(customers.none), { ...read, body: 'StateOwnedEntity' }),
        403,
        900150,
      );
    },
  },
  {
    name: 'customer id: not a GUID is 400 900118, an unknown GUID 404 60003, on reads and writes',
    async run(door) {
      for (const path of [
        '/v1/customers/contoso-school',
        qualificationsOf('all'),
        deprecatedOf('1234'),
      ]) {
        isError(await call(door, 'GET', path), 400, 900118);
      }
      await refused(door, () => post(door, 'contoso-school', soe), 400, 900118);
      for (const path of [`/v1/customers/${unknownCustomer}`, qualificationsOf(unknownCustomer)]) {
        isError(await call(door, 'GET', path), 404, 60003);
      }
      await refused(door, () => post(door, unknownCustomer, soe), 404, 60003);
    },
  },
  {
    name: 'body: a media type not declared is 415 800004; malformed JSON or XML, a non-object or no qualification 400 800002; too large 413 800003',
    async run(door) {
      const send = (raw: string, contentType?: string) => () =>
        call(door, 'POST', qualificationsOf(customers.none), {
          raw,
          headers: contentType ? { 'content-type': contentType } : {},
        });
      await refused(door, send('StateOwnedEntity', 'text/plain'), 415, 800004);
      await refused(door, send('{"qualification": "StateOwnedEntity"}', 'text/html'), 415, 800004);
      await refused(door, send('{"qualification": "StateOwnedEntity"}'), 415, 800004);
      await refused(door, send('<q>', 'application/xml'), 400, 800002);
      await refused(door, send('{"qualification": ', 'application/json'), 400, 800002);
      await refused(door, send('["StateOwnedEntity"]', 'application/json'), 400, 800002);
      await refused(door, send('{}', 'application/json'), 400, 800002);
      await refused(door, send('{"qualification": 7}', 'application/json'), 400, 800002);
      await refused(door, send('', 'application/json'), 400, 800002);
      const huge = JSON.stringify({
        qualification: 'StateOwnedEntity',
        website: 'x'.repeat(1_100_000),
      });
      await refused(door, send(huge, 'application/json'), 413, 800003);
      // text/json is JSON too.
      const textJson = await send(
        '{"qualification": "StateOwnedEntity"}',
        'text/json; charset=utf-8',
      )();
      expect(textJson.status).toBe(201);
    },
  },
  {
    name: 'route: a path no operation answers is 404 800404; a known path with a method it lacks 405 800405 with Allow',
    async run(door) {
      isError(await call(door, 'GET', '/v1/customers/all/nothing-here'), 404, 800404);
      const wrong = await refused(
        door,
        () => call(door, 'DELETE', qualificationsOf(customers.none)),
        405,
        800405,
      );
      expect(wrong.headers.get('allow')).toBe('GET, POST');
      const put = await call(door, 'POST', deprecatedOf(customers.none), { body: 'none' });
      isError(put, 405, 800405);
      expect(put.headers.get('allow')).toBe('GET, PUT');
      isError(await call(door, 'PATCH', '/v1/customers'), 405, 800405);
    },
  },
];

export const requestId = 'a1f4c2d8-5b3e-4f70-9c61-2e8d7b0a4f93';
export const correlationId = '7d2456fd-2d79-46d0-9f8e-5d7ecd5f8745';

const idempotency: Scenario[] = [
  {
    name: 'idempotency: the same POST twice with one MS-RequestId creates one qualification and answers the same body',
    async run(door) {
      const headers = { 'MS-RequestId': requestId };
      const first = await post(door, customers.none, soe, { headers });
      const retry = await post(door, customers.none, soe, { headers });
      expect([retry.status, retry.text]).toEqual([201, first.text]);
      expect(await qualifications(door, customers.none)).toEqual([soe]);
      // A new request id is a new request: the rules answer it.
      const fresh = await post(door, customers.none, soe, {
        headers: { 'MS-RequestId': 'b2e5d3e9-6c4f-4a81-8d72-3f9e8c1b5a04' },
      });
      isError(fresh, 409, 600061);
    },
  },
  {
    name: 'idempotency: a retried GCC request does not use a second create; a new id on another customer does',
    async run(door) {
      const headers = { 'MS-RequestId': requestId };
      const first = await post(door, customers.none, gcc(codes.withCreates), { headers });
      expect(first.status).toBe(201);
      await door.control('POST', '/clock', { advance: 'PT1M' });
      const retry = await post(door, customers.none, gcc(codes.withCreates), { headers });
      expect([retry.status, retry.text]).toEqual([201, first.text]);
      expect((await validationCode(door, codes.withCreates)).remainingCreates).toBe(2);
      const other = await post(door, customers.academicNone, gcc(codes.withCreates), {
        headers: { 'MS-RequestId': 'c3f6e4fa-7d50-4b92-9e83-4a0f9d2c6b15' },
      });
      expect(other.status).toBe(201);
      expect((await validationCode(door, codes.withCreates)).remainingCreates).toBe(1);
    },
  },
  {
    name: 'idempotency: a retry of the same request gets the first answer, refusals included; another body with that id is 400 800005; an Education retry counts no extra request',
    async run(door) {
      const headers = { 'MS-RequestId': requestId };
      const refusedFirst = await post(door, customers.none, { qualification: 'None' }, { headers });
      isError(refusedFirst, 400, 900126);
      const retry = await refused(
        door,
        () => post(door, customers.none, { qualification: 'None' }, { headers }),
        400,
        900126,
      );
      expect(retry.text).toBe(refusedFirst.text);
      // Never another request's answer (regression, issue 13).
      await refused(door, () => post(door, customers.none, soe, { headers }), 400, 800005);

      const education = { 'MS-RequestId': 'd4a7f50b-8e61-4ca3-8f94-5b1a0e3d7c26' };
      const asked = await post(door, customers.educationDenied, educationK12, {
        headers: education,
      });
      const again = await post(door, customers.educationDenied, educationK12, {
        headers: education,
      });
      expect(again.text).toBe(asked.text);
      const state = await door.control('GET', '/state');
      expect(
        state.body.partnerCenter.customers.find(
          (c: { id: string }) => c.id === customers.educationDenied,
        ).educationRequests,
      ).toBe(2);
    },
  },
  {
    name: 'idempotency: GET is never replayed, and another token does not share the request ids',
    async run(door) {
      // A second partner token, added through the control API's fixture round trip (loading a
      // fixture forgets remembered responses, so this comes first).
      const state = (await door.control('GET', '/state')).body;
      state.partnerCenter.tokens.push({ token: 'second-partner-token', role: 'partner' });
      expect((await door.control('POST', '/seed', state)).status).toBe(200);

      const headers = { 'MS-RequestId': requestId };
      const before = await call(door, 'GET', qualificationsOf(customers.none), { headers });
      expect((await post(door, customers.none, soe, { headers })).status).toBe(201);
      const after = await call(door, 'GET', qualificationsOf(customers.none), { headers });
      expect([before.body, after.body]).toEqual([[], [soe]]);

      const second = await post(door, customers.academicNone, soe, {
        token: 'second-partner-token',
        headers,
      });
      expect(second.status).toBe(201);
      expect(await qualifications(door, customers.academicNone)).toEqual([soe]);
    },
  },
];

const headers: Scenario[] = [
  {
    name: 'headers: MS-RequestId and MS-CorrelationId are echoed on every response, errors included',
    async run(door) {
      const sent = { 'MS-RequestId': requestId, 'MS-CorrelationId': correlationId };
      const answers = [
        await call(door, 'GET', '/v1/customers', { headers: sent }),
        await post(door, customers.none, soe, { headers: sent }),
        await call(door, 'GET', '/v1/customers', { token: null, headers: sent }),
        await call(door, 'GET', '/v1/customers/not-a-guid', { headers: sent }),
        await call(door, 'GET', '/v1/nothing', { headers: sent }),
        await call(door, 'GET', '/v1/customers?size=0', { headers: sent }),
      ];
      for (const answer of answers) {
        expect(answer.headers.get('ms-requestid')).toBe(requestId);
        expect(answer.headers.get('ms-correlationid')).toBe(correlationId);
      }
    },
  },
  {
    name: 'headers: generated as GUIDs when absent, without moving the id sequence',
    async run(door) {
      const sequence = async () => (await door.control('GET', '/state')).body.randomSeed;
      const before = await sequence();
      const answers = [
        await call(door, 'GET', '/v1/customers'),
        await post(door, customers.none, soe),
        await call(door, 'GET', '/v1/customers', { token: null }),
      ];
      const seen = new Set<string>();
      for (const answer of answers) {
        for (const name of ['ms-requestid', 'ms-correlationid']) {
          const value = answer.headers.get(name) ?? '';
          expect(value).toMatch(GUID);
          seen.add(value);
        }
      }
      expect(seen.size).toBe(6);
      expect(await sequence()).toBe(before);
      // Only the correlation id sent: the request id is still generated.
      const half = await call(door, 'GET', '/v1/customers', {
        headers: { 'MS-CorrelationId': correlationId },
      });
      expect(half.headers.get('ms-correlationid')).toBe(correlationId);
      expect(half.headers.get('ms-requestid')).toMatch(GUID);
    },
  },
];

export const scenarios: Scenario[] = [
  ...reads,
  ...rules,
  ...contracts,
  ...vetting,
  ...access,
  ...idempotency,
  ...headers,
];
