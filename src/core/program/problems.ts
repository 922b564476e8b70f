/**
 * The Program API's error catalogue: every `ProblemCode` of the spec with its status and
 * whether it is a business rule (src/apis/program/problems.ts writes them as problem details).
 * `satisfies Record<ProblemCode, …>` makes a code added to the spec fail compilation until it
 * is listed here.
 */
import type { ProblemCode } from './model.js';

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
