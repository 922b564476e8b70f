/**
 * Keeping a shared team mock's world across restarts, at the cost of what each write changes:
 *
 *  - the **log**: every request that may change the world (an API write, a control reset,
 *    clock, seed or vetting) is appended, with the virtual instant it runs at, as one JSON line
 *    to the current log segment and fsynced *before* it runs; requests arriving together share
 *    one fsync. Only once it is durable is it applied in memory and answered. A request that
 *    cannot be logged is answered 503 in the API's own shape and never runs: nothing changed.
 *  - the **snapshot** (the state file itself): the whole world, written in the background in
 *    slices once the log holds enough (a new segment is started at that instant), then the
 *    segments it covers are deleted.
 *  - **start**: the snapshot, then every logged request after it, replayed in order at its own
 *    virtual instant. Replay is deterministic (same state, same request, same instant, same id
 *    sequence give the same answer), so idempotency records (Partner Center `MS-RequestId`) come
 *    back with the requests that made them; the snapshot keeps those it holds (they are part of the Partner Center state).
 *
 * The log holds requests, not objects, so it does not depend on the shape of any API's objects;
 * the snapshot is what `control.state()` gives. See docs/decisions/0022-request-log-persistence.md.
 */
import {
  closeSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fixtureProblems } from '../../src/core/fixture.js';
import { defaultSeed } from '../../src/core/seed.js';
import { Refusal } from '../../src/core/problem.js';
import { problem } from '../../src/apis/control.js';
import type { Seed } from '../../src/core/world.js';
import type { KitPart, KitRequest, KitResponse } from '../../src/http/types.js';
import type { Kit } from '../../src/kit.js';
import type { ApiName } from '../../src/schema/index.js';
import { decode, encodeSlices, writeSlices } from './snapshot.js';

/** state@1: plain JSON (read only); state@2: with back-references and the log position. */
export const STATE_FORMAT = 'eligibility-mock-kit/state@2';
const READABLE_FORMATS = new Set(['eligibility-mock-kit/state@1', STATE_FORMAT]);

export class StateFileError extends Error {}

interface Snapshot {
  format: string;
  /** Real time the snapshot was taken at. */
  savedAt: string;
  state: Seed;
  /** The last logged request the snapshot includes (0: none). */
  throughSeq?: number;
}

/** One logged request. */
interface Entry {
  seq: number;
  /** The virtual instant it runs at. */
  at: string;
  /** The real time it was logged (the clock moves on by the time the server was down). */
  real: number;
  api: ApiName | 'control';
  method: string;
  path: string;
  query: string;
  headers: Record<string, string>;
  body?: string;
  /** A multipart body's parts (file bytes base64), so a replay stores the same bytes. */
  parts?: KitPart[];
  bodyBytes?: number;
  /** For a control reset: the instant the world was made at (reset goes back to its seed). */
  start?: string;
}

export interface PersistenceOptions {
  /** Log entries after which a snapshot is taken (default 20,000). */
  snapshotEvery?: number;
  /** Log bytes after which a snapshot is taken (default 64 MB). */
  snapshotBytes?: number;
  /** Opens a log segment for appending (a test passes one that fails). */
  openSegment?: (path: string) => Promise<FileHandle>;
  /** Told about background problems (a snapshot that failed); default console.error. */
  warn?: (message: string) => void;
}

/** The kit's answers, some of them once the change is durable. */
export interface Door {
  handle(api: ApiName, request: KitRequest): KitResponse | Promise<KitResponse>;
  handleControl(request: KitRequest, path: string): KitResponse | Promise<KitResponse>;
}

export interface Store extends Door {
  /** Where the world came from, and how long restoring it took. */
  readonly restored: { snapshot: boolean; replayed: number; ms: number };
  /** Waits for the writes in flight and a snapshot being written, then closes the log. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------- files

const segmentPrefix = (stateFile: string) => `${basename(stateFile)}.`;
const segmentName = (stateFile: string, firstSeq: number) =>
  `${segmentPrefix(stateFile)}${String(firstSeq).padStart(12, '0')}.log`;

/** The log segments beside `stateFile`, oldest first. */
function segments(stateFile: string): { path: string; firstSeq: number }[] {
  const folder = dirname(stateFile);
  const prefix = segmentPrefix(stateFile);
  const found: { path: string; firstSeq: number }[] = [];
  for (const name of readdirSync(folder)) {
    const match = name.startsWith(prefix)
      ? /^(\d{12})\.log$/.exec(name.slice(prefix.length))
      : null;
    if (match) found.push({ path: join(folder, name), firstSeq: Number(match[1]) });
  }
  return found.sort((a, b) => a.firstSeq - b.firstSeq);
}

function syncFolder(path: string): void {
  const folder = openSync(dirname(path), 'r');
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
}

/** The snapshot in `path`, or undefined when there is none yet. */
export function readSnapshot(path: string): Snapshot | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`Cannot read the state file ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new StateFileError(
      `The state file ${path} is not valid JSON (${(error as Error).message}). It may be corrupt; the mock will not overwrite it. Move it away or pass another --state-file.`,
    );
  }
  const file = parsed as Partial<Snapshot> | null;
  if (
    typeof file !== 'object' ||
    file === null ||
    !READABLE_FORMATS.has(String(file.format)) ||
    typeof file.state !== 'object' ||
    file.state === null
  ) {
    throw new StateFileError(
      `The file ${path} is not a state file of this kit (expected "format": "${STATE_FORMAT}"). The mock will not overwrite it. Move it away or pass another --state-file.`,
    );
  }
  try {
    decode(file);
  } catch (error) {
    throw new StateFileError(`The state file ${path} is damaged: ${(error as Error).message}.`);
  }
  return {
    ...(file as Snapshot),
    savedAt: typeof file.savedAt === 'string' ? file.savedAt : new Date().toISOString(),
  };
}

/** The logged requests of one segment; a torn last line (a crash mid-append) is cut off. */
function readSegment(path: string): { entries: Entry[]; goodBytes: number; torn: boolean } {
  const text = readFileSync(path, 'utf8');
  const entries: Entry[] = [];
  let at = 0;
  while (at < text.length) {
    const end = text.indexOf('\n', at);
    if (end === -1) break;
    try {
      entries.push(JSON.parse(text.slice(at, end)) as Entry);
    } catch {
      throw new StateFileError(
        `The log ${path} is damaged at byte ${Buffer.byteLength(text.slice(0, at))}; the mock will not change it. Move it away (losing the writes it holds) or restore it.`,
      );
    }
    at = end + 1;
  }
  const goodBytes = Buffer.byteLength(text.slice(0, at));
  return { entries, goodBytes, torn: at < text.length };
}

/** Writes a snapshot atomically: temporary file (slices, fsync), rename, fsync of the folder. */
async function writeSnapshot(path: string, snapshot: Snapshot): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeSlices(temporary, snapshot);
    await rename(temporary, path);
    syncFolder(path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

function writeSnapshotNow(path: string, snapshot: Snapshot): void {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'w', 0o644);
  try {
    for (const slice of encodeSlices(snapshot)) {
      const buffer = Buffer.from(slice);
      let written = 0;
      while (written < buffer.length)
        written += writeSync(fd, buffer, written, buffer.length - written);
    }
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  syncFolder(path);
}

// ---------------------------------------------------------------- replay

const reads = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Control requests that change the world (faults are runtime knobs, not state). */
const controlWrite = /^POST \/(reset|clock|seed|partner-center\/customers\/[^/]+\/vetting)\/?$/;

const isControlWrite = (request: KitRequest, path: string) =>
  controlWrite.test(`${request.method.toUpperCase()} ${path}`);

/** Headers a replay needs (the rest is the connection's, not the request's). */
const dropped = new Set([
  'host',
  'connection',
  'content-length',
  'cookie',
  'user-agent',
  'accept-encoding',
  'keep-alive',
  'transfer-encoding',
  'origin',
  'referer',
]);

function keptHeaders(headers: KitRequest['headers']): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers))
    if (value !== undefined && !dropped.has(name) && !name.startsWith('sec-')) kept[name] = value;
  return kept;
}

const requestOf = (entry: Entry): KitRequest => ({
  method: entry.method,
  path: entry.path,
  rawQuery: entry.query,
  headers: entry.headers,
  body: entry.body,
  ...(entry.parts ? { parts: entry.parts } : {}),
  ...(entry.bodyBytes !== undefined ? { bodyBytes: entry.bodyBytes } : {}),
});

/** Runs one logged request on `kit` at its own instant. */
function replay(kit: Kit, entry: Entry): void {
  const { world } = kit;
  if (entry.api === 'control' && /^\/reset\/?$/.test(entry.path) && entry.start) {
    // What reset does, from the world the logging server was made at.
    const start = new Date(entry.start);
    world.clock.set(start);
    world.load(defaultSeed(start));
    world.clock.set(start);
    return;
  }
  const at = new Date(entry.at);
  world.clock.set(at);
  // As the live server ran it: reset, clock and seed from the instant; the rest held at it.
  if (entry.api === 'control' && !entry.path.startsWith('/partner-center/'))
    kit.handleControl(requestOf(entry), entry.path);
  else if (entry.api === 'control')
    world.clock.holding(at, () => kit.handleControl(requestOf(entry), entry.path));
  else world.clock.holding(at, () => kit.handle(entry.api as ApiName, requestOf(entry)));
}

/** Restores snapshot and log into `kit` (made ticking); returns what it found. */
function restore(kit: Kit, stateFile: string) {
  const snapshot = readSnapshot(stateFile);
  const { world } = kit;
  let lastAt: number | undefined;
  let lastReal: number | undefined;
  let throughSeq = 0;
  if (snapshot) {
    const problems = fixtureProblems(snapshot.state);
    if (problems.length > 0)
      throw new StateFileError(
        `The state file ${stateFile} does not hold a world this kit can load (${problems.join('; ')}). The mock will not overwrite it. Move it away or pass another --state-file.`,
      );
    try {
      world.load(snapshot.state);
    } catch (error) {
      throw new StateFileError(
        `The state file ${stateFile} cannot be loaded: ${(error as Error).message}. The mock will not overwrite it.`,
      );
    }
    throughSeq = snapshot.throughSeq ?? 0;
    if (snapshot.state.now) lastAt = Date.parse(snapshot.state.now);
    lastReal = Date.parse(snapshot.savedAt);
  }
  let replayed = 0;
  let lastSeq = throughSeq;
  for (const segment of segments(stateFile)) {
    const { entries, goodBytes, torn } = readSegment(segment.path);
    // A crash in the middle of an append: that write was never acknowledged.
    if (torn) truncateSync(segment.path, goodBytes);
    for (const entry of entries) {
      if (entry.seq <= lastSeq) continue;
      replay(kit, entry);
      lastSeq = entry.seq;
      lastAt = world.clock.now().getTime();
      lastReal = entry.real;
      replayed++;
    }
  }
  world.journal.clear();
  // The virtual clock went on while the server was down, as real time did.
  if (lastAt !== undefined && lastReal !== undefined) {
    const down = Date.now() - lastReal;
    world.clock.set(new Date(lastAt + Math.max(0, down)));
  }
  world.settle();
  return { snapshot: snapshot !== undefined, replayed, lastSeq, throughSeq };
}

/** The state a state file and its log hold, as `control.state()` gives it (for tests, tools). */
export function readState(stateFile: string, makeKit: () => Kit): Seed | undefined {
  if (readSnapshot(stateFile) === undefined && segments(stateFile).length === 0) return undefined;
  const kit = makeKit();
  restore(kit, stateFile);
  return kit.control.state();
}

/**
 * The state of one instant, safe to write out slice by slice while requests go on: the Program
 * API's stored objects are replaced on every change, never changed in place (copy on write), so
 * the large collections are kept as they are; every smaller one (Partner Center's customers,
 * whose qualifications change in place, programs, tokens...) is copied now.
 */
function frozen(state: Seed): Seed {
  const copy = (section: object | undefined) =>
    section &&
    Object.fromEntries(
      Object.entries(section).map(([key, value]) => [
        key,
        Array.isArray(value) && value.length <= 10_000 ? structuredClone(value) : value,
      ]),
    );
  return {
    ...state,
    ...(state.program ? { program: copy(state.program) } : {}),
    ...(state.partnerCenter ? { partnerCenter: copy(state.partnerCenter) } : {}),
  };
}

// ---------------------------------------------------------------- the store

/**
 * Opens the state file for `kit` (restoring what it holds) and returns the door that logs every
 * change before making it. `start` is the instant the kit's world was made at (what a reset
 * returns to). The caller holds the state file's lock.
 */
export async function openStore(
  kit: Kit,
  stateFile: string,
  start: Date,
  options: PersistenceOptions = {},
): Promise<Store> {
  const snapshotEvery = options.snapshotEvery ?? 20_000;
  const snapshotBytes = options.snapshotBytes ?? 64 * 1024 * 1024;
  const openSegment = options.openSegment ?? ((path: string) => open(path, 'a', 0o644));
  const warn = options.warn ?? ((message: string) => console.error(message));
  const { world } = kit;

  const restoring = performance.now();
  const found = restore(kit, stateFile);
  const restoreMs = performance.now() - restoring;
  /** The last sequence number handed out, and the last one durable in the log. */
  let seq = found.lastSeq;
  let durableSeq = seq;
  /** Set after a failed append that could not be cut off: the size the segment must go back to. */
  let dirtyFrom: number | undefined;
  const takeSnapshot = (throughSeq: number): Snapshot => ({
    format: STATE_FORMAT,
    savedAt: new Date().toISOString(),
    throughSeq,
    state: frozen(kit.control.state()),
  });
  if (!found.snapshot) writeSnapshotNow(stateFile, takeSnapshot(seq));

  let segment = await openSegment(join(dirname(stateFile), segmentName(stateFile, seq + 1)));
  syncFolder(stateFile);
  let segmentSize = (await segment.stat()).size;
  let sinceSnapshot = seq - found.throughSeq;
  let logBytes = segmentSize;
  let snapshotting: Promise<void> | undefined;

  interface Pending {
    seq: number;
    line: string;
    done: (error?: Error) => void;
  }
  let queue: Pending[] = [];
  let writing: Promise<void> | undefined;

  /** Appends the queued lines with one write and one fsync; on failure cuts them off again. */
  async function flush(): Promise<void> {
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      const buffer = Buffer.from(batch.map((p) => p.line).join(''));
      const before = segmentSize;
      try {
        if (dirtyFrom !== undefined) {
          await segment.truncate(dirtyFrom);
          dirtyFrom = undefined;
        }
        await segment.write(buffer, 0, buffer.length, null);
        await segment.datasync();
        segmentSize += buffer.length;
        logBytes += buffer.length;
        sinceSnapshot += batch.length;
        durableSeq = batch[batch.length - 1]!.seq;
        for (const pending of batch) pending.done();
      } catch (error) {
        // Nothing half written may stay: the next line would be glued to it.
        dirtyFrom = before;
        await segment
          .truncate(before)
          .then(() => (dirtyFrom = undefined))
          .catch(() => undefined);
        for (const pending of batch) pending.done(error as Error);
      }
      // The requests just made durable run before anything else (their continuations).
      await new Promise((resolve) => setImmediate(resolve));
      if (!snapshotting && (sinceSnapshot >= snapshotEvery || logBytes >= snapshotBytes))
        await startSnapshot();
    }
  }

  /** Starts a new segment and writes the snapshot of this instant in the background. */
  async function startSnapshot(): Promise<void> {
    // Lines queued but not yet written go to the new segment; they have not run yet either.
    const covered = durableSeq;
    let fresh: FileHandle;
    try {
      fresh = await openSegment(join(dirname(stateFile), segmentName(stateFile, covered + 1)));
    } catch (error) {
      warn(`Cannot start a new log segment: ${(error as Error).message}`);
      return;
    }
    const old = segment;
    segment = fresh;
    segmentSize = (await fresh.stat()).size;
    sinceSnapshot = 0;
    logBytes = 0;
    await old.close();
    const snapshot = takeSnapshot(covered);
    snapshotting = (async () => {
      try {
        await writeSnapshot(stateFile, snapshot);
        for (const older of segments(stateFile))
          if (older.firstSeq <= covered) await unlink(older.path);
      } catch (error) {
        warn(`The background snapshot failed (the log keeps every write): ${String(error)}`);
      } finally {
        snapshotting = undefined;
      }
    })();
  }

  function append(entry: Omit<Entry, 'seq'>): Promise<void> {
    const full = { seq: ++seq, ...entry };
    return new Promise<void>((resolve, reject) => {
      queue.push({
        seq: full.seq,
        line: `${JSON.stringify(full)}\n`,
        done: (error) => (error ? reject(error) : resolve()),
      });
      writing ??= flush().finally(() => (writing = undefined));
    });
  }

  const notSaved = (error: unknown) =>
    `The change could not be saved to the state file (${(error as Error).message ?? String(error)}); it was not made. Retry later.`;

  const entryOf = (api: Entry['api'], request: KitRequest, path = request.path) => ({
    at: world.clock.now().toISOString(),
    real: Date.now(),
    api,
    method: request.method.toUpperCase(),
    path,
    query: request.rawQuery,
    headers: keptHeaders(request.headers),
    ...(request.body !== undefined ? { body: request.body } : {}),
    ...(request.parts ? { parts: request.parts } : {}),
    ...(request.bodyBytes !== undefined ? { bodyBytes: request.bodyBytes } : {}),
  });

  /** Runs at the instant logged, as the replay will; then the clock goes on as before. */
  const atLoggedInstant = (at: string, run: () => KitResponse) =>
    world.clock.holding(new Date(at), run);

  let closed = false;
  return {
    restored: { snapshot: found.snapshot, replayed: found.replayed, ms: restoreMs },
    async handle(api, request) {
      if (reads.has(request.method.toUpperCase())) return kit.handle(api, request);
      const begun = kit.begin(api, request);
      if (begun.answer) return begun.answer;
      const entry = entryOf(api, request);
      try {
        if (closed) throw new Error('the server is stopping');
        await append(entry);
      } catch (error) {
        return kit.refuse(api, request, new Refusal('ServiceUnavailable', notSaved(error)));
      }
      return atLoggedInstant(entry.at, begun.run!);
    },
    async handleControl(request, path) {
      if (!isControlWrite(request, path)) return kit.handleControl(request, path);
      const entry = {
        ...entryOf('control', request, path),
        ...(/^\/reset\/?$/.test(path) ? { start: start.toISOString() } : {}),
      };
      try {
        if (closed) throw new Error('the server is stopping');
        await append(entry);
      } catch (error) {
        return problem(503, notSaved(error));
      }
      if (!path.startsWith('/partner-center/')) {
        // Reset, clock and seed set the clock themselves, from the instant logged.
        world.clock.set(new Date(entry.at));
        return kit.handleControl(request, path);
      }
      return atLoggedInstant(entry.at, () => kit.handleControl(request, path));
    },
    async close() {
      closed = true;
      await writing;
      await snapshotting;
      await segment.close();
    },
  };
}
