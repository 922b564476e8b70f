/**
 * Checking a fixture before it replaces anything (`POST /__control/seed`, `--seed`, a state
 * file): every stored object against the spec's schema for its kind, plus the kit's own
 * invariants (tokens present, ids unique, references resolve). Statuses are legal because the
 * spec's enums say so. Every problem is listed, none stops the check.
 *
 * Driven by two tables: a new kind of stored object is one row in `kinds` (and its references
 * rows in `references`); nothing here restates a schema of the spec.
 */
import {
  documents,
  isRecord,
  ownValidator,
  type ApiName,
  type SchemaError,
} from '../schema/index.js';

type Section = 'program' | 'partnerCenter';

interface Kind {
  section: Section;
  key: string;
  /** The spec's schema of the stored object (what the API serves). */
  spec?: readonly [ApiName, string];
  /** The kit's own fields on top of it, as JSON Schema (what the API never shows). */
  own?: Record<string, unknown>;
  /** The field holding the unique key (default `id`). */
  id?: string;
  /** The section needs at least one (a world without tokens answers nothing but 401). */
  atLeastOne?: boolean;
}

/** An object schema; a required field the spec already shapes is listed as `{}` (strict mode). */
const object = (properties: Record<string, unknown>, required: string[] = []) => ({
  type: 'object',
  properties: { ...Object.fromEntries(required.map((key) => [key, {}])), ...properties },
  required,
});
const text = { type: 'string', minLength: 1 };
const refOf = (api: ApiName, schema: string) => ({ $ref: `${api}#/components/schemas/${schema}` });

const kinds: readonly Kind[] = [
  {
    section: 'program',
    key: 'tokens',
    id: 'token',
    atLeastOne: true,
    own: {
      ...object(
        {
          token: text,
          role: { enum: ['operations', 'vendor', 'client'] },
          user: text,
          account: text,
        },
        ['token', 'role', 'user'],
      ),
      additionalProperties: false,
    },
  },
  {
    section: 'program',
    key: 'accounts',
    spec: ['program-api', 'AccountRef'],
    own: object(
      {
        type: { enum: ['Vendor', 'Client', 'Operations'] },
        status: { enum: ['Active', 'Enabled', 'Disabled'] },
      },
      ['id', 'type', 'status'],
    ),
  },
  { section: 'program', key: 'users', spec: ['program-api', 'UserRef'], own: object({}, ['id']) },
  {
    section: 'program',
    key: 'buyers',
    spec: ['program-api', 'BuyerRef'],
    own: object({ client: text }, ['id', 'client']),
  },
  {
    section: 'program',
    key: 'licensees',
    spec: ['program-api', 'LicenseeRef'],
    own: object({ client: text }, ['id', 'client']),
  },
  { section: 'program', key: 'programs', spec: ['program-api', 'Program'] },
  { section: 'program', key: 'templates', spec: ['program-api', 'ProgramTemplate'] },
  { section: 'program', key: 'parameters', spec: ['program-api', 'ProgramParameter'] },
  { section: 'program', key: 'parameterGroups', spec: ['program-api', 'ProgramParameterGroup'] },
  { section: 'program', key: 'documents', spec: ['program-api', 'ProgramDocument'] },
  { section: 'program', key: 'media', spec: ['program-api', 'ProgramMedia'] },
  { section: 'program', key: 'terms', spec: ['program-api', 'ProgramTerms'] },
  {
    section: 'program',
    key: 'variants',
    spec: ['program-api', 'ProgramTermsVariant'],
    own: object({ program: refOf('program-api', 'ProgramRef') }, ['id', 'program']),
  },
  { section: 'program', key: 'attachments', spec: ['program-api', 'EnrollmentAttachment'] },
  {
    section: 'program',
    key: 'files',
    id: 'owner',
    own: {
      ...object(
        {
          owner: text,
          filename: text,
          contentType: text,
          size: { type: 'integer', minimum: 0 },
          base64: { type: 'string', pattern: '^[A-Za-z0-9+/]*={0,2}$' },
        },
        ['owner', 'filename', 'contentType', 'size', 'base64'],
      ),
      additionalProperties: false,
    },
  },
  { section: 'program', key: 'certificates', spec: ['program-api', 'Certificate'] },
  { section: 'program', key: 'enrollments', spec: ['program-api', 'Enrollment'] },
  {
    section: 'partnerCenter',
    key: 'tokens',
    id: 'token',
    atLeastOne: true,
    own: {
      ...object({ token: text, role: { enum: ['partner', 'reader'] }, name: text }, [
        'token',
        'role',
      ]),
      additionalProperties: false,
    },
  },
  {
    section: 'partnerCenter',
    key: 'customers',
    spec: ['partner-center', 'Customer'],
    own: object(
      {
        qualifications: { type: 'array', items: refOf('partner-center', 'CustomerQualification') },
        educationRequests: { type: 'integer', minimum: 0 },
      },
      ['id'],
    ),
  },
  {
    section: 'partnerCenter',
    key: 'requests',
    id: 'key',
    own: {
      ...object(
        {
          token: text,
          requestId: text,
          request: { type: 'string' },
          answer: object(
            {
              status: { type: 'integer', minimum: 100, maximum: 599 },
              headers: { type: 'object', additionalProperties: { type: 'string' } },
              body: { type: 'string' },
            },
            ['status', 'headers'],
          ),
        },
        ['token', 'requestId', 'request', 'answer'],
      ),
      additionalProperties: false,
    },
  },
  {
    section: 'partnerCenter',
    key: 'validationCodes',
    spec: ['partner-center', 'ValidationCode'],
    id: 'validationId',
  },
];

/** `[from collection, dotted path of the id it holds, the collection it must name, required]`. */
const references: readonly (readonly [string, string, string, boolean])[] = [
  ['program.tokens', 'user', 'program.users', true],
  ['program.tokens', 'account', 'program.accounts', false],
  ['program.buyers', 'client', 'program.accounts', true],
  ['program.licensees', 'client', 'program.accounts', true],
  ['program.programs', 'vendor.id', 'program.accounts', true],
  ['program.certificates', 'program.id', 'program.programs', true],
  ['program.certificates', 'client.id', 'program.accounts', true],
  ['program.certificates', 'buyer.id', 'program.buyers', false],
  ['program.certificates', 'licensee.id', 'program.licensees', false],
  ['program.enrollments', 'program.id', 'program.programs', true],
  ['program.enrollments', 'certificate.id', 'program.certificates', true],
  ['program.templates', 'program.id', 'program.programs', true],
  ['program.parameters', 'program.id', 'program.programs', true],
  ['program.parameters', 'group.id', 'program.parameterGroups', false],
  ['program.parameterGroups', 'program.id', 'program.programs', true],
  ['program.documents', 'program.id', 'program.programs', true],
  ['program.media', 'program.id', 'program.programs', true],
  ['program.terms', 'program.id', 'program.programs', true],
  ['program.variants', 'programTermsAndConditions.id', 'program.terms', true],
  ['program.attachments', 'enrollment.id', 'program.enrollments', true],
];

/**
 * The references a fixture must resolve, `[from, dotted path, to, required]` (for tools that
 * build fixtures: `seed from-har` stubs the objects they name).
 */
export const fixtureReferences: readonly (readonly [string, string, string, boolean])[] =
  references;

/** Single values a section carries beside its collections. */
const scalars: readonly { section: Section; key: string; schema: Record<string, unknown> }[] = [
  { section: 'partnerCenter', key: 'headerIds', schema: { type: 'integer', minimum: 0 } },
];

const sections: readonly Section[] = ['program', 'partnerCenter'];

/** The fixture's layout as one JSON Schema built from the table (compiled once). */
function fixtureSchema(): Record<string, unknown> {
  const section = (name: Section) => {
    const own = kinds.filter((kind) => kind.section === name);
    return {
      type: 'object',
      additionalProperties: false,
      required: own.filter((kind) => kind.atLeastOne).map((kind) => kind.key),
      properties: Object.fromEntries([
        ...scalars.filter((x) => x.section === name).map((x) => [x.key, x.schema]),
        ...own.map((kind) => {
          const parts = [kind.spec && refOf(...kind.spec), kind.own].filter(Boolean);
          return [
            kind.key,
            {
              type: 'array',
              ...(kind.atLeastOne ? { minItems: 1 } : {}),
              items: parts.length === 1 ? parts[0] : { allOf: parts },
            },
          ];
        }),
      ]),
    };
  };
  return {
    type: 'object',
    additionalProperties: false,
    required: [...sections],
    properties: {
      now: { type: 'string', format: 'date-time' },
      randomSeed: { type: 'integer' },
      ...Object.fromEntries(sections.map((name) => [name, section(name)])),
    },
  };
}

const at = (value: unknown, path: string): unknown =>
  path
    .split('.')
    .reduce<unknown>((current, key) => (isRecord(current) ? current[key] : undefined), value);

function collection(fixture: unknown, dotted: string): unknown[] {
  const list = at(fixture, dotted);
  return Array.isArray(list) ? list : [];
}

/** `/program/certificates/3/status` as `program.certificates[3] (CER-...) /status`. */
function where(fixture: unknown, instancePath: string): string {
  const segments = instancePath.split('/').slice(1);
  if (segments.length === 0) return 'the fixture';
  const [section, key, index, ...rest] = segments;
  if (index === undefined || !/^\d+$/.test(index)) return segments.join('.');
  const item = collection(fixture, `${section}.${key}`)[Number(index)];
  const kind = kinds.find((k) => k.section === section && k.key === key);
  const id = isRecord(item) ? item[kind?.id ?? 'id'] : undefined;
  const name = `${section}.${key}[${index}]${typeof id === 'string' ? ` (${id})` : ''}`;
  return rest.length > 0 ? `${name} /${rest.join('/')}` : name;
}

function describe(error: SchemaError): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'enum' && Array.isArray(params.allowedValues))
    return `must be one of ${params.allowedValues.join(', ')}`;
  if (error.keyword === 'additionalProperties')
    return `has ${String(params.additionalProperty)}, which is not a field here`;
  return error.message ?? 'is invalid';
}

const LIMIT = 50;

/** The member an instance path names: its parent object and key (undefined for the root). */
function memberAt(
  root: unknown,
  instancePath: string,
): [Record<string, unknown>, string] | undefined {
  const segments = instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const key = segments.pop();
  if (key === undefined) return undefined;
  const parent = segments.reduce<unknown>(
    (current, segment) =>
      Array.isArray(current)
        ? current[Number(segment)]
        : isRecord(current)
          ? current[segment]
          : undefined,
    root,
  );
  return isRecord(parent) ? [parent, key] : undefined;
}

/**
 * The fixture with every `null` left out where the spec lets the member be absent but does not
 * allow null (decision 0050): a tool that writes `"terms": null` for "no terms" means absent,
 * and the kit then serves what the spec says (no member) instead of refusing the fixture. A
 * null where the member is required stays, and is refused as before. The fixture given is not
 * changed; a copy is made only when there is a null to leave out.
 */
export function withoutOptionalNulls(fixture: unknown): unknown {
  return leaveOutOptionalNulls(fixture).fixture;
}

/** As `withoutOptionalNulls`; `valid` when the fixture given passed the schema as it is. */
function leaveOutOptionalNulls(fixture: unknown): { fixture: unknown; valid?: true } {
  const validate = ownValidator('fixture', fixtureSchema);
  if (validate(fixture)) return { fixture, valid: true };
  const nulls = (validate.errors ?? []).filter((error) => {
    if (error.keyword !== 'type') return false;
    const member = memberAt(fixture, error.instancePath);
    return member !== undefined && !Array.isArray(member[0]) && member[0][member[1]] === null;
  });
  if (nulls.length === 0) return { fixture };
  const copy: unknown = JSON.parse(JSON.stringify(fixture));
  const dropped = new Set<string>();
  for (const error of nulls) {
    const member = memberAt(copy, error.instancePath);
    if (member && member[0][member[1]] === null) {
      delete member[0][member[1]];
      dropped.add(error.instancePath);
    }
  }
  // A null whose member turns out to be required goes back: "must be string" says more than
  // "must have required property".
  validate(copy);
  for (const error of validate.errors ?? []) {
    if (error.keyword !== 'required') continue;
    const path = `${error.instancePath}/${String((error.params as { missingProperty: string }).missingProperty)}`;
    if (!dropped.has(path)) continue;
    const member = memberAt(copy, path);
    if (member) member[0][member[1]] = null;
  }
  return { fixture: copy };
}

/** Every problem of a fixture (empty: it may replace the world), after `withoutOptionalNulls`. */
export function fixtureProblems(fixture: unknown): string[] {
  return checkFixture(fixture).problems;
}

let checkerId: string | undefined;
/**
 * What this kit checks a fixture against, as a short fingerprint (FNV-1a of the fixture schema
 * and of both documents): a state file stamped with it was written by a kit that checks exactly
 * so, and its seal says it is unchanged since, so a restart need not check it again.
 */
export function fixtureCheckerId(): string {
  if (checkerId === undefined) {
    const text = JSON.stringify([fixtureSchema(), documents]);
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    checkerId = `fnv1a:${(hash >>> 0).toString(16).padStart(8, '0')}:${text.length}`;
  }
  return checkerId;
}

/** The fixture to load (optional nulls left out) and its problems (empty: it may be loaded). */
export function checkFixture(given: unknown): { fixture: unknown; problems: string[] } {
  const { fixture, valid } = leaveOutOptionalNulls(given);
  const problems: string[] = [];
  const validate = ownValidator('fixture', fixtureSchema);
  // Validated once: a big fixture (100,000 certificates) costs a second pass otherwise.
  if (!valid && !validate(fixture)) {
    const seen = new Set<string>();
    for (const error of validate.errors ?? []) {
      // allOf over a $ref repeats the same complaint; keep each once.
      const line = `${where(fixture, error.instancePath)} ${describe(error)}`;
      if (!seen.has(line)) problems.push(line);
      seen.add(line);
    }
  }
  const keys = new Map<string, Set<string>>();
  for (const kind of kinds) {
    const name = `${kind.section}.${kind.key}`;
    const ids = new Set<string>();
    collection(fixture, name).forEach((item, i) => {
      const id = isRecord(item) ? item[kind.id ?? 'id'] : undefined;
      if (typeof id !== 'string') return;
      if (ids.has(id))
        problems.push(`${name}[${i}] (${id}) has the same ${kind.id ?? 'id'} as an earlier one`);
      ids.add(id);
    });
    keys.set(name, ids);
  }
  for (const [from, path, to, required] of references) {
    // Per reference, not per item: 100,000 certificates are read here several times over.
    const steps = path.split('.');
    const known = keys.get(to);
    const label = (item: unknown, i: number) => {
      const own = isRecord(item) ? (item.id ?? item.token) : undefined;
      return `${from}[${i}]${typeof own === 'string' ? ` (${own})` : ''}`;
    };
    collection(fixture, from).forEach((item, i) => {
      let id: unknown = item;
      for (const step of steps) id = isRecord(id) ? id[step] : undefined;
      if (id === undefined || id === null) {
        if (required) problems.push(`${label(item, i)} needs ${path} (one of ${to})`);
      } else if (typeof id === 'string' && !known?.has(id)) {
        problems.push(`${label(item, i)} ${path} ${id} is not in ${to}`);
      }
    });
  }
  return {
    fixture,
    problems:
      problems.length > LIMIT
        ? [...problems.slice(0, LIMIT), `... and ${problems.length - LIMIT} more`]
        : problems,
  };
}

/** The collections the table knows, per section (a test holds it to what the state holds). */
export const fixtureCollections = (section: Section): string[] => [
  ...kinds.filter((kind) => kind.section === section).map((kind) => kind.key),
  ...scalars.filter((x) => x.section === section).map((x) => x.key),
];

/**
 * Each stored collection with the JSON Schema its objects are checked against (the spec's and
 * the kit's own, as `allOf`), for tools that generate fixtures (the property tests).
 */
export function storedKinds(): readonly {
  section: Section;
  key: string;
  schema: unknown;
  /** Members the kit needs although the spec may not (references that must resolve). */
  references: string[];
}[] {
  return kinds.map((kind) => {
    const parts = [kind.spec && refOf(...kind.spec), kind.own].filter(Boolean);
    const name = `${kind.section}.${kind.key}`;
    return {
      section: kind.section,
      key: kind.key,
      schema: { allOf: parts },
      references: references.filter((r) => r[0] === name && r[3]).map((r) => r[1].split('.')[0]!),
    };
  });
}
