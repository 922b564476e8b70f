/**
 * Behavioural checks of the Program API as its current client drives it: enrollment drafts,
 * migrated certificates, and the rules that tie a program's sub-resources to its enrollments.
 * All of them write (`--allow-writes` or a kit target) and clean up what they made where the API
 * lets them.
 */
import type { Check, CheckContext } from '../types.js';

const P = 'program-api' as const;
const certificates = '/v1/program/certificates';
const enrollments = '/v1/program/enrollments';
const programs = '/v1/program/programs';

async function newDraft(ctx: CheckContext) {
  const { publishedLicenseeProgram, licensee } = ctx.target.fixture.program;
  const created = await ctx.call(P, 'POST', enrollments, {
    as: 'client',
    body: {
      program: { id: publishedLicenseeProgram },
      licensee: { id: licensee },
      parameters: { ordering: [] },
    },
  });
  if (created.status !== 201) throw new Error(`creating a draft answered ${created.status}`);
  return created.body as { id: string; status: string; certificate: { id: string } };
}

export const programDraftChecks: Check[] = [
  {
    name: 'program.draft-is-submitted-or-discarded',
    api: P,
    kind: 'behaviour',
    description:
      'A new enrollment is a Draft; submit sends it to Processing; a deleted draft and its Pending certificate are gone; a submitted one cannot be deleted',
    needs: ['writes', 'client'],
    async run(ctx) {
      const problems: string[] = [];
      const discarded = await newDraft(ctx);
      if (discarded.status !== 'Draft') problems.push(`create answered status ${discarded.status}`);
      const deleted = await ctx.call(P, 'DELETE', `${enrollments}/${discarded.id}`, {
        as: 'client',
      });
      if (deleted.status !== 204) problems.push(`deleting a draft answered ${deleted.status}`);
      if (
        (await ctx.call(P, 'GET', `${enrollments}/${discarded.id}`, { as: 'client' })).status !==
        404
      )
        problems.push('a deleted draft can still be read');
      const orphan = await ctx.call(P, 'GET', `${certificates}/${discarded.certificate.id}`, {
        as: 'client',
      });
      if (orphan.status !== 404) problems.push('the certificate of a deleted draft is still there');

      const kept = await newDraft(ctx);
      const submitted = await ctx.call(P, 'POST', `${enrollments}/${kept.id}/submit`, {
        as: 'client',
      });
      if (submitted.body?.status !== 'Processing')
        problems.push(`submit answered ${submitted.status} ${String(submitted.body?.status)}`);
      const refused = await ctx.call(P, 'DELETE', `${enrollments}/${kept.id}`, { as: 'client' });
      if (refused.status !== 400)
        problems.push(`deleting a submitted enrollment answered ${refused.status}`);
      return problems;
    },
  },
  {
    name: 'program.migrated-certificate-is-active',
    api: P,
    kind: 'behaviour',
    description:
      'A certificate created by operations is Active at once, with an expiration date, and can be terminated by the vendor',
    needs: ['writes', 'operations', 'vendor'],
    async run(ctx) {
      const { publishedLicenseeProgram, licensee } = ctx.target.fixture.program;
      const { client } = ctx.target.fixture.program;
      if (!client) return ['the fixture names no client account (fixture.program.client)'];
      const created = await ctx.call(P, 'POST', certificates, {
        as: 'operations',
        body: {
          name: 'Contract check certificate',
          program: { id: publishedLicenseeProgram },
          licensee: { id: licensee },
          client: { id: client },
          parameters: { ordering: [], fulfillment: [] },
        },
      });
      if (created.status !== 201)
        return [`create answered ${created.status}: ${created.text.slice(0, 200)}`];
      const problems: string[] = [];
      if (created.body?.status !== 'Active')
        problems.push(`created ${String(created.body?.status)}`);
      if (typeof created.body?.expirationDate !== 'string') problems.push('no expirationDate');
      const ended = await ctx.call(
        P,
        'POST',
        `${certificates}/${created.body.id as string}/terminate`,
        {
          as: 'vendor',
          body: { statusNotes: { message: 'contract check' } },
        },
      );
      if (ended.body?.status !== 'Terminated')
        problems.push(`terminate answered ${ended.status} ${String(ended.body?.status)}`);
      if (ended.body?.statusNotes !== undefined && typeof ended.body.statusNotes !== 'string')
        problems.push('a certificate carries statusNotes as a string');
      return problems;
    },
  },
  {
    name: 'program.default-template-is-kept',
    api: P,
    kind: 'behaviour',
    description: "Deleting one of a program's default templates is refused and changes nothing",
    needs: ['writes', 'vendor'],
    async run(ctx) {
      const { publishedLicenseeProgram } = ctx.target.fixture.program;
      const list = await ctx.call(
        P,
        'GET',
        `${programs}/${publishedLicenseeProgram}/templates?eq(default,true)&limit=1`,
        { as: 'vendor' },
      );
      const template = list.body?.data?.[0] as { id: string } | undefined;
      if (!template) return [`no default template listed (${list.status})`];
      const path = `${programs}/${publishedLicenseeProgram}/templates/${template.id}`;
      const before = await ctx.call(P, 'GET', path, { as: 'vendor' });
      const refused = await ctx.call(P, 'DELETE', path, { as: 'vendor' });
      const after = await ctx.call(P, 'GET', path, { as: 'vendor' });
      const problems: string[] = [];
      if (refused.status !== 400)
        problems.push(`deleting a default template answered ${refused.status}`);
      if (after.status !== 200 || after.body?.status !== before.body?.status)
        problems.push('the default template changed although the delete was refused');
      return problems;
    },
  },
  {
    name: 'program.new-required-parameter-is-enforced',
    api: P,
    kind: 'behaviour',
    description:
      'A required Order parameter added to a Published program makes a submit without it a 400; removing it lets the submit through',
    needs: ['writes', 'vendor', 'client'],
    async run(ctx) {
      const { publishedLicenseeProgram } = ctx.target.fixture.program;
      const created = await ctx.call(
        P,
        'POST',
        `${programs}/${publishedLicenseeProgram}/parameters`,
        {
          as: 'vendor',
          body: {
            scope: 'Enrollment',
            phase: 'Order',
            name: 'Contract check parameter',
            description: 'Added by the contract suite.',
            externalId: `contract_check_${Date.now()}`,
            displayOrder: 900,
            type: 'SingleLineText',
            constraints: { hidden: false, readonly: false, required: true },
          },
        },
      );
      if (created.status !== 201) return [`creating the parameter answered ${created.status}`];
      const problems: string[] = [];
      const draft = await newDraft(ctx);
      const refused = await ctx.call(P, 'POST', `${enrollments}/${draft.id}/submit`, {
        as: 'client',
      });
      if (refused.status !== 400)
        problems.push(`submitting without the required parameter answered ${refused.status}`);
      const removed = await ctx.call(
        P,
        'DELETE',
        `${programs}/${publishedLicenseeProgram}/parameters/${created.body.id as string}`,
        { as: 'vendor' },
      );
      if (removed.status !== 204)
        problems.push(`deleting the parameter answered ${removed.status}`);
      const again = await newDraft(ctx);
      const submitted = await ctx.call(P, 'POST', `${enrollments}/${again.id}/submit`, {
        as: 'client',
      });
      if (submitted.status !== 200)
        problems.push(`submitting once the parameter was gone answered ${submitted.status}`);
      await ctx.call(P, 'DELETE', `${enrollments}/${draft.id}`, { as: 'client' });
      return problems;
    },
  },
];

/** A small binary file with every byte value, for upload round trips. */
const sampleBytes = Uint8Array.from({ length: 256 }, (_, i) => i);

export const programContentChecks: Check[] = [
  {
    name: 'program.attachment-round-trip',
    api: P,
    kind: 'behaviour',
    description:
      'A file attached to an enrollment as multipart comes back byte for byte when downloaded, with its content type',
    needs: ['writes', 'client'],
    notBehindValidatingProxy:
      "Prism's validating proxy (5.14) reads a multipart JSON part as a string and refuses the upload itself",
    async run(ctx) {
      const draft = await newDraft(ctx);
      const form = new FormData();
      form.append(
        'file',
        new Blob([sampleBytes], { type: 'application/octet-stream' }),
        'bytes.bin',
      );
      form.append(
        'attachment',
        new Blob([JSON.stringify({ name: 'Contract check', description: 'bytes 0-255' })], {
          type: 'application/json',
        }),
      );
      const path = `${enrollments}/${draft.id}/attachments`;
      const created = await ctx.call(P, 'POST', path, { as: 'client', form });
      if (created.status !== 201)
        return [`upload answered ${created.status}: ${created.text.slice(0, 200)}`];
      const problems: string[] = [];
      const file = await ctx.call(P, 'GET', `${path}/${created.body.id as string}`, {
        as: 'client',
        headers: { accept: 'application/octet-stream' },
      });
      if (file.status !== 200) problems.push(`download answered ${file.status}`);
      const bytes = file.bytes ?? new Uint8Array();
      if (bytes.length !== sampleBytes.length || bytes.some((b, i) => b !== sampleBytes[i]))
        problems.push(`downloaded ${bytes.length} bytes, not the 256 uploaded`);
      await ctx.call(P, 'DELETE', `${enrollments}/${draft.id}`, { as: 'client' });
      return problems;
    },
  },
];
