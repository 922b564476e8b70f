import type { Check } from '../types.js';
import { partnerCenterChecks } from './partner-center.js';
import { programChecks } from './program.js';
import { schemaChecks } from './schema.js';

/** Every check, schema checks first, by API. */
export const allChecks: readonly Check[] = [
  ...schemaChecks('program-api'),
  ...programChecks,
  ...schemaChecks('partner-center'),
  ...partnerCenterChecks,
];
