import { describe, expect, it } from 'vitest';
import { getPath, matches, parseListQuery, type RqlNode } from './index.js';

/** Certificate-like fixtures; the short ids C1..C5 keep the tables readable. */
const certs = [
  {
    id: 'C1',
    name: 'Alpha Gold',
    status: 'Active',
    program: { id: 'PRG-9643-3741', name: 'Gold Program' },
    expirationDate: '2025-12-04',
    audit: { created: { at: '2024-01-10T10:00:00Z' } },
    parameters: {
      ordering: [
        { externalId: 'tier', value: 'Gold' },
        { externalId: 'seats', value: '50' },
      ],
    },
    licensee: { id: 'LCE-5758-4071-6507', name: 'Contoso' },
    seats: 50,
    verified: true,
    tags: ['eu', 'gold'],
  },
  {
    id: 'C2',
    name: 'beta silver',
    status: 'Expired',
    program: { id: 'PRG-1111-2222', name: 'Silver Program' },
    expirationDate: '2024-06-30',
    audit: { created: { at: '2023-05-01T00:00:00Z' } },
    parameters: { ordering: [{ externalId: 'tier', value: 'Silver' }] },
    seats: 9,
    verified: false,
    tags: [],
  },
  {
    id: 'C3',
    name: 'Gamma (EU), Ltd',
    status: 'Pending',
    program: { id: 'PRG-9643-3741', name: 'Gold Program' },
    expirationDate: '2026-01-15',
    audit: { created: { at: '2025-02-01T08:30:00Z' } },
    parameters: { ordering: [] },
    licensee: null,
    seats: 100,
    statusNotes: '',
    tags: ['us'],
  },
  {
    id: 'C4',
    name: 'Delta',
    status: 'Deleted',
    program: { id: 'PRG-1111-2222', name: 'Silver Program' },
    expirationDate: '2025-12-05',
    audit: { created: { at: '2024-01-10T10:00:00Z' } },
    parameters: { ordering: [{ externalId: 'seats', value: '5' }] },
    licensee: { id: 'LCE-0000-0000-0002', name: 'Fabrikam' },
    statusNotes: 'removed by operator',
    tags: ['eu'],
  },
  {
    id: 'C5',
    name: '',
    status: 'Terminated',
    program: { id: 'PRG-9643-3741' },
    parameters: { ordering: [{ externalId: 'tier', value: 'gold' }] },
    seats: 0,
  },
];

function ids(query: string): string[] {
  const q = parseListQuery(query);
  if (!q.ok) throw new Error(`query ${query} failed: ${q.error}`);
  const filter = q.value.filter;
  return certs.filter((c) => filter === undefined || matches(filter, c)).map((c) => c.id);
}

describe('matches', () => {
  const table: { given: string; want: string[] }[] = [
    { given: '', want: ['C1', 'C2', 'C3', 'C4', 'C5'] },
    // equality, shorthand, quoting
    { given: 'status=Active', want: ['C1'] },
    // any() and all() over a collection, with an expression or the field=value shorthand
    { given: 'any(parameters.ordering,externalId=tier)', want: ['C1', 'C2', 'C5'] },
    { given: "any(parameters.ordering,value='Gold')", want: ['C1'] },
    { given: 'any(parameters.ordering,eq(value,Gold))', want: ['C1'] },
    { given: 'all(parameters.ordering,externalId=tier)', want: ['C2', 'C3', 'C5'] },
    { given: 'all(parameters.ordering,ne(externalId,seats))', want: ['C2', 'C3', 'C5'] },
    { given: 'not(all(parameters.ordering,externalId=tier))', want: ['C1', 'C4'] },
    { given: 'all(tags,eq(tags,eu))', want: ['C2'] }, // only the empty list holds vacuously
    { given: 'all(missing,eq(a,1))', want: [] },
    // render() is an option, not a filter
    { given: 'render()', want: ['C1', 'C2', 'C3', 'C4', 'C5'] },
    { given: 'status=Active&render()', want: ['C1'] },
    { given: "eq(status,'Active')", want: ['C1'] },
    { given: 'eq(status,"active")', want: [] },
    { given: 'ne(status,"Deleted")', want: ['C1', 'C2', 'C3', 'C5'] },
    { given: 'program.id=PRG-9643-3741', want: ['C1', 'C3', 'C5'] },
    { given: 'eq(program.name,Gold+Program)', want: [] },
    { given: 'program.name=Gold+Program', want: ['C1', 'C3'] },
    { given: 'eq(program.name,Gold%20Program)', want: ['C1', 'C3'] },
    { given: 'eq(name,"Gamma (EU), Ltd")', want: ['C3'] },
    { given: 'and(eq(program.id,"PRG-9643-3741"),ne(status,"Pending"))', want: ['C1', 'C5'] },
    { given: 'status=Active&program.id=PRG-1111-2222', want: [] },
    { given: 'eq(missing.field,x)', want: [] },
    // ne leaves a missing or null field out (mpt-rql-net's Safe navigation: field != null && ...)
    { given: 'ne(missing.field,x)', want: [] },
    { given: 'not(eq(missing.field,x))', want: ['C1', 'C2', 'C3', 'C4', 'C5'] },
    // null() and empty(): licensee is an object (C1, C4), null (C3) or absent (C2, C5);
    // empty() is the empty string only, never null or an empty list
    { given: 'eq(licensee,null())', want: ['C2', 'C3', 'C5'] },
    { given: 'ne(licensee,null())', want: ['C1', 'C4'] },
    { given: 'eq(licensee.name,null())', want: ['C2', 'C3', 'C5'] },
    { given: 'eq(licensee,empty())', want: [] },
    { given: 'eq(statusNotes,empty())', want: ['C3'] },
    { given: 'ne(statusNotes,empty())', want: ['C4'] },
    { given: 'eq(name,empty())', want: ['C5'] },
    { given: 'eq(tags,empty())', want: [] },
    { given: 'eq(parameters.ordering,empty())', want: [] },
    { given: 'eq(statusNotes,"")', want: ['C3'] },
    // numbers compare numerically when the field is a number
    { given: 'gt(seats,10)', want: ['C1', 'C3'] },
    { given: 'ge(seats,50)', want: ['C1', 'C3'] },
    { given: 'lt(seats,10)', want: ['C2', 'C5'] },
    { given: 'le(seats,"9")', want: ['C2', 'C5'] },
    { given: 'eq(seats,50.0)', want: ['C1'] },
    { given: 'eq(seats,5e1)', want: ['C1'] },
    { given: 'eq(seats,0)', want: ['C5'] },
    { given: 'in(seats,(9,100))', want: ['C2', 'C3'] },
    { given: 'eq(seats,fifty)', want: [] },
    // strings compare as strings: "5" > "10" in code-unit order
    { given: 'gt(parameters.ordering.1.value,10)', want: ['C1'] },
    { given: 'gt(parameters.ordering.0.value,"5")', want: ['C1', 'C2', 'C5'] },
    // booleans
    { given: 'eq(verified,true)', want: ['C1'] },
    { given: 'eq(verified,false)', want: ['C2'] },
    { given: 'eq(verified,"true")', want: ['C1'] },
    { given: 'verified=false', want: ['C2'] },
    { given: 'ne(verified,true)', want: ['C2'] },
    { given: 'eq(verified,TRUE)', want: ['C1'] },
    // ISO dates compare as strings; missing fields are never gt/lt
    { given: 'gt(expirationDate,2025-01-01)', want: ['C1', 'C3', 'C4'] },
    { given: 'le(expirationDate,2025-12-04)', want: ['C1', 'C2'] },
    { given: 'lt(expirationDate,2025-12-05)', want: ['C1', 'C2'] },
    {
      given: 'and(ge(expirationDate,2025-12-04),le(expirationDate,2025-12-05))',
      want: ['C1', 'C4'],
    },
    { given: 'ge(audit.created.at,2024-01-10T10:00:00Z)', want: ['C1', 'C3', 'C4'] },
    { given: 'gt(audit.created.at,2024)', want: ['C1', 'C3', 'C4'] },
    { given: 'lt(licensee,a)', want: [] },
    { given: 'gt(licensee,null())', want: [] },
    // like / ilike
    { given: 'like(name,Alpha*)', want: ['C1'] },
    { given: 'like(name,alpha*)', want: [] },
    { given: 'ilike(name,alpha*)', want: ['C1'] },
    { given: 'ilike(name,*GOLD*)', want: ['C1'] },
    { given: 'ilike(name,*a)', want: ['C4'] },
    { given: 'ilike(name,"*(eu)*")', want: ['C3'] },
    { given: 'like(name,*)', want: ['C1', 'C2', 'C3', 'C4', 'C5'] },
    { given: 'like(name,"")', want: ['C5'] },
    { given: 'like(name,Alpha)', want: [] },
    // only a leading and a trailing * are wildcards: a * in the middle is itself
    { given: 'like(name,*l*l*)', want: [] },
    { given: 'like(name,*l*a*)', want: [] },
    { given: 'like(seats,1*)', want: ['C3'] },
    { given: 'ilike(tags,E*)', want: ['C1', 'C4'] },
    // in / out
    { given: 'in(status,(Active,Expired))', want: ['C1', 'C2'] },
    { given: 'in(status,Active)', want: ['C1'] },
    { given: 'out(status,(Active,Expired))', want: ['C3', 'C4', 'C5'] },
    // out keeps a missing field (the library's ListOut is Not(Contains), not null-safe)
    { given: 'out(statusNotes,(x))', want: ['C1', 'C2', 'C3', 'C4', 'C5'] },
    { given: 'in(tags,(us,gold))', want: ['C1', 'C3'] },
    // arrays of scalars: eq matches any element
    { given: 'eq(tags,eu)', want: ['C1', 'C4'] },
    { given: 'ne(tags,eu)', want: ['C2', 'C3'] },
    // any(collection) without a condition: the collection has an element
    { given: 'any(tags)', want: ['C1', 'C3', 'C4'] },
    { given: 'any(tags,self()=eu)', want: ['C1', 'C4'] },
    { given: 'any(tags,ilike(self(),G*))', want: ['C1'] },
    // grammar: | and ; are OR, AND binds tighter
    { given: 'status=Active|status=Pending', want: ['C1', 'C3'] },
    { given: 'status=Active;status=Pending&seats=0', want: ['C1'] },
    { given: '(status=Active|status=Terminated)&seats=0', want: ['C5'] },
    { given: 'status=Active|seats=0&program.id=PRG-9643-3741', want: ['C1', 'C5'] },
    // and / or / not
    { given: 'or(eq(status,Active),eq(status,Pending))', want: ['C1', 'C3'] },
    { given: 'or(eq(status,Active))', want: ['C1'] },
    { given: 'and(eq(status,Active))', want: ['C1'] },
    { given: 'not(eq(status,Active))', want: ['C2', 'C3', 'C4', 'C5'] },
    { given: 'not(not(eq(status,Active)))', want: ['C1'] },
    {
      given: 'and(or(eq(status,Active),eq(status,Deleted)),eq(licensee.name,Fabrikam))',
      want: ['C4'],
    },
    // any over parameters.ordering (paths relative to the element)
    { given: 'any(parameters.ordering,eq(externalId,tier))', want: ['C1', 'C2', 'C5'] },
    { given: 'any(parameters.ordering,and(eq(externalId,tier),eq(value,Gold)))', want: ['C1'] },
    {
      given: 'any(parameters.ordering,and(eq(externalId,tier),ilike(value,gold)))',
      want: ['C1', 'C5'],
    },
    // parameter values are strings, so "5" > "10" (code units)
    {
      given: 'any(parameters.ordering,and(eq(externalId,seats),gt(value,10)))',
      want: ['C1', 'C4'],
    },
    { given: 'not(any(parameters.ordering,eq(externalId,seats)))', want: ['C2', 'C3', 'C5'] },
    { given: 'any(program,eq(id,PRG-9643-3741))', want: [] },
    { given: 'any(missing,eq(a,b))', want: [] },
  ];

  it.each(table)('$given', ({ given, want }) => {
    expect(ids(given)).toEqual(want);
  });

  it('handles hand-built nodes with numeric and list literals', () => {
    const c = certs[0]!;
    const table: { given: RqlNode; want: boolean }[] = [
      { given: { op: 'eq', path: ['seats'], value: 50 }, want: true },
      { given: { op: 'gt', path: ['seats'], value: 49.5 }, want: true },
      { given: { op: 'eq', path: ['seats'], value: ['50'] }, want: false },
      { given: { op: 'and', args: [] }, want: true },
      { given: { op: 'or', args: [] }, want: false },
    ];
    for (const { given, want } of table) expect(matches(given, c)).toBe(want);
  });
});

describe('getPath', () => {
  const obj = { a: { b: { c: 1 } }, list: [{ x: 'first' }, { x: 'second' }], n: null };
  const table: { given: string[]; want: unknown }[] = [
    { given: [], want: obj },
    { given: ['a', 'b', 'c'], want: 1 },
    { given: ['a', 'x'], want: undefined },
    { given: ['a', 'b', 'c', 'd'], want: undefined },
    { given: ['n', 'x'], want: undefined },
    { given: ['list', '1', 'x'], want: 'second' },
    { given: ['list', '5', 'x'], want: undefined },
    { given: ['list', 'length'], want: undefined },
    { given: ['constructor'], want: undefined },
    { given: ['__proto__'], want: undefined },
    { given: ['a', 'toString'], want: undefined },
  ];
  it.each(table)('$given', ({ given, want }) => {
    expect(getPath(obj, given)).toEqual(want);
  });
  it('returns undefined on primitives', () => {
    expect(getPath('text', ['length'])).toBeUndefined();
    expect(getPath(undefined, ['a'])).toBeUndefined();
  });
});

/** mpt-rql-net tests/Rql.Tests.Integration/Tests/Functionality/BasicFilterTests.cs (Like_Name_*). */
describe('matches: like patterns as mpt-rql-net reads them', () => {
  const names = ['Jewelry Widget', String.raw`*Example \With*`].map((name, i) => ({
    id: `N${i}`,
    name,
  }));
  const table: { given: string; want: string[] }[] = [
    { given: 'like(name,Jewelry*)', want: ['N0'] },
    { given: "ilike(name,'*Jewelry*')", want: ['N0'] },
    { given: "(ilike(name,'*ewelr*')|ilike(name,'*Jewelry*'))", want: ['N0'] },
    { given: 'like(name,*With*)', want: ['N1'] },
    { given: String.raw`like(name,*With\*)`, want: ['N1'] },
    { given: String.raw`like(name,\*Example \With\*)`, want: ['N1'] },
    { given: String.raw`like(name,*Example \With*)`, want: ['N1'] },
    { given: String.raw`like(name,*\With*)`, want: ['N1'] },
    { given: String.raw`like(name,*\With\*)`, want: ['N1'] },
    { given: 'like(name,WRONG_DATA*)', want: [] },
    { given: String.raw`like(name,*Jewelry\*)`, want: [] },
    // a \* that is not at the very end is two characters
    { given: String.raw`like(name,*With\**)`, want: [] },
    { given: String.raw`like(name,With\*)`, want: [] },
    { given: String.raw`like(name,*\\\Example*)`, want: [] },
    { given: 'like(name,Example*)', want: [] },
    { given: 'like(name,*)', want: ['N0', 'N1'] },
    { given: 'like(name,**)', want: ['N0', 'N1'] },
    { given: "ilike(name,'*')", want: ['N0', 'N1'] },
    { given: String.raw`like(name,\*)`, want: [] },
    { given: 'like(name,*Widget)', want: ['N0'] },
    { given: 'like(name,*Wid*)', want: ['N0'] },
    // outside a pattern \* is a backslash and a star
    { given: String.raw`eq(name,*Example \With*)`, want: ['N1'] },
  ];
  it.each(table)('$given', ({ given, want }) => {
    const q = parseListQuery(given);
    if (!q.ok) throw new Error(q.error);
    expect(names.filter((n) => matches(q.value.filter!, n)).map((n) => n.id)).toEqual(want);
  });

  it('matches a literal star with \\* alone', () => {
    const q = parseListQuery(String.raw`like(name,\*)`);
    if (!q.ok) throw new Error(q.error);
    expect(matches(q.value.filter!, { name: '*' })).toBe(true);
    expect(matches(q.value.filter!, { name: 'x' })).toBe(false);
  });
});
