/**
 * Sessions: many isolated worlds on one mock (decisions 0045-0047). A session is a whole world
 * (data, clock, faults, journal, idempotency memory, coverage, id sequence), a constant-time
 * fork of the seed the default world was made with. A request names one with the header
 * `Mock-Session: <id>` or the path prefix `/__session/<id>` (the doors take it off); without
 * either it is the default session, the mock as it has always been.
 */
import { problem } from './apis/control.js';
import { ControlError } from './core/control.js';
import { Refusal } from './core/problem.js';
import type { Seed } from './core/world.js';
import { json, type KitRequest, type KitResponse } from './http/types.js';
import { kitOf, seededWorld, storedObjects, type Kit, type KitOptions } from './kit.js';
import { isRecord, type ApiName } from './schema/index.js';

export const DEFAULT_SESSION = 'default';
export const SESSION_HEADER = 'mock-session';
export const DEFAULT_MAX_SESSIONS = 1000;
export const DEFAULT_SESSION_TTL_MS = 24 * 60 * 60 * 1000;

const sessionId = /^[A-Za-z0-9._-]{1,64}$/;
const prefix = /^\/__session\/([^/?]*)(.*)$/s;

export interface SessionInfo {
  id: string;
  created: string;
  lastUsed: string;
  /** Objects the session's world holds (the seed's, shared, included). */
  storedObjects: number;
  requests: number;
}

export interface SessionsOptions {
  /** Sessions besides the default past which a new one is refused (429). Default 1,000. */
  maxSessions?: number;
  /** Idle time (ms) after which a session is dropped. Default 24 h. */
  ttlMs?: number;
  /** The object cap, counted over every session (what each stores beyond the seed). */
  maxObjects?: number;
  /** Milliseconds since the epoch (idle times); default `Date.now`. */
  time?: () => number;
}

/** Which error shape a refusal takes: one of the APIs, or the control API's problem details. */
export type Shape = ApiName | 'control';

/** A refusal of a session (bad id, too many, not served), before any kit answers. */
export interface SessionRefusal {
  status: 400 | 429;
  detail: string;
  retryAfter?: number;
}

/** A session's kit; `made` when this use created it (a durable store logs that). */
export type SessionUse = { kit: Kit; id: string; made?: true } | { refused: SessionRefusal };

/** What a restart puts back of a session besides its world (a state file's record of it). */
export interface SessionUsage {
  created?: number;
  lastUsed?: number;
  requests?: number;
}

export interface Sessions {
  readonly default: Kit;
  /** The kit of a session, made on first use; a refusal past the cap or for a bad id. */
  use(id: string): SessionUse;
  /** `POST /__control/sessions`: `{id?, now?, fixture?}`. Throws ControlError or refuses. */
  create(spec: unknown): SessionInfo | { refused: SessionRefusal };
  list(): SessionInfo[];
  /** Drops a session; false when there is none of that id. */
  drop(id: string): boolean;
  /**
   * A session put back by a restart (no cap, no TTL check): the kit of `id`, made at `now` when
   * there is none yet; `usage` replaces its times and count where given.
   */
  restore(id: string, now?: string, usage?: SessionUsage): Kit;
  /** Every session but the default, with its usage (what a state file's snapshot keeps). */
  held(): { id: string; kit: Kit; usage: Required<SessionUsage> }[];
  /** Drops every session idle for the TTL (also done whenever room is needed); how many. */
  sweep(): number;
  /** Answers the registry's own control routes (`/sessions...`); undefined for any other. */
  handleControl(request: KitRequest, path: string): KitResponse | undefined;
  /** A refusal in the shape of the path's API, `Retry-After` included. */
  refuse(shape: Shape, request: KitRequest, refusal: SessionRefusal): KitResponse;
}

const badId = (id: string): SessionRefusal => ({
  status: 400,
  detail: `${JSON.stringify(id)} is not a session id: 1 to 64 letters, digits, ".", "_" or "-".`,
});

/**
 * The session a request names and the path without the prefix: the prefix `/__session/<id>`
 * (of `url`, a path with its query) or the header; both must agree when both are given.
 */
export function sessionOf(
  url: string,
  header: string | undefined,
): { id: string; url: string } | { url: string; refused: SessionRefusal } {
  const match = prefix.exec(url);
  const rest = match ? (match[2]!.startsWith('/') ? match[2]! : `/${match[2]!}`) : url;
  const fromPath = match?.[1];
  if (fromPath !== undefined && !sessionId.test(fromPath))
    return { url: rest, refused: badId(fromPath) };
  if (header !== undefined && !sessionId.test(header)) return { url: rest, refused: badId(header) };
  if (fromPath !== undefined && header !== undefined && fromPath !== header)
    return {
      url: rest,
      refused: {
        status: 400,
        detail: `The path names the session "${fromPath}" and Mock-Session "${header}": name one.`,
      },
    };
  return { id: fromPath ?? header ?? DEFAULT_SESSION, url: rest };
}

interface Held {
  kit: Kit;
  created: number;
  lastUsed: number;
  requests: number;
  /** Objects it held beyond the seed after its last answer (what the object cap counts). */
  counted: number;
}

const dateTime = (value: unknown) =>
  typeof value === 'string' &&
  /^\d{4}-\d{2}-\d{2}T/.test(value) &&
  !Number.isNaN(new Date(value).getTime());

let generated = 0;
const newId = () =>
  `s-${Date.now().toString(36)}-${(++generated).toString(36)}-${Math.floor(Math.random() * 0xffffff).toString(36)}`;

/**
 * Sessions over a default kit: one given (its own object cap), or made from kit options (the
 * object cap then counts every session).
 */
export function createSessions(
  from: Kit | KitOptions = {},
  options: SessionsOptions = {},
): Sessions {
  const time = options.time ?? Date.now;
  const maxSessions = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  const ttlMs = options.ttlMs ?? DEFAULT_SESSION_TTL_MS;
  const held = new Map<string, Held>();
  const defaultHeld: Omit<Held, 'kit' | 'counted'> = {
    created: time(),
    lastUsed: time(),
    requests: 0,
  };
  let seedObjects = 0;
  // Every session's forked seed objects are shared, not stored again: a session counts what it
  // holds beyond them, as of its last answer (kept as a sum: a create costs no walk over them).
  let sessionObjects = 0;
  const allObjects = () => storedObjects(sessions.default.world) + sessionObjects;
  const recount = (session: Held) => {
    const count = Math.max(0, storedObjects(session.kit.world) - seedObjects);
    sessionObjects += count - session.counted;
    session.counted = count;
  };
  const remove = (id: string) => {
    const session = held.get(id);
    if (!session) return false;
    sessionObjects -= session.counted;
    return held.delete(id);
  };
  const defaultKit =
    'handle' in from
      ? from
      : kitOf(seededWorld(from), {
          ...(from.maxObjects !== undefined ? { maxObjects: from.maxObjects } : {}),
          ...(options.maxObjects !== undefined ? { maxObjects: options.maxObjects } : {}),
          objects: () => allObjects(),
        });
  const maxObjects =
    'handle' in from ? options.maxObjects : (options.maxObjects ?? from.maxObjects);

  const expired = (session: Held, now: number) => now - session.lastUsed >= ttlMs;
  const sweep = (now: number) => {
    let dropped = 0;
    for (const [id, session] of held) if (expired(session, now) && remove(id)) dropped++;
    return dropped;
  };
  const full = (now: number): SessionRefusal | undefined => {
    if (held.size < maxSessions) return undefined;
    sweep(now);
    if (held.size < maxSessions) return undefined;
    let oldest = Infinity;
    for (const session of held.values()) oldest = Math.min(oldest, session.lastUsed);
    return {
      status: 429,
      detail: `The mock holds ${maxSessions} sessions, its configured maximum (--max-sessions): delete one (DELETE /__control/sessions/<id>) or wait until one has been idle for the session TTL.`,
      retryAfter: Math.max(1, Math.ceil((oldest + ttlMs - now) / 1000)),
    };
  };
  const open = (id: string, now: number, at?: string): Held => {
    const world = defaultKit.world.fork(at ? { now: at } : {});
    if (held.size === 0) seedObjects = storedObjects(world);
    const session = { created: now, lastUsed: now, requests: 0, counted: 0 } as Held;
    session.kit = kitOf(world, {
      ...(maxObjects !== undefined ? { maxObjects } : {}),
      objects: allObjects,
      answered: () => recount(session),
    });
    held.set(id, session);
    return session;
  };
  const info = (id: string, session: Omit<Held, 'kit' | 'counted'>, kit: Kit): SessionInfo => ({
    id,
    created: new Date(session.created).toISOString(),
    lastUsed: new Date(session.lastUsed).toISOString(),
    storedObjects: storedObjects(kit.world),
    requests: session.requests,
  });

  const sessions: Sessions = {
    default: defaultKit,
    use(id) {
      const now = time();
      if (id === DEFAULT_SESSION) {
        defaultHeld.lastUsed = now;
        defaultHeld.requests++;
        return { kit: defaultKit, id };
      }
      if (!sessionId.test(id)) return { refused: badId(id) };
      let session = held.get(id);
      if (session && expired(session, now)) {
        remove(id);
        session = undefined;
      }
      if (!session) {
        const over = full(now);
        if (over) return { refused: over };
        session = open(id, now);
        session.lastUsed = now;
        session.requests++;
        return { kit: session.kit, id, made: true };
      }
      session.lastUsed = now;
      session.requests++;
      return { kit: session.kit, id };
    },
    restore(id, at, usage = {}) {
      const session = held.get(id) ?? open(id, time(), at);
      if (usage.created !== undefined) session.created = usage.created;
      if (usage.lastUsed !== undefined) session.lastUsed = usage.lastUsed;
      if (usage.requests !== undefined) session.requests = usage.requests;
      recount(session);
      return session.kit;
    },
    held: () =>
      [...held].map(([id, session]) => ({
        id,
        kit: session.kit,
        usage: { created: session.created, lastUsed: session.lastUsed, requests: session.requests },
      })),
    create(spec) {
      const given = spec ?? {};
      if (!isRecord(given))
        throw new ControlError(
          'Send {"id"?: "<id>", "now"?: "<ISO date-time>", "fixture"?: {...}}.',
        );
      const now = time();
      const id = given.id === undefined ? newId() : given.id;
      if (typeof id !== 'string' || !sessionId.test(id))
        throw new ControlError(badId(String(id)).detail);
      if (id === DEFAULT_SESSION || (held.has(id) && !expired(held.get(id)!, now)))
        throw new ControlError(`The session "${id}" exists already.`, 409);
      if (given.now !== undefined && !dateTime(given.now))
        throw new ControlError(
          `"now" must be an ISO 8601 date-time, got ${JSON.stringify(given.now)}.`,
        );
      if (given.fixture !== undefined && !isRecord(given.fixture))
        throw new ControlError('"fixture" must be a fixture object: {"program": {...}, ...}.');
      remove(id);
      const over = full(now);
      if (over) return { refused: over };
      const session = open(id, now, given.now as string | undefined);
      if (given.fixture !== undefined) {
        try {
          session.kit.control.seed(given.fixture as Seed);
        } catch (error) {
          remove(id);
          throw error;
        }
        recount(session);
      }
      return info(id, session, session.kit);
    },
    list() {
      sweep(time());
      return [
        info(DEFAULT_SESSION, defaultHeld, defaultKit),
        ...[...held].map(([id, session]) => info(id, session, session.kit)),
      ];
    },
    drop: (id) => remove(id),
    sweep: () => sweep(time()),
    handleControl(request, path) {
      const route = `${request.method.toUpperCase()} ${path.replace(/\/+$/, '') || '/'}`;
      if (!/^[A-Z]+ \/sessions(\/|$)/.test(route)) return undefined;
      try {
        if (route === 'GET /sessions') return json(200, { sessions: sessions.list() });
        if (route === 'POST /sessions') {
          let body: unknown;
          try {
            body = request.body && request.body.trim() !== '' ? JSON.parse(request.body) : {};
          } catch {
            return problem(400, 'The body is not valid JSON.');
          }
          const made = sessions.create(body);
          return 'refused' in made
            ? sessions.refuse('control', request, made.refused)
            : json(201, { ...made, clock: held.get(made.id)!.kit.control.clock() });
        }
        const one = /^DELETE \/sessions\/([^/]*)$/.exec(route);
        if (one) {
          const id = one[1]!;
          if (id === DEFAULT_SESSION)
            return problem(400, 'The default session cannot be deleted: reset it instead.');
          if (!sessionId.test(id)) return sessions.refuse('control', request, badId(id));
          return sessions.drop(id)
            ? { status: 204, headers: {} }
            : problem(404, `There is no session "${id}".`);
        }
        return problem(404, `The control API has no ${route}.`);
      } catch (error) {
        if (error instanceof ControlError)
          return problem(error.status, error.message, error.problems);
        throw error;
      }
    },
    refuse(shape, request, refusal) {
      const answer =
        shape === 'control'
          ? problem(refusal.status, refusal.detail)
          : defaultKit.refuse(
              shape,
              request,
              new Refusal(
                refusal.status === 429 ? 'TooManyRequests' : 'ValidationFailed',
                refusal.detail,
              ),
            );
      return refusal.retryAfter === undefined
        ? answer
        : { ...answer, headers: { ...answer.headers, 'retry-after': String(refusal.retryAfter) } };
    },
  };
  return sessions;
}
