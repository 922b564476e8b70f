/**
 * Every error number the mock can send is documented in the spec's `Error` table with the same
 * HTTP status, and every documented number is one the mock sends (except rate limiting, which
 * the mock does not simulate).
 */
import { describe, expect, it } from 'vitest';
import { partnerErrors } from '../../src/core/partner/errors.js';
import { documents, isRecord } from '../../src/schema/index.js';

const errorSchema = documents['partner-center'].components?.schemas?.Error;
const description = isRecord(errorSchema) ? String(errorSchema.description) : '';
const documented = new Map(
  [...description.matchAll(/^\| (\d+) \| (\d{3}) \|/gm)].map((m) => [Number(m[1]), Number(m[2])]),
);

describe('Partner Center error codes', () => {
  it('finds the table in the spec', () => {
    expect(documented.size).toBeGreaterThan(10);
  });

  it.each(Object.entries(partnerErrors).map(([code, e]) => [Number(code), e.status] as const))(
    '%s (HTTP %s) is documented with its status',
    (code, status) => {
      expect(documented.get(code)).toBe(status);
    },
  );

  it('sends every documented code (429 and 503 through faults on demand)', () => {
    const sent = Object.keys(partnerErrors).map(Number);
    expect([...documented.keys()].filter((c) => !sent.includes(c))).toEqual([]);
  });
});
