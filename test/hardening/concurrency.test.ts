/**
 * Concurrency (issue 6, item 4), over real HTTP: conflicting requests fired together, each on its
 * own connection, so that they are all on the wire before the first answer comes back.
 *
 * Whichever request wins, the test asserts the same things: exactly one transition wins, every
 * other request is refused by the rule its late arrival breaks, the audit trail matches the
 * final state, and the world equals the world that the winning request alone, sent on a fresh
 * seed, produces (the serial oracle). The races run several times, with the order in which the
 * two kinds of request are sent flipped, and the follow-up race runs on both kinds of enrollment
 * whatever the first race gave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleRequest } from '../../contracts/samples.js';
import { seedCustomers } from '../../src/core/partner/seed.js';
import { operation } from '../../src/schema/index.js';
import { startExpressMock, testNow, type Running } from '../contracts/support.js';
import {
  apis,
  createClient,
  errorShapeProblems,
  jsonWire,
  snapshot,
  type Answer,
  type Client,
  type Wire,
} from './support.js';

let mock: Running;
/** One connection per request of a race. */
let client: Client;

beforeAll(async () => {
  mock = await startExpressMock();
  client = createClient(mock.url, { connections: 100 });
});
afterAll(async () => {
  client?.close();
  await mock?.close();
});

const P = 'program-api' as const;
const base = apis[P].base;
const { vendor, client: clientToken } = apis[P].tokens as Record<string, string>;
const ids = {
  program: 'PRG-9643-3741',
  active: 'CER-9646-2171-8417',
  pending: 'CER-3350-8812-0046',
  pendingEnrollment: 'ENR-3350-8812-0046',
};

const sampleBody = (operationId: string): unknown =>
  JSON.parse(sampleRequest(operation(P, operationId)).body ?? 'null');

const terminate = jsonWire(
  'POST',
  `${base}/v1/program/certificates/${ids.active}/terminate`,
  vendor!,
  sampleBody('terminateCertificate'),
);
/** A re-enrollment is a Change draft, then its submit: the submit is what races. */
const draft = jsonWire('POST', `${base}/v1/program/enrollments`, clientToken!, {
  program: { id: ids.program },
  certificate: { id: ids.active },
});
const submit = (enrollment: string) =>
  jsonWire('POST', `${base}/v1/program/enrollments/${enrollment}/submit`, clientToken!, {});
async function openDraft() {
  const created = await client.send(draft);
  expect(created.status).toBe(201);
  return String((created.body as Item).id);
}
const settle = (enrollment: string, verb: 'complete' | 'fail') =>
  jsonWire(
    'POST',
    `${base}/v1/program/enrollments/${enrollment}/${verb}`,
    vendor!,
    sampleBody(`${verb}Enrollment`),
  );

// ---------------------------------------------------------------- helpers

type Item = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- world items are read freely
interface Event {
  at: string;
  by: { id: string };
}

const world = () =>
  mock.kit.control.state() as unknown as {
    program: { certificates: Item[]; enrollments: Item[]; tokens: Item[] };
    partnerCenter: { customers: Item[] };
  };
const certificate = (id: string) => world().program.certificates.find((c) => c.id === id)!;
const enrollment = (id: string) => world().program.enrollments.find((e) => e.id === id)!;
const enrollmentsOf = (certificateId: string) =>
  world().program.enrollments.filter((e) => e.certificate.id === certificateId);
const userOf = (token: string) =>
  String(world().program.tokens.find((t) => t.token === token)!.user);

const overlaps: string[] = [];
afterAll(() =>
  console.log(`concurrency: requests on the wire before the first answer ${overlaps.join(' ')}`),
);

/** Fires the requests together; also says how many were on the wire before the first answer. */
async function fire(wires: Wire[]) {
  const answers = await Promise.all(wires.map((wire) => client.send(wire)));
  const firstAnswer = Math.min(...answers.map((a) => a.answeredAt));
  const overlapping = answers.filter((a) => a.sentAt < firstAnswer).length;
  overlaps.push(`${overlapping}/${wires.length}`);
  return { answers, overlapping };
}

/** `count` requests, the two kinds alternating, `first` leading. */
const interleave = (count: number, first: Wire, second: Wire) =>
  Array.from({ length: count }, (_, i) => (i % 2 === 0 ? first : second));

/** The one answer that won (exactly one 2xx), and the refusals. */
function split(answers: Answer[]) {
  const won = answers.filter((a) => a.status >= 200 && a.status < 300);
  expect(
    won.length,
    `exactly one winner (statuses ${answers.map((a) => a.status).join(' ')})`,
  ).toBe(1);
  return { winner: won[0]!, losers: answers.filter((a) => a !== won[0]) };
}

/** Every refusal is a 400 in problem details, with the code the rule gives for its kind. */
function expectRefusals(
  losers: Answer[],
  wires: Wire[],
  answers: Answer[],
  want: Map<Wire, string>,
) {
  for (const loser of losers) {
    const wire = wires[answers.indexOf(loser)]!;
    expect(loser.status, loser.text).toBe(400);
    expect(errorShapeProblems(P, wire.method, loser)).toEqual([]);
    expect((loser.body as { code: string }).code, wire.path).toBe(want.get(wire));
  }
}

/**
 * The serial oracle: the world after the race equals the world after the winning requests
 * alone, sent one after the other on a fresh seed. Leaves the world as the race left it.
 */
async function expectSerialEquivalent(winners: Wire[]) {
  const raced = snapshot(mock.kit);
  mock.kit.control.reset();
  for (const wire of winners) expect((await client.send(wire)).status).toBeLessThan(300);
  expect(snapshot(mock.kit) === raced, 'the world equals the winners run alone').toBe(true);
}

const newEvent = (audit: Record<string, Event>, name: string, token: string) => {
  expect(audit[name], `audit.${name}`).toEqual(
    expect.objectContaining({ at: testNow, by: expect.objectContaining({ id: userOf(token) }) }),
  );
  expect(audit.updated, 'audit.updated is the latest event').toEqual(audit[name]);
};

// ---------------------------------------------------------------- (a) terminate vs re-enroll

type FirstWinner = 'terminate' | 're-enroll';

/**
 * 50 vendor terminations and 50 client re-enrollments of one Active certificate, together.
 * Returns what won and the enrollment the follow-up race runs on.
 */
async function terminateVersusReenroll(first: FirstWinner) {
  mock.kit.control.reset();
  const enrollmentsBefore = enrollmentsOf(ids.active).map((e) => e.id);
  const draftId = await openDraft();
  const reenroll = submit(draftId);
  const wires =
    first === 'terminate'
      ? interleave(100, terminate, reenroll)
      : interleave(100, reenroll, terminate);
  const { answers, overlapping } = await fire(wires);
  expect(overlapping, 'requests on the wire before the first answer').toBeGreaterThanOrEqual(50);

  const { winner, losers } = split(answers);
  const won: FirstWinner = wires[answers.indexOf(winner)] === terminate ? 'terminate' : 're-enroll';
  const cert = certificate(ids.active);
  const added = enrollmentsOf(ids.active).filter((e) => !enrollmentsBefore.includes(e.id));

  if (won === 'terminate') {
    expect(winner.status).toBe(200);
    expect(cert.status).toBe('Terminated');
    expect(
      added.map((e) => [e.id, e.status]),
      'the draft was never submitted',
    ).toEqual([[draftId, 'Draft']]);
    expectRefusals(
      losers,
      wires,
      answers,
      new Map([
        [terminate, 'CertificateNotActive'],
        [reenroll, 'CertificateTerminated'],
      ]),
    );
    newEvent(cert.audit, 'terminated', vendor!);
  } else {
    expect(winner.status).toBe(200);
    const opened = winner.body as Item;
    expect(opened).toMatchObject({
      type: 'Change',
      status: 'Processing',
      certificate: { id: ids.active },
    });
    expect(cert.status).toBe('Updating');
    expect(
      added.map((e) => e.id),
      'exactly one enrollment was opened',
    ).toEqual([draftId]);
    expect(opened.id).toBe(draftId);
    expectRefusals(
      losers,
      wires,
      answers,
      new Map([
        [terminate, 'CertificateNotActive'],
        [reenroll, 'EnrollmentTransitionNotAllowed'],
      ]),
    );
    newEvent(cert.audit, 'updating', clientToken!);
  }
  // The audit trail tells the final state: an event for the status entered, none for the other.
  expect('terminated' in cert.audit).toBe(cert.status === 'Terminated');
  expect('updating' in cert.audit).toBe(cert.status === 'Updating');

  await expectSerialEquivalent([draft, wires[answers.indexOf(winner)]!]);
  return {
    won,
    winner: [draft, wires[answers.indexOf(winner)]!],
    next:
      won === 're-enroll'
        ? { enrollment: String((winner.body as Item).id), certificate: ids.active }
        : { enrollment: ids.pendingEnrollment, certificate: ids.pending },
  };
}

// ---------------------------------------------------------------- (b) complete vs fail

type SecondWinner = 'complete' | 'fail';

/** 50 completions and 50 failures of one Processing enrollment, together, as the vendor. */
async function completeVersusFail(
  target: { enrollment: string; certificate: string },
  first: SecondWinner,
  before: Wire[],
) {
  const completing = settle(target.enrollment, 'complete');
  const failing = settle(target.enrollment, 'fail');
  expect(enrollment(target.enrollment).status).toBe('Processing');
  const wires =
    first === 'complete'
      ? interleave(100, completing, failing)
      : interleave(100, failing, completing);
  const { answers, overlapping } = await fire(wires);
  expect(overlapping, 'requests on the wire before the first answer').toBeGreaterThanOrEqual(50);

  const { winner, losers } = split(answers);
  const won: SecondWinner = wires[answers.indexOf(winner)] === completing ? 'complete' : 'fail';
  expect(winner.status).toBe(200);
  expectRefusals(
    losers,
    wires,
    answers,
    new Map([
      [completing, 'EnrollmentTransitionNotAllowed'],
      [failing, 'EnrollmentTransitionNotAllowed'],
    ]),
  );

  const enr = enrollment(target.enrollment);
  const cert = certificate(target.certificate);
  expect(enr.status).toBe(won === 'complete' ? 'Completed' : 'Failed');
  expect(cert.status).toBe(won === 'complete' ? 'Active' : 'Terminated');
  expect(enr.certificate.id).toBe(target.certificate);
  newEvent(enr.audit, won === 'complete' ? 'completed' : 'failed', vendor!);
  newEvent(cert.audit, won === 'complete' ? 'activated' : 'terminated', vendor!);
  expect('completed' in enr.audit).toBe(enr.status === 'Completed');
  expect('failed' in enr.audit).toBe(enr.status === 'Failed');
  expect('terminated' in cert.audit).toBe(cert.status === 'Terminated');

  await expectSerialEquivalent([...before, wires[answers.indexOf(winner)]!]);
  return won;
}

describe('one certificate, 100 conflicting requests at once', () => {
  const rounds = [
    ['terminate', 'complete'],
    ['re-enroll', 'fail'],
    ['terminate', 'fail'],
    ['re-enroll', 'complete'],
  ] as const;
  const seen: string[] = [];
  afterAll(() => console.log(`concurrency: winners per round ${seen.join(', ')}`));

  it.each(rounds)(
    '(a) %s sent first against the others, then (b) %s sent first: one winner each, the rules refuse the rest',
    async (firstA, firstB) => {
      const a = await terminateVersusReenroll(firstA);
      // (b) on the enrollment (a) left: the re-enrollment if it won, else the seeded Pending one.
      const b = await completeVersusFail(a.next, firstB, a.winner);
      seen.push(`${a.won} then ${b}`);
    },
  );

  it.each(['complete', 'fail'] as const)('(b) on a re-enrollment, %s sent first', async (first) => {
    mock.kit.control.reset();
    const draftId = await openDraft();
    const opened = await client.send(submit(draftId));
    expect(opened.status).toBe(200);
    const target = { enrollment: draftId, certificate: ids.active };
    await completeVersusFail(target, first, [draft, submit(draftId)]);
  });

  it.each(['complete', 'fail'] as const)(
    '(b) on the seeded Pending certificate, %s sent first',
    async (first) => {
      mock.kit.control.reset();
      await completeVersusFail(
        { enrollment: ids.pendingEnrollment, certificate: ids.pending },
        first,
        [],
      );
    },
  );
});

// ---------------------------------------------------------------- (c) Partner Center writes

describe('Partner Center: 50 concurrent qualification requests', () => {
  const customer = seedCustomers.none;
  const partner = apis['partner-center'].tokens.partner!;
  const request = (requestId: string) =>
    jsonWire(
      'POST',
      `/v1/customers/${customer}/qualifications`,
      partner,
      { qualification: 'StateOwnedEntity' },
      { 'ms-requestid': requestId },
    );
  const requestId = (i: number) => `0f6a1c2e-4b3d-4e5f-8a9b-${String(i).padStart(12, '0')}`;
  const qualificationsOf = () =>
    world().partnerCenter.customers.find((c) => c.id === customer)!.qualifications as Item[];

  it('with one MS-RequestId: the same answer 50 times, one qualification', async () => {
    mock.kit.control.reset();
    const wire = request(requestId(1));
    const { answers, overlapping } = await fire(Array.from({ length: 50 }, () => wire));
    expect(overlapping).toBeGreaterThanOrEqual(25);
    const first = answers[0]!;
    expect(first.status).toBe(201);
    for (const answer of answers) {
      expect([answer.status, answer.text]).toEqual([first.status, first.text]);
      expect(answer.headers['ms-requestid']).toBe(requestId(1));
    }
    expect(qualificationsOf().filter((q) => q.qualification === 'StateOwnedEntity')).toHaveLength(
      1,
    );
    await expectSerialEquivalent([wire]);
  });

  it('with 50 MS-RequestIds: one 201, 49 refusals 409 600061, one qualification', async () => {
    mock.kit.control.reset();
    const wires = Array.from({ length: 50 }, (_, i) => request(requestId(100 + i)));
    const { answers, overlapping } = await fire(wires);
    expect(overlapping).toBeGreaterThanOrEqual(25);
    const { winner, losers } = split(answers);
    expect(winner.status).toBe(201);
    for (const loser of losers) {
      expect(loser.status).toBe(409);
      expect(errorShapeProblems('partner-center', 'POST', loser)).toEqual([]);
      expect((loser.body as { code: number }).code).toBe(600061);
    }
    expect(qualificationsOf().filter((q) => q.qualification === 'StateOwnedEntity')).toHaveLength(
      1,
    );
    await expectSerialEquivalent([wires[answers.indexOf(winner)]!]);
  });
});
