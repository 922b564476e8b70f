import type { Check } from '../types.js';
import { partnerCenterChecks } from './partner-center.js';
import { programContentChecks, programDraftChecks } from './program-drafts.js';
import { programChecks } from './program.js';
import { schemaChecks } from './schema.js';

/** Every check, schema checks first, by API. */
export const allChecks: readonly Check[] = [
  ...schemaChecks('program-api'),
  ...programChecks,
  ...programDraftChecks,
  ...programContentChecks,
  ...schemaChecks('partner-center'),
  ...partnerCenterChecks,
];
