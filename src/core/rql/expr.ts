/**
 * The RQL filter grammar as SoftwareOne's mpt-rql-net parses it (its linear parser,
 * src/Mpt.Rql/Parsers/Linear/Services/RqlParser.cs, and the node parsers beside it), in three
 * stages, each linear in the input: tokens, a syntax tree of calls, groups, values and
 * `a=b` shorthands, then the typed `RqlNode`. Input is already percent-decoded.
 *
 * - `,` and `&` join with AND, `|` and `;` with OR, at the top level and inside plain
 *   parentheses at any depth; AND binds tighter (`a|b&c` is `a` OR (`b` AND `c`)).
 * - Inside a call's parentheses every separator separates arguments, whatever the call.
 * - `a=b` is `eq(a,b)` wherever an expression may stand; `a=op=b` is refused.
 * - Operator names in any letter case; quotes have no escape character; an unquoted value keeps
 *   its whitespace.
 */
import { parseFieldPath } from './path.js';
import {
  failFromThrown,
  MAX_DEPTH,
  MAX_PATTERN_LENGTH,
  ok,
  RqlError,
  snip,
  type CompareOp,
  type Parsed,
  type RqlNode,
  type RqlValue,
} from './types.js';

type Tok =
  | { t: 'sep'; or: boolean; pos: number; src: string }
  | { t: 'open' | 'close' | 'is'; pos: number; src: string }
  | { t: 'word' | 'quoted'; text: string; pos: number; src: string };

type Item =
  | { k: 'call'; name: string; args: Item[]; tok: Tok }
  | { k: 'group'; seq: Seq; tok: Tok }
  | { k: 'word' | 'quoted'; text: string; tok: Tok }
  | { k: 'is'; left: Item; right: Item; tok: Tok };

/** Items and, for each, whether the separator before it was an OR. */
interface Seq {
  items: Item[];
  or: boolean[];
}

const OPERATOR_NAME = /^[a-z_][a-z0-9_]*$/;
const COMPARISONS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const DELIMITERS = new Set(['(', ')', ',', '&', ';', '|', '=']);

const isSpace = (ch: string | undefined) => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
const isBlank = (text: string) => text.trim() === '';

function failAt(tok: { pos: number; src: string } | undefined, message: string): never {
  if (!tok) throw new RqlError(message);
  throw new RqlError(`${message} at position ${tok.pos} in '${snip(tok.src)}'`);
}

/** Splits one decoded part into tokens (appended to `out`). */
function lex(src: string, out: Tok[]): void {
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '(' || ch === ')') {
      out.push({ t: ch === '(' ? 'open' : 'close', pos: i, src });
      i++;
      continue;
    }
    if (ch === '=') {
      out.push({ t: 'is', pos: i, src });
      i++;
      continue;
    }
    if (ch === ',' || ch === '&' || ch === ';' || ch === '|') {
      out.push({ t: 'sep', or: ch === ';' || ch === '|', pos: i, src });
      i++;
      continue;
    }
    let start = i;
    while (isSpace(src[start])) start++;
    const quote = src[start];
    if (quote === '"' || quote === "'") {
      // No escape character: the value runs to the next quote of the same kind.
      const end = src.indexOf(quote, start + 1);
      if (end === -1) failAt({ pos: start, src }, 'unterminated quote');
      out.push({ t: 'quoted', text: src.slice(start + 1, end), pos: start, src });
      i = end + 1;
      while (isSpace(src[i])) i++;
      if (i < src.length && !DELIMITERS.has(src[i]!))
        failAt({ pos: i, src }, `unexpected '${snip(src.slice(i), 10)}' after a quoted value`);
      continue;
    }
    let end = i;
    while (end < src.length && !DELIMITERS.has(src[end]!)) end++;
    const text = src.slice(i, end);
    // Whitespace after a closing parenthesis separates nothing.
    if (!(isBlank(text) && out[out.length - 1]?.t === 'close'))
      out.push({ t: 'word', text, pos: i, src });
    i = end;
  }
}

class Parser {
  i = 0;
  constructor(readonly toks: Tok[]) {}

  /** A sequence of items up to a ')' or the end. */
  seq(depth: number): Seq {
    const items: Item[] = [];
    const or: boolean[] = [];
    let separatorOr: boolean | undefined;
    for (;;) {
      const tok = this.toks[this.i];
      if (!tok || tok.t === 'close') return { items, or };
      if (tok.t === 'sep') {
        separatorOr = tok.or;
        this.i++;
        continue;
      }
      if (items.length > 0 && separatorOr === undefined)
        failAt(tok, "expected ',', '&', '|', ';' or ')'");
      items.push(this.item(depth));
      or.push(separatorOr ?? false);
      separatorOr = undefined;
    }
  }

  /** One item, with an `=value` shorthand when one follows. */
  item(depth: number): Item {
    const left = this.primary(depth);
    if (this.toks[this.i]?.t !== 'is') return left;
    const is = this.toks[this.i++]!;
    const next = this.toks[this.i];
    if (!next || next.t === 'sep' || next.t === 'close' || next.t === 'is')
      failAt(next ?? is, "missing value after '='");
    const right = this.primary(depth);
    if (this.toks[this.i]?.t === 'is')
      failAt(this.toks[this.i], `the form a=op=b is not RQL; write op(a,b)`);
    return { k: 'is', left, right, tok: is };
  }

  primary(depth: number): Item {
    const tok = this.toks[this.i]!;
    if (tok.t === 'is') failAt(tok, "missing property before '='");
    if (tok.t === 'word' && this.toks[this.i + 1]?.t === 'open') {
      const name = tok.text.trim().toLowerCase();
      this.i++;
      if (name === '') return this.group(depth, tok);
      if (!OPERATOR_NAME.test(name)) failAt(tok, `invalid operator name '${snip(name, 20)}'`);
      const inner = this.parenthesised(depth);
      return { k: 'call', name, args: inner.items, tok };
    }
    if (tok.t === 'open') return this.group(depth, tok);
    if (tok.t === 'word' || tok.t === 'quoted') {
      this.i++;
      return { k: tok.t, text: tok.text, tok };
    }
    return failAt(tok, 'missing argument');
  }

  group(depth: number, tok: Tok): Item {
    return { k: 'group', seq: this.parenthesised(depth), tok };
  }

  /** `( seq )`; the parser is on the '('. */
  parenthesised(depth: number): Seq {
    const open = this.toks[this.i]!;
    if (depth + 1 > MAX_DEPTH) failAt(open, `nesting deeper than ${MAX_DEPTH} levels`);
    this.i++;
    const inner = this.seq(depth + 1);
    // The inner sequence ends at a ')' or at the end of the input.
    if (this.toks[this.i]?.t !== 'close')
      failAt({ pos: open.src.length, src: open.src }, "unbalanced parentheses: missing ')'");
    this.i++;
    return inner;
  }
}

const describe = (item: Item): string =>
  item.k === 'call'
    ? `${item.name}()`
    : item.k === 'group'
      ? '(...)'
      : item.k === 'is'
        ? 'a=b'
        : `'${snip(item.text, 20)}'`;

/** A sequence as one expression: AND binds tighter than OR (the library's reducer). */
function seqNode(seq: Seq, where: Tok): RqlNode {
  const groups: RqlNode[][] = [];
  seq.items.forEach((item, at) => {
    if (item.k === 'word' && isBlank(item.text)) return;
    const node = toNode(item);
    if (groups.length === 0 || seq.or[at]) groups.push([node]);
    else groups[groups.length - 1]!.push(node);
  });
  if (groups.length === 0) failAt(where, 'empty expression group');
  const ands = groups.map((g) => (g.length === 1 ? g[0]! : { op: 'and' as const, args: g }));
  return ands.length === 1 ? ands[0]! : { op: 'or', args: ands };
}

function toNode(item: Item): RqlNode {
  switch (item.k) {
    case 'group':
      return seqNode(item.seq, item.tok);
    case 'is':
      return comparison('eq', item.left, item.right);
    case 'word':
    case 'quoted':
      return failAt(item.tok, `${describe(item)} is not an RQL expression (expected op(...))`);
    case 'call':
      return callNode(item);
  }
}

function callNode(call: Extract<Item, { k: 'call' }>): RqlNode {
  const { name, tok } = call;
  // A blank argument is nothing in and()/or()/not(); elsewhere it is a value (spaces).
  const args = isLogical(name)
    ? call.args.filter((a) => !(a.k === 'word' && isBlank(a.text)))
    : call.args;
  const need = (n: number, what: string): void => {
    if (args.length < n) failAt(tok, `missing argument: ${name}() needs ${what}`);
    if (args.length > n) failAt(tok, `too many arguments: ${name}() takes ${what}`);
  };
  if (name === 'and' || name === 'or') {
    if (args.length === 0) failAt(tok, `${name}() needs at least one expression`);
    return { op: name, args: args.map(toNode) };
  }
  if (name === 'not') {
    need(1, 'one expression');
    return { op: 'not', arg: toNode(args[0]!) };
  }
  if (COMPARISONS.has(name) || name === 'like' || name === 'ilike') {
    need(2, 'a property and a value');
    return comparison(name as CompareOp | 'like' | 'ilike', args[0]!, args[1]!);
  }
  if (name === 'in' || name === 'out') {
    need(2, 'a property and a list of values, e.g. in(status,(Active,Expired))');
    const list = args[1]!;
    const items = list.k === 'group' ? list.seq.items : [list];
    if (items.length === 0) failAt(list.tok, `${name}() needs a non-empty list of values`);
    const values = items.map((v) => {
      const value = toValue(v, name);
      if (value.value === null) failAt(v.tok, `null() is not allowed in ${name}()`);
      return value.value;
    });
    return { op: name, path: toPath(args[0]!), values };
  }
  if (name === 'any' || name === 'all') {
    if (args.length === 0) failAt(tok, `missing argument: ${name}() needs a collection`);
    if (args.length > 2)
      failAt(tok, `too many arguments: ${name}() takes a collection and a condition`);
    const path = toPath(args[0]!);
    if (args.length === 1) {
      if (name === 'all') failAt(tok, 'missing argument: all() needs a collection and a condition');
      return { op: 'any', path };
    }
    return { op: name, path, where: toNode(args[1]!) };
  }
  if (name === 'null' || name === 'empty' || name === 'self')
    failAt(tok, `${name}() is a value, not an expression`);
  return failAt(tok, `unknown operator '${snip(name, 20)}'`);
}

const isLogical = (name: string) => name === 'and' || name === 'or' || name === 'not';

function comparison(op: CompareOp | 'like' | 'ilike', left: Item, right: Item): RqlNode {
  const path = toPath(left);
  if (right.k === 'call' && right.name === 'self') {
    if (op === 'like' || op === 'ilike')
      failAt(right.tok, `${op}() compares with a pattern, not self()`);
    return { op, path, ref: selfPath(right) };
  }
  const { value, bare } = toValue(right, op);
  if (op === 'like' || op === 'ilike') {
    if (value === null) failAt(right.tok, `${op}() needs a pattern, not null()`);
    if (typeof value === 'string' && value.length > MAX_PATTERN_LENGTH)
      failAt(right.tok, `${op}() pattern longer than ${MAX_PATTERN_LENGTH} characters`);
  }
  return bare ? { op, path, value, bare } : { op, path, value };
}

function selfPath(call: Extract<Item, { k: 'call' }>): string[] {
  if (call.args.length > 1) failAt(call.tok, 'self() takes at most one property');
  const [inner] = call.args;
  return inner ? toPath(inner) : [];
}

function toPath(item: Item): string[] {
  if (item.k === 'call' && item.name === 'self') return selfPath(item);
  if (item.k !== 'word' && item.k !== 'quoted')
    return failAt(item.tok, `expected a property, got ${describe(item)}`);
  const p = parseFieldPath(item.text.trim());
  if (!p.ok) failAt(item.tok, p.error);
  return p.value;
}

function toValue(item: Item, op: string): { value: RqlValue; bare?: true } {
  switch (item.k) {
    case 'quoted':
      return { value: item.text };
    case 'word':
      return { value: item.text, bare: true };
    case 'group':
      return failAt(item.tok, 'a parenthesised list of values is only allowed in in() and out()');
    case 'is':
      return failAt(item.tok, `expected a value in ${op}(), got a=b`);
    case 'call':
      if (item.name === 'null' || item.name === 'empty') {
        if (item.args.length > 0) failAt(item.tok, `${item.name}() takes no arguments`);
        // empty() is the empty string (mpt-rql-net: RqlEmpty -> string.Empty), never null.
        return { value: item.name === 'null' ? null : '' };
      }
      return failAt(item.tok, `expected a value, got ${snip(item.name, 20)}()`);
  }
}

/**
 * Parses the filter of a list request: decoded parts, each joined to the next with AND as a raw
 * `&` joins them (so `a=1|b=2&c=3` is `a=1` OR (`b=2` AND `c=3`), as the library reads the whole
 * query string). Undefined when the parts hold no expression. Never throws.
 */
export function parseFilter(parts: readonly string[]): Parsed<RqlNode | undefined> {
  try {
    const toks: Tok[] = [];
    for (const part of parts) {
      if (toks.length > 0) toks.push({ t: 'sep', or: false, pos: 0, src: part });
      lex(part, toks);
    }
    const parser = new Parser(toks);
    const seq = parser.seq(0);
    const stray = parser.toks[parser.i];
    if (stray) failAt(stray, "unbalanced parentheses: unexpected ')'");
    const items = seq.items.filter((item) => !(item.k === 'word' && isBlank(item.text)));
    if (items.length === 0) return ok(undefined);
    return ok(seqNode(seq, toks[0]!));
  } catch (e) {
    return failFromThrown(e);
  }
}

/** Parses one decoded RQL expression (`eq(status,Active)`, `a=1|b=2`). Never throws. */
export function parseRql(expression: string): Parsed<RqlNode> {
  const parsed = parseFilter([expression]);
  if (!parsed.ok) return parsed;
  if (!parsed.value) return { ok: false, error: 'empty expression' };
  return ok(parsed.value);
}
