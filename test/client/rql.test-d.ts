/**
 * Issue 26: the RQL builder's types. A path the item type does not have, a value of the wrong
 * type, a `Date` on a field that is no date, or a filter on the wrong objects does not compile.
 */
import { describe, expectTypeOf, it } from 'vitest';
import {
  createProgramClient,
  rql,
  type FieldPath,
  type Filter,
  type ListItem,
  type ValueAt,
} from '../../src/client/index.js';
import type { components } from '../../src/generated/program-api.js';

type Certificate = components['schemas']['Certificate'];
type Enrollment = components['schemas']['Enrollment'];
type ParameterValue = components['schemas']['ParameterValue'];

describe('field paths', () => {
  it('reach nested objects, records and collections', () => {
    expectTypeOf<'program.id'>().toExtend<FieldPath<Certificate>>();
    expectTypeOf<'audit.created.at'>().toExtend<FieldPath<Certificate>>();
    expectTypeOf<'parameters.ordering'>().toExtend<FieldPath<Certificate>>();
    expectTypeOf<'status'>().toExtend<FieldPath<Certificate>>();
  });

  it('refuse a path the type does not have', () => {
    expectTypeOf<'program.nope'>().not.toExtend<FieldPath<Certificate>>();
    expectTypeOf<'statuss'>().not.toExtend<FieldPath<Certificate>>();
    // An array ends a path: its items are reached with any() / all().
    expectTypeOf<'parameters.ordering.id'>().not.toExtend<FieldPath<Certificate>>();
  });
});

describe('values', () => {
  it("are the field's own: an enumeration's members, a Date for a date", () => {
    expectTypeOf<ValueAt<Certificate, 'status'>>().toEqualTypeOf<
      NonNullable<Certificate['status']>
    >();
    expectTypeOf<Date>().toExtend<ValueAt<Certificate, 'expirationDate'>>();
    expectTypeOf<Date>().toExtend<ValueAt<Certificate, 'audit.created.at'>>();
    expectTypeOf<Date>().not.toExtend<ValueAt<Certificate, 'name'>>();
    expectTypeOf<number>().not.toExtend<ValueAt<Certificate, 'program.id'>>();
  });

  it('do not compile when wrong', () => {
    const q = rql<Certificate>();
    q.where((w) => w.eq('status', 'Active'));
    q.where((w) => w.gt('audit.created.at', new Date()));
    q.where((w) => w.le('expirationDate', new Date()));
    q.where((w) => w.in('status', ['Active', 'Pending']));
    q.where((w) => w.any('parameters.ordering', (p) => p.eq('externalId', 'MPNID')));
    q.where((w) => w.any('terms', (t) => t.gt('accepted', new Date())));
    q.select('-*', 'id', 'status', '+audit', '-program.name').order('-audit.created.at', 'name');
    // @ts-expect-error: no such status
    q.where((w) => w.eq('status', 'Actve'));
    // @ts-expect-error: no such field
    q.where((w) => w.eq('statuss', 'Active'));
    // @ts-expect-error: a number for a string
    q.where((w) => w.eq('program.id', 1));
    // @ts-expect-error: a Date where the spec has no date
    q.where((w) => w.eq('name', new Date()));
    // @ts-expect-error: gt() of a boolean
    q.where((w) => w.any('terms', (t) => t.gt('accepted', true)));
    // @ts-expect-error: like() on a number
    q.where((w) => w.like('revision', '1*'));
    // empty() is the empty string, and patterns read text: only text paths take them
    q.where((w) => w.or(w.isEmpty('statusNotes'), w.isEmpty('status'), w.like('status', 'Act*')));
    q.where((w) => w.and(w.isNull('terms'), w.isNull('expirationDate')));
    // @ts-expect-error: isEmpty() on a collection (the API answers 400)
    q.where((w) => w.isEmpty('terms'));
    // @ts-expect-error: isEmpty() on a number
    q.where((w) => w.isEmpty('revision'));
    // @ts-expect-error: isEmpty() on a date
    q.where((w) => w.isEmpty('expirationDate'));
    // @ts-expect-error: isEmpty() on a date-time, though its generated type is string
    q.where((w) => w.isEmpty('audit.created.at'));
    // @ts-expect-error: like() on a date-time
    q.where((w) => w.like('audit.created.at', '2026*'));
    // @ts-expect-error: isEmpty() on a date-time inside a collection's items
    q.where((w) => w.any('terms', (t) => t.isEmpty('accepted')));
    q.where((w) => w.any('terms', (t) => t.isEmpty('name')));
    // @ts-expect-error: any() on a field that is no collection
    q.where((w) => w.any('program', (p) => p.eq('id', 'x')));
    // @ts-expect-error: a path of the items, not of the certificate
    q.where((w) => w.any('parameters.ordering', (p) => p.eq('status', 'Active')));
    // @ts-expect-error: select of a field that does not exist
    q.select('-*', 'nope');
    // @ts-expect-error: order by a field that does not exist
    q.order('-nope');
  });

  it('keep the filters of different types apart', () => {
    const onEnrollments = rql<Enrollment>().state.filter!;
    expectTypeOf(onEnrollments).toEqualTypeOf<Filter<Enrollment>>();
    // @ts-expect-error: an enrollment filter in a certificate query
    rql<Certificate>().where((w) => w.and(onEnrollments));
    const onItems = {} as Filter<ParameterValue>;
    // @ts-expect-error: an item's filter where the certificate's is wanted
    rql<Certificate>().where((w) => w.or(w.eq('id', 'x'), onItems));
  });
});

describe('the client', () => {
  it('lists by path, its items typed, its query of the same type', async () => {
    const client = createProgramClient({ token: 't' });
    expectTypeOf<ListItem<'/v1/program/certificates'>>().toEqualTypeOf<Certificate>();
    for await (const certificate of client.iterate('/v1/program/certificates', {
      query: rql<Certificate>().where((w) => w.eq('status', 'Active')),
    }))
      expectTypeOf(certificate).toEqualTypeOf<Certificate>();
    // @ts-expect-error: a query on enrollments for the certificates
    client.iterate('/v1/program/certificates', { query: rql<Enrollment>() });
    // @ts-expect-error: a list under a program needs its path parameters
    client.iterate('/v1/program/programs/{programId}/templates');
    client.iterate('/v1/program/programs/{programId}/templates', {
      params: { path: { programId: 'PRG-1' } },
    });
    // @ts-expect-error: not a list
    client.iterate('/v1/program/certificates/{id}');
  });
});
