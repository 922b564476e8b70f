/**
 * What every Program API rule module shares: the call context, refusals, references in the
 * vendor's shapes, visibility, and `save`, the one way a changed object is written (it raises
 * `revision` and stamps the audit trail).
 */
import { utcDate } from '../clock.js';
import type { Coverage } from '../coverage.js';
import type { IdGenerator } from '../ids.js';
import { Refusal } from '../problem.js';
import type {
  Account,
  AccountRef,
  Actor,
  Audit,
  Buyer,
  BuyerRef,
  Licensee,
  LicenseeRef,
  ProblemCode,
  ProgramRef,
  StoredProgram,
  StoredTemplate,
  TemplateRef,
} from './model.js';
import type { ProgramState } from './state.js';

export interface Context {
  state: ProgramState;
  actor: Actor;
  now: Date;
  ids: IdGenerator;
  coverage: Coverage;
}

export type Fields = Record<string, string[]>;
export const refuse = (code: ProblemCode, detail: string, fields?: Fields) =>
  new Refusal<ProblemCode>(code, detail, fields);

export const paths = {
  certificate: (id: string) => `/v1/program/certificates/${id}`,
  enrollment: (id: string) => `/v1/program/enrollments/${id}`,
  program: (id: string) => `/v1/program/programs/${id}`,
  sub: (programId: string, segment: string, id: string) =>
    `/v1/program/programs/${programId}/${segment}/${id}`,
  account: (id: string) => `/v1/accounts/accounts/${id}`,
  buyer: (id: string) => `/v1/accounts/buyers/${id}`,
  licensee: (id: string) => `/v1/accounts/licensees/${id}`,
};

export const ONE_YEAR_DAYS = 365;
export const addDays = (date: Date, days: number) =>
  utcDate(new Date(date.getTime() + days * 86_400_000));

/** `null` in a body means the same as a member left out (many generated clients send nulls). */
export const given = <T>(value: T | null | undefined): value is T =>
  value !== undefined && value !== null;

/** The members of a body that were given (not absent, not null), for a partial update. */
export function pick(input: Record<string, unknown>, keys: readonly string[]) {
  const out: Record<string, unknown> = {};
  for (const key of keys) if (given(input[key])) out[key] = input[key];
  return out;
}

// ---------------------------------------------------------------- writing

export function stamp(ctx: Context, audit: Audit, ...events: string[]): Audit {
  const event = { at: ctx.now.toISOString(), by: ctx.actor.user };
  const next: Audit = { ...audit };
  for (const name of events) next[name] = event;
  next.updated = event;
  return next;
}

/**
 * Writes a changed copy of a stored object: `revision` (where the object has one) counts the
 * change, `updated` (and the
 * named events) are stamped. Stored objects are never changed in place.
 */
export function save<T extends { id: string; revision?: number; audit?: Audit }>(
  ctx: Context,
  store: Map<string, T>,
  next: T,
  ...events: string[]
): T {
  const previous = store.get(next.id);
  const saved: T = {
    ...next,
    // Certificates, enrollments and programs count their changes; sub-resources do not.
    ...('revision' in next ? { revision: (previous?.revision ?? 0) + 1 } : {}),
    audit: stamp(ctx, next.audit ?? {}, ...events),
  };
  store.set(saved.id, saved);
  return saved;
}

// ---------------------------------------------------------------- references

export function accountRef(account: Account): AccountRef {
  return {
    id: account.id,
    href: paths.account(account.id),
    name: account.name,
    ...(account.icon ? { icon: account.icon } : {}),
    revision: account.revision ?? 1,
    type: account.type,
    status: account.status,
  };
}

export function programRef(program: StoredProgram): ProgramRef {
  return {
    id: program.id,
    href: program.href,
    name: program.name,
    revision: program.revision,
    ...(program.icon ? { icon: program.icon } : {}),
    status: program.status,
    applicableTo: program.applicableTo,
    ...(program.vendor ? { vendor: program.vendor } : {}),
  };
}

/**
 * A buyer as certificates and enrollments carry it: with its client `account` and, when the
 * fixture gives one, its `address` (what the mobile app selects: `buyer.address`).
 */
export const buyerRef = (buyer: Buyer, account: AccountRef): BuyerRef => ({
  id: buyer.id,
  href: paths.buyer(buyer.id),
  name: buyer.name,
  revision: 1,
  account,
  ...(buyer.address !== undefined ? { address: buyer.address } : {}),
});

/** A licensee as certificates and enrollments carry it (`licensee.account.id`, `licensee.address`). */
export const licenseeRef = (licensee: Licensee, account: AccountRef): LicenseeRef => ({
  id: licensee.id,
  href: paths.licensee(licensee.id),
  name: licensee.name,
  ...(licensee.externalId ? { externalId: licensee.externalId } : {}),
  revision: 1,
  account,
  ...(licensee.address !== undefined ? { address: licensee.address } : {}),
});

export const templateRef = (template: StoredTemplate): TemplateRef => ({
  id: template.id,
  href: template.href,
  name: template.name,
  type: template.type,
});

export function reference(field: string, id: string, what: string): Refusal<ProblemCode> {
  return refuse('ReferenceNotFound', `${what} ${id} does not exist or is not visible to you.`, {
    [field]: [`${what} ${id} was not found.`],
  });
}

export const notFound = (what: string, id: string) =>
  refuse('NotFound', `${what} ${id} was not found.`);

// ---------------------------------------------------------------- visibility

export function canSeeProgram(actor: Actor, program: StoredProgram): boolean {
  switch (actor.role) {
    case 'operations':
      return true;
    case 'vendor':
      return program.vendor.id === actor.account?.id;
    case 'client':
      return program.status === 'Published';
    default:
      return actor.role satisfies never;
  }
}

export function findProgram(ctx: Context, id: string): StoredProgram {
  const program = ctx.state.programs.get(id);
  if (!program || !canSeeProgram(ctx.actor, program)) throw notFound('Program', id);
  return program;
}

/** The program's active templates of a type, the default first. */
export function templatesOf(state: ProgramState, programId: string, type?: string) {
  const found: StoredTemplate[] = [];
  for (const template of state.templates.values()) {
    if (template.program.id !== programId || template.status !== 'Active') continue;
    if (type === undefined || template.type === type) found.push(template);
  }
  return found.sort((a, b) => Number(b.default) - Number(a.default) || (a.id < b.id ? -1 : 1));
}

/** A template of the program named in a body (`template.id`), or a 400 that names the field. */
export function templateOfProgram(ctx: Context, programId: string, id: string, field: string) {
  const template = ctx.state.templates.get(id);
  if (!template || template.program.id !== programId || template.status !== 'Active')
    throw reference(field, id, 'Template');
  return template;
}
