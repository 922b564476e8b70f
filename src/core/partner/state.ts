/** The Partner Center part of a world. */
import type { components } from '../../generated/partner-center.js';
import { BoundedMap } from '../bounded.js';
import { Collection, forkOf } from '../collection.js';

type Schemas = components['schemas'];
export type Customer = Schemas['Customer'];
export type CustomerQualification = Schemas['CustomerQualification'];
export type QualificationName = Schemas['Qualification'];
/** The qualifications a partner can request; the other values of the enumeration cannot be set. */
export type SettableQualification = Extract<
  QualificationName,
  'Education' | 'GovernmentCommunityCloud' | 'StateOwnedEntity'
>;
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

/** An answer kept for replay: what a retry of the same request gets back. */
export interface RememberedAnswer {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

/**
 * A write remembered under its `MS-RequestId`: the request it was (method, path, query and body,
 * as one string) and the answer it got. Kept as plain data in the state, so that the state
 * file carries it across a restart.
 */
export interface RememberedRequest {
  token: string;
  requestId: string;
  request: string;
  answer: RememberedAnswer;
}

/** Writes remembered at most (oldest dropped). */
export const DEFAULT_REMEMBERED_REQUESTS = 5000;

export interface PartnerState {
  tokens: Map<string, PartnerActor>;
  customers: Map<string, CustomerRecord>;
  validationCodes: Map<string, ValidationCode>;
  /** Remembered writes by token and `MS-RequestId` (see `requestKey`). */
  requests: BoundedMap<string, RememberedRequest>;
  /**
   * How many header ids (`MS-RequestId`, `MS-CorrelationId`, `MS-CV`) were generated so far: the
   * position in their sequence, carried over a reset and a restart so none repeats.
   */
  headerIds: number;
}

export const requestKey = (token: string, requestId: string) => `${token}\n${requestId}`;

/** The Partner Center section of a seed fixture (also the persisted form of the state). */
export interface PartnerSeed {
  tokens?: { token: string; role: PartnerRole; name?: string }[];
  customers?: (Customer & {
    qualifications?: CustomerQualification[];
    educationRequests?: number;
  })[];
  validationCodes?: ValidationCode[];
  /** Remembered writes, oldest first (a saved state carries them; a fixture rarely does). */
  requests?: RememberedRequest[];
  /** Position in the sequence of generated header ids (see `PartnerState.headerIds`). */
  headerIds?: number;
}

export function emptyPartnerState(rememberedRequests = DEFAULT_REMEMBERED_REQUESTS): PartnerState {
  return {
    tokens: new Collection(),
    customers: new Collection(),
    validationCodes: new Collection(),
    requests: new BoundedMap(rememberedRequests),
    headerIds: 0,
  };
}

/**
 * A state with the same contents in constant time: its collections are forks (copy on write;
 * records and codes are never changed in place), the remembered writes a copy (few, bounded).
 */
export function forkPartnerState(state: PartnerState): PartnerState {
  const requests = new BoundedMap<string, RememberedRequest>(state.requests.capacity);
  for (const [key, value] of state.requests.pairs()) requests.set(key, value);
  return {
    tokens: forkOf(state.tokens),
    customers: forkOf(state.customers),
    validationCodes: forkOf(state.validationCodes),
    requests,
    headerIds: state.headerIds,
  };
}
