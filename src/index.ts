/** The kit's public surface: make a kit (world + both APIs + control), and the types around it. */
export { createKit, type Kit, type KitOptions } from './kit.js';
export {
  createSessions,
  type SessionInfo,
  type Sessions,
  type SessionsOptions,
} from './sessions.js';
export { createWorld, SeedError, type Seed, type World, type WorldOptions } from './core/world.js';
export { defaultSeed } from './core/seed.js';
export { seedTokens } from './core/program/seed.js';
export { ControlError, type Control, type ClockState } from './core/control.js';
export { ClockError } from './core/clock.js';
export type { CoverageEntry, CoverageId, MutationPoint } from './core/coverage.js';
export type { KitRequest, KitResponse } from './http/types.js';
export type { ApiName } from './schema/index.js';
