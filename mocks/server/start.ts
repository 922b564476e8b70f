/**
 * `npm start`: the stateful mock of both APIs on one port, seeded with the default data.
 *   PORT=4010 HOST=127.0.0.1 npm start
 *   npm start -- --state-file team-mock.json     (or KIT_STATE_FILE=...): keep the world across restarts
 */
import { parseArgs } from 'node:util';
import { partnerTokens } from '../../src/core/partner/seed.js';
import { seedTokens } from '../../src/core/program/seed.js';
import { createKit } from '../../src/kit.js';
import { persistent, readSavedState, StateFileError, writeStateFile } from './persistence.js';
import { serve } from './serve.js';

const { values } = parseArgs({ options: { 'state-file': { type: 'string' } } });
const stateFile = values['state-file'] ?? process.env.KIT_STATE_FILE;
const port = Number(process.env.PORT ?? 4010);
const host = process.env.HOST ?? '127.0.0.1';

let kit = createKit({ ticking: true });
let restored = false;
if (stateFile) {
  try {
    const saved = readSavedState(stateFile);
    if (saved) {
      kit.world.load(saved.state);
      // The virtual clock went on while the server was down, as real time did.
      const down = Date.now() - Date.parse(saved.savedAt);
      if (saved.state.now && down > 0)
        kit.world.clock.set(new Date(Date.parse(saved.state.now) + down));
      kit.world.settle();
      restored = true;
    } else {
      writeStateFile(stateFile, kit.control.state());
    }
  } catch (error) {
    console.error(
      error instanceof StateFileError
        ? error.message
        : `Cannot use the state file: ${String(error)}`,
    );
    process.exit(1);
  }
  kit = persistent(kit, stateFile);
}

const running = await serve(kit, { port, host });
const base = running.url;
console.log(`Eligibility mock kit listening on ${base}`);
console.log(
  `  Program API     ${base}/public/v1/program/certificates   (real: https://api.platform.softwareone.com/public)`,
);
console.log(
  `  Partner Center  ${base}/v1/customers                     (real: https://api.partnercenter.microsoft.com)`,
);
console.log(`  Control API     ${base}/__control/clock | /reset | /journal | /seed | /faults`);
console.log(`  State page      ${base}/__control/ui/`);
console.log('Seed tokens (Authorization: Bearer <token>):');
console.log(`  ${seedTokens.operations}   operations`);
console.log(`  ${seedTokens.vendor}  vendor (Microsoft, ACC-1086-6867)`);
console.log(`  ${seedTokens.client}  client (Oscorp Industries, ACC-4812-0447)`);
console.log(
  `  ${partnerTokens.partner}  Partner Center partner (reads and requests qualifications)`,
);
console.log(`  ${partnerTokens.reader}   Partner Center reader (read only)`);
if (stateFile)
  console.log(`State file: ${stateFile} (${restored ? 'restored' : 'created from the seed'})`);
console.log(`Virtual clock: ${kit.world.clock.now().toISOString()}`);

const stop = () => void running.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
