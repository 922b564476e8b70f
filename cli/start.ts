/**
 * `eligibility-mock start` (and `npm start` in this repo): the stateful mock of both APIs on one
 * port, seeded with the default data or a fixture, optionally kept in a state file.
 */
import { checkFixture } from '../src/core/fixture.js';
import { partnerTokens } from '../src/core/partner/seed.js';
import { seedTokens } from '../src/core/program/seed.js';
import type { Seed } from '../src/core/world.js';
import type { Kit } from '../src/kit.js';
import {
  createSessions,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_SESSION_TTL_MS,
  type Sessions,
} from '../src/sessions.js';
import { cleanTemporaryFiles, LockError, lockStateFile } from '../mocks/server/lock.js';
import { openStore, StateFileError, type Store } from '../mocks/server/persistence.js';
import { createSecurity, type Security } from '../mocks/server/security.js';
import { serve, type Serving } from '../mocks/server/serve.js';
import { parse, portOf, readJsonFile } from './args.js';
import { CliError } from './errors.js';

export const startUsage = `Usage: eligibility-mock start [options]
  --port <n>            port to listen on (default: PORT, else 4010; 0 picks a free one)
  --host <address>      address to listen on (default: HOST, else 127.0.0.1)
  --state-file <file>   keep the world in this file across restarts (or KIT_STATE_FILE)
  --recover             with --state-file: when the state cannot be verified (a checksum or a
                        sequence number that does not match, a missing snapshot or segment),
                        keep the longest verified part, move the rest into a folder beside it
                        and say how many acknowledged writes that drops (default: refuse)
  --force-unlock        with --state-file: take a lock file that cannot be read or that names
                        a running process which is not a kit server
  --seed <fixture.json> start from this fixture instead of the default seed
                        (check it first with: eligibility-mock seed check <fixture.json>)
  --control-token <t>   the control API needs "Authorization: Bearer <t>" (or KIT_CONTROL_TOKEN);
                        generated and printed when listening beyond loopback without one
  --allowed-host <name> another name the mock answers to (repeatable; or KIT_ALLOWED_HOSTS=a,b)
  --max-objects <n>     stored objects past which a create answers 507 (default 250000)
  --max-sessions <n>    sessions (worlds named by Mock-Session or /__session/<id>) past
                        which a new one answers 429 (default 1000)
  --session-ttl <d>     idle time after which a session is dropped: 30s, 30m, 24h, 7d
                        (default 24h)
  --public-url <url>    the mock's URL in the documents it serves (or KIT_PUBLIC_URL)
  --help                this text`;

/** Stored objects past which creating one answers 507 (about 1 GB of memory at most). */
export const DEFAULT_MAX_OBJECTS = 250_000;

export interface StartOptions {
  port: number;
  host: string;
  stateFile?: string;
  recover?: boolean;
  forceUnlock?: boolean;
  seed?: string;
  controlToken?: string;
  allowedHosts: string[];
  maxObjects: number;
  maxSessions: number;
  sessionTtlMs: number;
  publicUrl?: string;
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `24h`, `7d` in milliseconds; a CliError for anything else. */
export function durationMs(text: string, option: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  const ms = match ? Number(match[1]) * units[match[2]!]! : NaN;
  if (!(ms > 0) || !Number.isSafeInteger(ms))
    throw new CliError(`${option} must be a duration such as 30m, 24h or 7d (got ${text}).`);
  return ms;
}

/** A duration as it would be given: `24h`, `30m`, `7d` (days from two on). */
export const humanDuration = (ms: number) => {
  if (ms >= 2 * units.d! && ms % units.d! === 0) return `${ms / units.d!}d`;
  for (const unit of ['h', 'm', 's'])
    if (ms % units[unit]! === 0) return `${ms / units[unit]!}${unit}`;
  return `${ms}ms`;
};

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
      recover: { type: 'boolean', default: false },
      'force-unlock': { type: 'boolean', default: false },
      seed: { type: 'string' },
      'control-token': { type: 'string' },
      'allowed-host': { type: 'string', multiple: true },
      'max-objects': { type: 'string' },
      'max-sessions': { type: 'string' },
      'session-ttl': { type: 'string' },
      'public-url': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    startUsage,
  );
  if (values.help) return 'help';
  const stateFile = values['state-file'] ?? env.KIT_STATE_FILE;
  const maxObjects = Number(values['max-objects'] ?? env.KIT_MAX_OBJECTS ?? DEFAULT_MAX_OBJECTS);
  if (!Number.isInteger(maxObjects) || maxObjects < 1)
    throw new CliError(`--max-objects must be a positive integer (got ${values['max-objects']}).`);
  const maxSessions = Number(values['max-sessions'] ?? DEFAULT_MAX_SESSIONS);
  if (!Number.isInteger(maxSessions) || maxSessions < 0)
    throw new CliError(
      `--max-sessions must be a whole number, 0 or more (got ${values['max-sessions']}).`,
    );
  const sessionTtlMs =
    values['session-ttl'] === undefined
      ? DEFAULT_SESSION_TTL_MS
      : durationMs(values['session-ttl'], '--session-ttl');
  const controlToken = values['control-token'] ?? (env.KIT_CONTROL_TOKEN || undefined);
  const publicUrl = values['public-url'] ?? (env.KIT_PUBLIC_URL || undefined);
  return {
    allowedHosts: [
      ...((values['allowed-host'] as string[] | undefined) ?? []),
      ...(env.KIT_ALLOWED_HOSTS ?? '').split(',').filter(Boolean),
    ],
    maxObjects,
    maxSessions,
    sessionTtlMs,
    ...(controlToken ? { controlToken } : {}),
    ...(publicUrl ? { publicUrl } : {}),
    port:
      values.port !== undefined
        ? portOf(values.port, '--port')
        : env.PORT
          ? portOf(env.PORT, 'PORT')
          : 4010,
    host: values.host ?? (env.HOST || '127.0.0.1'),
    ...(stateFile ? { stateFile } : {}),
    ...(values.recover ? { recover: true } : {}),
    ...(values['force-unlock'] ? { forceUnlock: true } : {}),
    ...(values.seed ? { seed: values.seed } : {}),
  };
}

/** A fixture file, refused with every problem listed (and nothing started) when it is not one. */
export function readFixture(path: string): Seed {
  const { fixture, problems } = checkFixture(readJsonFile(path, `Cannot read the fixture ${path}`));
  if (problems.length > 0)
    throw new CliError(
      `The fixture ${path} is refused (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.join('; ')}`,
    );
  return fixture as Seed;
}

async function listen(
  sessions: Sessions,
  options: StartOptions,
  security: Security,
  store: Store | undefined,
): Promise<Serving> {
  try {
    return await serve(sessions.default, {
      sessions,
      port: options.port,
      host: options.host,
      security,
      ...(store ? { door: store } : {}),
      ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}),
    });
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

/** Rows of two cells, the second column starting at the same place on every row. */
export function columns(rows: readonly (readonly [string, string])[], gap = 2): string[] {
  const width = Math.max(...rows.map(([first]) => first.length));
  return rows.map(([first, second]) => `${first.padEnd(width + gap)}${second}`);
}

/** Starts the mock and prints where it is; resolves once it listens. */
export async function start(
  options: StartOptions,
  log: (line: string) => void = console.log,
): Promise<Serving> {
  const fixture = options.seed ? readFixture(options.seed) : undefined;
  const startedAt = new Date();
  // With a state file every session is kept there, as the default is (decision 0047).
  const sessions = createSessions(
    {
      ticking: true,
      now: startedAt,
      maxObjects: options.maxObjects,
      ...(fixture ? { seed: fixture } : {}),
    },
    {
      maxSessions: options.maxSessions,
      ttlMs: options.sessionTtlMs,
    },
  );
  const kit: Kit = sessions.default;
  let store: Store | undefined;
  let lock: { release(): void } | undefined;
  if (options.stateFile) {
    try {
      lock = lockStateFile(options.stateFile, { force: options.forceUnlock ?? false, log });
      for (const name of cleanTemporaryFiles(options.stateFile)) log(`Removed leftover ${name}`);
      store = await openStore(kit, options.stateFile, startedAt, {
        recover: options.recover ?? false,
        sessions,
      });
    } catch (error) {
      lock?.release();
      throw new CliError(
        error instanceof StateFileError || error instanceof LockError
          ? error.message
          : `Cannot use the state file: ${String(error)}`,
        1,
      );
    }
  }
  const security = createSecurity({
    listenHost: options.host,
    ...(options.controlToken ? { controlToken: options.controlToken } : {}),
    allowedHosts: options.allowedHosts,
  });

  let running: Serving;
  try {
    running = await listen(sessions, options, security, store);
  } catch (error) {
    await store?.close();
    lock?.release();
    throw error;
  }
  // Idle sessions are dropped when room is needed; this frees their memory without waiting.
  setInterval(() => sessions.sweep(), Math.min(60_000, options.sessionTtlMs)).unref();
  const base = running.url;
  log(`Eligibility mock kit listening on ${base}`);
  log(
    `  Program API     ${base}/public/v1/program/certificates   (real: https://api.platform.softwareone.com/public)`,
  );
  log(
    `  Partner Center  ${base}/v1/customers                     (real: https://api.partnercenter.microsoft.com)`,
  );
  log(`  Control API     ${base}/__control/clock | /reset | /journal | /seed | /faults`);
  if (security.controlToken) {
    log(
      `  Control token   ${security.generated ? `${security.controlToken}   (generated: listening beyond loopback; pass --control-token to choose it)` : '(as given)'}`,
    );
    log(
      `  State page      ${base}/__control/ui/?token=${security.generated ? security.controlToken : '<control token>'}`,
    );
  } else {
    log(`  State page      ${base}/__control/ui/`);
  }
  if (fixture) {
    log(`Seeded from ${options.seed} (its tokens, not the default ones).`);
  } else {
    log('Seed tokens (Authorization: Bearer <token>):');
    for (const line of columns([
      [seedTokens.operations, 'operations'],
      [seedTokens.vendor, 'vendor (Microsoft, ACC-3102-5475)'],
      [seedTokens.client, 'client (Oscorp Industries, ACC-1086-6867)'],
      [partnerTokens.partner, 'Partner Center partner (reads and requests qualifications)'],
      [partnerTokens.reader, 'Partner Center reader (read only)'],
    ]))
      log(`  ${line}`);
  }
  log(`Stored objects: at most ${options.maxObjects} (--max-objects), all sessions together`);
  log(
    `Sessions: at most ${options.maxSessions} (--max-sessions), dropped after ${humanDuration(options.sessionTtlMs)} idle (--session-ttl)${options.stateFile ? ', kept in the state file' : ''}; name one with Mock-Session: <id> or ${base}/__session/<id>/...`,
  );
  if (options.stateFile && store)
    log(
      `State file: ${options.stateFile} (${store.restored.snapshot ? 'restored' : 'created from the seed'}), ${store.restored.replayed} logged requests replayed, ${Math.round(store.restored.ms)} ms`,
    );
  const recovered = store?.restored.recovered;
  if (recovered)
    log(
      `Recovered: kept the writes through seq ${recovered.keptThrough}; moved aside ${recovered.what} to ${recovered.folder}: ${recovered.dropped} acknowledged write${recovered.dropped === 1 ? '' : 's'} dropped.`,
    );
  log(`Virtual clock: ${kit.world.clock.now().toISOString()}`);

  // A graceful stop: requests in flight are answered (5 s at most), the log flushed, the lock
  // released, exit 0.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping (requests in flight are answered first)`);
    void (async () => {
      await running.close(5_000);
      await store?.close();
      lock?.release();
      process.exit(0);
    })();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
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
