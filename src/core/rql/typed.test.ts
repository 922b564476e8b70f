import { describe, expect, it } from 'vitest';
import { parseListQuery } from './index.js';
import { canonicalInstant, typedQuery, type FieldType } from './typed.js';

/** A small object type (the API derives its own from the spec: src/schema/fields.ts). */
function object(properties: Record<string, FieldType>): FieldType {
  const lower = new Map(Object.keys(properties).map((k) => [k.toLowerCase(), k]));
  return {
    kind: 'object',
    at: (segment) => properties[segment],
    name: (segment) => (segment in properties ? undefined : lower.get(segment.toLowerCase())),
  };
}
const scalar = (kind: string): FieldType => ({ kind, at: () => undefined });
const list = (element: FieldType): FieldType => ({
  kind: 'array',
  at: (segment) => (/^\d+$/.test(segment) ? element : undefined),
});

const fields = object({
  name: scalar('string'),
  sellName: scalar('string'),
  seats: scalar('integer'),
  price: scalar('number'),
  verified: scalar('boolean'),
  expirationDate: scalar('date'),
  createdAt: scalar('date-time'),
  tags: list(scalar('string')),
  counts: list(scalar('integer')),
  owner: object({ id: scalar('string') }),
});

function typed(query: string) {
  const parsed = parseListQuery(query);
  if (!parsed.ok) return parsed;
  return typedQuery(parsed.value, fields);
}

describe('canonicalInstant: date-times as the stored spelling', () => {
  const table: { given: string; want: string | undefined }[] = [
    { given: '2026-01-01T00:00:00Z', want: '2026-01-01T00:00:00.000Z' },
    { given: '2026-01-01T00:00:00+00:00', want: '2026-01-01T00:00:00.000Z' },
    { given: '2026-01-01T01:30:00+01:30', want: '2026-01-01T00:00:00.000Z' },
    { given: '2025-12-31T19:00:00-0500', want: '2026-01-01T00:00:00.000Z' },
    { given: '2026-01-01T00:00:00.5Z', want: '2026-01-01T00:00:00.500Z' },
    { given: '2026-01-01T00:00:00.123000+00:00', want: '2026-01-01T00:00:00.123Z' },
    { given: '2026-01-01T00:00:00.000001+00:00', want: '2026-01-01T00:00:00.000Z\u0000' },
    { given: '2026-01-01T00:00:00', want: '2026-01-01T00:00:00.000Z' }, // naive = UTC
    { given: '2026-01-01T00:00', want: '2026-01-01T00:00:00.000Z' },
    { given: '2026-01-01 00:00:00Z', want: '2026-01-01T00:00:00.000Z' },
    { given: '2026-01-01', want: '2026-01-01T00:00:00.000Z' },
    { given: ' 2026-01-01T00:00:00Z ', want: '2026-01-01T00:00:00.000Z' },
    { given: '2026-02-30', want: undefined },
    { given: '2026-13-01', want: undefined },
    { given: '2026-01-01T24:00:00Z', want: undefined },
    { given: '2026-01-01Z', want: undefined },
    { given: '2026-01-01T00:00:00+25:00', want: undefined },
    { given: 'yesterday', want: undefined },
    { given: '', want: undefined },
  ];
  it.each(table)('$given', ({ given, want }) => {
    expect(canonicalInstant(given)).toBe(want);
  });
});

describe('typedQuery: values typed by the property', () => {
  const table: { given: string; want: unknown }[] = [
    { given: 'eq(seats,42)', want: { op: 'eq', path: ['seats'], value: 42 } },
    { given: 'eq(seats, +42 )', want: { op: 'eq', path: ['seats'], value: 42 } },
    { given: 'gt(price,200.5)', want: { op: 'gt', path: ['price'], value: 200.5 } },
    { given: 'eq(price,5e1)', want: { op: 'eq', path: ['price'], value: 50 } },
    { given: 'eq(verified,TRUE)', want: { op: 'eq', path: ['verified'], value: true } },
    { given: "eq(verified,'False')", want: { op: 'eq', path: ['verified'], value: false } },
    { given: 'verified=null()', want: { op: 'eq', path: ['verified'], value: null } },
    { given: 'eq(name,42)', want: { op: 'eq', path: ['name'], value: '42' } },
    { given: 'eq(name,true)', want: { op: 'eq', path: ['name'], value: 'true' } },
    { given: 'eq(name,empty())', want: { op: 'eq', path: ['name'], value: '' } },
    {
      given: 'eq(expirationDate,2026-01-01T00:00:00+00:00)',
      want: { op: 'eq', path: ['expirationDate'], value: '2026-01-01' },
    },
    {
      given: "ge(createdAt,'2026-01-01T00:00:00+00:00')",
      want: { op: 'ge', path: ['createdAt'], value: '2026-01-01T00:00:00.000Z' },
    },
    { given: 'in(seats,(1,2))', want: { op: 'in', path: ['seats'], values: [1, 2] } },
    { given: 'eq(counts,3)', want: { op: 'eq', path: ['counts'], value: 3 } },
    { given: 'eq(tags,3)', want: { op: 'eq', path: ['tags'], value: '3' } },
    // property names in any letter case, spelled as the schema spells them
    { given: 'eq(SEATS,1)', want: { op: 'eq', path: ['seats'], value: 1 } },
    { given: 'eq(Owner.ID,x)', want: { op: 'eq', path: ['owner', 'id'], value: 'x' } },
    // an unquoted value naming a property compares the two; quoted, it is a value
    { given: 'eq(name,sellName)', want: { op: 'eq', path: ['name'], ref: ['sellName'] } },
    { given: 'eq(name,SELLNAME)', want: { op: 'eq', path: ['name'], ref: ['sellName'] } },
    { given: "eq(name,'sellName')", want: { op: 'eq', path: ['name'], value: 'sellName' } },
    { given: 'like(name,sellName)', want: { op: 'like', path: ['name'], value: 'sellName' } },
    { given: 'eq(name,owner)', want: { op: 'eq', path: ['name'], value: 'owner' } },
    { given: 'eq(name,self(sellName))', want: { op: 'eq', path: ['name'], ref: ['sellName'] } },
    {
      given: 'any(tags,self()=x)',
      want: { op: 'any', path: ['tags'], where: { op: 'eq', path: [], value: 'x' } },
    },
    { given: 'any(Tags)', want: { op: 'any', path: ['tags'] } },
  ];
  it.each(table)('$given', ({ given, want }) => {
    const r = typed(given);
    if (!r.ok) throw new Error(r.error);
    expect(r.value.filter).toEqual(want);
  });

  const refused: { given: string; want: string }[] = [
    { given: 'eq(seats,1.5)', want: "cannot convert '1.5' to an integer (the type of 'seats')" },
    { given: 'eq(seats,0x10)', want: 'to an integer' },
    { given: 'eq(seats,empty())', want: 'cannot convert empty() to an integer' },
    { given: 'eq(price,abc)', want: "cannot convert 'abc' to a number" },
    { given: 'eq(verified,1)', want: "cannot convert '1' to a boolean" },
    { given: 'eq(expirationDate,2026-01-01T10:00:00Z)', want: 'to a date' },
    { given: 'gt(createdAt,tomorrow)', want: "cannot convert 'tomorrow' to a date-time" },
    { given: 'in(seats,(1,two))', want: "'two' to an integer" },
    { given: 'eq(owner,x)', want: 'compare one of its properties' },
    { given: 'like(seats,1*)', want: "like() needs a string property; 'seats' is integer" },
    { given: 'ilike(createdAt,2026*)', want: "'createdAt' is date-time" },
    {
      given: 'eq(seats,self(name))',
      want: "cannot compare 'seats' (integer) with 'name' (string)",
    },
    { given: 'eq(seats,name)', want: "cannot convert 'name' to an integer" },
    { given: 'eq(nosuch,1)', want: "unknown property or query parameter 'nosuch'" },
    { given: 'utm_source=x', want: "unknown property or query parameter 'utm_source'" },
    { given: 'order=-nosuch', want: "order: unknown property 'nosuch'" },
    { given: 'any(name,x=1)', want: "'name' is not a list" },
    { given: 'any(tags,eq(nosuch,1))', want: "'nosuch'" },
  ];
  it.each(refused)('$given -> $want', ({ given, want }) => {
    const r = typed(given);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(want);
  });

  it('spells order terms as the schema does', () => {
    const r = typed('order=-SEATS,owner.Id');
    expect(r.ok && r.value.order).toEqual([
      { path: ['seats'], direction: -1 },
      { path: ['owner', 'id'], direction: 1 },
    ]);
  });
});
