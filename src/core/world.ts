/**
 * A world: everything one mock instance knows. Made by a factory (no module singleton), so a
 * test, an msw setup and the express server each own theirs, and `reset` returns to the seed.
 */
import { Ring } from './bounded.js';
import { forkOf } from './collection.js';
import { SeedError } from './seed-error.js';
import { createClock, type Clock } from './clock.js';
import { Coverage, type MutationPoint } from './coverage.js';
import { FaultTable } from './faults.js';
import { createIds, type IdGenerator } from './ids.js';
import { loadPartner, settleVetting } from './partner/seed.js';
import {
  emptyPartnerState,
  forkPartnerState,
  type PartnerSeed,
  type PartnerState,
} from './partner/state.js';
import { dumpProgram, loadProgram, systemActor } from './program/seed.js';
import { expireDue } from './program/service.js';
import { emptyProgramState, type ProgramSeed, type ProgramState } from './program/state.js';

export interface Seed {
  /** Optional start instant of the virtual clock (ISO 8601). */
  now?: string;
  /** Seed of the id generator; the same seed gives the same ids. */
  randomSeed?: number;
  program?: ProgramSeed;
  partnerCenter?: PartnerSeed;
}

export interface JournalEntry {
  at: string;
  api: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
}

export interface WorldOptions {
  /** The seed fixture, or a function of the start instant (seeds with dates relative to "now"). */
  seed?: Seed | ((now: Date) => Seed);
  /** Start instant; defaults to the seed's `now`, else the real time. */
  now?: string | Date;
  /** Whether the clock follows real time (server) or stays frozen until told (tests). */
  ticking?: boolean;
  journalSize?: number;
  /** How many Partner Center writes are remembered for `MS-RequestId` replay. */
  idempotencySize?: number;
  /** For the explorer's own tests only: one rule switched off or one transition changed. */
  mutant?: MutationPoint;
  /**
   * The seed is the kit's own default (checked against the spec by its tests): the first load
   * skips the per-object schema checks, which cost a fresh test worker some 30 ms of Ajv
   * compilation. Any later `load` (a fixture from outside) is checked in full.
   */
  trustedSeed?: boolean;
}

export interface World {
  readonly clock: Clock;
  /** The instant it was made at (what a reset goes back to). */
  readonly start: Date;
  ids: IdGenerator;
  program: ProgramState;
  partner: PartnerState;
  readonly journal: Ring<JournalEntry>;
  /** Faults on demand (429, 503, latency); empty unless asked for. */
  readonly faults: FaultTable;
  /** Which rules and transitions fired (kept across resets). */
  readonly coverage: Coverage;
  /** A W3C-style trace id for problem details (not drawn from the id sequence). */
  traceId(): string;
  /** Back to the seed the world was made with (clock included). */
  reset(): void;
  /**
   * The fixture this world is made from, as a world made at `at` would have it (the default
   * seed's dates follow its instant; a fixture is what it is): what a replayed reset loads.
   */
  seedAt(at: Date): Seed;
  /**
   * Replaces the whole state with a fixture. Throws SeedError on a fixture it cannot load.
   * `shared`: the fixture's objects are the kit's alone (it read them itself) and its repeated
   * members are one object already, so they are stored as they are, not copied and folded into
   * shared objects again. `vouched`: besides, it is a state this kit wrote and checked (a
   * sealed snapshot), so it is not conformed to the spec again.
   */
  load(seed: Seed, options?: { shared?: boolean; vouched?: boolean }): void;
  /** Runs the clock-driven changes that are due (expiry, default vetting policy). */
  settle(): void;
  /**
   * A new world in constant time: the seed this one was made with (every collection a fork of
   * its objects, which are shared and never changed in place), its own clock (at the seed's
   * instant, or `now`), journal, faults, coverage, idempotency memory and id sequence.
   */
  fork(options?: { now?: string | Date }): World;
}

export { SeedError } from './seed-error.js';

/**
 * A program state with the same contents in constant time: every collection a fork (copy on
 * write, indexes included) over the same stored objects, which are never changed in place.
 */
function forkProgramState(state: ProgramState): ProgramState {
  const fork = { ...state } as Record<string, unknown>;
  for (const [key, value] of Object.entries(state))
    if (value instanceof Map) fork[key] = forkOf(value as Map<string, unknown>);
  return { ...(fork as unknown as ProgramState), nextExpiry: null };
}

/** Every id a program state holds (the id generator must never hand one out again). */
function idsOf(state: ProgramState): Set<string> {
  const ids = new Set<string>();
  for (const value of Object.values(state))
    if (value instanceof Map) for (const key of value.keys()) ids.add(String(key));
  return ids;
}

/** What a fork shares with the world it comes from: the seed's objects, instant and fixture. */
interface Origin {
  base: { program: ProgramState; partner: PartnerState; ids: ReadonlySet<string> };
  initialSeed: Seed;
  start: Date;
}

export function createWorld(options: WorldOptions = {}): World {
  return makeWorld(options);
}

function makeWorld(options: WorldOptions, origin?: Origin): World {
  const startOf = () => {
    if (origin && !options.now) return origin.start;
    if (options.now) return new Date(options.now);
    const seed = typeof options.seed === 'function' ? undefined : options.seed;
    return seed?.now ? new Date(seed.now) : new Date();
  };
  const start = startOf();
  if (Number.isNaN(start.getTime()))
    throw new SeedError(`"${String(options.now)}" is not a date-time`);
  const clock = createClock(start, { ticking: options.ticking ?? false });
  const seedAt = (now: Date): Seed =>
    typeof options.seed === 'function' ? options.seed(now) : (options.seed ?? {});
  // A fork given its own instant resets to it, not to the seed's.
  let initialSeed = origin
    ? options.now
      ? { ...origin.initialSeed, now: start.toISOString() }
      : origin.initialSeed
    : seedAt(start);
  let traceCounter = 0;
  let base: Origin['base'] | undefined;

  const world: World = {
    clock,
    start,
    ids: createIds(initialSeed.randomSeed ?? 1),
    program: emptyProgramState(),
    partner: emptyPartnerState(options.idempotencySize),
    journal: new Ring(options.journalSize ?? 200),
    faults: new FaultTable(),
    coverage: new Coverage(options.mutant),
    traceId() {
      traceCounter = (traceCounter + 1) >>> 0;
      const mix = (n: number) =>
        (Math.imul(n ^ (n >>> 16), 0x45d9f3b) >>> 0).toString(16).padStart(8, '0');
      const a =
        mix(traceCounter) +
        mix(traceCounter + 0x9e3779b9) +
        mix(traceCounter ^ 0x85ebca6b) +
        mix(traceCounter + 7);
      return `00-${a}-${mix(traceCounter * 3 + 1)}${mix(traceCounter * 5 + 2)}-00`;
    },
    seedAt: (at) => seedAt(at),
    reset() {
      traceCounter = 0;
      clock.set(start);
      if (base) {
        // Stored objects of both APIs are never changed in place (every write replaces them),
        // so every reset shares the seeded ones: its collections are forks of the seed's.
        const headerIds = world.partner.headerIds;
        world.program = forkProgramState(base.program);
        world.ids = createIds(initialSeed.randomSeed ?? 1, base.ids);
        world.partner = forkPartnerState(base.partner);
        // Generated header ids go on from where they were: a reset must not repeat them.
        world.partner.headerIds = Math.max(headerIds, base.partner.headerIds);
        if (initialSeed.now) clock.set(new Date(initialSeed.now));
      } else world.load(initialSeed);
      world.journal.clear();
      world.faults.clear();
    },
    load(seed, loading = {}) {
      loadSeed(seed, loading.vouched, loading.shared || loading.vouched);
    },
    settle() {
      const now = clock.now();
      expireDue(world.program, now, systemActor, world.coverage);
      settleVetting(world.partner, now, world.coverage);
    },
    fork(at = {}) {
      const { now: _now, ...rest } = options;
      return makeWorld(
        { ...rest, ...(at.now ? { now: at.now } : {}) },
        {
          base: base!,
          initialSeed,
          start,
        },
      );
    },
  };
  function loadSeed(seed: Seed, trusted = false, asItIs = false) {
    const program = world.program;
    const partner = world.partner;
    const ids = world.ids;
    world.program = emptyProgramState();
    world.partner = emptyPartnerState(options.idempotencySize);
    // Generated header ids go on from where they were: a reset must not repeat them.
    world.partner.headerIds = partner.headerIds;
    world.ids = createIds(seed.randomSeed ?? 1);
    try {
      loadProgram(world.program, seed.program ?? {}, world.ids, { asItIs });
      loadPartner(world.partner, seed.partnerCenter ?? {}, { trusted });
    } catch (error) {
      // A fixture that cannot load leaves the world as it was.
      world.program = program;
      world.partner = partner;
      world.ids = ids;
      throw error instanceof SeedError ? error : new SeedError((error as Error).message);
    }
    if (seed.now) clock.set(new Date(seed.now));
  }
  if (origin) {
    // A fork starts where a reset of its origin would: the seed's objects, shared.
    base = origin.base;
    world.program = forkProgramState(base.program);
    world.partner = forkPartnerState(base.partner);
    world.ids = createIds(initialSeed.randomSeed ?? 1, base.ids);
    clock.set(start);
    if (initialSeed.now) clock.set(new Date(initialSeed.now));
    return world;
  }
  loadSeed(initialSeed, options.trustedSeed);
  // Reset starts again from the objects just loaded (shared, never changed in place), not from
  // the fixture given: a large fixture is then held in memory once, and a reset costs a fork of
  // each collection (constant time) instead of a new load.
  base = {
    program: forkProgramState(world.program),
    partner: forkPartnerState(world.partner),
    ids: idsOf(world.program),
  };
  initialSeed = { ...initialSeed, program: dumpProgram(world.program) };
  clock.set(start);
  return world;
}
