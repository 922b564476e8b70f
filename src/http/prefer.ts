/**
 * `Prefer: code=<status>`, as Prism reads it: the operation answers the response it declares
 * for that status (its own key or its range, `4XX`), with the spec's example for it. A status
 * the operation does not declare is refused (400) rather than silently ignored. 429 and 503 are
 * the kit's injected faults (src/core/faults.ts) and are answered there.
 */
import { firstExample, isRecord, resolve, type OperationInfo } from '../schema/index.js';
import { formatOf } from './media.js';
import type { KitResponse } from './types.js';

/** The status asked for with `Prefer: code=...`, if any (a malformed value counts as asked). */
export function preferredCode(prefer: string | undefined): string | undefined {
  if (!prefer) return undefined;
  for (const part of prefer.split(/[,;]/)) {
    const [key, value] = part.split('=');
    if (key?.trim().toLowerCase() === 'code') return (value ?? '').trim().replace(/^"|"$/g, '');
  }
  return undefined;
}

export type PreferredAnswer =
  | { kind: 'declared'; response: Omit<KitResponse, 'headers'> & { mediaType?: string } }
  | { kind: 'undeclared'; detail: string };

/** The example response an operation declares for a status, or why there is none. */
export function preferredAnswer(info: OperationInfo, code: string): PreferredAnswer {
  const responses = info.operation.responses;
  const declared = Object.keys(responses).filter((key) => key !== 'default');
  const status = Number(code);
  const key = [code, `${code[0]}XX`].find((candidate) => candidate in responses);
  if (!/^[1-5]\d\d$/.test(code) || key === undefined || status < 200)
    return {
      kind: 'undeclared',
      detail: `Prefer: code=${code} cannot be answered: ${info.operationId} declares ${declared.join(', ')} (and 429, 503 as injected faults).`,
    };
  const response = resolve<Record<string, unknown>>(info.api, responses[key]);
  const content = isRecord(response.content) ? response.content : {};
  const [mediaType, media] = Object.entries(content)[0] ?? [];
  if (mediaType === undefined || !isRecord(media))
    return { kind: 'declared', response: { status } };
  const example = firstExample(info.api, media);
  return {
    kind: 'declared',
    response: {
      status,
      mediaType,
      body:
        typeof example === 'string' && formatOf(mediaType) !== 'json'
          ? example
          : JSON.stringify(example ?? null),
    },
  };
}
