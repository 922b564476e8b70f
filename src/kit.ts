/**
 * A kit: one world, both APIs on the shared pipeline, and the control API. The adapters in
 * mocks/ (msw, express) only translate HTTP to `handle` and back.
 */
import { createControl, handleControl, type Control } from './core/control.js';
import { Refusal } from './core/problem.js';
import { createRouter } from './http/router.js';
import { partnerCenterApi } from './core/partner/api.js';
import { programApi } from './core/program/api.js';
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
  /** Answers `/__control/...`; `path` is what follows `/__control`. */
  handleControl(request: KitRequest, path: string): KitResponse;
}

export type KitOptions = WorldOptions;

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
  const world = createWorld({ seed: defaultSeed, ...options });
  const control = createControl(world);
  return {
    world,
    control,
    handle(api, request) {
      const started = Date.now();
      world.settle();
      const response = withFaults(world, api, request, () => pipelines[api](world, request));
      world.journal.push({
        at: world.clock.now().toISOString(),
        api,
        method: request.method.toUpperCase(),
        path: request.path,
        status: response.status,
        durationMs: Math.round((Date.now() - started) * 100) / 100,
      });
      return response;
    },
    handleControl: (request, path) => handleControl(control, request, path),
  };
}
