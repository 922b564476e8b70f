/**
 * The servers under test, each a child process started and measured the same way: spawned on a
 * port of its own on 127.0.0.1, ready at its first successful answer, stopped by pid.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from '../scripts/prism.js';

export { freePort };

export const root = fileURLToPath(new URL('../', import.meta.url));

/** What `npm start` runs: one file, express included, so startup reads no module tree. */
export const kitBundle = fileURLToPath(
  new URL('../mocks/server/start.bundle.mjs', import.meta.url),
);

/** `npm start` bundles the server once (esbuild), then runs plain JavaScript: so does the bench. */
export async function buildKit(): Promise<void> {
  await promisify(execFile)('npm', ['run', '--silent', 'build'], { cwd: root });
}
const require = createRequire(import.meta.url);
const prismBin = require.resolve('@stoplight/prism-cli/dist/index.js');

/** A TypeScript entry point run the way `npm start` runs it (tsx), without npm in between. */
export const tsxCommand = (file: string): string[] => [
  process.execPath,
  '--import',
  'tsx',
  fileURLToPath(new URL(file, new URL('../', import.meta.url))),
];

export const prismCommand = (spec: string, port: number): string[] => [
  process.execPath,
  prismBin,
  'mock',
  '--host',
  '127.0.0.1',
  '--port',
  String(port),
  spec,
];

const mockoonBin = require.resolve('@mockoon/cli/bin/run');

/**
 * Mockoon CLI serving both documents (it imports an OpenAPI document itself: no environment
 * file), one port each, in one process; `-X`: its log to stdout only, no log files written.
 */
export const mockoonCommand = (specs: { file: string; port: number }[]): string[] => [
  process.execPath,
  mockoonBin,
  'start',
  ...specs.flatMap((spec) => ['-d', spec.file]),
  ...specs.flatMap((spec) => ['-p', String(spec.port)]),
  ...specs.flatMap(() => ['-l', '127.0.0.1']),
  '-X',
];

export interface Probe {
  url: string;
  headers?: Record<string, string>;
}

export interface RunningServer {
  name: string;
  pid: number;
  port: number;
  /** Milliseconds from spawn to the first 2xx answer of every probe. */
  startupMs: number;
  /** The last few kilobytes of its output (for error messages). */
  output(): string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();

/**
 * Runs a bench's `main` when `moduleUrl` is the file Node started (not when another bench
 * imports it); a failure is printed, every server still running is killed, and the exit is 1.
 */
export function runMain(moduleUrl: string, main: () => Promise<void>): void {
  if (process.argv[1] !== fileURLToPath(moduleUrl)) return;
  main().catch((error: unknown) => {
    console.error(error);
    killAll();
    process.exit(1);
  });
}

/** Kills whatever is still running (the bench failed or was interrupted). */
export function killAll(): void {
  for (const child of running) if (child.exitCode === null) child.kill('SIGKILL');
  running.clear();
}
process.once('exit', killAll);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for `promise`, at most `ms` (the timer does not outlive it). */
async function within(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}

async function answers(probe: Probe): Promise<boolean> {
  try {
    const response = await fetch(probe.url, {
      headers: probe.headers ?? {},
      signal: AbortSignal.timeout(2000),
    });
    await response.arrayBuffer();
    return response.ok;
  } catch {
    return false;
  }
}

/**
 * Spawns `command` and polls every probe (10 ms apart) until each has answered 2xx once.
 * `probes` may depend on the port, chosen before the spawn and passed as `PORT`.
 */
export async function startServer(options: {
  name: string;
  command: string[];
  port?: number;
  env?: Record<string, string>;
  probes: (port: number) => Probe[];
  timeoutMs?: number;
  /** Sees everything the server writes (stdout and stderr), as it comes. */
  onOutput?: (text: string) => void;
}): Promise<RunningServer> {
  const port = options.port ?? (await freePort());
  const [executable, ...args] = options.command;
  const started = performance.now();
  const child = spawn(executable!, args, {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  // Always drained: a server blocked on a full stdout pipe would measure the pipe.
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    options.onOutput?.(text);
    output = (output + text).slice(-8000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await within(exited, 3000);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await within(exited, 1000);
      }
    }
    running.delete(child);
  };

  const pending = options.probes(port);
  const deadline = started + (options.timeoutMs ?? 120_000);
  while (pending.length > 0) {
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(child);
      throw new Error(`${options.name} exited before answering:\n${output}`);
    }
    if (performance.now() > deadline) {
      await stop();
      throw new Error(
        `${options.name} did not answer within ${options.timeoutMs ?? 120_000} ms:\n${output}`,
      );
    }
    const results = await Promise.all(pending.map(answers));
    for (let i = results.length - 1; i >= 0; i--) if (results[i]) pending.splice(i, 1);
    if (pending.length > 0) await sleep(10);
  }
  const startupMs = performance.now() - started;
  return {
    name: options.name,
    pid: child.pid!,
    port,
    startupMs,
    output: () => output,
    stop,
  };
}

/**
 * Resident memory of a process in MB, and its peak: Linux `/proc/<pid>/status` (VmRSS, VmHWM);
 * elsewhere `ps` (no peak).
 */
export async function residentMb(pid: number): Promise<{ rss: number; peak: number } | undefined> {
  if (process.platform !== 'linux') {
    try {
      const { stdout } = await promisify(execFile)('ps', ['-o', 'rss=', '-p', String(pid)]);
      const kb = Number(stdout.trim());
      return Number.isFinite(kb) && kb > 0 ? { rss: kb / 1024, peak: NaN } : undefined;
    } catch {
      return undefined;
    }
  }
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) =>
      Number(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(status)?.[1]);
    const rss = kb('VmRSS');
    const peak = kb('VmHWM');
    return Number.isFinite(rss) ? { rss: rss / 1024, peak: peak / 1024 } : undefined;
  } catch {
    return undefined;
  }
}
