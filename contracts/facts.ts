/**
 * The fields the rules decide, as the explorer and the replay compare answers on them: statuses,
 * ids, types, expiration dates, vetting, remaining creates, problem codes.
 */
import { isRecord } from '../src/schema/index.js';

const FACT_KEYS = [
  'id',
  'type',
  'status',
  'expirationDate',
  'code',
  'qualification',
  'vettingStatus',
  'vettingReason',
  'validationId',
  'remainingCreates',
] as const;

/** The fields the rules decide, from a body of either API (lists and arrays included). */
export function facts(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(facts);
  if (!isRecord(value)) return undefined;
  if (Array.isArray(value.data)) {
    const meta = isRecord(value.$meta) && isRecord(value.$meta.pagination) ? value.$meta : {};
    return {
      total: isRecord(meta.pagination) ? meta.pagination.total : undefined,
      data: facts(value.data),
    };
  }
  const out: Record<string, unknown> = {};
  for (const key of FACT_KEYS) if (key in value) out[key] = value[key];
  if (isRecord(value.certificate)) out.certificate = value.certificate.id;
  return out;
}

export const parse = (text: string, contentType: string | null | undefined) => {
  if (!contentType?.includes('json') || text === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/** What differs between two answers' facts; for lists, only the items that differ. */
export function difference(target: unknown, kit: unknown): string {
  const items = (value: unknown) =>
    isRecord(value) && Array.isArray(value.data) ? (value.data as unknown[]) : undefined;
  const [ours, theirs] = [items(kit), items(target)];
  if (ours && theirs) {
    const key = (item: unknown) => (isRecord(item) ? String(item.id) : JSON.stringify(item));
    const kitById = new Map(ours.map((item) => [key(item), JSON.stringify(item)]));
    const targetById = new Map(theirs.map((item) => [key(item), JSON.stringify(item)]));
    const lines: string[] = [];
    for (const id of new Set([...targetById.keys(), ...kitById.keys()]))
      if (targetById.get(id) !== kitById.get(id))
        lines.push(
          `${id}: the target has ${targetById.get(id) ?? 'nothing'}, the kit ${kitById.get(id) ?? 'nothing'}`,
        );
    if (lines.length > 0) return `in the list, ${lines.join('; ')}`;
  }
  return `the target answered ${JSON.stringify(target)}, the kit ${JSON.stringify(kit)}`;
}

export const shorten = (text: string) => (text.length > 300 ? `${text.slice(0, 297)}...` : text);
/** A shell word in single quotes. */
export const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
