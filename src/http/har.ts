/**
 * The HAR 1.2 types the recorders and the HAR replay name, declared here so the package's
 * declarations need no `@types/har-format` in the app (issue 26: types that hold with
 * `skipLibCheck: false`). The fields and their optionality are HAR 1.2's; a field whose name
 * starts with `_` is a custom one (HAR allows them).
 */
export interface Har {
  log: Log;
}

export interface Log {
  version: string;
  creator: Creator;
  browser?: Creator;
  pages?: Page[];
  entries: Entry[];
  comment?: string;
}

export interface Creator {
  name: string;
  version: string;
  comment?: string;
}

export interface Page {
  startedDateTime: string;
  id: string;
  title: string;
  pageTimings: { onContentLoad?: number; onLoad?: number; comment?: string };
  comment?: string;
}

export interface Entry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: Request;
  response: Response;
  cache: Cache;
  timings: Timings;
  serverIPAddress?: string;
  connection?: string;
  comment?: string;
  /** A custom field (the recorders' `_api`, `_path`, `_credential`). */
  [custom: `_${string}`]: unknown;
}

export interface Request {
  method: string;
  url: string;
  httpVersion: string;
  cookies: Cookie[];
  headers: Header[];
  queryString: QueryString[];
  postData?: PostData;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface Response {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: Cookie[];
  headers: Header[];
  content: Content;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  comment?: string;
}

export interface Cookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
  comment?: string;
}

export interface Header {
  name: string;
  value: string;
  comment?: string;
}

export interface QueryString {
  name: string;
  value: string;
  comment?: string;
}

export interface PostData {
  mimeType: string;
  params?: Param[];
  text?: string;
  comment?: string;
}

export interface Param {
  name: string;
  value?: string;
  fileName?: string;
  contentType?: string;
  comment?: string;
}

export interface Content {
  size: number;
  compression?: number;
  mimeType: string;
  text?: string;
  encoding?: string;
  comment?: string;
}

export interface Cache {
  beforeRequest?: CacheState | null;
  afterRequest?: CacheState | null;
  comment?: string;
}

export interface CacheState {
  expires?: string;
  lastAccess: string;
  eTag: string;
  hitCount: number;
  comment?: string;
}

export interface Timings {
  blocked?: number;
  dns?: number;
  connect?: number;
  send: number;
  wait: number;
  receive: number;
  ssl?: number;
  comment?: string;
}
