import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Collection } from './collection.js';
import { compareValues } from './rql/order.js';

interface Item {
  id: string;
  status?: unknown;
  day?: unknown;
}

type Op =
  | { kind: 'set'; key: string; status: unknown; day: unknown }
  | { kind: 'delete'; key: string }
  | { kind: 'fork'; keepOriginal: boolean };

const keys = fc.constantFrom(...Array.from({ length: 12 }, (_, i) => `K${i}`));
const status = fc.oneof(fc.constantFrom('A', 'B', 'C', ''), fc.constant(undefined), fc.nat(3));
const day = fc.oneof(
  fc.constantFrom('2026-01-01', '2026-01-02', '2026-01-03'),
  fc.constant(undefined),
);
const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({ kind: fc.constant('set' as const), key: keys, status, day }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: keys }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('fork' as const), keepOriginal: fc.boolean() }),
  },
);

const byDay = (a: Item, b: Item) =>
  compareValues(a.day, b.day) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** What a walk visits (every match, nothing cut short). */
function walked(collection: Collection<Item>, value: string, order?: 1 | -1): string[] {
  const test = (item: Item) => String(item.status) === value;
  const matches = collection.matches({ path: ['status'], values: [value] }, test)!;
  const seen: string[] = [];
  matches.walk(order && { path: ['day'], direction: order }, (item) => {
    seen.push(item.id);
    return false;
  });
  expect(matches.total).toBe(seen.length);
  return seen;
}

describe('Collection', () => {
  it('is a Map (order included) whose forks never see each other’s writes, and whose indexes agree with a scan', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        let current = new Collection<Item>([['status']], [['day']]);
        let model = new Map<string, Item>();
        const forks: [Collection<Item>, [string, Item][]][] = [];
        for (const step of ops) {
          if (step.kind === 'fork') {
            // One side is set aside (writes go on in the other): its contents must never change.
            const fork = current.fork();
            if (step.keepOriginal) {
              forks.push([fork, [...model]]);
            } else {
              forks.push([current, [...model]]);
              current = fork;
            }
            model = new Map(model);
          } else if (step.kind === 'delete') {
            expect(current.delete(step.key)).toBe(model.delete(step.key));
          } else {
            const item: Item = { id: step.key, status: step.status, day: step.day };
            current.set(step.key, item);
            model.set(step.key, item);
          }
          expect([...current]).toEqual([...model]);
          expect(current.size).toBe(model.size);
          for (const value of ['A', 'B', '', '2']) {
            const matching = [...model.values()].filter((i) => String(i.status) === value);
            expect(walked(current, value)).toEqual(matching.map((i) => i.id));
            const ascending = [...matching].sort(byDay).map((i) => i.id);
            expect(walked(current, value, 1)).toEqual(ascending);
            // Descending by day, ties still by ascending id (as the list's comparison does).
            const descending = [...matching]
              .sort((a, b) => -compareValues(a.day, b.day) || (a.id < b.id ? -1 : 1))
              .map((i) => i.id);
            expect(walked(current, value, -1)).toEqual(descending);
          }
        }
        for (const [fork, contents] of forks) expect([...fork]).toEqual(contents);
      }),
      { numRuns: 200, seed: 16 },
    );
  });

  it('gives deleted positions again, keeping the order, after many deletes', () => {
    const collection = new Collection<Item>([['status']], [['day']]);
    for (let round = 0; round < 500; round++) {
      collection.set(`N${round}`, {
        id: `N${round}`,
        status: round % 2 ? 'A' : 'B',
        day: String(round % 9),
      });
      if (round >= 10) collection.delete(`N${round - 10}`);
    }
    const slots = (collection as unknown as { slots: unknown[] }).slots.length;
    expect(slots).toBeLessThanOrEqual(130);
    const expected = [...collection.values()].filter((i) => i.status === 'A').map((i) => i.id);
    expect(walked(collection, 'A')).toEqual(expected);
  });
});
