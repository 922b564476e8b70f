/** Shared types and small helpers for the RQL list-query module. */

export type RqlValue = string | number | boolean | null | { kind: 'empty' } | RqlValue[];

/** The comparison operators (mpt-rql-net's binary operators but in/out and the searches). */
export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type RqlNode =
  | { op: 'and' | 'or'; args: RqlNode[] }
  | { op: 'not'; arg: RqlNode }
  | {
      op: CompareOp | 'ilike' | 'like';
      /** The property; empty for `self()` (the element itself, inside any()/all()). */
      path: string[];
      value: RqlValue;
      /** The value was an unquoted word: it names a property when the schema has one so named. */
      bare?: true;
    }
  /** Property to property (`eq(price,sellPrice)`, `lt(self(a),self(b))`). */
  | { op: CompareOp; path: string[]; ref: string[] }
  | { op: 'in' | 'out'; path: string[]; values: RqlValue[] }
  /** `any(collection)` without a condition: the collection has an element. */
  | { op: 'any'; path: string[]; where?: RqlNode }
  | { op: 'all'; path: string[]; where: RqlNode };

export interface OrderTerm {
  path: string[];
  direction: 1 | -1;
}

/**
 * A parsed `select=` (src/core/rql/select.ts): `-*` (`dropAll`), `*` (`all`), the paths selected
 * and deselected at this level, and sub-selects (`program(-*,id)`), each a select of its own
 * below its path. `all` and `nested` are left out when not given.
 */
export interface SelectSpec {
  dropAll: boolean;
  include: string[][];
  exclude: string[][];
  all?: true;
  nested?: NestedSelect[];
}

/** `program(*,-id)`: the select inside the parentheses, applied below `path` (`-` deselects it). */
export interface NestedSelect {
  path: string[];
  exclude: boolean;
  select: SelectSpec;
}

export interface ListQuery {
  filter: RqlNode | undefined;
  order: OrderTerm[];
  select: SelectSpec | undefined;
  limit: number;
  offset: number;
  /** The `render()` option was given (answers are JSON either way; accepted, not acted on). */
  render?: boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** Maximum nesting of parentheses in one RQL expression. */
export const MAX_DEPTH = 32;
/** Maximum length of a like/ilike pattern (the matcher is linear in it, but a cap keeps it so). */
export const MAX_PATTERN_LENGTH = 8000;
/** Maximum length of the raw query string. */
export const MAX_QUERY_LENGTH = 8192;

export function ok<T>(value: T): Parsed<T> {
  return { ok: true, value };
}

export function fail<T = never>(error: string): Parsed<T> {
  return { ok: false, error };
}

/** Thrown inside the parser only; always caught and turned into `{ ok: false }`. */
export class RqlError extends Error {
  override name = 'RqlError';
}

/** A fresh `empty()` value. */
export function emptyValue(): { kind: 'empty' } {
  return { kind: 'empty' };
}

export function isEmptyValue(v: unknown): v is { kind: 'empty' } {
  return (
    typeof v === 'object' &&
    v !== null &&
    !Array.isArray(v) &&
    (v as { kind?: unknown }).kind === 'empty'
  );
}

/** Shortens user input for inclusion in an error message. */
export function snip(text: string, max = 40): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** Turns anything thrown into an error result (the public functions never throw). */
export function failFromThrown<T>(e: unknown): Parsed<T> {
  if (e instanceof RqlError) return fail(e.message);
  if (e instanceof RangeError) return fail('query too complex');
  return fail('invalid query');
}
