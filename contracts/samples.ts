/**
 * Builds one well-formed sample request per operation from the spec's own examples: path and
 * query parameters from their examples, the body from the first request-body example.
 */
import { firstExample, isRecord, resolve, type OperationInfo } from '../src/schema/index.js';

export interface SampleRequest {
  method: string;
  /** Path with parameters filled in, relative to the API's base (e.g. `/v1/program/certificates/CER-...`). */
  path: string;
  headers: Record<string, string>;
  body?: string;
}

function exampleOf(api: OperationInfo['api'], holder: Record<string, unknown>): unknown {
  const example = firstExample(api, holder);
  if (example !== undefined) return example;
  const schema = resolve<Record<string, unknown>>(api, holder.schema);
  if (isRecord(schema)) {
    if (Array.isArray(schema.examples) && schema.examples.length > 0) return schema.examples[0];
    if ('default' in schema) return schema.default;
    if (Array.isArray(schema.enum)) return schema.enum[0];
  }
  return undefined;
}

const BOUNDARY = 'contract-sample-boundary';

/**
 * A multipart body from an example object: a part per member, JSON parts (their `encoding` says
 * so) as JSON, the others as a small file named after the part.
 */
function multipartText(value: Record<string, unknown>, encoding: Record<string, unknown>): string {
  const lines: string[] = [];
  for (const [name, member] of Object.entries(value)) {
    const part = encoding[name];
    const json = isRecord(part) && String(part.contentType ?? '').includes('json');
    lines.push(`--${BOUNDARY}`);
    if (json) {
      lines.push(
        `Content-Disposition: form-data; name="${name}"`,
        'Content-Type: application/json',
        '',
      );
      lines.push(JSON.stringify(member));
    } else {
      lines.push(
        `Content-Disposition: form-data; name="${name}"; filename="${name}.bin"`,
        'Content-Type: application/octet-stream',
        '',
        String(member),
      );
    }
  }
  lines.push(`--${BOUNDARY}--`, '');
  return lines.join('\r\n');
}

export function sampleRequest(info: OperationInfo, token = 'sample-token'): SampleRequest {
  let path = info.path;
  const query: string[] = [];
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: '*/*' };
  for (const parameter of info.parameters) {
    const name = String(parameter.name);
    const value = exampleOf(info.api, parameter);
    if (parameter.in === 'path') {
      if (value === undefined)
        throw new Error(`${info.operationId}: path parameter ${name} has no example`);
      path = path.replace(`{${name}}`, encodeURIComponent(String(value)));
    } else if (parameter.in === 'query' && parameter.required === true && value !== undefined) {
      query.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`);
    } else if (parameter.in === 'header' && parameter.required === true && value !== undefined) {
      headers[name.toLowerCase()] = String(value);
    }
  }
  const request: SampleRequest = {
    method: info.method.toUpperCase(),
    path: query.length > 0 ? `${path}?${query.join('&')}` : path,
    headers,
  };
  const body = resolve<Record<string, unknown>>(info.api, info.operation.requestBody);
  if (isRecord(body) && isRecord(body.content)) {
    const [mediaType, media] = Object.entries(body.content)[0] ?? [];
    if (mediaType && isRecord(media)) {
      const value = exampleOf(info.api, media);
      if (value !== undefined && mediaType === 'multipart/form-data' && isRecord(value)) {
        const encoding = isRecord(media.encoding) ? media.encoding : {};
        request.headers['content-type'] = `multipart/form-data; boundary=${BOUNDARY}`;
        request.body = multipartText(value, encoding);
      } else if (value !== undefined) {
        request.headers['content-type'] = mediaType;
        request.body = JSON.stringify(value);
      }
    }
  }
  return request;
}

/**
 * A body of the wrong type for an operation, in the media type it takes: JSON `[1, 2, 3]`, or
 * for a multipart-only operation the same array as its JSON part(s).
 */
export function wrongTypeBody(info: OperationInfo): { body: string; contentType: string } {
  const body = resolve<Record<string, unknown>>(info.api, info.operation.requestBody);
  const content = isRecord(body) && isRecord(body.content) ? body.content : {};
  const [mediaType, media] = Object.entries(content)[0] ?? [];
  if (mediaType === 'multipart/form-data' && isRecord(media) && isRecord(media.encoding)) {
    const parts = Object.fromEntries(Object.keys(media.encoding).map((name) => [name, [1, 2, 3]]));
    return {
      body: multipartText(parts, media.encoding),
      contentType: `multipart/form-data; boundary=${BOUNDARY}`,
    };
  }
  return { body: '[1, 2, 3]', contentType: 'application/json' };
}
