/**
 * Partner Center's error catalogue: every error number the mock sends, with its HTTP status,
 * kind and default description (src/apis/partner-center/errors.ts writes them as the error
 * body). The `satisfies` clause makes a number added to `PartnerErrorCode` fail compilation
 * until it is described here. The numbers and statuses are the spec's `Error` table (a test
 * compares them).
 */
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

export interface ErrorEntry {
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

/** A domain refusal with its Partner Center error number. */
export const refuse = (code: PartnerErrorCode, description: string) =>
  new Refusal<PartnerErrorCode>(code, description);
