/**
 * A typed RQL builder (decision 0057): `rql<Certificate>()` knows the dotted paths of the item
 * type and the values each one holds, so a wrong field, a status the enumeration does not have or
 * a number for a string does not compile. It writes the strings the Program API reads (and the
 * kit's parser, src/core/rql, accepts), as mpt-rql-net reads them: string values quoted (RQL
 * quotes have no escape character, so a text with both `"` and `'` cannot be written and throws
 * a RangeError), `Date`s as the path's format asks (a date as `2027-06-30`, a date-time as
 * `toISOString()`), `null()` and `empty()` (the empty string).
 */
import { dateFields } from '../generated/program-api.dates.js';

type Scalar = string | number | boolean;
type Primitive = Scalar | bigint | symbol | null | undefined;
/** Depth budget of the path types: a reference inside a reference inside ... stops here. */
type Depth = [never, 0, 1, 2, 3, 4, 5];

/**
 * The dotted paths into `T`: every property, and the properties of the objects below it. An
 * array ends a path (`parameters.ordering`); `any()` and `all()` reach into its items. A record
 * (`audit`, keyed by event name) takes any member name: `audit.created.at`.
 */
export type FieldPath<T, D extends number = 5> = [D] extends [never]
  ? never
  : T extends Primitive | readonly unknown[]
    ? never
    : {
        [K in keyof T & string]-?:
          | K
          | (NonNullable<T[K]> extends readonly unknown[]
              ? never
              : `${K}.${FieldPath<NonNullable<T[K]>, Depth[D]>}`);
      }[keyof T & string];

/** The type at a dotted path of `T`. */
export type FieldAt<T, P extends string> = P extends `${infer K}.${infer Rest}`
  ? FieldAt<MemberOf<NonNullable<T>, K>, Rest>
  : MemberOf<NonNullable<T>, P>;
type MemberOf<T, K extends string> = K extends keyof T
  ? T[K]
  : string extends keyof T
    ? T[string & keyof T]
    : never;

/** The paths of `T` that hold an array of objects: what `any()` and `all()` take. */
export type ListPath<T> = {
  [P in FieldPath<T>]: NonNullable<FieldAt<T, P>> extends readonly (infer E)[]
    ? NonNullable<E> extends Primitive
      ? never
      : P
    : never;
}[FieldPath<T>];
/** The items of the array at `P`. */
export type ItemAt<T, P extends string> =
  NonNullable<FieldAt<T, P>> extends readonly (infer E)[] ? NonNullable<E> : never;

/** `audit.*.at` -> `audit.${string}.at`. */
type Pattern<S extends string> = S extends `${infer A}*${infer B}`
  ? `${A}${string}${Pattern<B>}`
  : S;
/** The paths (from the root of any Program API schema) of a date or a date-time. */
export type DatePath = Pattern<keyof typeof dateFields>;

type Leaf<V> = NonNullable<V> extends readonly (infer E)[] ? NonNullable<E> : NonNullable<V>;
type Comparable<V> = unknown extends V ? Scalar : V extends Scalar ? V : never;
/**
 * What a path may be compared to: its own values (an enumeration's members, numbers for a
 * number), an array's items for an array of scalars, and a `Date` where the spec says date or
 * date-time. `Prefix` is the path of the array an `any()`/`all()` condition is on.
 */
export type ValueAt<T, P extends string, Prefix extends string = ''> =
  Comparable<Leaf<FieldAt<T, P>>> | (`${Prefix}${P}` extends DatePath ? Date : never);
type OrderedValue<V> = Exclude<V, boolean>;
/**
 * The paths of `T` that hold text (a string, one of an enumeration, or a list of them), without
 * those the spec says are a date or a date-time: what `like`, `ilike` and `isEmpty` take (the
 * API refuses them, 400, on any other property).
 */
export type TextPath<T, Prefix extends string = ''> = {
  [P in FieldPath<T>]: `${Prefix}${P}` extends DatePath
    ? never
    : IsText<Comparable<Leaf<FieldAt<T, P>>>, P>;
}[FieldPath<T>];
/** `P` when `V` is text: a string, its literals, or unknown (any scalar); never for an object. */
type IsText<V, P> = [V] extends [never]
  ? never
  : [V] extends [string]
    ? P
    : string extends V
      ? P
      : never;

/** `empty()`: the empty string (null and absent are `null()`; RQL has no empty list). */
export interface RqlEmpty {
  readonly kind: 'empty';
}
/** A value as the builder wrote it (a `Date` already turned into its text). */
export type RqlWritten = Scalar | null | RqlEmpty;
/** The builder's own tree: what a filter says, its paths dotted, its values as written. */
export type RqlTree =
  | { readonly op: 'and' | 'or'; readonly args: readonly RqlTree[] }
  | { readonly op: 'not'; readonly arg: RqlTree }
  | {
      readonly op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'like' | 'ilike';
      readonly path: string;
      readonly value: RqlWritten;
    }
  | { readonly op: 'in' | 'out'; readonly path: string; readonly values: readonly RqlWritten[] }
  | { readonly op: 'any' | 'all'; readonly path: string; readonly where: RqlTree };

declare const filterOf: unique symbol;
/**
 * A filter on objects of type `T`: a tree node, marked (in types only) by the paths of `T`, so
 * that a filter on another type (even one of the same shape of optional members) does not fit.
 */
export type Filter<T> = RqlTree & { readonly [filterOf]?: (paths: FieldPath<T>) => FieldPath<T> };

/** The operators, typed by `T`; `Prefix` is the path of the collection a condition is on. */
export interface Where<T, Prefix extends string = ''> {
  eq<P extends FieldPath<T>>(path: P, value: ValueAt<T, P, Prefix> | null): Filter<T>;
  /** Set and unequal: a null or missing field is left out (`not(eq())` keeps it). */
  ne<P extends FieldPath<T>>(path: P, value: ValueAt<T, P, Prefix> | null): Filter<T>;
  gt<P extends FieldPath<T>>(path: P, value: OrderedValue<ValueAt<T, P, Prefix>>): Filter<T>;
  ge<P extends FieldPath<T>>(path: P, value: OrderedValue<ValueAt<T, P, Prefix>>): Filter<T>;
  lt<P extends FieldPath<T>>(path: P, value: OrderedValue<ValueAt<T, P, Prefix>>): Filter<T>;
  le<P extends FieldPath<T>>(path: P, value: OrderedValue<ValueAt<T, P, Prefix>>): Filter<T>;
  /**
   * The pattern as the API reads it (mpt-rql-net): only a leading and a trailing `*` match any
   * run of characters, and `\*` at the very start or end is a literal star; every other
   * character stands for itself, a `*` or `\` in the middle included. So `*acme*` contains
   * `acme`, `acme*` starts with it, `*acme` ends with it, `acme` equals it, `*a*b*` contains the
   * text `a*b` and `\**` (in TS `'\\**'`) starts with `*`. Written as given, quoted.
   */
  like<P extends TextPath<T, Prefix>>(path: P, pattern: string): Filter<T>;
  /** `like`, ignoring letter case. */
  ilike<P extends TextPath<T, Prefix>>(path: P, pattern: string): Filter<T>;
  /** One of the values (`null` is no value here: RQL refuses `null()` in a list; use `isNull`). */
  in<P extends FieldPath<T>>(path: P, values: readonly ValueAt<T, P, Prefix>[]): Filter<T>;
  /** None of the values; a null or missing field is kept. */
  out<P extends FieldPath<T>>(path: P, values: readonly ValueAt<T, P, Prefix>[]): Filter<T>;
  /** `eq(path,null())`: null or absent. */
  isNull<P extends FieldPath<T>>(path: P): Filter<T>;
  /** `eq(path,empty())`: the empty string (for a list of strings: one of its items is). */
  isEmpty<P extends TextPath<T, Prefix>>(path: P): Filter<T>;
  /** Some item of the collection at `path` matches. */
  any<P extends ListPath<T>>(
    path: P,
    where: (item: Where<ItemAt<T, P>, `${Prefix}${P}.`>) => Filter<ItemAt<T, P>>,
  ): Filter<T>;
  /** Every item of the collection at `path` matches (an empty one does; a missing one does not). */
  all<P extends ListPath<T>>(
    path: P,
    where: (item: Where<ItemAt<T, P>, `${Prefix}${P}.`>) => Filter<ItemAt<T, P>>,
  ): Filter<T>;
  and(first: Filter<T>, ...rest: Filter<T>[]): Filter<T>;
  or(first: Filter<T>, ...rest: Filter<T>[]): Filter<T>;
  not(filter: Filter<T>): Filter<T>;
}

export type SelectTerm<T> = '-*' | FieldPath<T> | `-${FieldPath<T>}` | `+${FieldPath<T>}`;
export type OrderTerm<T> = FieldPath<T> | `-${FieldPath<T>}` | `+${FieldPath<T>}`;

/** What a query holds; every method of `RqlQuery` gives a new one. */
export interface RqlState<T> {
  readonly filter: Filter<T> | undefined;
  readonly select: readonly string[];
  readonly order: readonly string[];
  readonly limit: number | undefined;
  readonly offset: number | undefined;
}

export interface RqlQuery<T> {
  /** What the query holds so far (its filter is the builder's own tree). */
  readonly state: RqlState<T>;
  /** Adds a condition (ANDed with those given before). */
  where(build: (where: Where<T>) => Filter<T>): RqlQuery<T>;
  select(...terms: SelectTerm<T>[]): RqlQuery<T>;
  order(...terms: OrderTerm<T>[]): RqlQuery<T>;
  limit(limit: number): RqlQuery<T>;
  offset(offset: number): RqlQuery<T>;
  /** The query string, without `?`: `and(...)&select=...&order=...&limit=..&offset=..`. */
  toString(): string;
}

const formats: ReadonlyArray<readonly [RegExp, string]> = Object.entries(
  dateFields as Record<string, string>,
).map(([path, format]) => [
  new RegExp(`^${path.replace(/\./g, '\\.').replace(/\*/g, '[^.]+')}$`),
  format,
]);

const formatAt = (path: string) => formats.find(([pattern]) => pattern.test(path))?.[1];

/** A `Date` as the path's format writes it; a date is the UTC day. */
function dateText(date: Date, path: string): string {
  if (Number.isNaN(date.getTime())) throw new RangeError(`an invalid Date for '${path}'`);
  const iso = date.toISOString();
  return formatAt(path) === 'date' ? iso.slice(0, 10) : iso;
}

/** RQL quotes have no escape character: a text can hold one kind of quote, not both. */
function quotable(text: string, path: string): string {
  if (text.includes('"') && text.includes("'"))
    throw new RangeError(
      `RQL cannot write a text with both quote characters (" and '), at '${path}': its quotes have no escape character`,
    );
  return text;
}

/** `like`, `ilike` and `empty()` read text; the API refuses them (400) on a date or date-time. */
function textPath(what: string, path: string): void {
  const format = formatAt(path);
  if (format) throw new RangeError(`${what} needs a text property; '${path}' is a ${format}`);
}

function written(value: unknown, path: string): RqlWritten {
  if (value instanceof Date) return dateText(value, path);
  if (typeof value === 'string') return quotable(value, path);
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`${value} is not a value RQL can write`);
    return value;
  }
  throw new TypeError(`${typeof value} is not a value RQL can write (at '${path}')`);
}

const EMPTY: RqlEmpty = Object.freeze({ kind: 'empty' });

function where<T>(prefix: string): Where<T> {
  const compare =
    (op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le') =>
    (path: string, value: unknown): Filter<T> => ({
      op,
      path,
      value: written(value, prefix + path),
    });
  const pattern =
    (op: 'like' | 'ilike') =>
    (path: string, value: string): Filter<T> => {
      if (typeof value !== 'string') throw new TypeError(`${op}() needs a pattern string`);
      textPath(`${op}()`, prefix + path);
      return { op, path, value: quotable(value, prefix + path) };
    };
  const list =
    (op: 'in' | 'out') =>
    (path: string, values: readonly unknown[]): Filter<T> => {
      if (values.length === 0) throw new RangeError(`${op}() needs at least one value`);
      if (values.includes(null))
        throw new RangeError(`${op}() cannot hold null (RQL refuses null() in a list); use isNull`);
      return { op, path, values: values.map((value) => written(value, prefix + path)) };
    };
  const each =
    (op: 'any' | 'all') =>
    (path: string, build: (item: Where<unknown>) => Filter<unknown>): Filter<T> => ({
      op,
      path,
      where: build(where(`${prefix}${path}.`)),
    });
  return {
    eq: compare('eq'),
    ne: compare('ne'),
    gt: compare('gt'),
    ge: compare('ge'),
    lt: compare('lt'),
    le: compare('le'),
    like: pattern('like'),
    ilike: pattern('ilike'),
    in: list('in'),
    out: list('out'),
    isNull: (path: string) => ({ op: 'eq', path, value: null }),
    isEmpty: (path: string) => {
      textPath('isEmpty()', prefix + path);
      return { op: 'eq', path, value: EMPTY };
    },
    any: each('any'),
    all: each('all'),
    and: (...args: Filter<T>[]) => ({ op: 'and', args }),
    or: (...args: Filter<T>[]) => ({ op: 'or', args }),
    not: (arg: Filter<T>) => ({ op: 'not', arg }),
  } as unknown as Where<T>;
}

/**
 * A string value, quoted with the quote it lacks: `"..."`, or `'...'` when the text has a double
 * quote. RQL quotes have no escape character, so every other character (a backslash, a star)
 * is written as it is, and a text with both quotes cannot be written.
 */
function quoted(text: string): string {
  const quote = quotable(text, 'a value').includes('"') ? "'" : '"';
  return `${quote}${text}${quote}`;
}

function writeValue(value: RqlWritten): string {
  if (value === null) return 'null()';
  if (typeof value === 'object') return 'empty()';
  return typeof value === 'string' ? quoted(value) : String(value);
}

/** The tree as one RQL expression: `and(eq(status,"Active"),any(terms,ne(accepted,null())))`. */
export function writeFilter(node: RqlTree): string {
  switch (node.op) {
    case 'and':
    case 'or':
      if (node.args.length === 0) throw new RangeError(`${node.op}() needs a filter`);
      return `${node.op}(${node.args.map(writeFilter).join(',')})`;
    case 'not':
      return `not(${writeFilter(node.arg)})`;
    case 'in':
    case 'out':
      return `${node.op}(${node.path},(${node.values.map(writeValue).join(',')}))`;
    case 'any':
    case 'all':
      return `${node.op}(${node.path},${writeFilter(node.where)})`;
    default:
      return `${node.op}(${node.path},${writeValue(node.value)})`;
  }
}

/** Percent-encodes what would end or change a query-string part; RQL's own punctuation stays. */
const encode = (text: string) =>
  encodeURIComponent(text).replace(/%(2C|3A|40|24|2F)/g, (escape) => decodeURIComponent(escape));

function count(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

function query<T>(state: RqlState<T>): RqlQuery<T> {
  const next = (change: Partial<RqlState<T>>) => query<T>({ ...state, ...change });
  return {
    state,
    where: (build) => {
      const added = build(where<T>(''));
      return next({
        filter: state.filter ? { op: 'and', args: [state.filter, added] } : added,
      });
    },
    select: (...terms) => next({ select: [...state.select, ...terms] }),
    order: (...terms) => next({ order: [...state.order, ...terms] }),
    limit: (limit) => next({ limit: count('limit', limit) }),
    offset: (offset) => next({ offset: count('offset', offset) }),
    toString: () =>
      [
        state.filter && encode(writeFilter(state.filter)),
        state.select.length > 0 && `select=${encode(state.select.join(','))}`,
        state.order.length > 0 && `order=${encode(state.order.join(','))}`,
        state.limit !== undefined && `limit=${state.limit}`,
        state.offset !== undefined && `offset=${state.offset}`,
      ]
        .filter(Boolean)
        .join('&'),
  };
}

/** A new, empty query on objects of type `T`: `rql<Certificate>().where((q) => q.eq('status', 'Active'))`. */
export function rql<T>(): RqlQuery<T> {
  return query<T>({
    filter: undefined,
    select: [],
    order: [],
    limit: undefined,
    offset: undefined,
  });
}
