/**
 * One fixed pipeline for both APIs, whatever door the request came through:
 * route -> authenticate -> authorize (spec `x-roles`) -> read body -> validate body (spec schema)
 * -> handle -> respond. Each API supplies its handlers and the mapping of refusals to its own
 * error shape; nothing here knows about msw or express.
 */
import { Refusal } from '../core/problem.js';
import {
  isRecord,
  validate,
  type ApiName,
  type OperationInfo,
  type SchemaError,
} from '../schema/index.js';
import { createRouter } from './router.js';
import { isJsonMediaType, type KitRequest, type KitResponse } from './types.js';

/** Failures the pipeline itself detects, named the same for both APIs. */
export type PipelineCode =
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'UnsupportedMediaType'
  | 'InvalidJson'
  | 'ValidationFailed'
  | 'PayloadTooLarge'
  | 'RequestHeadersTooLarge'
  | 'TooManyRequests'
  | 'ServiceUnavailable'
  | 'InsufficientStorage'
  | 'InternalError';

export interface Call<Actor, World> {
  world: World;
  actor: Actor;
  request: KitRequest;
  operation: OperationInfo;
  params: Record<string, string>;
  /** The parsed JSON body (undefined when there is none). */
  body: unknown;
}

export type Handler<Actor, World> = (call: Call<Actor, World>) => KitResponse;

export interface ApiModule<Actor, World> {
  api: ApiName;
  /** Resolves the bearer token; throws a Refusal('Unauthorized') when missing or unknown. */
  authenticate(world: World, request: KitRequest): Actor;
  roleOf(actor: Actor): string;
  handlers: Record<string, Handler<Actor, World>>;
  /** Hook between authorization and body parsing (path checks that precede body checks). */
  beforeBody?(call: Omit<Call<Actor, World>, 'body'>): void;
  /** Reshapes a body before schema validation (e.g. case-insensitive keys). */
  normalizeBody?(operation: OperationInfo, body: unknown): unknown;
  /** Maps a refusal (pipeline or domain) to this API's error response. */
  refusalResponse(world: World, refusal: Refusal, request: KitRequest): KitResponse;
  /**
   * Idempotency: a response remembered for this request (answered again, nothing re-run).
   * Asked after authentication and authorization, before anything else.
   */
  replay?(world: World, request: KitRequest, operation: OperationInfo): KitResponse | undefined;
  /** Called with every response given after authentication passed, to remember it. */
  remember?(
    world: World,
    request: KitRequest,
    operation: OperationInfo,
    response: KitResponse,
  ): void;
  /** Last touch on every response (e.g. echo headers). */
  finish?(world: World, request: KitRequest, response: KitResponse): KitResponse;
}

/** Request bodies over this size answer 413 in the API's own error shape. */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * JSON bodies nested deeper than this are refused (400): no real request comes near it, and a
 * value nested thousands deep would be stored and then break every answer that serializes it.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether a parsed JSON value nests deeper than `limit` (stops as soon as it knows). */
export function deeperThan(value: unknown, limit: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (limit <= 0) return true;
  for (const child of Array.isArray(value) ? value : Object.values(value)) {
    if (deeperThan(child, limit - 1)) return true;
  }
  return false;
}

/** Request headers over this size in all answer 431 in the API's own error shape. */
export const MAX_HEADER_BYTES = 16 * 1024;

function headerBytes(headers: KitRequest['headers']): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(headers))
    bytes += name.length + 4 + (value ? utf8Length(value) : 0);
  return bytes;
}

/** Bytes of a string in UTF-8 (the core runs without TextEncoder's typings). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

const refusal = (code: PipelineCode, detail: string, fields?: Record<string, string[]>) =>
  new Refusal(code, detail, fields);

/** Turns ajv errors into `field.path -> messages`. */
export function fieldErrors(errors: SchemaError[]): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const error of errors) {
    let path = error.instancePath.slice(1).replace(/\//g, '.');
    if (error.keyword === 'required' && typeof error.params.missingProperty === 'string') {
      path = path ? `${path}.${error.params.missingProperty}` : error.params.missingProperty;
    }
    if (
      error.keyword === 'additionalProperties' &&
      typeof error.params.additionalProperty === 'string'
    ) {
      path = path ? `${path}.${error.params.additionalProperty}` : error.params.additionalProperty;
    }
    const key = path || '$body';
    const message = `${error.message ?? 'is invalid'}${Array.isArray(error.params.allowedValues) ? `: ${error.params.allowedValues.join(', ')}` : ''}`;
    const list = (fields[key] ??= []);
    if (!list.includes(message)) list.push(message);
  }
  return fields;
}

function requestBodySchema(
  operation: OperationInfo,
): { pointer: string; required: boolean } | undefined {
  const body = operation.operation.requestBody;
  if (!isRecord(body) || !isRecord(body.content) || !('application/json' in body.content))
    return undefined;
  return {
    pointer: `${operation.pointer}/requestBody/content/application~1json/schema`,
    required: body.required === true,
  };
}

export function createPipeline<Actor, World>(module: ApiModule<Actor, World>) {
  const route = createRouter(module.api);

  /** `authorized` is set once the caller passed authentication and authorization. */
  function run(
    world: World,
    request: KitRequest,
    authorized: { operation?: OperationInfo },
  ): KitResponse {
    if (headerBytes(request.headers) > MAX_HEADER_BYTES) {
      throw refusal(
        'RequestHeadersTooLarge',
        `The request headers are larger than ${MAX_HEADER_BYTES} bytes.`,
      );
    }
    const found = route(request.method, request.path);
    if (found.kind !== 'match')
      throw refusal('NotFound', `No operation answers ${request.method} ${request.path}.`);
    const { operation, params } = found.match;
    const actor = module.authenticate(world, request);
    if (!operation.roles.includes(module.roleOf(actor))) {
      throw refusal(
        'Forbidden',
        `The ${module.roleOf(actor)} role may not call ${operation.operationId}.`,
      );
    }
    const replayed = module.replay?.(world, request, operation);
    if (replayed) return replayed;
    authorized.operation = operation;
    module.beforeBody?.({ world, actor, request, operation, params });

    if (request.bodyTooLarge)
      throw refusal('PayloadTooLarge', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    const schema = requestBodySchema(operation);
    let body: unknown;
    const text = request.body ?? '';
    if (text.length > 0 || (schema?.required ?? false)) {
      if (!schema) {
        // No body is declared: ignore an empty one, refuse anything else.
        if (text.trim().length > 0)
          throw refusal('UnsupportedMediaType', `${operation.operationId} takes no request body.`);
      } else {
        if (utf8Length(text) > MAX_BODY_BYTES) {
          throw refusal(
            'PayloadTooLarge',
            `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
          );
        }
        if (!isJsonMediaType(request.headers['content-type'])) {
          throw refusal(
            'UnsupportedMediaType',
            `Send the body as application/json (got ${request.headers['content-type'] ?? 'no content type'}).`,
          );
        }
        if (text.trim().length === 0)
          throw refusal('ValidationFailed', 'A request body is required.', {
            $body: ['is required'],
          });
        try {
          body = JSON.parse(text);
        } catch (error) {
          throw refusal(
            'InvalidJson',
            `The request body is not valid JSON: ${(error as Error).message}`,
          );
        }
        if (deeperThan(body, MAX_JSON_DEPTH)) {
          throw refusal(
            'ValidationFailed',
            `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`,
            {
              $body: [`nested deeper than ${MAX_JSON_DEPTH} levels`],
            },
          );
        }
        if (module.normalizeBody) body = module.normalizeBody(operation, body);
        const errors = validate(module.api, schema.pointer, body);
        if (errors.length > 0)
          throw refusal(
            'ValidationFailed',
            'The request body does not match the schema.',
            fieldErrors(errors),
          );
      }
    }
    const handler = module.handlers[operation.operationId];
    if (!handler) throw refusal('InternalError', `${operation.operationId} has no handler.`);
    return handler({ world, actor, request, operation, params, body });
  }

  /** Answers a refusal decided outside the pipeline (an injected fault) in this API's shape. */
  function refuse(world: World, request: KitRequest, refused: Refusal): KitResponse {
    const response = module.refusalResponse(world, refused, request);
    return module.finish ? module.finish(world, request, response) : response;
  }

  function handle(world: World, request: KitRequest): KitResponse {
    let response: KitResponse;
    const authorized: { operation?: OperationInfo } = {};
    try {
      response = run(world, request, authorized);
    } catch (error) {
      const refused =
        error instanceof Refusal
          ? error
          : refusal(
              'InternalError',
              `Unexpected error: ${error instanceof Error ? error.message : String(error)}`,
            );
      response = module.refusalResponse(world, refused, request);
    }
    if (authorized.operation) module.remember?.(world, request, authorized.operation, response);
    return module.finish ? module.finish(world, request, response) : response;
  }

  return Object.assign(handle, { refuse });
}
