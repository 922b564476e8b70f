/**
 * Every Program API sub-resource, described once (parts.ts, content.ts) and served by one
 * engine (engine.ts). A kind added to the state's `SubResourceStores` does not compile until it
 * is described here.
 */
import { attachments, documents, media, terms, variants } from './content.js';
import { describe } from './engine.js';
import { parameterGroups, parameters, templates } from './parts.js';
import { findEnrollment } from './service.js';

export const subResources = describe(
  {
    templates,
    parameters,
    parameterGroups,
    documents,
    media,
    terms,
    variants,
    attachments,
  },
  { findEnrollment },
);

export {
  createSub,
  deleteSub,
  fileOf,
  findSub,
  itemsOf,
  moveSub,
  parentOf,
  removeAllOf,
  storeFile,
  updateSub,
  type SubResourceKind,
  type UploadedFile,
} from './engine.js';
