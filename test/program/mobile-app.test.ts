/**
 * SoftwareOne's own mobile app (softwareone-platform/mpt-mobile-platform,
 * app/src/services/certificateService.ts and enrollmentService.ts) asks for one certificate and
 * one enrollment with a `select` that goes through references, and its detail screens
 * (app/src/screens/certificates|enrollments/*DetailsContent.tsx) read what it selected plus the
 * default members. Each row: the app's request as one role, and the paths it reads -> their
 * values. Through both doors (test/support/two-doors.ts): every answer is also checked against
 * the spec.
 */
import { expect } from 'vitest';
import type { Door } from '../support/doors.js';
import { runThroughBothDoors, type Scenario } from '../support/two-doors.js';
import { certificates, enrollments, ids, tokens } from './scenarios.js';

const P = 'program-api' as const;
const certificateSelect = '?select=licensee.account.id,template.id,terms,program.vendor';
const enrollmentSelect =
  '?select=assignee.currentAccount.id,buyer.address,licensee.account.id,licensee.address';

/** The value at a dotted path, `undefined` where a step is missing. */
function at(value: unknown, path: string): unknown {
  let node = value;
  for (const step of path.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[step];
  }
  return node;
}

const oscorpBuyerAddress = {
  addressLine1: '12 Harbour Street',
  addressLine2: 'Floor 3',
  postCode: 'D02 X285',
  city: 'Dublin',
  state: null,
  country: 'IE',
};
const oscorpLicenseeAddress = {
  addressLine1: '250 Front Street West',
  addressLine2: 'Suite 400',
  postCode: 'M5V 3G5',
  city: 'Toronto',
  state: 'ON',
  country: 'CA',
};
const microsoftRef = { id: ids.microsoft, type: 'Vendor', name: 'Microsoft' };

interface Row {
  given: string;
  path: string;
  /** Dotted path the app reads -> the value it must find (`undefined`: must be absent). */
  want: Record<string, unknown>;
}

const rows: Row[] = [
  {
    given: 'an Active certificate of a Licensee program',
    path: `${certificates}/${ids.active}${certificateSelect}`,
    want: {
      id: ids.active,
      'licensee.id': ids.licensee,
      'licensee.account.id': ids.oscorp,
      'licensee.name': expect.any(String),
      'template.id': ids.certificateTemplate,
      terms: [expect.objectContaining({ id: ids.terms, status: 'Published' })],
      'program.id': ids.aiProgram,
      'program.vendor': expect.objectContaining(microsoftRef),
      'program.name': expect.any(String),
      'vendor.id': ids.microsoft,
      'vendor.name': 'Microsoft',
      'eligibility.partner': expect.any(Boolean),
      applicableTo: 'Licensee',
      expirationDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      buyer: undefined,
    },
  },
  {
    given: 'an Active certificate of a Buyer program (licensee.account.id selects nothing)',
    path: `${certificates}/CER-8815-4469-7752${certificateSelect}`,
    want: {
      'buyer.id': ids.buyer,
      'buyer.account.id': ids.oscorp,
      'program.vendor': expect.objectContaining(microsoftRef),
      applicableTo: 'Buyer',
      licensee: undefined,
    },
  },
  {
    given: 'a Processing enrollment with an assignee',
    path: `${enrollments}/${ids.pendingEnrollment}${enrollmentSelect}`,
    want: {
      'assignee.id': ids.vendorUser,
      'assignee.name': expect.any(String),
      'assignee.currentAccount.id': ids.microsoft,
      'licensee.account.id': ids.oscorp,
      'licensee.address': oscorpLicenseeAddress,
      'program.id': ids.aiProgram,
      'certificate.id': ids.pending,
      'program.name': expect.any(String),
      applicableTo: 'Licensee',
      'eligibility.client': expect.any(Boolean),
    },
  },
  {
    given: 'a Completed enrollment of a Buyer program',
    path: `${enrollments}/ENR-8815-4469-7752${enrollmentSelect}`,
    want: {
      'buyer.id': ids.buyer,
      'buyer.address': oscorpBuyerAddress,
      'buyer.account.id': ids.oscorp,
      applicableTo: 'Buyer',
      licensee: undefined,
    },
  },
];

const roles = ['ops', 'vendor', 'client'] as const;

async function answers(door: Door, path: string, token: string, want: Record<string, unknown>) {
  const answer = await door.call(P, 'GET', path, { token });
  expect(answer.status).toBe(200);
  const found = Object.fromEntries(Object.keys(want).map((k) => [k, at(answer.body, k)]));
  expect(found).toEqual(want);
}

const seeded: Scenario[] = rows.flatMap((row) =>
  roles.map((role) => ({
    name: `mobile app, as ${role}: ${row.given}`,
    run: (door: Door) => answers(door, row.path, tokens[role], row.want),
  })),
);

// The same requests on objects the kit made at run time (not the seed's copies).
const made: Scenario[] = [
  {
    name: 'mobile app: a new enrollment, assigned by the vendor, answers the account, address and currentAccount',
    async run(door) {
      const created = await door.call(P, 'POST', enrollments, {
        token: tokens.client,
        body: {
          program: { id: ids.aiProgram },
          licensee: { id: ids.licensee },
          parameters: { ordering: [{ id: ids.mpnid, value: 'MPN-1234567' }] },
        },
      });
      expect(created.status).toBe(201);
      const id = String(created.body.id);
      const submitted = await door.call(P, 'POST', `${enrollments}/${id}/submit`, {
        token: tokens.client,
      });
      expect(submitted.status).toBe(200);
      const assigned = await door.call(P, 'PUT', `${enrollments}/${id}`, {
        token: tokens.vendor,
        body: { id, assignee: { id: ids.vendorUser } },
      });
      expect(assigned.status).toBe(200);
      await answers(door, `${enrollments}/${id}${enrollmentSelect}`, tokens.client, {
        'assignee.currentAccount.id': ids.microsoft,
        'licensee.account.id': ids.oscorp,
        'licensee.address': oscorpLicenseeAddress,
      });
      await answers(
        door,
        `${certificates}/${String(created.body.certificate.id)}${certificateSelect}`,
        tokens.client,
        {
          'licensee.account.id': ids.oscorp,
          'program.vendor': expect.objectContaining(microsoftRef),
        },
      );
    },
  },
];

// An enrollment the operations user takes on: its assignee acts for the operations account.
const assignedToOps: Scenario[] = roles.map((role) => ({
  name: `mobile app, as ${role}: an enrollment assigned to the operations user answers its currentAccount`,
  async run(door: Door) {
    const id = ids.pendingEnrollment;
    const assigned = await door.call(P, 'PUT', `${enrollments}/${id}`, {
      token: tokens.ops,
      body: { id, assignee: { id: ids.opsUser } },
    });
    expect(assigned.status).toBe(200);
    await answers(door, `${enrollments}/${id}${enrollmentSelect}`, tokens[role], {
      'assignee.id': ids.opsUser,
      'assignee.name': 'Olivia Operations',
      'assignee.currentAccount': expect.objectContaining({
        id: 'ACC-0000-0001',
        name: 'SoftwareOne',
        type: 'Operations',
      }),
    });
  },
}));

// The library's select below the app's requests (docs/decisions/0061): sub-selects, `+member`,
// a path through a reference under `-*`; and a path that names nothing is a 400 naming it.
const P_ = (path: string) => `${certificates}/${ids.active}?select=${path}`;
const selects: Scenario[] = [
  {
    name: 'select: a sub-select, +member and a path through references under -*',
    async run(door) {
      const one = await door.call(
        P,
        'GET',
        P_('-*,program(-*,name,vendor),+template,licensee.account.id'),
        {
          token: tokens.client,
        },
      );
      expect(one.status).toBe(200);
      expect(Object.keys(one.body).sort()).toEqual([
        'href',
        'id',
        'licensee',
        'program',
        'template',
      ]);
      expect(one.body.program).toEqual({
        id: ids.aiProgram,
        name: expect.any(String),
        vendor: expect.objectContaining(microsoftRef),
      });
      expect(one.body.template.id).toBe(ids.certificateTemplate);
      expect(one.body.licensee).toEqual({ id: ids.licensee, account: { id: ids.oscorp } });
      const whole = await door.call(P, 'GET', `${certificates}/${ids.active}`, {
        token: tokens.client,
      });
      const empty = await door.call(P, 'GET', P_(''), { token: tokens.client });
      expect(empty.body).toEqual(whole.body);
    },
  },
  {
    name: 'select: a path that names no property is 400 InvalidQuery naming it (by id and in lists)',
    async run(door) {
      for (const [path, named] of [
        [P_('licensee.acount.id'), 'licensee.acount.id'],
        [P_('-*,program(-*,vendr)'), 'program.vendr'],
        [
          `${enrollments}/${ids.pendingEnrollment}?select=assignee.currentAcount.id`,
          'assignee.currentAcount.id',
        ],
        [`${certificates}?select=-*,id,nme`, 'nme'],
        [`${enrollments}?select=-*,id,statuss`, 'statuss'],
      ] as const) {
        const answer = await door.call(P, 'GET', path, { token: tokens.client });
        expect(answer.status, path).toBe(400);
        expect(answer.body.code).toBe('InvalidQuery');
        expect(answer.body.detail).toContain(`'${named}'`);
      }
    },
  },
  {
    // The vendor's own e2e suite leaves out `revision` on program media, which has none.
    name: 'select: leaving out a member the objects do not have is accepted and changes nothing',
    async run(door) {
      for (const path of [
        `${enrollments}?select=-*,id,-statuss`,
        `${certificates}/${ids.active}?select=-revisions,-audit`,
      ]) {
        const answer = await door.call(P, 'GET', path, { token: tokens.client });
        const without = await door.call(P, 'GET', path.replace(/,-(statuss|revisions)/, ''), {
          token: tokens.client,
        });
        expect(answer.status, path).toBe(200);
        expect(answer.body).toEqual(without.body);
      }
    },
  },
];

runThroughBothDoors('Mobile app selects', [...seeded, ...made, ...assignedToOps, ...selects]);
