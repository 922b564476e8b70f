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
    // RQL quotes have no escape character: a text is quoted with the quote it lacks.
    [certificates().where((w) => w.eq('name', 'a "b"')), "eq(name,'a%20%22b%22')"],
    [certificates().where((w) => w.eq('name', "O'Brien")), "eq(name,%22O'Brien%22)"],
    // A backslash or a star outside a pattern is itself, written as it is (no doubling).
    [certificates().where((w) => w.eq('name', 'a\\*')), 'eq(name,%22a%5C*%22)'],
    [certificates().where((w) => w.eq('name', 'a\\b*')), 'eq(name,%22a%5Cb*%22)'],
    // A pattern is written as given; the API reads a leading `\*` as a star (starts with `*`),
    [certificates().where((w) => w.like('name', '\\**')), 'like(name,%22%5C**%22)'],
    // and a `*` or `\` in the middle as itself: `*a*b\c*` contains the text `a*b\c`.
    [certificates().where((w) => w.like('name', '*a*b\\c*')), 'like(name,%22*a*b%5Cc*%22)'],
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
    // in() and out() cannot hold null(): the API refuses it (400).
    const loose = (build: (w: Loose) => Filter<unknown>) => () =>
      certificates().where((w) => build(w as unknown as Loose) as Filter<Certificate>);
    expect(loose((w) => w.in('statusNotes', ['a', null]))).toThrow(/null/);
    // empty() and patterns read text; on a date or a date-time the API answers 400. The types
    // refuse these paths too (rql.test-d.ts); at run time the date table catches them.
    expect(loose((w) => w.isEmpty('expirationDate'))).toThrow(/'expirationDate' is a date$/);
    expect(loose((w) => w.like('audit.created.at', '2026*'))).toThrow(RangeError);
    expect(loose((w) => w.any('terms', (t) => t.isEmpty('accepted')))).toThrow(
      /'terms.accepted' is a date-time/,
    );
    expect(list('eq(expirationDate,empty())').status).toBe(400);
  });

  it('refuses a text with both quote characters, which RQL cannot write', () => {
    const both = `it's "x"`;
    const message = /both quote characters .* no escape character/;
    expect(() => certificates().where((w) => w.eq('name', both))).toThrow(message);
    expect(() => certificates().where((w) => w.in('name', ['a', both]))).toThrow(message);
    expect(() => certificates().where((w) => w.ilike('name', `*${both}*`))).toThrow(RangeError);
    // What an escape would have been is a literal backslash, and the text ends at its quote.
    expect(parseListQuery(`eq(name,'it\\'s "x"')`).ok).toBe(false);
  });

  it('writes every other text so that the API reads it back as it was', () => {
    const text = fc.string({ unit: fc.constantFrom(...'a *\\"\'(),&=%+;é'.split('')) });
    fc.assert(
      fc.property(text, (value) => {
        const build = () => certificates().where((w) => w.eq('name', value));
        if (value.includes('"') && value.includes("'")) {
          expect(build).toThrow(RangeError);
          return;
        }
        const parsed = parseListQuery(build().toString());
        expect(parsed.ok && parsed.value.filter).toEqual({ op: 'eq', path: ['name'], value });
      }),
      { numRuns: 300 },
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

/**
 * The model: what the builder's tree says of one object, as mpt-rql-net reads it, written
 * without the kit's code. Values are typed by the property: the paths below hold date-times or
 * dates and are compared as instants; `empty()` is the empty string; `ne` with a value leaves
 * out a null or missing field.
 */
const instants = new Set(['audit.created.at', 'expirationDate', 'accepted']);
const isEmptyValue = (value: RqlWritten) => typeof value === 'object' && value !== null;
const isSet = (field: unknown) => field !== null && field !== undefined;
/** A scalar as the property's type: an instant as its milliseconds. */
const typed = (path: string, value: unknown) =>
  instants.has(path) && typeof value === 'string' ? Date.parse(value) : value;
function same(path: string, field: unknown, value: RqlWritten): boolean {
  if (value === null) return !isSet(field);
  if (isEmptyValue(value)) return same(path, field, '');
  if (Array.isArray(field)) return field.some((element) => same(path, element, value));
  return isSet(field) && typed(path, field) === typed(path, value);
}
function compared(path: string, field: unknown, value: RqlWritten): number | undefined {
  const [a, b] = [typed(path, field), typed(path, value)];
  if (typeof a !== typeof b || (typeof a !== 'string' && typeof a !== 'number')) return undefined;
  return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
}
/**
 * A pattern as the arbitrary builds it: an optional `*` (any start) or `\*` (a star) at each
 * end around a literal that holds neither `*` nor `\`.
 */
function likeHolds(text: string, pattern: string): boolean {
  const parts = /^(\\\*|\*)?([^*\\]*)(\\\*|\*)?$/.exec(pattern);
  if (!parts) throw new Error(`the model does not read the pattern ${pattern}`);
  const [, start = '', middle = '', end = ''] = parts;
  const literal = `${start === '\\*' ? '*' : ''}${middle}${end === '\\*' ? '*' : ''}`;
  if (start === '*' && end === '*') return text.includes(literal);
  if (start === '*') return text.endsWith(literal);
  if (end === '*') return text.startsWith(literal);
  return text === literal;
}

function holds(node: RqlTree, item: unknown): boolean {
  switch (node.op) {
    case 'and':
      return node.args.every((arg) => holds(arg, item));
    case 'or':
      return node.args.some((arg) => holds(arg, item));
    case 'not':
      return !holds(node.arg, item);
    case 'eq':
      return same(node.path, get(item, node.path), node.value);
    case 'ne': {
      const field = get(item, node.path);
      return (node.value === null || isSet(field)) && !same(node.path, field, node.value);
    }
    case 'in':
      return node.values.some((value) => same(node.path, get(item, node.path), value));
    case 'out':
      return !node.values.some((value) => same(node.path, get(item, node.path), value));
    case 'like':
    case 'ilike': {
      const field = get(item, node.path);
      if (typeof field !== 'string' || typeof node.value !== 'string') return false;
      return node.op === 'like'
        ? likeHolds(field, node.value)
        : likeHolds(field.toLowerCase(), node.value.toLowerCase());
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
      const c = compared(node.path, get(item, node.path), node.value);
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
/**
 * Text with what RQL and URLs give a meaning to; never both quote characters, which RQL cannot
 * write (the builder's RangeError for those has its own tests above).
 */
const awkward = fc
  .string({
    unit: fc.constantFrom(...'aAzé É*\\"\'(),&=%+;.-_0'.split(''), '\\*'),
    maxLength: 6,
  })
  .filter((text) => !(text.includes('"') && text.includes("'")));
const textFor = (pool: string[]) =>
  pool.length > 0 ? fc.oneof(fc.constantFrom(...pool), awkward) : awkward;
/**
 * A pattern as the API reads one: a literal without `*` or `\` (a real value, or a piece cut
 * from its start, its middle or its end, or awkward text), with `*` (any run), `\*` (a star)
 * or nothing at each end, in the value's letter case or upper case.
 */
const patternFor = (pool: string[]) =>
  fc
    .tuple(
      textFor(pool),
      fc.nat(40),
      fc.nat(40),
      fc.constantFrom('', '', '*', '\\*'),
      fc.constantFrom('', '', '*', '\\*'),
      fc.boolean(),
    )
    .map(([text, from, length, start, end, upper]) => {
      const plain = text.replace(/[*\\]/g, '');
      const at = from % (plain.length + 1);
      const literal = plain.slice(at, at + (length % (plain.length + 2)));
      const pattern = `${start}${literal}${end}`;
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

/**
 * An instant near those in `pool`, as a `Date` or, for a date-time, as text in another spelling
 * of it (an offset, no milliseconds): the API compares instants, whatever their spelling.
 */
const momentNear = (pool: string[], dateTime: boolean) =>
  fc
    .tuple(instantNear(pool), fc.constantFrom(0, 60, -300, 330), fc.boolean(), fc.boolean())
    .map(([at, minutes, asText, short]): Date | string => {
      if (!dateTime || !asText) return at;
      const local = new Date(at.getTime() + minutes * 60_000)
        .toISOString()
        .slice(0, short ? 19 : 23);
      const offset = `${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0')}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;
      return short && at.getUTCMilliseconds() !== 0
        ? at
        : `${local}${minutes < 0 ? '-' : '+'}${offset}`;
    });

/** A comparison of a date or date-time path with an instant near the values it holds. */
const dateComparison = (path: string, pool: string[], dateTime = true) =>
  fc.tuple(fc.constantFrom(...comparisons), momentNear(pool, dateTime)).map(
    ([op, at]): Build =>
      (w) =>
        w[op](path, at),
  );

/**
 * Conditions on objects like `items` (certificates, or the elements of one of their
 * collections), on paths that hold strings (`isEmpty` and patterns take only those).
 */
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
    momentNear(valuesAt(seeded, 'audit.created.at'), true).map(
      (at): Build =>
        (w) =>
          w.in('audit.created.at', [at]),
    ),
    dateComparison('expirationDate', valuesAt(seeded, 'expirationDate'), false),
    fc.constant<Build>((w) => w.isNull('expirationDate')),
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
        w.isNull(path),
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
