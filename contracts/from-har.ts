/**
 * `seed from-har`: a fixture made of the objects a recording's answers carry (decision 0054).
 * Each answer is walked beside its schema; every value that is one of the stored kinds' spec
 * schemas (`Certificate`, `Program`, `AccountRef`, `Customer`, ...) is kept under its id, the
 * newest answer's members over the older ones'. References to objects never fetched are
 * stubbed from the kit's own seed (its first object of that collection, with the reference's
 * id and members), and the tokens are the ones given, never the recorded ones.
 */
import { fixtureReferences, storedKinds } from '../src/core/fixture.js';
import type { Seed } from '../src/core/world.js';
import { createKit } from '../src/kit.js';
import { isRecord, responseSchemaPointer } from '../src/schema/index.js';
import type { Recorded } from './har.js';
import { walkSchema } from './schema-walk.js';
import { kitTokens } from './target.js';
import type { Role } from './types.js';
import { mediaTypeOf } from './validate.js';

type Item = Record<string, unknown>;

export interface FromHar {
  fixture: Seed;
  /** Objects taken from the answers, per collection (`program.certificates`). */
  taken: Record<string, number>;
  /** Objects made up because something recorded refers to them (`program.accounts ACC-...`). */
  stubs: string[];
  /** What could not be resolved (a required reference no answer carried). */
  notes: string[];
}

export interface FromHarOptions {
  tokens?: Partial<Record<Role, string>>;
  /** The fixture's clock (default: when the last recorded exchange started). */
  now?: string;
}

/** `program-api:Certificate` -> `program.certificates`, from the fixture's own table. */
function kindsBySchema(): Map<string, { collection: string; id: string }> {
  const map = new Map<string, { collection: string; id: string }>();
  for (const kind of storedKinds()) {
    const ref = (kind.schema as { allOf: { $ref?: string }[] }).allOf.find(
      (part) => part?.$ref,
    )?.$ref;
    const match = ref ? /^([\w-]+)#\/components\/schemas\/(\w+)$/.exec(ref) : null;
    if (match)
      map.set(`${match[1]}:${match[2]}`, {
        collection: `${kind.section}.${kind.key}`,
        id: kind.key === 'validationCodes' ? 'validationId' : 'id',
      });
  }
  return map;
}

const at = (value: unknown, dotted: string): unknown =>
  dotted
    .split('.')
    .reduce<unknown>((current, key) => (isRecord(current) ? current[key] : undefined), value);

function setAt(target: Item, dotted: string, value: unknown) {
  const keys = dotted.split('.');
  let current = target;
  for (const key of keys.slice(0, -1)) {
    if (!isRecord(current[key])) current[key] = {};
    current = current[key] as Item;
  }
  current[keys.at(-1)!] = value;
}

/** The route's own parents: `/programs/{programId}/templates` makes a template's `program`. */
const routeParents: Record<string, string> = {
  programId: 'program.id',
  enrollmentId: 'enrollment.id',
  termsId: 'programTermsAndConditions.id',
};

function routeParams(template: string, path: string): Record<string, string> {
  const names = template.split('/');
  const values = path.split('/');
  const params: Record<string, string> = {};
  names.forEach((name, i) => {
    const param = /^\{(.+)\}$/.exec(name)?.[1];
    if (param && values[i] !== undefined) params[param] = decodeURIComponent(values[i]!);
  });
  return params;
}

export function fixtureFromHar(
  recorded: readonly Recorded[],
  options: FromHarOptions = {},
): FromHar {
  const kinds = kindsBySchema();
  const collections = new Map<string, Map<string, Item>>();
  const collection = (name: string) => {
    let found = collections.get(name);
    if (!found) collections.set(name, (found = new Map()));
    return found;
  };
  const taken = new Map<string, Set<string>>();
  const qualifications = new Map<string, unknown[]>();
  const ordered = [...recorded].sort(
    (a, b) => a.entry.startedDateTime.localeCompare(b.entry.startedDateTime) || a.index - b.index,
  );
  for (const exchange of ordered) {
    const { operation, response } = exchange;
    if (!operation || response.status < 200 || response.status > 299) continue;
    if (response.json === undefined) continue;
    const pointer = responseSchemaPointer(
      operation,
      response.status,
      mediaTypeOf(response.contentType),
    );
    if (!pointer) continue;
    const params = routeParams(operation.path, exchange.path);
    const customer = params['customer-tenant-id'];
    if (operation.operationId === 'listCustomerQualifications' && customer) {
      if (Array.isArray(response.json)) qualifications.set(customer.toLowerCase(), response.json);
      continue;
    }
    // Stored objects found in this answer, by path, for the ones nested in them.
    const found: { path: string; collection: string; id: string }[] = [];
    walkSchema(exchange.api, pointer, response.json, {
      value(nodes, value, path) {
        const kind = nodes
          .map((node) => node.component && kinds.get(`${exchange.api}:${node.component}`))
          .find(Boolean);
        if (!kind || !isRecord(value)) return;
        const id = value[kind.id];
        if (typeof id !== 'string') return;
        const item: Item = structuredClone(value);
        // A nested object names its parent through the enclosing stored object or the route.
        const parent = found.filter((f) => path.startsWith(`${f.path}.`) || f.path === '').at(-1);
        for (const [from, refPath, to, required] of fixtureReferences) {
          if (from !== kind.collection || !required || at(item, refPath) !== undefined) continue;
          if (parent?.collection === to) setAt(item, refPath, parent.id);
          const param = Object.entries(routeParents).find(([, p]) => p === refPath)?.[0];
          if (param && params[param] && at(item, refPath) === undefined)
            setAt(item, refPath, params[param]);
        }
        found.push({ path, collection: kind.collection, id });
        const store = collection(kind.collection);
        store.set(id, { ...store.get(id), ...item });
        if (!taken.has(kind.collection)) taken.set(kind.collection, new Set());
        taken.get(kind.collection)!.add(id);
      },
    });
  }
  for (const [id, list] of qualifications) {
    const customers = collection('partnerCenter.customers');
    const key = [...customers.keys()].find((known) => known.toLowerCase() === id) ?? id;
    customers.set(key, { ...customers.get(key), id: key, qualifications: list });
  }
  const notes: string[] = [];
  const stubs = stubReferences(collection, notes);
  finishPartnerCenter(collection('partnerCenter.customers'), stubs);
  const tokens = { ...kitTokens, ...options.tokens };
  const program = programTokens(collection, tokens, stubs);

  const section = (name: 'program' | 'partnerCenter') =>
    Object.fromEntries(
      storedKinds()
        .filter((kind) => kind.section === name && kind.key !== 'tokens')
        .map((kind) => [kind.key, [...collection(`${name}.${kind.key}`).values()]]),
    );
  const last = ordered.at(-1)?.entry.startedDateTime;
  const now = options.now ?? last;
  const fixture = {
    ...(now ? { now } : {}),
    program: { tokens: program, ...section('program') },
    partnerCenter: {
      tokens: (['partner', 'reader'] as const)
        .filter((role) => tokens[role])
        .map((role) => ({ token: tokens[role]!, role, name: `${role} (seed from-har)` })),
      ...section('partnerCenter'),
    },
  } as unknown as Seed;
  return {
    fixture,
    taken: Object.fromEntries([...taken].map(([name, ids]) => [name, ids.size])),
    stubs,
    notes,
  };
}

/** The kit's default seed, as templates for stubs. */
let defaults: Seed | undefined;
const template = (collection: string): Item => {
  defaults ??= createKit().control.state();
  const [section, key] = collection.split('.') as ['program' | 'partnerCenter', string];
  const list = (defaults[section] as Record<string, unknown>)[key];
  return Array.isArray(list) && isRecord(list[0]) ? structuredClone(list[0]) : {};
};

/** An account's type follows from how it is referred to (a certificate's client is a Client). */
const accountRole = (path: string) =>
  path.includes('vendor')
    ? { type: 'Vendor', status: 'Enabled' }
    : { type: 'Client', status: 'Active' };

function stubReferences(
  collection: (name: string) => Map<string, Item>,
  notes: string[],
): string[] {
  const stubs: string[] = [];
  // A certificate's `terms` are its program's Published terms as the kit derives them: the
  // terms themselves are kept so the derived view comes out the same.
  const terms = collection('program.terms');
  for (const certificate of collection('program.certificates').values()) {
    const program = certificate.program;
    if (!Array.isArray(certificate.terms) || !isRecord(program)) continue;
    for (const held of certificate.terms) {
      if (!isRecord(held) || typeof held.id !== 'string' || terms.has(held.id)) continue;
      const base = template('program.terms');
      const { accepted: _accepted, acceptedBy: _by, ...shown } = held;
      terms.set(held.id, {
        ...base,
        ...shown,
        program: {
          ...(isRecord(base.program) ? base.program : {}),
          id: program.id,
          name: program.name,
        },
      });
      stubs.push(`program.terms ${held.id}`);
    }
  }
  for (let round = 0; round < 8; round++) {
    let added = false;
    for (const [from, path, to, required] of fixtureReferences) {
      if (from.endsWith('.tokens')) continue;
      for (const item of collection(from).values()) {
        // Buyers and licensees store their client's id; an answer carries it as `account`.
        if (path === 'client' && at(item, path) === undefined) {
          const account = at(item, 'account.id');
          if (typeof account === 'string') item.client = account;
        }
        const id = at(item, path);
        if (typeof id !== 'string') {
          if (required) notes.push(`${from} ${String(item.id)}: no ${path} recorded`);
          continue;
        }
        const targets = collection(to);
        const ref = path.endsWith('.id') ? at(item, path.slice(0, -3)) : undefined;
        const existing = targets.get(id);
        if (to === 'program.accounts') {
          const role = accountRole(path);
          if (existing) {
            existing.type ??= role.type;
            existing.status ??= role.status;
            continue;
          }
          targets.set(id, { ...(isRecord(ref) ? ref : {}), ...role, id });
        } else {
          if (existing) continue;
          const stub = { ...template(to), ...(isRecord(ref) ? structuredClone(ref) : {}), id };
          targets.set(id, stub);
        }
        stubs.push(`${to} ${id}`);
        added = true;
      }
    }
    if (!added) break;
  }
  // Stubs copied from the default seed keep their own references: only required ones matter,
  // and those were stubbed above. The parents' optional links to objects not kept are dropped.
  for (const [from, path, to, required] of fixtureReferences) {
    if (required || from.endsWith('.tokens')) continue;
    for (const item of collection(from).values()) {
      const id = at(item, path);
      if (typeof id === 'string' && !collection(to).has(id))
        notes.push(`${from} ${String(item.id)}: ${path} ${id} not recorded`);
    }
  }
  return stubs;
}

function finishPartnerCenter(customers: Map<string, Item>, stubs: string[]) {
  for (const [id, customer] of customers) {
    if (!isRecord(customer.companyProfile)) {
      Object.assign(customer, {
        companyProfile: {
          tenantId: id,
          domain: `${id.slice(0, 8)}.onmicrosoft.com`,
          companyName: '(not recorded)',
        },
        relationshipToPartner: 'reseller',
        attributes: { objectType: 'Customer' },
        ...customer,
      });
      stubs.push(`partnerCenter.customers ${id}`);
    }
    const list = Array.isArray(customer.qualifications) ? customer.qualifications : [];
    customer.qualifications = list;
    const asked = list.filter(
      (q) => isRecord(q) && q.qualification === 'Education' && 'vettingStatus' in q,
    ).length;
    if (typeof customer.educationRequests !== 'number' || customer.educationRequests < asked)
      customer.educationRequests = asked;
  }
}

/** The Program API's tokens: each role a user of its own, vendor and client their accounts. */
function programTokens(
  collection: (name: string) => Map<string, Item>,
  tokens: Partial<Record<Role, string>>,
  stubs: string[],
): Item[] {
  const accounts = collection('program.accounts');
  const users = collection('program.users');
  const pick = (type: 'Vendor' | 'Client', preferred: unknown[]) => {
    const counts = new Map<string, number>();
    for (const id of preferred)
      if (typeof id === 'string') counts.set(id, (counts.get(id) ?? 0) + 1);
    const best = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
    const found = best ?? [...accounts.values()].find((a) => a.type === type)?.id;
    if (typeof found === 'string') return found;
    const id = type === 'Vendor' ? 'ACC-0000-0001' : 'ACC-0000-0002';
    accounts.set(id, {
      id,
      name: `${type} (seed from-har)`,
      type,
      status: accountRole(type.toLowerCase()).status,
    });
    stubs.push(`program.accounts ${id}`);
    return id;
  };
  const vendor = pick(
    'Vendor',
    [...collection('program.programs').values()].map((p) => at(p, 'vendor.id')),
  );
  const client = pick(
    'Client',
    [...collection('program.certificates').values()].map((c) => at(c, 'client.id')),
  );
  const roles = [
    ['operations', 'USR-0000-0001', undefined],
    ['vendor', 'USR-0000-0002', vendor],
    ['client', 'USR-0000-0003', client],
  ] as const;
  return roles
    .filter(([role]) => tokens[role])
    .map(([role, user, account]) => {
      users.set(user, { id: user, name: `${role} (seed from-har)` });
      return { token: tokens[role]!, role, user, ...(account ? { account } : {}) };
    });
}
