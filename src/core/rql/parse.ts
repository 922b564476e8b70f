/** `parseListQuery`: the whole raw query string of a list endpoint. */
import { percentDecode } from './decode.js';
import { parseFilter } from './expr.js';
import { parseOrder } from './order.js';
import { parseSelectTerms } from './select.js';
import {
  fail,
  failFromThrown,
  MAX_QUERY_LENGTH,
  ok,
  snip,
  type ListQuery,
  type Parsed,
} from './types.js';

export interface ListQueryOptions {
  /** Limit when none is given (default 10). */
  defaultLimit?: number;
  /** Larger limits are silently capped to this (default 100). */
  maxLimit?: number;
  /** Further parameter names the caller handles itself; this module skips them. */
  reserved?: string[];
}

const BUILT_IN = new Set(['limit', 'offset', 'order', 'select']);

function nonNegativeInteger(name: string, text: string): Parsed<number> {
  if (!/^\d+$/.test(text))
    return fail(`${name} must be a non-negative integer, got '${snip(text, 20)}'`);
  return ok(Number(text));
}

/**
 * Parses the raw (not decoded) query string of a list request, e.g.
 * `select=-*,id,name&ne(status,%22Deleted%22)&order=name&limit=50`. A leading `?` is ignored.
 * Never throws.
 */
export function parseListQuery(rawQuery: string, opts: ListQueryOptions = {}): Parsed<ListQuery> {
  try {
    return parseListQueryUnsafe(rawQuery, opts);
  } catch (e) {
    return failFromThrown(e);
  }
}

function parseListQueryUnsafe(rawQuery: string, opts: ListQueryOptions): Parsed<ListQuery> {
  if (typeof rawQuery !== 'string') return fail('query must be a string');
  if (rawQuery.length > MAX_QUERY_LENGTH) {
    return fail(`query too long (${rawQuery.length} characters, at most ${MAX_QUERY_LENGTH})`);
  }
  const query = rawQuery.startsWith('?') ? rawQuery.slice(1) : rawQuery;
  const maxLimit = Math.max(0, opts.maxLimit ?? 100);
  const defaultLimit = Math.min(Math.max(0, opts.defaultLimit ?? 10), maxLimit);
  const callerReserved = new Set(opts.reserved ?? []);

  const result: ListQuery = {
    filter: undefined,
    order: [],
    select: undefined,
    limit: defaultLimit,
    offset: 0,
  };
  // The filter's parts, decoded; parsed together, a raw '&' joining them with AND.
  const filters: string[] = [];
  const seen = new Set<string>();

  const reservedParam = (name: string, value: string): Parsed<true> => {
    if (seen.has(name)) return fail(`${name} given more than once`);
    seen.add(name);
    switch (name) {
      case 'limit': {
        const n = nonNegativeInteger('limit', value);
        if (!n.ok) return n;
        result.limit = Math.min(n.value, maxLimit);
        return ok(true);
      }
      case 'offset': {
        const n = nonNegativeInteger('offset', value);
        if (!n.ok) return n;
        if (!Number.isSafeInteger(n.value)) return fail('offset is too large');
        result.offset = n.value;
        return ok(true);
      }
      case 'order': {
        const o = parseOrder(value);
        if (!o.ok) return fail(`order: ${o.error}`);
        result.order = o.value;
        return ok(true);
      }
      default: {
        const s = parseSelectTerms(value);
        if (!s.ok) return fail(`select: ${s.error}`);
        result.select = s.value;
        return ok(true);
      }
    }
  };

  for (const part of query.split('&')) {
    if (part === '') continue;
    const eqAt = part.indexOf('=');
    const rawKey = eqAt === -1 ? part : part.slice(0, eqAt);
    // `key=value` unless the text before the first '=' is (the start of) an expression.
    const decodedKey = percentDecode(rawKey, eqAt !== -1);
    if (!decodedKey.ok) return decodedKey;
    const key = decodedKey.value;
    const isPair = eqAt !== -1 && !key.includes('(');

    if (isPair) {
      const rawValue = part.slice(eqAt + 1);
      if (BUILT_IN.has(key)) {
        const value = percentDecode(rawValue, false);
        if (!value.ok) return fail(`${key}: ${value.error}`);
        const r = reservedParam(key, value.value);
        if (!r.ok) return r;
        continue;
      }
      if (callerReserved.has(key)) continue;
      // `name=value`, the form a query parameter takes: `+` is a space.
      const decodedPair = percentDecode(part, true);
      if (!decodedPair.ok) return decodedPair;
      filters.push(decodedPair.value);
      continue;
    }

    // No '=' (or an '=' inside an expression): an RQL expression, `+` is literal. A bare
    // expression that a client or proxy serialized as a key with an empty value
    // (`eq%28status%2CActive%29=`, as URLSearchParams and Prism's proxy write it) is the
    // expression itself.
    const serializedAsKey = eqAt === part.length - 1 && key.includes('(');
    const decoded =
      eqAt === -1 ? decodedKey : percentDecode(serializedAsKey ? rawKey : part, false);
    if (!decoded.ok) return decoded;
    const text = decoded.value;
    if (BUILT_IN.has(text)) {
      const r = reservedParam(text, '');
      if (!r.ok) return r;
      continue;
    }
    if (callerReserved.has(text)) continue;
    if (text.trim() === '') continue;
    if (text.trim() === 'render()') {
      result.render = true;
      continue;
    }
    filters.push(text);
  }

  const filter = parseFilter(filters);
  if (!filter.ok) return filter;
  result.filter = filter.value;
  return ok(result);
}
