import { describe, expect, it } from 'vitest';
import {
  applySelect,
  checkSelect,
  parseListQuery,
  parseSelect,
  type SelectFields,
  type SelectSpec,
} from './index.js';

const cert = {
  id: 'CER-9646-2171-8417',
  href: '/v1/program/certificates/CER-9646-2171-8417',
  name: 'Alpha Gold',
  program: {
    id: 'PRG-9643-3741',
    href: '/v1/program/programs/PRG-9643-3741',
    name: 'Gold Program',
  },
  status: 'Active',
  expirationDate: '2025-12-04',
  parameters: {
    ordering: [
      { id: 'PPM-9643-3741-0001', externalId: 'tier', value: 'Gold' },
      { id: 'PPM-9643-3741-0002', externalId: 'seats', value: '50' },
    ],
    fulfillment: [],
  },
  audit: { created: { at: '2024-01-10T10:00:00Z', by: { id: 'USR-6337-1324', name: 'Op' } } },
};

function spec(raw: string): SelectSpec {
  const r = parseSelect(raw);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** mpt-rql-net, the source of each row's rule (SoftwareOne's RQL library, facts only). */
const LIB = {
  parser: 'src/Mpt.Rql/Parsers/Linear/Services/RqlParser.cs',
  nodeParser: 'src/Mpt.Rql/Parsers/Linear/Services/RqlNodeParser.cs',
  sign: 'src/Mpt.Rql/Core/StringHelper.cs',
  graph: 'src/Mpt.Rql/Services/Graph/GraphBuilder.cs',
  projection: 'src/Mpt.Rql/Services/Projection/ProjectionGraphBuilder.cs',
  service: 'src/Mpt.Rql/Services/Projection/ProjectionService.cs',
  node: 'src/Mpt.Rql/RqlNode.cs',
  metadata: 'src/Mpt.Rql/Core/Metadata/MetadataProvider.cs',
  graphTests: 'tests/Rql.Tests.Unit/Services/GraphBuilderTests.cs',
  basicTests: 'tests/Rql.Tests.Integration/Tests/Functionality/BasicSelectTests.cs',
  kit: 'the kit (docs/decisions/0061-select-as-the-library-does-it.md)',
} as const;

const none: SelectSpec = { dropAll: false, include: [], exclude: [] };

describe('parseSelect', () => {
  const table: { given: string; want: SelectSpec; source: string }[] = [
    {
      given: '-*,id,name,status',
      want: { dropAll: true, include: [['id'], ['name'], ['status']], exclude: [] },
      source: LIB.sign,
    },
    {
      given: '-audit,+parameters',
      want: { dropAll: false, include: [['parameters']], exclude: [['audit']] },
      source: LIB.sign,
    },
    {
      given: 'program.name',
      want: { dropAll: false, include: [['program', 'name']], exclude: [] },
      source: LIB.graph,
    },
    {
      given: '-*,-*,name',
      want: { dropAll: true, include: [['name']], exclude: [] },
      source: LIB.graphTests,
    },
    {
      given: '-*,%2Bname',
      want: { dropAll: true, include: [['name']], exclude: [] },
      source: LIB.sign,
    },
    // a value already decoded by a framework (`+` turned into a space) still works: the
    // library reads a leading space as `+`
    {
      given: '-*, name',
      want: { dropAll: true, include: [['name']], exclude: [] },
      source: LIB.sign,
    },
    // `*` selects every member of its level, `-*` unselects them
    { given: '*', want: { ...none, all: true }, source: LIB.graph },
    { given: '*,-*', want: { ...none, dropAll: true, all: true }, source: LIB.graphTests },
    // an empty select, and empty terms, are skipped
    { given: '', want: none, source: LIB.service },
    { given: '  ', want: none, source: LIB.kit },
    {
      given: 'id,,name,',
      want: { dropAll: false, include: [['id'], ['name']], exclude: [] },
      source: LIB.parser,
    },
    // `;` and `|` separate terms too (groups whose kind select ignores)
    {
      given: 'id;name|status',
      want: { dropAll: false, include: [['id'], ['name'], ['status']], exclude: [] },
      source: LIB.parser,
    },
    // `program.*` is `program` (no member is named `*`, the path stops before it)
    {
      given: '-*,program.*',
      want: { dropAll: true, include: [['program']], exclude: [] },
      source: LIB.graph,
    },
    // sub-selects: the name is selected and the terms inside apply below it
    {
      given: 'program(*,-id)',
      want: {
        ...none,
        nested: [
          { path: ['program'], exclude: false, select: { ...none, all: true, exclude: [['id']] } },
        ],
      },
      source: LIB.graph,
    },
    {
      given: '-*,program.vendor(-*,name),licensee(account(id)),-buyer(id)',
      want: {
        ...none,
        dropAll: true,
        nested: [
          {
            path: ['program', 'vendor'],
            exclude: false,
            select: { ...none, dropAll: true, include: [['name']] },
          },
          {
            path: ['licensee'],
            exclude: false,
            select: {
              ...none,
              nested: [
                { path: ['account'], exclude: false, select: { ...none, include: [['id']] } },
              ],
            },
          },
          { path: ['buyer'], exclude: true, select: { ...none, include: [['id']] } },
        ],
      },
      source: LIB.nodeParser,
    },
    // parentheses without a name group terms at the same level
    {
      given: '(id,name)',
      want: {
        ...none,
        nested: [{ path: [], exclude: false, select: { ...none, include: [['id'], ['name']] } }],
      },
      source: LIB.nodeParser,
    },
  ];
  it.each(table)('$given ($source)', ({ given, want }) => {
    expect(parseSelect(given)).toEqual({ ok: true, value: want });
  });

  const errors: { given: string; want: string }[] = [
    { given: '-', want: "bad select term '-'" },
    { given: '-*,a..b', want: 'empty field name' },
    { given: 'program.', want: "bad select term 'program.'" },
    { given: 'na%zzme', want: 'invalid percent-encoding' },
    { given: 'program(id', want: "unclosed '('" },
    { given: 'program(id))', want: "unmatched ')'" },
    { given: 'id)', want: "unmatched ')'" },
    { given: `${'a('.repeat(40)}id${')'.repeat(40)}`, want: 'select nested deeper than' },
  ];
  it.each(errors)('rejects $given', ({ given, want }) => {
    const r = parseSelect(given);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(want);
  });

  it('is linear: a long select parses fast', () => {
    const long = Array.from({ length: 4000 }, (_, i) => `f${i}(-*,g${i})`).join(',');
    const started = performance.now();
    const r = parseSelect(long);
    expect(r.ok && r.value.nested?.length).toBe(4000);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('applySelect', () => {
  const table: { given: string | undefined; want: object }[] = [
    { given: undefined, want: cert },
    {
      given: '-*,id,name,status',
      want: { id: cert.id, href: cert.href, name: 'Alpha Gold', status: 'Active' },
    },
    // id and href are always kept, in the source's key order
    {
      given: '-*,status,name',
      want: { id: cert.id, href: cert.href, name: 'Alpha Gold', status: 'Active' },
    },
    { given: '-*', want: { id: cert.id, href: cert.href } },
    { given: '-*,-id,-href', want: { id: cert.id, href: cert.href } },
    {
      // A nested object that is kept keeps its id (references stay references).
      given: '-*,program.name',
      want: {
        id: cert.id,
        href: cert.href,
        program: { id: 'PRG-9643-3741', name: 'Gold Program' },
      },
    },
    {
      given: '-*,program.name,program',
      want: { id: cert.id, href: cert.href, program: cert.program },
    },
    {
      given: '-*,program,-program.href',
      want: {
        id: cert.id,
        href: cert.href,
        program: { id: 'PRG-9643-3741', name: 'Gold Program' },
      },
    },
    {
      given: '-*,parameters.ordering.externalId,parameters.ordering.value',
      want: {
        id: cert.id,
        href: cert.href,
        parameters: {
          ordering: [
            { id: 'PPM-9643-3741-0001', externalId: 'tier', value: 'Gold' },
            { id: 'PPM-9643-3741-0002', externalId: 'seats', value: '50' },
          ],
        },
      },
    },
    // a segment that names nothing is skipped (mpt-rql-net src/Mpt.Rql/Services/Graph/GraphBuilder.cs,
    // GetProperties): `name.first` selects `name`; the API refuses such paths (checkSelect)
    {
      given: '-*,nope,name.first',
      want: { id: cert.id, href: cert.href, name: 'Alpha Gold' },
    },
    {
      given: '-audit,-parameters,-program.href,-expirationDate',
      want: {
        id: cert.id,
        href: cert.href,
        name: 'Alpha Gold',
        program: { id: 'PRG-9643-3741', name: 'Gold Program' },
        status: 'Active',
      },
    },
    {
      // ids are never excluded, at any depth.
      given: '-parameters.ordering.id,-audit.created.by,-id,-nope.deeper',
      want: {
        ...cert,
        parameters: {
          ordering: [
            { id: 'PPM-9643-3741-0001', externalId: 'tier', value: 'Gold' },
            { id: 'PPM-9643-3741-0002', externalId: 'seats', value: '50' },
          ],
          fulfillment: [],
        },
        audit: { created: { at: '2024-01-10T10:00:00Z' } },
      },
    },
    // without -*, an include is a no-op (the default representation is kept)
    { given: '+name,program.name', want: cert },
  ];

  it.each(table)('$given', ({ given, want }) => {
    const before = structuredClone(cert);
    const out = applySelect(cert, given === undefined ? undefined : spec(given));
    expect(out).toEqual(want);
    expect(Object.keys(out)).toEqual(Object.keys(want));
    expect(cert).toEqual(before); // never mutates
  });

  // The library's rules for what a select keeps, each row with the file that states it.
  const library: { given: string; want: object; source: string }[] = [
    // an empty select changes nothing (BasicSelectTests: Shape_NoChange)
    { given: '', want: cert, source: LIB.basicTests },
    // `-member` leaves a list or a reference out (Shape_Collection_Excluded, Shape_Reference_Excluded)
    {
      given: '-parameters,-program',
      want: {
        id: cert.id,
        href: cert.href,
        name: 'Alpha Gold',
        status: 'Active',
        expirationDate: '2025-12-04',
        audit: cert.audit,
      },
      source: LIB.basicTests,
    },
    // asked for beats unselected, whatever the order (IsIncluded: Select wins over Unselected;
    // GraphBuilderTests: WhenSelectingAndHidingProperty, WhenSelectingAndHidingAllProperties)
    { given: 'name,-name', want: cert, source: LIB.node },
    { given: '-name,name', want: cert, source: LIB.node },
    { given: '*,-*', want: cert, source: LIB.graphTests },
    // `-*` and one member asked for keep that member, in either order
    // (GraphBuilderTests: WhenHidingAllPropertiesAndSelectingOne)
    {
      given: 'program,-*',
      want: { id: cert.id, href: cert.href, program: cert.program },
      source: LIB.graphTests,
    },
    // `-*` leaves the members out (WhenHidingAllProperties); the kit keeps id and href
    { given: '-*', want: { id: cert.id, href: cert.href }, source: LIB.kit },
    // a member asked for comes whole: `+program` is `program` (StringHelper: `+` and ` ` include)
    {
      given: '-*,+program',
      want: { id: cert.id, href: cert.href, program: cert.program },
      source: LIB.sign,
    },
    // on the way to a member asked for: kept, with only what is asked below it under `-*`
    // (GraphBuilder.ProcessNodeInternal: Hierarchy; ProjectionGraphBuilder: no defaults for it)
    {
      given: '-*,audit.created.at',
      want: { id: cert.id, href: cert.href, audit: { created: { at: cert.audit.created.at } } },
      source: LIB.projection,
    },
    // a sub-select applies below its member: `program(-*,name)`, `program(*,-href)`
    {
      given: '-*,program(-*,name)',
      want: {
        id: cert.id,
        href: cert.href,
        program: { id: cert.program.id, name: 'Gold Program' },
      },
      source: LIB.graph,
    },
    {
      given: '-*,program(-href)',
      want: {
        id: cert.id,
        href: cert.href,
        program: { id: cert.program.id, name: 'Gold Program' },
      },
      source: LIB.graph,
    },
    // `*` asks for every member, and asked for beats `-member` (IsIncluded), so
    // `program(*,-href)` keeps href; the kit also keeps every object's id
    {
      given: '-*,program(*,-href)',
      want: { id: cert.id, href: cert.href, program: cert.program },
      source: LIB.node,
    },
    {
      given: '-*,program(*,-id)',
      want: { id: cert.id, href: cert.href, program: cert.program },
      source: LIB.node,
    },
    // `-program(name)`: program is unselected, but the member asked for inside it keeps it there
    {
      given: '-program(name)',
      want: { ...cert, program: { id: cert.program.id, name: 'Gold Program' } },
      source: LIB.graph,
    },
    // property names in any case (MetadataProvider: InvariantCultureIgnoreCase)
    {
      given: '-*,PROGRAM(-*,Name),Status',
      want: {
        id: cert.id,
        href: cert.href,
        program: { id: cert.program.id, name: 'Gold Program' },
        status: 'Active',
      },
      source: LIB.metadata,
    },
    // through a list element-wise, with a sub-select
    {
      given: '-*,parameters(ordering(-*,value))',
      want: {
        id: cert.id,
        href: cert.href,
        parameters: {
          ordering: [
            { id: 'PPM-9643-3741-0001', value: 'Gold' },
            { id: 'PPM-9643-3741-0002', value: '50' },
          ],
          fulfillment: [],
        },
      },
      source: LIB.graph,
    },
  ];
  it.each(library)('$given ($source)', ({ given, want }) => {
    const before = structuredClone(cert);
    const out = applySelect(cert, spec(given));
    expect(out).toEqual(want);
    expect(Object.keys(out)).toEqual(Object.keys(want));
    expect(cert).toEqual(before);
  });

  // Dotted paths through a reference that carries references of its own, as the mobile app
  // selects them (softwareone-platform/mpt-mobile-platform app/src/services/*Service.ts).
  const enrollment = {
    id: 'ENR-3350-8812-0046',
    href: '/v1/program/enrollments/ENR-3350-8812-0046',
    program: {
      id: 'PRG-9643-3741',
      name: 'E2E Seeded Program',
      vendor: { id: 'ACC-3102-5475', name: 'Microsoft', type: 'Vendor' },
    },
    licensee: {
      id: 'LCE-5758-4071-6507',
      name: 'Oscorp Canada Limited',
      account: { id: 'ACC-1086-6867', name: 'Oscorp Industries' },
      address: { city: 'Toronto', country: 'CA' },
    },
    assignee: {
      id: 'USR-7712-0045',
      name: 'Victor Vendor',
      currentAccount: { id: 'ACC-3102-5475', name: 'Microsoft' },
    },
  };
  const through: { given: string; want: object }[] = [
    {
      given: '-*,licensee.account.id',
      want: {
        id: enrollment.id,
        href: enrollment.href,
        licensee: { id: enrollment.licensee.id, account: { id: 'ACC-1086-6867' } },
      },
    },
    {
      given: '-*,assignee.currentAccount.id,licensee.address',
      want: {
        id: enrollment.id,
        href: enrollment.href,
        licensee: { id: enrollment.licensee.id, address: enrollment.licensee.address },
        assignee: { id: enrollment.assignee.id, currentAccount: { id: 'ACC-3102-5475' } },
      },
    },
    {
      given: '-*,program.vendor',
      want: {
        id: enrollment.id,
        href: enrollment.href,
        program: { id: enrollment.program.id, vendor: enrollment.program.vendor },
      },
    },
    // a path through a member the object does not have selects nothing there
    { given: '-*,buyer.address', want: { id: enrollment.id, href: enrollment.href } },
    // without -*, the app's own selects keep the whole representation, nested references included
    {
      given: 'assignee.currentAccount.id,buyer.address,licensee.account.id,licensee.address',
      want: enrollment,
    },
  ];
  it.each(through)('through references: $given', ({ given, want }) => {
    expect(applySelect(enrollment, spec(given))).toEqual(want);
  });

  it('returns a deep copy when there is a select, the object itself when there is none', () => {
    const out = applySelect(cert, spec('-*,program')) as typeof cert;
    expect(out.program).not.toBe(cert.program);
    out.program.name = 'changed';
    expect(cert.program.name).toBe('Gold Program');
    const dropped = applySelect(cert, spec('-name')) as typeof cert;
    expect(dropped.parameters.ordering[0]).not.toBe(cert.parameters.ordering[0]);
    // Stored objects are never changed in place: an answer without select is serialized from them.
    expect(applySelect(cert, undefined)).toBe(cert);
  });

  it('keeps a __proto__ key as plain data', () => {
    const obj = JSON.parse('{"id":"X","__proto__":{"polluted":true},"name":"n"}') as object;
    const out = applySelect(obj, spec('-name'));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(['id', '__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('works with the select of a parsed list query', () => {
    const q = parseListQuery('select=-*,name&limit=1');
    expect(q.ok && applySelect(cert, q.value.select)).toEqual({
      id: cert.id,
      href: cert.href,
      name: 'Alpha Gold',
    });
  });
});

/** A stand-in for src/schema/fields.ts: a tree of property names (`[]`: a list of that shape). */
type Shape = { [name: string]: Shape | Shape[] | true };
function fieldsOf(shape: Shape | Shape[] | true): SelectFields {
  if (shape === true) return { kind: 'string', at: () => undefined };
  if (Array.isArray(shape))
    return { kind: 'array', at: (s) => (/^\d+$/.test(s) ? fieldsOf(shape[0]!) : undefined) };
  return {
    kind: 'object',
    at: (s) => (Object.prototype.hasOwnProperty.call(shape, s) ? fieldsOf(shape[s]!) : undefined),
  };
}

describe('checkSelect', () => {
  const fields = fieldsOf({
    id: true,
    name: true,
    program: { id: true, name: true, vendor: { id: true, name: true } },
    parameters: { ordering: [{ id: true, value: true }] },
  });
  it.each([
    '-*,id,name',
    '-*,program.vendor.id,-program.name',
    'program(-*,vendor(name))',
    'parameters.ordering.value',
    'parameters(ordering(-*,value))',
    '*,-*,program.*',
    '',
    // Leaving out what the objects do not have changes nothing: the vendor's own e2e suite
    // (mpt-api-python-client tests/e2e/program/program/media) sends `-revision` on media.
    '-nope',
    '-revision,-audit',
    '-program.vendr',
    '-prgram(id)',
  ])('accepts %s', (given) => {
    expect(checkSelect(spec(given), fields).ok).toBe(true);
  });
  // The library skips what names nothing (GraphBuilder.cs, GetProperties); the kit refuses what
  // is asked for and names nothing, naming the path, so a typo is never an answer quietly
  // missing a member.
  it.each([
    ['-*,nme', 'nme'],
    ['-name,nope', 'nope'],
    ['program.vendr.id', 'program.vendr.id'],
    ['program(-*,vendor(nam))', 'program.vendor.nam'],
    ['prgram(id)', 'prgram'],
    ['parameters.ordering.valu', 'parameters.ordering.valu'],
    ['name.first', 'name.first'],
  ])('refuses %s, naming %s', (given, named) => {
    expect(checkSelect(spec(given), fields)).toEqual({
      ok: false,
      error: `select: unknown property '${named}'`,
    });
  });

  // Names in any letter case (mpt-rql-net src/Mpt.Rql/Core/Metadata/MetadataProvider.cs:
  // InvariantCultureIgnoreCase), where the fields can spell a name the schema's way.
  it('matches names in any case when the fields spell them', () => {
    const spelling = (shape: Record<string, SelectFields>): SelectFields => ({
      kind: 'object',
      at: (s) => shape[s],
      name: (s) => Object.keys(shape).find((k) => k.toLowerCase() === s.toLowerCase()),
    });
    const cased = spelling({ program: spelling({ name: fieldsOf(true) }) });
    expect(checkSelect(spec('-*,PROGRAM(Name)'), cased).ok).toBe(true);
    expect(checkSelect(spec('-*,Program.nme'), cased)).toEqual({
      ok: false,
      error: "select: unknown property 'Program.nme'",
    });
  });
});
