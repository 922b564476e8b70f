/** The default vetting policy, on a state without any door: who is decided, when, and how. */
import { describe, expect, it, vi } from 'vitest';
import { loadPartner } from '../../src/core/partner/seed.js';
import { emptyPartnerState, type PartnerState } from '../../src/core/partner/state.js';
import { decide, isAcademicDomain, settleVetting } from '../../src/core/partner/vetting.js';

const created = '2026-11-18T10:00:00.000Z';
const due = '2026-11-21T10:00:00.000Z';
const ids = {
  school: '3b8a1c0e-4f6d-4a8b-9e21-7c5d2f9a6b14',
  shop: 'c2e5a8f1-3b7d-4e92-a6c4-81f0d5b9e327',
  later: 'e8b3f6d2-0c4a-4b7e-8d19-5a2f7c1e9b64',
};

function customer(id: string, domain: string, vettingCreateDate = created) {
  return {
    id,
    companyProfile: { tenantId: id, domain, companyName: domain },
    relationshipToPartner: 'reseller',
    attributes: { objectType: 'Customer' as const },
    qualifications: [
      {
        qualification: 'Education' as const,
        vettingStatus: 'InReview' as const,
        vettingCreateDate,
      },
    ],
  };
}

function state(): PartnerState {
  const s = emptyPartnerState();
  loadPartner(s, {
    customers: [
      customer(ids.school, 'contoso-school.edu'),
      customer(ids.shop, 'wingtiptoys.com'),
      customer(ids.later, 'northwind.edu.au', '2026-11-20T10:00:00.000Z'),
    ],
  });
  return s;
}

const statusOf = (s: PartnerState, id: string) => s.customers.get(id)!.qualifications[0]!;

describe('default vetting policy', () => {
  it.each([
    ['contoso-school.edu', true],
    ['CONTOSO.EDU', true],
    ['northwind.edu.au', true],
    ['uni.edu.uk.', true],
    ['wingtiptoys.com', false],
    ['contoso.education', false],
    ['school.edu.onmicrosoft.com', false],
    ['edu', false],
    ['contoso.edu.com', false],
  ])('isAcademicDomain(%s) is %s', (domain, want) => {
    expect(isAcademicDomain(domain)).toBe(want);
  });

  it('decides nothing before 3 days after vettingCreateDate', () => {
    const s = state();
    expect(settleVetting(s, new Date(Date.parse(due) - 1))).toBe(0);
    expect(statusOf(s, ids.school).vettingStatus).toBe('InReview');
  });

  it('approves an academic domain and denies another at exactly 3 days, leaving later reviews', () => {
    const s = state();
    expect(settleVetting(s, new Date(due))).toBe(2);
    expect(statusOf(s, ids.school)).toEqual({
      qualification: 'Education',
      vettingStatus: 'Approved',
      vettingCreateDate: created,
    });
    expect(statusOf(s, ids.shop)).toEqual({
      qualification: 'Education',
      vettingStatus: 'Denied',
      vettingReason: 'Not an Academic Domain',
      vettingCreateDate: created,
    });
    expect(statusOf(s, ids.later).vettingStatus).toBe('InReview');
    expect(settleVetting(s, new Date('2026-11-23T10:00:00.000Z'))).toBe(1);
    expect(statusOf(s, ids.later).vettingStatus).toBe('Approved');
  });

  it('does not look at the customers again until the next review is due', () => {
    const s = state();
    settleVetting(s, new Date(created));
    const scan = vi.spyOn(s.customers, 'values');
    for (let hour = 0; hour < 50; hour++)
      expect(settleVetting(s, new Date(Date.parse(created) + hour * 3_600_000))).toBe(0);
    expect(scan).not.toHaveBeenCalled();
    settleVetting(s, new Date(due));
    expect(scan).toHaveBeenCalledTimes(1);
  });

  it('leaves a review decided through decide() alone', () => {
    const s = state();
    expect(decide(s, ids.shop, { qualification: 'Education', status: 'Approved' })).toMatchObject({
      ok: true,
    });
    settleVetting(s, new Date(due));
    expect(statusOf(s, ids.shop).vettingStatus).toBe('Approved');
    expect(decide(s, ids.shop, { qualification: 'Education', status: 'Denied' })).toMatchObject({
      ok: false,
      status: 409,
    });
  });
});
