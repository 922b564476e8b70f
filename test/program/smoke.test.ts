import { describe, expect, it } from 'vitest';
import { doors } from '../support/doors.js';
describe.each(['express', 'msw'] as const)('%s', (name) => {
  it('lists', async () => {
    const door = await doors[name]();
    const r = await door.call('program-api', 'GET', '/v1/program/certificates?limit=2', {
      token: 'client-token',
    });
    expect(r.status).toBe(200);
    const c = await door.control('POST', '/clock', { advance: 'P30D' });
    expect(c.body.now).toBe('2026-12-21T09:00:00.000Z');
    const r2 = await door.call(
      'program-api',
      'GET',
      '/v1/program/certificates?status=Expired&select=-*,id',
      { token: 'client-token' },
    );
    expect(r2.body.data.length).toBe(2);
    expect(door.problems).toEqual([]);
    await door.close();
  });
});
