/**
 * Behavioural checks of Partner Center customer qualifications: headers, idempotency, rules.
 */
import { operation } from '../../src/schema/index.js';
import { SkipCheck } from '../skip.js';
import type { Check, CheckContext } from '../types.js';

const PC = 'partner-center' as const;
type Qualification = { qualification: string; vettingStatus?: string };

const guid = () =>
  '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) =>
    (Number(c) ^ (Math.floor(Math.random() * 256) & (15 >> (Number(c) / 4)))).toString(16),
  );

async function qualificationsOf(ctx: CheckContext, customer: string): Promise<Qualification[]> {
  const answer = await ctx.call(PC, 'GET', `/v1/customers/${customer}/qualifications`, {
    as: 'partner',
  });
  if (answer.status !== 200 || !Array.isArray(answer.body))
    throw new Error(`qualifications of ${customer} answered ${answer.status}`);
  return answer.body as Qualification[];
}

/** The first customer whose qualifications satisfy `fits`. */
async function customerWhere(
  ctx: CheckContext,
  fits: (q: Qualification[]) => boolean,
  what: string,
): Promise<string> {
  const list = await ctx.call(PC, 'GET', '/v1/customers?size=50', { as: 'partner' });
  for (const customer of (list.body?.items ?? []) as { id: string }[]) {
    if (fits(await qualificationsOf(ctx, customer.id))) return customer.id;
  }
  throw new SkipCheck(`no customer ${what} on the target`);
}

const holds = (name: string) => (q: Qualification[]) => q.some((x) => x.qualification === name);

/**
 * The success statuses the spec declares for an operation: a check accepts whichever a target
 * gives (the mock answers 201 to a new qualification, Microsoft's reference page says 200).
 */
const successes = (operationId: string) =>
  Object.keys(operation(PC, operationId).operation.responses)
    .filter((key) => /^2\d\d$/.test(key))
    .map(Number);
const created = successes('createCustomerQualification');
const isCreated = (status: number) => created.includes(status);

export const partnerCenterChecks: Check[] = [
  {
    name: 'partner-center.unauthenticated-is-401',
    api: PC,
    kind: 'behaviour',
    description: 'No token and an unknown token answer 401',
    needs: [],
    breaksSpec: true,
    async run(ctx) {
      const problems: string[] = [];
      for (const as of [null, { raw: 'Bearer not-a-real-token-0000' }]) {
        const answer = await ctx.call(PC, 'GET', '/v1/customers', { as });
        if (answer.status !== 401)
          problems.push(`${JSON.stringify(as)}: expected 401, got ${answer.status}`);
        else if (!/^Bearer\b/i.test(answer.headers.get('www-authenticate') ?? ''))
          problems.push(`${JSON.stringify(as)}: the 401 has no WWW-Authenticate: Bearer`);
      }
      return problems;
    },
  },
  {
    name: 'partner-center.request-headers-are-echoed',
    api: PC,
    kind: 'behaviour',
    description: 'MS-RequestId and MS-CorrelationId are echoed, and generated when absent',
    needs: ['partner'],
    async run(ctx) {
      const problems: string[] = [];
      const requestId = guid();
      const correlationId = guid();
      const echoed = await ctx.call(PC, 'GET', '/v1/customers', {
        as: 'partner',
        headers: { 'MS-RequestId': requestId, 'MS-CorrelationId': correlationId },
      });
      if (echoed.headers.get('ms-requestid') !== requestId)
        problems.push('MS-RequestId was not echoed');
      if (echoed.headers.get('ms-correlationid') !== correlationId)
        problems.push('MS-CorrelationId was not echoed');
      const generated = await ctx.call(PC, 'GET', '/v1/customers', { as: 'partner' });
      if (!generated.headers.get('ms-requestid') || !generated.headers.get('ms-correlationid')) {
        problems.push('MS-RequestId / MS-CorrelationId are not generated when absent');
      }
      return problems;
    },
  },
  {
    name: 'partner-center.invalid-customer-id-is-400',
    api: PC,
    kind: 'behaviour',
    description: 'A customer id that is not a GUID answers 400',
    needs: ['partner'],
    async run(ctx) {
      const answer = await ctx.call(PC, 'GET', '/v1/customers/not-a-guid/qualifications', {
        as: 'partner',
      });
      return answer.status === 400 ? [] : [`expected 400, got ${answer.status}`];
    },
  },
  {
    name: 'partner-center.unknown-customer-is-404',
    api: PC,
    kind: 'behaviour',
    description: 'A GUID that is no customer answers 404',
    needs: ['partner'],
    async run(ctx) {
      const answer = await ctx.call(PC, 'GET', `/v1/customers/${guid()}/qualifications`, {
        as: 'partner',
      });
      return answer.status === 404 ? [] : [`expected 404, got ${answer.status}`];
    },
  },
  {
    name: 'partner-center.create-then-read-back',
    api: PC,
    kind: 'behaviour',
    description:
      'A StateOwnedEntity qualification is created (a declared success: 201 or 200) and then listed once',
    needs: ['writes', 'partner'],
    async run(ctx) {
      const customer = await customerWhere(
        ctx,
        (q) => !holds('StateOwnedEntity')(q),
        'without StateOwnedEntity',
      );
      const created = await ctx.call(PC, 'POST', `/v1/customers/${customer}/qualifications`, {
        as: 'partner',
        body: { qualification: 'StateOwnedEntity' },
      });
      if (!isCreated(created.status))
        return [`create answered ${created.status}: ${created.text.slice(0, 200)}`];
      const count = (await qualificationsOf(ctx, customer)).filter(
        (q) => q.qualification === 'StateOwnedEntity',
      ).length;
      return count === 1 ? [] : [`StateOwnedEntity is listed ${count} times`];
    },
  },
  {
    name: 'partner-center.retried-post-creates-once',
    api: PC,
    kind: 'behaviour',
    description:
      'A POST retried with the same MS-RequestId answers the same and creates once; a new id is refused as a duplicate (409)',
    needs: ['writes', 'state', 'partner'],
    async run(ctx) {
      const problems: string[] = [];
      const customer = await customerWhere(
        ctx,
        (q) => !holds('StateOwnedEntity')(q),
        'without StateOwnedEntity',
      );
      const path = `/v1/customers/${customer}/qualifications`;
      const requestId = guid();
      const send = (id: string) =>
        ctx.call(PC, 'POST', path, {
          as: 'partner',
          headers: { 'MS-RequestId': id },
          body: { qualification: 'StateOwnedEntity' },
        });
      const first = await send(requestId);
      const retry = await send(requestId);
      if (!isCreated(first.status)) problems.push(`first POST answered ${first.status}`);
      if (retry.status !== first.status || retry.text !== first.text)
        problems.push('the retry did not answer like the first POST');
      const count = (await qualificationsOf(ctx, customer)).filter(
        (q) => q.qualification === 'StateOwnedEntity',
      ).length;
      if (count !== 1)
        problems.push(`StateOwnedEntity is listed ${count} times after a retried POST`);
      const again = await send(guid());
      if (again.status !== 409)
        problems.push(`a new request for a held qualification answered ${again.status}, not 409`);
      return problems;
    },
  },
  {
    name: 'partner-center.request-id-on-another-request-is-refused',
    api: PC,
    kind: 'behaviour',
    description:
      'An MS-RequestId used for one customer, sent again on a POST for another, is refused (400) and changes nothing there',
    needs: ['writes', 'state', 'partner'],
    async run(ctx) {
      const list = await ctx.call(PC, 'GET', '/v1/customers?size=50', { as: 'partner' });
      const free: string[] = [];
      for (const customer of (list.body?.items ?? []) as { id: string }[]) {
        if (!holds('StateOwnedEntity')(await qualificationsOf(ctx, customer.id)))
          free.push(customer.id);
        if (free.length === 2) break;
      }
      if (free.length < 2) throw new SkipCheck('fewer than two customers without StateOwnedEntity');
      const [first, second] = free as [string, string];
      const requestId = guid();
      const send = (customer: string) =>
        ctx.call(PC, 'POST', `/v1/customers/${customer}/qualifications`, {
          as: 'partner',
          headers: { 'MS-RequestId': requestId },
          body: { qualification: 'StateOwnedEntity' },
        });
      const problems: string[] = [];
      const answer = await send(first);
      if (!isCreated(answer.status)) return [`the first POST answered ${answer.status}`];
      const other = await send(second);
      if (other.status !== 400)
        problems.push(
          `the same MS-RequestId for another customer answered ${other.status}, not 400`,
        );
      if (holds('StateOwnedEntity')(await qualificationsOf(ctx, second)))
        problems.push('the second customer got StateOwnedEntity through a reused MS-RequestId');
      return problems;
    },
  },
  {
    name: 'partner-center.wrong-method-is-405-with-allow',
    api: PC,
    kind: 'behaviour',
    description: 'A known path with a method it does not have answers 405 with Allow, not 404',
    needs: ['partner'],
    breaksSpec: true,
    async run(ctx) {
      const answer = await ctx.call(PC, 'DELETE', '/v1/customers', { as: 'partner' });
      if (answer.status !== 405) return [`DELETE /v1/customers answered ${answer.status}, not 405`];
      const allow = answer.headers.get('allow') ?? '';
      return /\bGET\b/.test(allow) ? [] : [`Allow is "${allow}", not a list with GET`];
    },
  },
  {
    name: 'partner-center.answers-in-xml-by-accept',
    api: PC,
    kind: 'behaviour',
    description:
      'Accept: application/xml gets an XML answer (validated against the spec like JSON); text/json is labelled text/json',
    needs: ['partner'],
    notBehindValidatingProxy:
      "Prism's validating proxy answers 500 to a request for XML or text/json",
    async run(ctx) {
      const problems: string[] = [];
      for (const accept of ['application/xml', 'text/xml', 'text/json']) {
        const answer = await ctx.call(PC, 'GET', '/v1/customers/all/validations', {
          as: 'partner',
          headers: { accept },
        });
        const type = (answer.contentType ?? '').split(';')[0]!.trim();
        if (answer.status !== 200 || type !== accept)
          problems.push(`Accept: ${accept} answered ${answer.status} ${type || '(no type)'}`);
      }
      return problems;
    },
  },
  {
    name: 'partner-center.routes-ignore-case',
    api: PC,
    kind: 'behaviour',
    description: 'Paths are matched whatever their letter case (ASP.NET routing)',
    needs: ['partner'],
    // A path spelled unlike the spec's: a validating proxy refuses it itself.
    breaksSpec: true,
    async run(ctx) {
      const answer = await ctx.call(PC, 'GET', '/V1/Customers/ALL/Validations', { as: 'partner' });
      return answer.status === 200
        ? []
        : [`/V1/Customers/ALL/Validations answered ${answer.status}`];
    },
  },
  {
    name: 'partner-center.unsettable-value-changes-nothing',
    api: PC,
    kind: 'behaviour',
    description: 'Setting None is refused with 400 and the qualifications stay as they were',
    needs: ['writes', 'partner'],
    async run(ctx) {
      const customer = await customerWhere(ctx, () => true, 'at all');
      const before = await qualificationsOf(ctx, customer);
      const answer = await ctx.call(PC, 'POST', `/v1/customers/${customer}/qualifications`, {
        as: 'partner',
        body: { qualification: 'None' },
      });
      const problems = answer.status === 400 ? [] : [`expected 400, got ${answer.status}`];
      if (JSON.stringify(await qualificationsOf(ctx, customer)) !== JSON.stringify(before))
        problems.push('qualifications changed');
      return problems;
    },
  },
  {
    name: 'partner-center.injected-faults-keep-the-contract',
    api: PC,
    kind: 'behaviour',
    description:
      'Faults on demand (429, 503) answer in the Partner Center error shape, with the MS- headers',
    needs: ['control', 'partner'],
    async run(ctx) {
      const problems: string[] = [];
      for (const status of [429, 503]) {
        const added = await ctx.control('POST', '/faults', { api: PC, status, count: 1 });
        if (added.status !== 201) return [`the control API refused the fault: ${added.status}`];
        const answer = await ctx.call(PC, 'GET', '/v1/customers', { as: 'partner' });
        if (answer.status !== status)
          problems.push(`expected the injected ${status}, got ${answer.status}`);
      }
      await ctx.control('DELETE', '/faults');
      return problems;
    },
  },
  {
    name: 'partner-center.education-review-decided-through-control',
    api: PC,
    kind: 'behaviour',
    description: 'Education starts InReview; the control API approves it; reads show Approved',
    needs: ['control', 'writes', 'partner'],
    async run(ctx) {
      const customer = await customerWhere(ctx, (q) => q.length === 0, 'without qualifications');
      const created = await ctx.call(PC, 'POST', `/v1/customers/${customer}/qualifications`, {
        as: 'partner',
        body: {
          qualification: 'Education',
          educationSegment: 'HigherEducation',
          website: 'https://example.edu',
        },
      });
      if (!isCreated(created.status) || created.body?.vettingStatus !== 'InReview')
        return [`Education answered ${created.status} ${created.text.slice(0, 200)}`];
      const vetted = await ctx.control('POST', `/partner-center/customers/${customer}/vetting`, {
        qualification: 'Education',
        status: 'Approved',
      });
      if (vetted.status !== 200)
        return [
          `the control API refused the vetting decision: ${vetted.status} ${vetted.text.slice(0, 200)}`,
        ];
      const education = (await qualificationsOf(ctx, customer)).find(
        (q) => q.qualification === 'Education',
      );
      return education?.vettingStatus === 'Approved'
        ? []
        : [`Education reads ${String(education?.vettingStatus)} after approval`];
    },
  },
];
