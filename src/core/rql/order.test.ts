import { describe, expect, it } from 'vitest';
import { compareByOrder, parseListQuery, parseOrder, type OrderTerm } from './index.js';

const rows = [
  {
    id: 'R1',
    name: 'beta',
    status: 'Active',
    seats: 10,
    audit: { created: { at: '2024-03-01T00:00:00Z' } },
  },
  {
    id: 'R2',
    name: 'Alpha',
    status: 'Expired',
    seats: 9,
    audit: { created: { at: '2025-01-01T00:00:00Z' } },
  },
  { id: 'R3', name: 'alpha', status: 'Active', audit: { created: { at: '2023-12-31T23:59:59Z' } } },
  { id: 'R4', status: 'Active', seats: 100, audit: {} },
  { id: 'R5', name: 'Zed', status: 'Pending', seats: null },
  { id: 'R6', name: 'Älpha', status: 'Active', seats: 10 },
];

function sortIds(order: string): string[] {
  const q = parseListQuery(`order=${order}`);
  if (!q.ok) throw new Error(q.error);
  const cmp = compareByOrder(q.value.order);
  // the caller's id tie-break, as the list handlers will do it
  return [...rows]
    .sort((a, b) => cmp(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((r) => r.id);
}

describe('parseOrder', () => {
  const table: { given: string; want: OrderTerm[] }[] = [
    { given: 'name', want: [{ path: ['name'], direction: 1 }] },
    { given: '+name', want: [{ path: ['name'], direction: 1 }] },
    { given: '-name', want: [{ path: ['name'], direction: -1 }] },
    {
      given: '-audit.created.at,+name,status',
      want: [
        { path: ['audit', 'created', 'at'], direction: -1 },
        { path: ['name'], direction: 1 },
        { path: ['status'], direction: 1 },
      ],
    },
    {
      given: ' name , -status ',
      want: [
        { path: ['name'], direction: 1 },
        { path: ['status'], direction: -1 },
      ],
    },
  ];
  it.each(table)('$given', ({ given, want }) => {
    expect(parseOrder(given)).toEqual({ ok: true, value: want });
  });

  // SoftwareOne's RQL library: an empty order is no order
  // (mpt-rql-net src/Mpt.Rql/Services/Ordering/OrderingService.cs: `IsNullOrEmpty(order)`), and
  // its parser drops an empty term between separators
  // (src/Mpt.Rql/Parsers/Linear/Services/RqlParser.cs: HandleGroupOperator adds a word only when
  // it is not empty).
  const skipped: { given: string; want: OrderTerm[] }[] = [
    { given: 'order=', want: [] },
    { given: 'order', want: [] },
    { given: 'order=%20', want: [] },
    {
      given: 'order=-a,,b,',
      want: [
        { path: ['a'], direction: -1 },
        { path: ['b'], direction: 1 },
      ],
    },
  ];
  it.each(skipped)('$given', ({ given, want }) => {
    const q = parseListQuery(given);
    expect(q.ok && q.value.order).toEqual(want);
  });
});

describe('compareByOrder', () => {
  const table: { given: string; want: string[] }[] = [
    // code-unit order: upper case before lower case, 'Ä' after 'z'; missing names last
    { given: 'name', want: ['R2', 'R5', 'R3', 'R1', 'R6', 'R4'] },
    { given: '-name', want: ['R4', 'R6', 'R1', 'R3', 'R5', 'R2'] },
    // numbers numerically (9 < 10 < 100); null and missing last, id tie-break from the caller
    { given: 'seats', want: ['R2', 'R1', 'R6', 'R4', 'R3', 'R5'] },
    { given: '-seats', want: ['R3', 'R5', 'R4', 'R1', 'R6', 'R2'] },
    { given: 'status,-seats', want: ['R3', 'R4', 'R1', 'R6', 'R2', 'R5'] },
    { given: '-audit.created.at', want: ['R4', 'R5', 'R6', 'R2', 'R1', 'R3'] },
    { given: '+audit.created.at,name', want: ['R3', 'R1', 'R2', 'R5', 'R6', 'R4'] },
  ];
  it.each(table)('order=$given', ({ given, want }) => {
    expect(sortIds(given)).toEqual(want);
  });

  it('returns 0 for equal keys (no tie-break of its own) and for an empty order', () => {
    const cmp = compareByOrder([{ path: ['status'], direction: 1 }]);
    expect(cmp(rows[0], rows[2])).toBe(0);
    expect(compareByOrder([])(rows[0], rows[1])).toBe(0);
  });

  it('orders mixed types: booleans, numbers, strings, other, missing', () => {
    const values = [undefined, 'a', { x: 1 }, 2, null, true, 1, false];
    const cmp = compareByOrder([{ path: ['v'], direction: 1 }]);
    const sorted = values
      .map((v) => ({ v }))
      .sort(cmp)
      .map((o) => o.v);
    expect(sorted.slice(0, 6)).toEqual([false, true, 1, 2, 'a', { x: 1 }]);
    expect(sorted.slice(6).every((v) => v === null || v === undefined)).toBe(true);
  });
});
