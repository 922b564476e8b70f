/**
 * A collection of stored objects by id: a Map (same methods, same insertion order) that
 *  - forks in constant time: a fork shares its entries with the original until either writes,
 *    which then copies them (copy on write), so a reset shares the seed instead of copying it;
 *  - keeps indexes on string fields (`status`, `client.id`...) up to date on every write, so a
 *    list filtered by one of them visits only the objects that can match.
 * Stored objects are never changed in place (every write sets a new object), so an index only
 * has to follow `set` and `delete`.
 */
import { compilePath } from './rql/compile.js';

/** The objects whose field is `value`: a bucket per string value, `other` for the rest. */
interface Index<V> {
  path: readonly string[];
  read: (item: unknown) => unknown;
  buckets: Map<string, Map<string, V>>;
  /** Objects whose field is not a string (missing, a number, an array): always candidates. */
  other: Map<string, V>;
}

const pathKey = (path: readonly string[]) => path.join('.');

export class Collection<V> extends Map<string, V> {
  private items = new Map<string, V>();
  /** Insertion position of each key (Map order), for candidates taken from an index. */
  private positions = new Map<string, number>();
  private counter = 0;
  private indexes = new Map<string, Index<V>>();
  /** The entries are also another collection's: the next write copies them first. */
  private shared = false;

  constructor(indexed: readonly (readonly string[])[] = []) {
    super();
    for (const path of indexed)
      this.indexes.set(pathKey(path), {
        path,
        read: compilePath(path),
        buckets: new Map(),
        other: new Map(),
      });
  }

  /** A collection with the same entries and indexes, in constant time (copy on write). */
  fork(): Collection<V> {
    const fork = new Collection<V>();
    fork.items = this.items;
    fork.positions = this.positions;
    fork.counter = this.counter;
    fork.indexes = this.indexes;
    fork.shared = this.shared = true;
    return fork;
  }

  private own(): void {
    if (!this.shared) return;
    this.items = new Map(this.items);
    this.positions = new Map(this.positions);
    const indexes = new Map<string, Index<V>>();
    for (const [key, index] of this.indexes) {
      const buckets = new Map<string, Map<string, V>>();
      for (const [value, bucket] of index.buckets) buckets.set(value, new Map(bucket));
      indexes.set(key, { ...index, buckets, other: new Map(index.other) });
    }
    this.indexes = indexes;
    this.shared = false;
  }

  private bucketOf(index: Index<V>, item: V, create: boolean): Map<string, V> | undefined {
    const value = index.read(item);
    if (typeof value !== 'string') return index.other;
    let bucket = index.buckets.get(value);
    if (!bucket && create) index.buckets.set(value, (bucket = new Map()));
    return bucket;
  }

  private unindex(key: string, item: V): void {
    for (const index of this.indexes.values()) {
      const bucket = this.bucketOf(index, item, false);
      bucket?.delete(key);
      if (bucket && bucket.size === 0 && bucket !== index.other)
        index.buckets.delete(index.read(item) as string);
    }
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
    if (previous !== undefined || this.items.has(key)) this.unindex(key, previous as V);
    else this.positions.set(key, this.counter++);
    this.items.set(key, value);
    for (const index of this.indexes.values()) this.bucketOf(index, value, true)!.set(key, value);
    return this;
  }

  override delete(key: string): boolean {
    if (!this.items.has(key)) return false;
    this.own();
    this.unindex(key, this.items.get(key) as V);
    this.positions.delete(key);
    return this.items.delete(key);
  }

  override clear(): void {
    this.own();
    this.items.clear();
    this.positions.clear();
    for (const index of this.indexes.values()) {
      index.buckets.clear();
      index.other.clear();
    }
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
}

/** A fork of a collection; a plain Map (a state built by hand) is copied into a new one. */
export function forkOf<V>(map: Map<string, V>): Collection<V> {
  if (map instanceof Collection) return map.fork() as Collection<V>;
  const copy = new Collection<V>();
  for (const [key, value] of map) copy.set(key, value);
  return copy;
}
