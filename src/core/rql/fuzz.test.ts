import { describe, expect, it } from 'vitest';
import { createRandom } from '../random.js';
import { applySelect, compareByOrder, matches, parseListQuery, parseSelect } from './index.js';

/** The kit's seeded generator, so failures are reproducible. */
const prng = (seed: number) => {
  const random = createRandom(seed);
  return () => random.next();
};

const PIECES = [
  '(',
  ')',
  ',',
  '"',
  "'",
  '\\',
  '&',
  '|',
  ';',
  '=',
  '%',
  '%2',
  '%28',
  '%22',
  '%E2%82',
  '+',
  '-',
  '*',
  '.',
  ' ',
  'a',
  'b',
  '1',
  'eq',
  'ne',
  'in',
  'out',
  'and',
  'or',
  'not',
  'any',
  'like',
  'ilike',
  'gt',
  'null()',
  'empty()',
  'limit=',
  'offset=',
  'order=',
  'select=',
  '-*',
  'status',
  'program.id',
  'true',
  'self()',
  'EQ',
  'Status',
];

const sample = {
  id: 'X',
  status: 'Active',
  seats: 3,
  tags: ['a'],
  program: { id: 'a' },
  list: [{ a: 1 }],
};

describe('random input', () => {
  it('parseListQuery never throws and results are usable', () => {
    const rnd = prng(20240610);
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      const len = Math.floor(rnd() * 24);
      let s = '';
      for (let j = 0; j < len; j++) s += PIECES[Math.floor(rnd() * PIECES.length)];
      let r: ReturnType<typeof parseListQuery> | undefined;
      expect(() => {
        r = parseListQuery(s);
        parseSelect(s);
      }, s).not.toThrow();
      if (r?.ok) {
        accepted++;
        const q = r.value;
        expect(Number.isInteger(q.limit) && q.limit >= 0 && q.limit <= 100, s).toBe(true);
        if (q.filter) expect(typeof matches(q.filter, sample)).toBe('boolean');
        expect(compareByOrder(q.order)(sample, {})).toBeTypeOf('number');
        expect(applySelect(sample, q.select)).toBeTypeOf('object');
      } else {
        expect(r?.error.length, s).toBeGreaterThan(0);
      }
    }
    expect(accepted).toBeGreaterThan(50); // the alphabet does produce valid queries too
  });

  it('parses the longest query in time linear in its length', () => {
    const time = (query: string) => {
      const started = performance.now();
      for (let i = 0; i < 20; i++) expect(parseListQuery(query).ok).toBe(true);
      return (performance.now() - started) / 20;
    };
    // Wide (many ORs), long values, and every separator: none is quadratic.
    const wide = 'status=a|'.repeat(900) + 'status=b';
    const long = `eq(name,'${'x,|;%26()='.repeat(800)}')`;
    expect(Math.max(wide.length, long.length)).toBeLessThanOrEqual(8192);
    expect(time(wide)).toBeLessThan(50);
    expect(time(long)).toBeLessThan(50);
  });

  it('rejects deep nesting and long input without throwing', () => {
    for (const s of [
      '('.repeat(9000),
      `${'and('.repeat(2000)}eq(a,b)${')'.repeat(2000)}`,
      '"'.repeat(8000),
      `in(a,${'('.repeat(5000)}`,
    ]) {
      const r = parseListQuery(s);
      expect(r.ok).toBe(false);
    }
  });
});
