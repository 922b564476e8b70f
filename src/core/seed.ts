/** The default seed: both APIs, dated relative to the instant it is loaded at. */
import { defaultPartnerSeed } from './partner/seed.js';
import { defaultProgramSeed } from './program/seed.js';
import type { Seed } from './world.js';

export function defaultSeed(now: Date): Seed {
  return {
    randomSeed: 20261121,
    program: defaultProgramSeed(now),
    partnerCenter: defaultPartnerSeed(now),
  };
}
