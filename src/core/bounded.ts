/** A Map that keeps at most `capacity` entries, dropping the oldest insertion first. */
export class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  values(): IterableIterator<V> {
    return this.entries.values();
  }

  /** Key and value pairs, oldest first (to persist and restore the map). */
  pairs(): IterableIterator<[K, V]> {
    return this.entries.entries();
  }
}

/** The most recent `capacity` items, oldest dropped. */
export class Ring<T> {
  private readonly items: T[] = [];
  constructor(readonly capacity: number) {}

  push(item: T): void {
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  /** Newest first. */
  list(limit = this.capacity): T[] {
    return this.items.slice(-limit).reverse();
  }

  get size(): number {
    return this.items.length;
  }

  clear(): void {
    this.items.length = 0;
  }
}
