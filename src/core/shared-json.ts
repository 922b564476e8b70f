/**
 * JSON text read into the value `JSON.parse` gives, with one difference: an object or array
 * met at a depth of `shareFrom` or more whose text is the same as one met before is the same
 * object. A fixture of 100,000 certificates repeats the same program, client, licensee,
 * parameters and audit signers in every certificate; read this way, each repeated text is parsed
 * once and held once, so a big seed never holds a whole parsed copy beside the world it makes
 * (the kit's stored objects are never changed in place, so sharing them is safe).
 *
 * Containers down to `splitTo` are walked here, everything below is given to `JSON.parse`; the
 * walk checks the grammar of what it splits, `JSON.parse` that of the rest, so a text
 * `JSON.parse` refuses is refused here too (a `SyntaxError` naming the position).
 */
export interface SharedJsonOptions {
  /** Depth from which equal object and array texts share one value (root = 0). */
  shareFrom?: number;
  /** Deepest container walked here; deeper ones are parsed whole. */
  splitTo?: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export function parseShared(text: string, options: SharedJsonOptions = {}): unknown {
  const shareFrom = options.shareFrom ?? 4;
  const splitTo = options.splitTo ?? 4;
  const seen = new Map<string, unknown>();
  const keys = new Map<string, string>();
  let pos = 0;

  const fail = (what: string, at = pos): never => {
    throw new SyntaxError(`${what} in JSON at position ${at}`);
  };
  const spaces = () => {
    while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
  };
  /** The end of the string starting at `start` (just past its closing quote). */
  const stringEnd = (start: number): number => {
    let i = start + 1;
    for (;;) {
      const quote = text.indexOf('"', i);
      if (quote < 0) return fail('Unterminated string', start);
      let slashes = 0;
      for (let j = quote - 1; text.charCodeAt(j) === BACKSLASH; j--) slashes++;
      if (slashes % 2 === 0) return quote + 1;
      i = quote + 1;
    }
  };
  /** The end of the value starting at `start`, found without parsing it. */
  const valueEnd = (start: number): number => {
    const first = text.charCodeAt(start);
    if (first === QUOTE) return stringEnd(start);
    if (first === 0x7b || first === 0x5b) {
      let depth = 0;
      for (let i = start; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c === QUOTE) i = stringEnd(i) - 1;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          depth--;
          if (depth === 0) return i + 1;
        }
      }
      return fail('Unterminated container', start);
    }
    let i = start;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x2c || c === 0x5d || c === 0x7d || isSpace(c)) break;
      i++;
    }
    return i === start
      ? fail(
          start < text.length ? `Unexpected '${text[start]!}'` : 'Unexpected end of input',
          start,
        )
      : i;
  };
  const leaf = (start: number, end: number): unknown => {
    try {
      return JSON.parse(text.slice(start, end));
    } catch (error) {
      throw new SyntaxError(
        `${(error as Error).message} (in the value that starts at position ${start})`,
        { cause: error },
      );
    }
  };
  const key = (): string => {
    if (text.charCodeAt(pos) !== QUOTE) fail('Expected a member name');
    const end = stringEnd(pos);
    const raw = text.slice(pos, end);
    let name = keys.get(raw);
    if (name === undefined) {
      name = leaf(pos, end) as string;
      keys.set(raw, name);
    }
    pos = end;
    return name;
  };
  const value = (depth: number): unknown => {
    spaces();
    const start = pos;
    const first = text.charCodeAt(start);
    if (first !== 0x7b && first !== 0x5b) {
      pos = valueEnd(start);
      return leaf(start, pos);
    }
    if (depth < shareFrom) {
      if (depth <= splitTo) return split(depth);
      pos = valueEnd(start);
      return leaf(start, pos);
    }
    const end = valueEnd(start);
    const raw = text.slice(start, end);
    if (seen.has(raw)) {
      pos = end;
      return seen.get(raw);
    }
    let built: unknown;
    if (depth <= splitTo) built = split(depth);
    else {
      pos = end;
      built = leaf(start, end);
    }
    seen.set(raw, built);
    return built;
  };
  /** The object or array at `pos`, its members read by `value`. */
  const split = (depth: number): unknown => {
    const open = text.charCodeAt(pos);
    pos++;
    spaces();
    if (open === 0x5b) {
      const items: unknown[] = [];
      if (text.charCodeAt(pos) === 0x5d) return (pos++, items);
      for (;;) {
        items.push(value(depth + 1));
        spaces();
        const c = text.charCodeAt(pos++);
        if (c === 0x5d) return items;
        if (c !== 0x2c) fail("Expected ',' or ']'", pos - 1);
      }
    }
    const object: Record<string, unknown> = {};
    if (text.charCodeAt(pos) === 0x7d) return (pos++, object);
    for (;;) {
      spaces();
      const name = key();
      spaces();
      if (text.charCodeAt(pos++) !== 0x3a) fail("Expected ':'", pos - 1);
      const member = value(depth + 1);
      // As JSON.parse: an own member even when named __proto__.
      if (name === '__proto__')
        Object.defineProperty(object, name, {
          value: member,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else object[name] = member;
      spaces();
      const c = text.charCodeAt(pos++);
      if (c === 0x7d) return object;
      if (c !== 0x2c) fail("Expected ',' or '}'", pos - 1);
    }
  };

  spaces();
  if (pos >= text.length) fail('Unexpected end of input');
  const result = value(0);
  spaces();
  if (pos < text.length) fail('Unexpected non-whitespace character after JSON');
  return result;
}
