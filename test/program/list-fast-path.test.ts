/**
 * The certificate list's fast paths (compiled filter, id lookup, indexes on status, client.id,
 * vendor.id and program.id, top-k paging) against the plain evaluator: random certificates,
 * random queries (eq/ne/in/out/like/not/and/or, | ; , & joins, shorthands, typed values; orders,
 * pages), random callers, and between
 * queries the clock moves (Active certificates expire, Expired ones are terminated where the
 * program says so) and certificates are terminated, so indexed statuses change under the lists.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSeed } from '../../src/core/seed.js';
import { seedTokens } from '../../src/core/program/seed.js';
import { canSeeCertificate, withTerms } from '../../src/core/program/service.js';
import type { StoredCertificate } from '../../src/core/program/model.js';
import {
  applySelect,
  compareByOrder,
  matches,
  parseListQuery,
  type ListQuery,
} from '../../src/core/rql/index.js';
import { typedQuery } from '../../src/core/rql/typed.js';
import { listItemFields } from '../../src/schema/fields.js';
import { createKit, type Kit } from '../../src/kit.js';

const now = '2026-11-21T09:00:00.000Z';
const statuses = ['Active', 'Expired', 'Pending', 'Terminated', 'Draft'];
const tokens = Object.values(seedTokens);

interface Made {
  status: number;
  client: number;
  days: number;
  name: number;
}

/** The default seed and clones of its certificates as the generated data describes them. */
function kitOf(made: Made[]): Kit {
  return createKit({
    now,
    seed: (start) => {
      const seed = defaultSeed(start);
      const program = seed.program!;
      const originals = [...(program.certificates ?? [])] as StoredCertificate[];
      const clients = [...new Set(originals.map((c) => c.client))];
      const certificates = made.map((m, i): StoredCertificate => {
        const base = originals[i % originals.length]!;
        const id = `CER-${String(1000 + i)}-0000-${String(1000 + ((i * 37) % 9000))}`;
        const day = new Date(start.getTime() + m.days * 86_400_000).toISOString().slice(0, 10);
        return {
          ...base,
          id,
          href: `/v1/program/certificates/${id}`,
          name: `Certificate ${m.name}`,
          client: clients[m.client % clients.length]!,
          status: statuses[m.status % statuses.length] as StoredCertificate['status'],
          expirationDate: day,
        };
      });
      // One program terminates its certificates 3 days after they expire.
      const programs = (program.programs ?? []).map((p, i) =>
        i === 0
          ? {
              ...p,
              settings: { ...p.settings, terminateOnExpiration: { enabled: true, duration: 3 } },
            }
          : p,
      );
      return {
        ...seed,
        program: { ...program, programs, certificates: [...originals, ...certificates] },
      };
    },
  });
}

const get = (kit: Kit, token: string, rawQuery: string) =>
  kit.handle('program-api', {
    method: 'GET',
    path: '/v1/program/certificates',
    rawQuery,
    headers: { authorization: `Bearer ${token}` },
    body: undefined,
  });

/** The same list by the plain evaluator: every certificate, a full sort, a slice. */
function reference(kit: Kit, token: string, query: ListQuery): string {
  const state = kit.world.program;
  const actor = state.tokens.get(token)!;
  const order = compareByOrder(query.order);
  const matching = [...state.certificates.values()].filter(
    (c) => canSeeCertificate(actor, c) && (!query.filter || matches(query.filter, c)),
  );
  if (query.order.length > 0)
    matching.sort((a, b) => order(a, b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const window = query.limit === 0 ? [] : matching.slice(query.offset, query.offset + query.limit);
  return JSON.stringify({
    $meta: {
      pagination: { offset: query.offset, limit: query.limit, total: matching.length },
      omitted: [],
    },
    data: window.map((c) => applySelect(withTerms(state, c), query.select)),
  });
}

const made = fc.record({
  status: fc.nat(20),
  client: fc.nat(5),
  days: fc.integer({ min: -6, max: 12 }),
  name: fc.nat(6),
});

/** A filter term over the fields lists are filtered by; `ids` are some of the data's ids. */
function term(ids: string[], clients: string[]): fc.Arbitrary<string> {
  const status = fc.constantFrom(...statuses, 'None');
  const client = fc.constantFrom(...clients, 'ACC-0000-0000');
  const id = fc.constantFrom(...ids, 'CER-0000-0000-0000');
  const leaf = fc.oneof(
    status.map((s) => `eq(status,${s})`),
    status.map((s) => `ne(status,${s})`),
    fc.tuple(status, status).map(([a, b]) => `in(status,(${a},${b}))`),
    fc.tuple(status, status).map(([a, b]) => `out(status,(${a},${b}))`),
    client.map((c) => `eq(client.id,${c})`),
    client.map((c) => `eq(vendor.id,${c})`),
    fc.constantFrom('PRG-9643-3741', 'PRG-0000-0000').map((p) => `eq(program.id,${p})`),
    id.map((i) => `eq(id,${i})`),
    fc.tuple(id, id).map(([a, b]) => `in(id,(${a},${b}))`),
    fc.nat(6).map((n) => `like(name,*${n})`),
    fc.constantFrom('eq(status,empty())', 'eq(status,null())', 'eq(expirationDate,null())'),
    // the grammar and the typed values of issue 21
    status.map((s) => `status=${s}`),
    status.map((s) => `EQ(Status,${s})`),
    fc.constantFrom(
      'any(parameters.ordering)',
      'not(any(parameters.ordering,externalId=MPNID))',
      'ne(statusNotes,x)',
      'ne(expirationDate,null())',
      'eq(eligibility.partner,TRUE)',
      'eq(audit.created.at,audit.created.at)',
    ),
    fc.integer({ min: -400, max: 12 }).map((d) => {
      const at = new Date(Date.parse(now) + d * 86_400_000 + 7_200_000).toISOString();
      return `lt(audit.created.at,'${at.slice(0, 19)}+02:00')`;
    }),
    fc.integer({ min: -6, max: 12 }).map((d) => {
      const day = new Date(Date.parse(now) + d * 86_400_000).toISOString().slice(0, 10);
      return `gt(expirationDate,${day})`;
    }),
  );
  return fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(tie('node'), tie('node')).map(([a, b]) => `and(${a},${b})`),
      fc.tuple(tie('node'), tie('node')).map(([a, b]) => `or(${a},${b})`),
      tie('node').map((a) => `not(${a})`),
      fc.tuple(tie('node'), tie('node')).map(([a, b]) => `(${a}|${b})`),
    ),
  })).node;
}

function queryText(ids: string[], clients: string[]): fc.Arbitrary<string> {
  return fc
    .record({
      terms: fc.array(term(ids, clients), { maxLength: 3 }),
      join: fc.constantFrom('&', '|', ';', ','),
      order: fc.constantFrom('', '-expirationDate', 'expirationDate', 'name,-status', 'status'),
      select: fc.constantFrom('', 'select=-*,id,status', 'select=-terms'),
      limit: fc.constantFrom(0, 1, 3, 10, 50, 1000),
      offset: fc.constantFrom(0, 1, 4, 20),
    })
    .map(({ terms, join, order, select, limit, offset }) =>
      [
        ...(terms.length > 0 ? [terms.join(join)] : []),
        ...(order ? [`order=${order}`] : []),
        ...(select ? [select] : []),
        `limit=${limit}`,
        `offset=${offset}`,
      ].join('&'),
    );
}

/** Queries whose matches an index gives exactly (one eq/in term or none): counted from it. */
function exactText(ids: string[], clients: string[]): fc.Arbitrary<string> {
  const term = fc.oneof(
    fc.constant(''),
    fc.constantFrom(...statuses).map((s) => `eq(status,${s})`),
    fc
      .subarray(statuses, { minLength: 1, maxLength: 3 })
      .map((list) => `in(status,(${list.join(',')}))`),
    fc.constantFrom(...clients).map((c) => `eq(client.id,${c})`),
    fc.constantFrom(...ids).map((i) => `eq(id,${i})`),
  );
  return fc
    .record({
      term,
      order: fc.constantFrom('', '-expirationDate', 'expirationDate'),
      limit: fc.constantFrom(0, 1, 2, 5),
      offset: fc.constantFrom(0, 1, 3),
    })
    .map(({ term: t, order, limit, offset }) =>
      [t, order ? `order=${order}` : '', `limit=${limit}`, `offset=${offset}`]
        .filter(Boolean)
        .join('&'),
    );
}

type Step =
  | { kind: 'list'; token: string; query: string }
  | { kind: 'advance'; days: number }
  | { kind: 'terminate'; at: number };

describe('certificate list fast paths', () => {
  it('answer exactly what the plain evaluator answers, across expiry and writes', () => {
    fc.assert(
      fc.property(
        fc.array(made, { minLength: 1, maxLength: 160 }).chain((data) => {
          const ids = data.map(
            (_, i) => `CER-${String(1000 + i)}-0000-${String(1000 + ((i * 37) % 9000))}`,
          );
          const clients = [
            ...new Set(
              [...(defaultSeed(new Date(now)).program!.certificates ?? [])].map((c) => c.client.id),
            ),
          ];
          const step: fc.Arbitrary<Step> = fc.oneof(
            {
              weight: 6,
              arbitrary: fc.record({
                kind: fc.constant('list' as const),
                token: fc.constantFrom(...tokens),
                query: fc.oneof(queryText(ids, clients), exactText(ids, clients)),
              }),
            },
            {
              weight: 1,
              arbitrary: fc.record({
                kind: fc.constant('advance' as const),
                days: fc.integer({ min: 1, max: 5 }),
              }),
            },
            {
              weight: 1,
              arbitrary: fc.record({
                kind: fc.constant('terminate' as const),
                at: fc.nat(data.length - 1),
              }),
            },
          );
          return fc.tuple(fc.constant(data), fc.array(step, { minLength: 1, maxLength: 12 }));
        }),
        ([data, steps]) => {
          const kit = kitOf(data);
          for (const step of steps) {
            if (step.kind === 'advance') {
              kit.control.setClock({ advance: `P${step.days}D` });
              continue;
            }
            if (step.kind === 'terminate') {
              const id = [...kit.world.program.certificates.keys()][step.at];
              kit.handle('program-api', {
                method: 'POST',
                path: `/v1/program/certificates/${id}/terminate`,
                rawQuery: '',
                headers: { authorization: 'Bearer ops-token', 'content-type': 'application/json' },
                body: JSON.stringify({ statusNotes: { message: 'property test' } }),
              });
              continue;
            }
            const fields = listItemFields('program-api', 'listCertificates')!;
            const untyped = parseListQuery(step.query);
            const parsed = untyped.ok ? typedQuery(untyped.value, fields) : untyped;
            const answer = get(kit, step.token, step.query);
            if (!parsed.ok) {
              expect(answer.status).toBe(400);
              continue;
            }
            expect(answer.status, step.query).toBe(200);
            expect(answer.body, `${step.token} ${step.query}`).toBe(
              reference(kit, step.token, parsed.value),
            );
            // Reads see the clock: nothing is still Active the day after its expirationDate.
            const today = kit.world.clock.now().toISOString().slice(0, 10);
            for (const c of kit.world.program.certificates.values())
              if (c.status === 'Active' && c.expirationDate)
                expect(c.expirationDate >= today, c.id).toBe(true);
          }
        },
      ),
      { numRuns: 300, seed: 16 },
    );
  });
});
