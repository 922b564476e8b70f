/** The Program API part of a world: plain maps keyed by id, plus the tokens of its actors. */
import type {
  Account,
  Actor,
  Buyer,
  Licensee,
  Role,
  StoredCertificate,
  StoredEnrollment,
  StoredProgram,
  UserRef,
} from './model.js';

export interface ProgramState {
  accounts: Map<string, Account>;
  users: Map<string, UserRef>;
  buyers: Map<string, Buyer>;
  licensees: Map<string, Licensee>;
  tokens: Map<string, Actor>;
  programs: Map<string, StoredProgram>;
  certificates: Map<string, StoredCertificate>;
  enrollments: Map<string, StoredEnrollment>;
  /**
   * The earliest `expirationDate` among Active certificates (undefined: none, or unknown after a
   * write). Lets the per-request expiry sweep skip the scan until the clock reaches it.
   */
  nextExpiry: string | undefined | null;
}

/** The Program API section of a seed fixture (also the persisted form of the state). */
export interface ProgramSeed {
  accounts?: Account[];
  users?: UserRef[];
  buyers?: Buyer[];
  licensees?: Licensee[];
  tokens?: { token: string; role: Role; user: string; account?: string }[];
  programs?: StoredProgram[];
  /**
   * Arrays in a JSON fixture; in code, any iterable (a generator builds a large fixture one
   * certificate at a time instead of holding them all). Read once.
   */
  certificates?: Iterable<StoredCertificate>;
  enrollments?: Iterable<StoredEnrollment>;
}

export function emptyProgramState(): ProgramState {
  return {
    accounts: new Map(),
    users: new Map(),
    buyers: new Map(),
    licensees: new Map(),
    tokens: new Map(),
    programs: new Map(),
    certificates: new Map(),
    enrollments: new Map(),
    nextExpiry: null,
  };
}
