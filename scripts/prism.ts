/** Starts Prism (`mock` or `proxy`) as a child process and waits until it answers. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const prismBin = require.resolve('@stoplight/prism-cli/dist/index.js');

export interface PrismOptions {
  spec: string;
  port?: number;
  /** `proxy` forwards to `upstream` and validates every exchange against the spec. */
  mode?: 'mock' | 'proxy';
  upstream?: string;
  /** Turn validation problems into errors instead of warnings (`--errors`). */
  errors?: boolean;
  quiet?: boolean;
}

export interface RunningPrism {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

export async function startPrism(options: PrismOptions): Promise<RunningPrism> {
  const port = options.port ?? (await freePort());
  const mode = options.mode ?? 'mock';
  const args = [prismBin, mode, '--host', '127.0.0.1', '--port', String(port)];
  if (options.errors) args.push('--errors');
  args.push(options.spec);
  if (mode === 'proxy') {
    if (!options.upstream) throw new Error('prism proxy needs an upstream URL');
    args.push(options.upstream);
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
    if (!options.quiet) process.stderr.write(chunk);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);

  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prism ${mode} exited early:\n${output}`);
    if (/listening on/i.test(output)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`prism ${mode} did not start within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    },
  };
}
