/**
 * A collection of stored objects by id: a Map (same methods, same insertion order) that
 *  - forks in constant time: a fork shares its contents with the original until either writes,
 *    which then copies them (copy on write), so a reset shares the seed instead of copying it;
 *  - keeps indexes on string fields (`status`, `client.id`...) up to date on every write, so a
 *    list filtered by one of them visits only the objects that can match;
 *  - keeps, per indexed field, a column of small codes by insertion position, and optionally
 *    the objects sorted by a field: a list whose matches an index gives exactly is counted and
 *    paged without reading the objects (reading 100,000 scattered objects is what costs).
 * Stored objects are never changed in place (every write sets a new object), so the indexes
 * only have to follow `set` and `delete`.
 */
import { compilePath } from './rql/compile.js';
import { compareValues } from './rql/order.js';

/** The objects whose field is `value`: a bucket per string value, `other` for the rest. */
interface Index<V> {
  read: (item: unknown) => unknown;
  buckets: Map<string, Map<string, V>>;
  /** Objects whose field is not a string (missing, a number, an array): always candidates. */
  other: Map<string, V>;
  /** A small number per string value met, for the column. */
  codes: Map<string, number>;
  /** By position: the code of the object's value, -1 when it is not a string. */
  column: number[];
}

/** One object in a sorted index: its field's value, its id and position, the object. */
interface SortedEntry<V> {
  value: unknown;
  id: string;
  position: number;
  item: V;
}

/**
 * Every object, ascending by a field (as `order=` compares values), ties by id. Built on first
 * use (one sort, not one insertion per object of a large fixture), then kept up to date.
 */
interface Sorted<V> {
  read: (item: unknown) => unknown;
  entries: SortedEntry<V>[];
  built: boolean;
}

type Probe = { value: unknown; id: string };
const byValueThenId = (a: Probe, b: Probe) =>
  compareValues(a.value, b.value) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The first position whose entry is not before `probe`. */
function lowerBound(entries: Probe[], probe: Probe): number {
  let low = 0;
  let high = entries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (byValueThenId(entries[mid]!, probe) < 0) low = mid + 1;
    else high = mid;
  }
  return low;
}

const pathKey = (path: readonly string[]) => path.join('.');

/** A field that must be one of some texts (an `eq` or `in` of a filter). */
export interface Term {
  path: readonly string[];
  values: readonly string[];
}

/** The objects a term matches, known from the indexes alone. */
export interface Matches<V> {
  total: number;
  /**
   * Visits the matches in the order a list answers them (insertion order, or `order` when a
   * sorted index keeps its field) until `take` says the page is full. False, visiting nothing,
   * when no sorted index serves `order`.
   */
  walk(
    order: { path: readonly string[]; direction: 1 | -1 } | undefined,
    take: (item: V) => boolean,
  ): boolean;
}

export class Collection<V> extends Map<string, V> {
  private items = new Map<string, V>();
  /** Insertion position of each key (Map order), and the object at each position. */
  private positions = new Map<string, number>();
  private slots: (V | undefined)[] = [];
  private indexes = new Map<string, Index<V>>();
  private sorted = new Map<string, Sorted<V>>();
  /** The contents are also another collection's: the next write copies them first. */
  private shared = false;

  /** `indexed`: fields looked up by value; `sortedBy`: fields kept in order (for `order=`). */
  constructor(
    indexed: readonly (readonly string[])[] = [],
    sortedBy: readonly (readonly string[])[] = [],
  ) {
    super();
    for (const path of indexed)
      this.indexes.set(pathKey(path), {
        read: compilePath(path),
        buckets: new Map(),
        other: new Map(),
        codes: new Map(),
        column: [],
      });
    for (const path of sortedBy)
      this.sorted.set(pathKey(path), { read: compilePath(path), entries: [], built: false });
  }

  /** A collection with the same contents and indexes, in constant time (copy on write). */
  fork(): Collection<V> {
    const fork = new Collection<V>();
    fork.items = this.items;
    fork.positions = this.positions;
    fork.slots = this.slots;
    fork.indexes = this.indexes;
    fork.sorted = this.sorted;
    fork.shared = this.shared = true;
    return fork;
  }

  private own(): void {
    if (!this.shared) return;
    this.items = new Map(this.items);
    this.positions = new Map(this.positions);
    this.slots = this.slots.slice();
    const indexes = new Map<string, Index<V>>();
    for (const [key, index] of this.indexes) {
      const buckets = new Map<string, Map<string, V>>();
      for (const [value, bucket] of index.buckets) buckets.set(value, new Map(bucket));
      indexes.set(key, {
        read: index.read,
        buckets,
        other: new Map(index.other),
        codes: new Map(index.codes),
        column: index.column.slice(),
      });
    }
    this.indexes = indexes;
    const sorted = new Map<string, Sorted<V>>();
    for (const [key, index] of this.sorted)
      sorted.set(key, { ...index, entries: index.entries.slice() });
    this.sorted = sorted;
    this.shared = false;
  }

  private unindex(key: string, item: V): void {
    for (const index of this.indexes.values()) {
      const value = index.read(item);
      if (typeof value !== 'string') {
        index.other.delete(key);
        continue;
      }
      const bucket = index.buckets.get(value);
      bucket?.delete(key);
      if (bucket?.size === 0) index.buckets.delete(value);
    }
    for (const index of this.sorted.values())
      if (index.built)
        index.entries.splice(lowerBound(index.entries, { value: index.read(item), id: key }), 1);
  }

  override get(key: string): V | undefined {
    return this.items.get(key);
  }

  override has(key: string): boolean {
    return this.items.has(key);
  }

  override set(key: string, value: V): this {
    this.own();
    const previous = this.items.get(key);
    let position = this.positions.get(key);
    if (position === undefined) {
      position = this.slots.length;
      this.positions.set(key, position);
    } else if (previous !== undefined) this.unindex(key, previous);
    this.items.set(key, value);
    this.slots[position] = value;
    for (const index of this.indexes.values()) {
      const field = index.read(value);
      if (typeof field !== 'string') {
        index.other.set(key, value);
        index.column[position] = -1;
        continue;
      }
      let bucket = index.buckets.get(field);
      if (!bucket) index.buckets.set(field, (bucket = new Map()));
      bucket.set(key, value);
      let code = index.codes.get(field);
      if (code === undefined) index.codes.set(field, (code = index.codes.size));
      index.column[position] = code;
    }
    for (const index of this.sorted.values()) {
      if (!index.built) continue;
      const entry = { value: index.read(value), id: key, position, item: value };
      index.entries.splice(lowerBound(index.entries, entry), 0, entry);
    }
    return this;
  }

  override delete(key: string): boolean {
    const previous = this.items.get(key);
    if (previous === undefined && !this.items.has(key)) return false;
    this.own();
    this.unindex(key, previous as V);
    this.slots[this.positions.get(key)!] = undefined;
    this.positions.delete(key);
    this.items.delete(key);
    // Deleted positions stay empty until they are more than half: then every position is
    // given again, in order, so creating and deleting forever does not grow the columns.
    if (this.slots.length > 64 && this.items.size * 2 < this.slots.length) this.renumber();
    return true;
  }

  private renumber(): void {
    const renumbered = new Map<number, number>();
    const slots: V[] = [];
    for (const [key, item] of this.items) {
      renumbered.set(this.positions.get(key)!, slots.length);
      this.positions.set(key, slots.length);
      slots.push(item);
    }
    for (const index of this.indexes.values()) {
      const column: number[] = [];
      for (const [before, after] of renumbered) column[after] = index.column[before]!;
      index.column = column;
    }
    for (const index of this.sorted.values())
      index.entries = index.entries.map((entry) => ({
        ...entry,
        position: renumbered.get(entry.position)!,
      }));
    this.slots = slots;
  }

  override clear(): void {
    for (const key of [...this.items.keys()]) this.delete(key);
  }

  override get size(): number {
    return this.items.size;
  }

  override keys(): MapIterator<string> {
    return this.items.keys();
  }

  override values(): MapIterator<V> {
    return this.items.values();
  }

  override entries(): MapIterator<[string, V]> {
    return this.items.entries();
  }

  override [Symbol.iterator](): MapIterator<[string, V]> {
    return this.items[Symbol.iterator]();
  }

  override forEach(callback: (value: V, key: string, map: Map<string, V>) => void): void {
    this.items.forEach((value, key) => callback(value, key, this));
  }

  /**
   * The objects whose field at `path` may equal one of `values` (a string field equal to one
   * of them, or a field that is not a string at all): undefined when `path` is not indexed.
   */
  candidates(path: readonly string[], values: readonly string[]): Map<string, V>[] | undefined {
    const index = this.indexes.get(pathKey(path));
    if (!index) return undefined;
    const found: Map<string, V>[] = [];
    for (const value of new Set(values)) {
      const bucket = index.buckets.get(value);
      if (bucket) found.push(bucket);
    }
    if (index.other.size > 0) found.push(index.other);
    return found;
  }

  /** Where `key` stands in the collection's order (smaller: inserted earlier). */
  positionOf(key: string): number {
    return this.positions.get(key) ?? Infinity;
  }

  /**
   * What `term` matches (every object when undefined), from the indexes: the objects whose
   * field is one of the values, and those whose field is not a string for which `test` (the
   * whole filter) holds. Undefined when the term's field is not indexed.
   */
  matches(term: Term | undefined, test: (item: V) => boolean): Matches<V> | undefined {
    let member: (position: number) => boolean;
    let total: number;
    if (term === undefined) {
      member = () => true;
      total = this.size;
    } else if (term.path.length === 1 && term.path[0] === 'id') {
      // Objects are stored under their id: the positions are the index.
      const hits = new Set<number>();
      for (const id of term.values) if (this.positions.has(id)) hits.add(this.positions.get(id)!);
      member = (position) => hits.has(position);
      total = hits.size;
    } else {
      const index = this.indexes.get(pathKey(term.path));
      if (!index) return undefined;
      const codes = new Set<number>();
      total = 0;
      for (const value of new Set(term.values)) {
        const code = index.codes.get(value);
        const bucket = index.buckets.get(value);
        if (code !== undefined && bucket) {
          codes.add(code);
          total += bucket.size;
        }
      }
      const passed = new Set<number>();
      for (const [key, item] of index.other) if (test(item)) passed.add(this.positions.get(key)!);
      total += passed.size;
      const { column } = index;
      const [only] = codes;
      member =
        codes.size === 1 && passed.size === 0
          ? (position) => column[position] === only
          : (position) => codes.has(column[position]!) || passed.has(position);
    }
    return { total, walk: (order, take) => this.walk(member, order, take) };
  }

  private walk(
    member: (position: number) => boolean,
    order: { path: readonly string[]; direction: 1 | -1 } | undefined,
    take: (item: V) => boolean,
  ): boolean {
    if (order === undefined) {
      const { slots } = this;
      for (let position = 0; position < slots.length; position++) {
        const item = slots[position];
        if (item !== undefined && member(position) && take(item)) break;
      }
      return true;
    }
    const sorted = this.sortedBy(order.path);
    if (!sorted) return false;
    if (order.direction === 1) {
      for (const entry of sorted) if (member(entry.position) && take(entry.item)) break;
      return true;
    }
    // Descending: values from the largest, and within equal values ids still ascending.
    for (let last = sorted.length - 1; last >= 0;) {
      let first = last;
      while (first > 0 && compareValues(sorted[first - 1]!.value, sorted[last]!.value) === 0)
        first--;
      for (let i = first; i <= last; i++) {
        const entry = sorted[i]!;
        if (member(entry.position) && take(entry.item)) return true;
      }
      last = first - 1;
    }
    return true;
  }

  private sortedBy(path: readonly string[]): readonly SortedEntry<V>[] | undefined {
    const index = this.sorted.get(pathKey(path));
    if (!index) return undefined;
    if (!index.built) {
      // Built once, in place: forks that share this index share these contents too.
      index.entries = [...this.items].map(([id, item]) => ({
        value: index.read(item),
        id,
        position: this.positions.get(id)!,
        item,
      }));
      index.entries.sort(byValueThenId);
      index.built = true;
    }
    return index.entries;
  }
}

/** A fork of a collection; a plain Map (a state built by hand) is copied into a new one. */
export function forkOf<V>(map: Map<string, V>): Collection<V> {
  if (map instanceof Collection) return map.fork() as Collection<V>;
  const copy = new Collection<V>();
  for (const [key, value] of map) copy.set(key, value);
  return copy;
}
