/**
 * `eligibility-mock start` (and `npm start` in this repo): the stateful mock of both APIs on one
 * port, seeded with the default data or a fixture, optionally kept in a state file.
 */
import { readFileSync } from 'node:fs';
import { fixtureProblems } from '../src/core/fixture.js';
import { partnerTokens } from '../src/core/partner/seed.js';
import { seedTokens } from '../src/core/program/seed.js';
import type { Seed } from '../src/core/world.js';
import { createKit, type Kit } from '../src/kit.js';
import {
  persistent,
  readSavedState,
  StateFileError,
  writeStateFile,
} from '../mocks/server/persistence.js';
import { serve, type Serving } from '../mocks/server/serve.js';
import { parse, portOf, readJsonFile } from './args.js';
import { CliError } from './errors.js';

export const startUsage = `Usage: eligibility-mock start [options]
  --port <n>            port to listen on (default: PORT, else 4010; 0 picks a free one)
  --host <address>      address to listen on (default: HOST, else 127.0.0.1)
  --state-file <file>   keep the world in this file across restarts (or KIT_STATE_FILE)
  --seed <fixture.json> start from this fixture instead of the default seed
                        (check it first with: eligibility-mock seed check <fixture.json>)
  --help                this text`;

export interface StartOptions {
  port: number;
  host: string;
  stateFile?: string;
  seed?: string;
}

/** The options of `start` from its arguments and the environment (PORT, HOST, KIT_STATE_FILE). */
export function startOptions(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): StartOptions | 'help' {
  const { values } = parse(
    argv,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      'state-file': { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    startUsage,
  );
  if (values.help) return 'help';
  const stateFile = values['state-file'] ?? env.KIT_STATE_FILE;
  return {
    port:
      values.port !== undefined
        ? portOf(values.port, '--port')
        : env.PORT
          ? portOf(env.PORT, 'PORT')
          : 4010,
    host: values.host ?? (env.HOST || '127.0.0.1'),
    ...(stateFile ? { stateFile } : {}),
    ...(values.seed ? { seed: values.seed } : {}),
  };
}

/** A fixture file, refused with every problem listed (and nothing started) when it is not one. */
export function readFixture(path: string): Seed {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read the fixture ${path}: ${(error as Error).message}`);
  }
  const fixture = readJsonFile(text, path);
  const problems = fixtureProblems(fixture);
  if (problems.length > 0)
    throw new CliError(
      `The fixture ${path} is refused (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.join('; ')}`,
    );
  return fixture as Seed;
}

function restore(kit: Kit, stateFile: string): boolean {
  const saved = readSavedState(stateFile);
  if (!saved) {
    writeStateFile(stateFile, kit.control.state());
    return false;
  }
  const problems = fixtureProblems(saved.state);
  if (problems.length > 0)
    throw new StateFileError(
      `The state file ${stateFile} does not hold a world this kit can load (${problems.join('; ')}). The mock will not overwrite it. Move it away or pass another --state-file.`,
    );
  kit.world.load(saved.state);
  // The virtual clock went on while the server was down, as real time did.
  const down = Date.now() - Date.parse(saved.savedAt);
  if (saved.state.now && down > 0)
    kit.world.clock.set(new Date(Date.parse(saved.state.now) + down));
  kit.world.settle();
  return true;
}

async function listen(kit: Kit, options: StartOptions): Promise<Serving> {
  try {
    return await serve(kit, { port: options.port, host: options.host });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE')
      throw new CliError(
        `Port ${options.port} on ${options.host} is in use: stop what runs there, or pick another port with --port <n> (or PORT=<n>; --port 0 picks a free one).`,
      );
    if (code === 'EACCES')
      throw new CliError(
        `Not allowed to listen on port ${options.port}: pick a port above 1023 with --port <n>.`,
      );
    if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
      throw new CliError(
        `Cannot listen on ${options.host}: give an address of this machine with --host (e.g. 127.0.0.1).`,
      );
    throw error;
  }
}

/** Starts the mock and prints where it is; resolves once it listens. */
export async function start(
  options: StartOptions,
  log: (line: string) => void = console.log,
): Promise<Serving> {
  const fixture = options.seed ? readFixture(options.seed) : undefined;
  let kit = createKit({ ticking: true, ...(fixture ? { seed: fixture } : {}) });
  let restored = false;
  if (options.stateFile) {
    try {
      restored = restore(kit, options.stateFile);
    } catch (error) {
      throw new CliError(
        error instanceof StateFileError
          ? error.message
          : `Cannot use the state file: ${String(error)}`,
        1,
      );
    }
    kit = persistent(kit, options.stateFile);
  }

  const running = await listen(kit, options);
  const base = running.url;
  log(`Eligibility mock kit listening on ${base}`);
  log(
    `  Program API     ${base}/public/v1/program/certificates   (real: https://api.platform.softwareone.com/public)`,
  );
  log(
    `  Partner Center  ${base}/v1/customers                     (real: https://api.partnercenter.microsoft.com)`,
  );
  log(`  Control API     ${base}/__control/clock | /reset | /journal | /seed | /faults`);
  log(`  State page      ${base}/__control/ui/`);
  if (fixture) {
    log(`Seeded from ${options.seed} (its tokens, not the default ones).`);
  } else {
    log('Seed tokens (Authorization: Bearer <token>):');
    log(`  ${seedTokens.operations}   operations`);
    log(`  ${seedTokens.vendor}  vendor (Microsoft, ACC-1086-6867)`);
    log(`  ${seedTokens.client}  client (Oscorp Industries, ACC-4812-0447)`);
    log(`  ${partnerTokens.partner}  Partner Center partner (reads and requests qualifications)`);
    log(`  ${partnerTokens.reader}   Partner Center reader (read only)`);
  }
  if (options.stateFile)
    log(`State file: ${options.stateFile} (${restored ? 'restored' : 'created from the seed'})`);
  log(`Virtual clock: ${kit.world.clock.now().toISOString()}`);

  const stop = () => void running.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return running;
}

/** `start` as a command: parses, starts, and keeps running (resolves undefined) or exits. */
export async function startCommand(argv: readonly string[]): Promise<number | undefined> {
  const options = startOptions(argv, process.env);
  if (options === 'help') {
    console.log(startUsage);
    return 0;
  }
  await start(options);
  return undefined;
}
