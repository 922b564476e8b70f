import { setOwn } from '../own.js';
import { percentDecode } from './decode.js';
import { parseFieldPath } from './path.js';
import { fail, failFromThrown, ok, snip, type Parsed, type SelectSpec } from './types.js';

/** Parses an already decoded `select=` value: `-*,id,name,-audit,program.name`. */
export function parseSelectTerms(text: string): Parsed<SelectSpec> {
  const spec: SelectSpec = { dropAll: false, include: [], exclude: [] };
  let at = 0;
  for (const raw of text.split(',')) {
    const term = raw.trim();
    if (term === '') return fail(`empty select term at position ${at} in '${snip(text)}'`);
    if (term === '-*') {
      spec.dropAll = true;
    } else {
      const sign = term[0];
      const name = sign === '-' || sign === '+' ? term.slice(1) : term;
      const path = parseFieldPath(name);
      if (!path.ok) return fail(`bad select term '${snip(term)}': ${path.error}`);
      (sign === '-' ? spec.exclude : spec.include).push(path.value);
    }
    at += raw.length + 1;
  }
  return ok(spec);
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

type Tree = Map<string, Tree> | true;
const SKIP = Symbol('skip');

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const hasOwn = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/** Copies plain objects and arrays; other values (primitives, class instances) are shared. */
function deepCopy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(deepCopy);
  if (isPlainObject(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) setOwn(out, k, deepCopy(v[k]));
    return out;
  }
  return v;
}

function addToTree(root: Map<string, Tree>, path: readonly string[]): void {
  let node = root;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i]!;
    const existing = node.get(seg);
    if (existing === true) return; // an ancestor is already wholly included
    const next = existing ?? new Map<string, Tree>();
    node.set(seg, next);
    node = next;
  }
  node.set(path[path.length - 1]!, true);
}

/** Keeps only the parts of `src` named by `tree`, in the source's key order. Arrays are projected element-wise. */
function pick(src: unknown, tree: Tree): unknown {
  if (tree === true) return deepCopy(src);
  if (Array.isArray(src)) return src.map((el) => pick(el, tree)).filter((el) => el !== SKIP);
  if (!isPlainObject(src)) return SKIP;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(src)) {
    // Every selected object keeps its id: references stay references (the spec requires it).
    const sub = tree.get(k) ?? (k === 'id' ? true : undefined);
    if (sub === undefined) continue;
    const v = pick(src[k], sub);
    if (v !== SKIP) setOwn(out, k, v);
  }
  return out;
}

/** Deletes the field at `path` (through arrays element-wise). */
function remove(node: unknown, path: readonly string[], i: number): void {
  if (Array.isArray(node)) {
    for (const el of node) remove(el, path, i);
    return;
  }
  if (!isPlainObject(node)) return;
  const seg = path[i];
  if (seg === undefined || !hasOwn(node, seg)) return;
  if (i === path.length - 1) {
    if (seg !== 'id') delete node[seg];
  } else remove(node[seg], path, i + 1);
}

const ALWAYS_KEPT = ['id', 'href'];

/**
 * Applies a select spec to one object. Without a spec the object itself is returned: stored
 * objects are never changed in place, so an answer is serialized straight from them. With a
 * spec the result is a new deep copy (the input is never mutated). With `-*` only the listed
 * fields (plus top-level `id` and `href`) are kept;
 * otherwise everything is kept minus the exclusions. Exclusions are applied last, but
 * never remove top-level `id`/`href`, and a nested object that is kept keeps its `id`. Dotted paths go through nested objects and
 * element-wise through arrays (`parameters.ordering.value`).
 */
export function applySelect<T extends object>(obj: T, select: SelectSpec | undefined): Partial<T> {
  if (select === undefined) return obj;
  let result: unknown;
  if (select.dropAll) {
    const tree = new Map<string, Tree>();
    for (const k of ALWAYS_KEPT) tree.set(k, true);
    for (const p of select.include) if (p.length > 0) addToTree(tree, p);
    result = pick(obj, tree);
    if (result === SKIP) result = {};
  } else {
    result = deepCopy(obj);
  }
  for (const p of select.exclude) {
    if (p.length === 0) continue;
    if (p.length === 1 && ALWAYS_KEPT.includes(p[0]!)) continue;
    remove(result, p, 0);
  }
  return result as Partial<T>;
}
