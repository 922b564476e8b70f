/**
 * The Program API's error catalogue: every `ProblemCode` of the spec with its status and title,
 * and the one function that turns a refusal into RFC 7807 problem details on the wire.
 * `satisfies Record<ProblemCode, …>` makes a code added to the spec fail compilation until it
 * is listed here.
 */
import type { KitResponse } from '../../http/types.js';
import type { Problem, ProblemCode } from './model.js';

export const problemCatalogue = {
  InvalidJson: [400, 'The request body is not valid JSON.'],
  ValidationFailed: [400, 'One or more validation errors occurred.'],
  InvalidQuery: [400, 'The query string is not a valid RQL query.'],
  ReferenceNotFound: [400, 'A referenced object does not exist.'],
  ProgramNotPublished: [400, 'The program is not published.'],
  CertificateTerminated: [400, 'A terminated certificate cannot be re-enrolled.'],
  CertificateNotReenrollable: [400, 'The certificate cannot be re-enrolled in its current status.'],
  CertificateNotActive: [400, 'Only an active certificate can be terminated.'],
  BuyerRequired: [400, 'A buyer is required for this program.'],
  LicenseeRequired: [400, 'A licensee is required for this program.'],
  ApplicableToMismatch: [400, 'The buyer or licensee does not match what the program applies to.'],
  ParameterRequired: [400, 'A required parameter has no value.'],
  EnrollmentTransitionNotAllowed: [400, 'The enrollment cannot make this transition.'],
  ProgramTransitionNotAllowed: [400, 'The program cannot make this transition.'],
  Unauthorized: [401, 'Unauthorized.'],
  Forbidden: [403, 'Forbidden.'],
  NotFound: [404, 'Not found.'],
  PayloadTooLarge: [413, 'The request body is too large.'],
  UnsupportedMediaType: [415, 'Unsupported media type.'],
  RequestHeadersTooLarge: [431, 'Request headers too large.'],
  TooManyRequests: [429, 'Too many requests.'],
  ServiceUnavailable: [503, 'The service is unavailable.'],
  InsufficientStorage: [507, 'The mock holds its maximum of stored objects.'],
  InternalError: [500, 'An unexpected error occurred.'],
} as const satisfies Record<ProblemCode, readonly [number, string]>;

const rfc9110 = 'https://tools.ietf.org/html/rfc9110#section-';
const problemType: Record<number, string> = {
  400: `${rfc9110}15.5.1`,
  401: `${rfc9110}15.5.2`,
  403: `${rfc9110}15.5.4`,
  404: `${rfc9110}15.5.5`,
  413: `${rfc9110}15.5.14`,
  415: `${rfc9110}15.5.16`,
  429: 'https://tools.ietf.org/html/rfc6585#section-4',
  431: 'https://tools.ietf.org/html/rfc6585#section-5',
  500: `${rfc9110}15.6.1`,
  503: `${rfc9110}15.6.4`,
  507: 'https://tools.ietf.org/html/rfc4918#section-11.5',
};

export function problemResponse(
  code: ProblemCode,
  detail: string,
  traceId: string,
  errors?: Record<string, string[]>,
): KitResponse {
  const [status, title] = problemCatalogue[code];
  const problem: Problem = {
    type: problemType[status] ?? 'about:blank',
    title,
    status,
    detail,
    traceId,
    code,
    ...(errors && Object.keys(errors).length > 0 ? { errors } : {}),
  };
  return {
    status,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify(problem),
  };
}
