/**
 * A kit: one world, both APIs on the shared pipeline, and the control API. The adapters in
 * mocks/ (msw, express) only translate HTTP to `handle` and back.
 */
import { createControl, handleControl, type Control } from './core/control.js';
import { partnerCenterApi } from './core/partner/api.js';
import { programApi } from './core/program/api.js';
import { defaultSeed } from './core/seed.js';
import { createWorld, type World, type WorldOptions } from './core/world.js';
import { createPipeline } from './http/pipeline.js';
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
      const response = pipelines[api](world, request);
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
