/**
 * One server per state file: a lock file beside it naming its holder (pid, host, start time of
 * the process, a nonce). See docs/decisions/0040-state-file-lock.md.
 *
 *  - Taking a free lock is one atomic step: the holder's record is written and fsynced to a file
 *    of its own, then hard-linked to the lock's name (link fails if the name exists), so a lock
 *    file is never seen empty or half written, and two starters cannot both create it.
 *  - Taking over a stale lock (its process gone, or its pid now someone else's) is reserved to
 *    one starter: the one that creates the marker `<lock>.takeover-<hash of the stale lock>`
 *    (O_EXCL). Only it may remove that stale lock, and only after reading it back unchanged;
 *    everyone else waits and looks again. A fresh lock never has the stale one's bytes, so a
 *    late starter that finds the marker gone cannot remove the winner's lock by mistake.
 *  - A lock that cannot be read, or that names a live process the kit cannot identify as one of
 *    its servers, is reported with what to do; `force` (`--force-unlock`) takes it through the
 *    same marker, never from a process known to be a running kit server.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** The state file is locked by another process (or cannot be locked): the message says who. */
export class LockError extends Error {
  override name = 'LockError';
}

const KIND = 'eligibility-mock-kit';

interface Holder {
  kind?: string;
  pid: number;
  host: string;
  since: string;
  /** The process's start time as the system counts it (Linux: /proc/<pid>/stat), to tell a reused pid. */
  started?: string;
  nonce?: string;
}

export const lockPathOf = (stateFile: string) => `${stateFile}.lock`;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** When process `pid` started (clock ticks since boot, Linux only); undefined elsewhere. */
function startedOf(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const commandOf = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim().slice(0, 120);
  } catch {
    return undefined;
  }
};

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** The lock file's bytes, or undefined once it is gone. */
function readRaw(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

type Verdict =
  { kind: 'stale'; why: string } | { kind: 'held'; message: string; forcible: boolean };

/** What the lock file's bytes say about its holder. */
function judge(raw: Buffer, path: string, stateFile: string): Verdict {
  const me = hostname();
  let holder: Partial<Holder> | undefined;
  try {
    holder = JSON.parse(raw.toString('utf8')) as Partial<Holder>;
  } catch {
    // said below
  }
  if (
    typeof holder !== 'object' ||
    holder === null ||
    typeof holder.pid !== 'number' ||
    typeof holder.host !== 'string'
  ) {
    const what =
      raw.length === 0
        ? 'it is empty'
        : `it does not name a holder (${JSON.stringify(raw.toString('utf8').slice(0, 40))})`;
    return {
      kind: 'held',
      forcible: true,
      message: `The lock file ${path} of the state file ${stateFile} cannot be read: ${what}, so the mock cannot tell who holds it. If no server uses ${stateFile}, start with --force-unlock (or delete the lock file).`,
    };
  }
  const who = `process ${holder.pid} on ${holder.host} (since ${String(holder.since ?? '?')})`;
  if (holder.host !== me)
    return {
      kind: 'held',
      forcible: true,
      message: `The state file ${stateFile} is in use by ${who}, another machine: the mock cannot tell whether it still runs; lock file ${path}. If it does not, start with --force-unlock.`,
    };
  if (!alive(holder.pid)) return { kind: 'stale', why: `${who} is gone` };
  const started = startedOf(holder.pid);
  if (holder.started !== undefined && started !== undefined && started !== holder.started)
    return { kind: 'stale', why: `${who} is gone (its pid now belongs to another process)` };
  // A kit server that recorded its start time, and it matches: it runs.
  if (holder.kind === KIND && holder.started !== undefined && started === holder.started)
    return {
      kind: 'held',
      forcible: false,
      message: `The state file ${stateFile} is in use by ${who}; lock file ${path}. Stop that server first, or pass another --state-file.`,
    };
  const command = commandOf(holder.pid);
  return {
    kind: 'held',
    forcible: true,
    message: `The state file ${stateFile} is in use by ${who}; lock file ${path}. That process runs${command ? ` ("${command}")` : ''}, but the mock cannot tell it is one of its servers (an older lock, or a pid reused after a crash). Stop it if it is a mock using ${stateFile}; if it is not, start with --force-unlock.`,
  };
}

/** Writes `text` to a new file of its own and fsyncs it. */
function writeNew(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    const buffer = Buffer.from(text);
    let written = 0;
    while (written < buffer.length)
      written += writeSync(fd, buffer, written, buffer.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const tryUnlink = (path: string) => {
  try {
    unlinkSync(path);
  } catch {
    // gone already
  }
};

export interface LockOptions {
  /** Take a lock that cannot be read or whose live holder is not known as a kit server. */
  force?: boolean;
  /** Told what was taken over (default: nothing said). */
  log?: (line: string) => void;
}

/** Takes the lock of `stateFile` or throws LockError saying who holds it and what to do. */
export function lockStateFile(stateFile: string, options: LockOptions = {}): { release(): void } {
  const path = lockPathOf(stateFile);
  const nonce = randomBytes(12).toString('hex');
  const me: Holder = {
    kind: KIND,
    pid: process.pid,
    host: hostname(),
    since: new Date().toISOString(),
    ...(startedOf(process.pid) ? { started: startedOf(process.pid) } : {}),
    nonce,
  };
  const mine = JSON.stringify(me);
  const own = `${path}.${process.pid}.${nonce}`;
  try {
    writeNew(own, mine);
  } catch (error) {
    throw new LockError(`Cannot lock the state file ${stateFile}: ${(error as Error).message}`);
  }
  try {
    for (let attempt = 0; attempt < 500; attempt++) {
      try {
        linkSync(own, path);
        let released = false;
        return {
          release() {
            if (released) return;
            released = true;
            // Only our own: never one a later server took over.
            if (readRaw(path)?.toString() === mine) tryUnlink(path);
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
          throw new LockError(
            `Cannot lock the state file ${stateFile}: ${(error as Error).message}`,
          );
      }
      const raw = readRaw(path);
      if (raw === undefined) continue; // released meanwhile: try again
      const verdict = judge(raw, path, stateFile);
      if (verdict.kind === 'held' && !(options.force && verdict.forcible))
        throw new LockError(
          options.force && !verdict.forcible
            ? `${verdict.message} (--force-unlock never takes the lock of a running kit server.)`
            : verdict.message,
        );
      takeOver(path, raw, verdict.kind === 'stale' ? verdict.why : 'forced', options.log);
    }
  } finally {
    tryUnlink(own);
  }
  throw new LockError(
    `Cannot lock the state file ${stateFile}: the lock file ${path} keeps changing (another server starting?). Try again.`,
  );
}

/**
 * Removes the lock whose bytes are `raw`, if this process is the one that may: the creator of
 * its takeover marker. Returns either way; the caller tries to create the lock again.
 */
function takeOver(path: string, raw: Buffer, why: string, log?: (line: string) => void): void {
  const marker = `${path}.takeover-${createHash('sha256').update(raw).digest('hex').slice(0, 16)}`;
  try {
    writeNew(marker, String(process.pid));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    // Someone else is taking it over: look again shortly. A marker whose maker died in those
    // few instructions would stop every start, so it goes once its maker is gone.
    const maker = Number(readRaw(marker)?.toString());
    if (Number.isInteger(maker) && maker > 0 && !alive(maker)) tryUnlink(marker);
    sleep(2);
    return;
  }
  try {
    // Unchanged since judged: nobody else may remove it while the marker is ours.
    if (readRaw(path)?.equals(raw)) {
      unlinkSync(path);
      log?.(`Took over the lock ${path}: ${why}.`);
    }
  } finally {
    tryUnlink(marker);
  }
}

/** Removes the temporary files an interrupted snapshot or lock left beside the state file. */
export function cleanTemporaryFiles(stateFile: string): string[] {
  const folder = dirname(stateFile);
  const prefix = `.${basename(stateFile)}.`;
  // A starter's own lock record (`<lock>.<pid>.<nonce>`), left when it died before linking it.
  const lockRecord = new RegExp(
    `^${basename(lockPathOf(stateFile)).replace(/\./g, '\\.')}\\.(\\d+)\\.[0-9a-f]{24}$`,
  );
  const removed: string[] = [];
  for (const name of readdirSync(folder)) {
    const record = lockRecord.exec(name);
    if (
      (name.startsWith(prefix) && name.endsWith('.tmp')) ||
      (record && !alive(Number(record[1])))
    ) {
      tryUnlink(join(folder, name));
      removed.push(name);
    }
  }
  return removed;
}
