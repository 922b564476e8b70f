/** Loading a Program API fixture into a state, and the default seed behind the documented tokens. */
import { utcDate } from '../clock.js';
import type { IdGenerator } from '../ids.js';
import { SeedError } from '../seed-error.js';
import type {
  Account,
  Actor,
  Buyer,
  Licensee,
  OrderParameter,
  StoredCertificate,
  StoredEnrollment,
  StoredProgram,
  UserRef,
} from './model.js';
import { paths } from './service.js';
import type { ProgramSeed, ProgramState } from './state.js';

/** Who the clock acts as when it expires a certificate. */
export const systemActor: Actor = {
  role: 'operations',
  user: { id: 'USR-0000-0000', name: 'Marketplace' },
};

export function loadProgram(state: ProgramState, seed: ProgramSeed, ids: IdGenerator): void {
  const unique = <T extends { id: string }>(
    what: string,
    items: Iterable<T> | undefined,
    into: Map<string, T>,
  ) => {
    for (const item of items ?? []) {
      if (typeof item?.id !== 'string')
        throw new SeedError(`program.${what}: every item needs an id`);
      if (into.has(item.id)) throw new SeedError(`program.${what}: ${item.id} appears twice`);
      into.set(item.id, item);
      ids.taken(item.id);
    }
  };
  unique('accounts', seed.accounts, state.accounts);
  unique('users', seed.users, state.users);
  unique('buyers', seed.buyers, state.buyers);
  unique('licensees', seed.licensees, state.licensees);
  unique('programs', seed.programs, state.programs);
  const shared = interner();
  unique('certificates', mapped(seed.certificates, shared.held), state.certificates);
  unique('enrollments', mapped(seed.enrollments, shared.held), state.enrollments);

  const need = (what: string, map: Map<string, unknown>, id: string | undefined, where: string) => {
    if (!id || !map.has(id))
      throw new SeedError(`${where}: ${what} ${String(id)} is not in the fixture`);
  };
  for (const buyer of state.buyers.values())
    need('client', state.accounts, buyer.client, `buyer ${buyer.id}`);
  for (const licensee of state.licensees.values())
    need('client', state.accounts, licensee.client, `licensee ${licensee.id}`);
  for (const program of state.programs.values())
    need('vendor', state.accounts, program.vendor?.id, `program ${program.id}`);
  for (const held of [...state.certificates.values(), ...state.enrollments.values()]) {
    need('program', state.programs, held.program?.id, held.id);
    need('client', state.accounts, held.client?.id, held.id);
  }
  for (const enrollment of state.enrollments.values())
    need('certificate', state.certificates, enrollment.certificate?.id, enrollment.id);

  for (const token of seed.tokens ?? []) {
    if (typeof token.token !== 'string' || token.token.length === 0)
      throw new SeedError('program.tokens: every token needs a value');
    if (!['operations', 'vendor', 'client'].includes(token.role))
      throw new SeedError(`token ${token.token}: unknown role ${String(token.role)}`);
    const user = state.users.get(token.user);
    if (!user)
      throw new SeedError(`token ${token.token}: user ${token.user} is not in the fixture`);
    let account: Account | undefined;
    if (token.role !== 'operations') {
      account = token.account ? state.accounts.get(token.account) : undefined;
      const type = token.role === 'vendor' ? 'Vendor' : 'Client';
      if (!account || account.type !== type)
        throw new SeedError(`token ${token.token}: a ${token.role} token needs a ${type} account`);
    }
    state.tokens.set(token.token, {
      role: token.role,
      user,
      ...(account
        ? { account: { id: account.id, href: paths.account(account.id), name: account.name } }
        : {}),
    });
  }
  state.nextExpiry = null;
}

function* mapped<T>(items: Iterable<T> | undefined, map: (item: T) => T): Iterable<T> {
  if (items === undefined || items === null) return;
  if (typeof (items as Iterable<T>)[Symbol.iterator] !== 'function') {
    throw new SeedError('program: certificates and enrollments must be arrays');
  }
  for (const item of items) yield map(item);
}

/**
 * Large fixtures repeat the same small objects in every certificate (program, client and
 * licensee references, eligibility, parameters, audit events): one shared copy of each keeps
 * 100,000 certificates in a fraction of the memory. Safe because stored objects are never
 * changed in place: every write replaces them (copy on write).
 */
function interner() {
  const seen = new Map<string, unknown>();
  // A fixture that shares objects already (a restored snapshot) is interned without stringifying.
  const byIdentity = new Map<object, unknown>();
  const intern = <T>(value: T): T => {
    if (typeof value !== 'object' || value === null) return value;
    const same = byIdentity.get(value);
    if (same !== undefined) return same as T;
    const key = JSON.stringify(value);
    const found = seen.get(key) ?? value;
    if (found === value) seen.set(key, value);
    byIdentity.set(value, found);
    return found as T;
  };
  const fields = [
    'program',
    'client',
    'buyer',
    'licensee',
    'eligibility',
    'externalIds',
    'template',
    'parameters',
    'certificate',
    'statusNotes',
  ] as const;
  return {
    held<T extends object>(item: T): T {
      if (typeof item !== 'object' || item === null) return item;
      const copy = { ...item } as Record<string, unknown>;
      for (const field of fields) if (field in copy) copy[field] = intern(copy[field]);
      const audit = copy.audit;
      if (typeof audit === 'object' && audit !== null) {
        const same = byIdentity.get(audit);
        if (same !== undefined) copy.audit = same;
        else {
          const events: Record<string, unknown> = {};
          for (const [name, event] of Object.entries(audit)) events[name] = intern(event);
          copy.audit = intern(events);
          byIdentity.set(audit, copy.audit);
        }
      }
      return copy as T;
    },
  };
}

/** The current state as a fixture: what `load` takes back (persistence, snapshots). */
export function dumpProgram(state: ProgramState): Required<ProgramSeed> {
  return {
    accounts: [...state.accounts.values()],
    users: [...state.users.values()],
    buyers: [...state.buyers.values()],
    licensees: [...state.licensees.values()],
    tokens: [...state.tokens.entries()].map(([token, actor]) => ({
      token,
      role: actor.role,
      user: actor.user.id,
      ...(actor.account ? { account: actor.account.id } : {}),
    })),
    programs: [...state.programs.values()],
    certificates: [...state.certificates.values()],
    enrollments: [...state.enrollments.values()],
  };
}

// ---------------------------------------------------------------- default seed

export const seedTokens = {
  operations: 'ops-token',
  vendor: 'vendor-token',
  client: 'client-token',
} as const;

const users = {
  ops: { id: 'USR-6337-1324', name: 'Olivia Operations' },
  vendor: { id: 'USR-7712-0045', name: 'Victor Vendor' },
  client: { id: 'USR-3391-5820', name: 'Clara Client' },
} satisfies Record<string, UserRef>;

const accounts: Account[] = [
  {
    id: 'ACC-1086-6867',
    name: 'Microsoft',
    type: 'Vendor',
    icon: '/static/ACC-1086-6867/account.png',
  },
  { id: 'ACC-2741-3388', name: 'Adobe', type: 'Vendor' },
  {
    id: 'ACC-4812-0447',
    name: 'Oscorp Industries',
    type: 'Client',
    icon: '/static/ACC-4812-0447/account.png',
  },
  { id: 'ACC-5530-9172', name: 'Wayne Enterprises', type: 'Client' },
];
const buyers: Buyer[] = [
  { id: 'BUY-1591-2112', name: 'Oscorp EU', client: 'ACC-4812-0447' },
  { id: 'BUY-3310-7781', name: 'Wayne Enterprises Buyer', client: 'ACC-5530-9172' },
];
const licensees: Licensee[] = [
  {
    id: 'LCE-5758-4071-6507',
    name: 'Oscorp Canada Limited',
    externalId: 'WW-CON-12345678',
    client: 'ACC-4812-0447',
  },
  { id: 'LCE-8821-3390-1174', name: 'Wayne Enterprises Licensee', client: 'ACC-5530-9172' },
];

const ref = (account: Account) => ({
  id: account.id,
  href: paths.account(account.id),
  name: account.name,
  ...(account.icon ? { icon: account.icon } : {}),
});
const [microsoft, adobe, oscorp, wayne] = accounts as [Account, Account, Account, Account];

/**
 * Programs in every status (Published for Licensee and for Buyer), certificates in every status
 * (one Active certificate expires within 30 days), enrollments in every status, all dated
 * relative to `now` so the seed stays realistic whenever it is loaded.
 */
export function defaultProgramSeed(now: Date): ProgramSeed {
  const day = (offset: number) => utcDate(new Date(now.getTime() + offset * 86_400_000));
  const at = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString();
  const event = (offset: number, by: UserRef = users.ops) => ({ at: at(offset), by });

  const program = (
    id: string,
    name: string,
    status: StoredProgram['status'],
    applicableTo: StoredProgram['applicableTo'],
    vendor: Account,
    options: { autoapprove?: boolean; created: number } = { created: -400 },
  ): StoredProgram => {
    const digits = id.slice(4);
    return {
      id,
      href: paths.program(id),
      name,
      description: `${name}: eligibility program run by ${vendor.name}.`,
      status,
      applicableTo,
      eligibility: { client: true, partner: applicableTo === 'Buyer' },
      vendor: ref(vendor),
      settings: { newCertificateAutoapprove: options.autoapprove ?? false },
      parameters: [
        {
          id: `PPM-${digits}-0001`,
          name: 'Microsoft Partner Network ID',
          externalId: 'MPNID',
          type: 'SingleLineText',
          phase: 'Ordering',
          description: 'The partner network id of the enrolling organisation.',
          constraints: {
            readonly: false,
            hidden: false,
            required: applicableTo === 'Licensee',
            unique: true,
          },
        },
        {
          id: `PPM-${digits}-0002`,
          name: 'Tenant Id',
          externalId: 'tenant_id',
          type: 'SingleLineText',
          phase: 'Fulfillment',
          constraints: { readonly: false, hidden: true, required: false, unique: false },
        },
      ],
      templates: [
        {
          id: `PTM-${digits}-0001`,
          name: 'Missing partner id',
          type: 'EnrollmentQuerying',
          content: 'Please send the Microsoft Partner Network ID of {{client.name}}.',
        },
        {
          id: `PTM-${digits}-0002`,
          name: 'Successful activation',
          type: 'EnrollmentCompleted',
          content: '{{client.name}} is now certified for {{program.name}}.',
        },
        {
          id: `PTM-${digits}-0003`,
          name: 'Certificate',
          type: 'Certificate',
          content:
            '# {{program.name}}\n\nThis certifies that **{{client.name}}** meets the requirements of {{program.name}}.\n\nCertificate {{certificate.id}}, status {{status}}, valid until {{expirationDate}}.\nPartner Network ID: {{parameters.MPNID}}\n',
        },
      ],
      audit: {
        created: event(options.created, users.vendor),
        updated: event(options.created + 1, users.vendor),
        ...(status !== 'Draft' ? { published: event(options.created + 1, users.vendor) } : {}),
        ...(status === 'Unpublished' ? { unpublished: event(-30, users.vendor) } : {}),
      },
    };
  };

  const programs = [
    program('PRG-9643-3741', 'Microsoft AI Cloud Partner', 'Published', 'Licensee', microsoft),
    program('PRG-4127-5580', 'Microsoft Education Partner', 'Published', 'Buyer', microsoft, {
      autoapprove: true,
      created: -300,
    }),
    program('PRG-7315-2204', 'Microsoft Security Specialist', 'Draft', 'Licensee', microsoft, {
      created: -10,
    }),
    program('PRG-8862-1093', 'Microsoft Legacy Reseller', 'Unpublished', 'Licensee', microsoft, {
      created: -700,
    }),
    program('PRG-5190-6634', 'Adobe Creative Partner', 'Published', 'Buyer', adobe, {
      created: -200,
    }),
  ];
  const byId = new Map(programs.map((p) => [p.id, p]));

  const parametersFor = (p: StoredProgram, mpn: string | undefined) => ({
    ordering: p.parameters
      .filter((d) => d.phase === 'Ordering')
      .map((d): OrderParameter => ({
        id: d.id,
        name: d.name,
        externalId: d.externalId,
        type: d.type,
        constraints: d.constraints,
        ...(mpn ? { value: mpn } : {}),
      })),
    fulfillment: p.parameters
      .filter((d) => d.phase === 'Fulfillment')
      .map((d): OrderParameter => ({
        id: d.id,
        name: d.name,
        externalId: d.externalId,
        type: d.type,
        constraints: d.constraints,
        value: '69b73824-ce76-4866-ad47-b615ae9d8998',
      })),
  });

  const certificates: StoredCertificate[] = [];
  const enrollments: StoredEnrollment[] = [];
  const pair = (spec: {
    certificate: string;
    enrollment: string;
    program: string;
    client: Account;
    status: StoredCertificate['status'];
    enrollmentStatus: StoredEnrollment['status'];
    type?: StoredEnrollment['type'];
    created: number;
    expires?: number;
    notes?: string;
  }) => {
    const p = byId.get(spec.program)!;
    const scope =
      p.applicableTo === 'Buyer'
        ? {
            buyer: (({ id, name }) => ({ id, href: paths.buyer(id), name }))(
              buyers.find((b) => b.client === spec.client.id)!,
            ),
          }
        : {
            licensee: (({ id, name, externalId }) => ({
              id,
              href: paths.licensee(id),
              name,
              ...(externalId ? { externalId } : {}),
            }))(licensees.find((l) => l.client === spec.client.id)!),
          };
    const parameters = parametersFor(p, 'MPN-6527247');
    const templateOf = (type: string) => {
      const t = p.templates.find((x) => x.type === type)!;
      return { id: t.id, href: paths.template(p.id, t.id), name: t.name };
    };
    const statusNotes = spec.notes ? { message: spec.notes } : undefined;
    const certificateAudit: StoredCertificate['audit'] = {
      created: event(spec.created, users.client),
      updated: event(spec.created, users.client),
      pending: event(spec.created, users.client),
    };
    if (
      ['Active', 'Expired', 'Updating'].includes(spec.status) ||
      (spec.status === 'Terminated' && spec.enrollmentStatus !== 'Failed')
    ) {
      certificateAudit.activated = certificateAudit.updated = event(spec.created + 2, users.vendor);
    }
    if (spec.status === 'Updating')
      certificateAudit.updating = certificateAudit.updated = event(-3, users.client);
    if (spec.status === 'Terminated')
      certificateAudit.terminated = certificateAudit.updated = event(
        spec.created + 3,
        users.vendor,
      );
    if (spec.status === 'Expired') {
      const expiredAt = `${day((spec.expires ?? 0) + 1)}T00:00:00.000Z`;
      certificateAudit.expired = certificateAudit.updated = { at: expiredAt, by: systemActor.user };
    }
    certificates.push({
      id: spec.certificate,
      href: paths.certificate(spec.certificate),
      name: `${p.name} - ${spec.client.name}`,
      program: { id: p.id, href: p.href, name: p.name },
      client: ref(spec.client),
      applicableTo: p.applicableTo,
      ...scope,
      eligibility: { ...p.eligibility },
      externalIds:
        spec.status === 'Pending'
          ? {}
          : { vendor: `ven-${spec.certificate.slice(4, 8)}-${spec.certificate.slice(9, 13)}` },
      status: spec.status,
      ...(statusNotes && spec.status === 'Terminated' ? { statusNotes } : {}),
      ...(spec.expires !== undefined ? { expirationDate: day(spec.expires) } : {}),
      ...(spec.status !== 'Pending' ? { template: templateOf('Certificate') } : {}),
      parameters,
      enrollment: { id: spec.enrollment, href: paths.enrollment(spec.enrollment) },
      audit: certificateAudit,
    });
    const enrollmentAudit: StoredEnrollment['audit'] = {
      created: event(spec.type === 'Change' ? -3 : spec.created, users.client),
      processing: event(spec.type === 'Change' ? -3 : spec.created, users.client),
    };
    enrollmentAudit.updated = enrollmentAudit.created;
    if (spec.enrollmentStatus === 'Querying')
      enrollmentAudit.querying = enrollmentAudit.updated = event(-1, users.vendor);
    if (spec.enrollmentStatus === 'Completed')
      enrollmentAudit.completed = enrollmentAudit.updated = event(spec.created + 2, users.vendor);
    if (spec.enrollmentStatus === 'Failed')
      enrollmentAudit.failed = enrollmentAudit.updated = event(spec.created + 3, users.vendor);
    enrollments.push({
      id: spec.enrollment,
      href: paths.enrollment(spec.enrollment),
      type: spec.type ?? 'New',
      status: spec.enrollmentStatus,
      program: { id: p.id, href: p.href, name: p.name },
      certificate: {
        id: spec.certificate,
        href: paths.certificate(spec.certificate),
        name: `${p.name} - ${spec.client.name}`,
      },
      client: ref(spec.client),
      applicableTo: p.applicableTo,
      ...scope,
      parameters,
      ...(spec.enrollmentStatus === 'Querying'
        ? { template: templateOf('EnrollmentQuerying') }
        : {}),
      ...(spec.enrollmentStatus === 'Completed'
        ? { template: templateOf('EnrollmentCompleted') }
        : {}),
      ...(statusNotes && spec.enrollmentStatus === 'Failed' ? { statusNotes } : {}),
      audit: enrollmentAudit,
    });
  };

  const ai = 'PRG-9643-3741';
  pair({
    certificate: 'CER-9646-2171-8417',
    enrollment: 'ENR-3965-5056-7966',
    program: ai,
    client: oscorp,
    status: 'Active',
    enrollmentStatus: 'Completed',
    created: -160,
    expires: 205,
  });
  pair({
    certificate: 'CER-1204-5530-7781',
    enrollment: 'ENR-1204-5530-7781',
    program: ai,
    client: oscorp,
    status: 'Active',
    enrollmentStatus: 'Completed',
    created: -353,
    expires: 12,
  });
  pair({
    certificate: 'CER-3350-8812-0046',
    enrollment: 'ENR-3350-8812-0046',
    program: ai,
    client: oscorp,
    status: 'Pending',
    enrollmentStatus: 'Processing',
    created: -2,
  });
  pair({
    certificate: 'CER-4471-0925-3318',
    enrollment: 'ENR-4471-0925-3318',
    program: ai,
    client: oscorp,
    status: 'Updating',
    enrollmentStatus: 'Querying',
    type: 'Change',
    created: -300,
    expires: 65,
  });
  pair({
    certificate: 'CER-5582-1136-4429',
    enrollment: 'ENR-5582-1136-4429',
    program: ai,
    client: oscorp,
    status: 'Terminated',
    enrollmentStatus: 'Failed',
    created: -90,
    notes: 'The partner network id could not be verified.',
  });
  pair({
    certificate: 'CER-6693-2247-5530',
    enrollment: 'ENR-6693-2247-5530',
    program: ai,
    client: oscorp,
    status: 'Expired',
    enrollmentStatus: 'Completed',
    created: -385,
    expires: -20,
  });
  pair({
    certificate: 'CER-8815-4469-7752',
    enrollment: 'ENR-8815-4469-7752',
    program: 'PRG-4127-5580',
    client: oscorp,
    status: 'Active',
    enrollmentStatus: 'Completed',
    created: -45,
    expires: 320,
  });
  pair({
    certificate: 'CER-2217-6604-9183',
    enrollment: 'ENR-2217-6604-9183',
    program: ai,
    client: wayne,
    status: 'Active',
    enrollmentStatus: 'Completed',
    created: -120,
    expires: 245,
  });
  pair({
    certificate: 'CER-7704-3358-6641',
    enrollment: 'ENR-7704-3358-6641',
    program: 'PRG-5190-6634',
    client: wayne,
    status: 'Active',
    enrollmentStatus: 'Completed',
    created: -60,
    expires: 305,
  });

  return {
    accounts,
    users: [...Object.values(users), systemActor.user],
    buyers,
    licensees,
    tokens: [
      { token: seedTokens.operations, role: 'operations', user: users.ops.id },
      { token: seedTokens.vendor, role: 'vendor', user: users.vendor.id, account: microsoft.id },
      { token: seedTokens.client, role: 'client', user: users.client.id, account: oscorp.id },
    ],
    programs,
    certificates,
    enrollments,
  };
}
