/**
 * The file-system seam of the state file: every byte the store writes (log segments, snapshot
 * temporary files) goes through a `Files`, so a test can hand it one whose writes come back
 * short or fail with ENOSPC halfway, as on a full disk, without root or a tiny mount.
 *
 * `write` is taken at its word: it may write fewer bytes than asked (POSIX allows it, and a
 * nearly full disk does it), so `writeAll` loops until every byte is down or an error comes.
 */
import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

/** The part of a `FileHandle` the store uses (a Node `FileHandle` is one). */
export interface WritableFile {
  write(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesWritten: number }>;
  read(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesRead: number }>;
  datasync(): Promise<void>;
  sync(): Promise<void>;
  truncate(length: number): Promise<void>;
  stat(): Promise<{ size: number }>;
  close(): Promise<void>;
}

export interface Files {
  /** `flags` as for `fs.open`: the store uses "w+" (a new file) and "r+" (an existing one). */
  open(path: string, flags: 'w+' | 'r+'): Promise<WritableFile>;
}

export const nodeFiles: Files = { open: (path, flags) => open(path, flags, 0o644) };

/** An error as the system gives one, with its code (a short write that made no progress). */
export const systemError = (code: string, message: string): NodeJS.ErrnoException =>
  Object.assign(new Error(`${code}: ${message}`), { code });

/** Writes all of `buffer` at `position`, looping over short writes; throws when none progress. */
export async function writeAll(
  file: WritableFile,
  buffer: Uint8Array,
  position: number,
): Promise<void> {
  let written = 0;
  while (written < buffer.length) {
    const { bytesWritten } = await file.write(
      buffer,
      written,
      buffer.length - written,
      position + written,
    );
    // A write of 0 bytes would loop for ever: the disk took nothing (it is full).
    if (bytesWritten <= 0)
      throw systemError('ENOSPC', `no space left: ${buffer.length - written} bytes not written`);
    written += bytesWritten;
  }
}

/** Size and CRC-32 of the first `size` bytes of `file`, read back from it in 1 MB slices. */
export async function readBack(
  file: WritableFile,
  size: number,
): Promise<{ bytes: number; crc: number }> {
  const buffer = Buffer.allocUnsafe(1 << 20);
  let crc = 0;
  let bytes = 0;
  while (bytes < size) {
    const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, size - bytes), bytes);
    if (bytesRead === 0) break;
    crc = crc32(buffer.subarray(0, bytesRead), crc);
    bytes += bytesRead;
  }
  return { bytes, crc };
}
