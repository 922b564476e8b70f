import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseShared, sharedJsonStream, type SharedJsonStreamOptions } from './shared-json.js';

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

/** The bytes cut at the given places (sorted, deduplicated), each piece written in turn. */
const streamed = (bytes: Uint8Array, cuts: number[], options: SharedJsonStreamOptions) => {
  const stream = sharedJsonStream(options);
  let from = 0;
  try {
    for (const cut of [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)) {
      stream.write(bytes.subarray(from, cut));
      from = cut;
    }
    stream.write(bytes.subarray(from));
    return { value: stream.end() };
  } catch (error) {
    expect(error).toBeInstanceOf(SyntaxError);
    return { refused: true };
  }
};
/** What JSON.parse says of the bytes decoded whole, as the door decoded a body before. */
const parsedBytes = (bytes: Uint8Array) => parsed(new TextDecoder().decode(bytes));
const streamOptions = fc.record({
  shareFrom: fc.integer({ min: 0, max: 5 }),
  streamFrom: fc.integer({ min: 0, max: 5 }),
  pieceBytes: fc.integer({ min: 1, max: 40 }),
});
const encode = (text: string) => new TextEncoder().encode(text);

describe('sharedJsonStream reads, piece by piece, what JSON.parse reads of the whole', () => {
  it('for any JSON value (any characters), cut anywhere, even inside a character (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ stringUnit: 'grapheme' }),
        fc.array(fc.nat(), { maxLength: 12 }),
        streamOptions,
        (value, cuts, options) => {
          for (const text of [JSON.stringify(value), JSON.stringify(value, null, 1)]) {
            const bytes = encode(text);
            expect(streamed(bytes, cuts, { ...options, splitTo: options.shareFrom + 1 })).toEqual(
              parsedBytes(bytes),
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('refuses exactly what JSON.parse refuses when a byte is changed or cut (fast-check)', () => {
    const bytes = [...'{}[],:"\\ 0a-e.tn'].map((c) => c.charCodeAt(0)).concat([0xc3, 0xff, 0x80]);
    fc.assert(
      fc.property(
        fc.jsonValue({ stringUnit: 'grapheme' }),
        fc.nat(),
        fc.option(fc.constantFrom(...bytes)),
        fc.array(fc.nat(), { maxLength: 8 }),
        streamOptions,
        (value, at, byte, cuts, options) => {
          const text = encode(JSON.stringify(value));
          const i = at % (text.length + 1);
          const changed = new Uint8Array([
            ...text.subarray(0, i),
            ...(byte === null ? [] : [byte]),
            ...text.subarray(i + 1),
          ]);
          expect(streamed(changed, cuts, { ...options, splitTo: 3 })).toEqual(parsedBytes(changed));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it.each([
    ['a byte order mark before the value', [0xef, 0xbb, 0xbf, ...encode('{"a":[1]}')]],
    ['a character cut between pieces', [...encode('["\u00e9'), ...encode('é"]')]],
    ['a sequence that never ends', [...encode('["'), 0xe2, 0x82, ...encode('"]')]],
    ['blank', [...encode('  \n ')]],
    ['a number the last piece ends', [...encode('[1,2')]],
    ['a number cut between pieces', [...encode('12345')]],
  ])('%s', (_, given) => {
    const bytes = new Uint8Array(given);
    for (let cut = 0; cut <= bytes.length; cut++)
      expect(streamed(bytes, [cut], { pieceBytes: 1, streamFrom: 1 })).toEqual(parsedBytes(bytes));
  });

  it.each([
    ['a string that does not end', `{"a":{"b":{"c":"${'x'.repeat(200_000)}`],
    ['one that does not end after escapes', `{"a":{"b":["${'\\"'.repeat(50_000)}x`],
    ['a container that does not end', `{"a":{"b":[${'1,'.repeat(100_000)}`],
  ])('refuses %s, in one pass (no backtracking storm in the scan)', (_, text) => {
    for (const streamFrom of [0, 3])
      expect(streamed(encode(text), [text.length >> 1], { streamFrom })).toEqual(parsed(text));
    expect(shared(text, { shareFrom: 1 })).toEqual(parsed(text));
  });

  it('shares what repeats across pieces, and lets go of texts seen once', () => {
    const certificate = (i: number) => ({
      id: `CER-${i}`,
      program: { id: 'PRG-1', name: 'P' },
      audit: { created: { at: `2026-01-01T00:00:${String(i % 60).padStart(2, '0')}Z` } },
    });
    const certificates = Array.from({ length: 20_000 }, (_, i) => certificate(i));
    const bytes = encode(JSON.stringify({ program: { certificates } }));
    const stream = sharedJsonStream({ pieceBytes: 4096 });
    for (let i = 0; i < bytes.length; i += 1000) stream.write(bytes.subarray(i, i + 1000));
    const read = (stream.end() as { program: { certificates: typeof certificates } }).program
      .certificates;
    expect(read).toEqual(certificates);
    expect(new Set(read.map((c) => c.program)).size).toBe(1);
    // 60 distinct audits: each shared by the certificates that repeat its text.
    expect(new Set(read.map((c) => c.audit)).size).toBe(60);
  });
});
