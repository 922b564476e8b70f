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
    if (literal === 'true' || literal === 'false') return order3(field, literal === 'true');
    return order3(String(field), String(literal));
  }
  if (typeof field === 'string') return order3(field, String(literal));
  if (typeof field === 'bigint') return order3(String(field), String(literal));
  return undefined;
}

export function equals(field: unknown, literal: RqlValue): boolean {
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

/** A pattern split on its wildcards: every `*` but an escaped `\*`, which stands for a star. */
function piecesOf(pattern: string): string[] {
  if (!pattern.includes('\\')) return pattern.split('*');
  const pieces: string[] = [];
  let piece = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\' && pattern[i + 1] === '*') {
      piece += '*';
      i++;
    } else if (ch === '*') {
      pieces.push(piece);
      piece = '';
    } else piece += ch;
  }
  pieces.push(piece);
  return pieces;
}

/**
 * Anchored wildcard match (`*` = any run of characters) in linear time: the pattern is split on
 * `*`, the first piece must start the text, the last must end it, and each piece in between is
 * found after the previous one with `indexOf` (the leftmost match is always the best choice), so
 * nothing is ever tried twice.
 */
export function wildcardMatch(text: string, pattern: string): boolean {
  const pieces = piecesOf(pattern);
  if (pieces.length === 1) return text === pieces[0];
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (first.length + last.length > text.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;
  let from = first.length;
  const until = text.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    if (piece.length === 0) continue;
    const at = text.indexOf(piece, from);
    if (at === -1 || at + piece.length > until) return false;
    from = at + piece.length;
  }
  return true;
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
      return Array.isArray(field) && field.some((el) => evaluate(node.where, el, budget));
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
