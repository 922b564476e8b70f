/**
 * A starter for the lock race (lock.test.ts): on each message it waits for the instant given
 * (so that two of them start within microseconds), takes the state file's lock and says whether
 * it won; a winner holds it until told to release.
 */
import { lockStateFile } from '../../mocks/server/lock.js';

let held: { release(): void } | undefined;
process.on('message', (message: { file: string; at: number } | 'release' | 'exit') => {
  if (message === 'exit') process.exit(0);
  if (message === 'release') {
    held?.release();
    held = undefined;
    process.send!({ released: true });
    return;
  }
  while (Date.now() < message.at); // the shared starting instant
  try {
    held = lockStateFile(message.file);
    process.send!({ won: true });
  } catch (error) {
    process.send!({ won: false, error: (error as Error).message });
  }
});
process.send!({ ready: true });
