import { describe, expect, it } from 'vitest';
import { ownValidator } from './index.js';

describe('date formats answered from memory', () => {
  const check = ownValidator('test:dates', () => ({
    type: 'object',
    properties: {
      at: { type: 'string', format: 'date-time' },
      on: { type: 'string', format: 'date' },
    },
  }));

  it.each([
    [{ at: '2026-12-03T09:00:00Z' }, true],
    [{ at: '2026-02-30T09:00:00Z' }, false],
    [{ at: '2026-12-03 09:00' }, false],
    [{ on: '2024-02-29' }, true],
    [{ on: '2025-02-29' }, false],
    [{ at: `2026-12-03T09:00:00.${'0'.repeat(60)}Z` }, true],
  ])('%j: %s, the first time and every time after', (value, valid) => {
    for (let i = 0; i < 3; i++) expect(check(value)).toBe(valid);
  });

  it('still right once more texts have come than it keeps', () => {
    for (let day = 0; day < 5000; day++) {
      const at = new Date(Date.UTC(2000, 0, 1) + day * 86_400_000).toISOString();
      expect(check({ at })).toBe(true);
    }
    expect(check({ at: '2026-02-30T09:00:00Z' })).toBe(false);
    expect(check({ at: '2026-12-03T09:00:00Z' })).toBe(true);
  });
});
