/**
 * HTTP details the shared pipeline gives both APIs (issue 13), through both doors: the Program
 * API keeps JSON only (its vendor's three JSON media types in, JSON out whatever `Accept` says),
 * gets `WWW-Authenticate` on every 401, 405 with `Allow` for a known path and a method it lacks
 * (in its own problem shape), and `Content-Length` on answers.
 */
import { expect } from 'vitest';
import { seedTokens as tokens } from '../../src/core/program/seed.js';
import { runThroughBothDoors, type Scenario } from '../support/two-doors.js';

const P = 'program-api' as const;
const certificate = '/v1/program/certificates/CER-9646-2171-8417';

const scenarios: Scenario[] = [
  {
    name: 'program: every 401 carries WWW-Authenticate: Bearer',
    async run(door) {
      for (const token of [null, 'no-such-token']) {
        const answer = await door.call(P, 'GET', '/v1/program/certificates', { token });
        expect([answer.status, answer.body.code]).toEqual([401, 'Unauthorized']);
        expect(answer.headers.get('www-authenticate')).toBe('Bearer');
      }
    },
  },
  {
    name: 'program: a known path with a method it lacks is 405 MethodNotAllowed with Allow; an unknown path stays 404',
    async run(door) {
      const wrong = await door.call(P, 'DELETE', certificate);
      expect([wrong.status, wrong.body.code, wrong.body.status]).toEqual([
        405,
        'MethodNotAllowed',
        405,
      ]);
      expect(wrong.contentType).toBe('application/problem+json');
      expect(wrong.headers.get('allow')).toBe('GET, PUT');
      const missing = await door.call(P, 'DELETE', '/v1/program/nothing');
      expect([missing.status, missing.body.code]).toEqual([404, 'NotFound']);
      const missingObject = await door.call(
        P,
        'GET',
        '/v1/program/certificates/CER-0000-0000-0000',
      );
      expect([missingObject.status, missingObject.body.code]).toEqual([404, 'NotFound']);
    },
  },
  {
    name: 'program: application/json, text/json and application/*+json bodies are JSON; XML and forms are 415; answers stay JSON whatever Accept says',
    async run(door) {
      for (const contentType of [
        'application/json',
        'text/json; charset=utf-8',
        'application/merge-patch+json',
      ]) {
        const answer = await door.call(P, 'PUT', certificate, {
          token: tokens.vendor,
          raw: JSON.stringify({ name: `Renamed as ${contentType}` }),
          headers: { 'content-type': contentType, accept: 'application/xml' },
        });
        expect([answer.status, answer.contentType], answer.text).toEqual([200, 'application/json']);
        expect(answer.body.name).toBe(`Renamed as ${contentType}`);
      }
      for (const contentType of [
        'application/xml',
        'text/xml',
        'application/x-www-form-urlencoded',
      ]) {
        const answer = await door.call(P, 'PUT', certificate, {
          token: tokens.vendor,
          raw: '<Certificate><name>x</name></Certificate>',
          headers: { 'content-type': contentType },
        });
        expect([answer.status, answer.body.code]).toEqual([415, 'UnsupportedMediaType']);
      }
    },
  },
  {
    name: 'program: answers carry Content-Length, the byte length of the body',
    async run(door) {
      const answer = await door.call(P, 'GET', `${certificate}?select=-*,id,name`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('content-length')).toBe(String(Buffer.byteLength(answer.text)));
    },
  },
];

runThroughBothDoors('HTTP details', scenarios);
