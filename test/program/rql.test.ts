/**
 * Issue 21: the Program API's lists filter as SoftwareOne's RQL library (mpt-rql-net) does, on
 * the seed, through the kit's own door. Each row is a query and either the objects it must
 * find (a predicate over the unfiltered list, so the rows do not restate the seed) or the 400
 * it must answer. The library file a rule comes from is named beside its rows.
 */
import { describe, expect, it } from 'vitest';
import { createKit } from '../../src/kit.js';
import { testNow } from '../support/doors.js';
import { certificates, ids, tokens } from './scenarios.js';

type Item = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- rows read fields freely

const kit = createKit({ now: new Date(testNow) });

function list(path: string, query: string) {
  const response = kit.handle('program-api', {
    method: 'GET',
    path,
    rawQuery: query,
    headers: { authorization: `Bearer ${tokens.ops}` },
    body: undefined,
  });
  return { status: response.status, body: JSON.parse(response.body ?? 'null') };
}

function all(path: string): Item[] {
  const answer = list(path, 'limit=100');
  expect(answer.body.$meta.pagination.total).toBeLessThanOrEqual(100);
  return answer.body.data as Item[];
}

const idsOf = (items: Item[]) => items.map((item) => item.id as string).sort();

const parametersPath = `/v1/program/programs/${ids.aiProgram}/parameters`;
const templatesPath = `/v1/program/programs/${ids.aiProgram}/templates`;

interface Row {
  query: string;
  want: (item: Item) => boolean;
}

function rows(path: string, table: Row[]) {
  const everything = all(path);
  it.each(table)('$query', ({ query, want }) => {
    const answer = list(path, `${query}&limit=100`);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(idsOf(answer.body.data)).toEqual(idsOf(everything.filter(want)));
  });
  it('has rows that tell the objects apart (a third at least neither all nor none)', () => {
    const split = table.filter(({ want }) => {
      const n = everything.filter(want).length;
      return n > 0 && n < everything.length;
    });
    expect(split.length).toBeGreaterThanOrEqual(table.length / 3);
  });
}

function refusals(path: string, table: { query: string; names: string }[]) {
  it.each(table)('$query -> 400 naming $names', ({ query, names }) => {
    const answer = list(path, query);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('InvalidQuery');
    expect(answer.body.detail).toContain(names);
  });
}

describe('kind 1: values typed by the property (mpt-rql-net ConstantHelper.cs)', () => {
  const created = (c: Item) => Date.parse(c.audit.created.at);
  const instant = Date.parse('2026-11-01T00:00:00Z');
  describe('certificates', () => {
    rows(certificates, [
      // date-times compare as instants whatever their spelling
      { query: "gt(audit.created.at,'2026-11-01T00:00:00Z')", want: (c) => created(c) > instant },
      {
        query: "gt(audit.created.at,'2026-11-01T01:00:00+01:00')",
        want: (c) => created(c) > instant,
      },
      { query: 'gt(audit.created.at,2026-11-01)', want: (c) => created(c) > instant },
      { query: 'le(audit.created.at,2026-11-01T00:00:00)', want: (c) => created(c) <= instant },
      {
        query: 'lt(audit.created.at,2026-10-31T19:00:00.000000-05:00)',
        want: (c) => created(c) < instant,
      },
      // dates as dates
      { query: 'lt(expirationDate,2027-01-01)', want: (c) => c.expirationDate < '2027-01-01' },
      { query: "ge(expirationDate,'2027-01-01')", want: (c) => c.expirationDate >= '2027-01-01' },
      // booleans in any letter case
      { query: 'eq(eligibility.partner,TRUE)', want: (c) => c.eligibility?.partner === true },
      { query: 'eq(eligibility.partner,False)', want: (c) => c.eligibility?.partner === false },
    ]);
    refusals(certificates, [
      { query: 'gt(audit.created.at,yesterday)', names: "'yesterday' to a date-time" },
      { query: 'eq(expirationDate,2026-13-01)', names: 'to a date' },
      { query: 'eq(eligibility.client,yes)', names: "'yes' to a boolean" },
      { query: 'eq(eligibility.client,empty())', names: 'empty() to a boolean' },
      { query: 'like(audit.created.at,2026*)', names: "'audit.created.at' is date-time" },
      { query: 'ilike(expirationDate,*12*)', names: "'expirationDate' is date" },
      { query: 'eq(licensee,x)', names: 'compare one of its properties' },
    ]);
  });
  describe('program parameters', () => {
    rows(parametersPath, [
      // numbers numerically
      { query: 'ge(displayOrder,15)', want: (p) => p.displayOrder >= 15 },
      // 10 > 9 as numbers ('10' < '9' as strings)
      { query: 'gt(displayOrder,9)', want: (p) => p.displayOrder > 9 },
      { query: 'lt(displayOrder, 15 )', want: (p) => p.displayOrder < 15 },
      { query: 'in(displayOrder,(10,30))', want: (p) => [10, 30].includes(p.displayOrder) },
      { query: 'eq(constraints.hidden,True)', want: (p) => p.constraints?.hidden === true },
    ]);
    refusals(parametersPath, [
      { query: 'eq(displayOrder,1.5)', names: "'1.5' to an integer" },
      { query: 'eq(displayOrder,one)', names: "'one' to an integer" },
      { query: 'like(displayOrder,1*)', names: "'displayOrder' is integer" },
    ]);
  });
});

describe('kind 2: the grammar (mpt-rql-net RqlParser.cs, RqlNodeParser.cs)', () => {
  rows(certificates, [
    {
      query: 'status=Active|status=Expired',
      want: (c) => ['Active', 'Expired'].includes(c.status),
    },
    {
      query: 'status=Active;status=Expired',
      want: (c) => ['Active', 'Expired'].includes(c.status),
    },
    {
      query: `status=Pending|status=Active&program.id=${ids.aiProgram}`,
      want: (c) =>
        c.status === 'Pending' || (c.status === 'Active' && c.program.id === ids.aiProgram),
    },
    {
      query: `(status=Pending|status=Active)&program.id=${ids.aiProgram}`,
      want: (c) => ['Pending', 'Active'].includes(c.status) && c.program.id === ids.aiProgram,
    },
    {
      query: `eq(status,Active),eq(program.id,${ids.aiProgram})`,
      want: (c) => c.status === 'Active' && c.program.id === ids.aiProgram,
    },
    { query: 'and(status=Active,not(program.id=x))', want: (c) => c.status === 'Active' },
    {
      query: 'or(status=Active,status=Expired)',
      want: (c) => ['Active', 'Expired'].includes(c.status),
    },
    // operator and property names in any letter case (MetadataProvider.cs: ignore case)
    { query: 'EQ(STATUS,Active)', want: (c) => c.status === 'Active' },
    { query: 'Status=Active', want: (c) => c.status === 'Active' },
    { query: 'ne(Program.ID,x)', want: () => true },
    // any(collection) without a condition; self() inside it
    { query: 'any(parameters.ordering)', want: (c) => c.parameters.ordering.length > 0 },
    {
      query: 'not(any(parameters.ordering))',
      want: (c) => c.parameters.ordering.length === 0,
    },
    {
      query: 'any(parameters.ordering,externalId=MPNID)',
      want: (c) => (c.parameters.ordering ?? []).some((p: Item) => p.externalId === 'MPNID'),
    },
    // property to property (PropertyToPropertyFilterTests.cs): an unquoted value naming one
    { query: 'eq(audit.created.at,audit.created.at)', want: () => true },
    { query: 'ne(client.id,self(licensee.id))', want: () => true },
    { query: "eq(status,'audit.created.at')", want: () => false },
    // naming a property of another type, it is text (the library would fail to compare)
    { query: 'eq(status,expirationDate)', want: () => false },
    { query: 'ne(status,vendor)', want: () => true },
    // whitespace inside a value is kept
    { query: 'eq(status,Act ive)', want: () => false },
  ]);
  refusals(certificates, [
    { query: 'status=eq=Active', names: 'a=op=b' },
    {
      query: 'eq(status,self(expirationDate))',
      names: "cannot compare 'status' (string) with 'expirationDate' (date)",
    },
    { query: 'any(status)', names: "'status' is not a list" },
    { query: 'all(terms)', names: 'all() needs a collection and a condition' },
  ]);
});

describe('kind 3: literal rules (mpt-rql-net BinaryExpressionBuilder.cs, Like.cs)', () => {
  rows(certificates, [
    // empty() is the empty string only, never null
    { query: 'eq(statusNotes,empty())', want: (c) => c.statusNotes === '' },
    { query: 'eq(statusNotes,null())', want: (c) => c.statusNotes == null },
    // ne leaves a null field out (Safe navigation); not(eq()) keeps it
    { query: 'ne(statusNotes,x)', want: (c) => c.statusNotes != null && c.statusNotes !== 'x' },
    { query: 'not(eq(statusNotes,x))', want: (c) => c.statusNotes !== 'x' },
    { query: 'ne(statusNotes,null())', want: (c) => c.statusNotes != null },
    // only leading and trailing stars are wildcards
    { query: 'ilike(name,*WAYNE*)', want: (c) => c.name.toLowerCase().includes('wayne') },
    { query: 'like(name,E2E*)', want: (c) => c.name.startsWith('E2E') },
    { query: 'like(name,*a*e*)', want: (c) => c.name.includes('a*e') },
    // quotes have no escape character
    { query: String.raw`eq(name,'Gold\')`, want: (c) => c.name === 'Gold\\' },
  ]);
  refusals(certificates, [
    { query: 'in(status,(Active,null()))', names: 'null() is not allowed in in()' },
    { query: 'out(status,(null()))', names: 'null() is not allowed in out()' },
    { query: 'like(name,null())', names: 'like() needs a pattern, not null()' },
    { query: String.raw`eq(name,'it\'s')`, names: 'after a quoted value' },
  ]);
});

describe('kind 5: no silent empty lists (issue 21)', () => {
  refusals(certificates, [
    { query: 'utm_source=x', names: "unknown property or query parameter 'utm_source'" },
    { query: 'eq(nosuch,1)', names: "'nosuch'" },
    { query: 'eq(licensee.nosuch,1)', names: "'licensee.nosuch'" },
    { query: 'any(parameters.nosuch,a=1)', names: "'parameters.nosuch'" },
    { query: 'any(parameters.ordering,nosuch=1)', names: "'nosuch'" },
    { query: 'status=Active|nosuch=1', names: "'nosuch'" },
    { query: 'order=-nosuch', names: "order: unknown property 'nosuch'" },
    { query: 'order=name,audit.nosuch.at.x', names: "'audit.nosuch.at.x'" },
  ]);
  rows(templatesPath, [
    { query: 'eq(default,true)', want: (t) => t.default === true },
    { query: 'type=EnrollmentCompleted', want: (t) => t.type === 'EnrollmentCompleted' },
  ]);
  // (the keys of a map, such as audit's events, are data and keep their case)
  it('orders by a property named in another letter case as by its own name', () => {
    const mixed = list(certificates, 'order=-AUDIT.created.AT&limit=100');
    const own = list(certificates, 'order=-audit.created.at&limit=100');
    expect(mixed.status).toBe(200);
    expect(mixed.body.data.map((c: Item) => c.id)).toEqual(own.body.data.map((c: Item) => c.id));
  });
});
