/** Protocol-neutral request and response: what both adapters (msw, express) translate to and from. */
export interface KitRequest {
  method: string;
  /** Path relative to the API's base URL, e.g. `/v1/program/certificates/CER-9646-2171-8417`. */
  path: string;
  /** The raw query string after `?`, not decoded (RQL is parsed from it). */
  rawQuery: string;
  /** Header names in lower case. */
  headers: Readonly<Record<string, string | undefined>>;
  /** The body as text; undefined when the request has none. */
  body: string | undefined;
  /** Set by an adapter that stopped reading a body over the size limit (the body is then cut). */
  bodyTooLarge?: boolean;
  /**
   * A `multipart/form-data` body as the door read it (with the platform's own multipart parser):
   * each part with its name, and a file part's bytes (base64) and declared type.
   */
  parts?: KitPart[];
  /** Why a multipart body could not be read into parts. */
  partsError?: string;
  /** Bytes of the body on the wire, as the door counted them (limits are in bytes). */
  bodyBytes?: number;
  /**
   * The body as JSON, read by the door as it came (a fixture of hundreds of megabytes, never
   * held as text): its value, or why it is not JSON. `body` is then undefined.
   */
  json?: { value: unknown } | { error: string };
}

export interface KitPart {
  name: string;
  /** Set for a file part. */
  filename?: string;
  contentType?: string;
  /** A text part's value (a JSON part's text). */
  text?: string;
  /** A file part's bytes, base64. */
  base64?: string;
  /** Bytes of the part's content. */
  size: number;
}

export interface KitResponse {
  status: number;
  headers: Record<string, string>;
  /** Serialized here, so both adapters send the same bytes. */
  body?: string;
  /** A binary answer (a downloaded file), sent as it is instead of `body`. */
  bytes?: Uint8Array;
  /** Injected latency: the adapter waits this long before answering (not sent). */
  delayMs?: number;
}

export const json = (
  status: number,
  value: unknown,
  contentType = 'application/json',
): KitResponse => ({
  status,
  headers: { 'content-type': contentType },
  body: JSON.stringify(value),
});
