/**
 * A kit: one world, both APIs on the shared pipeline, and the control API. The adapters in
 * mocks/ (msw, express) only translate HTTP to `handle` and back.
 */
import { handleControl } from './apis/control.js';
import { createControl, type Control } from './core/control.js';
import { Refusal } from './core/problem.js';
import { createRouter } from './http/router.js';
import { partnerCenterApi } from './apis/partner-center/api.js';
import { programApi } from './apis/program/api.js';
import { defaultSeed } from './core/seed.js';
import { createWorld, type World, type WorldOptions } from './core/world.js';
import { createPipeline } from './http/pipeline.js';
import { preferredAnswer, preferredCode } from './http/prefer.js';
import type { KitRequest, KitResponse } from './http/types.js';
import type { ApiName } from './schema/index.js';

export interface Kit {
  readonly world: World;
  readonly control: Control;
  /** Answers one request to one API (path relative to that API's base URL). */
  handle(api: ApiName, request: KitRequest): KitResponse;
  /**
   * `handle` in two steps, for a door that must save a change before making it: the injected
   * faults are decided at once (`answer`: the request is answered without running), else `run`
   * answers it when called.
   */
  begin(api: ApiName, request: KitRequest): { answer?: KitResponse; run?: () => KitResponse };
  /** Answers `/__control/...`; `path` is what follows `/__control`. */
  handleControl(request: KitRequest, path: string): KitResponse;
  /** Answers a refusal decided outside the kit (a door's own limits) in the API's own shape. */
  refuse(api: ApiName, request: KitRequest, refusal: Refusal): KitResponse;
}

export interface KitOptions extends Omit<WorldOptions, 'trustedSeed'> {
  /**
   * Stored objects (Program API objects of every collection, Partner Center qualifications) past
   * which a request that creates one answers 507 in the API's shape. Default: no cap.
   */
  maxObjects?: number;
}

/** Objects held: every collection of both APIs, a customer's qualifications one each. */
export function storedObjects(world: World): number {
  let count = 0;
  for (const value of Object.values(world.program)) if (value instanceof Map) count += value.size;
  for (const record of world.partner.customers.values()) count += record.qualifications.length;
  return count;
}

/** A request that would create an object (its operation answers 201) while the world is full. */
function overCapacity(
  objects: () => number,
  api: ApiName,
  request: KitRequest,
  maxObjects: number | undefined,
): Refusal | undefined {
  if (maxObjects === undefined) return undefined;
  const route = routers[api](request.method, request.path);
  if (route.kind !== 'match') return undefined;
  const responses = route.match.operation.operation.responses;
  if (typeof responses !== 'object' || responses === null || !('201' in responses))
    return undefined;
  if (objects() < maxObjects) return undefined;
  return new Refusal(
    'InsufficientStorage',
    `The mock holds ${maxObjects} objects, its configured maximum: nothing more can be created. Reset or seed it, or start it with a larger --max-objects.`,
  );
}

const pipelines = {
  'program-api': createPipeline(programApi),
  'partner-center': createPipeline(partnerCenterApi),
} satisfies Record<ApiName, unknown>;

const routers = {
  'program-api': createRouter('program-api'),
  'partner-center': createRouter('partner-center'),
} satisfies Record<ApiName, unknown>;

/** An injected fault answered in the API's own shape, or the real answer, maybe delayed. */
function withFaults(
  world: World,
  api: ApiName,
  request: KitRequest,
  answer: () => KitResponse,
): KitResponse {
  if (world.faults.isEmpty() && request.headers.prefer === undefined) return answer();
  const route = routers[api](request.method, request.path);
  const operationId = route.kind === 'match' ? route.match.operation.operationId : undefined;
  const code = preferredCode(request.headers.prefer);
  if (route.kind === 'match' && code !== undefined && code !== '429' && code !== '503') {
    const preferred = preferredAnswer(route.match.operation, code);
    // The refusal carries the API's own headers (MS-RequestId...); a declared answer keeps them.
    const refused = pipelines[api].refuse(
      world,
      request,
      new Refusal('ValidationFailed', preferred.kind === 'undeclared' ? preferred.detail : '', {
        Prefer: [preferred.kind === 'undeclared' ? preferred.detail : ''],
      }),
    );
    if (preferred.kind === 'undeclared') return refused;
    const { mediaType, ...answer } = preferred.response;
    const headers = Object.fromEntries(
      Object.entries(refused.headers).filter(([name]) => name.toLowerCase() !== 'content-type'),
    );
    return { ...answer, headers: mediaType ? { ...headers, 'content-type': mediaType } : headers };
  }
  const fault = world.faults.match(api, operationId, request.headers.prefer);
  if (!fault) return answer();
  let response: KitResponse;
  if (fault.status) {
    const code = fault.status === 429 ? 'TooManyRequests' : 'ServiceUnavailable';
    const detail =
      fault.status === 429
        ? 'Too many requests (injected fault).'
        : 'The service is unavailable (injected fault).';
    response = pipelines[api].refuse(world, request, new Refusal(code, detail));
    response = {
      ...response,
      headers: { ...response.headers, 'retry-after': String(fault.retryAfter) },
    };
  } else {
    response = answer();
  }
  return fault.latencyMs > 0 ? { ...response, delayMs: fault.latencyMs } : response;
}

/** Makes a kit; without a `seed` option it loads the default seed (documented tokens). */
export function createKit(options: KitOptions = {}): Kit {
  return kitOf(seededWorld(options), options);
}

/** The world `createKit` makes: the default seed unless one is given. */
export function seededWorld(options: KitOptions = {}): World {
  const { maxObjects: _maxObjects, ...worldOptions } = options;
  return createWorld({
    seed: defaultSeed,
    ...worldOptions,
    trustedSeed: options.seed === undefined,
  });
}

/** Whether a door's choice is a kit to answer with, or an answer already (a refusal). */
export const isKit = (value: Kit | KitResponse): value is Kit => 'handle' in value;

/**
 * A kit over a world made already (a session's fork). `objects` is what the object cap counts:
 * by default this world's objects; over sessions, every session's. `answered` is told after
 * every answer (a session's count of its objects is kept up to date with it).
 */
export function kitOf(
  world: World,
  options: Pick<KitOptions, 'maxObjects'> & {
    objects?: () => number;
    answered?: () => void;
  } = {},
): Kit {
  const control = createControl(world);
  const kit: Kit = {
    world,
    control,
    begin(api, request) {
      const started = Date.now();
      world.settle();
      const finish = (response: KitResponse) => {
        world.journal.push({
          at: world.clock.now().toISOString(),
          api,
          method: request.method.toUpperCase(),
          path: request.path,
          status: response.status,
          durationMs: Math.round((Date.now() - started) * 100) / 100,
        });
        options.answered?.();
        return response;
      };
      const full = overCapacity(
        options.objects ?? (() => storedObjects(world)),
        api,
        request,
        options.maxObjects,
      );
      if (full) return { answer: finish(pipelines[api].refuse(world, request, full)) };
      let deferred = false;
      const pending: KitResponse = { status: 0, headers: {} };
      const decided = withFaults(world, api, request, () => {
        deferred = true;
        return pending;
      });
      if (!deferred) return { answer: finish(decided) };
      return {
        run() {
          world.settle();
          const response = pipelines[api](world, request);
          return finish(decided.delayMs ? { ...response, delayMs: decided.delayMs } : response);
        },
      };
    },
    handle(api, request) {
      const begun = kit.begin(api, request);
      return begun.answer ?? begun.run!();
    },
    handleControl(request, path) {
      const response = handleControl(control, request, path);
      options.answered?.();
      return response;
    },
    refuse: (api, request, refusal) => pipelines[api].refuse(world, request, refusal),
  };
  return kit;
}
