import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encodeSlices } from '../../mocks/server/snapshot.js';

const roundTrip = (value: unknown, sliceBytes?: number) =>
  decode(JSON.parse([...encodeSlices(value, sliceBytes)].join('')));

describe('the snapshot encoding', () => {
  it('reads back as the value written, at any depth and any slice size (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.jsonValue({ maxDepth: 8 }),
        fc.integer({ min: 1, max: 4096 }),
        (value, size) => {
          // Member names the encoding escapes, at every depth.
          const value2 = JSON.parse(JSON.stringify(value).replaceAll('"a', '"\\u0000a')) as unknown;
          expect(roundTrip(value2, size)).toEqual(value2);
        },
      ),
    );
  });

  it('an object met twice is written once and read back as one object, above and below the depth written whole', () => {
    const by = { id: 'USR-1' };
    const program = { id: 'PRG-1', vendor: { id: 'ACC-1' } };
    const certificates = Array.from({ length: 3 }, (_, n) => ({
      id: `CER-${n}`,
      program,
      audit: { created: { by }, updated: { by } },
    }));
    const snapshot = { format: 1, state: { program: { programs: [program], certificates } } };
    const text = [...encodeSlices(snapshot)].join('');
    expect(text.split('"PRG-1"')).toHaveLength(2);
    expect(text.split('"USR-1"')).toHaveLength(2);
    const back = decode(JSON.parse(text)) as typeof snapshot;
    expect(back).toEqual(snapshot);
    const [one, two] = back.state.program.certificates;
    expect(one!.program).toBe(back.state.program.programs[0]);
    expect(one!.program).toBe(two!.program);
    expect(one!.audit.created.by).toBe(two!.audit.updated.by);
  });

  it('keeps a member whose name starts with U+0000 below the depth written whole', () => {
    const deep = { a: { b: { c: { d: { '\u0000x': 1, y: { '\u0000': 2 } } } } } };
    expect(roundTrip(deep)).toEqual(deep);
  });
});
