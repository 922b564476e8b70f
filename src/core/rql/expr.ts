/**
 * Parser for one RQL expression such as `and(eq(program.id,PRG-1),ne(status,"Deleted"))`.
 * Input is already percent-decoded. Two stages: a generic syntax tree of calls, lists and
 * words, then a check of each operator's arguments that builds the `RqlNode`.
 */
import { parseFieldPath } from './path.js';
import {
  emptyValue,
  failFromThrown,
  MAX_DEPTH,
  MAX_PATTERN_LENGTH,
  ok,
  RqlError,
  snip,
  type Parsed,
  type RqlNode,
  type RqlValue,
} from './types.js';

type Syntax =
  | { kind: 'call'; name: string; args: Syntax[]; pos: number }
  | { kind: 'list'; items: Syntax[]; pos: number }
  | { kind: 'word'; text: string; pos: number }
  | { kind: 'quoted'; text: string; pos: number };

type Call = Extract<Syntax, { kind: 'call' }>;

const OPERATOR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le', 'like', 'ilike']);

function isSpace(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
}

class Reader {
  pos = 0;
  constructor(readonly src: string) {}

  fail(message: string, at: number = this.pos): never {
    throw new RqlError(`${message} at position ${at} in '${snip(this.src)}'`);
  }

  peek(): string | undefined {
    return this.src[this.pos];
  }

  skipSpace(): void {
    while (isSpace(this.src[this.pos])) this.pos++;
  }

  atEnd(): boolean {
    return this.pos >= this.src.length;
  }

  /** Whole input must be one call, possibly surrounded by whitespace. */
  topLevel(): Call {
    this.skipSpace();
    const start = this.pos;
    const node = this.arg(0);
    if (node.kind === 'word') {
      this.fail(`'${snip(node.text)}' is not an RQL expression (expected op(...))`, start);
    }
    if (node.kind !== 'call') this.fail('expected an RQL expression like eq(field,value)', start);
    this.skipSpace();
    if (!this.atEnd()) {
      if (this.peek() === ')') this.fail("unbalanced parentheses: unexpected ')'");
      this.fail(`trailing characters '${snip(this.src.slice(this.pos), 20)}'`);
    }
    return node;
  }

  /** One argument; `depth` is the number of parentheses currently open. */
  arg(depth: number): Syntax {
    this.skipSpace();
    const start = this.pos;
    const ch = this.peek();
    if (ch === undefined) {
      this.fail(depth === 0 ? 'empty expression' : "unbalanced parentheses: missing ')'");
    }
    if (ch === ',' || ch === ')') this.fail('missing argument');
    if (ch === '(') return { kind: 'list', items: this.group(depth + 1), pos: start };
    if (ch === '"' || ch === "'") return { kind: 'quoted', text: this.quoted(), pos: start };

    let end = this.pos;
    while (end < this.src.length) {
      const c = this.src[end];
      if (c === '(' || c === ')' || c === ',') break;
      end++;
    }
    const text = this.src.slice(this.pos, end).trimEnd();
    this.pos = end;
    if (this.peek() === '(') {
      if (!OPERATOR_NAME.test(text)) this.fail(`invalid operator name '${snip(text, 20)}'`, start);
      return { kind: 'call', name: text, args: this.group(depth + 1), pos: start };
    }
    return { kind: 'word', text, pos: start };
  }

  /** A parenthesised, comma-separated group; the reader is on its '('. */
  group(depth: number): Syntax[] {
    const open = this.pos;
    if (depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels`);
    this.pos++;
    const items: Syntax[] = [];
    this.skipSpace();
    if (this.peek() === ')') {
      this.pos++;
      return items;
    }
    for (;;) {
      items.push(this.arg(depth));
      this.skipSpace();
      const ch = this.peek();
      if (ch === ',') {
        this.pos++;
        continue;
      }
      if (ch === ')') {
        this.pos++;
        return items;
      }
      if (ch === undefined)
        this.fail("unbalanced parentheses: missing ')' for the '(' opened", open);
      this.fail(`unexpected character '${ch}'`);
    }
  }

  /** A quoted string; the reader is on the opening quote. Backslash escapes the next character. */
  quoted(): string {
    const start = this.pos;
    const quote = this.src[this.pos];
    this.pos++;
    let out = '';
    for (;;) {
      const ch = this.src[this.pos];
      if (ch === undefined) this.fail('unterminated quote', start);
      if (ch === '\\') {
        const next = this.src[this.pos + 1];
        if (next === undefined) this.fail('unterminated quote', start);
        // `\*` stays escaped: in a like/ilike pattern it is a literal star.
        out += next === '*' ? '\\*' : next;
        this.pos += 2;
        continue;
      }
      this.pos++;
      if (ch === quote) return out;
      out += ch;
    }
  }
}

const literalStars = (text: string) => text.replace(/\\\*/g, '*');

/** Builds the typed node for a call, checking the operator and its arguments. */
function toNode(r: Reader, call: Call): RqlNode {
  const { name, args, pos } = call;
  const need = (n: number, what: string): void => {
    if (args.length < n) r.fail(`missing argument: ${name}() needs ${what}`, pos);
    if (args.length > n) r.fail(`too many arguments: ${name}() takes ${what}`, pos);
  };

  if (name === 'and' || name === 'or') {
    if (args.length === 0) r.fail(`${name}() needs at least one argument`, pos);
    return { op: name, args: args.map((a) => toSubNode(r, a, name)) };
  }
  if (name === 'not') {
    need(1, 'one expression');
    return { op: 'not', arg: toSubNode(r, args[0]!, name) };
  }
  if (COMPARISONS.has(name)) {
    need(2, 'a field and a value');
    const op = name as 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'like' | 'ilike';
    const path = toPath(r, args[0]!);
    let value = toValue(r, args[1]!);
    // `\*` means a literal star in a pattern; anywhere else it is just a star.
    if (op !== 'like' && op !== 'ilike' && typeof value === 'string') value = literalStars(value);
    if (op === 'like' || op === 'ilike') {
      if (typeof value === 'boolean') value = String(value);
      if (typeof value !== 'string')
        r.fail(`${op}() needs a pattern, not null() or empty()`, args[1]!.pos);
      if ((value as string).length > MAX_PATTERN_LENGTH)
        r.fail(`${op}() pattern longer than ${MAX_PATTERN_LENGTH} characters`, args[1]!.pos);
    }
    return { op, path, value };
  }
  if (name === 'in' || name === 'out') {
    if (args.length < 2) r.fail(`missing argument: ${name}() needs a field and values`, pos);
    const path = toPath(r, args[0]!);
    const rest = args.slice(1);
    const only = rest[0];
    const items =
      rest.length === 1 && only !== undefined && only.kind === 'list' ? only.items : rest;
    return { op: name, path, values: items.map((a) => toValue(r, a)) };
  }
  if (name === 'any' || name === 'all') {
    need(2, 'a field and an expression');
    return { op: name, path: toPath(r, args[0]!), where: toElementNode(r, args[1]!, name) };
  }
  if (name === 'null' || name === 'empty') r.fail(`${name}() is a value, not an expression`, pos);
  return r.fail(`unknown operator '${snip(name, 20)}'`, pos);
}

/**
 * The condition on the elements of `any(coll,...)` / `all(coll,...)`: an expression, or the
 * `field=value` shorthand (`any(parameters.ordering,externalId=MPNID)`).
 */
function toElementNode(r: Reader, a: Syntax, parent: string): RqlNode {
  if (a.kind === 'word' && a.text.includes('=')) {
    const at = a.text.indexOf('=');
    const path = parseFieldPath(a.text.slice(0, at).trim());
    if (!path.ok) r.fail(path.error, a.pos);
    const value = parseShorthandValue(a.text.slice(at + 1).trim());
    if (!value.ok) r.fail(value.error, a.pos);
    return { op: 'eq', path: path.value, value: value.value };
  }
  return toSubNode(r, a, parent);
}

function toSubNode(r: Reader, a: Syntax, parent: string): RqlNode {
  if (a.kind === 'call') return toNode(r, a);
  const shown = a.kind === 'list' ? '(...)' : `'${snip(a.text, 20)}'`;
  return r.fail(`${parent}() expects expressions, got ${shown}`, a.pos);
}

function toPath(r: Reader, a: Syntax): string[] {
  if (a.kind !== 'word' && a.kind !== 'quoted') return r.fail('expected a field name', a.pos);
  const p = parseFieldPath(a.text);
  if (!p.ok) r.fail(p.error, a.pos);
  return p.value;
}

function toValue(r: Reader, a: Syntax): RqlValue {
  switch (a.kind) {
    case 'quoted':
      return a.text;
    case 'word':
      return a.text === 'true' ? true : a.text === 'false' ? false : a.text;
    case 'list':
      return r.fail('a parenthesised list is only allowed in in() and out()', a.pos);
    case 'call':
      if (a.name === 'null' || a.name === 'empty') {
        if (a.args.length > 0) r.fail(`${a.name}() takes no arguments`, a.pos);
        return a.name === 'null' ? null : emptyValue();
      }
      return r.fail(`expected a value, got ${snip(a.name, 20)}()`, a.pos);
  }
}

/** Parses one decoded RQL expression (`eq(status,Active)`). Never throws. */
export function parseRql(expression: string): Parsed<RqlNode> {
  try {
    const r = new Reader(expression);
    return ok(toNode(r, r.topLevel()));
  } catch (e) {
    return failFromThrown(e);
  }
}

/**
 * Parses the value of a `key=value` shorthand: `null()`, `empty()`, `true`/`false`, a fully
 * quoted string, or else the literal text (commas and parentheses included). Never throws.
 */
export function parseShorthandValue(text: string): Parsed<RqlValue> {
  try {
    if (text === 'null()') return ok(null);
    if (text === 'empty()') return ok(emptyValue());
    if (text === 'true') return ok(true);
    if (text === 'false') return ok(false);
    if (text.startsWith('"') || text.startsWith("'")) {
      const r = new Reader(text);
      const value = r.quoted();
      if (!r.atEnd()) r.fail('trailing characters after quoted value');
      return ok(value);
    }
    return ok(text);
  } catch (e) {
    return failFromThrown(e);
  }
}
