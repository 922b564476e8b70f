/** Program API objects as the spec defines them (generated types), plus the kit's actors. */
import type { components } from '../../generated/program-api.js';

type Schemas = components['schemas'];
export type Certificate = Schemas['Certificate'];
export type CertificateStatus = Schemas['CertificateStatus'];
export type Enrollment = Schemas['Enrollment'];
export type EnrollmentStatus = Schemas['EnrollmentStatus'];
export type Program = Schemas['Program'];
export type ProgramStatus = Schemas['ProgramStatus'];
export type ProgramSettings = Schemas['ProgramSettings'];
export type ProgramTemplate = Schemas['ProgramTemplate'];
export type ProgramParameter = Schemas['ProgramParameter'];
export type ProgramParameterGroup = Schemas['ProgramParameterGroup'];
export type TemplateType = Schemas['TemplateType'];
export type ProgramDocument = Schemas['ProgramDocument'];
export type ProgramMedia = Schemas['ProgramMedia'];
export type ProgramTerms = Schemas['ProgramTerms'];
export type ProgramTermsVariant = Schemas['ProgramTermsVariant'];
export type EnrollmentAttachment = Schemas['EnrollmentAttachment'];
export type CertificateTerms = Schemas['CertificateTerms'];
export type ParameterValue = Schemas['ParameterValue'];
export type ParameterPhase = Schemas['ParameterPhase'];
export type Message = Schemas['Message'];
export type Audit = Schemas['Audit'];
export type UserRef = Schemas['UserRef'];
export type AccountRef = Schemas['AccountRef'];
export type BuyerRef = Schemas['BuyerRef'];
export type LicenseeRef = Schemas['LicenseeRef'];
export type ProgramRef = Schemas['ProgramRef'];
export type TemplateRef = Schemas['TemplateRef'];
export type ProblemCode = Schemas['ProblemCode'];
export type Problem = Schemas['Problem'];
export type CertificateCreate = Schemas['CertificateCreate'];
export type CertificateUpdate = Schemas['CertificateUpdate'];
export type CertificateTerminate = Schemas['CertificateTerminate'];
export type EnrollmentCreate = Schemas['EnrollmentCreate'];
export type EnrollmentUpdate = Schemas['EnrollmentUpdate'];
export type EnrollmentQuery = Schemas['EnrollmentQuery'];
export type EnrollmentProcess = Schemas['EnrollmentProcess'];
export type EnrollmentComplete = Schemas['EnrollmentComplete'];
export type EnrollmentFail = Schemas['EnrollmentFail'];
export type ProgramCreate = Schemas['ProgramCreate'];
export type ProgramUpdate = Schemas['ProgramUpdate'];
export type ProgramSettingsUpdate = Schemas['ProgramSettingsUpdate'];
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
  name: string;
  type: 'Vendor' | 'Client' | 'Operations';
  status: 'Active' | 'Enabled' | 'Disabled';
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
  | 'revision'
  | 'program'
  | 'vendor'
  | 'client'
  | 'applicableTo'
  | 'status'
  | 'parameters'
  | 'terms'
  | 'audit'
  | 'eligibility'
  | 'externalIds'
>;
export type StoredEnrollment = Stored<
  Enrollment,
  | 'href'
  | 'revision'
  | 'type'
  | 'status'
  | 'program'
  | 'vendor'
  | 'certificate'
  | 'applicableTo'
  | 'eligibility'
  | 'parameters'
  | 'audit'
>;
export type StoredProgram = Stored<
  Program,
  | 'href'
  | 'name'
  | 'revision'
  | 'status'
  | 'applicableTo'
  | 'eligibility'
  | 'products'
  | 'vendor'
  | 'settings'
  | 'statistics'
  | 'audit'
> & { settings: Required<ProgramSettings> };
export type StoredTemplate = Stored<
  ProgramTemplate,
  'href' | 'name' | 'content' | 'default' | 'type' | 'status' | 'program' | 'audit'
>;
export type StoredParameter = Stored<
  ProgramParameter,
  'href' | 'name' | 'phase' | 'type' | 'constraints' | 'status' | 'program' | 'audit'
>;
export type StoredParameterGroup = Stored<
  ProgramParameterGroup,
  'href' | 'name' | 'default' | 'parameterCount' | 'program' | 'audit'
>;
export type StoredDocument = Stored<
  ProgramDocument,
  'href' | 'name' | 'type' | 'status' | 'url' | 'program' | 'audit'
>;
export type StoredMedia = Stored<
  ProgramMedia,
  'href' | 'name' | 'type' | 'status' | 'url' | 'program' | 'audit'
>;
export type StoredTerms = Stored<
  ProgramTerms,
  'href' | 'name' | 'displayOrder' | 'status' | 'program' | 'audit'
>;
export type StoredVariant = Stored<
  ProgramTermsVariant,
  'href' | 'name' | 'type' | 'status' | 'programTermsAndConditions' | 'audit'
> & {
  /** The program of the terms (kit bookkeeping, answered as the vendor's docs show it). */
  program: ProgramRef;
};
export type StoredAttachment = Stored<
  EnrollmentAttachment,
  'href' | 'name' | 'type' | 'enrollment' | 'audit'
>;

/** An uploaded file, kept apart from the object that describes it (base64: the state is JSON). */
export interface StoredFile {
  /** The object the file belongs to (document, media, variant, attachment, or a program's icon). */
  owner: string;
  filename: string;
  contentType: string;
  size: number;
  base64: string;
}
