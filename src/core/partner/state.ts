/** The Partner Center part of a world. */
import type { components } from '../../generated/partner-center.js';

type Schemas = components['schemas'];
export type Customer = Schemas['Customer'];
export type CustomerQualification = Schemas['CustomerQualification'];
export type QualificationName = Schemas['Qualification'];
export type ValidationCode = Schemas['ValidationCode'];
export type PartnerRole = 'partner' | 'reader';

export interface PartnerActor {
  role: PartnerRole;
  name: string;
}

export interface CustomerRecord {
  customer: Customer;
  qualifications: CustomerQualification[];
  /** Education verification requests made so far (at most 3 are allowed). */
  educationRequests: number;
}

export interface PartnerState {
  tokens: Map<string, PartnerActor>;
  customers: Map<string, CustomerRecord>;
  validationCodes: Map<string, ValidationCode>;
}

/** The Partner Center section of a seed fixture (also the persisted form of the state). */
export interface PartnerSeed {
  tokens?: { token: string; role: PartnerRole; name?: string }[];
  customers?: (Customer & {
    qualifications?: CustomerQualification[];
    educationRequests?: number;
  })[];
  validationCodes?: ValidationCode[];
}

export function emptyPartnerState(): PartnerState {
  return { tokens: new Map(), customers: new Map(), validationCodes: new Map() };
}
