import { Refusal } from '../problem.js';
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
    const word = typeof literal === 'string' ? literal.trim().toLowerCase() : '';
    if (word === 'true' || word === 'false') return order3(field, word === 'true');
    return order3(String(field), String(literal));
  }
  if (typeof field === 'string') return order3(field, String(literal));
  if (typeof field === 'bigint') return order3(String(field), String(literal));
  return undefined;
}

export function equals(field: unknown, literal: RqlValue): boolean {
  if (literal === null) return field === null || field === undefined;
  // empty() is the empty string only (mpt-rql-net: RqlEmpty -> string.Empty).
  if (isEmptyValue(literal)) return equals(field, '');
  if (Array.isArray(field)) return field.some((el) => equals(el, literal));
  return compareScalar(field, literal) === 0;
}

/**
 * `ne`: with a value, a missing or null field is left out, as the library's Safe navigation
 * does (`field != null && field != value`); `ne(field,null())` is every field that is set.
 */
export function notEquals(field: unknown, literal: RqlValue): boolean {
  if (literal !== null && (field === null || field === undefined)) return false;
  return !equals(field, literal);
}

/** Two fields of one object compared (`eq(price,sellPrice)`); undefined when they cannot be. */
export function compareFields(a: unknown, b: unknown): number | undefined {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull && bNull ? 0 : undefined;
  if (typeof a !== typeof b || typeof a === 'object') return undefined;
  if (typeof a === 'number' && (Number.isNaN(a) || Number.isNaN(b))) return undefined;
  return order3(a as string, b as string);
}

/**
 * Property to property, as the library's lifted operators: null equals null, a null is unequal
 * to any value and never greater or smaller.
 */
export function refHolds(op: string, a: unknown, b: unknown): boolean {
  const c = compareFields(a, b);
  if (op === 'eq') return c === 0;
  if (op === 'ne') return c !== 0;
  if (c === undefined || a === null || a === undefined) return false;
  return op === 'gt' ? c > 0 : op === 'ge' ? c >= 0 : op === 'lt' ? c < 0 : c <= 0;
}

/** gt/ge/lt/le: false on missing fields, null(), empty(); on arrays true when some element satisfies it. */
export function ordered(field: unknown, literal: RqlValue, test: (c: number) => boolean): boolean {
  if (Array.isArray(field)) return field.some((el) => ordered(el, literal, test));
  const c = compareScalar(field, literal);
  return c !== undefined && test(c);
}

/**
 * What one request may spend evaluating its filter, counted in characters scanned by like/ilike
 * plus one per node visited. Past it the list answers 400 (InvalidQuery) instead of holding the
 * event loop; 64 million is some tens of milliseconds of scanning.
 */
export const MAX_EVALUATION_COST = 64_000_000;

/** Thrown when a filter spends more than its budget; the API answers it as InvalidQuery. */
export class RqlBudgetError extends Refusal<'InvalidQuery'> {
  constructor() {
    super(
      'InvalidQuery',
      `The filter needs more than ${MAX_EVALUATION_COST} steps to evaluate; narrow it (a shorter pattern, fewer wildcards over long values, another filter first).`,
    );
  }
}

export interface Budget {
  left: number;
}

/** The budget of one filter: each request parses its own, so one budget per root node. */
const budgets = new WeakMap<RqlNode, Budget>();

export function spend(budget: Budget, cost: number): void {
  budget.left -= cost;
  if (budget.left < 0) throw new RqlBudgetError();
}

/**
 * How mpt-rql-net reads a like/ilike pattern (Search/Implementation/Like.cs): only a leading
 * and a trailing `*` are wildcards; `\*` at the very start or end is a literal star; every other
 * character, a `*` or `\` in the middle included, stands for itself.
 */
export interface LikePattern {
  mode: 'equals' | 'startsWith' | 'endsWith' | 'contains';
  literal: string;
}

export function likePattern(pattern: string): LikePattern {
  const leading = pattern.startsWith('*');
  const leadingEscaped = pattern.startsWith('\\*');
  const trailingEscaped = pattern.endsWith('\\*');
  const trailing = !trailingEscaped && pattern.endsWith('*');
  const start = leading || leadingEscaped ? 1 : 0;
  let end = pattern.length;
  if (trailingEscaped) end = Math.max(start, end - 2);
  else if (trailing) end = Math.max(start, end - 1);
  const literal = pattern.slice(start, end) + (trailingEscaped ? '*' : '');
  const mode =
    leading && trailing ? 'contains' : leading ? 'endsWith' : trailing ? 'startsWith' : 'equals';
  return { mode, literal };
}

/** Whether `text` matches a like pattern (linear: one indexOf at most). */
export function wildcardMatch(text: string, pattern: string | LikePattern): boolean {
  const { mode, literal } = typeof pattern === 'string' ? likePattern(pattern) : pattern;
  switch (mode) {
    case 'equals':
      return text === literal;
    case 'startsWith':
      return text.startsWith(literal);
    case 'endsWith':
      return text.endsWith(literal);
    case 'contains':
      return text.includes(literal);
  }
}

export function like(
  field: unknown,
  literal: RqlValue,
  caseInsensitive: boolean,
  budget: Budget,
): boolean {
  if (Array.isArray(field)) return field.some((el) => like(el, literal, caseInsensitive, budget));
  if (typeof literal !== 'string' && typeof literal !== 'number' && typeof literal !== 'boolean')
    return false;
  if (typeof field !== 'string' && typeof field !== 'number' && typeof field !== 'boolean')
    return false;
  const text = String(field);
  const pattern = String(literal);
  spend(budget, text.length + pattern.length);
  return caseInsensitive
    ? wildcardMatch(text.toLowerCase(), pattern.toLowerCase())
    : wildcardMatch(text, pattern);
}

/**
 * Evaluates a filter against one object. Throws RqlBudgetError (a Refusal, answered 400) once
 * the filter has spent MAX_EVALUATION_COST over all the objects of one request.
 */
export function matches(node: RqlNode, obj: unknown): boolean {
  let budget = budgets.get(node);
  if (!budget) {
    budget = { left: MAX_EVALUATION_COST };
    budgets.set(node, budget);
  }
  return evaluate(node, obj, budget);
}

function evaluate(node: RqlNode, obj: unknown, budget: Budget): boolean {
  spend(budget, 1);
  if ('ref' in node) return refHolds(node.op, getPath(obj, node.path), getPath(obj, node.ref));
  switch (node.op) {
    case 'and':
      return node.args.every((n) => evaluate(n, obj, budget));
    case 'or':
      return node.args.some((n) => evaluate(n, obj, budget));
    case 'not':
      return !evaluate(node.arg, obj, budget);
    case 'eq':
      return equals(getPath(obj, node.path), node.value);
    case 'ne':
      return notEquals(getPath(obj, node.path), node.value);
    case 'gt':
      return ordered(getPath(obj, node.path), node.value, (c) => c > 0);
    case 'ge':
      return ordered(getPath(obj, node.path), node.value, (c) => c >= 0);
    case 'lt':
      return ordered(getPath(obj, node.path), node.value, (c) => c < 0);
    case 'le':
      return ordered(getPath(obj, node.path), node.value, (c) => c <= 0);
    case 'like':
      return like(getPath(obj, node.path), node.value, false, budget);
    case 'ilike':
      return like(getPath(obj, node.path), node.value, true, budget);
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
      if (!node.where) return Array.isArray(field) && field.length > 0;
      const where = node.where;
      return Array.isArray(field) && field.some((el) => evaluate(where, el, budget));
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
