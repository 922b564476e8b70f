/** The kit's public surface: make a kit (world + both APIs + control), and the types around it. */
export { createKit, type Kit, type KitOptions } from './kit.js';
export { createWorld, type Seed, type World, type WorldOptions } from './core/world.js';
export { defaultSeed } from './core/seed.js';
export { seedTokens } from './core/program/seed.js';
export type { Control, ClockState } from './core/control.js';
export type { CoverageEntry, CoverageId, MutationPoint } from './core/coverage.js';
export type { KitRequest, KitResponse } from './http/types.js';
export type { ApiName } from './schema/index.js';
