/**
 * Issue 23, point 2: a session is `world.fork()`, the seed's objects shared (copy on write), not
 * loaded again; it starts from the seed the server was made with, whatever the default holds.
 */
import { describe, expect, it } from 'vitest';
import { createKit } from '../../src/kit.js';
import { createSessions } from '../../src/sessions.js';
import { callKit, testNow } from '../support/doors.js';
import { newCertificate } from './support.js';

const active = 'CER-9646-2171-8417';

describe('world.fork', () => {
  it("shares the seed's stored objects and changes none of them", () => {
    const kit = createKit({ now: testNow });
    const fork = kit.world.fork();
    const seeded = kit.world.program.certificates.get(active);
    expect(fork.program.certificates.get(active)).toBe(seeded);
    const kitOfFork = createSessions(kit).use('a');
    if (!('kit' in kitOfFork)) throw new Error('refused');
    const made = callKit(
      kitOfFork.kit,
      'POST',
      '/v1/program/certificates',
      'ops-token',
      newCertificate,
    );
    expect(made.status).toBe(201);
    const id = JSON.parse(made.body!).id as string;
    expect(kitOfFork.kit.world.program.certificates.has(id)).toBe(true);
    expect(kit.world.program.certificates.has(id)).toBe(false);
    expect(kit.world.program.certificates.get(active)).toBe(seeded);
  });

  it('starts from the seed the server was made with, not from what the default holds now', () => {
    const sessions = createSessions({ now: testNow });
    const state = sessions.default.control.state();
    sessions.default.control.seed({ ...state, now: '2030-01-01T00:00:00.000Z' });
    sessions.default.control.setClock({ advance: 'P1D' });
    const used = sessions.use('late');
    if (!('kit' in used)) throw new Error('refused');
    expect(used.kit.control.clock().now).toBe(testNow);
    expect(used.kit.world.program.certificates.get(active)).toBe(
      sessions.default.world.fork().program.certificates.get(active),
    );
  });

  it('a fork given its own instant starts and resets there; its ticking follows the server', () => {
    const kit = createKit({ now: testNow, ticking: true });
    const fork = kit.world.fork({ now: '2027-06-01T00:00:00.000Z' });
    expect(fork.clock.ticking).toBe(true);
    expect(fork.clock.now().getTime()).toBeGreaterThanOrEqual(Date.parse('2027-06-01T00:00:00Z'));
    fork.clock.advance('P10D');
    fork.reset();
    expect(fork.clock.now().getTime() - Date.parse('2027-06-01T00:00:00Z')).toBeLessThan(5_000);
    // A fork of a fork has the same seed objects.
    expect(fork.fork().program.certificates.get(active)).toBe(
      kit.world.program.certificates.get(active),
    );
  });
});
