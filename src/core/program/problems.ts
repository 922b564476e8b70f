/**
 * The Program API's error catalogue: every `ProblemCode` of the spec with its status and
 * whether it is a business rule, and the one function that turns a refusal into problem details
 * as ASP.NET writes them. `satisfies Record<ProblemCode, …>` makes a code added to the spec fail
 * compilation until it is listed here.
 */
import type { KitResponse } from '../../http/types.js';
import type { Problem, ProblemCode } from './model.js';

type Kind = 'protocol' | 'rule';
export const problemCatalogue = {
  InvalidJson: [400, 'protocol'],
  ValidationFailed: [400, 'protocol'],
  InvalidQuery: [400, 'protocol'],
  ReferenceNotFound: [400, 'rule'],
  ProgramNotPublished: [400, 'rule'],
  CertificateTerminated: [400, 'rule'],
  CertificateNotReenrollable: [400, 'rule'],
  CertificateNotActive: [400, 'rule'],
  BuyerRequired: [400, 'rule'],
  LicenseeRequired: [400, 'rule'],
  ApplicableToMismatch: [400, 'rule'],
  ParameterRequired: [400, 'rule'],
  EnrollmentTransitionNotAllowed: [400, 'rule'],
  ProgramTransitionNotAllowed: [400, 'rule'],
  TemplateDefault: [400, 'rule'],
  ParameterGroupInUse: [400, 'rule'],
  DuplicateExternalId: [400, 'rule'],
  SubResourceTransitionNotAllowed: [400, 'rule'],
  FileRequired: [400, 'protocol'],
  Unauthorized: [401, 'protocol'],
  Forbidden: [403, 'protocol'],
  NotFound: [404, 'protocol'],
  MethodNotAllowed: [405, 'protocol'],
  PayloadTooLarge: [413, 'protocol'],
  UnsupportedMediaType: [415, 'protocol'],
  RequestHeadersTooLarge: [431, 'protocol'],
  TooManyRequests: [429, 'protocol'],
  ServiceUnavailable: [503, 'protocol'],
  InsufficientStorage: [507, 'protocol'],
  InternalError: [500, 'protocol'],
} as const satisfies Record<ProblemCode, readonly [number, Kind]>;

/** Reason phrases (RFC 9110), which ASP.NET uses as the problem's `title`. */
const reasonPhrase: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  507: 'Insufficient Storage',
};

const rfc9110 = 'https://tools.ietf.org/html/rfc9110#section-';
const statusType: Record<number, string> = {
  400: `${rfc9110}15.5.1`,
  401: `${rfc9110}15.5.2`,
  403: `${rfc9110}15.5.4`,
  404: `${rfc9110}15.5.5`,
  405: `${rfc9110}15.5.6`,
  413: `${rfc9110}15.5.14`,
  415: `${rfc9110}15.5.16`,
  429: 'https://tools.ietf.org/html/rfc6585#section-4',
  431: 'https://tools.ietf.org/html/rfc6585#section-5',
  500: `${rfc9110}15.6.1`,
  503: `${rfc9110}15.6.4`,
  507: 'https://tools.ietf.org/html/rfc4918#section-11.5',
};

/** The `type` of a business-rule problem: one URN per rule, stable across releases. */
export const ruleType = (code: ProblemCode) => `urn:eligibility-mock-kit:problem:${code}`;

export function problemResponse(
  code: ProblemCode,
  detail: string,
  traceId: string,
  errors?: Record<string, string[]>,
): KitResponse {
  const [status, kind] = problemCatalogue[code];
  const problem: Problem = {
    type: kind === 'rule' ? ruleType(code) : (statusType[status] ?? 'about:blank'),
    title: reasonPhrase[status] ?? 'Error',
    status,
    detail,
    traceId,
    code,
    ...(errors && Object.keys(errors).length > 0 ? { errors } : {}),
  };
  return {
    status,
    headers: {
      'content-type': 'application/problem+json',
      ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
    },
    body: JSON.stringify(problem),
  };
}
