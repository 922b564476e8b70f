/**
 * Fixtures are checked whole before they replace anything (issue 14): against the spec's schema
 * of each stored kind and the kit's invariants (tokens present, ids unique, references resolve,
 * statuses legal). A refused fixture is a 400 listing every problem, and nothing changes.
 */
import { describe, expect, it } from 'vitest';
import { fixtureCollections, fixtureProblems } from '../../src/core/fixture.js';
import { createKit } from '../../src/kit.js';

const now = '2026-11-21T09:00:00Z';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- fixtures are edited freely

const stateOf = (kit = createKit({ now })): Json => JSON.parse(JSON.stringify(kit.control.state()));

function seed(kit: ReturnType<typeof createKit>, fixture: unknown) {
  const answer = kit.handleControl(
    { method: 'POST', path: '/seed', rawQuery: '', headers: {}, body: JSON.stringify(fixture) },
    '/seed',
  );
  return { status: answer.status, body: JSON.parse(answer.body!) as Json };
}

const readAs = (kit: ReturnType<typeof createKit>, token: string) =>
  kit.handle('program-api', {
    method: 'GET',
    path: '/v1/program/certificates/CER-9646-2171-8417',
    rawQuery: '',
    headers: { authorization: `Bearer ${token}` },
    body: undefined,
  }).status;

describe('POST /__control/seed', () => {
  it.each([
    [
      'an empty object',
      () => ({}),
      [/required property 'program'/, /required property 'partnerCenter'/],
    ],
    [
      'a certificate with a status the spec does not have',
      (s: Json) => ((s.program.certificates[0].status = 'Bogus'), s),
      [
        /program\.certificates\[0\] \(CER-9646-2171-8417\) \/status must be one of Pending, Updating, Active/,
      ],
    ],
    [
      'no Program API tokens',
      (s: Json) => ((s.program.tokens = []), s),
      [/program\.tokens must NOT have fewer than 1 items/],
    ],
    [
      'a reference to a program that is not there',
      (s: Json) => ((s.program.certificates[1].program.id = 'PRG-0000-0000'), s),
      [
        /program\.certificates\[1\] \(CER-1204-5530-7781\) program\.id PRG-0000-0000 is not in program\.programs/,
      ],
    ],
    [
      'an id twice',
      (s: Json) => (s.program.enrollments.push(s.program.enrollments[0]), s),
      [/program\.enrollments\[\d+\] \(ENR-[\d-]+\) has the same id as an earlier one/],
    ],
    [
      'a misspelt collection',
      (s: Json) => ((s.program.certificate = s.program.certificates), s),
      [/program has certificate, which is not a field here/],
    ],
    [
      'a token for a user who is not there',
      (s: Json) => ((s.program.tokens[0].user = 'USR-0000-0001'), s),
      [/program\.tokens\[0\] \(ops-token\) user USR-0000-0001 is not in program\.users/],
    ],
    [
      'a qualification the spec does not have',
      (s: Json) => ((s.partnerCenter.customers[1].qualifications[0].qualification = 'Nobel'), s),
      [
        /partnerCenter\.customers\[1\] \([\w-]+\) \/qualifications\/0\/qualification must be one of/,
      ],
    ],
  ] as const)(
    'refuses %s with 400, every problem listed, nothing changed',
    (_what, edit, expected) => {
      const kit = createKit({ now });
      const before = JSON.stringify(kit.control.state());
      const { status, body } = seed(kit, edit(stateOf()));
      expect(status).toBe(400);
      for (const pattern of expected) expect(body.errors.join('\n')).toMatch(pattern);
      expect(JSON.stringify(kit.control.state())).toBe(before);
      expect(readAs(kit, 'client-token')).toBe(200);
    },
  );

  it('lists all the problems of a fixture at once', () => {
    const fixture = stateOf();
    fixture.program.certificates[0].status = 'Bogus';
    fixture.program.certificates[2].client.id = 'ACC-0000-0000';
    fixture.partnerCenter.tokens = [];
    fixture.now = 'yesterday';
    const problems = fixtureProblems(fixture);
    expect(problems).toHaveLength(4);
    const { body } = seed(createKit({ now }), fixture);
    expect(body.errors).toEqual(problems);
  });

  it('takes back the state it gave, and a fixture with its own tokens', () => {
    const kit = createKit({ now });
    const fixture = stateOf(kit);
    expect(fixtureProblems(fixture)).toEqual([]);
    fixture.program.tokens = [
      { token: 'my-ops', role: 'operations', user: fixture.program.users[0].id },
    ];
    expect(seed(kit, fixture).status).toBe(200);
    expect(readAs(kit, 'my-ops')).toBe(200);
    expect(readAs(kit, 'ops-token')).toBe(401);
  });

  it('knows every collection the state holds (a new one needs a row in src/core/fixture.ts)', () => {
    const state = stateOf();
    expect(Object.keys(state.program).sort()).toEqual(fixtureCollections('program').sort());
    expect(Object.keys(state.partnerCenter).sort()).toEqual(
      fixtureCollections('partnerCenter').sort(),
    );
  });
});

describe('POST /__control/faults', () => {
  it.each([
    [
      { operationId: 'getCertificat', status: 429 },
      /"operationId" must be an operation of program-api or partner-center/,
    ],
    [
      { api: 'partner-center', operationId: 'getCertificate', status: 503 },
      /must be an operation of partner-center/,
    ],
    [{ status: 404 }, /"status" must be 429 or 503/],
  ])('refuses %j', (rule, message) => {
    const kit = createKit({ now });
    const answer = kit.handleControl(
      { method: 'POST', path: '/faults', rawQuery: '', headers: {}, body: JSON.stringify(rule) },
      '/faults',
    );
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body!).detail).toMatch(message);
    expect(kit.control.faults()).toEqual([]);
  });
});
