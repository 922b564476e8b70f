import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseShared } from './shared-json.js';

/** What JSON.parse says of a text: its value, or that it refuses it. */
const parsed = (text: string) => {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return { refused: true };
  }
};
const shared = (text: string, options?: Parameters<typeof parseShared>[1]) => {
  try {
    return { value: parseShared(text, options) };
  } catch (error) {
    expect(error).toBeInstanceOf(SyntaxError);
    return { refused: true };
  }
};

describe('parseShared reads what JSON.parse reads', () => {
  it.each([
    ['{"a":[{"b":{"c":1},"d":{"c":1}}]}'],
    ['[]'],
    ['{}'],
    [' [1, "x\\"y\\\\", null, true, false, -1.5e3, {"__proto__": {"x": 2}}] '],
    ['{"a":{"b":{"c":[{"x":{"y":[1,{}]},"z":{"y":[1,{}]}}]}}}'],
    ['"\\u0041\\ud83d\\ude00"'],
    // Refused, as JSON.parse refuses them:
    ['{"a":1,}'],
    ['[1,]'],
    ['{"a" 1}'],
    ['{"a":1 "b":2}'],
    [''],
    ['   '],
    ['"abc'],
    ['1 2'],
    ['[1]]'],
    ['{"a":[1,2}'],
    ['{"a":tru}'],
    ['{"a":"\u0001"}'],
    ['{a:1}'],
    ['[01]'],
  ])('%j', (text) => {
    for (const splitTo of [0, 1, 2, 4, 8])
      expect(shared(text, { shareFrom: 1, splitTo })).toEqual(parsed(text));
  });

  it('for any JSON value, written compactly or indented (fast-check)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 0, max: 5 }), (value, shareFrom) => {
        for (const text of [JSON.stringify(value), JSON.stringify(value, null, 2)])
          expect(shared(text, { shareFrom, splitTo: shareFrom + 1 })).toEqual(parsed(text));
      }),
    );
  });

  it('refuses exactly what JSON.parse refuses when a character is changed or cut (fast-check)', () => {
    const chars = [...'{}[],:"\\ 0a-e.tn'];
    fc.assert(
      fc.property(fc.jsonValue(), fc.nat(), fc.constantFrom(...chars, ''), (value, at, char) => {
        const text = JSON.stringify(value);
        const i = at % (text.length + 1);
        const changed = text.slice(0, i) + char + text.slice(i + 1);
        expect(shared(changed, { shareFrom: 1, splitTo: 3 })).toEqual(parsed(changed));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseShared shares what repeats', () => {
  const text = JSON.stringify({
    program: {
      certificates: [
        {
          id: 'CER-1',
          program: { id: 'PRG-1', name: 'P' },
          audit: { created: { by: { id: 'USR-1' } } },
        },
        {
          id: 'CER-2',
          program: { id: 'PRG-1', name: 'P' },
          audit: { created: { by: { id: 'USR-1' } } },
        },
        { id: 'CER-3', program: { id: 'PRG-2', name: 'P' } },
      ],
    },
  });
  type Read = { program: { certificates: Record<string, unknown>[] } };

  it('one object for an equal text at the depth of a certificate member or deeper', () => {
    const [one, two, three] = (parseShared(text) as Read).program.certificates;
    expect(one!.program).toBe(two!.program);
    expect(one!.audit).toBe(two!.audit);
    expect(one!.program).not.toBe(three!.program);
    expect(three!.program).toEqual({ id: 'PRG-2', name: 'P' });
  });

  it('nothing shared above shareFrom', () => {
    const read = parseShared(text, { shareFrom: 9 }) as Read;
    expect(read.program.certificates[0]!.program).not.toBe(read.program.certificates[1]!.program);
  });
});
