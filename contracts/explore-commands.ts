/**
 * The explorer's commands, drawn from the kit's own model: every event of the lifecycle tables
 * that an API call drives (certificates, enrollments, programs, program content), tried from
 * every status the table names (so refused moves are tried as often as allowed ones), the
 * creations, the reads, the program settings that act, the virtual clock, and Partner Center's
 * qualification rules (vetting, validation codes, MS-RequestId retries). A command picks its
 * object from the in-process kit's current state ("the 2nd certificate that is Terminated"),
 * so fast-check's shrinking keeps it meaningful.
 */
import fc from 'fast-check';
import type { Kit } from '../src/kit.js';
import { isRecord, type ApiName } from '../src/schema/index.js';
import {
  certificateTransitions,
  contentTransitions,
  enrollmentTransitions,
  programTransitions,
  type CertificateEvent,
  type ContentEvent,
  type EnrollmentEvent,
  type ProgramEvent,
} from '../src/core/program/lifecycle.js';
import type { Request, Role } from './types.js';

/** What a command can see while it builds its request: the kit's state, the last write. */
export interface Scene {
  kit: Kit;
  /** The last Partner Center write sent (for retries with the same MS-RequestId). */
  lastWrite?: Request;
}

export interface CommandDef<A = unknown> {
  name: string;
  /** Changes data (left out of read-only runs). */
  writes: boolean;
  /** Needs the target's control API. */
  control?: boolean;
  /** How often it is drawn, against 1 for the others. */
  weight?: number;
  args: fc.Arbitrary<A>;
  /** The request, or undefined when the state holds nothing to act on. */
  build(scene: Scene, args: A): Request | undefined;
  /** Reads sent right after it, so that what it changed is compared at once. */
  then?: (request: Request, apis: readonly ApiName[]) => Request[];
}

const define = <A>(def: CommandDef<A>) => def as CommandDef<unknown>;
const pick = <T>(items: readonly T[], index: number): T | undefined =>
  items.length === 0 ? undefined : items[index % items.length];
const statusesOf = (table: Record<string, unknown>) => Object.keys(table);
/** Events of a table, whatever status allows them. */
const eventsOf = <E extends string>(table: Record<string, Partial<Record<E, string>>>) => [
  ...new Set(Object.values(table).flatMap((events) => Object.keys(events) as E[])),
];

/**
 * An event tried on an object in some status, half the time a move the table allows (so
 * sequences get somewhere), half the time one it refuses (so every refusal is tried too).
 */
function moves<E extends string>(
  table: Record<string, object>,
  events: readonly E[],
  picks: number,
): fc.Arbitrary<{ event: E; from: string; pick: number }> {
  const pairs = statusesOf(table).flatMap((from) => events.map((event) => ({ event, from })));
  const allowed = pairs.filter(({ event, from }) => event in table[from]!);
  const refused = pairs.filter(({ event, from }) => !(event in table[from]!));
  return fc
    .tuple(fc.oneof(fc.constantFrom(...allowed), fc.constantFrom(...refused)), fc.nat(picks))
    .map(([move, pick]) => ({ ...move, pick }));
}

const program = (scene: Scene) => scene.kit.world.program;
const account = (scene: Scene, role: Role) => {
  for (const actor of program(scene).tokens.values())
    if (actor.role === role && actor.account) return actor.account.id;
  return undefined;
};
const note = { statusNotes: { message: 'Sent by the explorer.' } };

/** A new certificate's holder scope: the client's own buyer or licensee, as the program asks. */
function scopeFor(scene: Scene, programId: string) {
  const found = program(scene).programs.get(programId);
  const client = account(scene, 'client');
  if (!found || !client) return undefined;
  const [field, store] =
    found.applicableTo === 'Buyer'
      ? (['buyer', program(scene).buyers] as const)
      : (['licensee', program(scene).licensees] as const);
  const own = [...store.values()].find((entry) => entry.client === client);
  return own ? { [field]: { id: own.id } } : {};
}

/** Values for the program's Order parameters (or none: then a required one is missing). */
function parametersFor(scene: Scene, programId: string, given: boolean) {
  if (!given) return { ordering: [] };
  const ordering = [...program(scene).parameters.values()]
    .filter((p) => p.program.id === programId && p.phase === 'Order')
    .map((p) => ({ id: p.id, value: `PN-${p.id.slice(-4)}` }));
  return { ordering };
}

// ---------------------------------------------------------------- the lifecycle tables

type Built = Request | undefined;

/** Certificate events an API call drives; the others come from enrollments and the clock. */
const certificateCalls = {
  reenroll: (id, programId) => ({
    api: 'program-api',
    method: 'POST',
    path: '/v1/program/enrollments',
    as: 'client',
    body: { program: { id: programId }, certificate: { id } },
  }),
  terminate: (id) => ({
    api: 'program-api',
    method: 'POST',
    path: `/v1/program/certificates/${id}/terminate`,
    as: 'vendor',
    body: note,
  }),
} satisfies Partial<Record<CertificateEvent, (id: string, programId: string) => Built>>;

const enrollmentAction = (event: string, as: Role, body?: unknown) => (id: string) => ({
  api: 'program-api' as const,
  method: 'POST',
  path: `/v1/program/enrollments/${id}/${event}`,
  as,
  ...(body === undefined ? {} : { body }),
});

/** Every enrollment event is an API call (`approve` is a submit to a program that auto-approves). */
const enrollmentCalls = {
  submit: enrollmentAction('submit', 'client'),
  approve: enrollmentAction('submit', 'client'),
  discard: (id) => ({
    api: 'program-api',
    method: 'DELETE',
    path: `/v1/program/enrollments/${id}`,
    as: 'client',
  }),
  query: (id, templateId) =>
    templateId === undefined
      ? undefined
      : enrollmentAction('query', 'vendor', { template: { id: templateId } })(id),
  process: enrollmentAction('process', 'vendor'),
  complete: enrollmentAction('complete', 'vendor'),
  fail: enrollmentAction('fail', 'vendor', note),
} satisfies Record<EnrollmentEvent, (id: string, queryTemplate: string | undefined) => Built>;

const programCalls = {
  publish: (id) => ({
    api: 'program-api',
    method: 'POST',
    path: `/v1/program/programs/${id}/publish`,
    as: 'vendor',
  }),
  unpublish: (id) => ({
    api: 'program-api',
    method: 'POST',
    path: `/v1/program/programs/${id}/unpublish`,
    as: 'vendor',
  }),
  delete: (id) => ({
    api: 'program-api',
    method: 'DELETE',
    path: `/v1/program/programs/${id}`,
    as: 'vendor',
  }),
} satisfies Record<ProgramEvent, (id: string) => Built>;

const contentKinds = { documents: 'documents', media: 'media', terms: 'terms' } as const;
const contentCalls = {
  publish: (path) => ({
    api: 'program-api',
    method: 'POST',
    path: `${path}/publish`,
    as: 'vendor',
  }),
  unpublish: (path) => ({
    api: 'program-api',
    method: 'POST',
    path: `${path}/unpublish`,
    as: 'vendor',
  }),
  delete: (path) => ({ api: 'program-api', method: 'DELETE', path, as: 'vendor' }),
} satisfies Record<ContentEvent, (path: string) => Built>;

const byStatus = <T extends { status: string }>(items: Iterable<T>, status: string) =>
  [...items].filter((item) => item.status === status);

// ---------------------------------------------------------------- Program API commands

const programCommands: CommandDef[] = [
  define({
    name: 'certificate',
    writes: true,
    weight: 3,
    args: moves(
      certificateTransitions,
      Object.keys(certificateCalls) as (keyof typeof certificateCalls)[],
      7,
    ),
    build(scene, { event, from, pick: index }) {
      const certificate = pick(byStatus(program(scene).certificates.values(), from), index);
      return certificate && certificateCalls[event](certificate.id, certificate.program.id);
    },
  }),
  define({
    name: 'enrollment',
    writes: true,
    weight: 3,
    args: moves(enrollmentTransitions, eventsOf<EnrollmentEvent>(enrollmentTransitions), 7),
    build(scene, { event, from, pick: index }) {
      const enrollment = pick(byStatus(program(scene).enrollments.values(), from), index);
      if (!enrollment) return undefined;
      const template = [...program(scene).templates.values()].find(
        (t) =>
          t.program.id === enrollment.program.id &&
          t.type === 'EnrollmentQuerying' &&
          t.status === 'Active',
      );
      return enrollmentCalls[event](enrollment.id, template?.id);
    },
  }),
  define({
    name: 'program',
    writes: true,
    args: moves(programTransitions, eventsOf<ProgramEvent>(programTransitions), 3),
    build(scene, { event, from, pick: index }) {
      const found = pick(byStatus(program(scene).programs.values(), from), index);
      return found && programCalls[event](found.id);
    },
  }),
  define({
    name: 'content',
    writes: true,
    args: fc
      .tuple(
        fc.constantFrom(...Object.values(contentKinds)),
        moves(contentTransitions, eventsOf<ContentEvent>(contentTransitions), 3),
      )
      .map(([kind, move]) => ({ kind, ...move })),
    build(scene, { kind, event, from, pick: index }) {
      const items: Iterable<{ id: string; status?: string; program: { id: string } }> =
        program(scene)[kind].values();
      const item = pick(
        [...items].filter((entry) => entry.status === from),
        index,
      );
      return (
        item && contentCalls[event](`/v1/program/programs/${item.program.id}/${kind}/${item.id}`)
      );
    },
  }),
  define({
    name: 'enroll',
    writes: true,
    weight: 2,
    args: fc.record({ pick: fc.nat(7), parameters: fc.boolean() }),
    build(scene, { pick: index, parameters }) {
      const found = pick([...program(scene).programs.values()], index);
      const scope = found && scopeFor(scene, found.id);
      if (!found || !scope) return undefined;
      return {
        api: 'program-api',
        method: 'POST',
        path: '/v1/program/enrollments',
        as: 'client',
        body: {
          program: { id: found.id },
          ...scope,
          parameters: parametersFor(scene, found.id, parameters),
        },
      };
    },
  }),
  define({
    name: 'migrate',
    writes: true,
    args: fc.record({ pick: fc.nat(7) }),
    build(scene, { pick: index }) {
      const found = pick([...program(scene).programs.values()], index);
      const scope = found && scopeFor(scene, found.id);
      const client = account(scene, 'client');
      if (!found || !scope || !client) return undefined;
      return {
        api: 'program-api',
        method: 'POST',
        path: '/v1/program/certificates',
        as: 'operations',
        body: {
          program: { id: found.id },
          client: { id: client },
          ...scope,
          parameters: parametersFor(scene, found.id, true),
        },
      };
    },
  }),
  define({
    name: 'terminate-on-expiration',
    writes: true,
    weight: 2,
    args: fc.record({ pick: fc.nat(2), duration: fc.constantFrom(0, 1, 5) }),
    build(scene, { pick: index, duration }) {
      // The programs whose certificates expire first: where the setting will act soonest.
      const soonest = [...program(scene).certificates.values()]
        .filter((c) => (c.status === 'Active' || c.status === 'Expired') && c.expirationDate)
        .sort((a, b) => (a.expirationDate! < b.expirationDate! ? -1 : 1))
        .map((c) => c.program.id);
      const id = pick([...new Set(soonest)], index);
      if (id === undefined) return undefined;
      return {
        api: 'program-api',
        method: 'PUT',
        path: `/v1/program/programs/${id}/settings`,
        as: 'vendor',
        body: { terminateOnExpiration: { enabled: true, duration } },
      };
    },
  }),
  define({
    name: 'read-certificate',
    writes: false,
    args: fc.record({
      from: fc.constantFrom(...statusesOf(certificateTransitions)),
      pick: fc.nat(7),
      as: fc.constantFrom<Role>('client', 'vendor', 'operations'),
    }),
    build(scene, { from, pick: index, as }) {
      const certificate = pick(byStatus(program(scene).certificates.values(), from), index);
      return (
        certificate && {
          api: 'program-api',
          method: 'GET',
          path: `/v1/program/certificates/${certificate.id}`,
          as,
        }
      );
    },
  }),
  define({
    name: 'list-certificates',
    writes: false,
    args: fc.record({ status: fc.constantFrom(...statusesOf(certificateTransitions)) }),
    build: (_scene, { status }) => ({
      api: 'program-api',
      method: 'GET',
      path: '/v1/program/certificates',
      query: `eq(status,${status})&order=id&limit=100`,
      as: 'client',
    }),
  }),
  define({
    name: 'read-enrollment',
    writes: false,
    args: fc.record({
      from: fc.constantFrom(...statusesOf(enrollmentTransitions)),
      pick: fc.nat(7),
    }),
    build(scene, { from, pick: index }) {
      const enrollment = pick(byStatus(program(scene).enrollments.values(), from), index);
      return (
        enrollment && {
          api: 'program-api',
          method: 'GET',
          path: `/v1/program/enrollments/${enrollment.id}`,
          as: 'operations',
        }
      );
    },
  }),
  define({
    name: 'read-program',
    writes: false,
    args: fc.record({ pick: fc.nat(7) }),
    build(scene, { pick: index }) {
      const found = pick([...program(scene).programs.values()], index);
      return (
        found && {
          api: 'program-api',
          method: 'GET',
          path: `/v1/program/programs/${found.id}`,
          as: 'vendor',
        }
      );
    },
  }),
];

// ---------------------------------------------------------------- Partner Center commands

const partner = (scene: Scene) => scene.kit.world.partner;
const customers = (scene: Scene) => [...partner(scene).customers.keys()];
const qualifications = (path: string) => `/v1/customers/${path}/qualifications`;

const validations: Request = {
  api: 'partner-center',
  method: 'GET',
  path: '/v1/customers/all/validations',
  as: 'partner',
};
/** A GovernmentCommunityCloud request uses a create of its code: compared at once. */
const validationsAfter = (request: Request) =>
  isRecord(request.body) && request.body.qualification === 'GovernmentCommunityCloud'
    ? [validations]
    : [];

const partnerCommands: CommandDef[] = [
  define({
    name: 'request-qualification',
    writes: true,
    then: (request) => validationsAfter(request),
    weight: 3,
    args: fc.record({
      customer: fc.nat(7),
      qualification: fc.constantFrom('Education', 'GovernmentCommunityCloud', 'StateOwnedEntity'),
      // A code with creates left, one without, or none the partner holds.
      code: fc.constantFrom('with-creates', 'with-creates', 'used-up', 'unknown'),
      requestId: fc.uuid({ version: 4 }),
    }),
    build(scene, { customer, qualification, code, requestId }) {
      const id = pick(customers(scene), customer);
      if (!id) return undefined;
      const held = [...partner(scene).validationCodes.values()];
      const validationCode =
        code === 'unknown'
          ? 'not-a-code'
          : (held.find((c) => c.remainingCreates > 0 === (code === 'with-creates'))?.validationId ??
            'not-a-code');
      const body =
        qualification === 'Education'
          ? { qualification, educationSegment: 'K12' }
          : qualification === 'GovernmentCommunityCloud'
            ? { qualification, validationCode }
            : { qualification };
      return {
        api: 'partner-center',
        method: 'POST',
        path: qualifications(id),
        as: 'partner',
        body,
        headers: { 'MS-RequestId': requestId },
      };
    },
  }),
  define({
    name: 'retry-same-request-id',
    writes: true,
    weight: 2,
    then: (request) => validationsAfter(request),
    args: fc.constant(null),
    build: (scene) => scene.lastWrite,
  }),
  define({
    name: 'reuse-request-id-elsewhere',
    writes: true,
    args: fc.nat(7),
    build(scene, customer) {
      const last = scene.lastWrite;
      const id = pick(customers(scene), customer);
      if (!last || !id) return undefined;
      return { ...last, path: qualifications(id), body: { qualification: 'StateOwnedEntity' } };
    },
  }),
  define({
    name: 'read-qualifications',
    writes: false,
    args: fc.nat(7),
    build(scene, customer) {
      const id = pick(customers(scene), customer);
      if (id === undefined) return undefined;
      return { api: 'partner-center', method: 'GET', path: qualifications(id), as: 'partner' };
    },
  }),
  define({
    name: 'read-validation-codes',
    writes: false,
    args: fc.constant(null),
    build: () => validations,
  }),
  define({
    name: 'vet',
    writes: true,
    control: true,
    args: fc.record({ customer: fc.nat(7), status: fc.constantFrom('Approved', 'Denied') }),
    build(scene, { customer, status }) {
      const id = pick(customers(scene), customer);
      if (id === undefined) return undefined;
      return {
        api: 'control',
        method: 'POST',
        path: `/partner-center/customers/${id}/vetting`,
        body: { qualification: 'Education', status },
      };
    },
  }),
];

const dayAfter = (date: string, days: number) =>
  new Date(Date.parse(`${date.slice(0, 10)}T00:00:00.000Z`) + days * 86_400_000)
    .toISOString()
    .slice(0, 10);

/**
 * The next day the kit's model says a clock-driven rule acts: an expiry, a terminateOnExpiration,
 * an Education review (noon of that day, so a rule a day early or late shows).
 */
function nextRuleDay(scene: Scene) {
  const days: string[] = [];
  const state = program(scene);
  for (const c of state.certificates.values())
    if (c.status === 'Active' && c.expirationDate) days.push(dayAfter(c.expirationDate, 1));
  for (const c of state.certificates.values()) {
    const lapse = state.programs.get(c.program.id)?.settings.terminateOnExpiration;
    if (c.status === 'Expired' && c.audit.expired?.at && lapse?.enabled && lapse.duration != null)
      days.push(dayAfter(c.audit.expired.at, lapse.duration));
  }
  for (const record of partner(scene).customers.values())
    for (const q of record.qualifications)
      if (q.vettingStatus === 'InReview' && q.vettingCreateDate)
        days.push(dayAfter(q.vettingCreateDate, 4));
  const today = scene.kit.world.clock.now().toISOString().slice(0, 10);
  return days.filter((day) => day > today).sort()[0];
}

/** The virtual clock, for both APIs: expiries, terminateOnExpiration, Education reviews. */
const clockCommand = define({
  name: 'clock',
  writes: true,
  control: true,
  weight: 3,
  // To the very day the next rule acts (an expiry, a terminateOnExpiration, an Education
  // review), where a rule a day late shows; or on by a fixed step.
  args: fc.constantFrom('next', 'next', 'next', 'next', 'P1D', 'P30D', 'P366D'),
  build(scene, step) {
    if (step.startsWith('P'))
      return { api: 'control', method: 'POST', path: '/clock', body: { advance: step } };
    const day = nextRuleDay(scene);
    if (day === undefined) return undefined;
    return {
      api: 'control',
      method: 'POST',
      path: '/clock',
      body: { now: `${day}T12:00:00.000Z` },
    };
  },
  // Expiry must show on every read: every certificate's status is compared after the move.
  then: (_request, apis) =>
    apis.includes('program-api')
      ? [
          {
            api: 'program-api',
            method: 'GET',
            path: '/v1/program/certificates',
            query: 'order=id&limit=100',
            as: 'operations',
          },
        ]
      : [],
});

export const commandsFor = (apis: readonly ApiName[]): CommandDef[] => [
  ...(apis.includes('program-api') ? programCommands : []),
  ...(apis.includes('partner-center') ? partnerCommands : []),
  clockCommand,
];
