/**
 * The list engine against the plain evaluator: random objects in the three kinds of store it
 * takes (a Collection with indexes and a sorted field, a Map, an iterable), random queries
 * (filters, orders, pages, selects), with and without a visibility test and its scope term.
 * Whatever path the engine takes (counted from the indexes, an ordered walk, candidates, a
 * partial sort), the page is the one a full filter, sort and slice gives.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Collection } from './collection.js';
import { listPage } from './list.js';
import {
  applySelect,
  compareByOrder,
  matches,
  parseListQuery,
  type ListQuery,
} from './rql/index.js';

interface Item {
  id: string;
  status?: unknown;
  owner: { id: string };
  day?: string;
  name: string;
}

const statuses = ['Active', 'Pending', 'Expired', 'Terminated', 'Draft'];
const owners = ['ACC-1', 'ACC-2', 'ACC-3', 'ACC-4', 'ACC-5'];
const days = ['2026-01-01', '2026-01-02', '2026-01-03'];

const item = (i: number) =>
  fc
    .record({
      status: fc.oneof(fc.constantFrom(...statuses), fc.constant(undefined), fc.nat(2)),
      owner: fc.constantFrom(...owners),
      day: fc.option(fc.constantFrom(...days), { nil: undefined }),
      name: fc.nat(5),
    })
    .map(({ status, owner, day, name }): Item => ({
      id: `ID-${String(i).padStart(3, '0')}`,
      ...(status === undefined ? {} : { status }),
      owner: { id: owner },
      ...(day === undefined ? {} : { day }),
      name: `Item ${name}`,
    }));

const items = fc
  .integer({ min: 0, max: 40 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => item(i))))
  // Insertion order is not id order: the engine must keep the store's own order.
  .chain((list) => fc.shuffledSubarray(list, { minLength: list.length }));

const leaf = fc.oneof(
  fc.constantFrom(...statuses, 'None').map((s) => `eq(status,${s})`),
  fc.constantFrom(...statuses).map((s) => `ne(status,${s})`),
  fc.subarray(statuses, { minLength: 1 }).map((list) => `in(status,(${list.join(',')}))`),
  fc.constantFrom(...owners).map((o) => `eq(owner.id,${o})`),
  fc.nat(45).map((n) => `eq(id,ID-${String(n).padStart(3, '0')})`),
  fc
    .tuple(fc.nat(45), fc.nat(45))
    .map(([a, b]) => `in(id,(ID-${String(a).padStart(3, '0')},ID-${String(b).padStart(3, '0')}))`),
  fc.nat(5).map((n) => `like(name,*${n})`),
  fc.constantFrom(...days).map((d) => `gt(day,${d})`),
);
const filter = fc.oneof(
  fc.constant(''),
  leaf,
  fc.tuple(leaf, leaf).map(([a, b]) => `and(${a},${b})`),
  fc.tuple(leaf, leaf).map(([a, b]) => `or(${a},${b})`),
  leaf.map((a) => `not(${a})`),
);
const queryText = fc
  .record({
    filter,
    order: fc.constantFrom('', 'day', '-day', 'name,-status', 'status'),
    select: fc.constantFrom('', 'select=-*,id,status'),
    limit: fc.constantFrom(0, 1, 3, 10, 100),
    offset: fc.constantFrom(0, 1, 5),
  })
  .map(({ filter: f, order, select, limit, offset }) =>
    [f, order && `order=${order}`, select, `limit=${limit}`, `offset=${offset}`]
      .filter(Boolean)
      .join('&'),
  );

/** The same page by the plain evaluator: every object, a full sort (ties by id), a slice. */
function reference(all: Item[], query: ListQuery, keep?: (item: Item) => boolean) {
  const order = compareByOrder(query.order);
  const found = all.filter(
    (i) => (!keep || keep(i)) && (!query.filter || matches(query.filter, i)),
  );
  if (query.order.length > 0)
    found.sort((a, b) => order(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const window = query.limit === 0 ? [] : found.slice(query.offset, query.offset + query.limit);
  return { total: found.length, data: window.map((i) => applySelect(i, query.select)) };
}

const stores = {
  collection: (all: Item[]) => {
    const store = new Collection<Item>([['status'], ['owner', 'id']], [['day']]);
    for (const i of all) store.set(i.id, i);
    return store;
  },
  map: (all: Item[]) => new Map(all.map((i) => [i.id, i] as const)),
  iterable: (all: Item[]) => all.values(),
};

describe('the list engine', () => {
  it.each(Object.keys(stores) as (keyof typeof stores)[])(
    'answers from a %s what a full filter, sort and slice answers',
    (kind) => {
      fc.assert(
        fc.property(items, queryText, fc.option(fc.constantFrom(...owners)), (all, text, owner) => {
          const parsed = parseListQuery(text);
          expect(parsed.ok, text).toBe(true);
          if (!parsed.ok) return;
          const query = parsed.value;
          // A caller who sees one owner's objects: the test, and the same as a term for indexes.
          const keep = owner === null ? undefined : (i: Item) => i.owner.id === owner;
          const scope = owner === null ? undefined : { path: ['owner', 'id'], values: [owner] };
          const got = listPage(stores[kind](all), query, keep, undefined, scope);
          expect(got, text).toEqual(reference(all, query, keep));
        }),
        { numRuns: 300 },
      );
    },
  );

  it.each([
    ['in(id,(ID-001,ID-038))', undefined],
    ['in(status,(Pending,Draft))', 'ACC-1'],
    ['in(id,(ID-001,ID-038))', 'ACC-1'],
  ])('answers the candidates of %s (caller of %s) in the store order', (filter, owner) => {
    // Stored in reverse id order, so index buckets and id lookups are out of store order.
    const all = Array.from({ length: 40 }, (_, n): Item => {
      const i = 39 - n;
      return {
        id: `ID-${String(i).padStart(3, '0')}`,
        status: i % 10 === 0 ? 'Draft' : i % 10 === 5 ? 'Pending' : 'Active',
        owner: { id: 'ACC-1' },
        name: `Item ${i}`,
      };
    });
    const query = parseListQuery(filter);
    if (!query.ok) throw new Error(query.error);
    const keep = owner === undefined ? undefined : (i: Item) => i.owner.id === owner;
    const scope = owner === undefined ? undefined : { path: ['owner', 'id'], values: [owner] };
    const got = listPage(stores.collection(all), query.value, keep, undefined, scope);
    expect(got).toEqual(reference(all, query.value, keep));
  });

  it('presents each object of the window, and only those', () => {
    const store = stores.collection([
      { id: 'B', owner: { id: 'ACC-1' }, name: 'b' },
      { id: 'A', owner: { id: 'ACC-2' }, name: 'a' },
      { id: 'C', owner: { id: 'ACC-1' }, name: 'c' },
    ]);
    const presented: string[] = [];
    const query = parseListQuery('order=name&limit=2&offset=1');
    if (!query.ok) throw new Error(query.error);
    const got = listPage(store, query.value, undefined, (i) => {
      presented.push(i.id);
      return { shown: i.id };
    });
    expect(got).toEqual({ total: 3, data: [{ shown: 'B' }, { shown: 'C' }] });
    expect(presented).toEqual(['B', 'C']);
  });

  it.each([
    ['eq(badge,"gold")', undefined, ['A', 'C']],
    ['order=badge,id&limit=2', undefined, ['A', 'C']],
    ['order=badge,id&limit=2', [], ['A', 'B']],
    ['eq(badge,"gold")', [], []],
  ])(
    // Issue 26: a certificate's `terms` are added as it is answered; a filter read them unset.
    'filters and orders by a member the presenter computes: %s (computed %j)',
    (text, computed, want) => {
      const store = stores.collection([
        { id: 'A', owner: { id: 'ACC-1' }, name: 'a' },
        { id: 'B', owner: { id: 'ACC-2' }, name: 'b' },
        { id: 'C', owner: { id: 'ACC-1' }, name: 'c' },
      ]);
      const query = parseListQuery(text);
      if (!query.ok) throw new Error(query.error);
      const badge = (i: Item) => ({ ...i, badge: i.owner.id === 'ACC-1' ? 'gold' : 'none' });
      const got = listPage(store, query.value, undefined, badge, undefined, computed ?? ['badge']);
      expect(got.data.map((i) => (i as Item).id)).toEqual(want);
    },
  );
});
