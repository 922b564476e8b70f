/**
 * Keeping a shared team mock's world across restarts, at the cost of what each write changes:
 *
 *  - the **log** (log.ts): every request that may change the world (an API write, a control
 *    reset, clock or vetting) is appended, with its sequence number, the virtual instant it runs
 *    at and a CRC-32 (seal.ts), as one JSON line to the current log segment and fsynced *before*
 *    it runs; requests arriving together share one fsync. Only once it is durable is it applied
 *    in memory and answered. A request that cannot be logged (a failed or short write) is cut
 *    off the segment again, answered 503 in the API's own shape and never runs.
 *  - the **snapshot** (the state file itself): the whole world, sealed with its size and CRC and
 *    the sequence number it covers, written in the background in slices once the log holds
 *    enough (a new segment is started at that instant), read back and verified, renamed over the
 *    state file; only then are the segments it covers deleted. A seed is not logged: it is
 *    followed by a snapshot before it is answered, so no restart replays a fixture.
 *  - **start**: the snapshot, then every logged request after it, verified (checksums, no gap)
 *    and replayed in order at its own virtual instant; what cannot be vouched for refuses to
 *    start unless `recover` is set (then the longest verified prefix is kept, the rest moved
 *    aside). Replay is deterministic (same state, same request, same instant, same id
 *    sequence give the same answer), so idempotency records (Partner Center `MS-RequestId`) come
 *    back with the requests that made them; the snapshot keeps those it holds (they are part of the Partner Center state).
 *
 * The log holds requests, not objects, so it does not depend on the shape of any API's objects;
 * the snapshot is what `control.state()` gives. See docs/decisions/0022-request-log-persistence.md.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readFileSync,
  truncateSync,
  unlinkSync,
} from 'node:fs';
import { rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fixtureCheckerId, fixtureProblems } from '../../src/core/fixture.js';
import { Refusal } from '../../src/core/problem.js';
import { problem } from '../../src/apis/control.js';
import type { Seed } from '../../src/core/world.js';
import type { KitPart, KitRequest, KitResponse } from '../../src/http/types.js';
import { isKit, type Kit } from '../../src/kit.js';
import { createSessions, DEFAULT_SESSION, type Sessions } from '../../src/sessions.js';
import type { ApiName } from '../../src/schema/index.js';
import { nodeFiles, writeAll, type Files, type WritableFile } from './files.js';
import {
  asideFolder,
  moveAsideAll,
  moveAsideFrom,
  readLog,
  recordsIn,
  segmentPath,
  segments,
  type LogDamage,
} from './log.js';
import { openDocument, sealLine } from './seal.js';
import { decode, writeSlices } from './snapshot.js';

/**
 * state@3: sealed with its size and CRC-32 (seal.ts). Read too, unsealed: state@1 (plain JSON)
 * and state@2 (back-references, log position), with their log records that carry no checksum.
 */
export const STATE_FORMAT = 'eligibility-mock-kit/state@3';
const LEGACY_FORMATS = new Set(['eligibility-mock-kit/state@1', 'eligibility-mock-kit/state@2']);

/** A state file that cannot be read, is damaged or of an unknown format: the message says which. */
export class StateFileError extends Error {
  override name = 'StateFileError';
}

interface Snapshot {
  format: string;
  /** Real time the snapshot was taken at. */
  savedAt: string;
  state: Seed;
  /** The last sequence number it includes (0: none; a seed takes one and logs no record). */
  throughSeq?: number;
  /** `fixtureCheckerId()` of the kit that wrote it (its world passed that kit's check). */
  checkedBy?: string;
  /** Every session but the default: its world and usage (decision 0047). */
  sessions?: SnapshotSession[];
}

interface SnapshotSession {
  id: string;
  created: number;
  lastUsed: number;
  requests: number;
  state: Seed;
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
  /** The session it ran in; absent: the default session. */
  session?: string;
}

/** The request that opens a session (`POST /sessions`), logged once it is made. */
const SESSION_OPEN = '/sessions';

export interface PersistenceOptions {
  /** Log entries after which a snapshot is taken (default 20,000); also at start past it. */
  snapshotEvery?: number;
  /** Log bytes after which a snapshot is taken (default 64 MB); also at start past it. */
  snapshotBytes?: number;
  /** Where the store's files are written (a test passes one whose writes come back short). */
  files?: Files;
  /** Keep the longest verified part of a damaged state and move the rest aside (`--recover`). */
  recover?: boolean;
  /** How long after a failed snapshot the next one may be tried (default 10 s). */
  snapshotRetryMs?: number;
  /** Told about background problems (a snapshot that failed); default console.error. */
  warn?: (message: string) => void;
}

/** What `--recover` moved aside, and what that cost. */
export interface Recovery {
  folder: string;
  /** Acknowledged writes no longer in the world (logged records moved aside). */
  dropped: number;
  /** The last sequence number kept. */
  keptThrough: number;
  /** In words, for the start-up message. */
  what: string;
}

/** The kit's answers, some of them once the change is durable. */
export interface Door {
  handle(api: ApiName, request: KitRequest): KitResponse | Promise<KitResponse>;
  handleControl(request: KitRequest, path: string): KitResponse | Promise<KitResponse>;
}

/** A door that answers every session itself (the state file's: sessions are logged too). */
export interface SessionDoor extends Door {
  readonly sessions: Sessions;
  handle(api: ApiName, request: KitRequest, session?: string): Promise<KitResponse>;
  handleControl(request: KitRequest, path: string, session?: string): Promise<KitResponse>;
}

export interface Store extends SessionDoor {
  /** Where the world came from, how long restoring it took, what a recovery moved aside. */
  readonly restored: {
    snapshot: boolean;
    replayed: number;
    ms: number;
    recovered?: Recovery;
  };
  /** Waits for the writes in flight and a snapshot being written, then closes the log. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------- files

function syncFolder(path: string): void {
  const folder = openSync(dirname(path), 'r');
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
}

const RECOVER =
  'start with --recover to move it aside (into a folder beside it, nothing is deleted) and go on from what can be verified';

/** The snapshot in `path` (checked against its seal), or undefined when there is none yet. */
export function readSnapshot(path: string): (Snapshot & { sealed: boolean }) | undefined {
  let buffer: Buffer;
  try {
    buffer = readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(`Cannot read the state file ${path}: ${(error as Error).message}`);
  }
  const opened = openDocument(buffer);
  let file: Partial<Snapshot>;
  if (opened.ok) file = opened.value as Partial<Snapshot>;
  else if (opened.problem === 'not JSON')
    throw new StateFileError(
      `The state file ${path} is not valid JSON (${buffer.length} bytes). It may be corrupt; the mock will not overwrite it. Put back a copy, move it away, pass another --state-file, or ${RECOVER} (every write it holds is dropped).`,
    );
  else if (opened.problem === 'no seal') {
    file = JSON.parse(buffer.toString('utf8')) as Partial<Snapshot>;
    if (file?.format === STATE_FORMAT)
      throw new StateFileError(
        `The state file ${path} has lost its checksum (the seal at its end): it cannot be vouched for. Put back a copy, or ${RECOVER} (every write it holds is dropped).`,
      );
    if (!LEGACY_FORMATS.has(String(file?.format)) && typeof file === 'object' && file !== null)
      file = { ...file, format: undefined };
  } else
    throw new StateFileError(
      `The state file ${path} is damaged: ${
        opened.problem === 'size mismatch' && 'expected' in opened
          ? `${opened.found} bytes before its seal, the seal says ${opened.expected}`
          : 'its content does not match its checksum (changed after it was written)'
      }. The mock will not overwrite it. Put back a copy, or ${RECOVER} (every write it holds is dropped).`,
    );
  if (
    typeof file !== 'object' ||
    file === null ||
    !(file.format === STATE_FORMAT || LEGACY_FORMATS.has(String(file.format))) ||
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
    sealed: opened.ok,
  };
}

/**
 * Writes a snapshot atomically: a temporary file (slices, fsync, read back and verified), renamed
 * over the state file, then the folder fsynced, so the new name is durable before the caller
 * deletes what it covers.
 */
async function writeSnapshot(path: string, snapshot: Snapshot, files: Files): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    await writeSlices(temporary, snapshot, files);
    await rename(temporary, path);
    syncFolder(path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

const damaged = (damage: LogDamage) =>
  `The log ${damage.path} is damaged at byte ${damage.byte}, where seq ${damage.seq} should be: ${damage.reason}. The mock will not change it. Put back the files from a backup, or start with --recover to keep the writes before it (through seq ${damage.seq - 1}) and move the rest into a folder beside it (${plural(damage.dropped, 'acknowledged write')} dropped).`;

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
    // What reset does, from the world the logging server was made at: its seed (the default
    // one's dates at that instant, or the --seed fixture), the clock at that instant unless the
    // fixture names its own.
    const start = new Date(entry.start);
    const seed = world.seedAt(start);
    world.load(seed);
    if (!seed.now) world.clock.set(start);
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

/** A session's world as the snapshot or log left it: where its clock was, at what real time. */
interface Restored {
  kit: Kit;
  lastAt?: number;
  lastReal?: number;
  /** Requests replayed in it (added to what the snapshot counted). */
  replayed?: number;
}

/**
 * Replays a logged session record: an open (`POST /sessions`: a fresh fork at the instant it was
 * made, its fixture loaded) or a drop (`DELETE /sessions/<id>`). False for any other record.
 */
function replaySessionRecord(sessions: Sessions, entry: Entry, worlds: Map<string, Restored>) {
  if (entry.api !== 'control' || entry.session !== undefined) return false;
  const drop = /^\/sessions\/([^/]+)$/.exec(entry.path);
  if (entry.method === 'DELETE' && drop) {
    sessions.drop(drop[1]!);
    worlds.delete(drop[1]!);
    return true;
  }
  if (entry.method !== 'POST' || entry.path !== SESSION_OPEN) return false;
  const body = JSON.parse(entry.body ?? '{}') as { id: string; now: string; fixture?: Seed };
  // A record opens a new world even where one of that id was: an idle one dropped unlogged.
  sessions.drop(body.id);
  const kit = sessions.restore(body.id, body.now, {
    created: entry.real,
    lastUsed: entry.real,
    requests: 0,
  });
  if (body.fixture) kit.control.seed(body.fixture);
  worlds.set(body.id, { kit, lastAt: kit.world.clock.now().getTime(), lastReal: entry.real });
  return true;
}

/** Restores snapshot and log into the sessions' kits (made ticking); returns what it found. */
function restore(sessions: Sessions, stateFile: string, { recover = false, tidy = true } = {}) {
  const kit = sessions.default;
  const { world } = kit;
  const worlds = new Map<string, Restored>();
  let recovered: Recovery | undefined;
  let snapshot: ReturnType<typeof readSnapshot>;
  try {
    snapshot = readSnapshot(stateFile);
  } catch (error) {
    if (!recover || !(error instanceof StateFileError) || !existsSync(stateFile)) throw error;
    const folder = asideFolder(stateFile);
    const dropped = recordsIn(stateFile);
    moveAsideAll(stateFile, folder, true);
    recovered = {
      folder,
      dropped,
      keptThrough: 0,
      what: `the state file (it could not be verified: every write it held) and ${plural(dropped, 'logged write')}`,
    };
  }
  const logged = segments(stateFile);
  if (!snapshot && logged.length > 0) {
    const dropped = recordsIn(stateFile);
    if (!recover)
      throw new StateFileError(
        `The state file ${stateFile} is missing but its log is there (${plural(logged.length, 'segment')} from ${basename(logged[0]!.path)}, ${plural(dropped, 'logged write')} from seq ${logged[0]!.firstSeq}): a log cannot be replayed without the snapshot it follows from. Put the state file back from a backup, or start with --recover to move the log into a folder beside it and start from the seed (${plural(dropped, 'acknowledged write')} dropped).`,
      );
    const folder = asideFolder(stateFile);
    moveAsideAll(stateFile, folder, false);
    recovered = {
      folder,
      dropped,
      keptThrough: 0,
      what: `the log without its snapshot (${plural(dropped, 'logged write')})`,
    };
  }
  let lastAt: number | undefined;
  let lastReal: number | undefined;
  let throughSeq = 0;
  if (snapshot) {
    // Sealed and written by a kit that checks as this one does: its world passed that check, and
    // the seal says nothing changed since. Anything else is checked whole.
    const vouched = snapshot.sealed && snapshot.checkedBy === fixtureCheckerId();
    const problems = vouched
      ? []
      : [snapshot.state, ...(snapshot.sessions ?? []).map((held) => held.state)].flatMap(
          (state, i) =>
            fixtureProblems(state).map((p) =>
              i === 0 ? p : `session ${snapshot!.sessions![i - 1]!.id}: ${p}`,
            ),
        );
    if (problems.length > 0)
      throw new StateFileError(
        `The state file ${stateFile} does not hold a world this kit can load (${problems.join('; ')}). The mock will not overwrite it. Move it away or pass another --state-file.`,
      );
    try {
      world.load(snapshot.state, { vouched });
    } catch (error) {
      throw new StateFileError(
        `The state file ${stateFile} cannot be loaded: ${(error as Error).message}. The mock will not overwrite it.`,
      );
    }
    throughSeq = snapshot.throughSeq ?? 0;
    if (snapshot.state.now) lastAt = Date.parse(snapshot.state.now);
    lastReal = Date.parse(snapshot.savedAt);
    for (const held of snapshot.sessions ?? []) {
      const { id, state, ...usage } = held;
      const restored = sessions.restore(id, state.now, usage);
      try {
        restored.world.load(state, { vouched });
      } catch (error) {
        throw new StateFileError(
          `The state file ${stateFile} cannot be loaded (session ${id}): ${(error as Error).message}. The mock will not overwrite it.`,
        );
      }
      sessions.restore(id);
      worlds.set(id, {
        kit: restored,
        ...(state.now ? { lastAt: Date.parse(state.now) } : {}),
        lastReal: Date.parse(snapshot.savedAt),
      });
    }
  }
  const sealed = snapshot?.sealed ?? true;
  let log = readLog(stateFile, throughSeq, sealed);
  if ('damage' in log) {
    if (!recover) throw new StateFileError(damaged(log.damage));
    const folder = asideFolder(stateFile);
    moveAsideFrom(stateFile, log.damage, folder);
    recovered = {
      folder,
      dropped: log.damage.dropped,
      keptThrough: log.damage.seq - 1,
      what: `${plural(log.damage.dropped, 'logged write')} from seq ${log.damage.seq} on (${log.damage.reason} at byte ${log.damage.byte} of ${basename(log.damage.path)})`,
    };
    log = readLog(stateFile, throughSeq, sealed);
    if ('damage' in log) throw new StateFileError(damaged(log.damage));
  }
  // A crash in the middle of an append: that write was never acknowledged.
  if (log.torn && tidy) truncateSync(log.torn.path, log.torn.byte);
  // What an interrupted clean-up after a snapshot left.
  if (tidy) for (const path of log.covered) unlinkSync(path);
  for (const record of log.records) {
    const entry = record as unknown as Entry;
    if (replaySessionRecord(sessions, entry, worlds)) continue;
    if (entry.session === undefined) {
      replay(kit, entry);
      lastAt = world.clock.now().getTime();
      lastReal = entry.real;
      continue;
    }
    const session = worlds.get(entry.session);
    // A session's records follow its open record (or the snapshot that holds it).
    if (!session) continue;
    replay(session.kit, entry);
    session.lastAt = session.kit.world.clock.now().getTime();
    session.lastReal = entry.real;
    session.replayed = (session.replayed ?? 0) + 1;
  }
  const counted = new Map(sessions.held().map((held) => [held.id, held.usage.requests]));
  for (const [id, session] of worlds)
    if (session.replayed)
      sessions.restore(id, undefined, {
        lastUsed: session.lastReal!,
        requests: (counted.get(id) ?? 0) + session.replayed,
      });
  // The virtual clocks went on while the server was down, as real time did.
  for (const restored of [{ kit, lastAt, lastReal }, ...worlds.values()]) {
    const restoredWorld = restored.kit.world;
    restoredWorld.journal.clear();
    if (restored.lastAt !== undefined && restored.lastReal !== undefined) {
      const down = Date.now() - restored.lastReal;
      restoredWorld.clock.set(new Date(restored.lastAt + Math.max(0, down)));
    }
    restoredWorld.settle();
  }
  return {
    snapshot: snapshot !== undefined,
    replayed: log.records.length,
    logBytes: log.bytes,
    lastSeq: Math.max(log.lastSeq, throughSeq),
    throughSeq,
    ...(recovered ? { recovered } : {}),
  };
}

/** The state a state file and its log hold, as `control.state()` gives it (for tests, tools). */
export function readState(stateFile: string, makeKit: () => Kit): Seed | undefined {
  if (readSnapshot(stateFile) === undefined && segments(stateFile).length === 0) return undefined;
  const kit = makeKit();
  restore(createSessions(kit), stateFile, { tidy: false });
  return kit.control.state();
}

/*
 * A state taken for a snapshot is written out slice by slice while requests go on, and is not
 * copied first: every stored object of both APIs is replaced on a change, never changed in place
 * (copy on write; the scenario doors freeze them to prove it), and `control.state()` gives fresh
 * arrays. Sessions' forks of the seed therefore share its objects in the snapshot too, where the
 * encoder writes each once.
 */

// ---------------------------------------------------------------- the store

const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Opens the state file for `kit` (restoring what it holds) and returns the door that logs every
 * change before making it. `start` is the instant the kit's world was made at (what a reset
 * returns to). The caller holds the state file's lock.
 */
export async function openStore(
  kit: Kit,
  stateFile: string,
  start: Date,
  options: PersistenceOptions & { sessions?: Sessions } = {},
): Promise<Store> {
  const sessions = options.sessions ?? createSessions(kit);
  const snapshotEvery = options.snapshotEvery ?? 20_000;
  const snapshotBytes = options.snapshotBytes ?? 64 * 1024 * 1024;
  const files = options.files ?? nodeFiles;
  const warn = options.warn ?? ((message: string) => console.error(message));

  const restoring = performance.now();
  const found = restore(sessions, stateFile, { recover: options.recover ?? false });
  /** The last sequence number durable (in the log, or in the snapshot for a seed). */
  let seq = found.lastSeq;
  const takeSnapshot = (throughSeq: number): Snapshot => ({
    format: STATE_FORMAT,
    savedAt: new Date().toISOString(),
    throughSeq,
    checkedBy: fixtureCheckerId(),
    state: kit.control.state(),
    sessions: sessions.held().map(({ id, kit: own, usage }) => ({
      id,
      ...usage,
      state: own.control.state(),
    })),
  });
  /** Deletes the segments a durable snapshot through `covered` holds. */
  const dropCovered = async (covered: number) => {
    for (const older of segments(stateFile))
      if (older.firstSeq <= covered) await unlink(older.path);
  };
  // No snapshot yet, or so long a log that the next start would be slow: one now.
  let lastCovered = found.throughSeq;
  if (!found.snapshot || found.logBytes >= snapshotBytes || found.replayed >= snapshotEvery) {
    await writeSnapshot(stateFile, takeSnapshot(seq), files);
    await dropCovered(seq);
    lastCovered = seq;
  }
  const restoreMs = performance.now() - restoring;

  const openSegment = async (firstSeq: number) => {
    // A new file, or the empty one a previous run opened (restore cut any torn tail).
    const file = await files.open(segmentPath(stateFile, firstSeq), 'w+');
    syncFolder(stateFile);
    return file;
  };
  let segment: WritableFile = await openSegment(seq + 1);
  let segmentSize = 0;
  /** Set after a failed write whose cut-off failed too: the segment must be cut back first. */
  let dirty = false;
  /** Log bytes since the last snapshot. */
  let logBytes = lastCovered === found.throughSeq ? found.logBytes : 0;
  let snapshotting: Promise<void> | undefined;
  /** A snapshot failed: said once, retried no sooner than this. */
  let failing = false;
  let retryAt = 0;

  interface Write {
    entry: Omit<Entry, 'seq'>;
    done: (error?: Error) => void;
  }
  interface Checkpoint {
    checkpoint: () => Promise<void>;
  }
  const queue: (Write | Checkpoint)[] = [];
  let writing: Promise<void> | undefined;

  const failedSnapshot = (error: unknown) => {
    retryAt = Date.now() + (options.snapshotRetryMs ?? 10_000);
    if (failing) return;
    failing = true;
    warn(
      `The snapshot of ${stateFile} failed (the log keeps every write; nothing was deleted; retried later): ${(error as Error).message ?? String(error)}`,
    );
  };
  const snapshotDone = () => {
    if (failing) warn(`The snapshot of ${stateFile} is written again.`);
    failing = false;
  };

  /** Appends the queued records with one write and one fsync; on failure cuts them off again. */
  async function append(batch: Write[]): Promise<void> {
    // Numbered here, not when queued: a failed batch leaves no gap in the sequence.
    const buffer = Buffer.concat(batch.map((w, i) => sealLine({ seq: seq + 1 + i, ...w.entry })));
    try {
      if (dirty) {
        await segment.truncate(segmentSize);
        dirty = false;
      }
      await writeAll(segment, buffer, segmentSize);
      await segment.datasync();
    } catch (error) {
      // Nothing half written may stay: the next record would follow a torn one.
      dirty = true;
      await segment
        .truncate(segmentSize)
        .then(() => segment.datasync())
        .then(() => (dirty = false))
        .catch(() => undefined);
      for (const write of batch) write.done(error as Error);
      return;
    }
    segmentSize += buffer.length;
    logBytes += buffer.length;
    seq += batch.length;
    for (const write of batch) write.done();
  }

  async function flush(): Promise<void> {
    for (;;) {
      // Checked and cleared in one step: a job queued while the last one finished is not left.
      if (queue.length === 0) {
        writing = undefined;
        return;
      }
      const head = queue[0]!;
      if ('checkpoint' in head) {
        queue.shift();
        await snapshotting;
        await head.checkpoint();
        continue;
      }
      const end = queue.findIndex((job) => 'checkpoint' in job);
      const batch = queue.splice(0, end === -1 ? queue.length : end) as Write[];
      await append(batch);
      // The requests just made durable run before anything else (their continuations).
      await tick();
      if (
        !snapshotting &&
        (seq - lastCovered >= snapshotEvery || logBytes >= snapshotBytes) &&
        Date.now() >= retryAt
      )
        await startSnapshot();
    }
  }
  const enqueue = (job: Write | Checkpoint) => {
    queue.push(job);
    writing ??= flush();
  };

  /** Starts a new segment and writes the snapshot of this instant in the background. */
  async function startSnapshot(): Promise<void> {
    const covered = seq;
    let fresh: WritableFile;
    try {
      fresh = await openSegment(covered + 1);
    } catch (error) {
      failedSnapshot(error);
      return;
    }
    const old = segment;
    segment = fresh;
    segmentSize = 0;
    dirty = false;
    await old.close().catch(() => undefined);
    const coveredBytes = logBytes;
    const snapshot = takeSnapshot(covered);
    snapshotting = (async () => {
      try {
        await writeSnapshot(stateFile, snapshot, files);
        lastCovered = covered;
        logBytes -= coveredBytes;
        await dropCovered(covered);
        snapshotDone();
      } catch (error) {
        failedSnapshot(error);
      } finally {
        snapshotting = undefined;
      }
    })();
  }

  /**
   * A seed, in the write queue's turn: checked and loaded, then a snapshot of the world it made,
   * durable before the answer. It is not logged (a restart never replays a fixture); if the
   * snapshot fails, the world goes back to what it was and the answer is 503.
   */
  const seed = (request: KitRequest, path: string, own: Kit) =>
    new Promise<KitResponse>((resolve) =>
      enqueue({
        checkpoint: () =>
          seedNow(request, path, own).then(resolve, (error: unknown) =>
            resolve(problem(503, notSaved(error))),
          ),
      }),
    );

  async function seedNow(request: KitRequest, path: string, own: Kit): Promise<KitResponse> {
    const before = own.control.state();
    const answer = own.handleControl(request, path);
    if (answer.status !== 200) return answer;
    const covered = seq + 1;
    try {
      await writeSnapshot(stateFile, takeSnapshot(covered), files);
    } catch (error) {
      own.world.load(before);
      own.world.journal.clear();
      return problem(503, notSaved(error));
    }
    seq = covered;
    lastCovered = covered;
    logBytes = 0;
    try {
      const fresh = await openSegment(covered + 1);
      await segment.close().catch(() => undefined);
      segment = fresh;
      segmentSize = 0;
      dirty = false;
      await dropCovered(covered);
    } catch (error) {
      // The old segment goes on: its later records follow the snapshot just as well.
      warn(`Cannot start a new log segment after the seed: ${(error as Error).message}`);
    }
    return answer;
  }

  const logged = (entry: Omit<Entry, 'seq'>) =>
    new Promise<void>((resolve, reject) =>
      enqueue({ entry, done: (error) => (error ? reject(error) : resolve()) }),
    );

  const notSaved = (error: unknown) =>
    `The change could not be saved to the state file (${(error as Error).message ?? String(error)}); it was not made. Retry later.`;

  const entryOf = (
    api: Entry['api'],
    request: KitRequest,
    path = request.path,
    own: Kit = kit,
    session = DEFAULT_SESSION,
  ) => ({
    at: own.world.clock.now().toISOString(),
    real: Date.now(),
    api,
    method: request.method.toUpperCase(),
    path,
    query: request.rawQuery,
    headers: keptHeaders(request.headers),
    ...(request.body !== undefined ? { body: request.body } : {}),
    ...(request.parts ? { parts: request.parts } : {}),
    ...(request.bodyBytes !== undefined ? { bodyBytes: request.bodyBytes } : {}),
    ...(session === DEFAULT_SESSION ? {} : { session }),
  });

  /** Runs at the instant logged, as the replay will; then the clock goes on as before. */
  const atLoggedInstant = (own: Kit, at: string, run: () => KitResponse) =>
    own.world.clock.holding(new Date(at), run);

  /** The record that opens session `id` (its world forked at its start, a fixture loaded). */
  const openRecord = (id: string, own: Kit, fixture?: unknown): Omit<Entry, 'seq'> => ({
    at: own.world.clock.now().toISOString(),
    real: Date.now(),
    api: 'control',
    method: 'POST',
    path: SESSION_OPEN,
    query: '',
    headers: {},
    body: JSON.stringify({
      id,
      now: own.world.start.toISOString(),
      ...(fixture !== undefined ? { fixture } : {}),
    }),
  });

  /**
   * The kit of the session a request names; a session this request makes is logged before
   * anything is answered in it (and dropped again if that fails).
   */
  async function enter(
    id: string,
    shape: ApiName | 'control',
    request: KitRequest,
  ): Promise<Kit | KitResponse> {
    const used = sessions.use(id);
    if ('refused' in used) return sessions.refuse(shape, request, used.refused);
    if (used.id === DEFAULT_SESSION) return kit;
    if (used.made) {
      try {
        if (closed) throw new Error('the server is stopping');
        await logged(openRecord(used.id, used.kit));
      } catch (error) {
        sessions.drop(used.id);
        return unsaved(shape, request, error);
      }
    }
    return used.kit;
  }
  const unsaved = (shape: ApiName | 'control', request: KitRequest, error: unknown) =>
    shape === 'control'
      ? problem(503, notSaved(error))
      : kit.refuse(shape, request, new Refusal('ServiceUnavailable', notSaved(error)));

  /** `POST /sessions` and `DELETE /sessions/<id>`, logged; the registry answers the rest. */
  async function registry(request: KitRequest, path: string): Promise<KitResponse | undefined> {
    const route = `${request.method.toUpperCase()} ${path.replace(/\/+$/, '') || '/'}`;
    if (!/^[A-Z]+ \/sessions(\/|$)/.test(route)) return undefined;
    if (closed && route !== 'GET /sessions')
      return problem(503, notSaved(new Error('the server is stopping')));
    const drop = /^DELETE \/sessions\/([^/]+)$/.exec(route);
    if (drop && sessions.held().some((held) => held.id === drop[1])) {
      try {
        await logged({ ...entryOf('control', request, path), headers: {} });
      } catch (error) {
        return problem(503, notSaved(error));
      }
      return sessions.handleControl(request, path);
    }
    const answer = sessions.handleControl(request, path)!;
    if (route !== 'POST /sessions' || answer.status !== 201) return answer;
    // Made: logged with its id and start (a fixture with it), or made undone.
    const id = (JSON.parse(answer.body!) as { id: string }).id;
    const own = sessions.restore(id);
    let fixture: unknown;
    try {
      fixture = (JSON.parse(request.body || '{}') as { fixture?: unknown }).fixture;
      await logged(openRecord(id, own, fixture));
    } catch (error) {
      sessions.drop(id);
      return problem(503, notSaved(error));
    }
    return answer;
  }

  let closed = false;
  return {
    restored: {
      snapshot: found.snapshot,
      replayed: found.replayed,
      ms: restoreMs,
      ...(found.recovered ? { recovered: found.recovered } : {}),
    },
    sessions,
    async handle(api, request, session = DEFAULT_SESSION) {
      const own = await enter(session, api, request);
      if (!isKit(own)) return own;
      if (reads.has(request.method.toUpperCase())) return own.handle(api, request);
      const begun = own.begin(api, request);
      if (begun.answer) return begun.answer;
      const entry = entryOf(api, request, request.path, own, session);
      try {
        if (closed) throw new Error('the server is stopping');
        await logged(entry);
      } catch (error) {
        return own.refuse(api, request, new Refusal('ServiceUnavailable', notSaved(error)));
      }
      return atLoggedInstant(own, entry.at, begun.run!);
    },
    async handleControl(request, path, session = DEFAULT_SESSION) {
      const registered = await registry(request, path);
      if (registered) return registered;
      const own = await enter(session, 'control', request);
      if (!isKit(own)) return own;
      if (!isControlWrite(request, path)) return own.handleControl(request, path);
      if (closed) return problem(503, notSaved(new Error('the server is stopping')));
      if (/^\/seed\/?$/.test(path)) return seed(request, path, own);
      const entry = {
        ...entryOf('control', request, path, own, session),
        // The default world's reset goes back to this server's start (its replay says so);
        // a session's goes back to its own start, which its open record holds.
        ...(/^\/reset\/?$/.test(path) && own === kit ? { start: start.toISOString() } : {}),
      };
      try {
        await logged(entry);
      } catch (error) {
        return problem(503, notSaved(error));
      }
      if (!path.startsWith('/partner-center/')) {
        // Reset and clock set the clock themselves, from the instant logged.
        own.world.clock.set(new Date(entry.at));
        return own.handleControl(request, path);
      }
      return atLoggedInstant(own, entry.at, () => own.handleControl(request, path));
    },
    async close() {
      closed = true;
      await writing;
      await snapshotting;
      await segment.close();
    },
  };
}
