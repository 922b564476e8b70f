/** The Program API part of a world: collections keyed by id, plus the tokens of its actors. */
import { Collection } from '../collection.js';
import type {
  Account,
  Actor,
  Buyer,
  Licensee,
  Role,
  StoredCertificate,
  StoredEnrollment,
  StoredAttachment,
  StoredDocument,
  StoredFile,
  StoredMedia,
  StoredParameter,
  StoredParameterGroup,
  StoredProgram,
  StoredTemplate,
  StoredTerms,
  StoredVariant,
  UserRef,
} from './model.js';

/** The program sub-resources, each a collection of its own (see resources.ts). */
export interface SubResourceStores {
  templates: Map<string, StoredTemplate>;
  parameters: Map<string, StoredParameter>;
  parameterGroups: Map<string, StoredParameterGroup>;
  documents: Map<string, StoredDocument>;
  media: Map<string, StoredMedia>;
  terms: Map<string, StoredTerms>;
  variants: Map<string, StoredVariant>;
  attachments: Map<string, StoredAttachment>;
}

export interface ProgramState extends SubResourceStores {
  accounts: Map<string, Account>;
  users: Map<string, UserRef>;
  buyers: Map<string, Buyer>;
  licensees: Map<string, Licensee>;
  tokens: Map<string, Actor>;
  programs: Map<string, StoredProgram>;
  certificates: Map<string, StoredCertificate>;
  enrollments: Map<string, StoredEnrollment>;
  /** Uploaded files by owner id (a program's icon by the program's id). */
  files: Map<string, StoredFile>;
  /**
   * The earliest day on which the clock changes a certificate (an Active one expires, an Expired
   * one is terminated by `terminateOnExpiration`): undefined when none will, null when unknown
   * after a write. Lets the per-request sweep skip the scan until the clock reaches it.
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
  templates?: StoredTemplate[];
  parameters?: StoredParameter[];
  parameterGroups?: StoredParameterGroup[];
  documents?: StoredDocument[];
  media?: StoredMedia[];
  terms?: StoredTerms[];
  variants?: StoredVariant[];
  attachments?: StoredAttachment[];
  files?: StoredFile[];
  /**
   * Arrays in a JSON fixture; in code, any iterable (a generator builds a large fixture one
   * certificate at a time instead of holding them all). Read once.
   */
  certificates?: Iterable<StoredCertificate>;
  enrollments?: Iterable<StoredEnrollment>;
}

/** What certificate lists are filtered by most: the role scoping, the program, the status. */
export const certificateIndexes = [
  ['client', 'id'],
  ['vendor', 'id'],
  ['program', 'id'],
  ['status'],
];
/** What certificate lists are ordered by most, kept sorted. */
export const certificateOrders = [['expirationDate']];

export function emptyProgramState(): ProgramState {
  const store = <V>() => new Collection<V>();
  return {
    accounts: store(),
    users: store(),
    buyers: store(),
    licensees: store(),
    tokens: store(),
    programs: store(),
    templates: store(),
    parameters: store(),
    parameterGroups: store(),
    documents: store(),
    media: store(),
    terms: store(),
    variants: store(),
    attachments: store(),
    files: store(),
    certificates: new Collection(certificateIndexes, certificateOrders),
    enrollments: store(),
    nextExpiry: null,
  };
}
