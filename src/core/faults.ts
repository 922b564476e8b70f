/**
 * Faults on demand, for testing how a client copes with a bad day: an operation answers 429
 * (with Retry-After) or 503, or answers late, for the next N requests or a fraction of them.
 * Set through the control API (`/__control/faults`) or per request with a Prism-style
 * `Prefer: code=429` / `Prefer: latency=300` header. Off by default.
 */
import { operations, type ApiName } from '../schema/index.js';

const apiNames: readonly ApiName[] = ['program-api', 'partner-center'];
import { createRandom } from './random.js';

const FAULT_SEED = 0x9e3779b9;

export interface FaultRule {
  id: number;
  /** Limit the rule to one API and/or one operation (default: every request). */
  api?: ApiName;
  operationId?: string;
  /** Answer this error instead of the real response. */
  status?: 429 | 503;
  /** Seconds to send in Retry-After (default 1). */
  retryAfter?: number;
  /** Delay the answer by this many milliseconds (with or without an error). */
  latencyMs?: number;
  /** How many more matching requests the rule applies to (default: no limit). */
  remaining?: number;
  /** Share of matching requests it applies to, 0 to 1 (default 1). */
  fraction?: number;
}

export type FaultInput = Omit<FaultRule, 'id'> & { count?: number };

export interface Fault {
  status?: 429 | 503;
  retryAfter: number;
  latencyMs: number;
}

export const MAX_LATENCY_MS = 30_000;

export class FaultError extends Error {}

/** Checks a rule sent to the control API; throws FaultError with the reason. */
export function validateFault(input: unknown): FaultInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new FaultError('Send a JSON object.');
  const rule = input as Record<string, unknown>;
  const known = ['api', 'operationId', 'status', 'retryAfter', 'latencyMs', 'count', 'fraction'];
  const unknown = Object.keys(rule).filter((key) => !known.includes(key));
  if (unknown.length > 0)
    throw new FaultError(`Unknown fields: ${unknown.join(', ')} (allowed: ${known.join(', ')}).`);
  if (rule.api !== undefined && rule.api !== 'program-api' && rule.api !== 'partner-center')
    throw new FaultError('"api" must be "program-api" or "partner-center".');
  if (rule.operationId !== undefined) {
    const apis = rule.api === undefined ? apiNames : [rule.api as ApiName];
    const known = apis.flatMap((api) => operations(api).map((op) => op.operationId));
    if (typeof rule.operationId !== 'string' || !known.includes(rule.operationId))
      throw new FaultError(
        `"operationId" must be an operation of ${apis.join(' or ')}, got ${JSON.stringify(rule.operationId)} (known: ${known.join(', ')}).`,
      );
  }
  if (rule.status !== undefined && rule.status !== 429 && rule.status !== 503)
    throw new FaultError('"status" must be 429 or 503.');
  const number = (key: string, min: number, max: number, integer: boolean) => {
    const value = rule[key];
    if (value === undefined) return;
    if (
      typeof value !== 'number' ||
      !Number.isFinite(value) ||
      value < min ||
      value > max ||
      (integer && !Number.isInteger(value))
    ) {
      throw new FaultError(
        `"${key}" must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}.`,
      );
    }
  };
  number('retryAfter', 0, 86_400, true);
  number('latencyMs', 0, MAX_LATENCY_MS, true);
  number('count', 1, 1_000_000, true);
  number('fraction', 0, 1, false);
  if (rule.status === undefined && rule.latencyMs === undefined)
    throw new FaultError('Give "status" (429 or 503), "latencyMs", or both.');
  return rule as FaultInput;
}

export class FaultTable {
  private rules: FaultRule[] = [];
  private nextId = 1;
  // A seeded generator: the same requests hit the same share of faults in every run.
  private random = createRandom(FAULT_SEED);

  add(input: FaultInput): FaultRule {
    const { count, ...rest } = input;
    const rule: FaultRule = {
      id: this.nextId++,
      ...rest,
      ...(count !== undefined ? { remaining: count } : {}),
    };
    this.rules.push(rule);
    return rule;
  }

  isEmpty(): boolean {
    return this.rules.length === 0;
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  clear(): void {
    this.rules = [];
    this.random = createRandom(FAULT_SEED);
  }

  private chance(): number {
    return this.random.next();
  }

  /** The fault for one request: from the rules, then from its own `Prefer` header. */
  match(
    api: ApiName,
    operationId: string | undefined,
    prefer: string | undefined,
  ): Fault | undefined {
    let fault: Fault | undefined;
    for (const rule of this.rules) {
      if (rule.api && rule.api !== api) continue;
      if (rule.operationId && rule.operationId !== operationId) continue;
      if (rule.remaining !== undefined && rule.remaining <= 0) continue;
      if (rule.fraction !== undefined && this.chance() >= rule.fraction) continue;
      if (rule.remaining !== undefined) rule.remaining--;
      fault = {
        ...(rule.status ? { status: rule.status } : {}),
        retryAfter: rule.retryAfter ?? 1,
        latencyMs: rule.latencyMs ?? 0,
      };
      break;
    }
    this.rules = this.rules.filter((rule) => rule.remaining === undefined || rule.remaining > 0);
    const asked = preferFault(prefer);
    if (!asked) return fault;
    return {
      ...((asked.status ?? fault?.status) ? { status: (asked.status ?? fault?.status)! } : {}),
      retryAfter: asked.retryAfter ?? fault?.retryAfter ?? 1,
      latencyMs: asked.latencyMs ?? fault?.latencyMs ?? 0,
    };
  }
}

/** `Prefer: code=429, latency=300, retry-after=5` (other preferences are ignored). */
export function preferFault(prefer: string | undefined): Partial<Fault> | undefined {
  if (!prefer) return undefined;
  const found: Partial<Fault> = {};
  for (const part of prefer.split(/[,;]/)) {
    const [rawKey, rawValue] = part.split('=');
    const key = rawKey?.trim().toLowerCase();
    const value = Number(rawValue?.trim().replace(/^"|"$/g, ''));
    if (!Number.isInteger(value) || value < 0) continue;
    if (key === 'code' && (value === 429 || value === 503)) found.status = value;
    if (key === 'latency') found.latencyMs = Math.min(value, MAX_LATENCY_MS);
    if (key === 'retry-after') found.retryAfter = Math.min(value, 86_400);
  }
  return Object.keys(found).length > 0 ? found : undefined;
}
