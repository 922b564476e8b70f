/**
 * Partner Center as Microsoft's SDKs and seed 002 see it (issue 13): XML and form bodies,
 * answers by `Accept`, nulls, the SDK's enum forms, the order of Microsoft's own sample,
 * idempotency scoped to the request, and the HTTP details real clients meet. Run through both
 * doors with the main table; every answer is validated against the spec in its own media type.
 */
import { XMLParser } from 'fast-xml-parser';
import { expect } from 'vitest';
import { readXml } from '../../src/http/xml.js';
import { responseSchemaPointer, operation } from '../../src/schema/index.js';
import type { Answer, Door } from '../support/doors.js';
import {
  call,
  codes,
  customers,
  deprecatedOf,
  GUID,
  isError,
  post,
  qualifications,
  qualificationsOf,
  refused,
  requestId,
  soe,
  unknownCustomer,
  validationCode,
  validations,
  type Scenario,
} from './scenarios.js';

const V2 =
  'http://schemas.datacontract.org/2004/07/Microsoft.Partner.Service.Customers.Contracts.V2';
const SERIALIZATION = 'http://schemas.microsoft.com/2003/10/Serialization/';
const xml = { accept: 'application/xml' };

/** XML read by a parser of its own, not the kit's: element names, namespaces, text. */
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
});
const parsed = (answer: Answer) => parser.parse(answer.text) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- read freely

/** An XML error: status, code and the ApiFault element. */
function isXmlError(answer: Answer, status: number, code: number) {
  expect([answer.status, answer.contentType], answer.text).toEqual([status, 'application/xml']);
  const fault = parsed(answer).ApiFault;
  expect(fault, answer.text).toBeDefined();
  expect([fault.code, fault.source]).toEqual([String(code), 'PartnerFD']);
}

const sendXml = (door: Door, method: string, path: string, body: string, headers = {}) =>
  call(door, method, path, {
    raw: body,
    headers: { 'content-type': 'application/xml', ...xml, ...headers },
  });

const sendForm = (door: Door, method: string, path: string, body: string) =>
  call(door, method, path, {
    raw: body,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });

const guids = (answer: Answer) => [
  answer.headers.get('ms-requestid') ?? '',
  answer.headers.get('ms-correlationid') ?? '',
];

export const sdkScenarios: Scenario[] = [
  {
    name: 'media: every read answers in XML by Accept, in its DataContract root, reading back to the JSON answer',
    async run(door) {
      const reads: [string, string, string][] = [
        ['listCustomers', '/v1/customers', 'CustomerCollection'],
        ['getCustomer', `/v1/customers/${customers.academicNone}`, 'Customer'],
        [
          'listCustomerQualifications',
          qualificationsOf(customers.educationWithStateOwned),
          'ArrayOfCustomerQualification',
        ],
        ['listValidationCodes', validations, 'ArrayOfValidationCode'],
        ['getCustomerQualificationDeprecated', deprecatedOf(customers.gccWithStateOwned), 'string'],
      ];
      for (const [operationId, path, root] of reads) {
        const asJson = await call(door, 'GET', path);
        for (const accept of ['application/xml', 'text/xml']) {
          const asXml = await call(door, 'GET', path, { headers: { accept } });
          expect([asXml.status, asXml.contentType]).toEqual([200, accept]);
          expect(Object.keys(parsed(asXml)), asXml.text).toEqual([root]);
          const pointer = responseSchemaPointer(
            operation('partner-center', operationId),
            200,
            accept,
          )!;
          expect(readXml('partner-center', asXml.text, { $ref: pointer })).toEqual(asJson.body);
        }
      }
      // Byte for byte: one namespace on the root, members in ordinal order, a list's items
      // named after their contract.
      const list = await call(door, 'GET', qualificationsOf(customers.educationWithStateOwned), {
        headers: xml,
      });
      const approved = (await qualifications(door, customers.educationWithStateOwned))[0]!;
      expect(list.text).toBe(
        `<ArrayOfCustomerQualification xmlns="${V2}"><CustomerQualification><qualification>Education</qualification>` +
          `<vettingCreateDate>${String(approved.vettingCreateDate)}</vettingCreateDate><vettingStatus>Approved</vettingStatus>` +
          `</CustomerQualification><CustomerQualification><qualification>StateOwnedEntity</qualification>` +
          `</CustomerQualification></ArrayOfCustomerQualification>`,
      );
      const none = await call(door, 'GET', qualificationsOf(customers.none), { headers: xml });
      expect(none.text).toBe(`<ArrayOfCustomerQualification xmlns="${V2}"/>`);
      const single = await call(door, 'GET', deprecatedOf(customers.none), { headers: xml });
      expect(single.text).toBe(`<string xmlns="${SERIALIZATION}">none</string>`);
    },
  },
  {
    name: 'media: POST and PUT take XML bodies (DataContract, any root name, nil members absent) and answer in XML',
    async run(door) {
      const created = await sendXml(
        door,
        'POST',
        qualificationsOf(customers.none),
        `<CustomerQualification xmlns="${V2}"><qualification>StateOwnedEntity</qualification></CustomerQualification>`,
      );
      expect([created.status, created.contentType]).toEqual([201, 'application/xml']);
      expect(created.text).toBe(
        `<CustomerQualification xmlns="${V2}"><qualification>StateOwnedEntity</qualification></CustomerQualification>`,
      );
      const education = await sendXml(
        door,
        'POST',
        qualificationsOf(customers.academicNone),
        `<?xml version="1.0" encoding="utf-8"?><Request xmlns:i="http://www.w3.org/2001/XMLSchema-instance">` +
          `<website i:nil="true"/><educationSegment>HigherEducation</educationSegment>` +
          `<qualification>Education</qualification><validationCode i:nil="true"/></Request>`,
        { accept: 'text/xml' },
      );
      expect([education.status, education.contentType]).toEqual([201, 'text/xml']);
      expect(parsed(education).CustomerQualification.vettingStatus).toBe('InReview');
      // The older contract's key in XML, the code from the query.
      const older = await sendXml(
        door,
        'POST',
        `${qualificationsOf(customers.stateOwnedOnly)}?code=${codes.withCreates}`,
        '<CustomerQualification><Qualification>GovernmentCommunityCloud</Qualification></CustomerQualification>',
        { 'content-type': 'text/xml; charset=utf-8' },
      );
      expect([older.status, parsed(older).CustomerQualification.vettingStatus]).toEqual([
        201,
        'Approved',
      ]);
      // The deprecated PUT: a bare string is DataContract's <string>.
      const put = await sendXml(
        door,
        'PUT',
        deprecatedOf(customers.educationDenied),
        `<string xmlns="${SERIALIZATION}">state_owned_entity</string>`,
      );
      expect([put.status, put.text]).toEqual([
        200,
        `<string xmlns="${SERIALIZATION}">state_owned_entity</string>`,
      ]);
      // Malformed XML, and a DOCTYPE (no entity expansion from a request), are 400 800002.
      for (const body of [
        '<CustomerQualification><qualification>',
        '<!DOCTYPE q [<!ENTITY e "StateOwnedEntity">]><q><qualification>&e;</qualification></q>',
        '<a/><b/>',
      ]) {
        const send = (accept: string) =>
          sendXml(door, 'POST', qualificationsOf(customers.none), body, { accept });
        await refused(door, () => send('application/json'), 400, 800002);
        isXmlError(await send('application/xml'), 400, 800002);
      }
    },
  },
  {
    name: 'media: a form POST and a form PUT (an empty field is absent; `=value` is a bare string)',
    async run(door) {
      const education = await sendForm(
        door,
        'POST',
        qualificationsOf(customers.academicNone),
        'qualification=Education&educationSegment=K12&website=&validationCode=',
      );
      expect([education.status, education.body.vettingStatus]).toEqual([201, 'InReview']);
      const government = await sendForm(
        door,
        'POST',
        qualificationsOf(customers.none),
        `qualification=GovernmentCommunityCloud&validationCode=${encodeURIComponent(codes.withCreates)}`,
      );
      expect([government.status, government.body.vettingStatus]).toEqual([201, 'Approved']);
      expect((await validationCode(door, codes.withCreates)).remainingCreates).toBe(2);
      const put = await sendForm(door, 'PUT', deprecatedOf(customers.none), '=state_owned_entity');
      expect([put.status, put.body]).toEqual([200, 'state_owned_entity']);
      await refused(
        door,
        () => sendForm(door, 'POST', qualificationsOf(customers.stateOwnedOnly), 'website=x'),
        400,
        800002,
      );
    },
  },
  {
    name: 'media: Accept with q-values picks the answer; text/json is labelled so; unknown types and wildcards answer JSON; errors follow Accept',
    async run(door) {
      const path = qualificationsOf(customers.stateOwnedOnly);
      const typeFor = async (accept: string) =>
        (await call(door, 'GET', path, { headers: { accept } })).contentType;
      expect(await typeFor('text/json')).toBe('text/json');
      expect(await typeFor('application/xml;q=0.5, text/json;q=0.9')).toBe('text/json');
      expect(await typeFor('application/json;q=0.1, text/xml')).toBe('text/xml');
      expect(await typeFor('image/png')).toBe('application/json');
      expect(await typeFor('*/*')).toBe('application/json');
      expect(await typeFor('text/*')).toBe('text/json');
      expect(await typeFor('application/xml;q=0, image/png')).toBe('application/json');
      const textJson = await call(door, 'GET', path, { headers: { accept: 'text/json' } });
      expect(textJson.body).toEqual([soe]);
      // Errors, 401 included, in the media type asked for.
      isXmlError(
        await call(door, 'GET', qualificationsOf(unknownCustomer), { headers: xml }),
        404,
        60003,
      );
      const unauthorized = await call(door, 'GET', '/v1/customers', { token: null, headers: xml });
      isXmlError(unauthorized, 401, 800001);
      expect(unauthorized.headers.get('www-authenticate')).toBe('Bearer');
      isXmlError(await call(door, 'GET', '/v1/nothing', { headers: xml }), 404, 800404);
      const textError = await call(door, 'GET', '/v1/customers/x', {
        headers: { accept: 'text/json' },
      });
      expect([textError.contentType, textError.body.code]).toEqual(['text/json', 900118]);
    },
  },
  {
    name: 'nulls: optional members sent as null are absent; a null qualification is 400 800002',
    async run(door) {
      const created = await post(door, customers.none, {
        qualification: 'StateOwnedEntity',
        educationSegment: null,
        website: null,
        validationCode: null,
      });
      expect([created.status, created.body]).toEqual([201, soe]);
      const education = await post(door, customers.academicNone, {
        qualification: 'Education',
        educationSegment: 'K12',
        website: null,
        validationCode: null,
      });
      expect(education.status).toBe(201);
      // A null segment is a missing segment.
      await refused(
        door,
        () =>
          post(door, customers.educationDenied, {
            qualification: 'Education',
            educationSegment: null,
          }),
        400,
        900127,
      );
      await refused(
        door,
        () => post(door, customers.stateOwnedOnly, { qualification: null }),
        400,
        800002,
      );
    },
  },
  {
    name: "enums: the SDK's snake_case form and any letter case, for qualification and educationSegment",
    async run(door) {
      const soeAnswer = await post(door, customers.none, { qualification: 'state_owned_entity' });
      expect([soeAnswer.status, soeAnswer.body]).toEqual([201, soe]);
      const education = await post(door, customers.academicNone, {
        qualification: 'education',
        educationSegment: 'higher_education',
      });
      expect([education.status, education.body.qualification]).toEqual([201, 'Education']);
      const k12 = await post(door, customers.educationDenied, {
        qualification: 'EDUCATION',
        educationSegment: 'k12',
      });
      expect([k12.status, k12.body.vettingStatus]).toEqual([201, 'InReview']);
      const government = await post(door, customers.stateOwnedOnly, {
        qualification: 'government_community_cloud',
        validationCode: codes.withCreates,
      });
      expect([government.status, government.body.qualification]).toEqual([
        201,
        'GovernmentCommunityCloud',
      ]);
      // Not a segment in any spelling: the schema refuses it.
      await refused(
        door,
        () =>
          post(door, customers.educationInReview, {
            qualification: 'education',
            educationSegment: 'university',
          }),
        400,
        800002,
      );
    },
  },
  {
    name: "sample: Microsoft's SDK sample in its order: Education, then GCC with a made-up code is 'cannot be combined' (900130), then StateOwnedEntity",
    async run(door) {
      const customer = customers.academicNone;
      const education = await post(door, customer, {
        qualification: 'Education',
        educationSegment: 'K12',
        website: 'example.edu',
      });
      expect([education.status, education.body.vettingStatus]).toEqual([201, 'InReview']);
      const government = await refused(
        door,
        () =>
          post(door, customer, {
            qualification: 'GovernmentCommunityCloud',
            validationCode: 'NotRealCode',
          }),
        400,
        900130,
      );
      expect(government.body.description).toMatch(/Education and GovernmentCommunityCloud/);
      const stateOwned = await post(door, customer, { qualification: 'StateOwnedEntity' });
      expect([stateOwned.status, stateOwned.body]).toEqual([201, soe]);
    },
  },
  {
    name: 'idempotency: the same MS-RequestId on a POST for another customer is 400 800005 and changes nothing there (issue 13)',
    async run(door) {
      const headers = { 'MS-RequestId': requestId };
      const first = await post(door, customers.none, soe, { headers });
      expect(first.status).toBe(201);
      const other = await refused(
        door,
        () => post(door, customers.academicNone, soe, { headers }),
        400,
        800005,
      );
      expect(other.body.description).toContain(requestId);
      expect(await qualifications(door, customers.academicNone)).toEqual([]);
      // The path's spelling does not make another request of it, nor does the id's case of GUID.
      const respelled = await post(door, customers.none.toUpperCase(), soe, { headers });
      expect([respelled.status, respelled.text]).toEqual([201, first.text]);
      // Same path, another query: another request.
      await refused(
        door,
        () => post(door, customers.none, soe, { headers, query: '?code=1' }),
        400,
        800005,
      );
      // The deprecated PUT with that id is another request too.
      await refused(
        door,
        () =>
          call(door, 'PUT', deprecatedOf(customers.none), { body: 'state_owned_entity', headers }),
        400,
        800005,
      );
    },
  },
  {
    name: 'idempotency: remembered answers come back after the saved state is loaded again (as a restart does); generated ids never repeat after a reset',
    async run(door) {
      const headers = { 'MS-RequestId': requestId };
      const first = await post(door, customers.none, soe, { headers });
      const saved = (await door.control('GET', '/state')).body;
      expect(saved.partnerCenter.requests).toHaveLength(1);
      expect((await door.control('POST', '/seed', saved)).status).toBe(200);
      const retry = await post(door, customers.none, soe, { headers });
      expect([retry.status, retry.text]).toEqual([201, first.text]);
      await refused(door, () => post(door, customers.academicNone, soe, { headers }), 400, 800005);

      const seen = new Set<string>();
      for (let i = 0; i < 3; i++)
        for (const id of guids(await call(door, 'GET', '/v1/customers'))) seen.add(id);
      expect((await door.control('POST', '/reset')).status).toBe(200);
      for (let i = 0; i < 3; i++) {
        for (const id of guids(await call(door, 'GET', '/v1/customers'))) {
          expect(id).toMatch(GUID);
          expect(seen.has(id), `${id} was generated before the reset`).toBe(false);
          seen.add(id);
        }
      }
      // A reset forgets remembered answers with the rest of the world.
      expect((await post(door, customers.academicNone, soe, { headers })).status).toBe(201);
    },
  },
  {
    name: 'http: routes and query names in any case, braced GUIDs, Content-Length, MS-CV echoed or generated',
    async run(door) {
      const upper = await call(
        door,
        'GET',
        `/V1/Customers/${customers.gccWithStateOwned.toUpperCase()}/Qualifications`,
      );
      expect([upper.status, upper.body[0].qualification]).toEqual([
        200,
        'GovernmentCommunityCloud',
      ]);
      expect((await call(door, 'GET', '/V1/CUSTOMERS/ALL/VALIDATIONS')).status).toBe(200);
      for (const form of [
        `{${customers.none}}`,
        `(${customers.none})`,
        customers.none.replace(/-/g, ''),
      ]) {
        const braced = await call(door, 'GET', `/v1/customers/${encodeURIComponent(form)}`);
        expect([braced.status, braced.body.id]).toEqual([200, customers.none]);
      }
      const created = await post(
        door,
        `{${customers.none}}`,
        {
          qualification: 'GovernmentCommunityCloud',
        },
        { query: `?Code=${codes.withCreates}` },
      );
      expect([created.status, created.body.vettingStatus]).toEqual([201, 'Approved']);
      const sized = await call(door, 'GET', '/v1/customers?SIZE=2');
      expect(sized.body.totalCount).toBe(2);
      expect(sized.headers.get('content-length')).toBe(String(Buffer.byteLength(sized.text)));
      const cv = 'Lk9sZ3BQdUVrOXpHeHZKYS4w.1';
      expect(
        (await call(door, 'GET', '/v1/customers', { headers: { 'MS-CV': cv } })).headers.get(
          'ms-cv',
        ),
      ).toBe(cv);
      const generated = await call(door, 'GET', '/v1/nothing');
      expect(generated.headers.get('ms-cv')).toMatch(/^[A-Za-z0-9+/]{22}\.0$/);
      isError(generated, 404, 800404);
    },
  },
];
