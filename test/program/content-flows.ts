/**
 * Scenarios for the rest of the Program API surface: program content (documents, media, terms
 * and their variants), enrollment attachments and program icons, uploaded as the vendor's client
 * uploads them (multipart: a JSON part and a file part) and downloaded byte for byte.
 */
import { expect } from 'vitest';
import type { Door } from '../support/doors.js';
import {
  certificate,
  enrollments,
  ids,
  programs,
  refused,
  tokens,
  type Scenario,
} from './scenarios.js';

const P = 'program-api' as const;
const program = `${programs}/${ids.aiProgram}`;

/** Every byte value, twice, and a few that are not valid UTF-8 on their own. */
const binary = new Uint8Array([...Array.from({ length: 512 }, (_, i) => i % 256), 0xc3, 0x28]);

function form(
  json: { name: string; value: unknown },
  file?: { name: string; bytes: Uint8Array<ArrayBuffer>; filename: string; type: string },
) {
  const data = new FormData();
  if (file) data.append(file.name, new Blob([file.bytes], { type: file.type }), file.filename);
  data.append(json.name, new Blob([JSON.stringify(json.value)], { type: 'application/json' }));
  return data;
}

async function upload(door: Door, path: string, data: FormData, token: string = tokens.vendor) {
  return door.call(P, 'POST', path, { token, form: data });
}

export const contentFlows: Scenario[] = [
  {
    name: 'documents: a file uploaded as multipart comes back byte for byte with its name and type; an Online one needs a url',
    async run(door) {
      const created = await upload(
        door,
        `${program}/documents`,
        form(
          {
            name: 'document',
            value: {
              name: 'Partner guide',
              description: 'How to enrol.',
              type: 'File',
              documentType: 'File',
              language: 'en-us',
              url: '',
            },
          },
          { name: 'file', bytes: binary, filename: 'guide.bin', type: 'application/octet-stream' },
        ),
      );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: 'PDM-9643-3741-0002',
        status: 'Draft',
        type: 'File',
        filename: 'guide.bin',
        size: binary.length,
        contentType: 'application/octet-stream',
      });
      const path = `${program}/documents/${created.body.id}`;
      const file = await door.call(P, 'GET', path, {
        token: tokens.vendor,
        headers: { accept: 'application/octet-stream' },
      });
      expect(file.status).toBe(200);
      expect(file.contentType).toBe('application/octet-stream');
      expect(file.headers.get('content-disposition')).toBe('attachment; filename="guide.bin"');
      expect(Array.from(file.bytes)).toEqual(Array.from(binary));
      // Without a non-JSON Accept, the same URL answers the object.
      expect((await door.call(P, 'GET', path, { token: tokens.vendor })).body.id).toBe(
        created.body.id,
      );
      const online = await upload(
        door,
        `${program}/documents`,
        form({
          name: 'document',
          value: {
            name: 'Online guide',
            type: 'Online',
            documentType: 'Online',
            url: 'https://partners.example.com/guide',
          },
        }),
      );
      expect(online.body).toMatchObject({
        type: 'Online',
        url: 'https://partners.example.com/guide',
        filename: null,
      });
      await refused(
        door,
        {
          method: 'POST',
          path: `${program}/documents`,
          token: tokens.vendor,
          body: undefined,
        },
        { status: 400, code: 'ValidationFailed' },
      );
    },
  },
  {
    name: 'multipart: a missing JSON part, a broken JSON part, a File without its file and a malformed body are 400s; nothing is created',
    async run(door) {
      const before = (await door.call(P, 'GET', `${program}/documents?limit=0`)).body.$meta
        .pagination.total;
      const file = { name: 'file', bytes: binary, filename: 'x.pdf', type: 'application/pdf' };
      const noJson = new FormData();
      noJson.append('file', new Blob([binary]), 'x.pdf');
      const missing = await door.call(P, 'POST', `${program}/documents`, {
        token: tokens.vendor,
        form: noJson,
      });
      expect(missing.status).toBe(400);
      expect(missing.body.errors).toEqual({ document: ['is required'] });
      const broken = new FormData();
      broken.append('document', new Blob(['{"name":'], { type: 'application/json' }));
      const invalid = await door.call(P, 'POST', `${program}/documents`, {
        token: tokens.vendor,
        form: broken,
      });
      expect(invalid.body.code).toBe('InvalidJson');
      const fileless = await upload(
        door,
        `${program}/documents`,
        form({ name: 'document', value: { name: 'No file', type: 'File' } }),
      );
      expect(fileless.body.code).toBe('FileRequired');
      const wrongType = await upload(
        door,
        `${program}/documents`,
        form({ name: 'document', value: { name: 7 } }, file),
      );
      expect(wrongType.body).toMatchObject({
        code: 'ValidationFailed',
        errors: { name: ['must be string'] },
      });
      const malformed = await door.call(P, 'POST', `${program}/documents`, {
        token: tokens.vendor,
        headers: { 'content-type': 'multipart/form-data; boundary=nothing-here' },
        raw: 'this is not multipart',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('ValidationFailed');
      expect(
        (await door.call(P, 'GET', `${program}/documents?limit=0`)).body.$meta.pagination.total,
      ).toBe(before);
    },
  },
  {
    name: 'programs: created as multipart with a 950 KB icon (bytes on the wire, not decoded text), the icon served back; updated as multipart too',
    async run(door) {
      // Bytes above 0x7f count once on the wire; decoded as UTF-8 they would nearly double.
      const logo = new Uint8Array(950_857).map((_, i) => (i * 131) % 256);
      const created = await upload(
        door,
        programs,
        form(
          {
            name: 'program',
            value: {
              name: 'E2E Created Program',
              website: 'www.example.com',
              eligibility: { client: true, partner: true },
              applicableTo: 'Licensee',
            },
          },
          { name: 'icon', bytes: logo, filename: 'logo.png', type: 'image/png' },
        ),
      );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'E2E Created Program',
        status: 'Draft',
        icon: `${programs}/${created.body.id}/icon`,
      });
      const icon = await door.call(P, 'GET', `${programs}/${created.body.id}/icon`, {
        token: tokens.vendor,
      });
      expect(icon.contentType).toBe('image/png');
      expect(icon.bytes.length).toBe(logo.length);
      expect(icon.bytes.every((byte, i) => byte === logo[i])).toBe(true);
      const renamed = new FormData();
      renamed.append(
        'program',
        new Blob([JSON.stringify({ name: 'E2E Updated Program' })], { type: 'application/json' }),
      );
      const updated = await door.call(P, 'PUT', `${programs}/${created.body.id}`, {
        token: tokens.vendor,
        form: renamed,
      });
      expect(updated.body.name).toBe('E2E Updated Program');
      const huge = await upload(
        door,
        programs,
        form(
          { name: 'program', value: { name: 'Too big', applicableTo: 'Licensee' } },
          {
            name: 'icon',
            bytes: new Uint8Array(10 * 1024 * 1024 + 1),
            filename: 'big.png',
            type: 'image/png',
          },
        ),
      );
      expect(huge.status).toBe(413);
      expect(huge.body.code).toBe('PayloadTooLarge');
    },
  },
  {
    name: 'content lifecycle: Draft -> Published <-> Unpublished; clients see Published items only; a wrong move is refused',
    async run(door) {
      const created = await door.call(P, 'POST', `${program}/terms`, {
        token: tokens.vendor,
        body: {
          name: 'Data processing addendum',
          description: 'How partner data is handled.',
          displayOrder: 20,
        },
      });
      expect(created.body).toMatchObject({ id: 'PTC-9643-3741-0002', status: 'Draft' });
      const path = `${program}/terms/${created.body.id}`;
      expect((await door.call(P, 'GET', path, { token: tokens.client })).status).toBe(404);
      await refused(
        door,
        { method: 'POST', path: `${path}/unpublish`, token: tokens.vendor },
        { status: 400, code: 'SubResourceTransitionNotAllowed' },
        path,
      );
      const published = await door.call(P, 'POST', `${path}/publish`, { token: tokens.vendor });
      expect(published.body).toMatchObject({
        status: 'Published',
        audit: { published: { by: { id: ids.vendorUser } } },
      });
      expect((await door.call(P, 'GET', path, { token: tokens.client })).status).toBe(200);
      // Published terms show in the program's certificates, not yet accepted.
      const cert = await certificate(door, ids.active, tokens.client);
      expect(cert.terms.map((t: { id: string; accepted: unknown }) => [t.id, t.accepted])).toEqual([
        [ids.terms, null],
        [created.body.id, null],
      ]);
      const unpublished = await door.call(P, 'POST', `${path}/unpublish`, { token: tokens.vendor });
      expect(unpublished.body.status).toBe('Unpublished');
      expect((await certificate(door, ids.active, tokens.client)).terms).toHaveLength(1);
    },
  },
  {
    name: 'variants: ids under their terms (PTV-<terms digits>-NNNN); deleting the terms takes its variants along',
    async run(door) {
      const variants = `${program}/terms/${ids.terms}/variants`;
      const created = await upload(
        door,
        variants,
        form(
          {
            name: 'variant',
            value: { name: 'Agreement (PDF)', type: 'File', languageCode: 'en-us', assetUrl: '' },
          },
          { name: 'file', bytes: binary, filename: 'agreement.pdf', type: 'application/pdf' },
        ),
      );
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        id: 'PTV-9643-3741-0001-0002',
        programTermsAndConditions: { id: ids.terms },
        filename: 'agreement.pdf',
      });
      const deleted = await door.call(P, 'DELETE', `${program}/terms/${ids.terms}`, {
        token: tokens.vendor,
      });
      expect(deleted.status).toBe(204);
      expect((await door.call(P, 'GET', `${program}/terms/${ids.terms}`)).status).toBe(404);
      expect((await door.call(P, 'GET', `${variants}/${ids.variant}`)).status).toBe(404);
      expect((await door.call(P, 'GET', `${variants}/${created.body.id}`)).status).toBe(404);
      const state = door.kit.control.state() as {
        program: { variants: unknown[]; files: { owner: string }[] };
      };
      expect(state.program.variants).toEqual([]);
      expect(state.program.files.map((f) => f.owner)).not.toContain(created.body.id);
    },
  },
  {
    name: 'media: an image is served from /image; a Video may give a url; deleting removes the file',
    async run(door) {
      const seeded = await door.call(P, 'GET', `${program}/media/${ids.media}/image`, {
        token: tokens.client,
      });
      expect(seeded.status).toBe(200);
      expect(seeded.contentType).toBe('image/png');
      expect(Array.from(seeded.bytes.slice(1, 4))).toEqual([0x50, 0x4e, 0x47]); // "PNG"
      const video = await upload(
        door,
        `${program}/media`,
        form({
          name: 'media',
          value: {
            name: 'Intro',
            description: 'Video',
            displayOrder: 1,
            type: 'Video',
            mediatype: 'Video',
            url: 'https://video.example.com/intro',
          },
        }),
      );
      expect(video.body).toMatchObject({ type: 'Video', url: 'https://video.example.com/intro' });
      const deleted = await door.call(P, 'DELETE', `${program}/media/${ids.media}`, {
        token: tokens.vendor,
      });
      expect(deleted.status).toBe(204);
      expect((await door.call(P, 'GET', `${program}/media/${ids.media}/image`)).status).toBe(404);
    },
  },
  {
    name: 'attachments: the client attaches a file to its enrollment and reads it back; the vendor of its program may too; a deleted draft takes its attachments along',
    async run(door) {
      const seeded = await door.call(
        P,
        'GET',
        `${enrollments}/${ids.completedEnrollment}/attachments/${ids.attachment}`,
        {
          token: tokens.vendor,
          headers: { accept: 'application/pdf' },
        },
      );
      expect(seeded.status).toBe(200);
      expect(seeded.headers.get('content-disposition')).toBe('attachment; filename="empty.pdf"');
      expect(seeded.text.startsWith('%PDF-1.4')).toBe(true);
      const draft = await door.call(P, 'POST', enrollments, {
        token: tokens.client,
        body: { program: { id: ids.aiProgram }, licensee: { id: ids.licensee } },
      });
      const attachments = `${enrollments}/${draft.body.id}/attachments`;
      const attached = await upload(
        door,
        attachments,
        form(
          { name: 'attachment', value: { name: 'Partner certificate', description: 'Scan' } },
          { name: 'file', bytes: binary, filename: 'scan.bin', type: 'application/octet-stream' },
        ),
        tokens.client,
      );
      expect(attached.status).toBe(201);
      expect(attached.body.id).toBe(`ENA-${draft.body.id.slice(4)}-0001`);
      const listed = await door.call(P, 'GET', attachments, { token: tokens.client });
      expect(listed.body.data.map((a: { id: string }) => a.id)).toEqual([attached.body.id]);
      const renamed = await door.call(P, 'PUT', `${attachments}/${attached.body.id}`, {
        token: tokens.client,
        body: { name: 'Partner certificate (signed)', description: 'Signed scan' },
      });
      expect(renamed.body.name).toBe('Partner certificate (signed)');
      expect(
        (await door.call(P, 'DELETE', `${enrollments}/${draft.body.id}`, { token: tokens.client }))
          .status,
      ).toBe(204);
      expect((await door.call(P, 'GET', `${attachments}/${attached.body.id}`)).status).toBe(404);
      const state = door.kit.control.state() as { program: { attachments: { id: string }[] } };
      expect(state.program.attachments.map((a) => a.id)).toEqual([ids.attachment]);
    },
  },
];
