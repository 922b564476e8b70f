/**
 * A filter compiled once per request into plain closures: field paths resolved once, equality
 * with a string field as `===`. Gives exactly what `matches` gives (the same semantics, the
 * same evaluation budget, spent in the same order); evaluate.ts stays the reference.
 */
import {
  equals,
  like,
  matches,
  notEquals,
  ordered,
  refHolds,
  spend,
  MAX_EVALUATION_COST,
  type Budget,
} from './evaluate.js';
import type { RqlNode, RqlValue } from './types.js';

export type Predicate = (item: unknown) => boolean;
type Read = (item: unknown) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

/** `getPath(item, path)` with the path's segments read once (same rules: own properties). */
export function compilePath(path: readonly string[]): Read {
  const segments = path.map((segment) => ({
    key: segment,
    index: /^\d+$/.test(segment) ? Number(segment) : -1,
  }));
  if (segments.length === 1) {
    const { key, index } = segments[0]!;
    return (item) => {
      if (item === null || typeof item !== 'object') return undefined;
      if (Array.isArray(item)) return index === -1 ? undefined : (item as unknown[])[index];
      return hasOwn.call(item, key) ? (item as Record<string, unknown>)[key] : undefined;
    };
  }
  return (item) => {
    let current = item;
    for (const { key, index } of segments) {
      if (current === null || typeof current !== 'object') return undefined;
      if (Array.isArray(current)) {
        if (index === -1) return undefined;
        current = (current as unknown[])[index];
        continue;
      }
      if (!hasOwn.call(current, key)) return undefined;
      current = (current as Record<string, unknown>)[key];
    }
    return current;
  };
}

/** `equals(field, literal)` with the literal's text computed once. */
function equalTo(literal: RqlValue): (field: unknown) => boolean {
  if (typeof literal === 'string' || typeof literal === 'number' || typeof literal === 'boolean') {
    // A string field equals a scalar literal exactly when it is the literal's text.
    const text = String(literal);
    return (field) => (typeof field === 'string' ? field === text : equals(field, literal));
  }
  return (field) => equals(field, literal);
}

/** `notEquals(field, literal)`, the same way. */
function notEqualTo(literal: RqlValue): (field: unknown) => boolean {
  if (typeof literal === 'string' || typeof literal === 'number' || typeof literal === 'boolean') {
    const text = String(literal);
    return (field) => (typeof field === 'string' ? field !== text : notEquals(field, literal));
  }
  return (field) => notEquals(field, literal);
}

function build(node: RqlNode, budget: Budget): Predicate {
  const step = () => spend(budget, 1);
  if ('ref' in node) {
    const read = compilePath(node.path);
    const other = compilePath(node.ref);
    const { op } = node;
    return (item) => {
      step();
      return refHolds(op, read(item), other(item));
    };
  }
  switch (node.op) {
    case 'and': {
      const parts = node.args.map((arg) => build(arg, budget));
      return (item) => {
        step();
        for (const part of parts) if (!part(item)) return false;
        return true;
      };
    }
    case 'or': {
      const parts = node.args.map((arg) => build(arg, budget));
      return (item) => {
        step();
        for (const part of parts) if (part(item)) return true;
        return false;
      };
    }
    case 'not': {
      const inner = build(node.arg, budget);
      return (item) => {
        step();
        return !inner(item);
      };
    }
    case 'eq':
    case 'ne': {
      const read = compilePath(node.path);
      const test = node.op === 'ne' ? notEqualTo(node.value) : equalTo(node.value);
      return (item) => {
        step();
        return test(read(item));
      };
    }
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le': {
      const read = compilePath(node.path);
      const literal = node.value;
      const test = {
        gt: (c: number) => c > 0,
        ge: (c: number) => c >= 0,
        lt: (c: number) => c < 0,
        le: (c: number) => c <= 0,
      }[node.op];
      return (item) => {
        step();
        return ordered(read(item), literal, test);
      };
    }
    case 'like':
    case 'ilike': {
      const read = compilePath(node.path);
      const literal = node.value;
      const caseInsensitive = node.op === 'ilike';
      return (item) => {
        step();
        return like(read(item), literal, caseInsensitive, budget);
      };
    }
    case 'in':
    case 'out': {
      const read = compilePath(node.path);
      const tests = node.values.map(equalTo);
      const negate = node.op === 'out';
      return (item) => {
        step();
        const field = read(item);
        return tests.some((test) => test(field)) !== negate;
      };
    }
    case 'any': {
      const read = compilePath(node.path);
      if (!node.where) {
        return (item) => {
          step();
          const field = read(item);
          return Array.isArray(field) && field.length > 0;
        };
      }
      const where = build(node.where, budget);
      return (item) => {
        step();
        const field = read(item);
        return Array.isArray(field) && field.some((element) => where(element));
      };
    }
    case 'all': {
      // As the reference does: `all` evaluates its condition with that condition's own budget.
      const read = compilePath(node.path);
      const where = node.where;
      return (item) => {
        step();
        const field = read(item);
        return Array.isArray(field) && field.every((element) => matches(where, element));
      };
    }
    default:
      return () => {
        step();
        return false;
      };
  }
}

/** The filter as one predicate over stored objects; its budget is the request's. */
export function compileFilter(filter: RqlNode): Predicate {
  return build(filter, { left: MAX_EVALUATION_COST });
}

/** A field that must equal one of some texts for an object to match (what an index serves). */
export interface EqualityTerm {
  path: readonly string[];
  values: string[];
}

const scalarText = (value: RqlValue): string | undefined =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : undefined;

/**
 * The `eq` and `in` terms every match must satisfy (the filter's top-level conjuncts) whose
 * literals are scalars: an object whose field is a string matches only if the field is one of
 * the terms' texts.
 */
export function equalityTerms(filter: RqlNode | undefined): EqualityTerm[] {
  if (!filter) return [];
  if (filter.op === 'and') return filter.args.flatMap(equalityTerms);
  if ('ref' in filter) return [];
  if (filter.op === 'eq') {
    const text = scalarText(filter.value);
    return text === undefined ? [] : [{ path: filter.path, values: [text] }];
  }
  if (filter.op === 'in') {
    const texts = filter.values.map(scalarText);
    return texts.some((text) => text === undefined) || texts.length === 0
      ? []
      : [{ path: filter.path, values: texts as string[] }];
  }
  return [];
}
