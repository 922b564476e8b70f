import { getPath, parseFieldPath } from './path.js';
import { fail, ok, snip, type OrderTerm, type Parsed } from './types.js';

/**
 * Parses the (decoded) value of `order=`: `-audit.created.at,+name,status`. An empty value, or
 * an empty term (`a,,b`), is skipped, as SoftwareOne's RQL library skips it
 * (mpt-rql-net src/Mpt.Rql/Services/Ordering/OrderingService.cs, Parsers/Linear/Services/RqlParser.cs).
 */
export function parseOrder(text: string): Parsed<OrderTerm[]> {
  const terms: OrderTerm[] = [];
  for (const raw of text.split(',')) {
    const term = raw.trim();
    if (term === '') continue;
    const sign = term[0];
    const direction = sign === '-' ? -1 : 1;
    const name = sign === '-' || sign === '+' ? term.slice(1) : term;
    const path = parseFieldPath(name);
    if (!path.ok) return fail(`bad order term '${snip(term)}': ${path.error}`);
    terms.push({ path: path.value, direction });
  }
  return ok(terms);
}

/** 0 booleans, 1 numbers, 2 strings, 3 anything else, 4 missing (null, undefined, NaN). */
function rank(v: unknown): number {
  if (v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v))) return 4;
  if (typeof v === 'boolean') return 0;
  if (typeof v === 'number') return 1;
  if (typeof v === 'string') return 2;
  return 3;
}

/** Ascending comparison of two field values; missing values sort last. Locale-free. */
export function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (ra === 0 || ra === 1 || ra === 2) {
    const x = a as number | string | boolean;
    const y = b as number | string | boolean;
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return 0;
}

/**
 * Comparator for `Array.prototype.sort`. A descending term reverses the whole comparison,
 * so missing values come first there. No tie-break is added.
 */
export function compareByOrder(order: OrderTerm[]): (a: unknown, b: unknown) => number {
  const terms = order.map((t) => ({ path: [...t.path], direction: t.direction }));
  return (a, b) => {
    for (const t of terms) {
      const c = compareValues(getPath(a, t.path), getPath(b, t.path));
      if (c !== 0) return t.direction === -1 ? -c : c;
    }
    return 0;
  };
}
