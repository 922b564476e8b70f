import { describe, expect, it } from 'vitest';
import { applySelect, parseListQuery, parseSelect, type SelectSpec } from './index.js';

const cert = {
  id: 'CER-9646-2171-8417',
  href: '/v1/program/certificates/CER-9646-2171-8417',
  name: 'Alpha Gold',
  program: {
    id: 'PRG-9643-3741',
    href: '/v1/program/programs/PRG-9643-3741',
    name: 'Gold Program',
  },
  status: 'Active',
  expirationDate: '2025-12-04',
  parameters: {
    ordering: [
      { id: 'PPM-9643-3741-0001', externalId: 'tier', value: 'Gold' },
      { id: 'PPM-9643-3741-0002', externalId: 'seats', value: '50' },
    ],
    fulfillment: [],
  },
  audit: { created: { at: '2024-01-10T10:00:00Z', by: { id: 'USR-6337-1324', name: 'Op' } } },
};

function spec(raw: string): SelectSpec {
  const r = parseSelect(raw);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('parseSelect', () => {
  const table: { given: string; want: SelectSpec }[] = [
    {
      given: '-*,id,name,status',
      want: { dropAll: true, include: [['id'], ['name'], ['status']], exclude: [] },
    },
    {
      given: '-audit,+parameters',
      want: { dropAll: false, include: [['parameters']], exclude: [['audit']] },
    },
    {
      given: 'program.name',
      want: { dropAll: false, include: [['program', 'name']], exclude: [] },
    },
    { given: '-*,-*,name', want: { dropAll: true, include: [['name']], exclude: [] } },
    { given: '-*,%2Bname', want: { dropAll: true, include: [['name']], exclude: [] } },
    // a value already decoded by a framework (`+` turned into a space) still works
    { given: '-*, name', want: { dropAll: true, include: [['name']], exclude: [] } },
  ];
  it.each(table)('$given', ({ given, want }) => {
    expect(parseSelect(given)).toEqual({ ok: true, value: want });
  });

  const errors: { given: string; want: string }[] = [
    { given: '', want: 'empty select term' },
    { given: 'id,,name', want: 'empty select term at position 3' },
    { given: '*', want: "bad select term '*'" },
    { given: '-*,a..b', want: 'empty field name' },
    { given: 'na%zzme', want: 'invalid percent-encoding' },
  ];
  it.each(errors)('rejects $given', ({ given, want }) => {
    const r = parseSelect(given);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(want);
  });
});

describe('applySelect', () => {
  const table: { given: string | undefined; want: object }[] = [
    { given: undefined, want: cert },
    {
      given: '-*,id,name,status',
      want: { id: cert.id, href: cert.href, name: 'Alpha Gold', status: 'Active' },
    },
    // id and href are always kept, in the source's key order
    {
      given: '-*,status,name',
      want: { id: cert.id, href: cert.href, name: 'Alpha Gold', status: 'Active' },
    },
    { given: '-*', want: { id: cert.id, href: cert.href } },
    { given: '-*,-id,-href', want: { id: cert.id, href: cert.href } },
    {
      // A nested object that is kept keeps its id (references stay references).
      given: '-*,program.name',
      want: {
        id: cert.id,
        href: cert.href,
        program: { id: 'PRG-9643-3741', name: 'Gold Program' },
      },
    },
    {
      given: '-*,program.name,program',
      want: { id: cert.id, href: cert.href, program: cert.program },
    },
    {
      given: '-*,program,-program.href',
      want: {
        id: cert.id,
        href: cert.href,
        program: { id: 'PRG-9643-3741', name: 'Gold Program' },
      },
    },
    {
      given: '-*,parameters.ordering.externalId,parameters.ordering.value',
      want: {
        id: cert.id,
        href: cert.href,
        parameters: {
          ordering: [
            { id: 'PPM-9643-3741-0001', externalId: 'tier', value: 'Gold' },
            { id: 'PPM-9643-3741-0002', externalId: 'seats', value: '50' },
          ],
        },
      },
    },
    { given: '-*,nope,name.first', want: { id: cert.id, href: cert.href } },
    {
      given: '-audit,-parameters,-program.href,-expirationDate',
      want: {
        id: cert.id,
        href: cert.href,
        name: 'Alpha Gold',
        program: { id: 'PRG-9643-3741', name: 'Gold Program' },
        status: 'Active',
      },
    },
    {
      // ids are never excluded, at any depth.
      given: '-parameters.ordering.id,-audit.created.by,-id,-nope.deeper',
      want: {
        ...cert,
        parameters: {
          ordering: [
            { id: 'PPM-9643-3741-0001', externalId: 'tier', value: 'Gold' },
            { id: 'PPM-9643-3741-0002', externalId: 'seats', value: '50' },
          ],
          fulfillment: [],
        },
        audit: { created: { at: '2024-01-10T10:00:00Z' } },
      },
    },
    // without -*, an include is a no-op (the default representation is kept)
    { given: '+name,program.name', want: cert },
  ];

  it.each(table)('$given', ({ given, want }) => {
    const before = structuredClone(cert);
    const out = applySelect(cert, given === undefined ? undefined : spec(given));
    expect(out).toEqual(want);
    expect(Object.keys(out)).toEqual(Object.keys(want));
    expect(cert).toEqual(before); // never mutates
  });

  // Dotted paths through a reference that carries references of its own, as the mobile app
  // selects them (softwareone-platform/mpt-mobile-platform app/src/services/*Service.ts).
  const enrollment = {
    id: 'ENR-3350-8812-0046',
    href: '/v1/program/enrollments/ENR-3350-8812-0046',
    program: {
      id: 'PRG-9643-3741',
      name: 'E2E Seeded Program',
      vendor: { id: 'ACC-3102-5475', name: 'Microsoft', type: 'Vendor' },
    },
    licensee: {
      id: 'LCE-5758-4071-6507',
      name: 'Oscorp Canada Limited',
      account: { id: 'ACC-1086-6867', name: 'Oscorp Industries' },
      address: { city: 'Toronto', country: 'CA' },
    },
    assignee: {
      id: 'USR-7712-0045',
      name: 'Victor Vendor',
      currentAccount: { id: 'ACC-3102-5475', name: 'Microsoft' },
    },
  };
  const through: { given: string; want: object }[] = [
    {
      given: '-*,licensee.account.id',
      want: {
        id: enrollment.id,
        href: enrollment.href,
        licensee: { id: enrollment.licensee.id, account: { id: 'ACC-1086-6867' } },
      },
    },
    {
      given: '-*,assignee.currentAccount.id,licensee.address',
      want: {
        id: enrollment.id,
        href: enrollment.href,
        licensee: { id: enrollment.licensee.id, address: enrollment.licensee.address },
        assignee: { id: enrollment.assignee.id, currentAccount: { id: 'ACC-3102-5475' } },
      },
    },
    {
      given: '-*,program.vendor',
      want: {
        id: enrollment.id,
        href: enrollment.href,
        program: { id: enrollment.program.id, vendor: enrollment.program.vendor },
      },
    },
    // a path through a member the object does not have selects nothing there
    { given: '-*,buyer.address', want: { id: enrollment.id, href: enrollment.href } },
    // without -*, the app's own selects keep the whole representation, nested references included
    {
      given: 'assignee.currentAccount.id,buyer.address,licensee.account.id,licensee.address',
      want: enrollment,
    },
  ];
  it.each(through)('through references: $given', ({ given, want }) => {
    expect(applySelect(enrollment, spec(given))).toEqual(want);
  });

  it('returns a deep copy when there is a select, the object itself when there is none', () => {
    const out = applySelect(cert, spec('-*,program')) as typeof cert;
    expect(out.program).not.toBe(cert.program);
    out.program.name = 'changed';
    expect(cert.program.name).toBe('Gold Program');
    const dropped = applySelect(cert, spec('-name')) as typeof cert;
    expect(dropped.parameters.ordering[0]).not.toBe(cert.parameters.ordering[0]);
    // Stored objects are never changed in place: an answer without select is serialized from them.
    expect(applySelect(cert, undefined)).toBe(cert);
  });

  it('keeps a __proto__ key as plain data', () => {
    const obj = JSON.parse('{"id":"X","__proto__":{"polluted":true},"name":"n"}') as object;
    const out = applySelect(obj, spec('-name'));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['id', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('works with the select of a parsed list query', () => {
    const q = parseListQuery('select=-*,name&limit=1');
    expect(q.ok && applySelect(cert, q.value.select)).toEqual({
      id: cert.id,
      href: cert.href,
      name: 'Alpha Gold',
    });
  });
});
