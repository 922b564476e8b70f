/**
 * The one function that turns a Program API refusal into problem details as ASP.NET writes
 * them, from the catalogue's status and kind (src/core/program/problems.ts).
 */
import type { Problem, ProblemCode } from '../../core/program/model.js';
import { problemCatalogue } from '../../core/program/problems.js';
import type { KitResponse } from '../../http/types.js';

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
