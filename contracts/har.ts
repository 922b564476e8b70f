/**
 * Reading a HAR file into exchanges of the two APIs: which API and operation each entry
 * belongs to (the recorder's `_api` and `_path`, else found from the URL), its bodies decoded.
 * Shared by `drift`, `seed from-har` and `contracts --replay`.
 */
import { readFile } from 'node:fs/promises';
import type { Entry, Har } from '../src/http/har.js';
import { formatOf, mediaTypeOf } from '../src/http/media.js';
import type { ApiName, OperationInfo } from '../src/schema/index.js';
import { operationOf } from './validate.js';

export interface Recorded {
  /** 1-based, in the file's order (as the reports number them). */
  index: number;
  entry: Entry;
  api: ApiName;
  method: string;
  /** Under the API's base URL, without the query. */
  path: string;
  query: string;
  operation: OperationInfo | undefined;
  /** The recorder's label of the request's credential (`_credential`), when it had one. */
  credential?: string;
  request: {
    headers: Headers;
    contentType: string | null;
    bytes: Uint8Array | undefined;
    json: unknown;
  };
  response: {
    status: number;
    headers: Headers;
    contentType: string | null;
    bytes: Uint8Array;
    json: unknown;
  };
}

export class HarError extends Error {
  override name = 'HarError';
}

function headersOf(list: readonly { name: string; value: string }[]): Headers {
  const headers = new Headers();
  for (const { name, value } of list) {
    try {
      headers.append(name, value);
    } catch {
      // A name fetch refuses (an HTTP/2 pseudo-header such as `:authority`): not the API's.
    }
  }
  return headers;
}

const bytesOf = (text: string | undefined, encoding: string | undefined) =>
  text === undefined ? undefined : Buffer.from(text, encoding === 'base64' ? 'base64' : 'utf8');

/** The parsed JSON of a body whose media type is JSON, else undefined (also when it is not JSON). */
function jsonOf(bytes: Buffer | undefined, contentType: string | null): unknown {
  if (!bytes || bytes.length === 0 || formatOf(mediaTypeOf(contentType)) !== 'json')
    return undefined;
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Which API a URL path names, for a HAR from another tool (no `_api`): the one with a route. */
function locate(pathname: string): { api: ApiName; path: string } {
  const program = pathname.replace(/^.*?\/public(?=\/)/, '');
  if (operationOf('program-api', 'GET', program) || /\/v1\/program\//.test(pathname))
    return { api: 'program-api', path: program };
  return { api: 'partner-center', path: pathname.replace(/^.*?(?=\/v1\/)/, '') };
}

export function readEntries(har: unknown, file = 'the HAR file'): Recorded[] {
  const entries = (har as Partial<Har> | undefined)?.log?.entries;
  if (!Array.isArray(entries)) throw new HarError(`${file} is not HAR: it has no log.entries`);
  return entries.flatMap((entry, i): Recorded[] => {
    const custom = entry as Entry & { _api?: unknown; _path?: unknown; _credential?: unknown };
    if (custom._api === 'control') return [];
    let url: URL;
    try {
      url = new URL(entry.request.url);
    } catch {
      throw new HarError(`${file}: entry ${i + 1} has no valid request.url`);
    }
    const where: { api: ApiName; path: string } =
      (custom._api === 'program-api' || custom._api === 'partner-center') &&
      typeof custom._path === 'string'
        ? { api: custom._api, path: custom._path }
        : locate(url.pathname);
    const requestHeaders = headersOf(entry.request.headers ?? []);
    const responseHeaders = headersOf(entry.response.headers ?? []);
    const post = entry.request.postData as { text?: string; encoding?: string } | undefined;
    const requestBytes = bytesOf(post?.text, post?.encoding);
    const responseBytes =
      bytesOf(entry.response.content?.text, entry.response.content?.encoding) ?? Buffer.alloc(0);
    const requestType =
      requestHeaders.get('content-type') ?? entry.request.postData?.mimeType ?? null;
    const responseType =
      responseHeaders.get('content-type') ?? (entry.response.content?.mimeType || null);
    return [
      {
        index: i + 1,
        entry,
        ...where,
        method: entry.request.method.toUpperCase(),
        query: url.search,
        operation: operationOf(where.api, entry.request.method.toUpperCase(), where.path),
        ...(typeof custom._credential === 'string' ? { credential: custom._credential } : {}),
        request: {
          headers: requestHeaders,
          contentType: requestType,
          bytes: requestBytes,
          json: jsonOf(requestBytes, requestType),
        },
        response: {
          status: entry.response.status,
          headers: responseHeaders,
          contentType: responseType,
          bytes: responseBytes,
          json: jsonOf(responseBytes, responseType),
        },
      },
    ];
  });
}

export async function readHarFile(path: string): Promise<Recorded[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new HarError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  let har: unknown;
  try {
    har = JSON.parse(text);
  } catch (error) {
    throw new HarError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
  return readEntries(har, path);
}
