/**
 * JSON text read into the value `JSON.parse` gives, with one difference: an object or array
 * met at a depth of `shareFrom` or more whose text is the same as one met before is the same
 * object. A fixture of 100,000 certificates repeats the same program, client, licensee,
 * parameters and audit signers in every certificate; read this way, each repeated text is parsed
 * once and held once, so a big seed never holds a whole parsed copy beside the world it makes
 * (the kit's stored objects are never changed in place, so sharing them is safe).
 *
 * The text may come in pieces (`sharedJsonStream`: the bytes of a request body as they arrive).
 * Containers above `streamFrom` are built as their members come; a value at `streamFrom` or
 * deeper (one certificate) is read once its text is all there, and the text before it is let
 * go, so a body of hundreds of megabytes is never held whole, as bytes or as text.
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
  /** Depth from which a value is read only once its whole text has come (streams). */
  streamFrom?: number;
}

export interface SharedJsonStreamOptions extends SharedJsonOptions {
  /** Bytes gathered before they are read (fewer restarts of a value cut by a piece). */
  pieceBytes?: number;
}

/** A JSON text read piece by piece, as UTF-8 bytes (a leading byte order mark is skipped). */
export interface SharedJsonStream {
  write(bytes: Uint8Array): void;
  /** The value, after the last piece; a `SyntaxError` if the text is not JSON. */
  end(): unknown;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
/** Texts seen once are forgotten past this many (they keep the text they were cut from). */
const ONCE_AT_MOST = 8192;

/** From a position inside a container: its strings (whole) and characters other than brackets. */
// Written unrolled (a run, then each escape or string followed by a run): no two ways to match
// the same text, so a string that does not end costs one pass, never a backtracking storm.
const BETWEEN = /[^"{}[\]]*(?:"[^"\\]*(?:\\[^][^"\\]*)*"[^"{}[\]]*)*/y;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** Thrown inside the reader when a value runs past the text read so far. */
const INCOMPLETE = Symbol('incomplete');

/** A copy of `text` that keeps nothing of the longer text it may be a slice of. */
const own = (text: string): string => JSON.parse(JSON.stringify(text)) as string;

interface Reader {
  /** Reads what `text` completes; `last`: no text follows. */
  add(text: string, last: boolean): void;
  value(): unknown;
}

function createReader(options: SharedJsonOptions): Reader {
  const shareFrom = options.shareFrom ?? 4;
  const splitTo = options.splitTo ?? 4;
  const streamFrom = options.streamFrom ?? 3;
  // Texts met twice or more (their keys copied, so they hold no piece of the input), and texts
  // met once (cut from the input, so forgotten when there are many).
  const often = new Map<string, { text: string; value: unknown }>();
  /** By member name, the text met often last under it, with its value. */
  const lastBy = new Map<string, { text: string; value: unknown }>();
  let once = new Map<string, unknown>();
  const keys = new Map<string, string>();
  /** The text not yet consumed; `base`: how many characters came before it. */
  let text = '';
  let base = 0;
  let pos = 0;
  let last = false;
  /** Containers above `streamFrom` still open (their members so far). */
  type Frame = {
    array?: unknown[];
    object?: Record<string, unknown>;
    key?: string;
    state: 'first' | 'key' | 'colon' | 'value' | 'after';
  };
  const stack: Frame[] = [];
  let root: { value: unknown } | undefined;
  /** A value cut by the end of the text is tried again once this much text is there. */
  let retryAt = 0;

  const fail = (what: string, at = pos): never => {
    if (!last && at >= text.length) throw INCOMPLETE;
    throw new SyntaxError(`${what} in JSON at position ${base + at}`);
  };
  const spaces = () => {
    // Most texts have no blank between tokens: one look, no loop.
    if (text.charCodeAt(pos) > 0x20) return;
    while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
  };
  /** The end of the string starting at `start` (just past its closing quote). */
  const stringEnd = (start: number): number => {
    let i = start + 1;
    for (;;) {
      const quote = text.indexOf('"', i);
      if (quote < 0) return fail('Unterminated string', last ? start : text.length);
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
      for (let i = start; i < text.length;) {
        const c = text.charCodeAt(i);
        if (c === 0x7b || c === 0x5b) {
          depth++;
          i++;
        } else if (c === 0x7d || c === 0x5d) {
          i++;
          if (--depth === 0) return i;
        } else {
          // Whole strings and everything but brackets, skipped by the regular expression
          // engine; what stops it short of a bracket is a string that does not end here.
          BETWEEN.lastIndex = i;
          BETWEEN.test(text);
          if (BETWEEN.lastIndex === i) break;
          i = BETWEEN.lastIndex;
        }
      }
      return fail('Unterminated container', last ? start : text.length);
    }
    let i = start;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x2c || c === 0x5d || c === 0x7d || isSpace(c)) break;
      i++;
    }
    // A number or a literal that ends with the text so far may go on in the next piece.
    if (i === text.length && !last) throw INCOMPLETE;
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
        `${(error as Error).message} (in the value that starts at position ${base + start})`,
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
      if (keys.size >= ONCE_AT_MOST) keys.clear();
      keys.set(own(raw), name);
    }
    pos = end;
    return name;
  };
  const value = (depth: number, name?: string): unknown => {
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
    // The text met often last under this member name, compared whole (no hash to compute): one
    // certificate's program is most often the one before's.
    const last = name === undefined ? undefined : lastBy.get(name);
    if (last !== undefined && last.text.length === raw.length && last.text === raw) {
      pos = end;
      return last.value;
    }
    let known = often.get(raw);
    if (known === undefined) {
      const built = once.get(raw);
      if (built !== undefined) {
        once.delete(raw);
        known = { text: own(raw), value: built };
        often.set(known.text, known);
      }
    }
    if (known !== undefined) {
      if (name !== undefined) {
        if (lastBy.size >= ONCE_AT_MOST) lastBy.clear();
        lastBy.set(name, known);
      }
      pos = end;
      return known.value;
    }
    let built: unknown;
    if (depth <= splitTo) built = split(depth);
    else {
      pos = end;
      built = leaf(start, end);
    }
    if (once.size >= ONCE_AT_MOST) once = new Map();
    once.set(raw, built);
    return built;
  };
  /** As JSON.parse: an own member even when named __proto__. */
  const put = (object: Record<string, unknown>, name: string, member: unknown) => {
    if (name === '__proto__')
      Object.defineProperty(object, name, {
        value: member,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else object[name] = member;
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
      put(object, name, value(depth + 1, name));
      spaces();
      const c = text.charCodeAt(pos++);
      if (c === 0x7d) return object;
      if (c !== 0x2c) fail("Expected ',' or '}'", pos - 1);
    }
  };

  /** A finished value, given to the container it is in (or the root). */
  const attach = (member: unknown) => {
    const frame = stack[stack.length - 1];
    if (!frame) root = { value: member };
    else {
      if (frame.array) frame.array.push(member);
      else put(frame.object!, frame.key!, member);
      frame.state = 'after';
    }
  };
  /**
   * Reads what `read` reads, from `pos`; false if the text runs out first (then `pos` is back
   * where it was, and the value is read again once more text has come).
   */
  const whole = (read: () => void): boolean => {
    const start = pos;
    if (!last && base + text.length < retryAt) return false;
    try {
      read();
      return true;
    } catch (error) {
      if (error !== INCOMPLETE) throw error;
      pos = start;
      // Tried again when the text has doubled past its start: a long value is not read again
      // for every piece (linear, not quadratic, in its length).
      retryAt = base + text.length + (text.length - start);
      return false;
    }
  };
  /** A value at the depth of the stack: an open container above `streamFrom`, or whole. */
  const begin = (): boolean => {
    const c = text.charCodeAt(pos);
    if (stack.length < streamFrom && (c === 0x7b || c === 0x5b)) {
      pos++;
      stack.push(c === 0x5b ? { array: [], state: 'first' } : { object: {}, state: 'first' });
      return true;
    }
    const depth = stack.length;
    return whole(() => attach(value(depth)));
  };
  const close = () => {
    pos++;
    const frame = stack.pop()!;
    attach(frame.array ?? frame.object);
  };
  /** Reads as far as the text goes. */
  const pump = () => {
    for (;;) {
      spaces();
      if (pos >= text.length) return;
      const frame = stack[stack.length - 1];
      if (!frame) {
        if (root) fail('Unexpected non-whitespace character after JSON');
        if (!begin()) return;
        continue;
      }
      const c = text.charCodeAt(pos);
      switch (frame.state) {
        case 'first':
          if (c === (frame.array ? 0x5d : 0x7d)) {
            close();
            continue;
          }
          frame.state = frame.array ? 'value' : 'key';
          continue;
        case 'key':
          if (!whole(() => (frame.key = key()))) return;
          frame.state = 'colon';
          continue;
        case 'colon':
          if (c !== 0x3a) fail("Expected ':'");
          pos++;
          frame.state = 'value';
          continue;
        case 'value':
          if (!begin()) return;
          continue;
        case 'after':
          if (c === 0x2c) {
            pos++;
            frame.state = frame.array ? 'value' : 'key';
          } else if (c === (frame.array ? 0x5d : 0x7d)) close();
          else fail(frame.array ? "Expected ',' or ']'" : "Expected ',' or '}'");
      }
    }
  };

  return {
    add(more, isLast) {
      // What was read is let go: the rest (a cut value) and the new text become one string.
      text = pos > 0 ? text.slice(pos) + more : text + more;
      base += pos;
      pos = 0;
      last = isLast;
      pump();
      if (last) {
        spaces();
        if (!root) fail('Unexpected end of input');
      }
    },
    value: () => root?.value,
  };
}

export function parseShared(text: string, options: SharedJsonOptions = {}): unknown {
  const reader = createReader(options);
  reader.add(text, true);
  return reader.value();
}

/**
 * The WHATWG decoder, in every browser and in Node: the core is checked without either's types
 * (tsconfig.core.json), so the little it uses is declared here.
 */
declare const TextDecoder: new (
  label?: string,
  options?: { ignoreBOM?: boolean },
) => { decode(bytes?: Uint8Array): string };

/** Where `bytes` may be cut so that no character is split: before an incomplete last one. */
function wholeCharacters(bytes: Uint8Array): number {
  let i = bytes.length - 1;
  let back = 0;
  for (; i >= 0 && back < 3 && (bytes[i]! & 0xc0) === 0x80; i--) back++;
  if (i < 0) return bytes.length;
  const lead = bytes[i]!;
  const needs = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.length - i < needs ? i : bytes.length;
}

/** `parseShared` over a text that comes as UTF-8 bytes, piece by piece (a request body). */
export function sharedJsonStream(options: SharedJsonStreamOptions = {}): SharedJsonStream {
  const reader = createReader(options);
  // Bytes are gathered into one block and decoded a block at a time, cut between characters:
  // one decoder call and one string per block, several times faster than a decoder in
  // streaming mode. As the whole body decoded at once: a leading byte order mark skipped (by
  // the first decoder only), bad bytes U+FFFD. 64 KB: a block's text is a string of ordinary
  // size, which dies young; texts of megabytes outlive the young generation and stay until a
  // full collection (275 MB of them for a 100,000-certificate fixture).
  const block = new Uint8Array(Math.max(4, options.pieceBytes ?? 64 << 10));
  let filled = 0;
  let decoder = new TextDecoder();
  const later = new TextDecoder('utf-8', { ignoreBOM: true });
  /** Reads the block's whole characters (all its bytes when `last`); keeps the cut one. */
  const read = (last: boolean) => {
    const cut = last ? filled : wholeCharacters(block.subarray(0, filled));
    const text = cut === 0 ? '' : decoder.decode(block.subarray(0, cut));
    if (cut > 0) decoder = later;
    block.copyWithin(0, cut, filled);
    filled -= cut;
    reader.add(text, last);
  };
  return {
    write(bytes) {
      for (let from = 0; from < bytes.length;) {
        const taken = Math.min(bytes.length - from, block.length - filled);
        block.set(bytes.subarray(from, from + taken), filled);
        filled += taken;
        from += taken;
        if (filled === block.length) read(false);
      }
    },
    end() {
      read(true);
      return reader.value();
    },
  };
}
