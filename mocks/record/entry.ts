/**
 * One proxied exchange as a HAR 1.2 entry, with its secrets taken out (decision 0052): the
 * credentials' headers, the bearer tokens and the control token wherever they appear (URL,
 * headers, bodies), and the extra headers and JSON fields a team names.
 */
import { createHash } from 'node:crypto';
import type { Entry, Header, PostData } from '../../src/http/har.js';
import type { ApiName } from '../../src/schema/index.js';

export const REDACTED = 'REDACTED';

/** Headers that carry credentials: always redacted. */
export const secretHeaders = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];

export interface Redaction {
  /** More header names to redact (any case). */
  headers?: readonly string[];
  /** JSON member names whose values are redacted wherever they appear in a body. */
  fields?: readonly string[];
  /** Values never to write (the control token): replaced wherever they appear. */
  secrets?: readonly string[];
}

export interface Captured {
  startedAt: Date;
  durationMs: number;
  method: string;
  /** The URL the request was forwarded to. */
  url: string;
  requestHeaders: readonly (readonly [string, string])[];
  requestBody: Uint8Array | undefined;
  status: number;
  statusText: string;
  responseHeaders: readonly (readonly [string, string])[];
  responseBody: Uint8Array;
  api: ApiName;
  /** The path relative to the API's base URL, without the query (what the spec's paths name). */
  path: string;
}

/** A request body in HAR: `postData` has no `encoding` in 1.2, so binary ones carry ours. */
export type RecordedPostData = PostData & { encoding?: 'base64' };

const textual = /^(text\/|application\/([\w.+-]*\+)?(json|xml|x-www-form-urlencoded|javascript))/i;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** A body as text when its type is textual and its bytes are UTF-8, else as base64. */
function bodyText(bytes: Buffer, mimeType: string): { text: string; encoding?: 'base64' } {
  if (textual.test(mimeType)) {
    try {
      return { text: utf8.decode(bytes) };
    } catch {
      // Not UTF-8 after all: kept byte for byte below.
    }
  }
  return { text: bytes.toString('base64'), encoding: 'base64' };
}

const headerOf = (headers: Captured['requestHeaders'], name: string) =>
  headers.find(([key]) => key.toLowerCase() === name)?.[1];

/** The token after `Bearer ` (or the whole value of another scheme) of an Authorization header. */
function credentialOf(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const token = value.replace(/^\s*\w+\s+/, '').trim();
  return token.length >= 4 ? token : undefined;
}

/**
 * Which credential a request carried, without the credential: the first 16 hex digits of its
 * SHA-256. A replay holding the same token knows its role from it (decision 0055); the label
 * cannot be turned back into the token.
 */
export const credentialLabel = (token: string) =>
  `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;

function redactFields(text: string, fields: ReadonlySet<string>): string {
  if (fields.size === 0) return text;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return text;
  }
  let changed = false;
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== 'object' || node === null) return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, member]) => {
        if (!fields.has(key.toLowerCase())) return [key, walk(member)];
        changed = true;
        return [key, REDACTED];
      }),
    );
  };
  const redacted = walk(value);
  return changed ? JSON.stringify(redacted) : text;
}

/** The HAR entry of an exchange, every secret replaced by `REDACTED`. */
export function harEntry(captured: Captured, redaction: Redaction = {}): Entry {
  const hidden = new Set([
    ...secretHeaders,
    ...(redaction.headers ?? []).map((h) => h.toLowerCase()),
  ]);
  const fields = new Set((redaction.fields ?? []).map((f) => f.toLowerCase()));
  const credential = credentialOf(headerOf(captured.requestHeaders, 'authorization'));
  const secrets = [
    ...(redaction.secrets ?? []),
    credential,
    credentialOf(headerOf(captured.requestHeaders, 'proxy-authorization')),
  ].filter((s): s is string => s !== undefined && s.length >= 4);
  const scrub = (text: string) =>
    secrets.reduce((current, secret) => current.split(secret).join(REDACTED), text);
  const headers = (list: Captured['requestHeaders']): Header[] =>
    list.map(([name, value]) => ({
      name,
      value: hidden.has(name.toLowerCase())
        ? name.toLowerCase() === 'authorization' && /^\s*\w+\s/.test(value)
          ? `${value.trim().split(/\s+/)[0]} ${REDACTED}`
          : REDACTED
        : scrub(value),
    }));
  const body = (raw: Uint8Array, mimeType: string) => {
    const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    const { text, encoding } = bodyText(bytes, mimeType);
    if (encoding === 'base64') {
      const latin = bytes.toString('latin1');
      const clean = scrub(latin);
      return {
        text: clean === latin ? text : Buffer.from(clean, 'latin1').toString('base64'),
        encoding,
      };
    }
    return { text: scrub(redactFields(text, fields)) };
  };
  const url = new URL(scrub(captured.url));
  const requestType = headerOf(captured.requestHeaders, 'content-type') ?? '';
  const responseType = headerOf(captured.responseHeaders, 'content-type') ?? '';
  const postData: RecordedPostData | undefined =
    captured.requestBody && captured.requestBody.length > 0
      ? { mimeType: requestType, ...body(captured.requestBody, requestType) }
      : undefined;
  const response = body(captured.responseBody, responseType);
  const location = headerOf(captured.responseHeaders, 'location');
  return {
    startedDateTime: captured.startedAt.toISOString(),
    time: captured.durationMs,
    request: {
      method: captured.method,
      url: url.href,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: headers(captured.requestHeaders),
      queryString: [...url.searchParams].map(([name, value]) => ({ name, value })),
      ...(postData ? { postData } : {}),
      headersSize: -1,
      bodySize: captured.requestBody?.length ?? 0,
    },
    response: {
      status: captured.status,
      statusText: captured.statusText,
      httpVersion: 'HTTP/1.1',
      cookies: [],
      headers: headers(captured.responseHeaders),
      content: {
        size: captured.responseBody.length,
        mimeType: responseType,
        ...(captured.responseBody.length > 0 ? response : {}),
      },
      redirectURL: location ? scrub(location) : '',
      headersSize: -1,
      bodySize: captured.responseBody.length,
    },
    cache: {},
    timings: { send: 0, wait: captured.durationMs, receive: 0 },
    _api: captured.api,
    _path: scrub(captured.path),
    ...(credential ? { _credential: credentialLabel(credential) } : {}),
  };
}
