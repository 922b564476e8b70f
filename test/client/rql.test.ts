/**
 * Issue 26: the typed RQL builder writes what the kit's parser reads, and what it writes means
 * what the builder says. A table of `built -> written`, then a property: random built queries
 * parse, and select from the kit's seeded certificates exactly those a plain predicate over the
 * builder's own tree picks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rql, type Filter, type RqlTree, type RqlWritten } from '../../src/client/index.js';
import { parseListQuery } from '../../src/core/rql/index.js';
import { createKit, seedTokens } from '../../src/index.js';
import type { components } from '../../src/generated/program-api.js';

type Certificate = components['schemas']['Certificate'];
const certificates = () => rql<Certificate>();

describe('what the builder writes', () => {
  it.each([
    [certificates().where((w) => w.eq('status', 'Active')), 'eq(status,%22Active%22)'],
    [
      certificates()
        .where((w) => w.ne('status', 'Terminated'))
        .select('-*', 'id', 'name', 'status')
        .order('name')
        .offset(0)
        .limit(50),
      'ne(status,%22Terminated%22)&select=-*,id,name,status&order=name&limit=50&offset=0',
    ],
    [
      certificates().where((w) =>
        w.and(w.eq('program.id', 'PRG-9643-3741'), w.in('status', ['Active', 'Pending'])),
      ),
      'and(eq(program.id,%22PRG-9643-3741%22),in(status,(%22Active%22,%22Pending%22)))',
    ],
    [
      certificates().where((w) => w.gt('audit.created.at', new Date('2026-01-02T03:04:05Z'))),
      'gt(audit.created.at,%222026-01-02T03:04:05.000Z%22)',
    ],
    // A date is the UTC day, as the spec's `format: date` has it.
    [
      certificates().where((w) => w.le('expirationDate', new Date('2027-06-30T23:00:00Z'))),
      'le(expirationDate,%222027-06-30%22)',
    ],
    [
      certificates().where((w) => w.any('parameters.ordering', (p) => p.eq('externalId', 'MPNID'))),
      'any(parameters.ordering,eq(externalId,%22MPNID%22))',
    ],
    [
      certificates().where((w) => w.all('terms', (t) => t.not(t.isNull('accepted')))),
      'all(terms,not(eq(accepted,null())))',
    ],
    [
      certificates().where((w) => w.or(w.isEmpty('statusNotes'), w.ilike('name', '*oscorp*'))),
      'or(eq(statusNotes,empty()),ilike(name,%22*oscorp*%22))',
    ],
    [certificates().where((w) => w.eq('revision', 2)), 'eq(revision,2)'],
    [certificates().where((w) => w.eq('eligibility.client', true)), 'eq(eligibility.client,true)'],
    // A value with a double quote and no single one is single-quoted: no escapes.
    [certificates().where((w) => w.eq('name', 'a "b"')), "eq(name,'a%20%22b%22')"],
    // Both quotes, or a backslash, take the kit's escapes.
    [certificates().where((w) => w.eq('name', `'"\\`)), "eq(name,%22'%5C%22%5C%5C%22)"],
    // Outside a pattern the parser reads `\*` as a star: a value with one is written `\\*`.
    [certificates().where((w) => w.eq('name', 'a\\*')), 'eq(name,%22a%5C%5C%5C%5C*%22)'],
    [certificates().where((w) => w.like('name', 'a\\**')), 'like(name,%22a%5C%5C**%22)'],
    [certificates().where((w) => w.eq('name', 'a&b=c+d')), 'eq(name,%22a%26b%3Dc%2Bd%22)'],
    [
      certificates()
        .where((w) => w.eq('status', 'Active'))
        .where((w) => w.eq('client.id', 'ACC-1')),
      'and(eq(status,%22Active%22),eq(client.id,%22ACC-1%22))',
    ],
    [
      certificates().select('+audit', '-program.name').order('-audit.created.at', '+id'),
      'select=%2Baudit,-program.name&order=-audit.created.at,%2Bid',
    ],
  ])('%#: %s', (query, written) => {
    expect(query.toString()).toBe(written);
    expect(parseListQuery(query.toString()).ok).toBe(true);
  });

  it('refuses what RQL cannot write', () => {
    expect(() => certificates().limit(-1)).toThrow(RangeError);
    expect(() => certificates().where((w) => w.in('status', []))).toThrow(RangeError);
    expect(() => certificates().where((w) => w.eq('revision', Number.NaN))).toThrow(RangeError);
    expect(() => certificates().where((w) => w.gt('audit.created.at', new Date('nope')))).toThrow(
      RangeError,
    );
  });
});

// ------------------------------------------------------------------ the property

const NOW = '2026-11-21T09:00:00Z';
const kit = createKit({ now: NOW });
function list(rawQuery: string) {
  const answer = kit.handle('program-api', {
    method: 'GET',
    path: '/v1/program/certificates',
    rawQuery,
    headers: { authorization: `Bearer ${seedTokens.operations}` },
    body: undefined,
  });
  return { status: answer.status, body: JSON.parse(answer.body ?? 'null') };
}
const seeded = list('limit=100').body.data as Certificate[];

/** A dotted path read as the API reads it: own members; an array has no named members. */
function get(item: unknown, path: string): unknown {
  let current = item;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object' || Array.isArray(current)) return undefined;
    if (!Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

const isEmptyValue = (value: RqlWritten) => typeof value === 'object' && value !== null;
function same(field: unknown, value: RqlWritten): boolean {
  if (value === null) return field === null || field === undefined;
  if (isEmptyValue(value))
    return field == null || field === '' || (Array.isArray(field) && field.length === 0);
  if (Array.isArray(field)) return field.some((element) => same(element, value));
  return field === value;
}
function compared(field: unknown, value: RqlWritten): number | undefined {
  if (typeof field !== typeof value || (typeof field !== 'string' && typeof field !== 'number'))
    return undefined;
  const [a, b] = [field, value] as [string, string];
  return a < b ? -1 : a > b ? 1 : 0;
}
/** `*` any run of characters, `\*` a star, anchored at both ends. */
function wildcard(text: string, pattern: string): boolean {
  const pieces = pattern.split(/(?<!\\)\*/).map((piece) => piece.replace(/\\\*/g, '*'));
  const escaped = pieces.map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${escaped.join('[\\s\\S]*')}$`).test(text);
}

/** What the builder's tree says of one object. */
function holds(node: RqlTree, item: unknown): boolean {
  switch (node.op) {
    case 'and':
      return node.args.every((arg) => holds(arg, item));
    case 'or':
      return node.args.some((arg) => holds(arg, item));
    case 'not':
      return !holds(node.arg, item);
    case 'eq':
      return same(get(item, node.path), node.value);
    case 'ne':
      return !same(get(item, node.path), node.value);
    case 'in':
      return node.values.some((value) => same(get(item, node.path), value));
    case 'out':
      return !node.values.some((value) => same(get(item, node.path), value));
    case 'like':
    case 'ilike': {
      const field = get(item, node.path);
      if (typeof field !== 'string' || typeof node.value !== 'string') return false;
      return node.op === 'like'
        ? wildcard(field, node.value)
        : wildcard(field.toLowerCase(), node.value.toLowerCase());
    }
    case 'any':
    case 'all': {
      const field = get(item, node.path);
      if (!Array.isArray(field)) return false;
      return node.op === 'any'
        ? field.some((element) => holds(node.where, element))
        : field.every((element) => holds(node.where, element));
    }
    default: {
      const c = compared(get(item, node.path), node.value);
      if (c === undefined) return false;
      return { gt: c > 0, ge: c >= 0, lt: c < 0, le: c <= 0 }[node.op];
    }
  }
}

const comparisons = ['eq', 'ne', 'gt', 'ge', 'lt', 'le'] as const;
type Build = (where: Loose) => Filter<unknown>;
/** The operators without their types: the arbitraries pick paths and values at run time. */
type Loose = {
  [op in (typeof comparisons)[number] | 'like' | 'ilike' | 'in' | 'out' | 'isNull' | 'isEmpty']: (
    path: string,
    value?: unknown,
  ) => Filter<unknown>;
} & {
  any(path: string, build: Build): Filter<unknown>;
  all(path: string, build: Build): Filter<unknown>;
  and(...filters: Filter<unknown>[]): Filter<unknown>;
  or(...filters: Filter<unknown>[]): Filter<unknown>;
  not(filter: Filter<unknown>): Filter<unknown>;
};

const valuesAt = (items: readonly unknown[], path: string) => [
  ...new Set(items.map((item) => get(item, path)).filter((v) => typeof v === 'string')),
];
/** Text with what RQL and URLs give a meaning to. */
const awkward = fc.string({
  unit: fc.constantFrom(...'aAzé É*\\"\'(),&=%+;.-_0'.split(''), '\\*'),
  maxLength: 6,
});
const textFor = (pool: string[]) =>
  pool.length > 0 ? fc.oneof(fc.constantFrom(...pool), awkward) : awkward;
/** A pattern cut from a real value: some of its characters replaced by `*`. */
const patternFor = (pool: string[]) =>
  fc
    .tuple(textFor(pool), fc.array(fc.nat(40), { maxLength: 3 }), fc.boolean())
    .map(([text, cuts, upper]) => {
      let pattern = text;
      for (const cut of cuts) {
        const at = cut % (pattern.length + 1);
        pattern = `${pattern.slice(0, at)}*${pattern.slice(at + 1)}`;
      }
      return upper ? pattern.toUpperCase() : pattern;
    });
const instantNear = (pool: string[]) =>
  fc
    .tuple(
      fc.constantFrom(...pool, NOW),
      fc.integer({ min: -3, max: 3 }),
      fc.constantFrom(0, 1, 3_600_000, 86_400_000),
    )
    .map(([at, steps, unit]) => new Date(Date.parse(at) + steps * unit));

/** A comparison of a date or date-time path with a `Date` near the values it holds. */
const dateComparison = (path: string, pool: string[]) =>
  fc.tuple(fc.constantFrom(...comparisons), instantNear(pool)).map(
    ([op, at]): Build =>
      (w) =>
        w[op](path, at),
  );

/** Conditions on objects like `items` (certificates, or the elements of one of their collections). */
function atoms(items: readonly unknown[], strings: string[], extra: fc.Arbitrary<Build>[] = []) {
  const text = fc.constantFrom(...strings).chain((path) => {
    const pool = valuesAt(items, path);
    return fc.oneof(
      fc.tuple(fc.constantFrom(...comparisons), textFor(pool)).map(
        ([op, value]): Build =>
          (w) =>
            w[op](path, value),
      ),
      fc.tuple(fc.constantFrom('like', 'ilike'), patternFor(pool)).map(
        ([op, pattern]): Build =>
          (w) =>
            w[op](path, pattern),
      ),
      fc
        .tuple(
          fc.constantFrom('in', 'out'),
          fc.array(textFor(pool), { minLength: 1, maxLength: 3 }),
        )
        .map(
          ([op, values]): Build =>
            (w) =>
              w[op](path, values),
        ),
      fc.constantFrom('isNull', 'isEmpty').map(
        (op): Build =>
          (w) =>
            w[op](path),
      ),
    );
  });
  return fc.oneof(text, ...extra);
}

const certificateAtom = atoms(
  seeded,
  [
    'id',
    'name',
    'status',
    'statusNotes',
    'program.id',
    'client.name',
    'externalIds.vendor',
    'licensee.address.city',
    'template.type',
  ],
  [
    fc
      .tuple(
        fc.constantFrom(...comparisons),
        fc.constantFrom('revision', 'program.revision'),
        fc.integer({ min: 0, max: 4 }),
      )
      .map(
        ([op, path, value]): Build =>
          (w) =>
            w[op](path, value),
      ),
    fc.tuple(fc.constantFrom('eq', 'ne'), fc.boolean()).map(
      ([op, value]): Build =>
        (w) =>
          w[op]('eligibility.client', value),
    ),
    dateComparison('audit.created.at', valuesAt(seeded, 'audit.created.at')),
    instantNear(valuesAt(seeded, 'audit.created.at')).map(
      (at): Build =>
        (w) =>
          w.in('audit.created.at', [at]),
    ),
    dateComparison('expirationDate', valuesAt(seeded, 'expirationDate')),
    fc.constantFrom('isNull', 'isEmpty').map(
      (op): Build =>
        (w) =>
          w[op]('expirationDate'),
    ),
  ],
);
const elements = (path: string) =>
  seeded.flatMap((c) => (get(c, path) as unknown[] | undefined) ?? []);
const collections = fc.oneof(
  ...['parameters.ordering', 'parameters.fulfillment'].map((path) =>
    fc
      .tuple(
        fc.constantFrom('any', 'all'),
        atoms(elements(path), ['id', 'externalId', 'value', 'name']),
      )
      .map(
        ([op, inner]): Build =>
          (w) =>
            w[op](path, inner),
      ),
  ),
  fc
    .tuple(
      fc.constantFrom('any', 'all'),
      atoms(
        elements('terms'),
        ['id', 'name', 'status'],
        [dateComparison('accepted', valuesAt(elements('terms'), 'accepted'))],
      ),
    )
    .map(
      ([op, inner]): Build =>
        (w) =>
          w[op]('terms', inner),
    ),
  fc.constantFrom('terms', 'parameters.ordering').map(
    (path): Build =>
      (w) =>
        w.isEmpty(path),
  ),
);

const filters = fc.letrec<{ filter: Build }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    certificateAtom,
    collections,
    tie('filter').map(
      (inner): Build =>
        (w) =>
          w.not(inner(w)),
    ),
    fc
      .tuple(fc.constantFrom('and', 'or'), fc.array(tie('filter'), { minLength: 1, maxLength: 3 }))
      .map(
        ([op, parts]): Build =>
          (w) =>
            w[op](...parts.map((part) => part(w))),
      ),
  ),
}));

describe('a built query, served by the kit', () => {
  it('has seeded certificates to choose among', () => {
    expect(seeded.length).toBeGreaterThan(5);
    expect(list('limit=100').body.$meta.pagination.total).toBe(seeded.length);
  });

  it('parses, and selects the certificates its own tree says', () => {
    fc.assert(
      fc.property(filters.filter, (build) => {
        const query = certificates()
          .where((w) => build(w as unknown as Loose) as Filter<Certificate>)
          .limit(100);
        const written = query.toString();
        expect(parseListQuery(written).ok, written).toBe(true);
        const answer = list(written);
        expect(answer.status, `${written}: ${JSON.stringify(answer.body)}`).toBe(200);
        const tree = query.state.filter!;
        const want = seeded.filter((c) => holds(tree, c)).map((c) => c.id);
        const got = (answer.body.data as Certificate[]).map((c) => c.id);
        expect(got.sort(), written).toEqual(want.sort());
      }),
      { numRuns: 400 },
    );
  });
});
