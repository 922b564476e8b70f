/**
 * `npm start`: the stateful mock of both APIs on one port, seeded with the default data.
 *   PORT=4010 HOST=127.0.0.1 npm start
 *   npm start -- --state-file team-mock.json     (or KIT_STATE_FILE=...): keep the world across restarts
 *   npm start -- --control-token <t>             (or KIT_CONTROL_TOKEN): the control API needs it
 *   npm start -- --allowed-host mock.team.lan    (or KIT_ALLOWED_HOSTS=a,b): more names for Host
 *   npm start -- --max-objects 250000            (or KIT_MAX_OBJECTS): creates past it answer 507
 *   npm start -- --public-url http://mock.team.lan:4010   (or KIT_PUBLIC_URL): the served specs' URL
 * SIGTERM or SIGINT stops it gracefully: requests in flight are answered (5 s at most), the log
 * is flushed, the lock released, exit 0.
 */
import { parseArgs } from 'node:util';
import { partnerTokens } from '../../src/core/partner/seed.js';
import { seedTokens } from '../../src/core/program/seed.js';
import { createKit } from '../../src/kit.js';
import { cleanTemporaryFiles, LockError, lockStateFile } from './lock.js';
import { openStore, StateFileError, type Store } from './persistence.js';
import { createSecurity } from './security.js';
import { serve } from './serve.js';

/** Stored objects past which creating one answers 507 (about 1 GB of memory at most). */
export const DEFAULT_MAX_OBJECTS = 250_000;

const { values } = parseArgs({
  options: {
    'state-file': { type: 'string' },
    'control-token': { type: 'string' },
    'allowed-host': { type: 'string', multiple: true },
    'max-objects': { type: 'string' },
    'public-url': { type: 'string' },
  },
});
const stateFile = values['state-file'] ?? process.env.KIT_STATE_FILE;
const port = Number(process.env.PORT ?? 4010);
const host = process.env.HOST ?? '127.0.0.1';
const maxObjects = Number(
  values['max-objects'] ?? process.env.KIT_MAX_OBJECTS ?? DEFAULT_MAX_OBJECTS,
);
const controlToken = values['control-token'] ?? (process.env.KIT_CONTROL_TOKEN || undefined);
const allowedHosts = [
  ...(values['allowed-host'] ?? []),
  ...(process.env.KIT_ALLOWED_HOSTS ?? '').split(',').filter(Boolean),
];
const publicUrl = values['public-url'] ?? process.env.KIT_PUBLIC_URL;

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}
if (!Number.isInteger(maxObjects) || maxObjects < 1)
  fail('--max-objects must be a positive integer');

const start = new Date();
const kit = createKit({ ticking: true, now: start, maxObjects });
let store: Store | undefined;
let lock: { release(): void } | undefined;
if (stateFile) {
  try {
    lock = lockStateFile(stateFile);
    for (const name of cleanTemporaryFiles(stateFile)) console.log(`Removed leftover ${name}`);
    store = await openStore(kit, stateFile, start);
  } catch (error) {
    lock?.release();
    fail(
      error instanceof StateFileError || error instanceof LockError
        ? error.message
        : `Cannot use the state file: ${String(error)}`,
    );
  }
}

const security = createSecurity({
  listenHost: host,
  ...(controlToken ? { controlToken } : {}),
  allowedHosts,
});
const running = await serve(kit, {
  port,
  host,
  security,
  ...(store ? { door: store } : {}),
  ...(publicUrl ? { publicUrl } : {}),
});
const base = running.url;
console.log(`Eligibility mock kit listening on ${base}`);
console.log(
  `  Program API     ${base}/public/v1/program/certificates   (real: https://api.platform.softwareone.com/public)`,
);
console.log(
  `  Partner Center  ${base}/v1/customers                     (real: https://api.partnercenter.microsoft.com)`,
);
console.log(`  Control API     ${base}/__control/clock | /reset | /journal | /seed | /faults`);
if (security.controlToken) {
  console.log(
    `  Control token   ${security.generated ? `${security.controlToken}   (generated: listening beyond loopback; pass --control-token to choose it)` : '(as given)'}`,
  );
  console.log(
    `  State page      ${base}/__control/ui/?token=${security.generated ? security.controlToken : '<control token>'}`,
  );
} else {
  console.log(`  State page      ${base}/__control/ui/`);
}
console.log('Seed tokens (Authorization: Bearer <token>):');
console.log(`  ${seedTokens.operations}   operations`);
console.log(`  ${seedTokens.vendor}  vendor (Microsoft, ACC-1086-6867)`);
console.log(`  ${seedTokens.client}  client (Oscorp Industries, ACC-4812-0447)`);
console.log(
  `  ${partnerTokens.partner}  Partner Center partner (reads and requests qualifications)`,
);
console.log(`  ${partnerTokens.reader}   Partner Center reader (read only)`);
console.log(`Stored objects: at most ${maxObjects} (--max-objects)`);
if (stateFile && store)
  console.log(
    `State file: ${stateFile} (${store.restored.snapshot ? 'restored' : 'created from the seed'}), ${store.restored.replayed} logged requests replayed, ${Math.round(store.restored.ms)} ms`,
  );
console.log(`Virtual clock: ${kit.world.clock.now().toISOString()}`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping (requests in flight are answered first)`);
  void (async () => {
    await running.close(5_000);
    await store?.close();
    lock?.release();
    process.exit(0);
  })();
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
