/** The README's example of using the msw handlers in a test suite, kept working. */
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { setupMockServer } from '../../mocks/msw/node.js';

const { server, control } = setupMockServer({ now: '2026-11-21T09:00:00Z' });
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => control.reset());
afterAll(() => server.close());

const api = 'https://api.platform.softwareone.com/public/v1/program';
const asClient = { authorization: 'Bearer client-token', 'content-type': 'application/json' };

it('re-enrolls a certificate that expired', async () => {
  control.setClock({ advance: 'P13D' }); // CER-1204-5530-7781 expires 12 days after the seed
  const before = await fetch(`${api}/certificates/CER-1204-5530-7781`, { headers: asClient });
  expect((await before.json()).status).toBe('Expired');

  const response = await fetch(`${api}/enrollments`, {
    method: 'POST',
    headers: asClient,
    body: JSON.stringify({
      program: { id: 'PRG-9643-3741' },
      certificate: { id: 'CER-1204-5530-7781' },
    }),
  });
  expect(response.status).toBe(201);
  expect((await response.json()).type).toBe('Change');
});
