/**
 * Rule and transition coverage: every rule and every lifecycle transition of both APIs has a
 * stable id, derived from the lifecycle tables and the error catalogues (so a transition or a
 * rule added there has its id at once), and a world counts how often each one fired. The same
 * ids are the kit's mutation points: a test-only option switches one rule off or makes one
 * clock-driven transition a day late, so the explorer's proof that it can fail is built from
 * this table.
 */
import { partnerErrors, type PartnerErrorCode } from './partner/errors.js';
import type { SettableQualification } from './partner/state.js';
import {
  certificateTransitions,
  contentTransitions,
  enrollmentTransitions,
  programTransitions,
  templateTransitions,
} from './program/lifecycle.js';
import type { ProblemCode } from './program/model.js';
import { problemCatalogue } from './program/problems.js';

// ---------------------------------------------------------------- the ids, as types

/** Objects are created in these statuses (`new->...`): the lifecycle tables start after it. */
const creations = {
  certificate: ['Pending', 'Active'],
  enrollment: ['Draft'],
  program: ['Draft'],
} as const;

const programTables = {
  certificate: certificateTransitions,
  enrollment: enrollmentTransitions,
  program: programTransitions,
  template: templateTransitions,
  content: contentTransitions,
} as const;
type ProgramTables = typeof programTables;

type Edges<Name extends string, T> = {
  [F in keyof T & string]: { [E in keyof T[F]]: `${Name}:${F}->${T[F][E] & string}` }[keyof T[F]];
}[keyof T & string];
type Created = {
  [O in keyof typeof creations]: `program.${O}:new->${(typeof creations)[O][number]}`;
}[keyof typeof creations];
type ProgramTransitionId =
  | { [O in keyof ProgramTables]: Edges<`program.${O}`, ProgramTables[O]> }[keyof ProgramTables]
  | Created;

type RuleCode = {
  [C in ProblemCode]: (typeof problemCatalogue)[C][1] extends 'rule' ? C : never;
}[ProblemCode];

type PartnerRuleCode = {
  [C in PartnerErrorCode]: (typeof partnerErrors)[C]['kind'] extends 'rule' ? C : never;
}[PartnerErrorCode];

/**
 * A customer qualification's lifecycle: Education is vetted (and may be asked for again once
 * Denied), GovernmentCommunityCloud is Approved at once, StateOwnedEntity is simply held.
 */
export const qualificationTransitions = {
  Education: { new: ['InReview'], InReview: ['Approved', 'Denied'], Denied: ['InReview'] },
  GovernmentCommunityCloud: { new: ['Approved'] },
  StateOwnedEntity: { new: ['Held'] },
} as const satisfies Record<SettableQualification, Record<string, readonly string[]>>;
type QualificationTables = typeof qualificationTransitions;
type PartnerTransitionId = {
  [Q in keyof QualificationTables]: {
    [
      F in keyof QualificationTables[Q] & string
    ]: `partner.${Q}:${F}->${QualificationTables[Q][F] extends readonly (infer S extends string)[] ? S : never}`;
  }[keyof QualificationTables[Q] & string];
}[keyof QualificationTables];

/** Partner Center's rules that answer no error: what a success must also do. */
const partnerEffects = {
  'gcc-code-consumed': 'a GovernmentCommunityCloud qualification uses one of its code’s creates',
  'request-id-replayed': 'a retry with the same MS-RequestId is answered with the first answer',
} as const;

export type TransitionId = ProgramTransitionId | PartnerTransitionId;
export type RuleId =
  | `program.rule:${RuleCode}`
  | `partner.rule:${PartnerRuleCode}`
  | `partner.rule:${keyof typeof partnerEffects}`;
export type CoverageId = TransitionId | RuleId;

// ---------------------------------------------------------------- the ids, as data

export interface CoverageEntry {
  id: CoverageId;
  api: 'program-api' | 'partner-center';
  kind: 'transition' | 'rule';
  /** What the rule says (rules), or the object whose lifecycle it is (transitions). */
  about: string;
  count: number;
}

type Known = Omit<CoverageEntry, 'count'>;
const known: Known[] = [];
const add = (id: string, api: Known['api'], kind: Known['kind'], about: string) =>
  known.push({ id: id as CoverageId, api, kind, about });

/** `transitionIds.certificate[from][to]`: a write finds its id without building a string. */
export const transitionIds = {} as {
  -readonly [O in keyof ProgramTables]: Record<
    string,
    Record<string, CoverageId | undefined> | undefined
  >;
};
for (const [object, table] of Object.entries(programTables) as [
  keyof ProgramTables,
  Record<string, Record<string, string>>,
][]) {
  const ids: Record<string, Record<string, CoverageId | undefined>> = {};
  const edge = (from: string, to: string) => {
    const id = `program.${object}:${from}->${to}`;
    (ids[from] ??= {})[to] = id as CoverageId;
    add(id, 'program-api', 'transition', object);
  };
  for (const to of (creations as Record<string, readonly string[]>)[object] ?? []) edge('new', to);
  for (const [from, events] of Object.entries(table))
    for (const to of Object.values(events)) edge(from, to);
  transitionIds[object] = ids;
}
for (const [qualification, table] of Object.entries(qualificationTransitions))
  for (const [from, targets] of Object.entries(table as Record<string, readonly string[]>))
    for (const to of targets)
      add(`partner.${qualification}:${from}->${to}`, 'partner-center', 'transition', qualification);

/** The rule id of each Program API problem code that is a rule (undefined: a protocol error). */
export const programRuleIds: Partial<Record<ProblemCode, CoverageId>> = {};
for (const [code, [, kind]] of Object.entries(problemCatalogue))
  if (kind === 'rule') {
    programRuleIds[code as ProblemCode] = `program.rule:${code}` as CoverageId;
    add(`program.rule:${code}`, 'program-api', 'rule', code);
  }

/** The rule id of each Partner Center error number that is a rule. */
export const partnerRuleIds: Partial<Record<number, CoverageId>> = {};
for (const [code, { kind }] of Object.entries(partnerErrors))
  if (kind === 'rule') {
    partnerRuleIds[Number(code)] = `partner.rule:${code}` as CoverageId;
    add(
      `partner.rule:${code}`,
      'partner-center',
      'rule',
      partnerErrors[Number(code) as PartnerErrorCode].description,
    );
  }
for (const [name, about] of Object.entries(partnerEffects))
  add(`partner.rule:${name}`, 'partner-center', 'rule', about);

/** Every id, in a stable order: the transitions of both APIs, then their rules. */
export const coverageIds: readonly Known[] = known;
export const isCoverageId = (id: unknown): id is CoverageId =>
  typeof id === 'string' && known.some((k) => k.id === id);

/**
 * The ids a mutant can name (`mutant` of createKit, for tests only), and what it changes: a
 * rule is not applied, a clock-driven transition fires a day late. The explorer's own tests
 * prove that each of these mutants is caught.
 */
export const mutationPoints = {
  'program.rule:CertificateTerminated': 'a Terminated certificate can be re-enrolled',
  'program.rule:CertificateNotActive': 'a certificate that is not Active can be terminated',
  'program.rule:ProgramNotPublished': 'enrollments are accepted for a program not Published',
  'program.certificate:Active->Expired': 'a certificate expires a day late',
  'program.certificate:Expired->Terminated': 'terminateOnExpiration acts a day late',
  'partner.rule:900130': 'a customer may hold both Education and GovernmentCommunityCloud',
  'partner.rule:gcc-code-consumed': 'a GovernmentCommunityCloud qualification uses no create',
  'partner.rule:request-id-replayed': 'a retry with the same MS-RequestId runs again',
} as const satisfies Partial<Record<CoverageId, string>>;
export type MutationPoint = keyof typeof mutationPoints;

// ---------------------------------------------------------------- counting

/** A world's counters (kept across resets) and its mutant, if a test asked for one. */
export class Coverage {
  private counts: Record<string, number> = {};

  constructor(readonly mutant?: MutationPoint) {
    this.clear();
  }

  /** Counts one firing: an increment, nothing allocated (requests pass here). */
  hit(id: CoverageId | undefined): void {
    if (id !== undefined) this.counts[id]!++;
  }

  /** Whether the mutant of this kit changes the rule or transition `id`. */
  mutated(id: MutationPoint): boolean {
    return this.mutant === id;
  }

  table(): CoverageEntry[] {
    return known.map((entry) => ({ ...entry, count: this.counts[entry.id]! }));
  }

  clear(): void {
    const counts: Record<string, number> = {};
    for (const { id } of known) counts[id] = 0;
    this.counts = counts;
  }
}
