/**
 * The one function that turns a refusal (pipeline or domain) into the Partner Center error body
 * `{code, description, data, source}`, from the catalogue (src/core/partner/errors.ts). The
 * `satisfies` clause makes a pipeline failure added to `PipelineCode` fail compilation until it
 * is mapped here.
 */
import {
  partnerErrors,
  type ErrorEntry,
  type PartnerErrorCode,
} from '../../core/partner/errors.js';
import type { Refusal } from '../../core/problem.js';
import type { PipelineCode } from '../../http/pipeline.js';
import { json, type KitResponse } from '../../http/types.js';

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
