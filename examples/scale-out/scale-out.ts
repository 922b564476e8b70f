/**
 * N replicas of the kit behind nginx, pinned by session (issue 23, point 8):
 *   npx tsx examples/scale-out/scale-out.ts [--replicas 2] [--port 4750] [--dir <dir>]
 * nginx listens on --port, replica i on --port + i, each with its own state file in <dir>
 * (a temporary directory unless given: give one to keep the sessions across runs). nginx runs
 * in the foreground with <dir> as its prefix, so no root is needed. Ctrl-C stops them all.
 * The test (test/scale-out/nginx.test.ts) drives the same functions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
export const NGINX = '/usr/sbin/nginx';

export interface Replica {
  port: number;
  stateFile: string;
  child: ChildProcess;
  output: () => string;
}

export interface ScaleOut {
  /** nginx's URL: every request goes here. */
  url: string;
  dir: string;
  replicas: Replica[];
  /** SIGKILLs replica `i` (no flush, no goodbye) and starts it again on the same state file. */
  crash(i: number): Promise<Replica>;
  /** Stops nginx and every replica (SIGTERM: the replicas flush their logs). */
  stop(): Promise<void>;
}

/** The config for nginx on `port` in front of the replicas on `ports` (the first: no session). */
export async function nginxConfig(port: number, ports: number[]): Promise<string> {
  const template = await readFile(join(here, 'nginx.conf.template'), 'utf8');
  const server = (p: number) => `    server 127.0.0.1:${p} max_fails=0;`;
  return template
    .replace(/^ *listen @LISTEN@;$/m, `    listen 127.0.0.1:${port};`)
    .replace(/^@REPLICAS@$/m, ports.map(server).join('\n'))
    .replace(/^@DEFAULT_REPLICA@$/m, server(ports[0]!));
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((r) => child.once('exit', () => r()));

/** Waits for `ready` in the child's output; throws with the output if it exits or takes 15 s. */
async function started(child: ChildProcess, output: () => string, ready: () => Promise<boolean>) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`exited ${child.exitCode}:\n${output()}`);
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not ready after 15 s:\n${output()}`);
}

function spawnLogged(command: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function startReplica(
  port: number,
  stateFile: string,
  spawned: ChildProcess[],
): Promise<Replica> {
  const { child, output } = spawnLogged(
    process.execPath,
    ['--import', 'tsx', 'cli/npm-start.ts', '--state-file', stateFile, '--port', String(port)],
    { ...process.env, PORT: String(port) },
  );
  spawned.push(child);
  await started(child, output, async () => output().includes('Virtual clock:'));
  return { port, stateFile, child, output };
}

export async function startScaleOut(options: {
  port: number;
  replicas: number;
  dir?: string;
}): Promise<ScaleOut> {
  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'kit-scale-out-')));
  await mkdir(join(dir, 'temp'), { recursive: true });
  const ports = Array.from({ length: options.replicas }, (_, i) => options.port + 1 + i);
  const replicas: Replica[] = [];
  // Every process started, whether it came up or not: stop() ends them all.
  const spawned: ChildProcess[] = [];
  const stop = async () => {
    for (const child of spawned) child.kill('SIGTERM');
    await Promise.all(spawned.map(exited));
  };
  try {
    const starting = await Promise.allSettled(
      ports.map((port, i) => startReplica(port, join(dir, `replica-${i + 1}.json`), spawned)),
    );
    for (const replica of starting)
      if (replica.status === 'fulfilled') replicas.push(replica.value);
    const failed = starting.find((replica) => replica.status === 'rejected');
    if (failed) throw failed.reason;
    const conf = join(dir, 'nginx.conf');
    await writeFile(conf, await nginxConfig(options.port, ports));
    const nginx = spawnLogged(NGINX, [
      ...['-p', dir, '-c', conf, '-e', join(dir, 'error.log')],
      ...['-g', `daemon off; pid ${join(dir, 'nginx.pid')};`],
    ]);
    spawned.push(nginx.child);
    const url = `http://127.0.0.1:${options.port}`;
    await started(nginx.child, nginx.output, async () => {
      if (!existsSync(join(dir, 'nginx.pid'))) return false;
      return fetch(`${url}/__control/clock`).then(
        (answer) => answer.ok,
        () => false,
      );
    });
    return {
      url,
      dir,
      replicas,
      async crash(i) {
        const old = replicas[i]!;
        old.child.kill('SIGKILL');
        await exited(old.child);
        replicas[i] = await startReplica(old.port, old.stateFile, spawned);
        return replicas[i];
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      replicas: { type: 'string', default: '2' },
      port: { type: 'string', default: '4750' },
      dir: { type: 'string' },
    },
  });
  const running = await startScaleOut({
    port: Number(values.port),
    replicas: Number(values.replicas),
    ...(values.dir ? { dir: values.dir } : {}),
  });
  console.log(`nginx on ${running.url}, its files in ${running.dir}`);
  for (const r of running.replicas) console.log(`  replica 127.0.0.1:${r.port}, ${r.stateFile}`);
  console.log(
    `Try: curl -H 'Mock-Session: demo' -H 'Authorization: Bearer ops-token' ${running.url}/public/v1/program/certificates`,
  );
  const quit = () => void running.stop().then(() => process.exit(0));
  process.once('SIGINT', quit);
  process.once('SIGTERM', quit);
}
