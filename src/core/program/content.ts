/**
 * The sub-resources a program (or an enrollment) carries as content: documents, media, terms
 * and their variants, and enrollment attachments. Files are stored beside them (engine.ts); a
 * `File` document or variant, an image and an attachment need one. Described for the engine;
 * only their own rules are here.
 */
import { given, pick, refuse, save, type Context } from './common.js';
import type { SubResource, UploadedFile } from './engine.js';
import { contentTransitions } from './lifecycle.js';
import type {
  Actor,
  StoredAttachment,
  StoredDocument,
  StoredMedia,
  StoredVariant,
} from './model.js';
import { shortRef } from './parts.js';

const text = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);

/** A member read case-insensitively (the vendor's client sends `mediatype` for `mediaType`). */
const member = (input: Record<string, unknown>, name: string) =>
  Object.entries(input).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];

function oneOf<T extends string>(value: unknown, allowed: readonly T[]): T | undefined {
  if (typeof value !== 'string') return undefined;
  return allowed.find((a) => a.toLowerCase() === value.toLowerCase());
}

const fileMembers = (file: UploadedFile | undefined) =>
  file
    ? { filename: file.filename, size: file.size, contentType: file.contentType }
    : { filename: null, size: null, contentType: null };

function needFile(file: UploadedFile | undefined, what: string) {
  if (!file)
    throw refuse('FileRequired', `${what} needs its file: send it as the multipart part "file".`, {
      file: ['is required.'],
    });
}

/** Vendors and operations see every item; a client the Published ones only. */
const publishedForClients = (item: { status: string }, actor: Actor) =>
  item.status !== 'Deleted' && (actor.role !== 'client' || item.status === 'Published');

const contentOperations = (name: string, plural = `${name}s`) => ({
  list: `list${plural}`,
  get: `get${name}`,
  create: `create${name}`,
  update: `update${name}`,
  delete: `delete${name}`,
  publish: `publish${name}`,
  unpublish: `unpublish${name}`,
});

export const documents: SubResource<'documents'> = {
  kind: 'documents',
  label: 'Document',
  prefix: 'PDM',
  parent: 'program',
  segment: 'documents',
  parentOf: (item) => item.program.id,
  operations: contentOperations('ProgramDocument'),
  create(_ctx, parent, input, base, file) {
    const type =
      oneOf(input.type ?? member(input, 'documentType'), ['File', 'Online'] as const) ??
      (file ? 'File' : 'Online');
    if (type === 'File') needFile(file, 'A File document');
    if (type === 'Online' && !text(input.url))
      throw refuse('ValidationFailed', 'An Online document needs its url.', {
        url: ['is required for an Online document.'],
      });
    return {
      ...base,
      name: String(input.name),
      type,
      description: text(input.description) ?? '',
      status: 'Draft',
      ...fileMembers(type === 'File' ? file : undefined),
      url: type === 'File' ? base.href : String(input.url),
      language: text(input.language) ?? 'en-us',
      ...pick(input, ['displayOrder']),
      program: shortRef(parent.program),
      audit: {},
    } satisfies StoredDocument;
  },
  update: (_ctx, item, input) => ({
    ...item,
    ...pick(input, ['name', 'description', 'language', 'displayOrder']),
    ...(item.type === 'Online' && text(input.url) ? { url: String(input.url) } : {}),
  }),
  remove(ctx, item) {
    ctx.state.documents.delete(item.id);
  },
  visible: publishedForClients,
};

export const media: SubResource<'media'> = {
  kind: 'media',
  label: 'Media',
  prefix: 'PMD',
  parent: 'program',
  segment: 'media',
  parentOf: (item) => item.program.id,
  operations: contentOperations('ProgramMedia', 'ProgramMedia'),
  create(_ctx, parent, input, base, file) {
    const type =
      oneOf(input.type ?? member(input, 'mediaType'), ['Image', 'Video'] as const) ?? 'Image';
    if (type === 'Image') needFile(file, 'An Image');
    if (type === 'Video' && !text(input.url) && !file)
      throw refuse('ValidationFailed', 'A Video needs its url or a file.', {
        url: ['is required for a Video without a file.'],
      });
    return {
      ...base,
      name: String(input.name),
      type,
      description: text(input.description) ?? '',
      status: 'Draft',
      ...fileMembers(file),
      displayOrder: typeof input.displayOrder === 'number' ? input.displayOrder : 0,
      url: type === 'Video' && text(input.url) ? String(input.url) : `${base.href}/image`,
      program: shortRef(parent.program),
      audit: {},
    } satisfies StoredMedia;
  },
  update: (_ctx, item, input) => ({
    ...item,
    ...pick(input, ['name', 'description', 'displayOrder']),
    ...(item.type === 'Video' && text(input.url) ? { url: String(input.url) } : {}),
  }),
  remove(ctx, item) {
    ctx.state.media.delete(item.id);
  },
  visible: publishedForClients,
};

export const terms: SubResource<'terms'> = {
  kind: 'terms',
  label: 'Terms',
  prefix: 'PTC',
  parent: 'program',
  segment: 'terms',
  parentOf: (item) => item.program.id,
  operations: contentOperations('ProgramTerms', 'ProgramTerms'),
  create: (_ctx, parent, input, base) => ({
    ...base,
    name: String(input.name),
    ...(given(input.description) ? { description: String(input.description) } : {}),
    displayOrder: typeof input.displayOrder === 'number' ? input.displayOrder : 0,
    status: 'Draft',
    program: shortRef(parent.program),
    audit: {},
  }),
  update: (_ctx, item, input) => ({
    ...item,
    ...pick(input, ['name', 'description', 'displayOrder']),
  }),
  remove(ctx, item) {
    // Kept as Deleted (the vendor's status); its variants go with it.
    save(ctx, ctx.state.terms, { ...item, status: contentTransitions.Draft.delete });
    for (const [id, variant] of ctx.state.variants)
      if (variant.programTermsAndConditions.id === item.id) {
        ctx.state.variants.delete(id);
        ctx.state.files.delete(id);
      }
  },
  visible: publishedForClients,
};

export const variants: SubResource<'variants'> = {
  kind: 'variants',
  label: 'Terms variant',
  prefix: 'PTV',
  parent: 'terms',
  segment: 'variants',
  parentOf: (item) => item.programTermsAndConditions.id,
  operations: contentOperations('ProgramTermsVariant'),
  create(ctx, parent, input, base, file) {
    const type = oneOf(input.type, ['File', 'Online'] as const) ?? (file ? 'File' : 'Online');
    if (type === 'File') needFile(file, 'A File variant');
    if (type === 'Online' && !text(input.assetUrl))
      throw refuse('ValidationFailed', 'An Online variant needs its assetUrl.', {
        assetUrl: ['is required for an Online variant.'],
      });
    const termsOf = ctx.state.terms.get(parent.id)!;
    return {
      ...base,
      type,
      assetUrl: type === 'File' ? base.href : String(input.assetUrl),
      ...(given(input.languageCode) ? { languageCode: String(input.languageCode) } : {}),
      name: String(input.name),
      description: text(input.description) ?? '',
      status: 'Draft',
      ...fileMembers(type === 'File' ? file : undefined),
      programTermsAndConditions: { id: termsOf.id, name: termsOf.name },
      program: shortRef(parent.program),
      audit: {},
    } satisfies StoredVariant;
  },
  update: (_ctx, item, input) => ({ ...item, ...pick(input, ['name', 'description']) }),
  remove(ctx, item) {
    save(ctx, ctx.state.variants, { ...item, status: 'Deleted' });
  },
  visible: publishedForClients,
};

export const attachments: SubResource<'attachments'> = {
  kind: 'attachments',
  label: 'Attachment',
  prefix: 'ENA',
  parent: 'enrollment',
  segment: 'attachments',
  parentOf: (item) => item.enrollment.id,
  operations: {
    list: 'listEnrollmentAttachments',
    get: 'getEnrollmentAttachment',
    create: 'createEnrollmentAttachment',
    update: 'updateEnrollmentAttachment',
    delete: 'deleteEnrollmentAttachment',
  },
  create(_ctx, parent, input, base, file) {
    needFile(file, 'An attachment');
    return {
      ...base,
      name: String(input.name),
      description: text(input.description) ?? '',
      type: 'File',
      ...fileMembers(file),
      enrollment: { id: parent.id, href: `/v1/program/enrollments/${parent.id}` },
      audit: {},
    } satisfies StoredAttachment;
  },
  update: (_ctx, item, input) => ({ ...item, ...pick(input, ['name', 'description']) }),
  remove(ctx, item) {
    ctx.state.attachments.delete(item.id);
  },
  visible: () => true,
};

/** The terms a client accepts with an enrollment: those Published now (by display order). */
export function publishedTerms(ctx: Pick<Context, 'state'>, programId: string) {
  return [...ctx.state.terms.values()]
    .filter((t) => t.program.id === programId && t.status === 'Published')
    .sort((a, b) => a.displayOrder - b.displayOrder || (a.id < b.id ? -1 : 1));
}
