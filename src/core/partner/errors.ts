/**
 * Partner Center's error catalogue: every error number the mock sends, with its HTTP status and
 * default description, and the one function that turns a refusal (pipeline or domain) into the
 * Partner Center error body `{code, description, data, source}`. The `satisfies` clauses make a
 * number added to `PartnerErrorCode`, or a pipeline failure added to `PipelineCode`, fail
 * compilation until it is mapped here. The numbers and statuses are the spec's `Error` table
 * (a test compares them).
 */
import type { PipelineCode } from '../../http/pipeline.js';
import { json, type KitResponse } from '../../http/types.js';
import { Refusal } from '../problem.js';

export type PartnerErrorCode =
  | 800001
  | 800002
  | 800003
  | 800004
  | 800005
  | 800404
  | 800405
  | 800429
  | 800431
  | 800500
  | 800503
  | 800507
  | 900118
  | 900126
  | 900127
  | 900128
  | 900129
  | 900130
  | 900131
  | 900150
  | 60003
  | 600061;

interface ErrorEntry {
  status: number;
  /**
   * A rule of the API (a screen handles it; counted by the coverage table as
   * `partner.rule:<number>`) or the protocol's (auth, media types, limits).
   */
  kind: 'rule' | 'protocol';
  description: string;
}

export const partnerErrors = {
  800001: {
    status: 401,
    kind: 'protocol',
    description: 'The partner access token is missing or not valid.',
  },
  800002: { status: 400, kind: 'protocol', description: 'The request input is not valid.' },
  800003: {
    status: 413,
    kind: 'protocol',
    description: 'The request body is larger than the service accepts.',
  },
  800004: {
    status: 415,
    kind: 'protocol',
    description:
      'The media type is not supported; send application/json, text/json, application/xml, text/xml or application/x-www-form-urlencoded.',
  },
  800005: {
    status: 400,
    kind: 'rule',
    description: 'This MS-RequestId was already used for a different request; send a new one.',
  },
  800404: {
    status: 404,
    kind: 'protocol',
    description: 'No operation answers this method and path.',
  },
  800405: {
    status: 405,
    kind: 'protocol',
    description: 'The path does not answer this method; see Allow.',
  },
  800429: {
    status: 429,
    kind: 'protocol',
    description: 'Too many requests; retry after the time given in Retry-After.',
  },
  800431: { status: 431, kind: 'protocol', description: 'The request headers are too large.' },
  800500: { status: 500, kind: 'protocol', description: 'An unexpected error occurred.' },
  800503: {
    status: 503,
    kind: 'protocol',
    description:
      'The service is temporarily unavailable; retry after the time given in Retry-After.',
  },
  800507: {
    status: 507,
    kind: 'protocol',
    description: 'The mock holds its maximum of stored objects; nothing more can be created.',
  },
  900118: { status: 400, kind: 'rule', description: 'The customer id is not a valid GUID.' },
  900126: {
    status: 400,
    kind: 'rule',
    description: 'The qualification value could not be parsed.',
  },
  900127: {
    status: 400,
    kind: 'rule',
    description: 'The Education qualification needs educationSegment K12 or HigherEducation.',
  },
  900128: {
    status: 400,
    kind: 'rule',
    description: 'GovernmentCommunityCloud needs a validation code held by the partner.',
  },
  900129: { status: 400, kind: 'rule', description: 'The validation code has no creates left.' },
  900130: {
    status: 400,
    kind: 'rule',
    description: 'A customer cannot hold both Education and GovernmentCommunityCloud.',
  },
  900131: {
    status: 400,
    kind: 'rule',
    description: 'Education verification has already been requested 3 times for this customer.',
  },
  900150: {
    status: 403,
    kind: 'protocol',
    description: "The caller's role does not have the rights needed for this operation.",
  },
  60003: { status: 404, kind: 'rule', description: 'The customer was not found.' },
  600061: {
    status: 409,
    kind: 'rule',
    description: 'The customer already has this qualification.',
  },
} as const satisfies Record<PartnerErrorCode, ErrorEntry>;

/** What each failure the shared pipeline detects becomes on Partner Center's wire. */
export const pipelineErrors = {
  Unauthorized: 800001,
  Forbidden: 900150,
  NotFound: 800404,
  MethodNotAllowed: 800405,
  UnsupportedMediaType: 800004,
  InvalidJson: 800002,
  ValidationFailed: 800002,
  PayloadTooLarge: 800003,
  RequestHeadersTooLarge: 800431,
  TooManyRequests: 800429,
  ServiceUnavailable: 800503,
  InsufficientStorage: 800507,
  InternalError: 800500,
} as const satisfies Record<PipelineCode, PartnerErrorCode>;

/** A domain refusal with its Partner Center error number. */
export const refuse = (code: PartnerErrorCode, description: string) =>
  new Refusal<PartnerErrorCode>(code, description);

const isErrorCode = (code: unknown): code is PartnerErrorCode =>
  typeof code === 'number' && Object.hasOwn(partnerErrors, code);
const isPipelineCode = (code: unknown): code is PipelineCode =>
  typeof code === 'string' && Object.hasOwn(pipelineErrors, code);

/** The error number a refusal answers with (an unknown code is a bug: 800500). */
export function errorCodeOf(refusal: Refusal): PartnerErrorCode {
  if (isErrorCode(refusal.code)) return refusal.code;
  if (isPipelineCode(refusal.code)) return pipelineErrors[refusal.code];
  return 800500;
}

/** The spec caps `description` at 1024 characters. */
const MAX_DESCRIPTION = 1024;

function describe(refusal: Refusal, fallback: string): string {
  let text = refusal.detail || fallback;
  const fields = Object.entries(refusal.fields ?? {});
  if (fields.length > 0)
    text += ` ${fields.map(([field, messages]) => `${field}: ${messages.join('; ')}`).join('. ')}.`;
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 3)}...` : text;
}

export function errorResponse(refusal: Refusal): KitResponse {
  const code = errorCodeOf(refusal);
  const entry: ErrorEntry = partnerErrors[code];
  return json(entry.status, {
    code,
    description: describe(refusal, entry.description),
    data: [],
    source: 'PartnerFD',
  });
}
