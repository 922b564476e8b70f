/**
 * The README's example of rule coverage: a frontend team's suite drives its screens' calls
 * through the msw handlers, then asserts from `control.coverage()` that together its tests
 * reached every certificate status and every refusal its screens handle.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { setupMockServer } from '../../mocks/msw/node.js';

const { server, control } = setupMockServer({ now: '2026-11-21T09:00:00Z' });
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => control.reset()); // back to the seed; the coverage counts stay
afterAll(() => server.close());

const api = 'https://api.platform.softwareone.com/public/v1/program';
const as = (token: string) => ({
  authorization: `Bearer ${token}`,
  'content-type': 'application/json',
});
const post = (path: string, token: string, body?: unknown) =>
  fetch(`${api}${path}`, {
    method: 'POST',
    headers: as(token),
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

describe('the certificate screens', () => {
  it('enroll: the new certificate is Pending, then Active once the vendor completes', async () => {
    const draft = await (
      await post('/enrollments', 'client-token', {
        program: { id: 'PRG-9643-3741' },
        licensee: { id: 'LCE-5758-4071-6507' },
      })
    ).json();
    expect((await post(`/enrollments/${draft.id}/submit`, 'client-token')).status).toBe(200);
    expect((await post(`/enrollments/${draft.id}/complete`, 'vendor-token')).status).toBe(200);
  });

  it('re-enroll: an Expired certificate goes Updating', async () => {
    control.setClock({ advance: 'P13D' }); // CER-1204-5530-7781 expires
    const change = await post('/enrollments', 'client-token', {
      program: { id: 'PRG-9643-3741' },
      certificate: { id: 'CER-1204-5530-7781' },
    });
    const draft = await change.json();
    expect((await post(`/enrollments/${draft.id}/submit`, 'client-token')).status).toBe(200);
  });

  it('terminate: the vendor ends an Active certificate', async () => {
    const answer = await post('/certificates/CER-9646-2171-8417/terminate', 'vendor-token', {
      statusNotes: { message: 'Contract ended' },
    });
    expect((await answer.json()).status).toBe('Terminated');
  });

  it('shows the refusals: a Terminated certificate, a program that is not Published', async () => {
    const terminated = await post('/enrollments', 'client-token', {
      program: { id: 'PRG-9643-3741' },
      certificate: { id: 'CER-5582-1136-4429' },
    });
    expect((await terminated.json()).code).toBe('CertificateTerminated');
    const unpublished = await post('/enrollments', 'client-token', {
      program: { id: 'PRG-8862-1093' },
      licensee: { id: 'LCE-5758-4071-6507' },
    });
    expect(unpublished.status).toBe(400);
  });
});

describe('what the suite exercised', () => {
  it('reached every certificate status and every refusal the screens handle', () => {
    const fired = new Set(
      control
        .coverage()
        .filter((entry) => entry.count > 0)
        .map((entry) => entry.id),
    );
    const reached = (status: string) =>
      [...fired].some((id) => id.startsWith('program.certificate:') && id.endsWith(`->${status}`));
    for (const status of ['Pending', 'Active', 'Updating', 'Expired', 'Terminated'])
      expect(reached(status), `no test brought a certificate to ${status}`).toBe(true);
    for (const rule of ['program.rule:CertificateTerminated', 'program.rule:ProgramNotPublished'])
      expect(fired, `no test saw ${rule}`).toContain(rule);
  });
});
