/**
 * `eligibility-mock-kit/client`: typed clients for the two APIs on openapi-fetch (decision 0056),
 * and the typed RQL builder (decision 0057). The clients read `globalThis.fetch` when a request
 * is sent, not when they are made, so msw's `server.listen()` (which replaces it) sees a request
 * of a client created at module level; Partner Center writes carry an `MS-RequestId` per logical
 * request, the same one on every retry of it.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths as PartnerCenterPaths } from '../generated/partner-center.js';
import type { paths as ProgramPaths } from '../generated/program-api.js';
import { rql, type RqlQuery } from './rql.js';

export {
  rql,
  writeFilter,
  type DatePath,
  type FieldAt,
  type FieldPath,
  type Filter,
  type ItemAt,
  type ListPath,
  type OrderTerm,
  type RqlEmpty,
  type RqlQuery,
  type RqlState,
  type RqlTree,
  type RqlWritten,
  type SelectTerm,
  type TextPath,
  type ValueAt,
  type Where,
} from './rql.js';
export type { ProgramPaths, PartnerCenterPaths };

/** The real services' base URLs (each spec's `servers`). */
export const PROGRAM_API_URL = 'https://api.platform.softwareone.com/public';
export const PARTNER_CENTER_URL = 'https://api.partnercenter.microsoft.com';

export type Fetch = (request: Request) => Promise<Response>;
/** A bearer token, or a function giving the current one (called per request). */
export type Token = string | (() => string | Promise<string>);

export interface ClientOptions {
  /** Default: the real service. */
  baseUrl?: string;
  token: Token;
  /** Default: whatever `globalThis.fetch` is when a request is sent. */
  fetch?: Fetch;
  /** Headers sent with every request. */
  headers?: Record<string, string>;
}

export interface RetryOptions {
  /** How many times to send a request again (default 0: never). */
  retries?: number;
  /** Statuses that are worth another try (default 429, 502, 503, 504). */
  statuses?: readonly number[];
  /**
   * Milliseconds to wait before try `attempt` (1 for the first retry); `response` is the answer
   * that failed, undefined after a network error. Default: its `Retry-After`, else 250 ms doubled
   * per try, at most 10 s.
   */
  delay?: (attempt: number, response: Response | undefined) => number;
}

export interface PartnerCenterClientOptions extends ClientOptions {
  retry?: RetryOptions;
  /** Makes each logical write's `MS-RequestId` (default `crypto.randomUUID()`). */
  requestId?: () => string;
}

/** A list answer the client could not use: the status and the body the API gave. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`The API answered ${status}${describe(body)}`);
  }
}

function describe(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const { detail, title, description } = body as Record<string, unknown>;
  const text = [detail, title, description].find((part) => typeof part === 'string');
  return text ? `: ${text as string}` : '';
}

/** The fetch a client uses: the one given, or `globalThis.fetch` as it is at call time. */
const lateFetch = (given: Fetch | undefined): Fetch =>
  given ?? ((request) => globalThis.fetch(request));

const bearer = (token: Token): Middleware => ({
  async onRequest({ request }) {
    const value = typeof token === 'function' ? await token() : token;
    request.headers.set('Authorization', `Bearer ${value}`);
    return request;
  },
});

const defaultDelay = (attempt: number, response: Response | undefined) => {
  const seconds = Number(response?.headers.get('Retry-After'));
  const wait = Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : 250 * 2 ** (attempt - 1);
  return Math.min(wait, 10_000);
};

/**
 * Sends a request again on a network error or a status worth retrying, the very same request
 * each time (its headers, so its `MS-RequestId`, included).
 */
export function retrying(fetch: Fetch, options: RetryOptions = {}): Fetch {
  const retries = options.retries ?? 0;
  const statuses = new Set(options.statuses ?? [429, 502, 503, 504]);
  const delay = options.delay ?? defaultDelay;
  if (retries <= 0) return fetch;
  return async (request) => {
    for (let attempt = 1; ; attempt++) {
      const last = attempt > retries;
      let response: Response | undefined;
      try {
        response = await fetch(last ? request : request.clone());
      } catch (error) {
        if (last || request.signal.aborted) throw error;
      }
      if (response && (last || !statuses.has(response.status))) return response;
      const wait = delay(attempt, response);
      void response?.body?.cancel().catch(() => undefined);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
  };
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Gives each write an `MS-RequestId` unless the caller set one. */
const requestIds = (make: () => string): Middleware => ({
  onRequest({ request }) {
    if (WRITES.has(request.method) && !request.headers.has('MS-RequestId'))
      request.headers.set('MS-RequestId', make());
    return request;
  },
});

/** The items of a list operation's 200 answer (`{ $meta, data: Item[] }`). */
type ListAnswer<Operation> = Operation extends {
  responses: { 200: { content: { 'application/json': infer Body } } };
}
  ? Body extends { data?: (infer Item)[] }
    ? Item
    : never
  : never;
/** The Program API paths with a paged list behind GET. */
export type ListPaths = {
  [P in keyof ProgramPaths]: ListAnswer<ProgramPaths[P]['get']> extends never ? never : P;
}[keyof ProgramPaths];
/** The items a list path answers. */
export type ListItem<P extends ListPaths> = ListAnswer<ProgramPaths[P]['get']>;
type PathParams<P extends ListPaths> = ProgramPaths[P]['get'] extends {
  parameters: { path: infer Params };
}
  ? Params
  : never;

export type ListOptions<P extends ListPaths> = {
  /** Filter, select and order (its limit and offset are the first page's). */
  query?: RqlQuery<ListItem<P>>;
  /** Items per page when the query gives no limit (default 100, the API's most). */
  pageSize?: number;
  signal?: AbortSignal;
} & ([PathParams<P>] extends [never]
  ? { params?: undefined }
  : { params: { path: PathParams<P> } });

/** One page of a list, as the API paged it. */
export interface Page<Item> {
  data: Item[];
  offset: number;
  limit: number;
  /** The number of matching objects, when the API counted them. */
  total: number | undefined;
}

export interface ProgramClient extends Client<ProgramPaths> {
  /** One page of a list: the query's filter, select, order, limit and offset. */
  page<P extends ListPaths>(path: P, ...options: OptionsArgument<P>): Promise<Page<ListItem<P>>>;
  /** Every page of a list, one request each, until the total is reached. */
  pages<P extends ListPaths>(
    path: P,
    ...options: OptionsArgument<P>
  ): AsyncGenerator<Page<ListItem<P>>, void, undefined>;
  /** Every item of a list, page after page (as the Python client's `iterate()`). */
  iterate<P extends ListPaths>(
    path: P,
    ...options: OptionsArgument<P>
  ): AsyncGenerator<ListItem<P>, void, undefined>;
}
type OptionsArgument<P extends ListPaths> = [PathParams<P>] extends [never]
  ? [options?: ListOptions<P>]
  : [options: ListOptions<P>];

interface Pagination {
  offset?: number;
  limit?: number;
  total?: number | null;
}

/** A client for the Program API: `GET`, `POST`, ... typed by the spec's `paths`, and its lists. */
export function createProgramClient(options: ClientOptions): ProgramClient {
  const client = createClient<ProgramPaths>({
    baseUrl: options.baseUrl ?? PROGRAM_API_URL,
    fetch: lateFetch(options.fetch),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  client.use(bearer(options.token));

  async function page(
    path: string,
    list: {
      query?: RqlQuery<unknown>;
      params?: unknown;
      signal?: AbortSignal;
      pageSize?: number;
    } = {},
    at?: { offset: number; limit: number },
  ): Promise<Page<unknown>> {
    const limit = at?.limit ?? list.query?.state.limit ?? list.pageSize ?? 100;
    const offset = at?.offset ?? list.query?.state.offset ?? 0;
    const search = (list.query ?? rql()).limit(limit).offset(offset).toString();
    const get = client.GET as unknown as (
      path: string,
      init: Record<string, unknown>,
    ) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
    const { data, error, response } = await get(path, {
      params: list.params ?? {},
      querySerializer: () => search,
      ...(list.signal ? { signal: list.signal } : {}),
    });
    if (error !== undefined || !response.ok) throw new ApiError(response.status, error);
    const body = data as { $meta?: { pagination?: Pagination }; data?: unknown[] };
    const pagination = body.$meta?.pagination ?? {};
    return {
      data: body.data ?? [],
      offset: pagination.offset ?? offset,
      limit: pagination.limit ?? limit,
      total: pagination.total ?? undefined,
    };
  }

  async function* pages(path: string, list: Parameters<typeof page>[1] = {}) {
    let current = await page(path, list);
    for (;;) {
      yield current;
      const next = current.offset + current.limit;
      const more =
        current.total === undefined ? current.data.length === current.limit : next < current.total;
      if (!more || current.limit === 0 || current.data.length === 0) return;
      current = await page(path, list, { offset: next, limit: current.limit });
    }
  }

  async function* iterate(path: string, list: Parameters<typeof page>[1] = {}) {
    for await (const one of pages(path, list)) yield* one.data;
  }

  return Object.assign(client, { page, pages, iterate }) as unknown as ProgramClient;
}

export type PartnerCenterClient = Client<PartnerCenterPaths>;

/**
 * A client for Partner Center customer qualifications. Each write (POST, PUT, PATCH, DELETE)
 * gets an `MS-RequestId` unless given one; with `retry`, a request sent again keeps it, so the
 * service replays its first answer instead of doing the write twice (decision 0020).
 */
export function createPartnerCenterClient(
  options: PartnerCenterClientOptions,
): PartnerCenterClient {
  const client = createClient<PartnerCenterPaths>({
    baseUrl: options.baseUrl ?? PARTNER_CENTER_URL,
    fetch: retrying(lateFetch(options.fetch), options.retry),
    ...(options.headers ? { headers: options.headers } : {}),
  });
  client.use(bearer(options.token));
  client.use(requestIds(options.requestId ?? (() => globalThis.crypto.randomUUID())));
  return client;
}
