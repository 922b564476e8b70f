/** Loading a Program API fixture into a state, and the default seed behind the documented tokens. */
import { utcDate } from '../clock.js';
import type { IdGenerator } from '../ids.js';
import { SeedError } from '../seed-error.js';
import { accountRef, buyerRef, licenseeRef, paths } from './common.js';
import type {
  Account,
  Actor,
  Buyer,
  Licensee,
  ParameterValue,
  StoredCertificate,
  StoredEnrollment,
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
import type { ProgramSeed, ProgramState } from './state.js';

/** Who the clock acts as when it expires a certificate. */
export const systemActor: Actor = {
  role: 'operations',
  user: { id: 'USR-0000-0000', name: 'Marketplace' },
};

/**
 * Loads a fixture into an empty state. Certificates and enrollments are stored as copies whose
 * repeated members are shared (`interner`); `asItIs`: stored as given, for a fixture whose
 * objects are the kit's alone and shared already (a snapshot this kit wrote).
 */
export function loadProgram(
  state: ProgramState,
  seed: ProgramSeed,
  ids: IdGenerator,
  { asItIs = false }: { asItIs?: boolean } = {},
): void {
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
  unique('templates', seed.templates, state.templates);
  unique('parameters', seed.parameters, state.parameters);
  unique('parameterGroups', seed.parameterGroups, state.parameterGroups);
  unique('documents', seed.documents, state.documents);
  unique('media', seed.media, state.media);
  unique('terms', seed.terms, state.terms);
  unique('variants', seed.variants, state.variants);
  unique('attachments', seed.attachments, state.attachments);
  for (const file of seed.files ?? []) {
    if (typeof file?.owner !== 'string' || typeof file.base64 !== 'string')
      throw new SeedError('program.files: every file needs an owner and its base64 bytes');
    if (state.files.has(file.owner))
      throw new SeedError(`program.files: ${file.owner} appears twice`);
    state.files.set(file.owner, file);
  }
  const held = asItIs ? <T>(item: T) => item : interner().held;
  unique('certificates', mapped(seed.certificates, held), state.certificates);
  unique('enrollments', mapped(seed.enrollments, held), state.enrollments);

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
  for (const sub of [
    ...state.templates.values(),
    ...state.parameters.values(),
    ...state.parameterGroups.values(),
    ...state.documents.values(),
    ...state.media.values(),
    ...state.terms.values(),
  ])
    need('program', state.programs, sub.program?.id, sub.id);
  for (const variant of state.variants.values())
    need('terms', state.terms, variant.programTermsAndConditions?.id, variant.id);
  for (const certificate of state.certificates.values()) {
    need('program', state.programs, certificate.program?.id, certificate.id);
    need('client', state.accounts, certificate.client?.id, certificate.id);
  }
  for (const enrollment of state.enrollments.values()) {
    need('program', state.programs, enrollment.program?.id, enrollment.id);
    need('certificate', state.certificates, enrollment.certificate?.id, enrollment.id);
  }
  for (const attachment of state.attachments.values())
    need('enrollment', state.enrollments, attachment.enrollment?.id, attachment.id);

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
    // The actor signs audit events as a short reference; `currentAccount` is the assignee's.
    const { currentAccount: _currentAccount, ...signer } = user;
    state.tokens.set(token.token, {
      role: token.role,
      user: signer,
      ...(account ? { account: accountRef(account) } : {}),
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
    'vendor',
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
    templates: [...state.templates.values()],
    parameters: [...state.parameters.values()],
    parameterGroups: [...state.parameterGroups.values()],
    documents: [...state.documents.values()],
    media: [...state.media.values()],
    terms: [...state.terms.values()],
    variants: [...state.variants.values()],
    attachments: [...state.attachments.values()],
    files: [...state.files.values()],
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

/**
 * The client account and its buyer and licensee carry the ids of the vendor's own test tenant
 * (its public end-to-end configuration), so a suite written against that tenant finds them.
 */
const accounts: Account[] = [
  {
    id: 'ACC-3102-5475',
    name: 'Microsoft',
    type: 'Vendor',
    status: 'Enabled',
    icon: '/v1/accounts/accounts/ACC-3102-5475/icon',
  },
  { id: 'ACC-2741-3388', name: 'Adobe', type: 'Vendor', status: 'Enabled' },
  {
    id: 'ACC-1086-6867',
    name: 'Oscorp Industries',
    type: 'Client',
    status: 'Active',
    icon: '/v1/accounts/accounts/ACC-1086-6867/icon',
  },
  { id: 'ACC-5530-9172', name: 'Wayne Enterprises', type: 'Client', status: 'Active' },
  // The operations account the operations user acts for (invented id; decision 0061).
  { id: 'ACC-0000-0001', name: 'SoftwareOne', type: 'Operations', status: 'Active' },
];
// Addresses in the Accounts API's shape (addressLine1, addressLine2, postCode, city, state, country).
const wayneAddress = {
  addressLine1: '1007 Mountain Drive',
  addressLine2: null,
  postCode: '10001',
  city: 'Gotham',
  state: 'NJ',
  country: 'US',
};
const buyers: Buyer[] = [
  {
    id: 'BUY-1591-2112',
    name: 'Oscorp EU',
    client: 'ACC-1086-6867',
    address: {
      addressLine1: '12 Harbour Street',
      addressLine2: 'Floor 3',
      postCode: 'D02 X285',
      city: 'Dublin',
      state: null,
      country: 'IE',
    },
  },
  {
    id: 'BUY-3310-7781',
    name: 'Wayne Enterprises Buyer',
    client: 'ACC-5530-9172',
    address: wayneAddress,
  },
];
const licensees: Licensee[] = [
  {
    id: 'LCE-5758-4071-6507',
    name: 'Oscorp Canada Limited',
    externalId: 'WW-CON-12345678',
    client: 'ACC-1086-6867',
    address: {
      addressLine1: '250 Front Street West',
      addressLine2: 'Suite 400',
      postCode: 'M5V 3G5',
      city: 'Toronto',
      state: 'ON',
      country: 'CA',
    },
  },
  {
    id: 'LCE-8821-3390-1174',
    name: 'Wayne Enterprises Licensee',
    client: 'ACC-5530-9172',
    address: wayneAddress,
  },
];
const [microsoft, adobe, oscorp, wayne, softwareOne] = accounts as [
  Account,
  Account,
  Account,
  Account,
  Account,
];

/** The users as the fixture knows them, each with the `currentAccount` it acts for. */
const knownUsers = {
  ops: { ...users.ops, currentAccount: accountRef(softwareOne) },
  vendor: { ...users.vendor, currentAccount: accountRef(microsoft) },
  client: { ...users.client, currentAccount: accountRef(oscorp) },
} satisfies Record<string, UserRef>;

interface ProgramSpec {
  id: string;
  name: string;
  status: StoredProgram['status'];
  applicableTo: StoredProgram['applicableTo'];
  vendor: Account;
  created: number;
  settings?: Partial<StoredProgram['settings']>;
  /** Whether the Partner Network ID must be given. */
  mpnRequired: boolean;
  /**
   * Names of the objects the vendor's end-to-end suite finds by name on its test tenant
   * (docs/decisions/0015): only the program that tenant has.
   */
  tenant?: { parameter: string; group: string; template: string };
}

const programSpecs: ProgramSpec[] = [
  {
    id: 'PRG-9643-3741',
    name: 'E2E Seeded Program',
    status: 'Published',
    applicableTo: 'Licensee',
    vendor: microsoft,
    created: -400,
    // The vendor's own e2e suite enrolls with `parameters.ordering: []`.
    mpnRequired: false,
    tenant: {
      parameter: 'E2E Seeded Program Parameter',
      group: 'E2E Seeded Program Parameter Group',
      template: 'E2E Seeded Program Template',
    },
  },
  {
    id: 'PRG-4127-5580',
    name: 'Microsoft Education Partner',
    status: 'Published',
    applicableTo: 'Buyer',
    vendor: microsoft,
    created: -300,
    settings: {
      newCertificateAutoapprove: true,
      preValidation: { enrollmentDraft: true, enrollmentQuerying: true, reEnrollment: true },
    },
    mpnRequired: true,
  },
  {
    id: 'PRG-7315-2204',
    name: 'Microsoft Security Specialist',
    status: 'Draft',
    applicableTo: 'Licensee',
    vendor: microsoft,
    created: -10,
    mpnRequired: true,
  },
  {
    id: 'PRG-8862-1093',
    name: 'Microsoft Legacy Reseller',
    status: 'Unpublished',
    applicableTo: 'Licensee',
    vendor: microsoft,
    created: -700,
    mpnRequired: true,
  },
  {
    id: 'PRG-5190-6634',
    name: 'Adobe Creative Partner',
    status: 'Published',
    applicableTo: 'Buyer',
    vendor: adobe,
    created: -200,
    mpnRequired: false,
  },
];

/** A one-page PDF and a 1x1 PNG: the files the seeded documents, media and icons carry. */
const samplePdf =
  'JVBERi0xLjQKMSAwIG9iajw8L1R5cGUvQ2F0YWxvZy9QYWdlcyAyIDAgUj4+ZW5kb2JqCjIgMCBvYmo8PC9UeXBlL1BhZ2VzL0tpZHNbMyAwIFJdL0NvdW50IDE+PmVuZG9iagozIDAgb2JqPDwvVHlwZS9QYWdlL1BhcmVudCAyIDAgUi9NZWRpYUJveFswIDAgNTk1IDg0Ml0+PmVuZG9iagp0cmFpbGVyPDwvUm9vdCAxIDAgUj4+CiUlRU9GCg==';
const samplePng =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgqLjyHwAEFAJMURtfXQAAAABJRU5ErkJggg==';
const bytesOf = (base64: string) =>
  Math.floor((base64.length * 3) / 4) - (base64.endsWith('==') ? 2 : base64.endsWith('=') ? 1 : 0);
const file = (
  owner: string,
  filename: string,
  base64: string,
  contentType: string,
): StoredFile => ({
  owner,
  filename,
  contentType,
  size: bytesOf(base64),
  base64,
});

const templateContent = {
  EnrollmentProcessing: 'The enrollment of {{client.name}} in {{program.name}} is being processed.',
  EnrollmentQuerying: 'Please send the Microsoft Partner Network ID of {{client.name}}.',
  EnrollmentCompleted: '{{client.name}} is now certified for {{program.name}}.',
} as const;

/**
 * Programs in every status with their templates, parameters and groups; certificates in every
 * status (one Active certificate expires within 30 days); enrollments in every status. All
 * dated relative to `now`, so the seed stays realistic whenever it is loaded.
 */
export function defaultProgramSeed(now: Date): ProgramSeed {
  const day = (offset: number) => utcDate(new Date(now.getTime() + offset * 86_400_000));
  const at = (offset: number) => new Date(now.getTime() + offset * 86_400_000).toISOString();
  const event = (offset: number, by: UserRef = users.ops) => ({ at: at(offset), by });

  const programs: StoredProgram[] = [];
  const templates: StoredTemplate[] = [];
  const parameters: StoredParameter[] = [];
  const parameterGroups: StoredParameterGroup[] = [];
  const documents: StoredDocument[] = [];
  const media: StoredMedia[] = [];
  const terms: StoredTerms[] = [];
  const variants: StoredVariant[] = [];
  const files: StoredFile[] = [];
  for (const spec of programSpecs) {
    const digits = spec.id.slice(4);
    const audit = {
      created: event(spec.created, users.vendor),
      updated: event(spec.created + 1, users.vendor),
      ...(spec.status !== 'Draft' ? { published: event(spec.created + 1, users.vendor) } : {}),
      ...(spec.status === 'Unpublished' ? { unpublished: event(-30, users.vendor) } : {}),
    };
    const program: StoredProgram = {
      id: spec.id,
      href: paths.program(spec.id),
      name: spec.name,
      revision: spec.status === 'Unpublished' ? 3 : spec.status === 'Draft' ? 1 : 2,
      shortDescription: `${spec.name}: eligibility program run by ${spec.vendor.name}.`,
      longDescription: `Organisations that meet the requirements of ${spec.name} may buy and resell ${spec.vendor.name} products under it.`,
      website: `https://partners.example.com/${digits}`,
      icon: `${paths.program(spec.id)}/icon`,
      status: spec.status,
      applicableTo: spec.applicableTo,
      eligibility: { client: true, partner: spec.applicableTo === 'Buyer' },
      products: [],
      vendor: accountRef(spec.vendor),
      settings: {
        newCertificateAutoapprove: false,
        programEnrollment: true,
        programLink: false,
        terminateOnExpiration: { enabled: false, duration: null },
        preValidation: { enrollmentDraft: false, enrollmentQuerying: false, reEnrollment: false },
        ...spec.settings,
      },
      statistics: { certificates: 0 },
      audit,
    };
    programs.push(program);
    files.push(file(spec.id, 'icon.png', samplePng, 'image/png'));
    const ref = { id: program.id, href: program.href, name: program.name };
    const subAudit = { created: audit.created, updated: audit.created };
    const template = (n: string, name: string, type: StoredTemplate['type'], isDefault: boolean) =>
      templates.push({
        id: `PTM-${digits}-${n}`,
        href: paths.sub(spec.id, 'templates', `PTM-${digits}-${n}`),
        name,
        content: templateContent[type],
        default: isDefault,
        type,
        status: 'Active',
        program: ref,
        audit: subAudit,
      });
    template('0001', 'Enrollment received', 'EnrollmentProcessing', true);
    template('0002', 'Missing partner id', 'EnrollmentQuerying', true);
    template('0003', 'Successful activation', 'EnrollmentCompleted', true);
    templates.push({
      id: `PTM-${digits}-0004`,
      href: paths.sub(spec.id, 'templates', `PTM-${digits}-0004`),
      name: spec.tenant?.template ?? 'Certificate document',
      content: `# {{program.name}}\n\nThis certifies that **{{client.name}}** meets the requirements of {{program.name}}.\n\nCertificate {{certificate.id}}, status {{status}}, valid until {{expirationDate}}.\nPartner Network ID: {{parameters.MPNID}}\n`,
      default: false,
      type: 'EnrollmentCompleted',
      status: 'Active',
      program: ref,
      audit: subAudit,
    });
    parameterGroups.push(
      {
        id: `PPG-${digits}-0001`,
        href: paths.sub(spec.id, 'parameter-groups', `PPG-${digits}-0001`),
        name: 'General',
        label: 'General information',
        displayOrder: 10,
        default: true,
        parameterCount: 1,
        program: ref,
        audit: subAudit,
      },
      {
        id: `PPG-${digits}-0002`,
        href: paths.sub(spec.id, 'parameter-groups', `PPG-${digits}-0002`),
        name: spec.tenant?.group ?? 'Partner details',
        label: 'Tell us about your organisation',
        description: 'Identifiers of the enrolling partner.',
        displayOrder: 20,
        default: false,
        parameterCount: 1,
        program: ref,
        audit: subAudit,
      },
    );
    parameters.push(
      {
        id: `PPM-${digits}-0001`,
        href: paths.sub(spec.id, 'parameters', `PPM-${digits}-0001`),
        name: spec.tenant?.parameter ?? 'Microsoft Partner Network ID',
        description: 'The partner network id of the enrolling organisation.',
        group: { id: `PPG-${digits}-0002`, name: spec.tenant?.group ?? 'Partner details' },
        scope: 'Enrollment',
        phase: 'Order',
        externalId: 'MPNID',
        displayOrder: 10,
        constraints: { hidden: false, readonly: false, required: spec.mpnRequired, unique: true },
        options: { hintText: 'Seven digits', placeholderText: '6527247' },
        type: 'SingleLineText',
        status: 'Active',
        program: ref,
        audit: subAudit,
      },
      {
        id: `PPM-${digits}-0002`,
        href: paths.sub(spec.id, 'parameters', `PPM-${digits}-0002`),
        name: 'Tenant Id',
        description: 'The Microsoft Entra tenant of the partner, filled in by the vendor.',
        group: { id: `PPG-${digits}-0001`, name: 'General' },
        scope: 'Enrollment',
        phase: 'Fulfillment',
        externalId: 'tenant_id',
        displayOrder: 20,
        constraints: { hidden: true, readonly: false, required: false, unique: false },
        type: 'SingleLineText',
        status: 'Active',
        program: ref,
        audit: subAudit,
      },
    );
  }
  // The content of the vendor's test tenant program: a document, an image, published terms.
  {
    const p = programs.find((x) => x.id === 'PRG-9643-3741')!;
    const ref = { id: p.id, href: p.href, name: p.name };
    const audit = {
      created: event(-399, users.vendor),
      updated: event(-398, users.vendor),
      published: event(-398, users.vendor),
    };
    const documentId = 'PDM-9643-3741-0001';
    documents.push({
      id: documentId,
      href: paths.sub(p.id, 'documents', documentId),
      name: 'E2E Seeded Program Document',
      type: 'File',
      description: 'Programme guide for partners.',
      status: 'Published',
      filename: 'empty.pdf',
      size: bytesOf(samplePdf),
      contentType: 'application/pdf',
      url: paths.sub(p.id, 'documents', documentId),
      language: 'en-us',
      program: ref,
      audit,
    });
    files.push(file(documentId, 'empty.pdf', samplePdf, 'application/pdf'));
    const mediaId = 'PMD-9643-3741-0001';
    media.push({
      id: mediaId,
      href: paths.sub(p.id, 'media', mediaId),
      name: 'E2E Seeded Program Media',
      type: 'Image',
      description: 'Programme logo.',
      status: 'Published',
      filename: 'logo.png',
      size: bytesOf(samplePng),
      contentType: 'image/png',
      displayOrder: 1,
      url: `${paths.sub(p.id, 'media', mediaId)}/image`,
      program: ref,
      audit,
    });
    files.push(file(mediaId, 'logo.png', samplePng, 'image/png'));
    const termsId = 'PTC-9643-3741-0001';
    terms.push({
      id: termsId,
      href: paths.sub(p.id, 'terms', termsId),
      name: 'E2E Seeded Program Terms',
      description: 'The partner agreement every certificate holder accepts.',
      displayOrder: 10,
      status: 'Published',
      program: ref,
      audit,
    });
    const variantId = 'PTV-9643-3741-0001-0001';
    variants.push({
      id: variantId,
      href: `${paths.sub(p.id, 'terms', termsId)}/variants/${variantId}`,
      type: 'Online',
      assetUrl: 'https://partners.example.com/terms/en',
      languageCode: 'en-us',
      name: 'E2E Seeded Program Terms Variant',
      description: 'The agreement in English.',
      status: 'Published',
      filename: null,
      size: null,
      contentType: null,
      programTermsAndConditions: { id: termsId, name: 'E2E Seeded Program Terms' },
      program: ref,
      audit,
    });
  }
  const byId = new Map(programs.map((p) => [p.id, p]));

  const parametersFor = (p: StoredProgram, mpn: string | undefined) => {
    const value = (d: StoredParameter, v: string | undefined): ParameterValue => ({
      id: d.id,
      externalId: d.externalId ?? null,
      name: d.name,
      type: d.type,
      phase: d.phase,
      constraints: d.constraints,
      ...(v ? { value: v, displayValue: v } : {}),
    });
    const own = parameters.filter((d) => d.program.id === p.id);
    return {
      ordering: own.filter((d) => d.phase === 'Order').map((d) => value(d, mpn)),
      fulfillment: own
        .filter((d) => d.phase === 'Fulfillment')
        .map((d) => value(d, '69b73824-ce76-4866-ad47-b615ae9d8998')),
    };
  };

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
    p.statistics = { certificates: (p.statistics.certificates ?? 0) + 1 };
    const scope =
      p.applicableTo === 'Buyer'
        ? {
            buyer: buyerRef(
              buyers.find((b) => b.client === spec.client.id)!,
              accountRef(spec.client),
            ),
          }
        : {
            licensee: licenseeRef(
              licensees.find((l) => l.client === spec.client.id)!,
              accountRef(spec.client),
            ),
          };
    const params = parametersFor(p, 'MPN-6527247');
    const templateOf = (id: string) => {
      const t = templates.find((x) => x.id === id)!;
      return { id: t.id, href: t.href, name: t.name, type: t.type };
    };
    const digits = p.id.slice(4);
    const certificateAudit: StoredCertificate['audit'] = {
      created: event(spec.created, users.client),
      updated: event(spec.created, users.client),
      pending: event(spec.created, users.client),
    };
    let revision = 1;
    const mark = (name: string, value: { at: string; by: UserRef }) => {
      certificateAudit[name] = certificateAudit.updated = value;
      revision++;
    };
    if (
      ['Active', 'Expired', 'Updating'].includes(spec.status) ||
      (spec.status === 'Terminated' && spec.enrollmentStatus !== 'Failed')
    )
      mark('activated', event(spec.created + 2, users.vendor));
    if (spec.status === 'Updating') mark('updating', event(-3, users.client));
    if (spec.status === 'Terminated') mark('terminated', event(spec.created + 3, users.vendor));
    if (spec.status === 'Expired')
      mark('expired', {
        at: `${day((spec.expires ?? 0) + 1)}T00:00:00.000Z`,
        by: systemActor.user,
      });
    const programRef = {
      id: p.id,
      href: p.href,
      name: p.name,
      revision: p.revision,
      icon: p.icon ?? null,
      status: p.status,
      applicableTo: p.applicableTo,
      vendor: p.vendor,
    };
    certificates.push({
      id: spec.certificate,
      href: paths.certificate(spec.certificate),
      name: `${p.name} - ${spec.client.name}`,
      revision,
      program: programRef,
      vendor: p.vendor,
      client: accountRef(spec.client),
      applicableTo: p.applicableTo,
      ...scope,
      eligibility: { ...p.eligibility },
      externalIds:
        spec.status === 'Pending'
          ? {}
          : { vendor: `ven-${spec.certificate.slice(4, 8)}-${spec.certificate.slice(9, 13)}` },
      status: spec.status,
      ...(spec.notes && spec.status === 'Terminated' ? { statusNotes: spec.notes } : {}),
      ...(spec.expires !== undefined ? { expirationDate: day(spec.expires) } : {}),
      ...(spec.status !== 'Pending' ? { template: templateOf(`PTM-${digits}-0004`) } : {}),
      parameters: params,
      terms: [],
      audit: certificateAudit,
    });
    const created = event(spec.type === 'Change' ? -3 : spec.created, users.client);
    const enrollmentAudit: StoredEnrollment['audit'] = {
      created,
      updated: created,
      processing: created,
    };
    let enrollmentRevision = 2;
    const step = (name: string, value: { at: string; by: UserRef }) => {
      enrollmentAudit[name] = enrollmentAudit.updated = value;
      enrollmentRevision++;
    };
    if (spec.enrollmentStatus === 'Querying') step('querying', event(-1, users.vendor));
    if (spec.enrollmentStatus === 'Completed')
      step('completed', event(spec.created + 2, users.vendor));
    if (spec.enrollmentStatus === 'Failed') step('failed', event(spec.created + 3, users.vendor));
    enrollments.push({
      id: spec.enrollment,
      href: paths.enrollment(spec.enrollment),
      name: `${p.name} - ${spec.client.name}`,
      revision: enrollmentRevision,
      type: spec.type ?? 'New',
      status: spec.enrollmentStatus,
      certificate: {
        id: spec.certificate,
        href: paths.certificate(spec.certificate),
        name: `${p.name} - ${spec.client.name}`,
      },
      program: programRef,
      vendor: p.vendor,
      applicableTo: p.applicableTo,
      ...scope,
      eligibility: { ...p.eligibility },
      parameters: params,
      ...(spec.enrollmentStatus === 'Processing' ? { assignee: knownUsers.vendor } : {}),
      ...(spec.enrollmentStatus === 'Querying'
        ? { template: templateOf(`PTM-${digits}-0002`) }
        : {}),
      ...(spec.enrollmentStatus === 'Completed'
        ? { template: templateOf(`PTM-${digits}-0003`) }
        : {}),
      ...(spec.notes && spec.enrollmentStatus === 'Failed'
        ? { statusNotes: { message: spec.notes } }
        : {}),
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
    users: [knownUsers.ops, knownUsers.vendor, knownUsers.client, systemActor.user],
    buyers,
    licensees,
    tokens: [
      { token: seedTokens.operations, role: 'operations', user: users.ops.id },
      { token: seedTokens.vendor, role: 'vendor', user: users.vendor.id, account: microsoft.id },
      { token: seedTokens.client, role: 'client', user: users.client.id, account: oscorp.id },
    ],
    programs,
    templates,
    parameters,
    parameterGroups,
    documents,
    media,
    terms,
    variants,
    attachments: [
      {
        id: 'ENA-3965-5056-7966-0001',
        href: `${paths.enrollment('ENR-3965-5056-7966')}/attachments/ENA-3965-5056-7966-0001`,
        name: 'E2E Seeded Program Enrollment Attachment',
        description: 'Proof of partner status.',
        type: 'File',
        filename: 'empty.pdf',
        size: bytesOf(samplePdf),
        contentType: 'application/pdf',
        enrollment: { id: 'ENR-3965-5056-7966', href: paths.enrollment('ENR-3965-5056-7966') },
        audit: { created: event(-160, users.client), updated: event(-160, users.client) },
      },
    ],
    files: [...files, file('ENA-3965-5056-7966-0001', 'empty.pdf', samplePdf, 'application/pdf')],
    certificates,
    enrollments,
  };
}
