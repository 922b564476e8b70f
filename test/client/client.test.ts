/**
 * Issue 26: the typed clients of `eligibility-mock-kit/client` on msw in Node. The clients are
 * made at module level, before `server.listen()` replaces `fetch`, and msw still sees every
 * request (openapi-fetch's own `createClient` keeps the `fetch` it was made with). Lists page
 * like the Python client's `iterate()`; Partner Center writes keep one `MS-RequestId` across
 * retries, so a retried write is done once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiError,
  createPartnerCenterClient,
  createProgramClient,
  rql,
} from '../../src/client/index.js';
import { partnerTokens, seedCustomers } from '../../src/core/partner/seed.js';
import type { components } from '../../src/generated/program-api.js';
import { seedTokens } from '../../src/index.js';
import { setupMockServer } from '../../mocks/msw/node.js';

type Certificate = components['schemas']['Certificate'];

const program = createProgramClient({ token: seedTokens.operations });
const partner = createPartnerCenterClient({ token: partnerTokens.partner });

const { server, control } = setupMockServer({ now: '2026-11-21T09:00:00Z' });
const seen: Request[] = [];
server.events.on('request:start', ({ request }) => void seen.push(request.clone()));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  control.reset();
  control.clearFaults();
  seen.length = 0;
});
afterAll(() => server.close());

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('the Program API client', () => {
  it('made before server.listen(), is answered by msw, at the real base URL', async () => {
    const { data, error, response } = await program.GET('/v1/program/certificates/{id}', {
      params: { path: { id: 'CER-9646-2171-8417' } },
    });
    expect(error).toBeUndefined();
    expect(data?.status).toBe('Active');
    expect(response.url).toBe(
      'https://api.platform.softwareone.com/public/v1/program/certificates/CER-9646-2171-8417',
    );
    expect(seen.map((r) => r.headers.get('authorization'))).toEqual(['Bearer ops-token']);
  });

  it('iterates every item of a filtered list, a page per request', async () => {
    const query = rql<Certificate>()
      .where((w) => w.in('status', ['Active', 'Expired']))
      .select('-*', 'id', 'status')
      .order('-id');
    const ids: string[] = [];
    for await (const certificate of program.iterate('/v1/program/certificates', {
      query,
      pageSize: 2,
    }))
      ids.push(certificate.id);
    const everything = await program.page('/v1/program/certificates', { query: query.limit(100) });
    expect(ids).toEqual(everything.data.map((c) => c.id));
    expect(ids).toHaveLength(6);
    expect(everything.total).toBe(6);
    expect([...ids].sort().reverse()).toEqual(ids);
    // Three pages of two, each asked for at its own offset.
    expect(seen.slice(0, 3).map((r) => new URL(r.url).search)).toEqual(
      [0, 2, 4].map(
        (offset) =>
          `?in(status,(%22Active%22,%22Expired%22))&select=-*,id,status&order=-id&limit=2&offset=${offset}`,
      ),
    );
  });

  it('pages from the offset and at the limit the query gives', async () => {
    const pages = [];
    for await (const page of program.pages('/v1/program/certificates', {
      query: rql<Certificate>().order('id').offset(5).limit(3),
    }))
      pages.push({ ...page, data: page.data.map((c) => c.id) });
    expect(
      pages.map(({ offset, limit, total, data }) => [offset, limit, total, data.length]),
    ).toEqual([
      [5, 3, 9, 3],
      [8, 3, 9, 1],
    ]);
  });

  it('iterates a list under a program by its path parameters', async () => {
    const templates = [];
    for await (const template of program.iterate('/v1/program/programs/{programId}/templates', {
      params: { path: { programId: 'PRG-9643-3741' } },
    }))
      templates.push(template.id);
    expect(templates.length).toBeGreaterThan(0);
  });

  it('throws the API’s refusal as an ApiError', async () => {
    const query = rql<Certificate>().where((w) => w.gt('audit.created.at', 'yesterday'));
    const failure = await program.page('/v1/program/certificates', { query }).catch((e) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect(failure.status).toBe(400);
    expect(failure.message).toMatch(/yesterday/);
  });
});

describe('the Partner Center client', () => {
  const soe = { qualification: 'StateOwnedEntity' } as const;
  const create = () =>
    partner.POST('/v1/customers/{customer-tenant-id}/qualifications', {
      params: { path: { 'customer-tenant-id': seedCustomers.none } },
      body: soe,
    });

  it('sends a new MS-RequestId with each write, none with a read', async () => {
    expect((await create()).response.status).toBe(201);
    await partner.GET('/v1/customers/{customer-tenant-id}/qualifications', {
      params: { path: { 'customer-tenant-id': seedCustomers.none } },
    });
    const ids = seen.map((r) => r.headers.get('ms-requestid'));
    expect(ids[0]).toMatch(GUID);
    expect(ids[1]).toBeNull();
    control.reset();
    await create();
    expect(seen[2]!.headers.get('ms-requestid')).toMatch(GUID);
    expect(seen[2]!.headers.get('ms-requestid')).not.toBe(ids[0]);
  });

  it('retries a 503 with the same MS-RequestId', async () => {
    const retrying = createPartnerCenterClient({
      token: partnerTokens.partner,
      retry: { retries: 2, delay: () => 0 },
    });
    control.addFault({ api: 'partner-center', status: 503, count: 1 });
    const { response } = await retrying.POST('/v1/customers/{customer-tenant-id}/qualifications', {
      params: { path: { 'customer-tenant-id': seedCustomers.none } },
      body: soe,
    });
    expect(response.status).toBe(201);
    const ids = seen.map((r) => r.headers.get('ms-requestid'));
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(GUID);
    expect(ids[1]).toBe(ids[0]);
  });

  it('does a write once when its first answer is lost on the way back', async () => {
    let lose = true;
    const flaky = createPartnerCenterClient({
      token: partnerTokens.partner,
      retry: { retries: 1, delay: () => 0 },
      fetch: async (request) => {
        const response = await globalThis.fetch(request);
        if (!lose) return response;
        lose = false;
        throw new TypeError('fetch failed'); // the service did the write; the client never hears
      },
    });
    const path = { 'customer-tenant-id': seedCustomers.none };
    const { response } = await flaky.POST('/v1/customers/{customer-tenant-id}/qualifications', {
      params: { path },
      body: soe,
    });
    expect(response.status).toBe(201);
    const { data } = await partner.GET('/v1/customers/{customer-tenant-id}/qualifications', {
      params: { path },
    });
    expect(data).toEqual([{ qualification: 'StateOwnedEntity' }]);
    expect(seen[0]!.headers.get('ms-requestid')).toBe(seen[1]!.headers.get('ms-requestid'));
  });

  it('keeps an MS-RequestId the caller gives', async () => {
    const id = '5a0c8c52-8f6d-4c1e-9f3b-2d7e6a1b4c90';
    await partner.POST('/v1/customers/{customer-tenant-id}/qualifications', {
      params: { path: { 'customer-tenant-id': seedCustomers.none } },
      body: soe,
      headers: { 'MS-RequestId': id },
    });
    expect(seen[0]!.headers.get('ms-requestid')).toBe(id);
  });

  it('without retry, answers the 503 as it came', async () => {
    control.addFault({ api: 'partner-center', status: 503, count: 1 });
    expect((await create()).response.status).toBe(503);
    expect(seen).toHaveLength(1);
  });
});
