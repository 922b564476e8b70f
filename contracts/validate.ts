/**
 * Schema checks of one exchange, derived from the spec: each is a small named function that
 * returns the problems it sees (empty when the exchange honours the contract). The operation is
 * found from method and path; schemas are compiled once by src/schema.
 */
import { formatOf } from '../src/http/media.js';
import { createRouter } from '../src/http/router.js';
import { readXml } from '../src/http/xml.js';
import {
  declaredKey,
  isRecord,
  resolve,
  responseSchemaPointer,
  validate,
  type ApiName,
  type OperationInfo,
} from '../src/schema/index.js';

export interface Exchange {
  api: ApiName;
  method: string;
  /** Path relative to the API's base URL, without the query string. */
  path: string;
  status: number;
  contentType: string | null;
  /** Parsed JSON, or the raw text for non-JSON bodies. */
  body: unknown;
  headers?: Headers | Record<string, string>;
}

/** An exchange with the operation it answered and that operation's response object. */
export interface Located {
  exchange: Exchange;
  operation: OperationInfo;
  response: Record<string, unknown>;
}

export type ExchangeCheck = (located: Located) => string[];

const routers = new Map<ApiName, ReturnType<typeof createRouter>>();
function router(api: ApiName) {
  let found = routers.get(api);
  if (!found) routers.set(api, (found = createRouter(api)));
  return found;
}

export const mediaTypeOf = (contentType: string | null) =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** The operation an exchange belongs to, or undefined for a path the spec does not have. */
export function operationOf(api: ApiName, method: string, path: string): OperationInfo | undefined {
  const route = router(api)(method, path);
  return route.kind === 'match' ? route.match.operation : undefined;
}

/**
 * The declared media type a body's type falls under: itself, or a range (`image/*`, `*\/*`,
 * as a file download declares it).
 */
function declaredFor(declared: string[], mediaType: string): string | undefined {
  if (declared.includes(mediaType)) return mediaType;
  const [type] = mediaType.split('/');
  return declared.find((range) => range === `${type}/*`) ?? declared.find((r) => r === '*/*');
}

function contentOf(located: Located): Record<string, unknown> {
  return isRecord(located.response.content) ? located.response.content : {};
}

function header(exchange: Exchange, name: string): string | null | undefined {
  if (exchange.headers instanceof Headers) return exchange.headers.get(name);
  return Object.entries(exchange.headers ?? {}).find(
    ([key]) => key.toLowerCase() === name.toLowerCase(),
  )?.[1];
}

const where = ({ operation, exchange }: Located) => `${operation.operationId} ${exchange.status}`;

/** The body's media type is one the response declares (or no body where none is declared). */
export const contentTypeDeclared: ExchangeCheck = (located) => {
  const declared = Object.keys(contentOf(located));
  const { exchange } = located;
  if (declared.length === 0) {
    return exchange.body !== undefined && exchange.body !== ''
      ? [`${where(located)}: a body was sent where none is declared`]
      : [];
  }
  const mediaType = mediaTypeOf(exchange.contentType);
  return declaredFor(declared, mediaType) !== undefined
    ? []
    : [
        `${where(located)}: content type ${mediaType || '(none)'} is not one of ${declared.join(', ')}`,
      ];
};

/** The body validates against the schema of the declared response and media type. */
export const bodyMatchesSchema: ExchangeCheck = (located) => {
  const { exchange, operation } = located;
  const mediaType = mediaTypeOf(exchange.contentType);
  if (!(mediaType in contentOf(located))) return [];
  const pointer = responseSchemaPointer(operation, exchange.status, mediaType);
  if (!pointer) return [];
  let body = exchange.body;
  if (formatOf(mediaType) === 'xml') {
    // An XML answer is checked as the value it reads back to through the same schema.
    try {
      body = readXml(exchange.api, typeof body === 'string' ? body : '', { $ref: pointer });
    } catch (error) {
      return [`${where(located)}: the ${mediaType} body is not XML: ${(error as Error).message}`];
    }
  }
  return validate(exchange.api, pointer, body).map(
    (error) => `${where(located)}: body${error.instancePath} ${error.message ?? 'is invalid'}`,
  );
};

/** Every header the response marks `required` is present and not empty. */
export const requiredHeadersPresent: ExchangeCheck = (located) => {
  const headers = isRecord(located.response.headers) ? located.response.headers : {};
  const problems: string[] = [];
  for (const [name, raw] of Object.entries(headers)) {
    const declared = resolve<Record<string, unknown>>(located.exchange.api, raw);
    if (declared.required !== true) continue;
    const value = header(located.exchange, name);
    if (value === undefined || value === null || value === '') {
      problems.push(`${where(located)}: required header ${name} is missing`);
    }
  }
  return problems;
};

export const exchangeChecks = {
  'content-type-declared': contentTypeDeclared,
  'body-matches-schema': bodyMatchesSchema,
  'required-headers-present': requiredHeadersPresent,
} as const satisfies Record<string, ExchangeCheck>;

/**
 * All schema checks of one exchange, each problem prefixed with the check's name. The status
 * check comes first: an undeclared status has no schema to check against.
 */
export function checkExchange(exchange: Exchange): string[] {
  const route = router(exchange.api)(exchange.method, exchange.path);
  const operation = route.kind === 'match' ? route.match.operation : undefined;
  if (!operation) {
    // Unknown routes answer 404 in the API's error shape, a known path with a method it lacks
    // 405 with `Allow`; nothing in the spec to compare their bodies with.
    if (route.kind === 'wrong-method' && exchange.status === 405) {
      const allow = (header(exchange, 'allow') ?? '').split(',').map((m) => m.trim());
      const missing = route.allowed.filter((method) => !allow.includes(method));
      return missing.length === 0
        ? []
        : [`allow-header: 405 for ${exchange.path} does not list ${missing.join(', ')} in Allow`];
    }
    return exchange.status === 404
      ? []
      : [
          `status-declared: ${exchange.method} ${exchange.path} is no operation, yet answered ${exchange.status}`,
        ];
  }
  const responses = operation.operation.responses;
  const key = declaredKey(responses, exchange.status);
  if (key === undefined) {
    return [
      `status-declared: ${operation.operationId} ${exchange.status}: status ${exchange.status} is not declared`,
    ];
  }
  const located: Located = {
    exchange,
    operation,
    response: resolve<Record<string, unknown>>(exchange.api, responses[key]),
  };
  return Object.entries(exchangeChecks).flatMap(([name, check]) =>
    check(located).map((problem) => `${name}: ${problem}`),
  );
}
