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

/** The most recent `capacity` items, oldest dropped (a circular buffer: a push costs no copy). */
export class Ring<T> {
  private readonly items: T[] = [];
  /** Where the next push goes once the buffer is full (the oldest item's place). */
  private next = 0;
  constructor(readonly capacity: number) {}

  push(item: T): void {
    if (this.capacity <= 0) return;
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    this.items[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
  }

  /** Newest first. */
  list(limit = this.capacity): T[] {
    const ordered = [...this.items.slice(this.next), ...this.items.slice(0, this.next)];
    return ordered.slice(-limit).reverse();
  }

  get size(): number {
    return this.items.length;
  }

  clear(): void {
    this.items.length = 0;
    this.next = 0;
  }
}
