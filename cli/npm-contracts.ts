/**
 * npm run contracts -- --target <base URL> [options] (`eligibility-mock contracts` in an app).
 * Exit code 0 only when every selected check passes; see cli/contracts.ts.
 */
import { contractsCommand } from './contracts.js';
import { run } from './run.js';

run('contracts', () => contractsCommand(process.argv.slice(2), 'npm run contracts --'));
