/**
 * Keeping a shared team mock's world across restarts: the whole state in one JSON file,
 * written atomically (temporary file, fsync, rename, fsync of the folder) before the response
 * that acknowledges a change goes out. A file that is not this kit's state is refused, never
 * replaced.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Seed } from '../../src/core/world.js';
import type { KitRequest, KitResponse } from '../../src/http/types.js';
import type { Kit } from '../../src/kit.js';

export const STATE_FORMAT = 'eligibility-mock-kit/state@1';

export class StateFileError extends Error {}

interface StateFile {
  format: typeof STATE_FORMAT;
  savedAt: string;
  state: Seed;
}

/** The state saved in `path`, or undefined when there is no file yet. */
export function readStateFile(path: string): Seed | undefined {
  return readSavedState(path)?.state;
}

/** The state saved in `path` with the real time it was saved at. */
export function readSavedState(path: string): { state: Seed; savedAt: string } | undefined {
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
  const file = parsed as Partial<StateFile> | null;
  if (
    typeof file !== 'object' ||
    file === null ||
    file.format !== STATE_FORMAT ||
    typeof file.state !== 'object' ||
    file.state === null
  ) {
    throw new StateFileError(
      `The file ${path} is not a state file of this kit (expected "format": "${STATE_FORMAT}"). The mock will not overwrite it. Move it away or pass another --state-file.`,
    );
  }
  return {
    state: file.state,
    savedAt: typeof file.savedAt === 'string' ? file.savedAt : new Date().toISOString(),
  };
}

/** Writes the state so that a crash at any instant leaves either the old or the new file. */
export function writeStateFile(path: string, state: Seed): void {
  const file: StateFile = { format: STATE_FORMAT, savedAt: new Date().toISOString(), state };
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const fd = openSync(temporary, 'w', 0o644);
  try {
    writeSync(fd, JSON.stringify(file));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  // The rename itself is durable only once the folder is synced.
  const folder = openSync(dirname(path), 'r');
  try {
    fsyncSync(folder);
  } finally {
    closeSync(folder);
  }
}

const reads = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A kit whose changes are saved to `path` before they are acknowledged: every request that can
 * change the world and succeeded (a refusal changes nothing) writes the whole state.
 */
export function persistent(kit: Kit, path: string): Kit {
  const save = (request: KitRequest, response: KitResponse) => {
    if (!reads.has(request.method.toUpperCase()) && response.status < 400)
      writeStateFile(path, kit.control.state());
    return response;
  };
  return {
    ...kit,
    handle: (api, request) => save(request, kit.handle(api, request)),
    handleControl: (request, path_) => save(request, kit.handleControl(request, path_)),
  };
}
