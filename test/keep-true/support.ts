/**
 * Issue 25's stage: a kit on one port plays the real service, the recorder sits in front of
 * it on another, and a small session of an app's traffic goes through the recorder.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { serve, type Serving } from '../../mocks/server/serve.js';
import { createKit, type Kit } from '../../src/kit.js';

export const testNow = '2026-11-21T09:00:00.000Z';

/**
 * Ports of issue 25's tests (21500-21599): each file takes its own ten. Below Linux's ephemeral
 * range (32768-60999), so a port the kernel hands out for an outgoing connection or a
 * `listen(0)` in another test file is never one of these (41512 once was: EADDRINUSE).
 */
export const ports = { record: 21500, drift: 21510, seed: 21520, cli: 21530 } as const;

export interface Service {
  url: string;
  kit: Kit;
  close(): Promise<void>;
}

export async function startService(
  port: number,
  kit = createKit({ now: testNow }),
): Promise<Service> {
  const serving: Serving = await serve(kit, { port });
  return { url: serving.url, kit, close: () => serving.close(100) };
}

export const tokens = { operations: 'ops-token', client: 'client-token', partner: 'partner-token' };

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** An app's read session (and one write) against a kit-style root; the answers' JSON bodies. */
export async function session(root: string): Promise<{ paths: string[] }> {
  const get = async (path: string, token: string) => {
    const response = await fetch(`${root}${path}`, { headers: bearer(token) });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const paths: string[] = [];
  const read = async (path: string, token: string) => {
    paths.push(path);
    return get(path, token);
  };
  const list = await read('/public/v1/program/certificates', tokens.operations);
  const data = list.body.data as { id: string }[];
  for (const certificate of data.slice(0, 3))
    await read(`/public/v1/program/certificates/${certificate.id}`, tokens.operations);
  await read('/public/v1/program/programs', tokens.operations);
  await read('/public/v1/program/enrollments', tokens.operations);
  const customers = await read('/v1/customers', tokens.partner);
  const items = customers.body.items as { id: string }[];
  for (const customer of items.slice(0, 2)) {
    await read(`/v1/customers/${customer.id}`, tokens.partner);
    await read(`/v1/customers/${customer.id}/qualifications`, tokens.partner);
  }
  await read('/public/v1/program/certificates/CER-0000-0000-0000', tokens.operations);
  return { paths };
}

/** The CLI from the sources, as a child process (its output collected). */
export function spawnCli(args: readonly string[]): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'cli/bin.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

/** Resolves when `text` appears in the child's output (or rejects after `ms`). */
export async function waitFor(
  child: ReturnType<typeof spawnCli>,
  text: string,
  ms = 20_000,
): Promise<void> {
  const until = Date.now() + ms;
  while (!child.output().includes(text)) {
    if (Date.now() > until || child.exitCode !== null)
      throw new Error(`never printed "${text}": ${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });

/** `eligibility-mock record` in front of `target` for one session, then stopped by `signal`. */
export async function recordSessionWithCli(
  target: string,
  out: string,
  port: number,
  signal: NodeJS.Signals,
): Promise<{ code: number | null; output: string }> {
  const child = spawnCli(['record', '--target', target, '--out', out, '--port', String(port)]);
  await waitFor(child, 'Recording');
  await session(`http://127.0.0.1:${port}`);
  child.kill(signal);
  const code = await exited(child);
  return { code, output: child.output() };
}

/** The CLI run to its exit: its code and everything it printed. */
export async function runCli(args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawnCli(args);
  const code = await exited(child);
  return { code, output: child.output() };
}
