/**
 * The request log on disk: segments `<state file>.<first seq, 12 digits>.log` beside the state
 * file, one sealed JSON record per line (seal.ts), numbered 1, 2, 3... without a gap across
 * segments. Reading it verifies every record's checksum and that the numbers follow on from the
 * snapshot's `throughSeq`; what cannot be vouched for is reported precisely (file, byte,
 * sequence number) and left as it is, unless the caller recovers: then the longest verified
 * prefix is kept and everything after it is moved aside, never deleted.
 */
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { openLine } from './seal.js';

export interface LoggedRecord {
  seq: number;
  [member: string]: unknown;
}

export interface Segment {
  path: string;
  firstSeq: number;
}

const prefixOf = (stateFile: string) => `${basename(stateFile)}.`;

export const segmentName = (stateFile: string, firstSeq: number) =>
  `${prefixOf(stateFile)}${String(firstSeq).padStart(12, '0')}.log`;

export const segmentPath = (stateFile: string, firstSeq: number) =>
  join(dirname(stateFile), segmentName(stateFile, firstSeq));

/** The log segments beside `stateFile`, oldest first. */
export function segments(stateFile: string): Segment[] {
  const folder = dirname(stateFile);
  const prefix = prefixOf(stateFile);
  const found: Segment[] = [];
  for (const name of readdirSync(folder)) {
    const match = name.startsWith(prefix)
      ? /^(\d{12})\.log$/.exec(name.slice(prefix.length))
      : null;
    if (match) found.push({ path: join(folder, name), firstSeq: Number(match[1]) });
  }
  return found.sort((a, b) => a.firstSeq - b.firstSeq);
}

/** Where the log stops being trustworthy. */
export interface LogDamage {
  path: string;
  byte: number;
  /** The sequence number expected there. */
  seq: number;
  reason: string;
  /** Complete records from there on (acknowledged writes a recovery drops). */
  dropped: number;
}

export interface VerifiedLog {
  /** The records after the snapshot's `throughSeq`, in order. */
  records: LoggedRecord[];
  lastSeq: number;
  /** Bytes of those records (what a restart replays). */
  bytes: number;
  /** A torn last record at the end of the last segment (a crash in mid-append): cut there. */
  torn?: { path: string; byte: number };
  /** Segments wholly covered by the snapshot (an interrupted clean-up left them). */
  covered: string[];
}

const lines = (buffer: Buffer, from: number) => {
  let n = 0;
  for (let at = buffer.indexOf(10, from); at !== -1; at = buffer.indexOf(10, at + 1)) n++;
  return n;
};

/**
 * Reads and verifies the log after a snapshot through `throughSeq`. `sealed: false` accepts
 * records without a checksum (a state file written before records carried one).
 */
export function readLog(
  stateFile: string,
  throughSeq: number,
  sealed = true,
): VerifiedLog | { damage: LogDamage } {
  const all = segments(stateFile);
  const covered: string[] = [];
  const records: LoggedRecord[] = [];
  let expected = throughSeq + 1;
  let bytes = 0;
  let torn: VerifiedLog['torn'];
  for (let i = 0; i < all.length; i++) {
    const segment = all[i]!;
    const next = all[i + 1];
    if (next && next.firstSeq <= throughSeq + 1) {
      covered.push(segment.path);
      continue;
    }
    const buffer = readFileSync(segment.path);
    const damage = (byte: number, reason: string): { damage: LogDamage } => ({
      damage: {
        path: segment.path,
        byte,
        seq: expected,
        reason,
        dropped:
          lines(buffer, byte) +
          all.slice(i + 1).reduce((n, later) => n + lines(readFileSync(later.path), 0), 0),
      },
    });
    let at = 0;
    while (at < buffer.length) {
      const end = buffer.indexOf(10, at);
      if (end === -1) {
        if (next)
          return damage(at, 'a torn record (no line end) in a segment that is not the last');
        torn = { path: segment.path, byte: at };
        break;
      }
      const opened = openLine(buffer.subarray(at, end), sealed);
      if (!opened.ok) return damage(at, `the record fails its check (${opened.problem})`);
      const seq = opened.value.seq;
      if (typeof seq !== 'number' || !Number.isInteger(seq))
        return damage(at, 'the record has no sequence number');
      if (at === 0 && seq !== segment.firstSeq)
        return damage(
          at,
          `the segment's name says it starts at seq ${segment.firstSeq}, its first record is seq ${seq}`,
        );
      if (seq > throughSeq) {
        if (seq !== expected)
          return damage(
            at,
            expected === throughSeq + 1 && records.length === 0
              ? `the snapshot covers writes through seq ${throughSeq}, the log goes on at seq ${seq}`
              : `seq ${seq} where seq ${expected} should follow (writes are missing)`,
          );
        records.push(opened.value as LoggedRecord);
        bytes += end + 1 - at;
        expected = seq + 1;
      }
      at = end + 1;
    }
  }
  return { records, lastSeq: expected - 1, bytes, ...(torn ? { torn } : {}), covered };
}

/** Complete records in every segment (the acknowledged writes a log holds). */
export const recordsIn = (stateFile: string) =>
  segments(stateFile).reduce((n, segment) => n + lines(readFileSync(segment.path), 0), 0);

/** A new folder beside the state file for what a recovery moves aside. */
export function asideFolder(stateFile: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const folder = join(dirname(stateFile), `${basename(stateFile)}.aside-${stamp}`);
  mkdirSync(folder, { recursive: true });
  return folder;
}

/**
 * Keeps the log up to `damage` and moves the rest into `folder`: the damaged segment's tail (as
 * `<segment>.from-byte-<n>`) and every later segment.
 */
export function moveAsideFrom(stateFile: string, damage: LogDamage, folder: string): void {
  const buffer = readFileSync(damage.path);
  writeFileSync(
    join(folder, `${basename(damage.path)}.from-byte-${damage.byte}`),
    buffer.subarray(damage.byte),
  );
  truncateSync(damage.path, damage.byte);
  for (const segment of segments(stateFile))
    if (segment.firstSeq > Number(/(\d{12})\.log$/.exec(damage.path)?.[1]))
      renameSync(segment.path, join(folder, basename(segment.path)));
}

/** Moves every segment (and the state file when `withSnapshot`) into `folder`. */
export function moveAsideAll(stateFile: string, folder: string, withSnapshot: boolean): void {
  for (const segment of segments(stateFile))
    renameSync(segment.path, join(folder, basename(segment.path)));
  if (withSnapshot) renameSync(stateFile, join(folder, basename(stateFile)));
}
