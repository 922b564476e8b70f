/**
 * A parsed list query checked and typed against its objects' fields, once per request, as
 * mpt-rql-net types a filter by the property it names (BinaryExpressionBuilder.cs,
 * ConstantHelper.cs): property names in any letter case, each value converted to the
 * property's type or refused, an unquoted value that names a property compared with that
 * property. The compiled filter, the indexes and the plain evaluator then compare typed values
 * without parsing a row.
 */
import { parseFieldPath } from './path.js';
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

/**
 * What a list's objects hold at each property (derived from the spec's schemas by the caller:
 * src/schema/fields.ts): `at` one segment down, undefined where the schema has no such property;
 * `name` the schema's spelling of a property named in another letter case.
 */
export interface FieldType {
  kind: string;
  at(segment: string): FieldType | undefined;
  name?(segment: string): string | undefined;
}

interface Resolved {
  path: string[];
  field: FieldType;
}

/** The property at `path`, its segments in the schema's spelling; undefined if there is none. */
function resolve(fields: FieldType, path: readonly string[]): Resolved | undefined {
  let current: FieldType | undefined = fields;
  const spelled: string[] = [];
  for (const segment of path) {
    const name: string = current.name?.(segment) ?? segment;
    current = current.at(name);
    if (!current) return undefined;
    spelled.push(name);
  }
  return { path: spelled, field: current };
}

/**
 * `2026-01-01T00:00:00Z`, `+00:00`, `-0130`, fractional seconds or none, seconds or none, a
 * naive time (UTC), or a date alone (midnight UTC).
 */
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * A date-time in the kit's stored spelling (`toISOString()`: UTC, milliseconds), in which
 * string order is time order; undefined when the text is not an instant. An instant between two
 * milliseconds (Python's `isoformat()` writes microseconds) gets a trailing U+0000: it then sorts
 * after its millisecond and before the next one, and equals no stored value, as the instant does.
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
  if (utcYear < 0 || utcYear > 9999) return undefined;
  return instant.toISOString() + (/[1-9]/.test(fraction.slice(3)) ? '\u0000' : '');
}

/** A calendar date (`2026-01-01`, or a date-time at midnight UTC); undefined otherwise. */
function canonicalDate(text: string): string | undefined {
  const instant = canonicalInstant(text);
  return instant?.endsWith('T00:00:00.000Z') ? instant.slice(0, 10) : undefined;
}

const INTEGER = /^[+-]?\d+$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const BOOLEAN = /^(?:true|false)$/i;

/** The kind a value is converted to: a list's values by its elements' kind. */
function valueKind(field: FieldType): string {
  return field.kind === 'array' ? (field.at('0')?.kind ?? 'any') : field.kind;
}

/** A value as the property's type (mpt-rql-net: ConstantHelper.ChangeType); throws if it is not. */
function convert(value: RqlValue, kind: string, name: string): RqlValue {
  if (value === null) return null;
  const text = isEmptyValue(value) ? '' : typeof value === 'string' ? value : String(value);
  const refuse = (what: string): never => {
    const shown = text === '' ? 'empty()' : `'${snip(text)}'`;
    throw new RqlError(`cannot convert ${shown} to ${what} (the type of '${snip(name)}')`);
  };
  const trimmed = text.trim();
  switch (kind) {
    case 'string':
    case 'any':
      return text;
    case 'date-time':
      return canonicalInstant(trimmed) ?? refuse('a date-time');
    case 'date':
      return canonicalDate(trimmed) ?? refuse('a date');
    case 'integer':
      return INTEGER.test(trimmed) && Number.isSafeInteger(Number(trimmed))
        ? Number(trimmed)
        : refuse('an integer');
    case 'number':
      return NUMBER.test(trimmed) && Number.isFinite(Number(trimmed))
        ? Number(trimmed)
        : refuse('a number');
    case 'boolean':
      return BOOLEAN.test(trimmed) ? trimmed.toLowerCase() === 'true' : refuse('a boolean');
    default:
      // An object (or a list of objects) is compared with null() only: name one of its properties.
      return refuse(`${kind === 'array' ? 'a list' : 'an object'}; compare one of its properties`);
  }
}

const comparable = (a: string, b: string) => a === b || a === 'any' || b === 'any';

const SCALAR = new Set(['string', 'date-time', 'date', 'integer', 'number', 'boolean', 'any']);

function known(fields: FieldType, path: readonly string[]): Resolved {
  const found = resolve(fields, path);
  if (!found) throw new RqlError(`unknown property or query parameter '${snip(path.join('.'))}'`);
  return found;
}

const comparableFields = (a: string, b: string) =>
  SCALAR.has(a) && SCALAR.has(b) && comparable(a, b);

function refNode(
  op: Extract<RqlNode, { ref: string[] }>['op'],
  left: Resolved,
  right: Resolved,
): RqlNode {
  const [a, b] = [valueKind(left.field), valueKind(right.field)];
  if (!comparableFields(a, b)) {
    throw new RqlError(
      `cannot compare '${snip(left.path.join('.'))}' (${a}) with '${snip(right.path.join('.'))}' (${b})`,
    );
  }
  return { op, path: left.path, ref: right.path };
}

function typedNode(node: RqlNode, fields: FieldType): RqlNode {
  switch (node.op) {
    case 'and':
    case 'or':
      return { op: node.op, args: node.args.map((arg) => typedNode(arg, fields)) };
    case 'not':
      return { op: 'not', arg: typedNode(node.arg, fields) };
    case 'any':
    case 'all': {
      const { path, field } = known(fields, node.path);
      const element = field.at('0');
      if (!element) throw new RqlError(`'${snip(path.join('.'))}' is not a list (in ${node.op}())`);
      if (node.op === 'any' && !node.where) return { op: 'any', path };
      return { op: node.op, path, where: typedNode(node.where!, element) };
    }
    default:
      break;
  }
  const left = known(fields, node.path);
  const name = left.path.join('.') || 'self()';
  if ('ref' in node) return refNode(node.op, left, known(fields, node.ref));
  const kind = valueKind(left.field);
  if ('values' in node)
    return { ...node, path: left.path, values: node.values.map((v) => convert(v, kind, name)) };
  if (node.op === 'like' || node.op === 'ilike') {
    if (kind !== 'string' && kind !== 'any')
      throw new RqlError(`${node.op}() needs a string property; '${snip(name)}' is ${kind}`);
    return { op: node.op, path: left.path, value: convert(node.value, kind, name) };
  }
  // An unquoted value that names a property of a comparable type compares the two properties
  // (the library prefers the property path over the constant when the name matches one; where
  // it would then fail to compare, an object with a string, the kit reads the value as text).
  if (node.bare && typeof node.value === 'string' && node.value !== '') {
    const path = parseFieldPath(node.value.trim());
    const right = path.ok ? resolve(fields, path.value) : undefined;
    if (right && comparableFields(kind, valueKind(right.field)))
      return refNode(node.op, left, right);
  }
  return { op: node.op, path: left.path, value: convert(node.value, kind, name) };
}

/**
 * A parsed list query checked against its objects' fields: every property named in the filter
 * or in `order` exists (an unknown one, or an unknown query parameter read as a `name=value`
 * filter, is an error naming it, never a silently empty list) and is spelled as the schema
 * spells it; every value is of its property's type.
 */
export function typedQuery(query: ListQuery, fields: FieldType): Parsed<ListQuery> {
  try {
    const order = [];
    for (const term of query.order) {
      const found = resolve(fields, term.path);
      if (!found) return fail(`order: unknown property '${snip(term.path.join('.'))}'`);
      order.push({ ...term, path: found.path });
    }
    const filter = query.filter && typedNode(query.filter, fields);
    return ok({ ...query, order, filter });
  } catch (e) {
    return failFromThrown(e);
  }
}
