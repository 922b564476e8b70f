/**
 * A filter compiled once per request into plain closures: field paths resolved once, equality
 * with a string field as `===`. Gives exactly what `matches` gives (the same semantics, the
 * same evaluation budget, spent in the same order); evaluate.ts stays the reference.
 */
import {
  equals,
  like,
  matches,
  ordered,
  spend,
  MAX_EVALUATION_COST,
  type Budget,
} from './evaluate.js';
import {
  fail,
  failFromThrown,
  isEmptyValue,
  ok,
  RqlError,
  snip,
  type ListQuery,
  type Parsed,
  type RqlNode,
  type RqlValue,
} from './types.js';

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

function build(node: RqlNode, budget: Budget): Predicate {
  const step = () => spend(budget, 1);
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
      const test = equalTo(node.value);
      const negate = node.op === 'ne';
      return (item) => {
        step();
        return test(read(item)) !== negate;
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

/**
 * What a list's objects hold at each property (derived from the spec's schemas by the caller:
 * src/schema/fields.ts): `at` one segment down, undefined where the schema has no such property.
 */
export interface FieldType {
  kind: string;
  at(segment: string): FieldType | undefined;
}

const fieldAt = (fields: FieldType, path: readonly string[]): FieldType | undefined => {
  let current: FieldType | undefined = fields;
  for (const segment of path) current = current?.at(segment);
  return current;
};

/**
 * `2026-01-01T00:00:00Z`, `+00:00`, `-0130`, fractional seconds or none, seconds or none, a
 * naive time (UTC), or a date alone (midnight UTC).
 */
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * A date-time in the kit's stored spelling (`toISOString()`: UTC, milliseconds), in which
 * string order is time order; undefined when the text is not an instant.
 */
export function canonicalInstant(text: string): string | undefined {
  const m = INSTANT.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', z, sign, oh, om] = m;
  const parts = [y, mo, d, h, mi, s].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (m[4] === undefined && (z !== undefined || sign !== undefined)) return undefined;
  const [year, month, day, hour, minute, second] = parts;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (Number(oh ?? 0) > 23 || Number(om ?? 0) > 59) return undefined;
  const local = Date.UTC(
    year,
    month - 1,
    day,
    hour,
    minute,
    second,
    Number(fraction.padEnd(3, '0').slice(0, 3)),
  );
  const check = new Date(local);
  if (check.getUTCFullYear() !== year || check.getUTCDate() !== day) return undefined;
  const offset =
    sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)) * 60_000;
  const instant = new Date(local - offset);
  const utcYear = instant.getUTCFullYear();
  return utcYear < 0 || utcYear > 9999 ? undefined : instant.toISOString();
}

const COMPARED = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'in', 'out']);

/** A value compared to a date-time property, as the stored spelling (null() and empty() as they are). */
function asInstant(value: RqlValue, name: string): RqlValue {
  if (value === null || isEmptyValue(value)) return value;
  const instant = typeof value === 'string' ? canonicalInstant(value) : undefined;
  if (instant === undefined)
    throw new RqlError(`'${snip(String(value))}' is not a date-time (compared to ${name})`);
  return instant;
}

function typedNode(node: RqlNode, fields: FieldType): RqlNode {
  switch (node.op) {
    case 'and':
    case 'or':
      return { op: node.op, args: node.args.map((arg) => typedNode(arg, fields)) };
    case 'not':
      return { op: 'not', arg: typedNode(node.arg, fields) };
    default: {
      const name = node.path.join('.');
      const field = fieldAt(fields, node.path);
      if (!field) throw new RqlError(`unknown property or query parameter '${snip(name)}'`);
      if ('where' in node) {
        const element = field.at('0');
        if (!element) throw new RqlError(`'${snip(name)}' is not a list (in ${node.op}())`);
        return { ...node, where: typedNode(node.where, element) };
      }
      if (field.kind !== 'date-time' || !COMPARED.has(node.op)) return node;
      if ('values' in node)
        return { ...node, values: node.values.map((value) => asInstant(value, name)) };
      return { ...node, value: asInstant(node.value, name) };
    }
  }
}

/**
 * A parsed list query checked against its objects' fields, once per request: every property
 * named in the filter or in `order` exists (an unknown one, or an unknown query parameter read
 * as a `name=value` filter, is an error naming it, never a silently empty list), and every value
 * compared to a date-time property is converted to the stored spelling, so that the compiled
 * filter, the indexes and the plain evaluator compare instants without parsing a row.
 */
export function typedQuery(query: ListQuery, fields: FieldType): Parsed<ListQuery> {
  try {
    for (const term of query.order) {
      if (!fieldAt(fields, term.path))
        return fail(`order: unknown property '${snip(term.path.join('.'))}'`);
    }
    return ok(query.filter ? { ...query, filter: typedNode(query.filter, fields) } : query);
  } catch (e) {
    return failFromThrown(e);
  }
}
