/**
 * The virtual clock every rule reads. Frozen (tests: time moves only when told) or ticking
 * (the server: real time plus an offset, so `advance` still works).
 */
import { parse as parseDuration, pattern as durationPattern } from 'iso8601-duration';

export interface Clock {
  now(): Date;
  /** Jumps to an instant; refuses to go back in time (ISO 8601 date-time). */
  set(instant: Date): void;
  /** Moves forward by an ISO 8601 duration such as `P30D` or `PT2H`. */
  advance(duration: string): void;
  /**
   * Runs `run` with the clock standing still at `instant` (a logged request replayed at the
   * instant it first ran), then lets it go on from where it was, as if nothing happened.
   */
  holding<T>(instant: Date, run: () => T): T;
  readonly ticking: boolean;
}

export function createClock(
  start: Date,
  options: { ticking?: boolean; realNow?: () => number } = {},
): Clock {
  const realNow = options.realNow ?? (() => Date.now());
  const ticking = options.ticking ?? false;
  // now = anchor + (real time elapsed since realAnchor when ticking)
  let anchor = start.getTime();
  let realAnchor = realNow();
  let held: number | undefined;
  const now = () => new Date(held ?? (ticking ? anchor + (realNow() - realAnchor) : anchor));
  return {
    ticking,
    now,
    set(instant) {
      anchor = instant.getTime();
      realAnchor = realNow();
    },
    advance(duration) {
      const next = addDuration(now(), duration);
      anchor = next.getTime();
      realAnchor = realNow();
    },
    holding(instant, run) {
      const outer = held;
      held = instant.getTime();
      try {
        return run();
      } finally {
        held = outer;
      }
    },
  };
}

/** The instant `duration` after `from`; throws ClockError on a malformed or negative duration. */
export function addDuration(from: Date, duration: string): Date {
  if (!isDuration(duration))
    throw new ClockError(`"${duration}" is not an ISO 8601 duration such as P30D or PT12H`);
  const d = parseDuration(duration);
  // Calendar units in UTC, so a day is a day whatever the host's time zone does.
  const next = new Date(from.getTime());
  next.setUTCFullYear(next.getUTCFullYear() + (d.years ?? 0), next.getUTCMonth() + (d.months ?? 0));
  next.setUTCDate(next.getUTCDate() + (d.weeks ?? 0) * 7 + (d.days ?? 0));
  next.setTime(
    next.getTime() + ((d.hours ?? 0) * 3600 + (d.minutes ?? 0) * 60 + (d.seconds ?? 0)) * 1000,
  );
  if (Number.isNaN(next.getTime()))
    throw new ClockError(`"${duration}" moves the clock out of range`);
  return next;
}

export function isDuration(value: string): boolean {
  // The library's pattern also accepts a bare "P"; a duration must name at least one unit.
  return (
    value.length <= 64 && durationPattern.test(value) && /\d/.test(value) && !value.endsWith('T')
  );
}

/** A malformed or out-of-range clock duration (`world.clock.advance`). */
export class ClockError extends Error {
  override name = 'ClockError';
}

/** `YYYY-MM-DD` of an instant, in UTC. */
/** The UTC day of an instant (`YYYY-MM-DD`); the last day is remembered (asked on every request). */
export function utcDate(instant: Date): string {
  const at = instant.getTime();
  if (at >= day.start && at < day.start + 86_400_000) return day.text;
  const text = instant.toISOString().slice(0, 10);
  if (Number.isFinite(at))
    day = { start: at - (((at % 86_400_000) + 86_400_000) % 86_400_000), text };
  return text;
}
let day = { start: NaN, text: '' };
