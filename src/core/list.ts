/**
 * The list engine both APIs' lists run on: filter, order, page and select over a store (a
 * Collection with its indexes, a Map, or any iterable), visiting only what it must.
 */
import { Collection } from './collection.js';
import { applySelect, type ListQuery, type RqlNode } from './rql/index.js';
import { compileFilter, compilePath, equalityTerms, type EqualityTerm } from './rql/compile.js';
import { compareValues } from './rql/order.js';

type Keyed<T> = { item: T; keys: unknown[] };

/**
 * The `size` smallest items under `compare`, kept in a binary max-heap (worst at the root), so
 * a page of 50 over 100,000 items costs about n comparisons instead of a full n log n sort.
 */
function smallest<T>(size: number, compare: (a: T, b: T) => number) {
  const heap: T[] = [];
  const swap = (i: number, j: number) => {
    const x = heap[i]!;
    heap[i] = heap[j]!;
    heap[j] = x;
  };
  const down = (from: number) => {
    for (let i = from; ;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let worst = i;
      if (l < heap.length && compare(heap[l]!, heap[worst]!) > 0) worst = l;
      if (r < heap.length && compare(heap[r]!, heap[worst]!) > 0) worst = r;
      if (worst === i) return;
      swap(i, worst);
      i = worst;
    }
  };
  return {
    /** Takes `value` if it is among the smallest so far; says whether it did. */
    offer(value: T): boolean {
      if (heap.length < size) {
        heap.push(value);
        for (let i = heap.length - 1; i > 0;) {
          const parent = (i - 1) >> 1;
          if (compare(heap[i]!, heap[parent]!) <= 0) break;
          swap(i, parent);
          i = parent;
        }
        return true;
      }
      if (size === 0 || compare(value, heap[0]!) >= 0) return false;
      heap[0] = value;
      down(0);
      return true;
    },
    sorted: () => heap.sort(compare),
  };
}

/**
 * What a list has to visit: the whole store, or, when a term every match must satisfy (an `eq`
 * or `in` of the filter, or the caller's visibility) is served by an index, only the objects
 * that index gives for it (the smallest such set). The filter still runs on every candidate:
 * an index only leaves out objects that cannot match. Without an order the candidates are put
 * back in the store's order, which is only worth it when they are few.
 */
function candidatesOf<T extends { id: string }>(
  store: Iterable<T> | Map<string, T>,
  terms: EqualityTerm[],
  ordered: boolean,
): Iterable<T> {
  if (!(store instanceof Map)) return store;
  let best: T[][] | Map<string, T>[] | undefined;
  let size = Infinity;
  for (const term of terms) {
    let found: T[][] | Map<string, T>[] | undefined;
    let count = 0;
    if (term.path.length === 1 && term.path[0] === 'id') {
      // Objects are stored under their id: the store itself is the index.
      const hits = [...new Set(term.values)].flatMap((id) => store.get(id) ?? []);
      if (!ordered && hits.length > 1 && !(store instanceof Collection)) continue;
      found = [hits];
      count = hits.length;
    } else if (store instanceof Collection) {
      found = store.candidates(term.path, term.values);
      for (const map of found ?? []) count += map.size;
    }
    if (found && count < size) [best, size] = [found, count];
  }
  if (!best || (!ordered && size * 4 > store.size)) return store.values();
  const parts = (best as (T[] | Map<string, T>)[]).map((part) =>
    part instanceof Map ? part.values() : part,
  );
  if (ordered && parts.length === 1) return parts[0]!;
  const all = parts.flatMap((part) => [...part]);
  if (!ordered && all.length > 1 && store instanceof Collection)
    all.sort((a, b) => store.positionOf(a.id) - store.positionOf(b.id));
  return all;
}

/**
 * When every object is visible and the filter is absent or one `eq`/`in` term an index (or the
 * id) serves, the matches are known from the indexes: counted, and the page found by visiting
 * them in the answer's order until it is full, without reading the other objects.
 */
function exactPage<T extends { id: string }>(
  store: Collection<T>,
  query: ListQuery,
  test: ((item: unknown) => boolean) | undefined,
): { total: number; window: T[] } | undefined {
  const { filter, order, offset, limit } = query;
  const terms = equalityTerms(filter);
  if (filter && ((filter.op !== 'eq' && filter.op !== 'in') || terms.length !== 1)) return;
  const matches = store.matches(terms[0], (item) => test!(item));
  if (!matches || limit === 0) return matches && { total: matches.total, window: [] };
  // Visiting in order costs about a page per match rate: not worth it for a few matches.
  if (order.length > 1 || (offset + limit) * store.size >= matches.total ** 2) return undefined;
  const window: T[] = [];
  let seen = 0;
  const walked = matches.walk(order[0], (item) => {
    if (seen++ >= offset) window.push(item);
    return window.length >= limit;
  });
  return walked ? { total: matches.total, window } : undefined;
}

/** A page of a list: how many objects match, and the window asked for, presented and selected. */
export interface ListPage {
  total: number;
  data: object[];
}

/** Whether the filter or the order reads one of `members` (by a path's first segment). */
function readsAny(query: ListQuery, members: ReadonlySet<string>): boolean {
  const reads = (node: RqlNode): boolean => {
    switch (node.op) {
      case 'and':
      case 'or':
        return node.args.some(reads);
      case 'not':
        return reads(node.arg);
      default:
        return members.has(node.path[0]!);
    }
  };
  return (
    (query.filter !== undefined && reads(query.filter)) ||
    query.order.some((term) => members.has(term.path[0]!))
  );
}

/**
 * Filter, order (ties broken by id), page and select a list. `computed` names the members
 * `present` adds or rewrites (a certificate's `terms`): a query that reads one of them filters
 * and orders the objects as presented, as the answer shows them (issue 26). `keep` is
 * the caller's visibility, `scope` the same as a term an index can serve. The filter is
 * compiled once; only the requested window is ever sorted: ids are unique, so the order is
 * total and a partial selection gives exactly the page a full sort would.
 */
export function listPage<T extends { id: string }>(
  store: Iterable<T> | Map<string, T>,
  query: ListQuery,
  keep?: (item: T) => boolean,
  present: (item: T) => object = (item) => item,
  scope?: EqualityTerm,
  computed?: readonly string[],
): ListPage {
  const { filter, order, offset, limit } = query;
  const view = computed && readsAny(query, new Set(computed)) ? present : undefined;
  const compiled = filter && compileFilter(filter);
  const test = compiled && view ? (item: unknown) => compiled(view(item as T)) : compiled;
  const present_ = (window: T[]) => window.map((item) => applySelect(present(item), query.select));
  const exact =
    !keep && !view && store instanceof Collection ? exactPage(store, query, test) : undefined;
  if (exact) return { total: exact.total, data: present_(exact.window) };
  const terms = equalityTerms(filter);
  if (scope) terms.push(scope);
  const items = candidatesOf(store, terms, order.length > 0);
  const end = offset + limit;
  let total = 0;
  let window: T[] = [];
  if (order.length === 0) {
    for (const item of items) {
      if ((keep && !keep(item)) || (test && !test(item))) continue;
      if (total >= offset && total < end) window.push(item);
      total++;
    }
  } else {
    // Sort keys are read once per item, not once per comparison.
    const reads = order.map((term) => compilePath(term.path));
    const directions = order.map((term) => term.direction);
    const compare = (a: Keyed<T>, b: Keyed<T>) => {
      for (let i = 0; i < reads.length; i++) {
        const c = compareValues(a.keys[i], b.keys[i]);
        if (c !== 0) return directions[i] === -1 ? -c : c;
      }
      return a.item.id < b.item.id ? -1 : a.item.id > b.item.id ? 1 : 0;
    };
    const best = smallest(limit === 0 ? 0 : end, compare);
    // One candidate is filled in place and replaced only when the heap keeps it.
    let candidate: Keyed<T> | undefined;
    for (const item of items) {
      if ((keep && !keep(item)) || (test && !test(item))) continue;
      total++;
      if (limit === 0) continue;
      candidate ??= { item, keys: new Array<unknown>(reads.length) };
      candidate.item = item;
      const read = view ? view(item) : item;
      for (let i = 0; i < reads.length; i++) candidate.keys[i] = reads[i]!(read);
      if (best.offer(candidate)) candidate = undefined;
    }
    window = best
      .sorted()
      .slice(offset)
      .map((keyed) => keyed.item);
  }
  return { total, data: limit === 0 ? [] : present_(window) };
}
