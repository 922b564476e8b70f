/** The express door as a library: the app over a kit, and a Node server with the kit's limits. */
export { createApp } from './app.js';
export { serve, type ServeOptions, type Serving } from './serve.js';
export { openStore, readState, StateFileError, type Store } from './persistence.js';
export { LockError, lockStateFile } from './lock.js';
