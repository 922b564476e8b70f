/** Program API objects as the spec defines them (generated types), plus the kit's actors. */
import type { components } from '../../generated/program-api.js';

type Schemas = components['schemas'];
export type Certificate = Schemas['Certificate'];
export type CertificateStatus = Schemas['CertificateStatus'];
export type Enrollment = Schemas['Enrollment'];
export type EnrollmentStatus = Schemas['EnrollmentStatus'];
export type Program = Schemas['Program'];
export type ProgramStatus = Schemas['ProgramStatus'];
export type ProgramParameter = Schemas['ProgramParameter'];
export type ProgramTemplate = Schemas['ProgramTemplate'];
export type OrderParameter = Schemas['OrderParameter'];
export type Audit = Schemas['Audit'];
export type AuditEvent = Schemas['AuditEvent'];
export type UserRef = Schemas['UserRef'];
export type AccountRef = Schemas['AccountRef'];
export type BuyerRef = Schemas['BuyerRef'];
export type LicenseeRef = Schemas['LicenseeRef'];
export type StatusNotes = Schemas['StatusNotes'];
export type ProblemCode = Schemas['ProblemCode'];
export type Problem = Schemas['Problem'];
export type CertificateCreate = Schemas['CertificateCreate'];
export type CertificateUpdate = Schemas['CertificateUpdate'];
export type CertificateTerminate = Schemas['CertificateTerminate'];
export type EnrollmentCreate = Schemas['EnrollmentCreate'];
export type EnrollmentQuery = Schemas['EnrollmentQuery'];
export type EnrollmentComplete = Schemas['EnrollmentComplete'];
export type EnrollmentFail = Schemas['EnrollmentFail'];
export type ProgramCreate = Schemas['ProgramCreate'];
export type ProgramUpdate = Schemas['ProgramUpdate'];
export type ParametersInput = Schemas['ParametersInput'];

export type Role = 'operations' | 'vendor' | 'client';

/** Who is calling: resolved from the bearer token. */
export interface Actor {
  role: Role;
  user: UserRef;
  /** The vendor or client account behind the token; operations act for no account. */
  account?: AccountRef;
}

/** Accounts, buyers and licensees the world knows (the Accounts API is not mocked). */
export interface Account extends AccountRef {
  type: 'Vendor' | 'Client' | 'Operations';
}
export interface Buyer extends BuyerRef {
  /** The client account the buyer belongs to. */
  client: string;
}
export interface Licensee extends LicenseeRef {
  client: string;
}

/** A stored object always has these, whatever `select` later trims. */
export type Stored<T, K extends keyof T> = T & Required<Pick<T, K>>;
export type StoredCertificate = Stored<
  Certificate,
  | 'href'
  | 'name'
  | 'program'
  | 'client'
  | 'applicableTo'
  | 'status'
  | 'parameters'
  | 'audit'
  | 'eligibility'
  | 'externalIds'
>;
export type StoredEnrollment = Stored<
  Enrollment,
  | 'href'
  | 'type'
  | 'status'
  | 'program'
  | 'certificate'
  | 'client'
  | 'applicableTo'
  | 'parameters'
  | 'audit'
>;
export type StoredProgram = Stored<
  Program,
  | 'href'
  | 'name'
  | 'status'
  | 'applicableTo'
  | 'eligibility'
  | 'vendor'
  | 'settings'
  | 'parameters'
  | 'templates'
  | 'audit'
>;
