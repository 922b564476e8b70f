/**
 * A checksum inside a JSON document, so that each log record and the snapshot stay plain JSON
 * (`jq` reads them) and yet carry their own CRC-32: the seal is the document's last members,
 *
 *     {"seq":7,"at":"...",...,"crc":"1c291ca3"}                  (a log record, one line)
 *     {"format":"...","throughSeq":20000,"state":{...},"bytes":51234567,"crc":"9ae0b1c4"}
 *
 * and the CRC covers the document's own bytes with the seal taken out (`...}` without
 * `,"crc":"1c291ca3"` or `,"bytes":...,"crc":"..."`), `bytes` being that text's length. A new
 * member (a session id, say) goes before the seal and changes nothing here.
 */
import { crc32 } from 'node:zlib';

const CLOSE = Buffer.from('}');
const hex = (crc: number) => crc.toString(16).padStart(8, '0');

/** The CRC of an unsealed document `text` given as its bytes without the final `}`. */
export const crcWithClose = (open: Uint8Array, crc = 0) => crc32(CLOSE, crc32(open, crc));

/** The seal that closes a document whose bytes before it (final `}` excluded) have CRC `crc`. */
export const sealOf = (crc: number, bytes?: number) =>
  `${bytes === undefined ? '' : `,"bytes":${bytes}`},"crc":"${hex(crc)}"}`;

/** One log record as its line: the JSON of `record` with its seal, and a newline. */
export function sealLine(record: object): Buffer {
  const text = JSON.stringify(record);
  const open = Buffer.from(text.slice(0, -1));
  return Buffer.concat([open, Buffer.from(`${sealOf(crcWithClose(open))}\n`)]);
}

const lineSeal = /,"crc":"([0-9a-f]{8})"\}$/;
const documentSeal = /,"bytes":(\d+),"crc":"([0-9a-f]{8})"\}\s*$/;

export type Unsealed =
  | { ok: true; value: Record<string, unknown> }
  | { ok: false; problem: 'no seal' | 'checksum mismatch' | 'size mismatch' | 'not JSON' };

const parse = (bytes: Uint8Array): Unsealed => {
  try {
    const value: unknown = JSON.parse(Buffer.from(bytes).toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return { ok: true, value: value as Record<string, unknown> };
  } catch {
    // reported below
  }
  return { ok: false, problem: 'not JSON' };
};

/** A log line (without its newline) checked against its seal; `sealed: false` takes one without. */
export function openLine(line: Buffer, sealed = true): Unsealed {
  const tail = line.subarray(Math.max(0, line.length - 20)).toString('latin1');
  const match = lineSeal.exec(tail);
  if (!match) {
    if (sealed) return parse(line).ok ? { ok: false, problem: 'no seal' } : parse(line);
    return parse(line);
  }
  const open = line.subarray(0, line.length - match[0].length);
  if (hex(crcWithClose(open)) !== match[1]) return { ok: false, problem: 'checksum mismatch' };
  const parsed = parse(line);
  if (parsed.ok) delete parsed.value.crc;
  return parsed;
}

/** A whole sealed document (the snapshot) checked against its seal: size first, then the CRC. */
export function openDocument(
  file: Buffer,
): Unsealed | { ok: false; problem: 'size mismatch'; expected: number; found: number } {
  const tail = file.subarray(Math.max(0, file.length - 64)).toString('latin1');
  const match = documentSeal.exec(tail);
  if (!match) return parse(file).ok ? { ok: false, problem: 'no seal' } : parse(file);
  const open = file.subarray(0, file.length - (tail.length - match.index));
  const expected = Number(match[1]);
  if (open.length !== expected)
    return { ok: false, problem: 'size mismatch', expected, found: open.length };
  if (hex(crcWithClose(open)) !== match[2]) return { ok: false, problem: 'checksum mismatch' };
  const parsed = parse(file);
  if (parsed.ok) {
    delete parsed.value.bytes;
    delete parsed.value.crc;
  }
  return parsed;
}
