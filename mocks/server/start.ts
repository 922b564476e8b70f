/**
 * `npm start`: the stateful mock of both APIs on one port, seeded with the default data.
 *   PORT=4010 HOST=127.0.0.1 npm start
 *   npm start -- --state-file team-mock.json     (or KIT_STATE_FILE=...): keep the world across restarts
 *   npm start -- --help                          every option (the same as `eligibility-mock start`)
 */
import { run } from '../../cli/run.js';
import { startCommand } from '../../cli/start.js';

run('npm start', () => startCommand(process.argv.slice(2)));
