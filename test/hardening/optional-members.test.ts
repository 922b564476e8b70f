/**
 * Issue 24: whatever the seed check accepts, the server serves. Fixtures made from the default
 * seed with optional members left out (every one of them, or a random choice), and set to
 * `null` where the spec allows it, are seeded; then every read operation of both APIs runs on
 * every object with every token, and none may answer 5xx (the kit once answered every list 500
 * for a certificate without `terms`, optional in the spec).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fixtureProblems, storedKinds } from '../../src/core/fixture.js';
import { defaultSeed } from '../../src/core/seed.js';
import type { Seed } from '../../src/core/world.js';
import { createKit } from '../../src/kit.js';
import {
  atPointer,
  documents,
  isRecord,
  operations,
  type ApiName,
} from '../../src/schema/index.js';

const now = new Date('2026-11-21T09:00:00.000Z');
type Json = Record<string, unknown>;

/** A schema with its `$ref`s followed and its `allOf` merged (properties, required). */
function flat(schema: unknown, api: ApiName): { schema: Json; api: ApiName } {
  let current = schema;
  let where = api;
  for (let hops = 0; hops < 16 && isRecord(current) && typeof current.$ref === 'string'; hops++) {
    const [document, pointer] = current.$ref.includes('#/')
      ? current.$ref.split('#')
      : ['', current.$ref];
    if (document) where = document as ApiName;
    current = atPointer(documents[where], `#${pointer}`);
  }
  if (!isRecord(current)) return { schema: {}, api: where };
  if (!Array.isArray(current.allOf)) return { schema: current, api: where };
  const merged: Json = { ...current, properties: { ...(current.properties as Json) } };
  const required = new Set<string>((current.required as string[] | undefined) ?? []);
  for (const part of current.allOf) {
    const { schema: p } = flat(part, where);
    Object.assign(merged.properties as Json, p.properties ?? {});
    for (const r of (p.required as string[] | undefined) ?? []) required.add(r);
    if (p.type) merged.type = p.type;
  }
  merged.required = [...required];
  return { schema: merged, api: where };
}

/** Whether null is a valid value of the (flattened) schema: nullable, or any value at all. */
const allowsNull = (schema: Json) =>
  ['type', 'properties', 'items', 'enum', 'const', 'oneOf', 'anyOf'].every((k) => !(k in schema)) ||
  schema.nullable === true ||
  schema.type === 'null' ||
  (Array.isArray(schema.type) && schema.type.includes('null')) ||
  (Array.isArray(schema.oneOf) && schema.oneOf.some((s) => isRecord(s) && s.type === 'null')) ||
  (Array.isArray(schema.anyOf) && schema.anyOf.some((s) => isRecord(s) && s.type === 'null'));

/**
 * What to do with one optional member: keep it, leave it out, send null (when the spec allows
 * null), send null whatever the spec says (a tool's way of writing "absent"), or send null
 * where the spec allows it and leave the member out where it does not.
 */
type Choice = 'keep' | 'drop' | 'null' | 'null-any' | 'null-else-drop';

/** `value` with optional members changed as `choose` says, down through objects and arrays. */
function strip(
  value: unknown,
  schema: unknown,
  api: ApiName,
  choose: () => Choice,
  needed: readonly string[] = [],
): unknown {
  const { schema: s, api: at } = flat(schema, api);
  if (Array.isArray(value))
    return s.items ? value.map((item) => strip(item, s.items, at, choose)) : value;
  if (!isRecord(value) || !isRecord(s.properties)) return value;
  const required = new Set([...((s.required as string[] | undefined) ?? []), ...needed]);
  const out: Json = {};
  for (const [key, member] of Object.entries(value)) {
    const memberSchema = (s.properties as Json)[key];
    if (memberSchema === undefined) {
      out[key] = member;
      continue;
    }
    if (!required.has(key)) {
      const choice = choose();
      const nullable = allowsNull(flat(memberSchema, at).schema);
      if (choice === 'drop' || (choice === 'null-else-drop' && !nullable)) continue;
      if (choice === 'null-any' || (choice !== 'keep' && nullable)) {
        out[key] = null;
        continue;
      }
    }
    out[key] = strip(member, memberSchema, at, choose);
  }
  return out;
}

function fixtureWith(choose: () => Choice): Seed {
  const seed = JSON.parse(JSON.stringify(defaultSeed(now))) as Json;
  // Tokens are the kit's own records, not objects of the spec: kept as they are.
  for (const kind of storedKinds().filter((k) => k.key !== 'tokens')) {
    const section = seed[kind.section] as Json | undefined;
    const list = section?.[kind.key];
    if (Array.isArray(list))
      section![kind.key] = list.map((item) =>
        strip(item, kind.schema, 'program-api', choose, kind.references),
      );
  }
  return seed as Seed;
}

/** The collection a path segment before a `{param}` names. */
const collectionOf: Record<string, string> = {
  certificates: 'certificates',
  enrollments: 'enrollments',
  programs: 'programs',
  templates: 'templates',
  parameters: 'parameters',
  'parameter-groups': 'parameterGroups',
  documents: 'documents',
  media: 'media',
  terms: 'terms',
  variants: 'variants',
  attachments: 'attachments',
  customers: 'customers',
};
/** How a child object names its parent, by the parent's collection. */
const parentField: Record<string, string> = {
  programs: 'program',
  enrollments: 'enrollment',
  terms: 'programTermsAndConditions',
};

/** Every concrete read request of both APIs on the objects of `fixture`. */
function reads(fixture: Seed): { api: ApiName; path: string; query: string }[] {
  const listOf = (name: string): Json[] => {
    const section = (name === 'customers' ? fixture.partnerCenter : fixture.program) as
      Json | undefined;
    return ((section?.[name] as Json[] | undefined) ?? []).filter(isRecord);
  };
  const idOf = (o: Json | undefined) => (typeof o?.id === 'string' ? o.id : 'X');
  const found: { api: ApiName; path: string; query: string }[] = [];
  for (const api of ['program-api', 'partner-center'] as const)
    for (const op of operations(api)) {
      if (op.method !== 'get') continue;
      const segments = op.path.split('/');
      const params = segments
        .map((segment, i) => ({ segment, i }))
        .filter(({ segment }) => /^\{.+\}$/.test(segment));
      if (params.length === 0) {
        found.push({ api, path: op.path, query: '' });
        continue;
      }
      const last = params[params.length - 1]!;
      const objects = listOf(collectionOf[segments[last.i - 1]!] ?? '');
      for (const object of objects.length > 0 ? objects : [undefined]) {
        const filled = [...segments];
        filled[last.i] = idOf(object);
        for (const { i } of params.slice(0, -1)) {
          const parent = segments[i - 1]!;
          const via = object?.[parentField[parent] ?? ''];
          filled[i] = isRecord(via) ? idOf(via) : idOf(listOf(collectionOf[parent] ?? '')[0]);
        }
        found.push({ api, path: filled.join('/'), query: '' });
      }
    }
  return found;
}

/** The 5xx answers of every read on a kit seeded with `fixture`, with every token. */
function serverErrors(fixture: Seed): string[] {
  const kit = createKit({ now });
  // As POST /__control/seed does it: checked whole (a refusal is a 400), then loaded.
  kit.control.seed(fixture);
  const tokens = [
    ...(fixture.program?.tokens ?? []).map((t) => ['program-api', t.token] as const),
    ...(fixture.partnerCenter?.tokens ?? []).map((t) => ['partner-center', t.token] as const),
  ];
  const errors: string[] = [];
  for (const read of reads(fixture))
    for (const [api, token] of tokens) {
      if (api !== read.api) continue;
      const answer = kit.handle(read.api, {
        method: 'GET',
        path: read.path,
        rawQuery: read.query,
        headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
        body: undefined,
      });
      if (answer.status >= 500)
        errors.push(`${read.api} GET ${read.path} (${token}): ${answer.status} ${answer.body}`);
    }
  return [...new Set(errors)];
}

describe('optional in the spec is optional in the kit (issue 24)', () => {
  it.each([
    ['every optional member left out', (): Choice => 'drop'],
    ['every optional member null where the spec allows it, else left out', (): Choice => 'null'],
  ])('%s: the seed check accepts it and every read answers without a 5xx', (_name, choose) => {
    const fixture = fixtureWith(choose);
    expect(fixtureProblems(fixture)).toEqual([]);
    expect(serverErrors(fixture)).toEqual([]);
  });

  it('null for an optional member the spec does not let be null means absent (decision 0050)', () => {
    const nulls = fixtureWith(() => 'null-any');
    expect(JSON.stringify(nulls)).toMatch(/:null/);
    expect(fixtureProblems(nulls)).toEqual([]);
    const given = JSON.stringify(nulls);
    const seeded = createKit({ now });
    seeded.control.seed(nulls);
    // The fixture given is not changed; the world is the one without those members.
    expect(JSON.stringify(nulls)).toBe(given);
    const dropped = createKit({ now });
    dropped.control.seed(fixtureWith(() => 'null-else-drop'));
    expect(seeded.control.state()).toEqual(dropped.control.state());
    expect(serverErrors(nulls)).toEqual([]);
  });

  it('null for a required member is still refused, named as before', () => {
    const fixture = JSON.parse(JSON.stringify(defaultSeed(now))) as Seed;
    const certificate = (fixture.program!.certificates as unknown as Json[])[0]!;
    certificate.id = null;
    certificate.terms = null;
    const problems = fixtureProblems(fixture);
    expect(problems).toContainEqual(expect.stringMatching(/certificates\[0\] \/id must be string/));
    expect(problems.join('; ')).not.toMatch(/terms/);
    const kit = createKit({ now });
    const before = JSON.stringify(kit.control.state());
    expect(() => kit.control.seed(fixture)).toThrow(/id must be string/);
    expect(JSON.stringify(kit.control.state())).toBe(before);
  });

  it('a random choice of optional members left out or null: accepted fixtures serve every read', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.infiniteStream(fc.constantFrom<Choice>('keep', 'drop', 'null')), (choices) => {
        const fixture = fixtureWith(() => choices.next().value as Choice);
        if (fixtureProblems(fixture).length > 0) return;
        const kit = createKit({ now });
        try {
          kit.control.seed(fixture);
        } catch {
          return; // refused at load with a 400 (a rule across members): not accepted
        }
        accepted++;
        expect(serverErrors(fixture)).toEqual([]);
      }),
      // A fixed seed: an unlucky draw could otherwise pick only fixtures the seed check refuses,
      // and the test would fail for want of a case rather than for a 5xx. About 1 draw in 16
      // is accepted (most are refused by Partner Center's vetting rules), and every optional
      // member added to the spec shifts the draws: 100 runs leave a margin (6 accepted with
      // the members of issue 21; 25 runs gave none).
      { numRuns: 100, seed: 24 },
    );
    expect(accepted).toBeGreaterThan(0);
  });
});
