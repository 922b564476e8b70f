/**
 * The mock as `npm start` runs it (cli/npm-start.ts, through tsx), in a child process on a free
 * port: for tests of what only a whole process shows (flags, the banner, a restart, memory).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../scripts/prism.js';

export interface StartedMock {
  child: ChildProcess;
  url: string;
  /** What it printed so far, both streams. */
  output: () => string;
}

const children: ChildProcess[] = [];

/** Ends every mock started (call in `afterEach`). */
export const stopMocks = (signal: NodeJS.Signals = 'SIGTERM') => {
  for (const child of children.splice(0)) child.kill(signal);
};

/**
 * Starts the mock with `args` (and `nodeArgs` for node itself); resolves once it printed its
 * banner, it exited, or `waitMs` passed.
 */
export async function startMock(
  args: string[],
  { nodeArgs = [], waitMs = 15_000 }: { nodeArgs?: string[]; waitMs?: number } = {},
): Promise<StartedMock> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [...nodeArgs, '--import', 'tsx', 'cli/npm-start.ts', ...args],
    {
      env: { ...process.env, PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk) => (output += chunk.toString()));
  for (let waited = 0; waited < waitMs && child.exitCode === null; waited += 50) {
    if (output.includes('Virtual clock:')) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { child, url: `http://127.0.0.1:${port}`, output: () => output };
}
