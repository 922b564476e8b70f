/** Loading Partner Center fixtures: the default seed loads, a bad fixture is refused and says why. */
import { describe, expect, it } from 'vitest';
import { SeedError } from '../../src/core/seed-error.js';
import {
  defaultPartnerSeed,
  dumpPartner,
  loadPartner,
  seedCustomers,
  seedValidationCodes,
} from '../../src/core/partner/seed.js';
import { emptyPartnerState, type PartnerSeed } from '../../src/core/partner/state.js';
import { createKit } from '../../src/kit.js';
import { defaultSeed } from '../../src/core/seed.js';

const now = new Date('2026-11-21T09:00:00.000Z');
const id = '5f1c9e27-8a4b-4d63-b2e0-7c9d3a6f1e58';
const customer = (extra: Record<string, unknown> = {}) => ({
  id,
  companyProfile: { tenantId: id, domain: 'lakeviewlearning.com', companyName: 'Lakeview' },
  relationshipToPartner: 'reseller',
  attributes: { objectType: 'Customer' },
  ...extra,
});
const code = (extra: Record<string, unknown> = {}) => ({
  partnerId: '8c5e3f2a-9b1d-4e7c-a6f0-2d4b8e1c7a93',
  organizationName: 'Fabrikam County Government',
  validationId: 'GCC-1',
  maxCreates: 5,
  remainingCreates: 3,
  eTag: '"0x1"',
  ...extra,
});
const education = {
  qualification: 'Education',
  vettingStatus: 'InReview',
  vettingCreateDate: now.toISOString(),
};
const gcc = {
  qualification: 'GovernmentCommunityCloud',
  vettingStatus: 'Approved',
  vettingCreateDate: now.toISOString(),
};

describe('loadPartner', () => {
  it('loads the default seed, and dumps it back to a fixture that loads again', () => {
    const state = emptyPartnerState();
    loadPartner(state, defaultPartnerSeed(now));
    expect([...state.customers.keys()]).toEqual(Object.values(seedCustomers));
    expect([...state.validationCodes.keys()]).toEqual(Object.values(seedValidationCodes));
    expect([...state.tokens.keys()]).toEqual(['partner-token', 'reader-token']);
    const again = emptyPartnerState();
    loadPartner(again, JSON.parse(JSON.stringify(dumpPartner(state))) as PartnerSeed);
    expect(dumpPartner(again)).toEqual(dumpPartner(state));
  });

  it("skips the schema checks only for the kit's own default seed, which loads the same", () => {
    const trusted = createKit({ now });
    const checked = createKit({ now, seed: defaultSeed });
    expect(dumpPartner(trusted.world.partner)).toEqual(dumpPartner(checked.world.partner));
    const bad = {
      customers: [{ ...customer(), relationshipToPartner: 42 }],
    } as unknown as PartnerSeed;
    expect(() => createKit({ now, seed: { partnerCenter: bad } })).toThrow(/not a valid Customer/);
    expect(() => trusted.world.load({ partnerCenter: bad })).toThrow(/not a valid Customer/);
  });

  it.each<[string, unknown, RegExp]>([
    ['not an object', [], /must be an object/],
    ['customers not an array', { customers: {} }, /customers must be an array/],
    [
      'a customer without companyProfile',
      { customers: [{ ...customer(), companyProfile: undefined }] },
      /not a valid Customer/,
    ],
    [
      'a customer id that is not a GUID',
      {
        customers: [
          customer({
            id: 'lakeview',
            companyProfile: { tenantId: 'lakeview', domain: 'x.com', companyName: 'X' },
          }),
        ],
      },
      /not a valid Customer|not a GUID/,
    ],
    [
      'a tenantId that is not the id',
      {
        customers: [
          customer({
            companyProfile: {
              tenantId: '3b8a1c0e-4f6d-4a8b-9e21-7c5d2f9a6b14',
              domain: 'x.com',
              companyName: 'X',
            },
          }),
        ],
      },
      /tenantId must be the customer id/,
    ],
    [
      'the same customer twice (any case)',
      {
        customers: [
          customer(),
          customer({
            id: id.toUpperCase(),
            companyProfile: { tenantId: id.toUpperCase(), domain: 'x.com', companyName: 'X' },
          }),
        ],
      },
      /appears twice/,
    ],
    [
      'a qualification that cannot be held',
      { customers: [customer({ qualifications: [{ qualification: 'Nonprofit' }] })] },
      /Nonprofit cannot be held/,
    ],
    [
      'an unknown qualification',
      { customers: [customer({ qualifications: [{ qualification: 'Hospital' }] })] },
      /not a valid CustomerQualification/,
    ],
    [
      'a qualification twice',
      {
        customers: [
          customer({
            qualifications: [
              { qualification: 'StateOwnedEntity' },
              { qualification: 'StateOwnedEntity' },
            ],
          }),
        ],
      },
      /StateOwnedEntity appears twice/,
    ],
    [
      'Education with GCC',
      { customers: [customer({ qualifications: [education, gcc] })] },
      /both Education and GovernmentCommunityCloud/,
    ],
    [
      'Education without vettingCreateDate',
      {
        customers: [
          customer({ qualifications: [{ qualification: 'Education', vettingStatus: 'InReview' }] }),
        ],
      },
      /needs vettingCreateDate/,
    ],
    [
      'a Denied Education without a reason',
      { customers: [customer({ qualifications: [{ ...education, vettingStatus: 'Denied' }] })] },
      /needs a vettingReason/,
    ],
    [
      'a GCC that is not Approved',
      { customers: [customer({ qualifications: [{ ...gcc, vettingStatus: 'InReview' }] })] },
      /Approved at once/,
    ],
    [
      'StateOwnedEntity with vetting fields',
      {
        customers: [
          customer({
            qualifications: [{ qualification: 'StateOwnedEntity', vettingStatus: 'Approved' }],
          }),
        ],
      },
      /no vetting fields/,
    ],
    [
      'more than 3 Education requests',
      { customers: [customer({ qualifications: [education], educationRequests: 4 })] },
      /educationRequests must be an integer from 1 to 3/,
    ],
    [
      'an Education entry with no request counted',
      { customers: [customer({ qualifications: [education], educationRequests: 0 })] },
      /educationRequests/,
    ],
    ['a validation code twice', { validationCodes: [code(), code()] }, /GCC-1 appears twice/],
    [
      'more creates left than allowed',
      { validationCodes: [code({ remainingCreates: 6 })] },
      /cannot exceed maxCreates/,
    ],
    [
      'a partnerId that is not a GUID',
      { validationCodes: [code({ partnerId: 'contoso' })] },
      /partnerId contoso is not a GUID/,
    ],
    [
      'a negative remainingCreates',
      { validationCodes: [code({ remainingCreates: -1 })] },
      /not a valid ValidationCode/,
    ],
    [
      'a token with an unknown role',
      { tokens: [{ token: 't', role: 'admin' }] },
      /role must be "partner" or "reader"/,
    ],
    [
      'a token twice',
      {
        tokens: [
          { token: 't', role: 'partner' },
          { token: 't', role: 'reader' },
        ],
      },
      /t appears twice/,
    ],
    ['an empty token', { tokens: [{ token: '', role: 'partner' }] }, /non-empty/],
  ])('refuses %s', (_what, fixture, message) => {
    const load = () => loadPartner(emptyPartnerState(), fixture as PartnerSeed);
    expect(load).toThrow(SeedError);
    expect(load).toThrow(message);
  });

  it('keeps the world as it was when a fixture is refused', () => {
    const kit = createKit({ now });
    const before = kit.control.state();
    expect(() =>
      kit.control.seed({ partnerCenter: { customers: [customer({ id: 'x' })] } } as never),
    ).toThrow(/cannot be loaded/);
    expect(kit.control.state()).toEqual(before);
  });

  it('copies the fixture: writes do not leak into it, and reset restores the seed', () => {
    const kit = createKit({ now });
    const handle = (body: unknown) =>
      kit.handle('partner-center', {
        method: 'POST',
        path: `/v1/customers/${seedCustomers.none}/qualifications`,
        rawQuery: '',
        headers: { authorization: 'Bearer partner-token', 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect(
      handle({
        qualification: 'GovernmentCommunityCloud',
        validationCode: seedValidationCodes.withCreates,
      }).status,
    ).toBe(201);
    expect(
      kit.world.partner.validationCodes.get(seedValidationCodes.withCreates)!.remainingCreates,
    ).toBe(2);
    kit.control.reset();
    expect(
      kit.world.partner.validationCodes.get(seedValidationCodes.withCreates)!.remainingCreates,
    ).toBe(3);
    expect(kit.world.partner.customers.get(seedCustomers.none)!.qualifications).toEqual([]);
  });
});
