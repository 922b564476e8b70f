/**
 * The one place where JSON Schemas from spec/ are compiled: one Ajv instance, every validator
 * compiled once and cached by its JSON pointer (recompiling per request leaks memory).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import formatsModule from 'ajv-formats';
import partnerCenter from '../generated/partner-center.document.js';
import programApi from '../generated/program-api.document.js';
import { httpMethods, type HttpMethod, type OpenApiDocument, type Operation } from './openapi.js';

export type { OpenApiDocument, Operation, HttpMethod } from './openapi.js';
export type ApiName = 'program-api' | 'partner-center';

export const documents: Readonly<Record<ApiName, OpenApiDocument>> = {
  'program-api': programApi,
  'partner-center': partnerCenter,
};

/**
 * The one Ajv instance, made on first use (not at import: building it, its formats and the
 * registration of both documents cost a test worker or a starting server some 30 ms that one
 * answering only GETs never needs).
 */
let instance: Ajv2020 | undefined;
function ajv(): Ajv2020 {
  if (instance) return instance;
  instance = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  // ajv-formats is CommonJS: Node hands over module.exports, bundlers may hand over its default.
  const formats = formatsModule as unknown as {
    default?: typeof formatsModule.default;
  } & typeof formatsModule.default;
  (formats.default ?? formats)(instance);
  // A fixture of 100,000 certificates repeats the same few hundred dates in every audit: their
  // format checks (a pattern and a calendar check each) are answered from memory.
  for (const name of ['date-time', 'date']) {
    const format = instance.formats[name] as { validate: (text: string) => boolean };
    instance.addFormat(name, { ...format, validate: remembered(format.validate) } as never);
  }
  // The documents are registered whole so that `#/components/...` references resolve; their
  // top-level OpenAPI members are declared as keywords so strict mode stays on for the schemas.
  instance.addVocabulary([
    'openapi',
    'info',
    'servers',
    'paths',
    'components',
    'security',
    'tags',
    'webhooks',
    'jsonSchemaDialect',
    'externalDocs',
    // OpenAPI's XML object on a schema: names the element an XML body is written as.
    'xml',
  ]);
  // Not meta-validated as a whole (an OpenAPI document is not one JSON Schema, and it costs
  // ~100 ms at every start): each schema is checked in strict mode when first compiled, the
  // documents are linted, and their examples validated, by the tests.
  for (const [api, document] of Object.entries(documents))
    instance.addSchema(document, api, undefined, false);
  return instance;
}

/** `check`, its answers for the last few thousand short texts kept (a fixture's dates). */
function remembered(check: (text: string) => boolean): (text: string) => boolean {
  let known = new Map<string, boolean>();
  return (text) => {
    if (text.length > 40) return check(text);
    let answer = known.get(text);
    if (answer === undefined) {
      answer = check(text);
      if (known.size >= 4096) known = new Map();
      known.set(text, answer);
    }
    return answer;
  };
}

/**
 * An error of a schema check: the members of Ajv's `ErrorObject` the kit reads. Declared here,
 * not borrowed from Ajv, so the package's declarations need no Ajv (bundled in; issue 26).
 */
export interface SchemaError {
  keyword: string;
  instancePath: string;
  schemaPath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** A compiled schema check (Ajv's `ValidateFunction`, as far as the kit uses it). */
export interface Validator {
  (value: unknown): boolean;
  errors?: SchemaError[] | null;
}

const cache = new Map<string, Validator>();

/** The compiled validator for a JSON pointer into a document, e.g. `#/components/schemas/Certificate`. */
export function validator(api: ApiName, pointer: string): Validator {
  const key = `${api}${pointer}`;
  let validate = cache.get(key);
  if (!validate) {
    validate = ajv().getSchema(key);
    if (!validate) throw new Error(`no schema at ${key}`);
    cache.set(key, validate);
  }
  return validate;
}

/**
 * A schema of the kit's own (a fixture's layout), compiled once by the same Ajv instance under
 * `key`; its `$ref`s may point into the documents (`program-api#/components/schemas/...`).
 */
export function ownValidator(key: string, schema: () => Record<string, unknown>): Validator {
  let validate = cache.get(key);
  if (!validate) {
    validate = ajv().compile(schema());
    cache.set(key, validate);
  }
  return validate;
}

/** Validates a value against the schema at a pointer; returns the errors (empty when valid). */
export function validate(api: ApiName, pointer: string, value: unknown): SchemaError[] {
  const check = validator(api, pointer);
  return check(value) ? [] : [...(check.errors ?? [])];
}

export interface OperationInfo {
  api: ApiName;
  operationId: string;
  method: HttpMethod;
  path: string;
  /** JSON pointer of the operation object inside its document. */
  pointer: string;
  operation: Operation;
  /** Path-item and operation parameters merged (the operation's win), `$ref`s resolved. */
  parameters: readonly Record<string, unknown>[];
  roles: readonly string[];
}

const pointerEscape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

const operationIndex = new Map<ApiName, OperationInfo[]>();

/** Every operation of a document, in document order. */
export function operations(api: ApiName): readonly OperationInfo[] {
  let list = operationIndex.get(api);
  if (!list) {
    list = [];
    for (const [path, item] of Object.entries(documents[api].paths)) {
      for (const method of httpMethods) {
        const operation = item[method];
        if (!operation) continue;
        const merged = new Map<string, Record<string, unknown>>();
        for (const raw of [...(item.parameters ?? []), ...(operation.parameters ?? [])]) {
          const parameter = resolve<Record<string, unknown>>(api, raw);
          merged.set(`${String(parameter.in)}:${String(parameter.name)}`, parameter);
        }
        list.push({
          parameters: [...merged.values()],
          api,
          operationId: operation.operationId,
          method,
          path,
          pointer: `#/paths/${pointerEscape(path)}/${method}`,
          operation,
          roles: operation['x-roles'] ?? [],
        });
      }
    }
    operationIndex.set(api, list);
  }
  return list;
}

export function operation(api: ApiName, operationId: string): OperationInfo {
  const found = operations(api).find((op) => op.operationId === operationId);
  if (!found) throw new Error(`${api} has no operation ${operationId}`);
  return found;
}

/** Follows a local `$ref` chain (`#/components/...`) to the object it names. */
export function resolve<T = unknown>(api: ApiName, value: unknown): T {
  let current = value;
  for (let hops = 0; hops < 16; hops++) {
    if (!isRecord(current) || typeof current.$ref !== 'string') return current as T;
    current = atPointer(documents[api], current.$ref);
  }
  throw new Error(`$ref chain too deep in ${api}`);
}

export function atPointer(root: unknown, pointer: string): unknown {
  const segments = pointer.replace(/^#\/?/, '').split('/').filter(Boolean);
  let current = root;
  for (const raw of segments) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isRecord(current) && !Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** The example of a media type or parameter: its `example`, else the first of its `examples`. */
export function firstExample(api: ApiName, holder: Record<string, unknown>): unknown {
  if ('example' in holder) return holder.example;
  const first = isRecord(holder.examples) ? Object.values(holder.examples)[0] : undefined;
  return first === undefined ? undefined : resolve<Record<string, unknown>>(api, first).value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The response key that covers a status: itself, its range (`4XX`), or `default` for an error
 * status. A success the operation does not declare is never covered by `default` (the
 * documents use `default` for unexpected errors), so an undeclared 200 is caught.
 */
export function declaredKey(
  responses: Record<string, unknown>,
  status: number,
): string | undefined {
  const keys = [String(status), `${String(status)[0]}XX`, ...(status >= 400 ? ['default'] : [])];
  return keys.find((key) => key in responses);
}

/**
 * Where the schema of a response body lives: the pointer to use with `validate`, or undefined
 * when the status or media type is not declared for the operation.
 */
export function responseSchemaPointer(
  info: OperationInfo,
  status: number,
  mediaType: string,
): string | undefined {
  const key = declaredKey(info.operation.responses, status);
  if (key === undefined) return undefined;
  const declared = info.operation.responses[key];
  const response = resolve<Record<string, unknown>>(info.api, declared);
  const content = isRecord(response.content) ? response.content : {};
  const media = content[mediaType];
  if (!isRecord(media) || !('schema' in media)) return undefined;
  // Point at the schema in place so ajv resolves its references relative to the document.
  const ref = isRecord(declared) ? declared.$ref : undefined;
  const base = typeof ref === 'string' ? ref : `${info.pointer}/responses/${key}`;
  return `${base}/content/${pointerEscape(mediaType)}/schema`;
}
