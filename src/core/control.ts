/**
 * The control API: reset, clock, journal, fixtures. Plain functions for in-process use; the
 * same functions answer `/__control/...` through src/apis/control.ts (both doors serve it).
 */
import type { ClockError } from './clock.js';
import { addDuration, isDuration } from './clock.js';
import type { CoverageEntry } from './coverage.js';
import { FaultError, validateFault, type FaultRule } from './faults.js';
import { checkFixture } from './fixture.js';
import { dumpPartner } from './partner/seed.js';
import type { CustomerQualification } from './partner/state.js';
import { decide, type VettingDecision } from './partner/vetting.js';
import { dumpProgram } from './program/seed.js';
import { SeedError } from './seed-error.js';
import type { JournalEntry, Seed, World } from './world.js';

export interface ClockState {
  now: string;
  ticking: boolean;
}

export interface Control {
  /** Back to the seed; the rule coverage is kept unless `coverage: true` clears it too. */
  reset(options?: { coverage?: boolean }): void;
  /** Every rule and transition id with how often it fired since the start (or a clearing reset). */
  coverage(): CoverageEntry[];
  clock(): ClockState;
  /** `{ now: ISO date-time }` or `{ advance: ISO 8601 duration }`. */
  setClock(change: { now?: string; advance?: string }): ClockState;
  journal(limit?: number): JournalEntry[];
  /**
   * Replaces the world with a fixture, checked whole first. `read`: the kit read the fixture
   * itself (parseShared, sharedJsonStream), so its objects are its alone and already shared.
   */
  seed(fixture: Seed, options?: { read?: boolean }): void;
  /** The whole state as a fixture (what `seed` takes back). */
  state(): Seed;
  /**
   * Decides a Partner Center customer's Education review now: `{qualification: "Education",
   * status: "Approved" | "Denied", reason?}`. Throws ControlError: 400 for a bad decision, 404
   * for an unknown customer, 409 when the customer has no Education request InReview.
   */
  vet(customerId: string, decision: VettingDecision): CustomerQualification;
  /** Faults on demand: the rules in force. */
  faults(): FaultRule[];
  /**
   * Adds a fault rule: `{api?, operationId?, status?: 429 | 503, retryAfter?, latencyMs?,
   * count?, fraction?}`. Throws ControlError (400) for a rule that makes no sense.
   */
  addFault(rule: unknown): FaultRule;
  clearFaults(): void;
}

/** A control call refused (bad input, unknown customer, wrong state), with its HTTP status. */
export class ControlError extends Error {
  override name = 'ControlError';
  constructor(
    message: string,
    /** The HTTP status `/__control` answers with. */
    readonly status: 400 | 404 | 409 = 400,
    /** Every problem found, when there are several (answered as `errors`). */
    readonly problems?: readonly string[],
  ) {
    super(message);
  }
}

export function createControl(world: World): Control {
  const clockState = (): ClockState => ({
    now: world.clock.now().toISOString(),
    ticking: world.clock.ticking,
  });
  return {
    reset(options) {
      world.reset();
      if (options?.coverage) world.coverage.clear();
    },
    coverage: () => world.coverage.table(),
    clock: clockState,
    setClock(change) {
      if (change.now !== undefined && change.advance !== undefined)
        throw new ControlError('Give either "now" or "advance", not both.');
      if (change.now !== undefined) {
        const instant = new Date(change.now);
        if (
          typeof change.now !== 'string' ||
          !/^\d{4}-\d{2}-\d{2}T/.test(change.now) ||
          Number.isNaN(instant.getTime())
        ) {
          throw new ControlError(
            `"now" must be an ISO 8601 date-time, got ${JSON.stringify(change.now)}.`,
          );
        }
        world.clock.set(instant);
      } else if (change.advance !== undefined) {
        if (typeof change.advance !== 'string' || !isDuration(change.advance)) {
          throw new ControlError(
            `"advance" must be an ISO 8601 duration such as P30D or PT2H, got ${JSON.stringify(change.advance)}.`,
          );
        }
        try {
          addDuration(world.clock.now(), change.advance);
        } catch (error) {
          throw new ControlError((error as ClockError).message);
        }
        world.clock.advance(change.advance);
      } else {
        throw new ControlError('Give "now" (ISO 8601 date-time) or "advance" (ISO 8601 duration).');
      }
      world.settle();
      return clockState();
    },
    journal: (limit) => world.journal.list(limit),
    seed(given, { read = false } = {}) {
      // Checked whole before anything is replaced: every problem is listed, nothing changes.
      const checked = checkFixture(given);
      const problems = checked.problems;
      const fixture = checked.fixture as Seed;
      if (problems.length > 0)
        throw new ControlError(
          `The fixture cannot be loaded (${problems.length} problem${problems.length === 1 ? '' : 's'}): ${problems.join('; ')}`,
          400,
          problems,
        );
      try {
        // A fixture the check had to copy (optional nulls left out) shares nothing any more.
        world.load(fixture, { shared: read && fixture === given });
      } catch (error) {
        throw new ControlError(
          error instanceof SeedError
            ? `The fixture cannot be loaded: ${error.message}`
            : String(error),
        );
      }
      world.settle();
    },
    faults: () => world.faults.list(),
    addFault(rule) {
      try {
        return world.faults.add(validateFault(rule));
      } catch (error) {
        if (error instanceof FaultError) throw new ControlError(`Bad fault rule: ${error.message}`);
        throw error;
      }
    },
    clearFaults: () => world.faults.clear(),
    state: () => {
      // A ticking clock may have passed an expiry or a review since the last request.
      world.settle();
      return {
        now: world.clock.now().toISOString(),
        randomSeed: world.ids.state(),
        program: dumpProgram(world.program),
        partnerCenter: dumpPartner(world.partner),
      };
    },
    vet(customerId, decision) {
      // A review the clock has already decided is not InReview any more.
      world.settle();
      const result = decide(world.partner, customerId, decision, world.coverage);
      if (!result.ok) throw new ControlError(result.message, result.status);
      return result.qualification;
    },
  };
}

/** The state with every API token replaced by a marker (for a caller without the control token). */
export function redactTokens(state: Seed): Seed {
  const hide = <T extends { token: string }>(tokens: T[] | undefined) =>
    tokens?.map((t) => ({ ...t, token: '(redacted)' }));
  return {
    ...state,
    ...(state.program ? { program: { ...state.program, tokens: hide(state.program.tokens) } } : {}),
    ...(state.partnerCenter
      ? { partnerCenter: { ...state.partnerCenter, tokens: hide(state.partnerCenter.tokens) } }
      : {}),
  };
}
