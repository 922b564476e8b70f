/**
 * The Program API's surface is the vendor's: the 75 operations of its published document under
 * `/public/v1/program` plus `submit` and `DELETE /enrollments/{id}` from its current client
 * (../shared/api-notes.md, *Surface*). The spec must have exactly these, method and path.
 */
import { describe, expect, it } from 'vitest';
import { operations } from '../../src/schema/index.js';

const program = '/v1/program/programs/{programId}';
const crud = (base: string, idName = 'id') => [
  `GET ${base}`,
  `POST ${base}`,
  `GET ${base}/{${idName}}`,
  `PUT ${base}/{${idName}}`,
  `DELETE ${base}/{${idName}}`,
];
const publishable = (base: string) => [
  ...crud(base),
  `POST ${base}/{id}/publish`,
  `POST ${base}/{id}/unpublish`,
];

const surface = [
  'GET /v1/program/certificates',
  'POST /v1/program/certificates',
  'GET /v1/program/certificates/{id}',
  'PUT /v1/program/certificates/{id}',
  'POST /v1/program/certificates/{id}/terminate',
  'GET /v1/program/certificates/{id}/render',
  'GET /v1/program/enrollments',
  'POST /v1/program/enrollments',
  'POST /v1/program/enrollments/validate',
  'GET /v1/program/enrollments/{id}',
  'PUT /v1/program/enrollments/{id}',
  'DELETE /v1/program/enrollments/{id}',
  ...['submit', 'validate', 'query', 'process', 'complete', 'fail'].map(
    (action) => `POST /v1/program/enrollments/{id}/${action}`,
  ),
  'GET /v1/program/enrollments/{id}/render',
  ...crud('/v1/program/enrollments/{enrollmentId}/attachments'),
  ...crud('/v1/program/programs'),
  'POST /v1/program/programs/{id}/publish',
  'POST /v1/program/programs/{id}/unpublish',
  'PUT /v1/program/programs/{id}/settings',
  'GET /v1/program/programs/{id}/icon',
  ...crud(`${program}/templates`),
  ...crud(`${program}/parameters`),
  ...crud(`${program}/parameter-groups`),
  ...publishable(`${program}/documents`),
  ...publishable(`${program}/media`),
  `GET ${program}/media/{id}/image`,
  ...publishable(`${program}/terms`),
  ...publishable(`${program}/terms/{termsId}/variants`),
];

describe('the Program API surface', () => {
  it('lists 77 operations', () => {
    expect(new Set(surface).size).toBe(77);
  });

  it('is exactly the spec’s operations', () => {
    const spec = operations('program-api').map((op) => `${op.method.toUpperCase()} ${op.path}`);
    expect([...spec].sort()).toEqual([...surface].sort());
  });
});
