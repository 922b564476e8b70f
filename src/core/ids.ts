/**
 * Ids in the APIs' own formats, from a seeded generator so that a world made twice from the
 * same seed hands out the same ids (stable snapshots, reproducible bug reports).
 */
import { createRandom } from './random.js';
export type IdKind = 'PRG' | 'CER' | 'ENR' | 'ACC' | 'BUY' | 'LCE' | 'USR';

const groups: Record<IdKind, number> = { PRG: 2, ACC: 2, BUY: 2, USR: 2, CER: 3, ENR: 3, LCE: 3 };

export interface IdGenerator {
  /** A fresh id of the kind, never handed out before by this generator nor marked as taken. */
  next(kind: IdKind): string;
  /** A fresh GUID (version 4 layout), e.g. for Partner Center request ids. */
  guid(): string;
  /** Hex digits, e.g. for problem-details trace ids. */
  hex(length: number): string;
  /** Tells the generator about ids that exist already (seed data). */
  taken(id: string): void;
  /** Internal state, to persist and restore the sequence. */
  state(): number;
}

/** `taken`: ids that exist already, shared (never written here), e.g. a seed's. */
export function createIds(seed: number, taken: ReadonlySet<string> = new Set()): IdGenerator {
  const random = createRandom(seed);
  const used = new Set<string>();
  const digits = (n: number) => {
    let out = '';
    for (let i = 0; i < n; i++) out += Math.floor(random.next() * 10).toString();
    return out;
  };
  const hex = (n: number) => {
    let out = '';
    for (let i = 0; i < n; i++) out += Math.floor(random.next() * 16).toString(16);
    return out;
  };
  return {
    next(kind) {
      for (;;) {
        const parts = Array.from({ length: groups[kind] }, () => digits(4));
        // First group never starts with 0, as in the real ids.
        parts[0] = `${1 + Math.floor(random.next() * 9)}${parts[0]!.slice(1)}`;
        const id = `${kind}-${parts.join('-')}`;
        if (!used.has(id) && !taken.has(id)) {
          used.add(id);
          return id;
        }
      }
    },
    guid() {
      const h = hex(32);
      const variant = '89ab'[Math.floor(random.next() * 4)]!;
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    hex,
    taken(id) {
      used.add(id);
    },
    state: () => random.state,
  };
}
