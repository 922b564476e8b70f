/**
 * Issue 23, point 6: concurrent tests in one process, each in a world of its own. `isolated`
 * runs a test inside msw's `server.boundary()` with the handlers of its own kit (a fork of the
 * seed), so 20 `it.concurrent` tests that write and read interleaved never see each other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupMockServer } from '../../mocks/msw/node.js';
import { realBaseUrls } from '../../mocks/msw/handlers.js';
import { testNow } from '../support/doors.js';
import { newCertificate } from './support.js';

const mock = setupMockServer({ now: testNow, sessions: true });
beforeAll(() => mock.server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => mock.server.close());

const certificates = `${realBaseUrls['program-api']}/v1/program/certificates`;
const auth = { authorization: 'Bearer ops-token', 'content-type': 'application/json' };
const total = async (headers: Record<string, string> = {}) => {
  const response = await fetch(`${certificates}?limit=0`, { headers: { ...auth, ...headers } });
  return ((await response.json()) as { $meta: { pagination: { total: number } } }).$meta.pagination
    .total;
};
const pause = () => new Promise((resolve) => setTimeout(resolve, Math.random() * 5));

describe('20 concurrent tests, each in its own world', () => {
  let seeded: number;
  beforeAll(async () => {
    seeded = await total();
  });

  it.concurrent.each(Array.from({ length: 20 }, (_, i) => i + 1))(
    'test %i writes its own certificates and reads only them',
    async (writes) =>
      mock.isolated(async (kit) => {
        for (let i = 0; i < writes; i++) {
          await pause();
          const created = await fetch(certificates, {
            method: 'POST',
            headers: auth,
            body: JSON.stringify(newCertificate),
          });
          expect(created.status).toBe(201);
        }
        await pause();
        kit.control.setClock({ advance: `P${writes}D` });
        await pause();
        expect(await total()).toBe(seeded + writes);
        expect(kit.control.clock().now).toBe(
          new Date(Date.parse(testNow) + writes * 86_400_000).toISOString(),
        );
        expect(kit.world.journal.list(100).filter((e) => e.method === 'POST')).toHaveLength(writes);
      }),
  );

  it('the shared kit saw none of it', async () => {
    // Runs after the concurrent ones (vitest waits for them before a plain test).
    expect(await total()).toBe(seeded);
    expect(mock.kit.control.clock().now).toBe(testNow);
  });
});

describe('setupMockServer({ sessions: true })', () => {
  it('answers the Mock-Session header from that session', async () => {
    const created = await fetch(certificates, {
      method: 'POST',
      headers: { ...auth, 'mock-session': 'unit-7' },
      body: JSON.stringify(newCertificate),
    });
    expect(created.status).toBe(201);
    expect(await total({ 'mock-session': 'unit-7' })).toBe((await total()) + 1);
    expect(mock.sessions!.list().map((s) => s.id)).toContain('unit-7');
  });
});
