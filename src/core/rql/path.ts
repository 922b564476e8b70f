import { fail, ok, snip, type Parsed } from './types.js';

/** One segment of a field path: identifier-like (camelCase names, ids, `$meta`, `x-foo`, ...). */
const SEGMENT = /^[A-Za-z0-9_$@][A-Za-z0-9_$@:-]*$/;

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Splits a dotted field name (`audit.created.at`) into segments, rejecting empty or odd ones. */
export function parseFieldPath(text: string): Parsed<string[]> {
  if (text === '') return fail('empty field name');
  const segments = text.split('.');
  for (const s of segments) {
    if (s === '') return fail(`empty field name in path '${snip(text)}'`);
    if (!SEGMENT.test(s)) return fail(`invalid field name '${snip(text)}'`);
  }
  return ok(segments);
}

/**
 * Reads a dotted path through plain objects (own properties only, so `constructor` or
 * `__proto__` never reach the prototype). A digits-only segment indexes into an array.
 * Anything missing gives `undefined`.
 */
export function getPath(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) {
      if (!/^\d+$/.test(seg)) return undefined;
      cur = cur[Number(seg)];
      continue;
    }
    if (!hasOwn(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
