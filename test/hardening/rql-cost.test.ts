/**
 * A list filter cannot hold the server: like/ilike run in time linear in the value and the
 * pattern, a pattern has a length limit, and a filter that would still scan too much answers
 * 400 in the Program API's shape instead of holding the event loop.
 */
import { describe, expect, it } from 'vitest';
import { seedTokens } from '../../src/core/program/seed.js';
import { defaultSeed } from '../../src/core/seed.js';
import {
  MAX_EVALUATION_COST,
  MAX_PATTERN_LENGTH,
  wildcardMatch,
} from '../../src/core/rql/index.js';
import { createKit } from '../../src/kit.js';
import { errorShapeProblems, type Answer } from './support.js';

const now = new Date('2026-11-21T09:00:00.000Z');
const megabyte = 'a'.repeat(1024 * 1024);

/** The default seed with `copies` extra certificates whose first ordering parameter is `value`. */
function seedWith(value: string, copies: number) {
  const seed = defaultSeed(now);
  const certificates = [...(seed.program!.certificates ?? [])];
  const model = certificates.find((c) => (c.parameters.ordering?.length ?? 0) > 0)!;
  const extra = Array.from({ length: copies }, (_, i) => ({
    ...model,
    id: `CER-9${String(i).padStart(3, '0')}-0000-0001`,
    parameters: {
      ...model.parameters,
      ordering: model.parameters.ordering!.map((p, n) => (n === 0 ? { ...p, value } : p)),
    },
  }));
  return { ...seed, program: { ...seed.program, certificates: [...certificates, ...extra] } };
}

function list(kit: ReturnType<typeof createKit>, filter: string) {
  const started = performance.now();
  const response = kit.handle('program-api', {
    method: 'GET',
    path: '/v1/program/certificates',
    rawQuery: `${encodeURIComponent(filter)}&limit=1`,
    headers: { authorization: `Bearer ${seedTokens.operations}` },
    body: undefined,
  });
  return { response, ms: performance.now() - started };
}

const asAnswer = (response: { status: number; headers: Record<string, string>; body?: string }) =>
  ({
    status: response.status,
    headers: response.headers,
    text: response.body ?? '',
    body: JSON.parse(response.body ?? 'null') as unknown,
    sentAt: 0,
    answeredAt: 0,
  }) as Answer;

describe('like and ilike', () => {
  it('match a 1 MB value against an 8,000-character worst-case pattern in milliseconds', () => {
    const kit = createKit({ seed: seedWith(megabyte, 1), now });
    // Backtracking matchers take O(text × pattern) on `*aaaa…b`: here 8 × 10⁹ steps.
    const pattern = `*${'a'.repeat(MAX_PATTERN_LENGTH - 2)}b`;
    for (const op of ['like', 'ilike']) {
      const { response, ms } = list(kit, `${op}(parameters.ordering.0.value,${pattern})`);
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body!).$meta.pagination.total).toBe(0);
      expect(ms).toBeLessThan(500);
    }
    const hit = list(kit, `ilike(parameters.ordering.0.value,*${'A'.repeat(4000)})`);
    expect(JSON.parse(hit.response.body!).$meta.pagination.total).toBe(1);
  });

  it('agree with a regular expression (stars at the ends only) on many small cases', () => {
    const texts = ['', 'a', 'ab', 'aab', 'abab', 'ba', 'abcabc', 'aaa'];
    const patterns = [
      '*',
      '',
      'a',
      'a*',
      '*b',
      'a*b',
      '*a*',
      'ab*ab',
      '*ab*c',
      'a*a*a',
      '**',
      'b*a',
    ];
    // Only a leading and a trailing star are wildcards (mpt-rql-net: Search/Implementation/Like.cs).
    const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const oracle = (pattern: string) => {
      const lead = pattern.startsWith('*');
      const trail = pattern.endsWith('*');
      const start = lead ? 1 : 0;
      const body = pattern.slice(start, trail ? Math.max(start, pattern.length - 1) : undefined);
      return new RegExp(`^${lead ? '.*' : ''}${literal(body)}${trail ? '.*' : ''}$`);
    };
    for (const text of [...texts, 'a*b', 'ab*a'])
      for (const pattern of patterns) {
        const regex = oracle(pattern);
        expect(wildcardMatch(text, pattern), `${text} ~ ${pattern}`).toBe(regex.test(text));
      }
  });

  it('refuse a pattern over the length limit with 400 in the problem shape', () => {
    const kit = createKit({ now });
    const { response } = list(kit, `like(name,${'a'.repeat(MAX_PATTERN_LENGTH + 1)})`);
    expect(response.status).toBe(400);
    expect(errorShapeProblems('program-api', 'GET', asAnswer(response))).toEqual([]);
    expect(JSON.parse(response.body!).code).toBe('InvalidQuery');
  });
});

describe('the evaluation budget', () => {
  it('answers a filter that would scan more than the budget 400 InvalidQuery, quickly', () => {
    // Each copy shares the one 1 MB string: the scan is long, the memory is not.
    const copies = Math.ceil(MAX_EVALUATION_COST / megabyte.length) + 10;
    const kit = createKit({ seed: seedWith(megabyte, copies), now });
    const { response, ms } = list(kit, 'ilike(parameters.ordering.0.value,*b*)');
    expect(response.status).toBe(400);
    expect(errorShapeProblems('program-api', 'GET', asAnswer(response))).toEqual([]);
    expect(JSON.parse(response.body!)).toMatchObject({ code: 'InvalidQuery', status: 400 });
    expect(ms).toBeLessThan(5_000);
    // The next request has a budget of its own.
    expect(list(kit, 'eq(status,Active)').response.status).toBe(200);
  });
});
