/**
 * Rule and transition coverage (issue 17): every transition of the lifecycle tables and every
 * rule of the error catalogues has an id, the kit counts which fired, `reset` keeps the counts
 * unless asked, and both doors answer `GET /__control/coverage`.
 */
import { describe, expect, it } from 'vitest';
import { callKit } from '../support/doors.js';
import { coverageIds, type CoverageId } from '../../src/core/coverage.js';
import {
  certificateTransitions,
  contentTransitions,
  enrollmentTransitions,
  programTransitions,
  templateTransitions,
} from '../../src/core/program/lifecycle.js';
import { problemCatalogue } from '../../src/core/program/problems.js';
import { createKit, type Kit } from '../../src/kit.js';
import { doors, testNow } from '../support/doors.js';

const edges = (name: string, table: Record<string, Record<string, string>>) =>
  Object.entries(table).flatMap(([from, events]) =>
    Object.values(events).map((to) => `program.${name}:${from}->${to}`),
  );

const counts = (kit: Kit) =>
  Object.fromEntries(kit.control.coverage().map((entry) => [entry.id, entry.count]));

const call = callKit;

describe('rule and transition ids', () => {
  it('name every transition of every lifecycle table and every rule of the catalogue, once', () => {
    const ids = coverageIds.map((entry) => entry.id as string);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of [
      ...edges('certificate', certificateTransitions),
      ...edges('enrollment', enrollmentTransitions),
      ...edges('program', programTransitions),
      ...edges('template', templateTransitions),
      ...edges('content', contentTransitions),
    ])
      expect(ids).toContain(id);
    for (const [code, [, kind]] of Object.entries(problemCatalogue))
      expect(ids.includes(`program.rule:${code}`)).toBe(kind === 'rule');
    expect(ids).toContain('partner.Education:InReview->Denied');
    expect(ids).toContain('partner.rule:900130');
    expect(ids).toContain('partner.rule:request-id-replayed');
  });
});

describe('counting', () => {
  it('counts the transitions and refusals a sequence fired, and nothing else', () => {
    const kit = createKit({ now: testNow });
    const before = counts(kit);
    expect(Object.values(before).every((count) => count === 0)).toBe(true);
    const draft = JSON.parse(
      call(kit, 'POST', '/v1/program/enrollments', 'client-token', {
        program: { id: 'PRG-9643-3741' },
        licensee: { id: 'LCE-5758-4071-6507' },
      }).body!,
    );
    expect(
      call(kit, 'POST', `/v1/program/enrollments/${draft.id}/submit`, 'client-token').status,
    ).toBe(200);
    expect(
      call(kit, 'POST', `/v1/program/enrollments/${draft.id}/complete`, 'vendor-token').status,
    ).toBe(200);
    const refused = call(kit, 'POST', '/v1/program/enrollments', 'client-token', {
      program: { id: 'PRG-9643-3741' },
      certificate: { id: 'CER-5582-1136-4429' },
    });
    expect(refused.status).toBe(400);
    // CER-1204-5530-7781 expires; the default policy denies Lakeview's Education review.
    kit.control.setClock({ advance: 'P13D' });
    const after = counts(kit);
    const fired = Object.entries(after).filter(([, count]) => count > 0);
    expect(Object.fromEntries(fired)).toEqual({
      'program.certificate:new->Pending': 1,
      'program.certificate:Pending->Active': 1,
      'program.enrollment:new->Draft': 1,
      'program.enrollment:Draft->Processing': 1,
      'program.enrollment:Processing->Completed': 1,
      'program.certificate:Active->Expired': 1,
      'program.rule:CertificateTerminated': 1,
      'partner.Education:InReview->Denied': 1,
    } satisfies Partial<Record<CoverageId, number>>);
  });

  it('keeps the counts across a reset unless asked to clear them', () => {
    const kit = createKit({ now: testNow });
    call(kit, 'POST', '/v1/program/certificates/CER-5582-1136-4429/terminate', 'vendor-token', {
      statusNotes: { message: 'again' },
    });
    kit.control.reset();
    expect(counts(kit)['program.rule:CertificateNotActive']).toBe(1);
    kit.control.reset({ coverage: true });
    expect(counts(kit)['program.rule:CertificateNotActive']).toBe(0);
  });
});

describe.each(Object.entries(doors))('GET /__control/coverage (%s door)', (_name, open) => {
  it('answers every id with its count, and POST /reset?coverage=true clears it', async () => {
    const door = await open();
    try {
      await door.call(
        'partner-center',
        'POST',
        '/v1/customers/9f2d7b41-6c3e-4a58-8d1f-0e7a5b2c9d36/qualifications',
        {
          token: 'partner-token',
          body: { qualification: 'Education', educationSegment: 'K12' },
        },
      );
      const first = await door.control('GET', '/coverage');
      expect(first.status).toBe(200);
      const table = first.body.coverage as {
        id: string;
        count: number;
        kind: string;
        api: string;
      }[];
      expect(table.map((e) => e.id)).toEqual(coverageIds.map((e) => e.id));
      expect(table.find((e) => e.id === 'partner.rule:900130')).toMatchObject({
        count: 1,
        kind: 'rule',
        api: 'partner-center',
      });
      await door.control('POST', '/reset');
      const kept = await door.control('GET', '/coverage');
      expect(
        kept.body.coverage.find((e: { id: string }) => e.id === 'partner.rule:900130').count,
      ).toBe(1);
      await door.control('POST', '/reset?coverage=true');
      const cleared = await door.control('GET', '/coverage');
      expect(cleared.body.coverage.every((e: { count: number }) => e.count === 0)).toBe(true);
    } finally {
      await door.close();
    }
  });
});
