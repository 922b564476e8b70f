/**
 * Issue 21: the official Python client (softwareone-platform/mpt-api-python-client,
 * mpt_api_client/rql/query_builder.py) writes a date or a date-time as `'<isoformat()>'` in
 * single quotes, e.g. `gt(audit.created.at,'2026-01-01T00:00:00+00:00')`, and puts the query on
 * the path as it is. The kit stores instants as `toISOString()` (`...T09:00:00.000Z`): a stored
 * instant is found by eq in the client's spelling, and lt/gt boundaries fall by instant, not
 * by string order.
 */
import { describe, expect, it } from 'vitest';
import { createKit } from '../../src/kit.js';
import { testNow } from '../support/doors.js';
import { certificates, ids, tokens } from './scenarios.js';

const kit = createKit({ now: new Date(testNow) });

function total(rawQuery: string): number {
  const response = kit.handle('program-api', {
    method: 'GET',
    path: certificates,
    rawQuery,
    headers: { authorization: `Bearer ${tokens.ops}` },
    body: undefined,
  });
  const body = JSON.parse(response.body ?? 'null');
  expect(response.status, response.body).toBe(200);
  return body.$meta.pagination.total as number;
}

function stored(): { created: string; expires: string } {
  const response = kit.handle('program-api', {
    method: 'GET',
    path: `${certificates}/${ids.active}`,
    rawQuery: '',
    headers: { authorization: `Bearer ${tokens.ops}` },
    body: undefined,
  });
  const certificate = JSON.parse(response.body!);
  return { created: certificate.audit.created.at, expires: certificate.expirationDate };
}

/** What Python's `datetime.isoformat()` writes for an instant, at a given UTC offset. */
function isoformat(instant: string, offsetMinutes = 0, microseconds = false): string {
  const at = new Date(Date.parse(instant) + offsetMinutes * 60_000);
  const local = at.toISOString().slice(0, 19);
  const ms = at.getUTCMilliseconds();
  const fraction = microseconds || ms !== 0 ? `.${String(ms * 1000).padStart(6, '0')}` : '';
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  const zone = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${local}${fraction}${zone}`;
}

describe("the Python client's date-times round-trip (issue 21)", () => {
  const { created, expires } = stored();
  const all = total('limit=0');
  const before = (instant: string) => total(`lt(audit.created.at,'${instant}')&limit=0`);

  it('reads a stored instant in the kit spelling first', () => {
    expect(created).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    expect(isoformat(created)).toMatch(/\+00:00$/);
  });

  const spellings = [
    isoformat(created),
    isoformat(created, 0, true),
    isoformat(created, 120),
    isoformat(created, -330),
    created.replace('.000Z', 'Z'),
    created.replace('.000Z', ''),
  ];
  it.each(spellings)('eq(audit.created.at,%s) finds the stored instant', (spelling) => {
    for (const raw of [spelling, encodeURIComponent(spelling)])
      expect(total(`eq(audit.created.at,'${raw}')&eq(id,${ids.active})&limit=0`)).toBe(1);
  });

  it('puts lt/gt boundaries at the instant whatever the offset', () => {
    const at = Date.parse(created);
    const lt = before(isoformat(created));
    expect(total(`le(audit.created.at,'${isoformat(created)}')&limit=0`)).toBe(lt + 1);
    expect(total(`gt(audit.created.at,'${isoformat(created)}')&limit=0`)).toBe(all - lt - 1);
    // The same instant written at +05:30 sorts after the UTC spelling as a string, not in time.
    expect(before(isoformat(created, 330))).toBe(lt);
    expect(before(isoformat(created, -600))).toBe(lt);
    // A microsecond later the instant is included by lt; a microsecond earlier it is not by gt.
    const later = new Date(at).toISOString().replace('.000Z', '.000001+00:00');
    expect(before(later)).toBe(lt + 1);
    expect(total(`eq(audit.created.at,'${later}')&limit=0`)).toBe(0);
    expect(total(`gt(audit.created.at,'${later}')&limit=0`)).toBe(all - lt - 1);
    expect(total(`ge(audit.created.at,'${later}')&limit=0`)).toBe(all - lt - 1);
  });

  it('compares dates as dates (date.isoformat())', () => {
    expect(total(`eq(expirationDate,'${expires}')&eq(id,${ids.active})&limit=0`)).toBe(1);
    expect(total(`gt(expirationDate,'${expires}')&eq(id,${ids.active})&limit=0`)).toBe(0);
    expect(
      total(`ge(expirationDate,'${expires}T00:00:00+00:00')&eq(id,${ids.active})&limit=0`),
    ).toBe(1);
  });
});
