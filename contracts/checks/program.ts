/**
 * Behavioural checks of the Program API: the rules as request sequences. Read-only checks run
 * anywhere (the real service included); checks that write need `--allow-writes` or a kit target.
 */
import { SkipCheck } from '../skip.js';
import type { Answer, Check, CheckContext } from '../types.js';

const P = 'program-api' as const;
const certificates = '/v1/program/certificates';
const enrollments = '/v1/program/enrollments';

type Item = { id: string; status?: string; expirationDate?: string };

async function firstWith(
  ctx: CheckContext,
  query: string,
  role: 'operations' | 'vendor' | 'client' = 'operations',
): Promise<Item> {
  const list = await ctx.call(P, 'GET', `${certificates}?${query}&limit=1`, { as: role });
  const item = list.body?.data?.[0] as Item | undefined;
  if (list.status !== 200 || !item)
    throw new SkipCheck(`no certificate matches ${query} on the target`);
  return item;
}

/** A refused change must leave the object exactly as it was. */
async function unchanged(
  ctx: CheckContext,
  path: string,
  attempt: () => Promise<Answer>,
  want: { status: number; code?: string },
) {
  const problems: string[] = [];
  const before = await ctx.call(P, 'GET', path, { as: 'operations' });
  const answer = await attempt();
  if (answer.status !== want.status)
    problems.push(`expected ${want.status}, got ${answer.status}: ${answer.text.slice(0, 200)}`);
  if (want.code && answer.body?.code !== undefined && answer.body.code !== want.code) {
    problems.push(`expected code ${want.code}, got ${String(answer.body.code)}`);
  }
  const after = await ctx.call(P, 'GET', path, { as: 'operations' });
  if (after.text !== before.text) problems.push(`${path} changed although the request was refused`);
  return problems;
}

export const programChecks: Check[] = [
  {
    name: 'program.unauthenticated-is-401',
    api: P,
    kind: 'behaviour',
    description: 'No token, a malformed Authorization header and an unknown token all answer 401',
    needs: [],
    breaksSpec: true,
    async run(ctx) {
      const problems: string[] = [];
      for (const as of [
        null,
        { raw: 'Basic b3BzOnRva2Vu' },
        { raw: 'Bearer not-a-real-token-0000' },
      ]) {
        const answer = await ctx.call(P, 'GET', certificates, { as });
        if (answer.status !== 401)
          problems.push(`${JSON.stringify(as)}: expected 401, got ${answer.status}`);
      }
      return problems;
    },
  },
  {
    name: 'program.unknown-id-is-404',
    api: P,
    kind: 'behaviour',
    description: 'An id that does not exist answers 404 in the problem-details shape',
    needs: ['operations'],
    async run(ctx) {
      const answer = await ctx.call(P, 'GET', `${certificates}/CER-0000-0000-0000`, {
        as: 'operations',
      });
      return answer.status === 404 ? [] : [`expected 404, got ${answer.status}`];
    },
  },
  {
    name: 'program.list-filter-agrees-with-reads',
    api: P,
    kind: 'behaviour',
    description: 'Every certificate a status filter lists has that status when read by id',
    needs: ['operations'],
    async run(ctx) {
      const problems: string[] = [];
      for (const status of ['Active', 'Expired', 'Terminated']) {
        const list = await ctx.call(
          P,
          'GET',
          `${certificates}?eq(status,${status})&select=-*,id,status&limit=10`,
          { as: 'operations' },
        );
        for (const item of (list.body?.data ?? []) as Item[]) {
          if (item.status !== status)
            problems.push(
              `list eq(status,${status}) returned ${item.id} as ${String(item.status)}`,
            );
          const read = await ctx.call(P, 'GET', `${certificates}/${item.id}`, { as: 'operations' });
          if (read.body?.status !== status)
            problems.push(
              `${item.id} is listed as ${status} but reads as ${String(read.body?.status)}`,
            );
        }
      }
      return problems;
    },
  },
  {
    name: 'program.pagination-is-consistent',
    api: P,
    kind: 'behaviour',
    description: 'limit=0 gives the total only, pages do not overlap, limit is capped at 100',
    needs: ['operations'],
    async run(ctx) {
      const problems: string[] = [];
      const totalOnly = await ctx.call(P, 'GET', `${certificates}?limit=0`, { as: 'operations' });
      const total = totalOnly.body?.$meta?.pagination?.total as number | undefined;
      if (!Array.isArray(totalOnly.body?.data) || totalOnly.body.data.length !== 0)
        problems.push('limit=0 returned items');
      const first = await ctx.call(P, 'GET', `${certificates}?order=id&limit=2&select=-*,id`, {
        as: 'operations',
      });
      const second = await ctx.call(
        P,
        'GET',
        `${certificates}?order=id&limit=2&offset=2&select=-*,id`,
        { as: 'operations' },
      );
      const ids = (a: Answer) => ((a.body?.data ?? []) as Item[]).map((i) => i.id);
      if (ids(first).some((id) => ids(second).includes(id))) problems.push('offset pages overlap');
      if (first.body?.$meta?.pagination?.total !== total)
        problems.push('total differs between limit=0 and a page');
      const capped = await ctx.call(P, 'GET', `${certificates}?limit=1000&select=-*,id`, {
        as: 'operations',
      });
      const limit = capped.body?.$meta?.pagination?.limit as number | undefined;
      if (limit === undefined || limit > 100)
        problems.push(`limit=1000 answered limit ${String(limit)}, not at most 100`);
      return problems;
    },
  },
  {
    name: 'program.malformed-query-is-400',
    api: P,
    kind: 'behaviour',
    description: 'A malformed RQL query is a 400, never a silently empty list',
    needs: ['operations'],
    async run(ctx) {
      const answer = await ctx.call(P, 'GET', `${certificates}?eq(status,Active`, {
        as: 'operations',
      });
      return answer.status === 400 ? [] : [`expected 400, got ${answer.status}`];
    },
  },
  {
    name: 'program.create-then-read-back',
    api: P,
    kind: 'behaviour',
    description:
      'A created enrollment and its Pending certificate read back as created, and are listed',
    needs: ['writes', 'client'],
    async run(ctx) {
      const { publishedLicenseeProgram, licensee, requiredParameter } = ctx.target.fixture.program;
      const problems: string[] = [];
      const created = await ctx.call(P, 'POST', enrollments, {
        as: 'client',
        body: {
          program: { id: publishedLicenseeProgram },
          licensee: { id: licensee },
          parameters: { ordering: [{ id: requiredParameter, value: 'CONTRACT-CHECK-1' }] },
        },
      });
      if (created.status !== 201)
        return [`create answered ${created.status}: ${created.text.slice(0, 200)}`];
      const read = await ctx.call(P, 'GET', `${enrollments}/${created.body.id}`, { as: 'client' });
      if (read.text !== created.text)
        problems.push('the enrollment reads back differently from the 201 body');
      const certificate = await ctx.call(
        P,
        'GET',
        `${certificates}/${created.body.certificate?.id}`,
        { as: 'client' },
      );
      if (certificate.body?.status !== 'Pending' && certificate.body?.status !== 'Active') {
        problems.push(
          `the new certificate is ${String(certificate.body?.status)}, not Pending (or Active when autoapproved)`,
        );
      }
      const listed = await ctx.call(
        P,
        'GET',
        `${enrollments}?eq(id,${created.body.id})&select=-*,id`,
        { as: 'client' },
      );
      if (listed.body?.data?.[0]?.id !== created.body.id)
        problems.push('the enrollment is not found by eq(id,...)');
      return problems;
    },
  },
  {
    name: 'program.reenroll-terminated-is-refused',
    api: P,
    kind: 'behaviour',
    description: 'Re-enrolling a Terminated certificate is refused and changes nothing',
    needs: ['writes', 'operations'],
    async run(ctx) {
      const terminated = await firstWith(
        ctx,
        'eq(status,Terminated)&select=-*,id,program.id,client.id',
      );
      const full = (
        await ctx.call(P, 'GET', `${certificates}/${terminated.id}`, { as: 'operations' })
      ).body;
      return unchanged(
        ctx,
        `${certificates}/${terminated.id}`,
        () =>
          ctx.call(P, 'POST', enrollments, {
            as: 'operations',
            body: {
              program: { id: full.program.id },
              client: { id: full.client.id },
              certificate: { id: terminated.id },
            },
          }),
        { status: 400, code: 'CertificateTerminated' },
      );
    },
  },
  {
    name: 'program.forbidden-transition-leaves-object-unchanged',
    api: P,
    kind: 'behaviour',
    description: 'Terminating a certificate that is not Active is refused and changes nothing',
    needs: ['writes', 'vendor', 'operations'],
    async run(ctx) {
      const notActive = await firstWith(ctx, 'in(status,(Pending,Expired))&select=-*,id', 'vendor');
      return unchanged(
        ctx,
        `${certificates}/${notActive.id}`,
        () =>
          ctx.call(P, 'POST', `${certificates}/${notActive.id}/terminate`, {
            as: 'vendor',
            body: { statusNotes: { message: 'contract check' } },
          }),
        { status: 400, code: 'CertificateNotActive' },
      );
    },
  },
  {
    name: 'program.role-not-allowed-is-403',
    api: P,
    kind: 'behaviour',
    description: 'A client may not terminate a certificate (403) and nothing changes',
    needs: ['writes', 'client', 'operations'],
    async run(ctx) {
      const active = await firstWith(ctx, 'eq(status,Active)&select=-*,id', 'client');
      return unchanged(
        ctx,
        `${certificates}/${active.id}`,
        () =>
          ctx.call(P, 'POST', `${certificates}/${active.id}/terminate`, {
            as: 'client',
            body: { statusNotes: { message: 'contract check' } },
          }),
        { status: 403 },
      );
    },
  },
  {
    name: 'program.enrollment-walks-its-lifecycle',
    api: P,
    kind: 'behaviour',
    description:
      'New enrollments go Processing -> Querying -> Processing -> Completed (certificate Active) or -> Failed (certificate Terminated)',
    needs: ['writes', 'client', 'vendor'],
    async run(ctx) {
      const { publishedLicenseeProgram, licensee, requiredParameter } = ctx.target.fixture.program;
      const problems: string[] = [];
      const enroll = async () => {
        const created = await ctx.call(P, 'POST', enrollments, {
          as: 'client',
          body: {
            program: { id: publishedLicenseeProgram },
            licensee: { id: licensee },
            parameters: { ordering: [{ id: requiredParameter, value: 'CONTRACT-CHECK-2' }] },
          },
        });
        if (created.status !== 201) throw new Error(`create answered ${created.status}`);
        const draft = created.body as { id: string; certificate: { id: string } };
        // A new enrollment is a draft until the client submits it.
        const submitted = await ctx.call(P, 'POST', `${enrollments}/${draft.id}/submit`, {
          as: 'client',
        });
        if (submitted.body?.status !== 'Processing')
          problems.push(`submit answered ${submitted.status} ${String(submitted.body?.status)}`);
        return draft;
      };
      const step = async (id: string, action: string, body: unknown, want: string) => {
        const answer = await ctx.call(P, 'POST', `${enrollments}/${id}/${action}`, {
          as: 'vendor',
          body,
        });
        if (answer.body?.status !== want)
          problems.push(
            `${action} answered ${answer.status} ${String(answer.body?.status)}, expected ${want}`,
          );
      };
      const certificateStatus = async (id: string) =>
        (await ctx.call(P, 'GET', `${certificates}/${id}`, { as: 'vendor' })).body?.status as
          string | undefined;

      const completed = await enroll();
      const templates = (
        await ctx.call(
          P,
          'GET',
          `/v1/program/programs/${publishedLicenseeProgram}/templates?type=EnrollmentQuerying`,
          { as: 'vendor' },
        )
      ).body;
      const template = (templates?.data as { id: string }[] | undefined)?.[0];
      if (template) {
        await step(completed.id, 'query', { template: { id: template.id } }, 'Querying');
        await step(completed.id, 'process', undefined, 'Processing');
      }
      await step(completed.id, 'complete', {}, 'Completed');
      if ((await certificateStatus(completed.certificate.id)) !== 'Active')
        problems.push('completing did not activate the certificate');

      const failed = await enroll();
      await step(failed.id, 'fail', { statusNotes: { message: 'contract check' } }, 'Failed');
      if ((await certificateStatus(failed.certificate.id)) !== 'Terminated')
        problems.push('failing did not terminate the certificate');
      return problems;
    },
  },
  {
    name: 'program.program-walks-its-lifecycle',
    api: P,
    kind: 'behaviour',
    description:
      'A new program is Draft, publishes, unpublishes and publishes again; only a Draft is deleted',
    needs: ['writes', 'vendor'],
    async run(ctx) {
      const problems: string[] = [];
      const create = async () => {
        const created = await ctx.call(P, 'POST', '/v1/program/programs', {
          as: 'vendor',
          body: { name: 'Contract check program', applicableTo: 'Buyer' },
        });
        if (created.status !== 201 || created.body?.status !== 'Draft')
          throw new Error(`create answered ${created.status} ${String(created.body?.status)}`);
        return `/v1/program/programs/${created.body.id as string}`;
      };
      const path = await create();
      for (const [action, want] of [
        ['publish', 'Published'],
        ['unpublish', 'Unpublished'],
        ['publish', 'Published'],
      ] as const) {
        const answer = await ctx.call(P, 'POST', `${path}/${action}`, { as: 'vendor' });
        if (answer.body?.status !== want)
          problems.push(`${action} answered ${answer.status} ${String(answer.body?.status)}`);
      }
      const refused = await ctx.call(P, 'DELETE', path, { as: 'vendor' });
      if (refused.status !== 400)
        problems.push(`deleting a Published program answered ${refused.status}`);
      const draft = await create();
      const deleted = await ctx.call(P, 'DELETE', draft, { as: 'vendor' });
      if (deleted.status !== 204) problems.push(`deleting a Draft answered ${deleted.status}`);
      if ((await ctx.call(P, 'GET', draft, { as: 'vendor' })).status !== 404)
        problems.push('a deleted program can still be read');
      return problems;
    },
  },
  {
    name: 'program.injected-faults-keep-the-contract',
    api: P,
    kind: 'behaviour',
    description: 'Faults on demand (429 with Retry-After, 503) answer in the problem-details shape',
    needs: ['control', 'operations'],
    async run(ctx) {
      const problems: string[] = [];
      for (const status of [429, 503]) {
        const added = await ctx.control('POST', '/faults', {
          api: P,
          status,
          retryAfter: 2,
          count: 1,
        });
        if (added.status !== 201) return [`the control API refused the fault: ${added.status}`];
        const answer = await ctx.call(P, 'GET', `${certificates}?limit=1`, { as: 'operations' });
        if (answer.status !== status)
          problems.push(`expected the injected ${status}, got ${answer.status}`);
        if (answer.headers.get('retry-after') !== '2')
          problems.push(`${status} without Retry-After: 2`);
      }
      await ctx.control('DELETE', '/faults');
      return problems;
    },
  },
  {
    name: 'program.expiry-follows-the-clock',
    api: P,
    kind: 'behaviour',
    description:
      'An Active certificate reads Expired, and is filtered as Expired, the day after its expirationDate',
    needs: ['control', 'writes', 'operations'],
    async run(ctx) {
      const active = await firstWith(
        ctx,
        'eq(status,Active)&order=expirationDate&select=-*,id,expirationDate',
      );
      if (!active.expirationDate)
        throw new SkipCheck('no Active certificate with an expirationDate');
      const dayAfter = new Date(`${active.expirationDate}T00:00:00.000Z`);
      dayAfter.setUTCDate(dayAfter.getUTCDate() + 1);
      const clock = await ctx.control('POST', '/clock', { now: dayAfter.toISOString() });
      if (clock.status !== 200)
        return [`the control API refused the clock change: ${clock.status}`];
      const problems: string[] = [];
      const read = await ctx.call(P, 'GET', `${certificates}/${active.id}`, { as: 'operations' });
      if (read.body?.status !== 'Expired')
        problems.push(`${active.id} reads ${String(read.body?.status)} after its expiration date`);
      const listed = await ctx.call(
        P,
        'GET',
        `${certificates}?and(eq(id,${active.id}),eq(status,Expired))&select=-*,id`,
        { as: 'operations' },
      );
      if (listed.body?.data?.length !== 1)
        problems.push(`${active.id} is not listed by eq(status,Expired)`);
      return problems;
    },
  },
];
