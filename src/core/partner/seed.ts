/** Loading a Partner Center fixture, the clock-driven vetting policy, and the default seed. */
import type { PartnerSeed, PartnerState } from './state.js';

export function loadPartner(state: PartnerState, seed: PartnerSeed): void {
  void state;
  void seed;
}

export function settleVetting(state: PartnerState, now: Date): void {
  void state;
  void now;
}

export function defaultPartnerSeed(now: Date): PartnerSeed {
  void now;
  return {};
}

export function dumpPartner(state: PartnerState): Required<PartnerSeed> {
  return {
    tokens: [...state.tokens.entries()].map(([token, actor]) => ({
      token,
      role: actor.role,
      name: actor.name,
    })),
    customers: [...state.customers.values()].map((record) => ({
      ...record.customer,
      qualifications: record.qualifications,
      educationRequests: record.educationRequests,
    })),
    validationCodes: [...state.validationCodes.values()],
  };
}
