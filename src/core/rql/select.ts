/**
 * `select=` as SoftwareOne's RQL library (softwareone-platform/mpt-rql-net) reads it: terms
 * separated by `,` (or `;`, `|`), each `name`, `+name` or `-name` with a dotted path, `*` and
 * `-*`, and sub-selects `program(-*,id,name)` that select below a reference. The rules, and where
 * the kit differs, are in docs/decisions/0061-select-as-the-library-does-it.md.
 */
import { setOwn } from '../own.js';
import { percentDecode } from './decode.js';
import { parseFieldPath } from './path.js';
import {
  fail,
  failFromThrown,
  MAX_DEPTH,
  ok,
  RqlError,
  snip,
  type NestedSelect,
  type Parsed,
  type SelectSpec,
} from './types.js';

const emptySpec = (): SelectSpec => ({ dropAll: false, include: [], exclude: [] });

/** Between two terms; the library's parser reads `;` and `|` as groups too, and select ignores the kind. */
const SEPARATORS = new Set([',', ';', '|']);

/** `+name`, `-name`, `name` (a leading space is a `+` a framework decoded): the sign and the rest. */
function signOf(term: string): { exclude: boolean; name: string } {
  const sign = term[0];
  if (sign === '-') return { exclude: true, name: term.slice(1).trim() };
  if (sign === '+') return { exclude: false, name: term.slice(1).trim() };
  return { exclude: false, name: term };
}

/** A dotted path; a trailing `.*` names the object itself (`program.*` is `program`). */
function pathOf(name: string, term: string): string[] {
  const bare = name.endsWith('.*') ? name.slice(0, -2) : name;
  const path = parseFieldPath(bare);
  if (!path.ok) throw new RqlError(`bad select term '${snip(term)}': ${path.error}`);
  return path.value;
}

function addTerm(spec: SelectSpec, term: string): void {
  const { exclude, name } = signOf(term);
  if (name === '*') {
    if (exclude) spec.dropAll = true;
    else spec.all = true;
    return;
  }
  (exclude ? spec.exclude : spec.include).push(pathOf(name, term));
}

/**
 * Reads terms from `text[at]` up to the `)` that closes this level (or the end at depth 0).
 * Linear: every character is looked at once.
 */
function readLevel(text: string, at: number, depth: number): { spec: SelectSpec; end: number } {
  if (depth > MAX_DEPTH) throw new RqlError(`select nested deeper than ${MAX_DEPTH}`);
  const spec = emptySpec();
  let start = at;
  let i = at;
  for (; i <= text.length; i++) {
    const c = text[i];
    if (c !== undefined && !SEPARATORS.has(c) && c !== '(' && c !== ')') continue;
    const term = text.slice(start, i).trim();
    if (c === '(') {
      const inner = readLevel(text, i + 1, depth + 1);
      if (text[inner.end] !== ')') throw new RqlError(`unclosed '(' at position ${i} in select`);
      const { exclude, name } = signOf(term);
      const nested: NestedSelect = {
        path: name === '' ? [] : pathOf(name, term),
        exclude,
        select: inner.spec,
      };
      (spec.nested ??= []).push(nested);
      i = inner.end;
    } else if (term !== '') {
      // An empty term (`a,,b`, a trailing comma) is skipped, as the library's parser skips it.
      addTerm(spec, term);
    }
    start = i + 1;
    if (c === ')' || c === undefined) break;
  }
  if (text[i] === ')' && depth === 0)
    throw new RqlError(`unmatched ')' at position ${i} in select`);
  return { spec, end: i };
}

/**
 * Parses an already decoded `select=` value: `-*,id,name,-audit,program.name,program(-*,id)`.
 * An empty value selects nothing different (the library skips an empty select).
 */
export function parseSelectTerms(text: string): Parsed<SelectSpec> {
  try {
    if (text.trim() === '') return ok(emptySpec());
    return ok(readLevel(text, 0, 0).spec);
  } catch (e) {
    return failFromThrown(e);
  }
}

/**
 * Parses the value of `?select=` for GET by id. Percent escapes are decoded (`+` stays a
 * plus sign); terms are trimmed, so a value already decoded by a framework that turned
 * `+` into a space works too. Never throws.
 */
export function parseSelect(raw: string): Parsed<SelectSpec> {
  try {
    if (typeof raw !== 'string') return fail('select must be a string');
    const decoded = percentDecode(raw, false);
    if (!decoded.ok) return fail(`select: ${decoded.error}`);
    return parseSelectTerms(decoded.value);
  } catch (e) {
    return failFromThrown(e);
  }
}

/**
 * What the objects hold at each property (from the spec's schemas: src/schema/fields.ts);
 * `at` one segment down, undefined where there is no such property. An array's elements are at
 * a digits-only segment.
 */
export interface SelectFields {
  kind: string;
  at(segment: string): SelectFields | undefined;
  /** The schema's spelling of a property named in another letter case, where the fields know it. */
  name?(segment: string): string | undefined;
}

/** One segment down, the name in any letter case (the library matches names case-blind). */
function fieldAt(fields: SelectFields, segment: string): SelectFields | undefined {
  const found = fields.at(segment);
  if (found) return found;
  const spelled = fields.name?.(segment);
  return spelled === undefined ? undefined : fields.at(spelled);
}

function fieldsAt(fields: SelectFields, path: readonly string[]): SelectFields | undefined {
  let current: SelectFields | undefined = fields;
  for (const segment of path) {
    if (!current) return undefined;
    // A path goes through a list element-wise (`parameters.ordering.value`).
    const element: SelectFields | undefined =
      current.kind === 'array' ? current.at('0') : undefined;
    current = fieldAt(current, segment) ?? (element ? fieldAt(element, segment) : undefined);
  }
  return current;
}

function unknownIn(spec: SelectSpec, fields: SelectFields, prefix: string[]): string | undefined {
  // Only what is asked for: leaving out a member the objects do not have changes nothing, and
  // SoftwareOne's own client does it (its e2e suite sends `select=-revision,-audit` for program
  // media, whose documented schema has no `revision`).
  for (const path of spec.include)
    if (!fieldsAt(fields, path)) return [...prefix, ...path].join('.');
  for (const n of spec.nested ?? []) {
    const below = fieldsAt(fields, n.path);
    if (!below && n.exclude) continue;
    if (!below) return [...prefix, ...n.path].join('.');
    const found = unknownIn(n.select, below, [...prefix, ...n.path]);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * A select checked against the objects' fields: a path asked for that names no property is an
 * error naming it (the library skips such a segment; the kit refuses it, so a typo is never an
 * answer quietly missing a member); a path left out (`-name`) that names none is skipped.
 */
export function checkSelect(spec: SelectSpec, fields: SelectFields): Parsed<SelectSpec> {
  const unknown = unknownIn(spec, fields, []);
  return unknown === undefined ? ok(spec) : fail(`select: unknown property '${snip(unknown)}'`);
}

/**
 * One level of the select graph (the library's RqlNode): `select` (asked for, `+name`),
 * `hierarchy` (on the way to something asked for), `unselected` (`-name`); `all` / `dropAll`
 * (`*`, `-*`) select or unselect every member of this level. Names are matched in any case.
 */
interface Level {
  select: boolean;
  hierarchy: boolean;
  unselected: boolean;
  all: boolean;
  dropAll: boolean;
  children: Map<string, Level>;
}

const newLevel = (): Level => ({
  select: false,
  hierarchy: false,
  unselected: false,
  all: false,
  dropAll: false,
  children: new Map(),
});

/** The level at `path` below `level`, made on the way; every level on the way is `hierarchy` when `through`. */
function levelAt(level: Level, path: readonly string[], through: boolean): Level {
  let node = level;
  for (const segment of path) {
    if (through) node.hierarchy = true;
    const key = segment.toLowerCase();
    let child = node.children.get(key);
    if (!child) node.children.set(key, (child = newLevel()));
    node = child;
  }
  return node;
}

function fill(level: Level, spec: SelectSpec): void {
  if (spec.dropAll) level.dropAll = true;
  if (spec.all) level.all = true;
  for (const path of spec.include) levelAt(level, path, true).select = true;
  // Only the member itself is unselected; the kit does not make its parents part of the answer.
  for (const path of spec.exclude) levelAt(level, path, false).unselected = true;
  for (const n of spec.nested ?? []) {
    const target = levelAt(level, n.path, true);
    if (n.path.length > 0) {
      if (n.exclude) target.unselected = true;
      else target.select = true;
    }
    fill(target, n.select);
  }
}

const graphs = new WeakMap<SelectSpec, Level>();

function graphOf(spec: SelectSpec): Level {
  let graph = graphs.get(spec);
  if (!graph) {
    graph = newLevel();
    fill(graph, spec);
    graphs.set(spec, graph);
  }
  return graph;
}

const isNoOp = (s: SelectSpec): boolean =>
  !s.dropAll &&
  !s.all &&
  s.include.length === 0 &&
  s.exclude.length === 0 &&
  (s.nested ?? []).length === 0;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/**
 * The part of `value` that `level` selects. `defaults`: members not named are kept (the default
 * representation, which in the kit is the whole stored object). Arrays are projected
 * element-wise; every object keeps its `id` (references stay references), the top level its
 * `href` too. Copies plain objects and arrays; other values are shared.
 */
function project(
  value: unknown,
  level: Level | undefined,
  defaults: boolean,
  top: boolean,
): unknown {
  if (Array.isArray(value)) return value.map((el) => project(el, level, defaults, false));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const child = level?.children.get(key.toLowerCase());
    const selected = (child?.select ?? false) || (level?.all ?? false);
    const unselected = (child?.unselected ?? false) || (level?.dropAll ?? false);
    // Asked for, or on the way to something asked for, beats `-name` (the library's IsIncluded).
    const kept =
      selected ||
      (child?.hierarchy ?? false) ||
      (defaults && !unselected) ||
      key === 'id' ||
      (top && key === 'href');
    if (!kept) continue;
    const below = selected || (defaults && !unselected) || key === 'id';
    setOwn(out, key, project(value[key], child, below, false));
  }
  return out;
}

/**
 * Applies a select spec to one object. Without a spec (or with one that changes nothing:
 * `select=`) the object itself is returned: stored objects are never changed in place, so an
 * answer is serialized straight from them. Otherwise the result is a new deep copy (the input is
 * never mutated): the object's members minus those deselected (`-name`, or all with `-*`), plus
 * those selected or on the way to something selected (`licensee.account.id` keeps `licensee` and
 * its `account`), a selected member whole (`+program`) unless a sub-select or a deselection
 * below it says otherwise. `id` is never removed, nor the top-level `href`.
 */
export function applySelect<T extends object>(obj: T, select: SelectSpec | undefined): Partial<T> {
  if (select === undefined || isNoOp(select)) return obj;
  return project(obj, graphOf(select), true, true) as Partial<T>;
}
