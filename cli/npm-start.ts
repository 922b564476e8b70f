/**
 * `npm start`: the stateful mock of both APIs on one port, seeded with the default data.
 *   PORT=4010 HOST=127.0.0.1 npm start
 *   npm start -- --state-file team-mock.json     (or KIT_STATE_FILE=...): keep the world across restarts
 *   npm start -- --control-token <t>             (or KIT_CONTROL_TOKEN): the control API needs it
 *   npm start -- --help                          every option (the same as `eligibility-mock start`)
 * SIGTERM or SIGINT stops it gracefully: requests in flight are answered (5 s at most), the log
 * is flushed, the lock released, exit 0.
 */
import { run } from './run.js';
import { startCommand } from './start.js';

run('npm start', () => startCommand(process.argv.slice(2)));
