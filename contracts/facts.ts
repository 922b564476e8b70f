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
export function difference(target: unknown, kit: unknown, other = 'the kit'): string {
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
          `${id}: the target has ${targetById.get(id) ?? 'nothing'}, ${other} ${kitById.get(id) ?? 'nothing'}`,
        );
    if (lines.length > 0) return `in the list, ${lines.join('; ')}`;
  }
  return `the target answered ${JSON.stringify(target)}, ${other} ${JSON.stringify(kit)}`;
}

/** One answer, reduced to what is compared. */
export interface Seen {
  status: number;
  facts: unknown;
  text: string;
}

/**
 * How the target's answer differs from the other one (the kit's, the recording's) on status and
 * on the fields the rules decide; undefined when they agree.
 */
export function divergence(target: Seen, seen: Seen, other = 'the kit'): string | undefined {
  if (target.status !== seen.status)
    return `the target answered ${target.status}, ${other} ${seen.status}`;
  if (JSON.stringify(target.facts) !== JSON.stringify(seen.facts))
    return difference(target.facts, seen.facts, other);
  return undefined;
}

/** A request as a curl line, with the answers it got to compare. */
export interface CurlStep {
  /** The line's number (default: its place in the list, from 1). */
  number?: number;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** `[label, answer]`: `target` and `kit` for the explorer, `target` and `recorded` for replay. */
  answers: readonly (readonly [string, Seen])[];
}

/** Numbered curl lines, each followed by its answers' statuses and facts. */
export function curlLines(steps: readonly CurlStep[]): string[] {
  return steps.flatMap((step, index) => {
    const headers = Object.entries(step.headers).map(
      ([name, value]) => `-H ${quote(`${name}: ${value}`)}`,
    );
    const body = step.body === undefined ? [] : [`-d ${quote(step.body)}`];
    const width = Math.max(...step.answers.map(([label]) => label.length)) + 1;
    return [
      `${step.number ?? index + 1}. curl -s -X ${step.method} ${quote(step.url)} ${[...headers, ...body].join(' ')}`,
      ...step.answers.map(
        ([label, seen]) =>
          `   ${`${label}:`.padEnd(width)} ${seen.status} ${shorten(JSON.stringify(seen.facts) ?? '')}`,
      ),
    ];
  });
}

export const shorten = (text: string) => (text.length > 300 ? `${text.slice(0, 297)}...` : text);
/** A shell word in single quotes. */
export const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;
