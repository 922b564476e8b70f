/**
 * Checks one exchange against the spec: the operation is found from method and path, the
 * status must be declared, the content type must be one the response declares, and the body
 * must validate against that response's schema (ajv, compiled once per schema).
 */
import { createRouter } from '../src/http/router.js';
import {
  isRecord,
  resolve,
  responseSchemaPointer,
  validate,
  type ApiName,
} from '../src/schema/index.js';

export interface Exchange {
  api: ApiName;
  method: string;
  /** Path relative to the API's base URL. */
  path: string;
  status: number;
  contentType: string | null;
  /** Parsed JSON, or the raw text for non-JSON bodies. */
  body: unknown;
  headers?: Headers | Record<string, string>;
}

const routers = new Map<ApiName, ReturnType<typeof createRouter>>();
const router = (api: ApiName) => {
  let found = routers.get(api);
  if (!found) routers.set(api, (found = createRouter(api)));
  return found;
};

const mediaTypeOf = (contentType: string | null) =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** The problems with one exchange (empty when it honours the spec). */
export function checkExchange(exchange: Exchange): string[] {
  const route = router(exchange.api)(exchange.method, exchange.path);
  if (route.kind !== 'match') {
    // Unknown routes answer 404 in the API's error shape; nothing in the spec to compare with.
    return exchange.status === 404
      ? []
      : [`${exchange.method} ${exchange.path}: no operation, yet status ${exchange.status}`];
  }
  const info = route.match.operation;
  const where = `${info.operationId} ${exchange.status}`;
  const responses = info.operation.responses;
  if (!(String(exchange.status) in responses))
    return [`${where}: status ${exchange.status} is not declared`];
  const response = resolve<Record<string, unknown>>(
    exchange.api,
    responses[String(exchange.status)],
  );
  const content = isRecord(response.content) ? response.content : {};
  const declared = Object.keys(content);
  const problems: string[] = [];
  if (declared.length === 0) {
    if (exchange.body !== undefined && exchange.body !== '')
      problems.push(`${where}: a body was sent where none is declared`);
  } else {
    const mediaType = mediaTypeOf(exchange.contentType);
    if (!declared.includes(mediaType)) {
      problems.push(
        `${where}: content type ${mediaType || '(none)'} is not one of ${declared.join(', ')}`,
      );
    } else {
      const pointer = responseSchemaPointer(info, exchange.status, mediaType);
      if (pointer) {
        for (const error of validate(exchange.api, pointer, exchange.body)) {
          problems.push(`${where}: body${error.instancePath} ${error.message ?? 'is invalid'}`);
        }
      }
    }
  }
  const headers = isRecord(response.headers) ? response.headers : {};
  for (const [name, raw] of Object.entries(headers)) {
    const header = resolve<Record<string, unknown>>(exchange.api, raw);
    if (header.required !== true) continue;
    const value =
      exchange.headers instanceof Headers
        ? exchange.headers.get(name)
        : Object.entries(exchange.headers ?? {}).find(
            ([key]) => key.toLowerCase() === name.toLowerCase(),
          )?.[1];
    if (value === undefined || value === null || value === '')
      problems.push(`${where}: required header ${name} is missing`);
  }
  return problems;
}
