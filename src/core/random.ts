/**
 * The kit's one seeded generator (mulberry32): small, fast, repeatable from its state. Ids,
 * fault fractions and test fuzzers draw from it so a run can be replayed. Not for secrets.
 */
export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** The internal state: `createRandom(state)` continues the same sequence. */
  readonly state: number;
}

export function createRandom(seed: number): Random {
  let a = seed >>> 0;
  return {
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    get state() {
      return a;
    },
  };
}
