/**
 * One fixed pipeline for both APIs, whatever door the request came through:
 * route -> authenticate -> authorize (spec `x-roles`) -> read body (in a media type the
 * operation declares) -> validate body (spec schema) -> handle -> respond (in the media type
 * `Accept` asks for, where the API offers more than JSON). Each API supplies its handlers and
 * the mapping of refusals to its own error shape; nothing here knows about msw or express.
 */
import { Refusal } from '../core/problem.js';
import {
  atPointer,
  documents,
  isRecord,
  resolve,
  responseSchemaPointer,
  validate,
  type ApiName,
  type OperationInfo,
  type SchemaError,
} from '../schema/index.js';
import { formatOf, mediaTypeOf, negotiate, readForm, requestFormat } from './media.js';
import { createRouter } from './router.js';
import type { KitRequest, KitResponse } from './types.js';
import { readXml, writeXml } from './xml.js';

/** Failures the pipeline itself detects, named the same for both APIs. */
export type PipelineCode =
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MethodNotAllowed'
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
  /** The parsed body, whatever its media type (undefined when there is none). */
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
  /**
   * Media types the API answers in, chosen by `Accept` (the first is the fallback); unset: JSON
   * only, whatever `Accept` says. The spec declares the same list for each response.
   */
  responseMediaTypes?: readonly string[];
  /** Pointer to the error body's schema (an XML error answer is named after it). */
  errorSchema?: string;
}

/** Request bodies over this size answer 413 in the API's own error shape. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** `multipart/form-data` bodies (uploads) may be larger: this many bytes on the wire. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

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

const NON_ASCII = /[\u0080-\uffff]/;

/** Bytes of a string in UTF-8 (the core runs without TextEncoder's typings). */
export function utf8Length(text: string): number {
  // Most answers are ASCII: one byte per character.
  if (!NON_ASCII.test(text)) return text.length;
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

/**
 * The request body an operation declares: the schema (the `application/json` one: every media
 * type of a body shares it), whether it is required, and the media types it may come in.
 */
function requestBodySchema(
  operation: OperationInfo,
): { pointer: string; required: boolean; mediaTypes: string[] } | undefined {
  const body = operation.operation.requestBody;
  if (!isRecord(body) || !isRecord(body.content) || !('application/json' in body.content))
    return undefined;
  return {
    pointer: `${operation.pointer}/requestBody/content/application~1json/schema`,
    required: body.required === true,
    mediaTypes: Object.keys(body.content),
  };
}

/**
 * A `multipart/form-data` body an operation declares: its schema, and which parts are JSON
 * (their `encoding` says `application/json`) and which are files.
 */
function multipartSchema(operation: OperationInfo) {
  const body = operation.operation.requestBody;
  const media =
    isRecord(body) && isRecord(body.content) ? body.content['multipart/form-data'] : undefined;
  if (!isRecord(media)) return undefined;
  const pointer = `${operation.pointer}/requestBody/content/multipart~1form-data/schema`;
  const schema = resolve<Record<string, unknown>>(operation.api, media.schema);
  const properties = isRecord(schema.properties) ? Object.keys(schema.properties) : [];
  const encoding = isRecord(media.encoding) ? media.encoding : {};
  const isJson = (name: string) => {
    const part = encoding[name];
    return (
      isRecord(part) && typeof part.contentType === 'string' && part.contentType.includes('json')
    );
  };
  return {
    pointer,
    jsonParts: properties.filter(isJson),
    fileParts: properties.filter((name) => !isJson(name)),
    required: Array.isArray(schema.required) ? (schema.required as string[]) : [],
  };
}

/** The bytes a body had on the wire (the door counts them; text is counted as UTF-8). */
const bytesOf = (request: KitRequest) => request.bodyBytes ?? utf8Length(request.body ?? '');

/** A body read in its format; a text that is not one of it is an `InvalidJson` refusal. */
function parseBody(
  api: OperationInfo['api'],
  format: 'json' | 'xml' | 'form',
  text: string,
  pointer: string,
): unknown {
  const schema = { $ref: pointer };
  try {
    if (format === 'xml') return readXml(api, text, schema);
    if (format === 'form') {
      const declared = resolve<unknown>(api, atPointer(documents[api], pointer));
      return readForm(text, isRecord(declared) && declared.type === 'string');
    }
    return JSON.parse(text);
  } catch (error) {
    const what = format === 'xml' ? 'valid XML' : 'valid JSON';
    throw refusal('InvalidJson', `The request body is not ${what}: ${(error as Error).message}`);
  }
}

/** What the pipeline learnt on the way that shapes the answer. */
interface Progress {
  /** Set once the caller passed authentication and authorization. */
  operation?: OperationInfo;
  /** The operation the path and method name, authorized or not. */
  routed?: OperationInfo;
  /** For a 405: the methods the path has. */
  allowed?: string[];
}

/**
 * Answers in the negotiated media type: JSON as it is (relabelled `text/json` when asked), XML
 * written from the JSON through the schema of the declared response (an error's: `errorSchema`).
 */
function negotiated<Actor, World>(
  module: ApiModule<Actor, World>,
  request: KitRequest,
  response: KitResponse,
  operation: OperationInfo | undefined,
): KitResponse {
  const offered = module.responseMediaTypes;
  if (!offered || response.body === undefined) return response;
  if (mediaTypeOf(response.headers['content-type']) !== 'application/json') return response;
  const chosen = negotiate(request.headers.accept, offered);
  if (chosen === 'application/json') return response;
  const headers = { ...response.headers, 'content-type': chosen };
  if (formatOf(chosen) !== 'xml') return { ...response, headers };
  const pointer =
    response.status >= 400 && module.errorSchema
      ? module.errorSchema
      : operation && responseSchemaPointer(operation, response.status, chosen);
  if (!pointer) return response;
  return {
    ...response,
    headers,
    body: writeXml(module.api, JSON.parse(response.body), { $ref: pointer }),
  };
}

/** HTTP details every answer of both APIs carries. */
function withHttpDetails(response: KitResponse, progress: Progress): KitResponse {
  const headers = { ...response.headers };
  // RFC 9110: a 401 names the scheme to authenticate with; a 405 the methods the path has.
  if (response.status === 401) headers['www-authenticate'] ??= 'Bearer';
  if (response.status === 405 && progress.allowed) headers.allow = progress.allowed.join(', ');
  if (response.bytes !== undefined) headers['content-length'] = String(response.bytes.length);
  else if (response.body !== undefined)
    headers['content-length'] = String(utf8Length(response.body));
  return { ...response, headers };
}

export function createPipeline<Actor, World>(module: ApiModule<Actor, World>) {
  const route = createRouter(module.api);

  function run(world: World, request: KitRequest, progress: Progress): KitResponse {
    if (headerBytes(request.headers) > MAX_HEADER_BYTES) {
      throw refusal(
        'RequestHeadersTooLarge',
        `The request headers are larger than ${MAX_HEADER_BYTES} bytes.`,
      );
    }
    const found = route(request.method, request.path);
    if (found.kind === 'wrong-method') {
      // A path that exists with another method: not to be confused with a missing object.
      progress.allowed = found.allowed;
      throw refusal(
        'MethodNotAllowed',
        `${request.path} does not answer ${request.method}; it answers ${found.allowed.join(', ')}.`,
      );
    }
    if (found.kind !== 'match')
      throw refusal('NotFound', `No operation answers ${request.method} ${request.path}.`);
    const { operation, params } = found.match;
    progress.routed = operation;
    const actor = module.authenticate(world, request);
    if (!operation.roles.includes(module.roleOf(actor))) {
      throw refusal(
        'Forbidden',
        `The ${module.roleOf(actor)} role may not call ${operation.operationId}.`,
      );
    }
    const replayed = module.replay?.(world, request, operation);
    if (replayed) return replayed;
    progress.operation = operation;
    module.beforeBody?.({ world, actor, request, operation, params });

    if (request.bodyTooLarge)
      throw refusal('PayloadTooLarge', `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    const schema = requestBodySchema(operation);
    const multipart = multipartSchema(operation);
    let body: unknown;
    const text = request.body ?? '';
    if (multipart && mediaTypeOf(request.headers['content-type']) === 'multipart/form-data') {
      body = readMultipart(request, operation, multipart);
    } else if (multipart && !schema && text.trim().length === 0) {
      throw refusal('ValidationFailed', 'A multipart/form-data request body is required.', {
        $body: ['is required'],
      });
    } else if (text.length > 0 || (schema?.required ?? false)) {
      if (!schema) {
        if (multipart && text.trim().length > 0)
          throw refusal(
            'UnsupportedMediaType',
            `Send the body of ${operation.operationId} as multipart/form-data (got ${request.headers['content-type'] ?? 'no content type'}).`,
          );
        // No body is declared: ignore an empty one, refuse anything else.
        if (text.trim().length > 0)
          throw refusal('UnsupportedMediaType', `${operation.operationId} takes no request body.`);
      } else {
        if (bytesOf(request) > MAX_BODY_BYTES) {
          throw refusal(
            'PayloadTooLarge',
            `The request body is larger than ${MAX_BODY_BYTES} bytes.`,
          );
        }
        const format = requestFormat(request.headers['content-type'], schema.mediaTypes);
        if (!format) {
          throw refusal(
            'UnsupportedMediaType',
            `Send the body as ${schema.mediaTypes.join(', ')} (got ${request.headers['content-type'] ?? 'no content type'}).`,
          );
        }
        if (text.trim().length === 0)
          throw refusal('ValidationFailed', 'A request body is required.', {
            $body: ['is required'],
          });
        body = parseBody(module.api, format, text, schema.pointer);
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

  /**
   * A multipart body: the door read its parts; the JSON part (named as the spec says, in any
   * letter case, as ASP.NET binds it) is parsed and validated like a JSON body, and becomes the
   * call's body; file parts stay on the request for the handler.
   */
  function readMultipart(
    request: KitRequest,
    operation: OperationInfo,
    multipart: NonNullable<ReturnType<typeof multipartSchema>>,
  ): unknown {
    if (bytesOf(request) > MAX_UPLOAD_BYTES)
      throw refusal(
        'PayloadTooLarge',
        `The request body is larger than ${MAX_UPLOAD_BYTES} bytes.`,
      );
    if (!request.parts)
      throw refusal(
        'ValidationFailed',
        `The multipart body could not be read: ${request.partsError ?? 'no parts found'}.`,
        { $body: ['is not a readable multipart/form-data body'] },
      );
    const find = (name: string) =>
      request.parts!.find((part) => part.name.toLowerCase() === name.toLowerCase());
    const missing = multipart.required.filter((name) => !find(name));
    if (missing.length > 0)
      throw refusal(
        'ValidationFailed',
        `The multipart body needs the part${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.`,
        Object.fromEntries(missing.map((name) => [name, ['is required']])),
      );
    let body: unknown = {};
    for (const name of multipart.jsonParts) {
      const part = find(name);
      if (!part) continue;
      const pointer = `${multipart.pointer}/properties/${name}`;
      try {
        body = JSON.parse(part.text ?? '');
      } catch (error) {
        throw refusal(
          'InvalidJson',
          `The multipart part ${name} is not valid JSON: ${(error as Error).message}`,
        );
      }
      if (deeperThan(body, MAX_JSON_DEPTH))
        throw refusal(
          'ValidationFailed',
          `The part ${name} is nested deeper than ${MAX_JSON_DEPTH} levels.`,
          {
            [name]: [`nested deeper than ${MAX_JSON_DEPTH} levels`],
          },
        );
      if (module.normalizeBody) body = module.normalizeBody(operation, body);
      const errors = validate(module.api, pointer, body);
      if (errors.length > 0)
        throw refusal(
          'ValidationFailed',
          `The part ${name} does not match the schema.`,
          fieldErrors(errors),
        );
    }
    for (const name of multipart.fileParts) {
      const part = find(name);
      if (part && part.base64 === undefined && (part.text ?? '') !== '')
        throw refusal('ValidationFailed', `The part ${name} must be a file (with a filename).`, {
          [name]: ['must be a file part'],
        });
    }
    return body;
  }

  /** The last steps of every answer: the API's touch, the media type, the HTTP details. */
  function respond(
    world: World,
    request: KitRequest,
    response: KitResponse,
    progress: Progress,
  ): KitResponse {
    const finished = module.finish ? module.finish(world, request, response) : response;
    return withHttpDetails(negotiated(module, request, finished, progress.routed), progress);
  }

  /** Answers a refusal decided outside the pipeline (an injected fault) in this API's shape. */
  function refuse(world: World, request: KitRequest, refused: Refusal): KitResponse {
    return respond(world, request, module.refusalResponse(world, refused, request), {});
  }

  function handle(world: World, request: KitRequest): KitResponse {
    let response: KitResponse;
    const progress: Progress = {};
    try {
      response = run(world, request, progress);
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
    if (progress.operation) module.remember?.(world, request, progress.operation, response);
    return respond(world, request, response, progress);
  }

  return Object.assign(handle, { refuse });
}
