import { getPath } from './path.js';
import { isEmptyValue, type RqlNode, type RqlValue } from './types.js';

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function order3(x: number | string | boolean, y: number | string | boolean): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Compares a scalar field value with a literal, type-aware:
 * number field + numeric literal -> numerically; boolean field + true/false -> as booleans;
 * otherwise as strings (code units). Returns undefined when the two cannot be compared.
 */
function compareScalar(field: unknown, literal: RqlValue): number | undefined {
  if (literal === null || typeof literal === 'object') return undefined; // null(), empty(), lists
  if (typeof field === 'number') {
    if (Number.isNaN(field)) return undefined;
    if (typeof literal === 'number')
      return Number.isNaN(literal) ? undefined : order3(field, literal);
    if (typeof literal === 'string' && NUMERIC.test(literal.trim()))
      return order3(field, Number(literal));
    return order3(String(field), String(literal));
  }
  if (typeof field === 'boolean') {
    if (typeof literal === 'boolean') return order3(field, literal);
    if (literal === 'true' || literal === 'false') return order3(field, literal === 'true');
    return order3(String(field), String(literal));
  }
  if (typeof field === 'string') return order3(field, String(literal));
  if (typeof field === 'bigint') return order3(String(field), String(literal));
  return undefined;
}

function equals(field: unknown, literal: RqlValue): boolean {
  if (literal === null) return field === null || field === undefined;
  if (isEmptyValue(literal)) {
    return (
      field === null ||
      field === undefined ||
      field === '' ||
      (Array.isArray(field) && field.length === 0)
    );
  }
  if (Array.isArray(field)) return field.some((el) => equals(el, literal));
  return compareScalar(field, literal) === 0;
}

/** gt/ge/lt/le: false on missing fields, null(), empty(); on arrays true when some element satisfies it. */
function ordered(field: unknown, literal: RqlValue, test: (c: number) => boolean): boolean {
  if (Array.isArray(field)) return field.some((el) => ordered(el, literal, test));
  const c = compareScalar(field, literal);
  return c !== undefined && test(c);
}

/** Anchored wildcard match (`*` = any run of characters); linear-ish, no regular expressions. */
function wildcardMatch(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    if (p < pattern.length && pattern[p] === '*') {
      starP = p++;
      starT = t;
    } else if (p < pattern.length && pattern[p] === text[t]) {
      p++;
      t++;
    } else if (starP !== -1) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

function like(field: unknown, literal: RqlValue, caseInsensitive: boolean): boolean {
  if (Array.isArray(field)) return field.some((el) => like(el, literal, caseInsensitive));
  if (typeof literal !== 'string' && typeof literal !== 'number' && typeof literal !== 'boolean')
    return false;
  if (typeof field !== 'string' && typeof field !== 'number' && typeof field !== 'boolean')
    return false;
  const text = String(field);
  const pattern = String(literal);
  return caseInsensitive
    ? wildcardMatch(text.toLowerCase(), pattern.toLowerCase())
    : wildcardMatch(text, pattern);
}

/** Evaluates a filter against one object. Never throws for well-typed nodes. */
export function matches(node: RqlNode, obj: unknown): boolean {
  switch (node.op) {
    case 'and':
      return node.args.every((n) => matches(n, obj));
    case 'or':
      return node.args.some((n) => matches(n, obj));
    case 'not':
      return !matches(node.arg, obj);
    case 'eq':
      return equals(getPath(obj, node.path), node.value);
    case 'ne':
      return !equals(getPath(obj, node.path), node.value);
    case 'gt':
      return ordered(getPath(obj, node.path), node.value, (c) => c > 0);
    case 'ge':
      return ordered(getPath(obj, node.path), node.value, (c) => c >= 0);
    case 'lt':
      return ordered(getPath(obj, node.path), node.value, (c) => c < 0);
    case 'le':
      return ordered(getPath(obj, node.path), node.value, (c) => c <= 0);
    case 'like':
      return like(getPath(obj, node.path), node.value, false);
    case 'ilike':
      return like(getPath(obj, node.path), node.value, true);
    case 'in': {
      const field = getPath(obj, node.path);
      return node.values.some((v) => equals(field, v));
    }
    case 'out': {
      const field = getPath(obj, node.path);
      return !node.values.some((v) => equals(field, v));
    }
    case 'any': {
      const field = getPath(obj, node.path);
      return Array.isArray(field) && field.some((el) => matches(node.where, el));
    }
    case 'all': {
      // Every element matches; an empty collection holds vacuously, a missing one does not.
      const field = getPath(obj, node.path);
      return Array.isArray(field) && field.every((el) => matches(node.where, el));
    }
    default:
      return false;
  }
}
