/**
 * The snapshot half of the state file: the whole world as JSON in which an object met a second
 * time (the kit shares one copy of the program, client, parameters... among 100,000
 * certificates) is written once and then referred to by its place in the document. Written in
 * slices between requests, so a large world never holds the event loop; read with one
 * `JSON.parse` and one walk.
 *
 * A back-reference is an object whose only member is named "\u0000", its value the ordinal of
 * the object it repeats (objects numbered in document order, depth first, references not
 * counted). A real member whose name starts with "\u0000" is written with one more "\u0000".
 */
import { crc32 } from 'node:zlib';
import { nodeFiles, readBack, writeAll, type Files } from './files.js';
import { crcWithClose, sealOf } from './seal.js';

const REF = '\u0000';
/** Depth (the document's root is 0) from which a value is written whole by JSON.stringify. */
const WHOLE_FROM = 4;

/** The JSON text of `value` in slices of about `sliceBytes`, with back-references. */
export function* encodeSlices(value: unknown, sliceBytes = 1 << 20): Generator<string> {
  const seen = new Map<object, number>();
  let next = 0;
  let out = '';
  // An explicit stack: a deep world cannot overflow the call stack, and the walk can pause.
  type Frame = { keys: string[] | undefined; node: object; index: number };
  const stack: Frame[] = [];
  const open = (node: unknown): void => {
    if (typeof node !== 'object' || node === null) {
      out += node === undefined ? 'null' : JSON.stringify(node);
      return;
    }
    // toJSON (dates) as JSON.stringify would.
    const json = (node as { toJSON?: () => unknown }).toJSON;
    if (typeof json === 'function') {
      out += JSON.stringify(json.call(node));
      return;
    }
    const known = seen.get(node);
    if (known !== undefined) {
      out += `{"\\u0000":${known}}`;
      return;
    }
    // Deep enough to be small (one certificate, one customer): written by JSON.stringify, its
    // objects numbered in the same order (viewOf), several times faster than this walk.
    if (stack.length >= WHOLE_FROM) {
      out += JSON.stringify(viewOf(node));
      return;
    }
    seen.set(node, next++);
    if (Array.isArray(node)) {
      out += '[';
      stack.push({ keys: undefined, node, index: 0 });
    } else {
      out += '{';
      stack.push({
        keys: Object.keys(node).filter((k) => (node as Record<string, unknown>)[k] !== undefined),
        node,
        index: 0,
      });
    }
  };
  /** One back-reference object per ordinal, made once however often it is written. */
  const refs: Record<string, number>[] = [];
  /**
   * What JSON.stringify writes for `node`: a copy in which each object met before is its
   * back-reference (numbering the others as met, depth first, as the reader counts them) and
   * names starting with "\u0000" carry one more. Built in a walk over own members only (most
   * members of a certificate are strings or objects already met), then written by one native
   * JSON.stringify: several times faster than a replacer called for every member.
   */
  const viewOf = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    // toJSON (dates): JSON.stringify calls it, and what it gives is not numbered.
    if (typeof (node as { toJSON?: unknown }).toJSON === 'function') return node;
    const known = seen.get(node);
    if (known !== undefined) return (refs[known] ??= { [REF]: known });
    seen.set(node, next++);
    if (Array.isArray(node)) {
      const items: unknown[] = new Array(node.length);
      for (let i = 0; i < node.length; i++) items[i] = viewOf(node[i]);
      return items;
    }
    const record = node as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(record)) {
      const name = key.charCodeAt(0) === 0 ? REF + key : key;
      const member = viewOf(record[key]);
      if (name === '__proto__')
        Object.defineProperty(copy, name, { value: member, enumerable: true, writable: true });
      else copy[name] = member;
    }
    return copy;
  };
  open(value);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.keys === undefined) {
      const array = frame.node as unknown[];
      if (frame.index === array.length) {
        out += ']';
        stack.pop();
      } else {
        if (frame.index > 0) out += ',';
        open(array[frame.index++]);
      }
    } else if (frame.index === frame.keys.length) {
      out += '}';
      stack.pop();
    } else {
      const key = frame.keys[frame.index++]!;
      if (frame.index > 1) out += ',';
      out += `${JSON.stringify(key.startsWith(REF) ? REF + key : key)}:`;
      open((frame.node as Record<string, unknown>)[key]);
    }
    if (out.length >= sliceBytes) {
      yield out;
      out = '';
    }
  }
  if (out) yield out;
}

const isRef = (node: Record<string, unknown>) => {
  for (const key in node) return key === REF && typeof node[key] === 'number' && hasOneKey(node);
  return false;
};
const hasOneKey = (node: object) => {
  let n = 0;
  for (const _ in node) if (++n > 1) return false;
  return n === 1;
};

/** Resolves the back-references of a parsed document in place; returns the value. */
export function decode(value: unknown): unknown {
  const objects: object[] = [];
  const resolve = (node: unknown): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    const record = node as Record<string, unknown>;
    if (!Array.isArray(node) && isRef(record)) {
      const target = objects[record[REF] as number];
      if (target === undefined) throw new Error('a back-reference points at nothing');
      return target;
    }
    objects.push(node);
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) node[i] = resolve(node[i]);
      return node;
    }
    let escaped = false;
    for (const key of Object.keys(record)) {
      if (key.startsWith(REF)) escaped = true;
      record[key] = resolve(record[key]);
    }
    if (escaped) {
      // Rare: rebuild with the names unescaped, keeping their order.
      const entries = Object.entries(record);
      for (const [key] of entries) delete record[key];
      for (const [key, child] of entries) record[key.startsWith(REF) ? key.slice(1) : key] = child;
    }
    return node;
  };
  return resolve(value);
}

/**
 * Writes `value` to `path` (a new file) as a sealed document (seal.ts), yielding to other work
 * between slices; then fsyncs it and reads it back: its size and CRC must be what was written.
 * Any short or failed write throws, and so does a file that does not read back the same.
 */
export async function writeSlices(
  path: string,
  value: unknown,
  files: Files = nodeFiles,
): Promise<{ bytes: number; crc: number }> {
  const file = await files.open(path, 'w+');
  try {
    let bytes = 0;
    let crc = 0;
    // One slice is held back, so that the document's closing brace (its last character, and
    // ASCII) can be cut off the last one: the seal goes before it.
    let held: string | undefined;
    const put = async (text: string) => {
      const buffer = Buffer.from(text);
      await writeAll(file, buffer, bytes);
      crc = crc32(buffer, crc);
      bytes += buffer.length;
    };
    for (const slice of encodeSlices(value)) {
      if (held !== undefined) await put(held);
      held = slice;
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (held === undefined || !held.endsWith('}'))
      throw new Error('the snapshot is not a JSON object');
    await put(held.slice(0, -1));
    const contentBytes = bytes;
    const contentCrc = crcWithClose(new Uint8Array(0), crc);
    await put(sealOf(contentCrc, contentBytes));
    await file.sync();
    const back = await readBack(file, bytes + 1);
    if (back.bytes !== bytes || back.crc !== crc)
      throw new Error(
        `the snapshot written to ${path} does not read back as written (${back.bytes} of ${bytes} bytes, CRC ${back.crc === crc ? 'equal' : 'different'})`,
      );
    return { bytes, crc };
  } finally {
    await file.close();
  }
}
