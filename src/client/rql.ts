/**
 * A typed RQL builder (decision 0057): `rql<Certificate>()` knows the dotted paths of the item
 * type and the values each one holds, so a wrong field, a status the enumeration does not have or
 * a number for a string does not compile. It writes the strings the Program API reads (and the
 * kit's parser, src/core/rql, accepts): string values quoted, `Date`s as the path's format asks
 * (a date as `2027-06-30`, a date-time as `toISOString()`), `null()` and `empty()`.
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
type StringPath<T> = {
  [P in FieldPath<T>]: string extends Comparable<Leaf<FieldAt<T, P>>> ? P : never;
}[FieldPath<T>];

/** `empty()`: null, absent, the empty string or an empty array. */
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
  ne<P extends FieldPath<T>>(path: P, value: ValueAt<T, P, Prefix> | null): Filter<T>;
  gt<P extends FieldPath<T>>(path: P, value: OrderedValue<ValueAt<T, P, Prefix>>): Filter<T>;
  ge<P extends FieldPath<T>>(path: P, value: OrderedValue<ValueAt<T, P, Prefix>>): Filter<T>;
  lt<P extends FieldPath<T>>(path: P, value: OrderedValue<ValueAt<T, P, Prefix>>): Filter<T>;
  le<P extends FieldPath<T>>(path: P, value: OrderedValue<ValueAt<T, P, Prefix>>): Filter<T>;
  /** `*` matches any run of characters, `\*` a star. */
  like<P extends StringPath<T>>(path: P, pattern: string): Filter<T>;
  /** `like`, ignoring letter case. */
  ilike<P extends StringPath<T>>(path: P, pattern: string): Filter<T>;
  in<P extends FieldPath<T>>(path: P, values: readonly ValueAt<T, P, Prefix>[]): Filter<T>;
  out<P extends FieldPath<T>>(path: P, values: readonly ValueAt<T, P, Prefix>[]): Filter<T>;
  /** `eq(path,null())`: null or absent. */
  isNull<P extends FieldPath<T>>(path: P): Filter<T>;
  /** `eq(path,empty())`: null, absent, `""` or `[]`. */
  isEmpty<P extends FieldPath<T>>(path: P): Filter<T>;
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

/** A `Date` as the path's format writes it; a date is the UTC day. */
function dateText(date: Date, path: string): string {
  if (Number.isNaN(date.getTime())) throw new RangeError(`an invalid Date for '${path}'`);
  const iso = date.toISOString();
  return formats.find(([pattern]) => pattern.test(path))?.[1] === 'date' ? iso.slice(0, 10) : iso;
}

function written(value: unknown, path: string): RqlWritten {
  if (value instanceof Date) return dateText(value, path);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
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
      return { op, path, value };
    };
  const list =
    (op: 'in' | 'out') =>
    (path: string, values: readonly unknown[]): Filter<T> => {
      if (values.length === 0) throw new RangeError(`${op}() needs at least one value`);
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
    isEmpty: (path: string) => ({ op: 'eq', path, value: EMPTY }),
    any: each('any'),
    all: each('all'),
    and: (...args: Filter<T>[]) => ({ op: 'and', args }),
    or: (...args: Filter<T>[]) => ({ op: 'or', args }),
    not: (arg: Filter<T>) => ({ op: 'not', arg }),
  } as unknown as Where<T>;
}

/**
 * A string value, quoted: `"..."`, or `'...'` when the text has a double quote and no single
 * one, so that nothing needs a backslash (the Program API's RQL has no escapes); a backslash or
 * both quotes take the kit's `\` escapes.
 */
function quoted(text: string): string {
  const quote = text.includes('"') && !text.includes("'") ? "'" : '"';
  const escaped = text.replace(/\\/g, '\\\\').replace(quote === '"' ? /"/g : /'/g, `\\${quote}`);
  return `${quote}${escaped}${quote}`;
}

function writeValue(value: RqlWritten, pattern: boolean): string {
  if (value === null) return 'null()';
  if (typeof value === 'object') return 'empty()';
  if (typeof value !== 'string') return String(value);
  // Outside a pattern the parser reads `\*` as a plain star; a value that has one keeps it.
  return quoted(pattern ? value : value.replace(/\\\*/g, '\\\\*'));
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
      return `${node.op}(${node.path},(${node.values.map((v) => writeValue(v, false)).join(',')}))`;
    case 'any':
    case 'all':
      return `${node.op}(${node.path},${writeFilter(node.where)})`;
    default:
      return `${node.op}(${node.path},${writeValue(node.value, node.op === 'like' || node.op === 'ilike')})`;
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
