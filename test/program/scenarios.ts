/**
 * The Program API scenarios: one per row of the certificate lifecycle table and one per rule.
 * Each is a function of a door, so the same table runs through express and through msw.
 */
import { expect } from 'vitest';
import type { Door } from '../support/doors.js';

import type { Scenario } from '../support/two-doors.js';

export type { Scenario };

export const tokens = { ops: 'ops-token', vendor: 'vendor-token', client: 'client-token' } as const;
export const ids = {
  aiProgram: 'PRG-9643-3741', // Published, applies to Licensee, MPNID required
  eduProgram: 'PRG-4127-5580', // Published, applies to Buyer, autoapprove
  draftProgram: 'PRG-7315-2204',
  unpublishedProgram: 'PRG-8862-1093',
  adobeProgram: 'PRG-5190-6634', // another vendor's
  active: 'CER-9646-2171-8417',
  activeExpiringSoon: 'CER-1204-5530-7781', // expires 12 days after the seed instant
  pending: 'CER-3350-8812-0046',
  pendingEnrollment: 'ENR-3350-8812-0046',
  updating: 'CER-4471-0925-3318',
  updatingEnrollment: 'ENR-4471-0925-3318', // a Change enrollment in Querying
  terminated: 'CER-5582-1136-4429',
  expired: 'CER-6693-2247-5530',
  otherClientsCertificate: 'CER-2217-6604-9183', // Wayne Enterprises, on the AI program
  otherVendorsCertificate: 'CER-7704-3358-6641', // Wayne Enterprises, on Adobe's program
  oscorp: 'ACC-1086-6867', // the client account of the vendor's own test tenant
  microsoft: 'ACC-3102-5475',
  licensee: 'LCE-5758-4071-6507',
  otherClientsLicensee: 'LCE-8821-3390-1174',
  buyer: 'BUY-1591-2112',
  mpnid: 'PPM-9643-3741-0001', // not required on the AI program (the vendor's e2e sends none)
  eduMpnid: 'PPM-4127-5580-0001', // required on the Education program
  processTemplate: 'PTM-9643-3741-0001',
  queryTemplate: 'PTM-9643-3741-0002',
  completedTemplate: 'PTM-9643-3741-0003',
  certificateTemplate: 'PTM-9643-3741-0004',
  clientUser: 'USR-3391-5820',
  opsUser: 'USR-6337-1324', // the assignee of the vendor's e2e suite
  completedEnrollment: 'ENR-3965-5056-7966',
  partnerGroup: 'PPG-9643-3741-0002',
  terms: 'PTC-9643-3741-0001',
  document: 'PDM-9643-3741-0001',
  media: 'PMD-9643-3741-0001',
  variant: 'PTV-9643-3741-0001-0001',
  attachment: 'ENA-3965-5056-7966-0001',
  vendorUser: 'USR-7712-0045',
} as const;

export const certificates = '/v1/program/certificates';
export const enrollments = '/v1/program/enrollments';
export const programs = '/v1/program/programs';
const P = 'program-api' as const;

const newEnrollment = (extra: Record<string, unknown> = {}) => ({
  program: { id: ids.aiProgram },
  licensee: { id: ids.licensee },
  parameters: { ordering: [{ id: ids.mpnid, value: 'MPN-1234567' }] },
  ...extra,
});

/** Creates a draft enrollment and submits it, as the client does. */
export async function enroll(door: Door, body: unknown, token: string = tokens.client) {
  const draft = await door.call(P, 'POST', enrollments, { token, body });
  expect(draft.status).toBe(201);
  expect(draft.body.status).toBe('Draft');
  const submitted = await door.call(P, 'POST', `${enrollments}/${draft.body.id}/submit`, { token });
  expect(submitted.status).toBe(200);
  return submitted.body;
}

export async function certificate(door: Door, id: string, token: string = tokens.ops) {
  const answer = await door.call(P, 'GET', `${certificates}/${id}`, { token });
  expect(answer.status).toBe(200);
  return answer.body;
}

/** A refused request: status, code, and the object named unchanged afterwards. */
export async function refused(
  door: Door,
  request: { method: string; path: string; token: string; body?: unknown },
  want: { status: number; code: string },
  unchanged?: string,
) {
  const before = unchanged ? (await door.call(P, 'GET', unchanged)).text : undefined;
  const answer = await door.call(P, request.method, request.path, {
    token: request.token,
    body: request.body,
  });
  expect(answer.status).toBe(want.status);
  expect(answer.body.code).toBe(want.code);
  expect(answer.contentType).toBe('application/problem+json');
  if (unchanged) expect((await door.call(P, 'GET', unchanged)).text).toBe(before);
  return answer.body;
}

const lifecycle: Scenario[] = [
  {
    name: 'lifecycle (new) -> Pending: a client enrollment creates a Pending certificate with its New enrollment',
    async run(door) {
      const created = await door.call(P, 'POST', enrollments, {
        token: tokens.client,
        body: newEnrollment(),
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ type: 'New', status: 'Draft', revision: 1 });
      const cert = await certificate(door, created.body.certificate.id, tokens.client);
      expect(cert).toMatchObject({
        status: 'Pending',
        applicableTo: 'Licensee',
        licensee: { id: ids.licensee },
        client: { id: ids.oscorp, type: 'Client', status: 'Active' },
        vendor: { id: ids.microsoft, type: 'Vendor' },
        // The program's Published terms, not yet accepted: the client accepts them on submit.
        terms: [
          { id: ids.terms, name: 'E2E Seeded Program Terms', status: 'Published', accepted: null },
        ],
      });
      expect(cert.audit.pending).toEqual({
        at: '2026-11-21T09:00:00.000Z',
        by: { id: ids.clientUser, name: 'Clara Client' },
      });
      const submitted = await door.call(P, 'POST', `${enrollments}/${created.body.id}/submit`, {
        token: tokens.client,
      });
      expect(submitted.body).toMatchObject({ status: 'Processing', revision: 2 });
      const afterSubmit = await certificate(door, created.body.certificate.id);
      expect(afterSubmit.status).toBe('Pending');
      expect(afterSubmit.terms).toEqual([
        expect.objectContaining({
          id: ids.terms,
          accepted: '2026-11-21T09:00:00.000Z',
          acceptedBy: { id: ids.clientUser, name: 'Clara Client' },
        }),
      ]);
    },
  },
  {
    name: 'lifecycle (new) -> Active: operations migrates a certificate, Active at once with an expiration date and no enrollment',
    async run(door) {
      const created = await door.call(P, 'POST', certificates, {
        body: newEnrollment({ client: { id: ids.oscorp } }),
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        status: 'Active',
        expirationDate: '2027-11-21',
        revision: 1,
        template: { id: ids.completedTemplate },
      });
      expect(created.body.id).toMatch(/^CER-\d{4}-\d{4}-\d{4}$/);
      const opened = await door.call(
        P,
        'GET',
        `${enrollments}?eq(certificate.id,"${created.body.id}")&limit=0`,
      );
      expect(opened.body.$meta.pagination.total).toBe(0);
    },
  },
  {
    name: 'lifecycle Pending -> Active: completing its enrollment activates the certificate',
    async run(door) {
      const done = await door.call(P, 'POST', `${enrollments}/${ids.pendingEnrollment}/complete`, {
        token: tokens.vendor,
        body: {
          expirationDate: '2027-12-31',
          template: { id: ids.completedTemplate },
          externalIds: { vendor: 'MS-778' },
        },
      });
      expect(done.status).toBe(200);
      expect(done.body.status).toBe('Completed');
      const cert = await certificate(door, ids.pending);
      expect(cert).toMatchObject({
        status: 'Active',
        expirationDate: '2027-12-31',
        externalIds: { vendor: 'MS-778' },
      });
      expect(cert.audit.activated.by.id).toBe(ids.vendorUser);
    },
  },
  {
    name: 'lifecycle Pending -> Terminated: failing its enrollment terminates the certificate',
    async run(door) {
      const notes = { message: 'The partner network id does not exist.' };
      const failed = await door.call(P, 'POST', `${enrollments}/${ids.pendingEnrollment}/fail`, {
        token: tokens.vendor,
        body: { statusNotes: notes },
      });
      expect(failed.status).toBe(200);
      expect(failed.body.status).toBe('Failed');
      expect(failed.body.statusNotes).toEqual(notes);
      // The real answer carries a certificate's status notes as a string.
      expect(await certificate(door, ids.pending)).toMatchObject({
        status: 'Terminated',
        statusNotes: notes.message,
      });
    },
  },
  {
    name: 'lifecycle Active -> Expired: automatic the day after expirationDate, on every read and filter',
    async run(door) {
      expect((await certificate(door, ids.activeExpiringSoon)).expirationDate).toBe('2026-12-03');
      await door.control('POST', '/clock', { now: '2026-12-03T23:59:59.000Z' });
      expect((await certificate(door, ids.activeExpiringSoon)).status).toBe('Active');
      await door.control('POST', '/clock', { advance: 'PT1S' });
      const cert = await certificate(door, ids.activeExpiringSoon);
      expect(cert.status).toBe('Expired');
      expect(cert.audit.expired.at).toBe('2026-12-04T00:00:00.000Z');
      const expired = await door.call(P, 'GET', `${certificates}?status=Expired&select=-*,id`);
      expect(expired.body.data.map((c: { id: string }) => c.id)).toContain(ids.activeExpiringSoon);
      const active = await door.call(P, 'GET', `${certificates}?eq(status,Active)&select=-*,id`);
      expect(active.body.data.map((c: { id: string }) => c.id)).not.toContain(
        ids.activeExpiringSoon,
      );
    },
  },
  {
    name: 'lifecycle Active -> Updating: a re-enrollment (Change) moves an Active certificate to Updating',
    async run(door) {
      const change = await door.call(P, 'POST', enrollments, {
        token: tokens.client,
        body: { program: { id: ids.aiProgram }, certificate: { id: ids.active } },
      });
      expect(change.status).toBe(201);
      expect(change.body).toMatchObject({
        type: 'Change',
        status: 'Draft',
        certificate: { id: ids.active },
      });
      // A draft re-enrollment leaves the certificate as it is until it is submitted.
      expect((await certificate(door, ids.active)).status).toBe('Active');
      const submitted = await door.call(P, 'POST', `${enrollments}/${change.body.id}/submit`, {
        token: tokens.client,
      });
      expect(submitted.body.status).toBe('Processing');
      expect((await certificate(door, ids.active)).status).toBe('Updating');
    },
  },
  {
    name: 'lifecycle Expired -> Updating: an Expired certificate can be re-enrolled',
    async run(door) {
      const change = await enroll(door, {
        program: { id: ids.aiProgram },
        certificate: { id: ids.expired },
      });
      expect(change.type).toBe('Change');
      expect((await certificate(door, ids.expired)).status).toBe('Updating');
    },
  },
  {
    name: 'lifecycle Updating -> Active: completing the re-enrollment reactivates with a new expiration date',
    async run(door) {
      const change = await enroll(door, {
        program: { id: ids.aiProgram },
        certificate: { id: ids.expired },
      });
      const done = await door.call(P, 'POST', `${enrollments}/${change.id}/complete`, {
        token: tokens.vendor,
        body: { expirationDate: '2028-01-31' },
      });
      expect(done.status).toBe(200);
      expect(await certificate(door, ids.expired)).toMatchObject({
        status: 'Active',
        expirationDate: '2028-01-31',
      });
    },
  },
  {
    name: 'lifecycle Updating -> Terminated: failing the re-enrollment terminates the certificate',
    async run(door) {
      const failed = await door.call(P, 'POST', `${enrollments}/${ids.updatingEnrollment}/fail`, {
        token: tokens.vendor,
        body: { statusNotes: { message: 'No longer meets the requirements.' } },
      });
      expect(failed.status).toBe(200);
      expect((await certificate(door, ids.updating)).status).toBe('Terminated');
    },
  },
  {
    name: 'lifecycle Active -> Terminated: the vendor terminates an Active certificate with a status note',
    async run(door) {
      const done = await door.call(P, 'POST', `${certificates}/${ids.active}/terminate`, {
        token: tokens.vendor,
        body: { statusNotes: { message: 'Partner agreement ended.', id: 'TRM-01' } },
      });
      expect(done.status).toBe(200);
      expect(done.body).toMatchObject({
        status: 'Terminated',
        statusNotes: 'Partner agreement ended.',
      });
      expect(done.body.audit.terminated).toEqual({
        at: '2026-11-21T09:00:00.000Z',
        by: { id: ids.vendorUser, name: 'Victor Vendor' },
      });
    },
  },
];

const rules: Scenario[] = [
  {
    name: 'rule: a certificate is created only for a Published program (Draft and Unpublished refused)',
    async run(door) {
      const before = (await door.call(P, 'GET', `${certificates}?limit=0`)).body.$meta.pagination
        .total;
      await refused(
        door,
        {
          method: 'POST',
          path: certificates,
          token: tokens.ops,
          body: newEnrollment({ program: { id: ids.draftProgram }, client: { id: ids.oscorp } }),
        },
        { status: 400, code: 'ProgramNotPublished' },
      );
      await refused(
        door,
        {
          method: 'POST',
          path: enrollments,
          token: tokens.client,
          body: newEnrollment({ program: { id: ids.unpublishedProgram } }),
        },
        { status: 400, code: 'ProgramNotPublished' },
      );
      expect(
        (await door.call(P, 'GET', `${certificates}?limit=0`)).body.$meta.pagination.total,
      ).toBe(before);
    },
  },
  {
    name: 'rule: re-enrollment only for a Published program',
    async run(door) {
      expect(
        (
          await door.call(P, 'POST', `${programs}/${ids.aiProgram}/unpublish`, {
            token: tokens.vendor,
          })
        ).status,
      ).toBe(200);
      await refused(
        door,
        {
          method: 'POST',
          path: enrollments,
          token: tokens.client,
          body: { program: { id: ids.aiProgram }, certificate: { id: ids.active } },
        },
        { status: 400, code: 'ProgramNotPublished' },
        `${certificates}/${ids.active}`,
      );
    },
  },
  {
    name: 'rule: a Terminated certificate is never re-enrolled',
    async run(door) {
      const body = await refused(
        door,
        {
          method: 'POST',
          path: enrollments,
          token: tokens.client,
          body: { program: { id: ids.aiProgram }, certificate: { id: ids.terminated } },
        },
        { status: 400, code: 'CertificateTerminated' },
        `${certificates}/${ids.terminated}`,
      );
      expect(body.detail).toContain(ids.terminated);
    },
  },
  {
    name: 'rule: no re-enrollment while Pending or Updating',
    async run(door) {
      for (const id of [ids.pending, ids.updating]) {
        await refused(
          door,
          {
            method: 'POST',
            path: enrollments,
            token: tokens.client,
            body: { program: { id: ids.aiProgram }, certificate: { id } },
          },
          { status: 400, code: 'CertificateNotReenrollable' },
          `${certificates}/${id}`,
        );
      }
    },
  },
  {
    name: 'rule: only an Active certificate can be terminated',
    async run(door) {
      for (const id of [ids.pending, ids.expired, ids.terminated, ids.updating]) {
        await refused(
          door,
          {
            method: 'POST',
            path: `${certificates}/${id}/terminate`,
            token: tokens.vendor,
            body: { statusNotes: { message: 'x' } },
          },
          { status: 400, code: 'CertificateNotActive' },
          `${certificates}/${id}`,
        );
      }
    },
  },
  {
    name: 'rule: terminate requires statusNotes.message',
    async run(door) {
      const path = `${certificates}/${ids.active}/terminate`;
      const missing = await refused(
        door,
        { method: 'POST', path, token: tokens.vendor, body: {} },
        { status: 400, code: 'ValidationFailed' },
        `${certificates}/${ids.active}`,
      );
      expect(Object.keys(missing.errors)).toContain('statusNotes');
      const empty = await refused(
        door,
        { method: 'POST', path, token: tokens.vendor, body: { statusNotes: { message: '' } } },
        { status: 400, code: 'ValidationFailed' },
        `${certificates}/${ids.active}`,
      );
      expect(Object.keys(empty.errors)).toContain('statusNotes.message');
    },
  },
  {
    name: 'rule: newCertificateAutoapprove activates a new certificate at once',
    async run(door) {
      const created = await enroll(door, {
        program: { id: ids.eduProgram },
        buyer: { id: ids.buyer },
        parameters: { ordering: [{ id: ids.eduMpnid, value: 'MPN-7654321' }] },
      });
      // Approved on submit: no vendor step.
      expect(created.status).toBe('Completed');
      const cert = await certificate(door, created.certificate.id);
      expect(cert).toMatchObject({
        status: 'Active',
        applicableTo: 'Buyer',
        buyer: { id: ids.buyer },
        expirationDate: '2027-11-21',
      });
      expect(cert.licensee).toBeUndefined();
    },
  },
  {
    name: 'rule: applicableTo decides whether buyer or licensee is required',
    async run(door) {
      await refused(
        door,
        {
          method: 'POST',
          path: enrollments,
          token: tokens.client,
          body: newEnrollment({ licensee: undefined }),
        },
        { status: 400, code: 'LicenseeRequired' },
      );
      await refused(
        door,
        {
          method: 'POST',
          path: enrollments,
          token: tokens.client,
          body: newEnrollment({ buyer: { id: ids.buyer } }),
        },
        { status: 400, code: 'ApplicableToMismatch' },
      );
      await refused(
        door,
        {
          method: 'POST',
          path: enrollments,
          token: tokens.client,
          body: { program: { id: ids.eduProgram } },
        },
        { status: 400, code: 'BuyerRequired' },
      );
      await refused(
        door,
        {
          method: 'POST',
          path: enrollments,
          token: tokens.client,
          body: newEnrollment({ licensee: { id: ids.otherClientsLicensee } }),
        },
        { status: 400, code: 'ReferenceNotFound' },
      );
    },
  },
  {
    name: 'rule: a required Order parameter without a value is refused at submit (400 naming it), reported on the draft by preValidation',
    async run(door) {
      for (const parameters of [{}, { ordering: [{ id: ids.eduMpnid, value: '  ' }] }]) {
        const draft = await door.call(P, 'POST', enrollments, {
          token: tokens.client,
          body: { program: { id: ids.eduProgram }, buyer: { id: ids.buyer }, parameters },
        });
        expect(draft.status).toBe(201);
        // The Education program pre-validates drafts: the problem shows before submitting.
        expect(draft.body.error).toMatchObject({ id: 'ParameterRequired' });
        expect(draft.body.parameters.ordering[0].error.id).toBe('ParameterRequired');
        const body = await refused(
          door,
          {
            method: 'POST',
            path: `${enrollments}/${draft.body.id}/submit`,
            token: tokens.client,
          },
          { status: 400, code: 'ParameterRequired' },
          `${enrollments}/${draft.body.id}`,
        );
        expect(body.detail).toContain('Microsoft Partner Network ID');
        expect(Object.keys(body.errors)).toEqual(['parameters.ordering.MPNID']);
      }
      await refused(
        door,
        {
          method: 'POST',
          path: certificates,
          token: tokens.ops,
          body: {
            program: { id: ids.eduProgram },
            client: { id: ids.oscorp },
            buyer: { id: ids.buyer },
          },
        },
        { status: 400, code: 'ParameterRequired' },
      );
    },
  },
  {
    name: 'rule: audit events carry the virtual clock time and the acting user',
    async run(door) {
      await door.control('POST', '/clock', { advance: 'P2DT3H' });
      await door.call(P, 'POST', `${enrollments}/${ids.pendingEnrollment}/complete`, {
        token: tokens.vendor,
        body: {},
      });
      const enrollment = (await door.call(P, 'GET', `${enrollments}/${ids.pendingEnrollment}`))
        .body;
      const event = {
        at: '2026-11-23T12:00:00.000Z',
        by: { id: ids.vendorUser, name: 'Victor Vendor' },
      };
      expect(enrollment.audit.completed).toEqual(event);
      const cert = await certificate(door, ids.pending);
      expect(cert.audit.activated).toEqual(event);
      expect(cert.audit.updated).toEqual(event);
      expect(cert.expirationDate).toBe('2027-11-23');
    },
  },
  {
    name: 'rule: every object has its href',
    async run(door) {
      for (const [path, prefix] of [
        [certificates, 'certificates'],
        [enrollments, 'enrollments'],
        [programs, 'programs'],
      ] as const) {
        const list = await door.call(P, 'GET', `${path}?limit=100`);
        expect(list.body.data.length).toBeGreaterThan(0);
        for (const item of list.body.data)
          expect(item.href).toBe(`/v1/program/${prefix}/${item.id}`);
      }
    },
  },
  {
    name: 'rule: enrollments follow Processing -> Querying -> Processing -> Completed, nothing else',
    async run(door) {
      const path = `${enrollments}/${ids.pendingEnrollment}`;
      await refused(
        door,
        { method: 'POST', path: `${path}/query`, token: tokens.vendor, body: {} },
        { status: 400, code: 'ValidationFailed' },
        path,
      );
      await refused(
        door,
        { method: 'POST', path: `${path}/process`, token: tokens.vendor },
        { status: 400, code: 'EnrollmentTransitionNotAllowed' },
        path,
      );
      const queried = await door.call(P, 'POST', `${path}/query`, {
        token: tokens.vendor,
        body: { template: { id: ids.queryTemplate } },
      });
      expect(queried.body).toMatchObject({
        status: 'Querying',
        template: { id: ids.queryTemplate },
      });
      await refused(
        door,
        { method: 'POST', path: `${path}/complete`, token: tokens.vendor, body: {} },
        { status: 400, code: 'EnrollmentTransitionNotAllowed' },
        path,
      );
      expect(
        (await door.call(P, 'POST', `${path}/process`, { token: tokens.vendor })).body.status,
      ).toBe('Processing');
      expect(
        (await door.call(P, 'POST', `${path}/complete`, { token: tokens.vendor, body: {} })).body
          .status,
      ).toBe('Completed');
      await refused(
        door,
        {
          method: 'POST',
          path: `${path}/fail`,
          token: tokens.vendor,
          body: { statusNotes: { message: 'late' } },
        },
        { status: 400, code: 'EnrollmentTransitionNotAllowed' },
        path,
      );
    },
  },
  {
    name: 'rule: programs follow Draft -> Published <-> Unpublished; only a Draft is deleted',
    async run(door) {
      const created = await door.call(P, 'POST', programs, {
        token: tokens.vendor,
        body: { name: 'Microsoft Fabric Partner', applicableTo: 'Licensee' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        status: 'Draft',
        revision: 1,
        vendor: { id: ids.microsoft, type: 'Vendor' },
      });
      const id = created.body.id as string;
      const path = `${programs}/${id}`;
      const parameter = await door.call(P, 'POST', `${path}/parameters`, {
        token: tokens.vendor,
        body: { name: 'Tenant', externalId: 'tenant', type: 'SingleLineText', phase: 'Order' },
      });
      expect(parameter.body.id).toBe(`PPM-${id.slice(4)}-0001`);
      expect(
        (await door.call(P, 'POST', `${path}/publish`, { token: tokens.vendor })).body.status,
      ).toBe('Published');
      await refused(
        door,
        { method: 'DELETE', path, token: tokens.vendor },
        { status: 400, code: 'ProgramTransitionNotAllowed' },
        path,
      );
      await refused(
        door,
        { method: 'POST', path: `${path}/publish`, token: tokens.vendor },
        { status: 400, code: 'ProgramTransitionNotAllowed' },
        path,
      );
      expect(
        (await door.call(P, 'POST', `${path}/unpublish`, { token: tokens.vendor })).body.status,
      ).toBe('Unpublished');
      expect(
        (await door.call(P, 'POST', `${path}/publish`, { token: tokens.vendor })).body.status,
      ).toBe('Published');
      const deleted = await door.call(P, 'DELETE', `${programs}/${ids.draftProgram}`, {
        token: tokens.vendor,
      });
      expect(deleted.status).toBe(204);
      expect((await door.call(P, 'GET', `${programs}/${ids.draftProgram}`)).status).toBe(404);
    },
  },
  {
    name: 'rule: RQL filters, order, select, paging and limits',
    async run(door) {
      const ids_ = async (query: string, token: string = tokens.client) => {
        const answer = await door.call(P, 'GET', `${certificates}?${query}`, { token });
        expect(answer.status).toBe(200);
        return answer.body.data.map((c: { id: string }) => c.id);
      };
      expect(await ids_(`program.id=${ids.eduProgram}`)).toEqual(['CER-8815-4469-7752']);
      expect(await ids_('in(status,(Expired,Terminated))&order=id')).toEqual([
        ids.terminated,
        ids.expired,
      ]);
      expect(await ids_('ilike(name,*EDUCATION*)')).toEqual(['CER-8815-4469-7752']);
      expect(
        await ids_('and(eq(status,Active),eq(program.id,"PRG-9643-3741"))&order=-expirationDate'),
      ).toEqual([ids.active, ids.activeExpiringSoon]);
      expect(await ids_("any(parameters.ordering,eq(externalId,'MPNID'))&limit=0")).toEqual([]);
      expect(await ids_('not(eq(status,Active))&order=id&offset=1&limit=2')).toEqual([
        ids.updating,
        ids.terminated,
      ]);
      const page = await door.call(
        P,
        'GET',
        `${certificates}?select=-*,id,status&limit=1000&order=id`,
        { token: tokens.client },
      );
      expect(page.body.$meta.pagination).toEqual({ offset: 0, limit: 100, total: 7 });
      expect(Object.keys(page.body.data[0]).sort()).toEqual(['href', 'id', 'status']);
      const one = await door.call(
        P,
        'GET',
        `${certificates}/${ids.active}?select=-*,id,program.name`,
      );
      expect(one.body).toEqual({
        id: ids.active,
        href: `/v1/program/certificates/${ids.active}`,
        program: { id: ids.aiProgram, name: 'E2E Seeded Program' },
      });
      // An empty `select=` or `order=` is none, as SoftwareOne's RQL library reads it
      // (mpt-rql-net src/Mpt.Rql/Services/Projection/ProjectionService.cs, Ordering/OrderingService.cs).
      const empty = await door.call(P, 'GET', `${certificates}?select=&order=&limit=1`, {
        token: tokens.client,
      });
      expect(empty.status).toBe(200);
      expect(empty.body.data[0]).toHaveProperty('parameters');
      for (const bad of [
        'eq(status,Active',
        'limit=-1',
        'order=-',
        'foo(bar)',
        'eq(status,"Active)',
      ]) {
        const answer = await refused(
          door,
          { method: 'GET', path: `${certificates}?${bad}`, token: tokens.client },
          { status: 400, code: 'InvalidQuery' },
        );
        expect(answer.detail.length).toBeGreaterThan(5);
      }
    },
  },
  {
    name: 'rule: missing or unknown token is 401, a role not allowed is 403, another account’s object is 404 like a missing one',
    async run(door) {
      for (const token of [null, 'no-such-token']) {
        const answer = await door.call(P, 'GET', certificates, { token });
        expect([answer.status, answer.body.code]).toEqual([401, 'Unauthorized']);
      }
      const basic = await door.call(P, 'GET', certificates, {
        token: null,
        headers: { authorization: 'Basic b3BzOnRva2Vu' },
      });
      expect(basic.status).toBe(401);
      await refused(
        door,
        {
          method: 'POST',
          path: `${certificates}/${ids.active}/terminate`,
          token: tokens.client,
          body: { statusNotes: { message: 'x' } },
        },
        { status: 403, code: 'Forbidden' },
        `${certificates}/${ids.active}`,
      );
      await refused(
        door,
        { method: 'POST', path: enrollments, token: tokens.vendor, body: newEnrollment() },
        { status: 403, code: 'Forbidden' },
      );
      const hidden = await door.call(P, 'GET', `${certificates}/${ids.otherClientsCertificate}`, {
        token: tokens.client,
      });
      const missing = await door.call(P, 'GET', `${certificates}/CER-0000-0000-0000`, {
        token: tokens.client,
      });
      const shape = (b: Record<string, unknown>) => ({
        ...b,
        detail: undefined,
        traceId: undefined,
      });
      expect(hidden.status).toBe(404);
      expect(shape(hidden.body)).toEqual(shape(missing.body));
      expect(hidden.body.detail.replace(ids.otherClientsCertificate, 'X')).toBe(
        missing.body.detail.replace('CER-0000-0000-0000', 'X'),
      );
      await refused(
        door,
        {
          method: 'POST',
          path: `${certificates}/${ids.otherVendorsCertificate}/terminate`,
          token: tokens.vendor,
          body: { statusNotes: { message: 'x' } },
        },
        { status: 404, code: 'NotFound' },
        `${certificates}/${ids.otherVendorsCertificate}`,
      );
    },
  },
  {
    name: 'rule: each role sees only its own (client: its certificates; vendor: its programs’; client: Published programs)',
    async run(door) {
      const total = async (path: string, token: string) =>
        (await door.call(P, 'GET', `${path}?limit=0`, { token })).body.$meta.pagination.total;
      expect(await total(certificates, tokens.ops)).toBe(9);
      expect(await total(certificates, tokens.client)).toBe(7);
      expect(await total(certificates, tokens.vendor)).toBe(8);
      expect(await total(programs, tokens.client)).toBe(3);
      expect(await total(programs, tokens.vendor)).toBe(4);
      expect(await total(enrollments, tokens.client)).toBe(7);
    },
  },
  {
    name: 'rule: malformed JSON is 400, a wrong content type 415, an unknown id 404',
    async run(door) {
      const path = `${certificates}/${ids.active}/terminate`;
      const malformed = await door.call(P, 'POST', path, {
        token: tokens.vendor,
        raw: '{"statusNotes": {',
        headers: { 'content-type': 'application/json' },
      });
      expect([malformed.status, malformed.body.code]).toEqual([400, 'InvalidJson']);
      const wrongType = await door.call(P, 'POST', path, {
        token: tokens.vendor,
        raw: 'statusNotes=x',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect([wrongType.status, wrongType.body.code]).toEqual([415, 'UnsupportedMediaType']);
      for (const id of ['CER-0000-0000-0000', 'not-an-id', '..%2F..%2Fetc']) {
        const answer = await door.call(P, 'GET', `${certificates}/${id}`);
        expect([answer.status, answer.body.code]).toEqual([404, 'NotFound']);
      }
      expect((await certificate(door, ids.active)).status).toBe('Active');
    },
  },
  {
    name: 'rule: update changes name, externalIds and template; a template of another program is refused',
    async run(door) {
      const path = `${certificates}/${ids.active}`;
      const updated = await door.call(P, 'PUT', path, {
        token: tokens.vendor,
        body: {
          name: 'AI Cloud Partner (renamed)',
          externalIds: { vendor: 'MS-42' },
          template: { id: 'PTM-9643-3741-0003' },
        },
      });
      expect(updated.status).toBe(200);
      expect(updated.body).toMatchObject({
        name: 'AI Cloud Partner (renamed)',
        externalIds: { vendor: 'MS-42' },
        template: { id: 'PTM-9643-3741-0003' },
        status: 'Active',
      });
      await refused(
        door,
        {
          method: 'PUT',
          path,
          token: tokens.vendor,
          body: { template: { id: 'PTM-4127-5580-0003' } },
        },
        { status: 400, code: 'ReferenceNotFound' },
        path,
      );
    },
  },
  {
    name: 'rule: render answers the certificate template filled in, as text',
    async run(door) {
      const rendered = await door.call(P, 'GET', `${certificates}/${ids.active}/render`, {
        token: tokens.client,
      });
      expect(rendered.status).toBe(200);
      expect(rendered.contentType).toMatch(/^text\/plain/);
      expect(rendered.text).toContain('Oscorp Industries');
      expect(rendered.text).toContain(ids.active);
      expect(rendered.text).toContain('MPN-6527247');
    },
  },
  {
    name: 'control: reset, clock, journal and seed',
    async run(door) {
      await door.call(P, 'POST', `${certificates}/${ids.active}/terminate`, {
        token: tokens.vendor,
        body: { statusNotes: { message: 'x' } },
      });
      await door.control('POST', '/clock', { advance: 'P30D' });
      expect((await door.control('GET', '/clock')).body).toEqual({
        now: '2026-12-21T09:00:00.000Z',
        ticking: false,
      });
      const journal = await door.control('GET', '/journal?limit=2');
      expect(journal.body.entries).toHaveLength(1);
      expect(journal.body.entries[0]).toMatchObject({
        method: 'POST',
        status: 200,
        path: `${certificates}/${ids.active}/terminate`,
      });
      expect((await door.control('POST', '/reset')).status).toBe(200);
      expect((await door.control('GET', '/clock')).body.now).toBe('2026-11-21T09:00:00.000Z');
      expect((await certificate(door, ids.active)).status).toBe('Active');
      for (const bad of [
        { now: 'yesterday' },
        { advance: 'thirty days' },
        {},
        { now: '2026-01-01T00:00:00Z', advance: 'P1D' },
      ]) {
        expect((await door.control('POST', '/clock', bad)).status).toBe(400);
      }
      const state = (await door.control('GET', '/state')).body;
      state.program.certificates = state.program.certificates.filter(
        (c: { id: string }) => c.id === ids.active,
      );
      state.program.enrollments = state.program.enrollments.filter(
        (e: { certificate: { id: string } }) => e.certificate.id === ids.active,
      );
      expect((await door.control('POST', '/seed', state)).status).toBe(200);
      expect(
        (await door.call(P, 'GET', `${certificates}?limit=0`)).body.$meta.pagination.total,
      ).toBe(1);
      const broken = await door.control('POST', '/seed', {
        program: {
          certificates: [
            {
              id: 'CER-1111-1111-1111',
              program: { id: 'PRG-0000-0000' },
              client: { id: ids.oscorp },
            },
          ],
        },
      });
      expect(broken.status).toBe(400);
      expect(broken.body.detail).toContain('PRG-0000-0000');
      expect(
        (await door.call(P, 'GET', `${certificates}?limit=0`)).body.$meta.pagination.total,
      ).toBe(1);
    },
  },
];

export const scenarios: Scenario[] = [...lifecycle, ...rules];
