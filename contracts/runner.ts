/**
 * Runs the contract checks against a target: every check is a named function returning its
 * problems; all are collected (none stops the run). Every exchange is also validated against
 * the spec and counted for coverage.
 */
import { controlAuthorization, controlFetch } from './target.js';
import { declaredKey, operations, type ApiName } from '../src/schema/index.js';
import { allChecks } from './checks/index.js';
import { SkipCheck } from './skip.js';
import { checkExchange, operationOf } from './validate.js';
import type {
  Answer,
  CallOptions,
  Check,
  CheckContext,
  CheckResult,
  CoverageRow,
  Need,
  Report,
  RuleCoverageRow,
  Target,
} from './types.js';

export interface RunOptions {
  target: Target;
  apis: readonly ApiName[];
  /** Run only checks whose name starts with one of these. */
  only?: readonly string[];
  /** Leave out checks whose name starts with one of these. */
  skip?: readonly string[];
  checks?: readonly Check[];
  /** Per-request time limit. */
  timeoutMs?: number;
}

function unmet(need: Need, target: Target, api: ApiName): string | undefined {
  switch (need) {
    case 'writes':
      return target.writes
        ? undefined
        : 'read-only run: the check changes data (pass --allow-writes)';
    case 'state':
      return target.stateless ? 'the target keeps no state' : undefined;
    case 'control':
      return target.controlUrl ? undefined : 'the target has no control API (/__control)';
    case 'operations':
    case 'vendor':
    case 'client':
    case 'partner':
    case 'reader':
      return target.tokens[need] ? undefined : `no ${need} token for ${api}`;
    default:
      return need satisfies never;
  }
}

function skipReason(check: Check, target: Target): string | undefined {
  const base = check.api === 'program-api' ? target.programUrl : target.partnerCenterUrl;
  if (!base) return `no base URL for ${check.api}`;
  if (check.kind === 'behaviour' && target.stateless) {
    return 'the target keeps no state (a stateless mock such as Prism): behavioural checks need one';
  }
  if (check.breaksSpec && target.validatingProxy) {
    return 'the validating proxy answers requests that break the spec itself';
  }
  if (check.notBehindValidatingProxy && target.validatingProxy)
    return check.notBehindValidatingProxy;
  for (const need of check.needs) {
    const reason = unmet(need, target, check.api);
    if (reason) return reason;
  }
  return undefined;
}

/** Every operation of the APIs with the statuses a run saw (`exercised`: "api operationId"). */
export const coverageRows = (
  apis: readonly ApiName[],
  exercised: ReadonlyMap<string, ReadonlySet<string>>,
): CoverageRow[] =>
  apis.flatMap((api) =>
    operations(api).map((op) => ({
      api,
      operationId: op.operationId,
      declared: Object.keys(op.operation.responses),
      exercised: [...(exercised.get(`${api} ${op.operationId}`) ?? [])].sort(),
    })),
  );

/** The kit's rule coverage table (`GET /__control/coverage`); undefined where there is none. */
/** A problem a call found that ends the check, reported under its own name. */
class Finding extends Error {}

/** Bodies above this are "oversized uploads" (the kit's API limit is 1 MB). */
const OVERSIZED = 1024 * 1024;

const sizeOf = (body: string | FormData | undefined) =>
  typeof body === 'string'
    ? Buffer.byteLength(body)
    : body instanceof FormData
      ? [...body.values()].reduce(
          (n, value) => n + (typeof value === 'string' ? Buffer.byteLength(value) : value.size),
          0,
        )
      : 0;

/**
 * A connection the server closed while an oversized body was still being sent: the client never
 * sees the 413 it may have written. That is the server's doing (it must read the body, or enough
 * of it, before answering and closing), so it is a finding of its own, not a check that could
 * not finish.
 */
function resetAfterOversizedUpload(
  method: string,
  path: string,
  body: string | FormData | undefined,
  error: unknown,
): Finding | undefined {
  const bytes = sizeOf(body);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reset =
    error instanceof TypeError &&
    /ECONNRESET|EPIPE|UND_ERR_SOCKET|other side closed|socket hang up/i.test(
      `${cause?.code ?? ''} ${cause?.message ?? ''} ${error.message}`,
    );
  if (bytes <= OVERSIZED || !reset) return undefined;
  return new Finding(
    `${method} ${path}: connection reset after an oversized upload (${bytes} bytes): the server closed the connection while the body was still being sent, so no answer arrived (${cause?.code ?? cause?.message ?? 'reset'}). Read and discard the body (up to a bound) before answering 413 and closing.`,
  );
}

export async function ruleCoverage(
  target: Target,
  timeoutMs = 15_000,
): Promise<RuleCoverageRow[] | undefined> {
  if (!target.controlUrl) return undefined;
  try {
    const response = await fetch(`${target.controlUrl.replace(/\/$/, '')}/coverage`, {
      headers: controlAuthorization(),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { coverage?: unknown };
    return Array.isArray(body.coverage) ? (body.coverage as RuleCoverageRow[]) : undefined;
  } catch {
    return undefined;
  }
}

/** What fired between two readings of the table, for the APIs of the run. */
export function ruleCoverageDelta(
  before: readonly RuleCoverageRow[] | undefined,
  after: readonly RuleCoverageRow[] | undefined,
  apis: readonly ApiName[],
): RuleCoverageRow[] | undefined {
  if (!before || !after) return undefined;
  const start = new Map(before.map((row) => [row.id, row.count]));
  return after
    .filter((row) => apis.includes(row.api))
    .map((row) => ({ ...row, count: row.count - (start.get(row.id) ?? 0) }));
}

const selected = (name: string, prefixes: readonly string[] | undefined) =>
  prefixes?.some((prefix) => name === prefix || name.startsWith(prefix)) ?? false;

export async function runContracts(options: RunOptions): Promise<Report> {
  const started = Date.now();
  const { target } = options;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const exercised = new Map<string, Set<string>>();
  const checks = (options.checks ?? allChecks).filter(
    (check) =>
      options.apis.includes(check.api) &&
      (!options.only || selected(check.name, options.only)) &&
      !selected(check.name, options.skip),
  );

  async function answer(response: Response): Promise<Answer> {
    const bytes = new Uint8Array(await response.arrayBuffer());
    const text = new TextDecoder().decode(bytes);
    const contentType = response.headers.get('content-type');
    let body: unknown = text;
    if (contentType?.includes('json') && text !== '') {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status: response.status, headers: response.headers, contentType, body, text, bytes };
  }

  function contextFor(problems: string[]): CheckContext {
    return {
      target,
      async call(api, method, path, callOptions: CallOptions = {}) {
        const base = api === 'program-api' ? target.programUrl : target.partnerCenterUrl;
        if (!base) throw new SkipCheck(`no base URL for ${api}`);
        const headers: Record<string, string> = {
          accept: 'application/json, text/plain, */*',
          ...callOptions.headers,
        };
        const as = callOptions.as === undefined ? undefined : callOptions.as;
        if (as && typeof as === 'object') headers.authorization = as.raw;
        else if (as !== null) {
          const token = as ? target.tokens[as] : undefined;
          if (as && !token) throw new SkipCheck(`no ${as} token`);
          if (token) headers.authorization = `Bearer ${token}`;
        }
        let body: string | FormData | undefined = callOptions.form;
        if (callOptions.body !== undefined) {
          body =
            typeof callOptions.body === 'string'
              ? callOptions.body
              : JSON.stringify(callOptions.body);
          headers['content-type'] ??= 'application/json';
        }
        let sent: Response;
        try {
          sent = await fetch(`${base.replace(/\/$/, '')}${path}`, {
            method,
            headers,
            body,
            signal: AbortSignal.timeout(timeoutMs),
          });
        } catch (error) {
          throw resetAfterOversizedUpload(method, path, body, error) ?? error;
        }
        const response = await answer(sent);
        const [pathOnly] = path.split('?');
        const operation = operationOf(api, method, pathOnly!);
        if (operation) {
          const key =
            declaredKey(operation.operation.responses, response.status) ?? String(response.status);
          const id = `${api} ${operation.operationId}`;
          if (!exercised.has(id)) exercised.set(id, new Set());
          exercised.get(id)!.add(key);
        }
        for (const problem of checkExchange({
          api,
          method,
          path: pathOnly!,
          status: response.status,
          contentType: response.contentType,
          body: response.body,
          headers: response.headers,
        })) {
          problems.push(`${method} ${path}: ${problem}`);
        }
        return response;
      },
      async control(method, path, body) {
        if (!target.controlUrl) throw new SkipCheck('the target has no control API');
        return answer(await controlFetch(target.controlUrl, method, path, body, timeoutMs));
      },
    };
  }

  const rulesBefore = await ruleCoverage(target, timeoutMs);
  const results: CheckResult[] = [];
  for (const check of checks) {
    const checkStarted = Date.now();
    const base = {
      name: check.name,
      api: check.api,
      kind: check.kind,
      description: check.description,
    };
    const reason = skipReason(check, target);
    if (reason) {
      results.push({
        ...base,
        outcome: 'skipped',
        problems: [],
        skipReason: reason,
        durationMs: 0,
      });
      continue;
    }
    const problems: string[] = [];
    const ctx = contextFor(problems);
    let skipped: string | undefined;
    try {
      // On a target with a control API, every check that writes starts from the seed.
      if (target.controlUrl && target.writes) await ctx.control('POST', '/reset');
      problems.push(...(await check.run(ctx)));
    } catch (error) {
      if (error instanceof SkipCheck) skipped = error.message;
      else if (error instanceof Finding) problems.push(error.message);
      else
        problems.push(
          `the check could not finish: ${error instanceof Error ? error.message : String(error)}`,
        );
    }
    const durationMs = Date.now() - checkStarted;
    if (skipped && problems.length === 0) {
      results.push({ ...base, outcome: 'skipped', problems: [], skipReason: skipped, durationMs });
    } else {
      results.push({
        ...base,
        outcome: problems.length === 0 ? 'passed' : 'failed',
        problems,
        durationMs,
      });
    }
  }
  if (target.controlUrl && target.writes)
    await contextFor([])
      .control('POST', '/reset')
      .catch(() => undefined);

  const coverage = coverageRows(options.apis, exercised);
  const count = (outcome: CheckResult['outcome']) =>
    results.filter((r) => r.outcome === outcome).length;
  const rules = ruleCoverageDelta(rulesBefore, await ruleCoverage(target, timeoutMs), options.apis);
  return {
    target: {
      ...(target.programUrl ? { programUrl: target.programUrl } : {}),
      ...(target.partnerCenterUrl ? { partnerCenterUrl: target.partnerCenterUrl } : {}),
      ...(target.controlUrl ? { controlUrl: target.controlUrl } : {}),
    },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    results,
    coverage,
    ...(rules ? { rules } : {}),
    summary: { passed: count('passed'), failed: count('failed'), skipped: count('skipped') },
  };
}
