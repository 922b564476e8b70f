/**
 * One server per state file: a lock file beside it, created exclusively (O_EXCL) and holding the
 * owner's pid, host and start time. A second server finds it and refuses to start, naming the
 * holder; a lock left by a process that is gone (a crash, a SIGKILL) is taken over.
 */
import { closeSync, openSync, readdirSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';

export class LockError extends Error {}

interface Holder {
  pid: number;
  host: string;
  since: string;
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

function readHolder(path: string): Holder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, 'utf8')) as Partial<Holder>;
    if (typeof holder.pid === 'number' && typeof holder.host === 'string')
      return { pid: holder.pid, host: holder.host, since: String(holder.since ?? '?') };
  } catch {
    // Unreadable or half written: treated as held by nobody we can name.
  }
  return undefined;
}

/** Takes the lock of `stateFile` or throws LockError naming the process that holds it. */
export function lockStateFile(stateFile: string): { release(): void } {
  const path = lockPathOf(stateFile);
  const me: Holder = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new LockError(`Cannot lock the state file ${stateFile}: ${(error as Error).message}`);
      }
      const holder = readHolder(path);
      const stale = holder !== undefined && holder.host === me.host && !alive(holder.pid);
      if (!stale) {
        const who = holder
          ? `process ${holder.pid} on ${holder.host} (since ${holder.since})`
          : 'another process (the lock file cannot be read)';
        throw new LockError(
          `The state file ${stateFile} is in use by ${who}; lock file ${path}. Stop that server first, or pass another --state-file.`,
        );
      }
      unlinkSync(path);
      continue;
    }
    try {
      writeSync(fd, JSON.stringify(me));
    } finally {
      closeSync(fd);
    }
    let released = false;
    return {
      release() {
        if (released) return;
        released = true;
        // Only our own lock: never one a later server took over.
        if (readHolder(path)?.pid === process.pid) unlinkSync(path);
      },
    };
  }
  throw new LockError(`Cannot lock the state file ${stateFile}: the lock file keeps reappearing.`);
}

/** Removes the temporary files an interrupted snapshot left beside the state file. */
export function cleanTemporaryFiles(stateFile: string): string[] {
  const folder = dirname(stateFile);
  const prefix = `.${basename(stateFile)}.`;
  const removed: string[] = [];
  for (const name of readdirSync(folder)) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) {
      unlinkSync(join(folder, name));
      removed.push(name);
    }
  }
  return removed;
}
