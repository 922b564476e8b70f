/**
 * Scaled fixtures for the list benchmark: the default seed (programs, accounts, tokens, Partner
 * Center) with its certificates cloned up to `count`. Each clone is a separate object tree (no
 * shared sub-objects that would flatter memory), made in one of two ways:
 *  - `json`: parsed from JSON text, as a fixture read from a file: every string its own copy;
 *  - `objects`: copied object by object, strings shared, as when certificates are built in code
 *    (or created through the API, which copies names and ids from the program and accounts).
 */
import { paths } from '../src/core/program/common.js';
import { defaultSeed } from '../src/core/seed.js';
import type { Seed } from '../src/core/world.js';

type Certificate =
  NonNullable<Seed['program']> extends { certificates?: Iterable<infer C> } ? C : never;

const statuses = ['Active', 'Active', 'Expired', 'Pending', 'Active', 'Terminated'] as const;

/** Twelve digits in the API's `CER-XXXX-XXXX-XXXX` layout; the first digit is never 0. */
function certificateId(n: number): string {
  const digits = String(100_000_000_000 + n * 7919);
  return `CER-${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8, 12)}`;
}

/**
 * Whose certificate a clone is: one in `OWN_EVERY` keeps the seed's client (the client token's
 * list), the others go to made-up client accounts, `PER_CLIENT` clones each (what a selective
 * `eq(client.id,…)` finds).
 */
const OWN_EVERY = 500;
const PER_CLIENT = 7;
/** A made-up client account's id for clone `n` (the same for every `PER_CLIENT` clones). */
export const cloneClientId = (n: number) => {
  const digits = String(10_000_000 + Math.floor(n / PER_CLIENT));
  return `ACC-${digits.slice(0, 4)}-${digits.slice(4, 8)}`;
};
/** The id of clone `n` (the bench asks for one by id). */
export { certificateId as cloneId };

const addDays = (now: Date, days: number) =>
  new Date(now.getTime() + days * 86_400_000).toISOString().slice(0, 10);

export const fixtureModes = ['json', 'objects'] as const;
export type FixtureMode = (typeof fixtureModes)[number];

/** Plain objects and arrays copied, everything else (strings) shared. */
const copyTree = <T>(value: T): T =>
  (Array.isArray(value)
    ? value.map(copyTree)
    : typeof value === 'object' && value !== null
      ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyTree(v)]))
      : value) as T;

/**
 * The default seed with exactly `count` certificates (at least the seed's own). The clones are
 * made one at a time as the kit reads them (a generator), so the server's memory is the kit's,
 * not that of a fixture held whole beside it.
 */
export function scaledSeed(count: number, now: Date, mode: FixtureMode = 'objects'): Seed {
  const seed = defaultSeed(now);
  const program = seed.program ?? {};
  const originals = [...(program.certificates ?? [])];
  const templates = originals.map((c) => JSON.stringify(c));
  function* certificates(): Generator<Certificate> {
    yield* originals;
    const taken = new Set(originals.map((c) => c.id));
    let made = originals.length;
    for (let n = 0; made < count; n++) {
      const id = certificateId(n);
      if (taken.has(id)) continue;
      taken.add(id);
      made++;
      const { expirationDate: _kept, ...base } =
        mode === 'json'
          ? (JSON.parse(templates[n % templates.length]!) as Certificate)
          : copyTree(originals[n % originals.length]!);
      const status = statuses[n % statuses.length]!;
      // Expiry dates well clear of the bench's few minutes, so the clock expires nothing mid-run.
      const expires = status === 'Expired' ? -1 - (n % 300) : 2 + ((n * 37) % 700);
      const client =
        n % OWN_EVERY === 0
          ? base.client
          : { ...base.client, id: cloneClientId(n), name: `Client ${Math.floor(n / PER_CLIENT)}` };
      yield {
        ...base,
        client,
        id,
        href: paths.certificate(id),
        name: `${base.program.name} - ${client.name ?? client.id} #${n}`,
        status,
        ...(status === 'Pending' ? {} : { expirationDate: addDays(now, expires) }),
      };
    }
  }
  // The made-up client accounts exist: a certificate's client must.
  const clientAccount = (program.accounts ?? []).find((a) => a.type === 'Client')!;
  const accounts = [...(program.accounts ?? [])];
  for (let n = 0; n <= count; n += PER_CLIENT)
    accounts.push({ ...clientAccount, id: cloneClientId(n), name: `Client ${n / PER_CLIENT}` });
  return { ...seed, program: { ...program, accounts, certificates: certificates() } };
}
