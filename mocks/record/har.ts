/**
 * A HAR 1.2 file written as the exchanges happen (decision 0051): the file always ends with the
 * closing `]}}`, and each new entry is written over that closing together with a new one, in
 * one positional write. A recorder killed at any point leaves a valid file holding every entry
 * written before; only the exchange in flight is lost.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { Entry, Har } from '../../src/http/har.js';

const TAIL = '\n]}}\n';

export interface HarWriter {
  /** Appends one entry; the file on disk is valid HAR when this returns. */
  append(entry: Entry): void;
  /** Entries written so far. */
  readonly count: number;
  close(): void;
}

/** Who wrote the recording, in every HAR file the kit writes. */
export const kitCreator: Har['log']['creator'] = { name: 'eligibility-mock-kit', version: '0.1.0' };

/** Creates (or replaces) `path` as a HAR file with no entries yet. */
export function createHarWriter(path: string, creator = kitCreator): HarWriter {
  const fd = openSync(path, 'w');
  const head = Buffer.from(
    `{"log":{"version":"1.2","creator":${JSON.stringify(creator)},"entries":[`,
  );
  const tail = Buffer.from(TAIL);
  writeSync(fd, Buffer.concat([head, tail]), 0, head.length + tail.length, 0);
  let end = head.length;
  let count = 0;
  let open = true;
  return {
    append(entry) {
      if (!open) throw new Error('the HAR file is closed');
      const text = Buffer.from(`${count === 0 ? '\n' : ',\n'}${JSON.stringify(entry)}`);
      const chunk = Buffer.concat([text, tail]);
      // One write from where the closing began: the old closing is overwritten by the entry
      // and the new closing follows it, so no reader ever sees a file without one.
      let written = 0;
      while (written < chunk.length)
        written += writeSync(fd, chunk, written, chunk.length - written, end + written);
      end += text.length;
      count++;
    },
    get count() {
      return count;
    },
    close() {
      if (!open) return;
      open = false;
      fsyncSync(fd);
      closeSync(fd);
    },
  };
}
