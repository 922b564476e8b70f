/**
 * Media types on the wire: which format a request body is in, how a form body reads, and which
 * media type an answer takes from `Accept` (q-values honoured; ASP.NET falls back to its first
 * formatter, JSON, when nothing acceptable is offered, rather than answering 406).
 */
import { setOwn } from '../core/own.js';

export type BodyFormat = 'json' | 'xml' | 'form';

export const mediaTypeOf = (contentType: string | undefined | null) =>
  (contentType ?? '').split(';')[0]!.trim().toLowerCase();

/** The format of a media type: JSON (`application/json`, `text/json`, `application/*+json`), XML, form. */
export function formatOf(mediaType: string): BodyFormat | undefined {
  if (
    mediaType === 'application/json' ||
    mediaType === 'text/json' ||
    /^application\/[a-z0-9.-]+\+json$/.test(mediaType)
  )
    return 'json';
  if (
    mediaType === 'application/xml' ||
    mediaType === 'text/xml' ||
    /^application\/[a-z0-9.-]+\+xml$/.test(mediaType)
  )
    return 'xml';
  if (mediaType === 'application/x-www-form-urlencoded') return 'form';
  return undefined;
}

/**
 * The format a request body is read in: its content type's, when the operation declares that
 * media type (any JSON type counts as `application/json`, as the Program API's vendor accepts).
 */
export function requestFormat(
  contentType: string | undefined,
  declared: readonly string[],
): BodyFormat | undefined {
  const mediaType = mediaTypeOf(contentType);
  const format = formatOf(mediaType);
  if (format === 'json') return declared.includes('application/json') ? 'json' : undefined;
  return format && declared.includes(mediaType) ? format : undefined;
}

/** A query or form component decoded (`+` is a space); kept as sent when not valid UTF-8. */
export function decodeComponent(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/**
 * An `application/x-www-form-urlencoded` body. ASP.NET binds an empty field as null (absent);
 * a body of one nameless field (`=value`, or just `value`) is the bare value of a simple type.
 */
export function readForm(text: string, wantsString: boolean): unknown {
  const pairs = text
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      return equals === -1
        ? ['', decodeComponent(pair)]
        : [decodeComponent(pair.slice(0, equals)), decodeComponent(pair.slice(equals + 1))];
    });
  if (wantsString) return pairs.find(([key]) => key === '')?.[1] ?? pairs[0]?.[1] ?? '';
  const out: Record<string, unknown> = {};
  for (const [key, value] of pairs) {
    if (key === '' || Object.hasOwn(out, key!)) continue;
    setOwn(out, key!, value === '' ? null : value);
  }
  return out;
}

interface Range {
  type: string;
  q: number;
  order: number;
}

function ranges(accept: string): Range[] {
  return accept
    .split(',')
    .map((part, order) => {
      const [type, ...params] = part.split(';').map((s) => s.trim().toLowerCase());
      const q = params.find((p) => p.startsWith('q='));
      const weight = q === undefined ? 1 : Number(q.slice(2));
      return { type: type ?? '', q: Number.isFinite(weight) ? weight : 0, order };
    })
    .filter((range) => range.type !== '' && range.q > 0);
}

const covers = (range: string, type: string) =>
  range === type ||
  range === '*/*' ||
  (range.endsWith('/*') && type.startsWith(range.slice(0, -1)));

/**
 * The media type to answer in, among `offered` (the first is the fallback): the one the highest
 * weighted range of `Accept` covers, a specific range before a wildcard of the same weight, and
 * the earlier of equals.
 */
export function negotiate(accept: string | undefined, offered: readonly string[]): string {
  const fallback = offered[0]!;
  if (!accept) return fallback;
  const sorted = ranges(accept).sort(
    (a, b) =>
      b.q - a.q || Number(a.type.includes('*')) - Number(b.type.includes('*')) || a.order - b.order,
  );
  for (const range of sorted) {
    if (range.type.includes('*') && offered.some((type) => covers(range.type, type))) {
      // A wildcard prefers the fallback when it covers it.
      return covers(range.type, fallback)
        ? fallback
        : offered.find((type) => covers(range.type, type))!;
    }
    const found = offered.find((type) => type === range.type);
    if (found) return found;
  }
  return fallback;
}
