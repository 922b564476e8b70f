/**
 * What both doors do with the bytes of a request body: text for JSON, XML and forms, parts for
 * `multipart/form-data`. Multipart is read by the platform's own parser (the Fetch API's
 * `Response.formData()`, the same in Node and in browsers), never by hand; a file part keeps its
 * bytes exactly (base64), its name and its declared type.
 */
import { fromByteArray } from 'base64-js';
import type { KitPart } from '../../src/http/types.js';

export const isMultipart = (contentType: string | undefined) =>
  /^multipart\/form-data\s*(;|$)/i.test(contentType ?? '');

export interface ReadBody {
  body?: string;
  parts?: KitPart[];
  /** The multipart body could not be read (no boundary, broken framing). */
  malformedParts?: string;
}

export async function readBody(
  bytes: Uint8Array | undefined,
  contentType: string | undefined,
): Promise<ReadBody> {
  if (!bytes || bytes.length === 0) return {};
  if (!isMultipart(contentType)) return { body: new TextDecoder().decode(bytes) };
  let form: FormData;
  try {
    form = await new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': contentType! },
    }).formData();
  } catch (error) {
    // The body's text stays available, so a body-less operation can still say "no body here".
    return {
      body: new TextDecoder().decode(bytes),
      malformedParts: (error as Error).message || 'the multipart body could not be read',
    };
  }
  const parts: KitPart[] = [];
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string') {
      parts.push({ name, text: value, size: new TextEncoder().encode(value).length });
    } else {
      const data = new Uint8Array(await value.arrayBuffer());
      parts.push({
        name,
        filename: value.name,
        contentType: value.type || 'application/octet-stream',
        base64: fromByteArray(data),
        size: data.length,
        // A JSON part sent with a filename is still readable as text.
        text: /json/i.test(value.type) ? new TextDecoder().decode(data) : undefined,
      });
    }
  }
  return { body: new TextDecoder().decode(bytes), parts };
}
