/**
 * Scenarios for the Program API as the vendor's own client drives it: enrollment drafts and
 * their submit, who may change what, validation, settings that act, sub-resources and their
 * rules, and errors as ASP.NET writes them. Run through both doors like the lifecycle table.
 */
import { expect } from 'vitest';
import type { Door } from '../support/doors.js';
import {
  certificate,
  certificates,
  enroll,
  enrollments,
  ids,
  programs,
  refused,
  tokens,
  type Scenario,
} from './scenarios.js';

const P = 'program-api' as const;
const aiNew = {
  program: { id: ids.aiProgram },
  licensee: { id: ids.licensee },
  parameters: { ordering: [] },
};

async function draft(door: Door, body: unknown = aiNew, token: string = tokens.client) {
  const created = await door.call(P, 'POST', enrollments, { token, body });
  expect(created.status).toBe(201);
  return created.body as { id: string; certificate: { id: string }; status: string };
}

const total = async (door: Door, path: string) =>
  (await door.call(P, 'GET', `${path}?limit=0`)).body.$meta.pagination.total as number;

export const vendorFlows: Scenario[] = [
  {
    name: 'draft: the vendor e2e body (unknown member `certificant`, no client) makes a draft; deleting it removes its certificate too',
    async run(door) {
      const before = await total(door, certificates);
      const created = await draft(door, { ...aiNew, certificant: { id: ids.licensee } });
      expect(await total(door, certificates)).toBe(before + 1);
      // A vendor does not see a client's draft.
      expect(
        (await door.call(P, 'GET', `${enrollments}/${created.id}`, { token: tokens.vendor }))
          .status,
      ).toBe(404);
      const deleted = await door.call(P, 'DELETE', `${enrollments}/${created.id}`, {
        token: tokens.client,
      });
      expect(deleted.status).toBe(204);
      expect((await door.call(P, 'GET', `${enrollments}/${created.id}`)).status).toBe(404);
      expect((await door.call(P, 'GET', `${certificates}/${created.certificate.id}`)).status).toBe(
        404,
      );
      expect(await total(door, certificates)).toBe(before);
    },
  },
  {
    name: 'draft: only a Draft is deleted or submitted; a submitted one stays',
    async run(door) {
      const submitted = await enroll(door, aiNew);
      for (const [method, action] of [
        ['DELETE', ''],
        ['POST', '/submit'],
      ] as const)
        await refused(
          door,
          { method, path: `${enrollments}/${submitted.id}${action}`, token: tokens.client },
          { status: 400, code: 'EnrollmentTransitionNotAllowed' },
          `${enrollments}/${submitted.id}`,
        );
    },
  },
  {
    name: 'draft: re-enrollment rules hold again at submit (certificate terminated, program unpublished meanwhile)',
    async run(door) {
      const change = await draft(door, {
        program: { id: ids.aiProgram },
        certificate: { id: ids.active },
      });
      const ended = await door.call(P, 'POST', `${certificates}/${ids.active}/terminate`, {
        token: tokens.vendor,
        body: { statusNotes: { message: 'Agreement ended.' } },
      });
      expect(ended.status).toBe(200);
      await refused(
        door,
        { method: 'POST', path: `${enrollments}/${change.id}/submit`, token: tokens.client },
        { status: 400, code: 'CertificateTerminated' },
        `${certificates}/${ids.active}`,
      );
      const other = await draft(door, {
        program: { id: ids.aiProgram },
        certificate: { id: ids.activeExpiringSoon },
      });
      await door.call(P, 'POST', `${programs}/${ids.aiProgram}/unpublish`, {
        token: tokens.vendor,
      });
      await refused(
        door,
        { method: 'POST', path: `${enrollments}/${other.id}/submit`, token: tokens.client },
        { status: 400, code: 'ProgramNotPublished' },
        `${certificates}/${ids.activeExpiringSoon}`,
      );
    },
  },
  {
    name: 'update: the vendor assigns a user; a client may change notes only, not the assignee; a final enrollment never changes',
    async run(door) {
      const submitted = await enroll(door, aiNew);
      const assigned = await door.call(P, 'PUT', `${enrollments}/${submitted.id}`, {
        token: tokens.vendor,
        body: { id: submitted.id, assignee: { id: ids.opsUser } },
      });
      expect(assigned.status).toBe(200);
      expect(assigned.body.assignee).toEqual({
        id: ids.opsUser,
        name: 'Olivia Operations',
        currentAccount: expect.objectContaining({ id: 'ACC-0000-0001', type: 'Operations' }),
      });
      expect(assigned.body.revision).toBe(submitted.revision + 1);
      await refused(
        door,
        {
          method: 'PUT',
          path: `${enrollments}/${submitted.id}`,
          token: tokens.client,
          body: { assignee: { id: ids.opsUser } },
        },
        { status: 403, code: 'Forbidden' },
        `${enrollments}/${submitted.id}`,
      );
      await refused(
        door,
        {
          method: 'PUT',
          path: `${enrollments}/${submitted.id}`,
          token: tokens.vendor,
          body: { assignee: { id: 'USR-0000-0404' } },
        },
        { status: 400, code: 'ReferenceNotFound' },
        `${enrollments}/${submitted.id}`,
      );
      const own = await draft(door);
      const noted = await door.call(P, 'PUT', `${enrollments}/${own.id}`, {
        token: tokens.client,
        body: { notes: 'Our partner id follows.' },
      });
      expect(noted.body.notes).toBe('Our partner id follows.');
      await refused(
        door,
        {
          method: 'PUT',
          path: `${enrollments}/${ids.completedEnrollment}`,
          token: tokens.vendor,
          body: { notes: 'late' },
        },
        { status: 400, code: 'EnrollmentTransitionNotAllowed' },
        `${enrollments}/${ids.completedEnrollment}`,
      );
    },
  },
  {
    name: 'validate: a draft body is answered with its parameter errors and nothing is created; validating an enrollment records them',
    async run(door) {
      const before = await total(door, enrollments);
      const body = { program: { id: ids.eduProgram }, buyer: { id: ids.buyer } };
      const checked = await door.call(P, 'POST', `${enrollments}/validate`, {
        token: tokens.client,
        body,
      });
      expect(checked.status).toBe(200);
      expect(checked.body).toMatchObject({ status: 'Draft', error: { id: 'ParameterRequired' } });
      expect(checked.body.parameters.ordering[0]).toMatchObject({
        id: ids.eduMpnid,
        error: { id: 'ParameterRequired' },
      });
      expect(await total(door, enrollments)).toBe(before);
      const submitted = await enroll(door, aiNew);
      const validated = await door.call(P, 'POST', `${enrollments}/${submitted.id}/validate`, {
        token: tokens.client,
        body: { id: submitted.id, statusNotes: { message: 'Failing enrollment for E2E test' } },
      });
      expect(validated.status).toBe(200);
      expect(validated.body.status).toBe('Processing');
      expect(validated.body.error).toBeUndefined();
    },
  },
  {
    name: 'process: the client answers a query (Querying -> Processing); the vendor e2e bodies (template with content) are accepted',
    async run(door) {
      const submitted = await enroll(door, aiNew);
      const queried = await door.call(P, 'POST', `${enrollments}/${submitted.id}/query`, {
        token: tokens.vendor,
        body: {
          id: submitted.id,
          template: { id: ids.queryTemplate, content: 'TEMPLATE_CONTENT' },
        },
      });
      expect(queried.body).toMatchObject({
        status: 'Querying',
        template: { id: ids.queryTemplate },
      });
      const processed = await door.call(P, 'POST', `${enrollments}/${submitted.id}/process`, {
        token: tokens.client,
      });
      expect(processed.status).toBe(200);
      expect(processed.body.status).toBe('Processing');
      const rendered = await door.call(P, 'GET', `${enrollments}/${submitted.id}/render`, {
        token: tokens.client,
      });
      expect(rendered.status).toBe(200);
      expect(rendered.text).toBe(
        'Please send the Microsoft Partner Network ID of Oscorp Industries.',
      );
    },
  },
  {
    name: 'settings: terminateOnExpiration terminates an Expired certificate `duration` days after expiry, on reads and filters',
    async run(door) {
      const set = await door.call(P, 'PUT', `${programs}/${ids.aiProgram}/settings`, {
        token: tokens.vendor,
        body: { terminateOnExpiration: { enabled: true, duration: 30 } },
      });
      expect(set.body.settings.terminateOnExpiration).toEqual({ enabled: true, duration: 30 });
      // CER-6693-2247-5530 expired on 2026-11-02 (20 days before the seed instant): 10 days left.
      await door.control('POST', '/clock', { now: '2026-12-01T23:59:59.000Z' });
      expect((await certificate(door, ids.expired)).status).toBe('Expired');
      await door.control('POST', '/clock', { advance: 'PT1S' });
      const ended = await certificate(door, ids.expired);
      expect(ended.status).toBe('Terminated');
      expect(ended.audit.terminated.at).toBe('2026-12-02T00:00:00.000Z');
      const listed = await door.call(
        P,
        'GET',
        `${certificates}?eq(status,Terminated)&select=-*,id`,
      );
      expect(listed.body.data.map((c: { id: string }) => c.id)).toContain(ids.expired);
      // A Terminated certificate is never re-enrolled.
      await refused(
        door,
        {
          method: 'POST',
          path: enrollments,
          token: tokens.client,
          body: { program: { id: ids.aiProgram }, certificate: { id: ids.expired } },
        },
        { status: 400, code: 'CertificateTerminated' },
      );
    },
  },
  {
    name: 'settings: preValidation.enrollmentQuerying records parameter errors when the vendor queries',
    async run(door) {
      await door.call(P, 'PUT', `${programs}/${ids.aiProgram}/settings`, {
        token: tokens.vendor,
        body: { preValidation: { enrollmentQuerying: true } },
      });
      const required = await door.call(
        P,
        'PUT',
        `${programs}/${ids.aiProgram}/parameters/${ids.mpnid}`,
        {
          token: tokens.vendor,
          body: { constraints: { required: true } },
        },
      );
      expect(required.body.constraints.required).toBe(true);
      // The seeded Processing enrollment was made with an MPN; a new one by ops-less client has none.
      const submitted = await enroll(door, {
        ...aiNew,
        parameters: { ordering: [{ id: ids.mpnid, value: 'MPN-1' }] },
      });
      const cleared = await door.call(P, 'PUT', `${enrollments}/${submitted.id}`, {
        token: tokens.vendor,
        body: { parameters: { ordering: [{ id: ids.mpnid, value: '' }] } },
      });
      expect(cleared.status).toBe(200);
      const queried = await door.call(P, 'POST', `${enrollments}/${submitted.id}/query`, {
        token: tokens.vendor,
        body: { template: { id: ids.queryTemplate } },
      });
      expect(queried.body.error).toMatchObject({ id: 'ParameterRequired' });
      expect(queried.body.parameters.ordering[0].error.id).toBe('ParameterRequired');
    },
  },
  {
    name: 'templates: a new program gets one default template per type; a default cannot be deleted, another can; a used one still renders',
    async run(door) {
      const created = await door.call(P, 'POST', programs, {
        token: tokens.vendor,
        body: { name: 'Microsoft Fabric Partner', applicableTo: 'Licensee' },
      });
      const list = await door.call(
        P,
        'GET',
        `${programs}/${created.body.id}/templates?order=type`,
        {
          token: tokens.vendor,
        },
      );
      expect(
        list.body.data.map((t: { type: string; default: boolean }) => [t.type, t.default]),
      ).toEqual([
        ['EnrollmentCompleted', true],
        ['EnrollmentProcessing', true],
        ['EnrollmentQuerying', true],
      ]);
      const first = list.body.data[0].id as string;
      await refused(
        door,
        {
          method: 'DELETE',
          path: `${programs}/${created.body.id}/templates/${first}`,
          token: tokens.vendor,
        },
        { status: 400, code: 'TemplateDefault' },
        `${programs}/${created.body.id}/templates/${first}`,
      );
      // The seeded certificate uses the non-default PTM-...-0004: deleting it keeps its render.
      const before = (await door.call(P, 'GET', `${certificates}/${ids.active}/render`)).text;
      const deleted = await door.call(
        P,
        'DELETE',
        `${programs}/${ids.aiProgram}/templates/${ids.certificateTemplate}`,
        {
          token: tokens.vendor,
        },
      );
      expect(deleted.status).toBe(204);
      expect(
        (
          await door.call(
            P,
            'GET',
            `${programs}/${ids.aiProgram}/templates/${ids.certificateTemplate}`,
          )
        ).status,
      ).toBe(404);
      expect((await door.call(P, 'GET', `${certificates}/${ids.active}/render`)).text).toBe(before);
      expect(before).toContain('This certifies that **Oscorp Industries**');
    },
  },
  {
    name: 'parameters: a parameter created on a Published program decides what a submit needs; externalIds are unique; a group in use stays',
    async run(door) {
      const path = `${programs}/${ids.aiProgram}/parameters`;
      const created = await door.call(P, 'POST', path, {
        token: tokens.vendor,
        body: {
          scope: 'Enrollment',
          phase: 'Order',
          name: 'Company size',
          description: 'Number of employees.',
          externalId: 'company_size',
          displayOrder: 30,
          type: 'SingleLineText',
          constraints: { hidden: false, readonly: false, required: true },
          group: { id: ids.partnerGroup },
        },
      });
      expect(created.status).toBe(201);
      expect(created.body.id).toBe('PPM-9643-3741-0003');
      const again = await refused(
        door,
        {
          method: 'POST',
          path,
          token: tokens.vendor,
          body: {
            phase: 'Order',
            name: 'Size',
            externalId: 'company_size',
            type: 'SingleLineText',
          },
        },
        { status: 400, code: 'DuplicateExternalId' },
      );
      expect(again.detail).toBe(
        "Parameter with given external identifier 'company_size' already exists for given program.",
      );
      const fresh = await draft(door);
      await refused(
        door,
        { method: 'POST', path: `${enrollments}/${fresh.id}/submit`, token: tokens.client },
        { status: 400, code: 'ParameterRequired' },
        `${enrollments}/${fresh.id}`,
      );
      const group = await door.call(
        P,
        'GET',
        `${programs}/${ids.aiProgram}/parameter-groups/${ids.partnerGroup}`,
      );
      expect(group.body.parameterCount).toBe(2);
      await refused(
        door,
        {
          method: 'DELETE',
          path: `${programs}/${ids.aiProgram}/parameter-groups/${ids.partnerGroup}`,
          token: tokens.vendor,
        },
        { status: 400, code: 'ParameterGroupInUse' },
        `${programs}/${ids.aiProgram}/parameter-groups/${ids.partnerGroup}`,
      );
    },
  },
  {
    name: 'sub-resources: a client reads them on a Published program only; a deleted Draft program takes them along',
    async run(door) {
      expect(
        (
          await door.call(P, 'GET', `${programs}/${ids.aiProgram}/parameters`, {
            token: tokens.client,
          })
        ).body.$meta.pagination.total,
      ).toBe(2);
      expect(
        (
          await door.call(P, 'GET', `${programs}/${ids.draftProgram}/parameters`, {
            token: tokens.client,
          })
        ).status,
      ).toBe(404);
      const deleted = await door.call(P, 'DELETE', `${programs}/${ids.draftProgram}`, {
        token: tokens.vendor,
      });
      expect(deleted.status).toBe(204);
      for (const path of ['templates', 'parameters', 'parameter-groups'])
        expect((await door.call(P, 'GET', `${programs}/${ids.draftProgram}/${path}`)).status).toBe(
          404,
        );
      const state = door.kit.control.state() as {
        program: { templates: { program: { id: string } }[] };
      };
      expect(state.program.templates.filter((t) => t.program.id === ids.draftProgram)).toEqual([]);
    },
  },
  {
    name: 'requests: actions without a body need no content type; a body on an action is read as JSON',
    async run(door) {
      const created = await door.call(P, 'POST', programs, {
        token: tokens.vendor,
        body: { name: 'Empty-body program', applicableTo: 'Buyer' },
      });
      const published = await door.call(P, 'POST', `${programs}/${created.body.id}/publish`, {
        token: tokens.vendor,
      });
      expect(published.status).toBe(200);
      expect(published.body).toMatchObject({ status: 'Published', revision: 2 });
      const fresh = await draft(door);
      const submitted = await door.call(P, 'POST', `${enrollments}/${fresh.id}/submit`, {
        token: tokens.client,
        headers: { 'content-type': 'application/json' },
        raw: '',
      });
      expect(submitted.status).toBe(200);
    },
  },
  {
    name: 'errors: ASP.NET problem details (reason phrase title, type per status or rule, traceId); 401 says Bearer',
    async run(door) {
      const missing = await door.call(P, 'GET', `${certificates}/CER-0000-0000-0000`);
      expect(missing.body).toMatchObject({
        type: 'https://tools.ietf.org/html/rfc9110#section-15.5.5',
        title: 'Not Found',
        status: 404,
      });
      expect(missing.body.traceId).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
      const rule = await door.call(P, 'POST', `${certificates}/${ids.terminated}/terminate`, {
        token: tokens.vendor,
        body: { statusNotes: { message: 'again' } },
      });
      expect(rule.body).toMatchObject({
        type: 'urn:eligibility-mock-kit:problem:CertificateNotActive',
        title: 'Bad Request',
        status: 400,
        code: 'CertificateNotActive',
      });
      const anonymous = await door.call(P, 'GET', certificates, { token: null });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
      expect(anonymous.body.title).toBe('Unauthorized');
    },
  },
];
