/**
 * `contracts --replay <file.har>`: a recording's requests sent again to a target, in the
 * recording's order, each answer compared with the recorded one as the explorer compares the
 * kit's (status, then the fields the rules decide: facts.ts). Ids the target makes anew are
 * mapped: an id first seen in the recorded answer of a write stands, from then on, for the id
 * the target answered there, in paths, queries, bodies and the recorded answers compared
 * (decision 0055). Read-only unless writes are allowed: a recorded write is skipped and
 * reported, and so is every later exchange that names an object it touched.
 */
import { credentialLabel } from '../mocks/record/entry.js';
import { declaredKey, type ApiName } from '../src/schema/index.js';
import { curlLines, divergence, facts, parse, type Seen } from './facts.js';
import type { Recorded } from './har.js';
import { coverageRows } from './runner.js';
import type { CheckResult, Report, Role, Target } from './types.js';

export interface ReplayOptions {
  recorded: readonly Recorded[];
  /** The recording's name, for the report. */
  file: string;
  target: Target;
  apis: readonly ApiName[];
  /** Send the recorded writes (POST, PUT, PATCH, DELETE) too; default: skipped and reported. */
  allowWrites?: boolean;
  /** The role whose token each API's requests carry (default: operations, partner). */
  as?: Partial<Record<ApiName, Role>>;
  /** Per-request time limit (default 15 s). */
  timeoutMs?: number;
}

export interface ReplayedExchange {
  /** The entry's number in the recording (1-based), as the curl line numbers it. */
  index: number;
  api: ApiName;
  method: string;
  path: string;
  operationId?: string;
  outcome: CheckResult['outcome'];
  /** Why it was not sent. */
  skipReason?: string;
  /** How the target's answer differs from the recorded one. */
  problem?: string;
  /** The request as a curl line with both answers (a divergence only). */
  curl: string[];
  durationMs: number;
}

export interface ReplayReport {
  file: string;
  exchanges: ReplayedExchange[];
  /** Recorded id -> the target's, for the objects the replayed writes made. */
  ids: Record<string, string>;
  /** Operations and statuses the target answered (for the coverage table). */
  exercised: Map<string, Set<string>>;
  durationMs: number;
}

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** The members that hold an object's id in either API. */
const ID_KEYS = new Set(['id', 'validationId']);
const defaultRole: Record<ApiName, Role> = {
  'program-api': 'operations',
  'partner-center': 'partner',
};

/** Headers the replay writes itself (or fetch does), or that only held a credential. */
const notResent = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'accept-encoding',
  'te',
  'upgrade',
]);

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A pattern matching any of `words` as a whole id (not inside a longer one). */
const wordsPattern = (words: Iterable<string>) => {
  const sorted = [...words].sort((a, b) => b.length - a.length).map(escape);
  return sorted.length === 0
    ? undefined
    : new RegExp(`(?<![\\w-])(${sorted.join('|')})(?![\\w-])`, 'g');
};

/** Every string an id member holds, anywhere in a body. */
function idsIn(value: unknown, into: Set<string>) {
  if (Array.isArray(value)) for (const item of value) idsIn(item, into);
  else if (typeof value === 'object' && value !== null)
    for (const [key, member] of Object.entries(value)) {
      if (ID_KEYS.has(key) && typeof member === 'string') into.add(member);
      else idsIn(member, into);
    }
  return into;
}

/** The ids at the same places of the recorded answer and the target's: `[recorded, target]`. */
function pairedIds(recorded: unknown, answered: unknown, into: [string, string][] = []) {
  if (Array.isArray(recorded) && Array.isArray(answered))
    recorded.forEach((item, i) => pairedIds(item, answered[i], into));
  else if (
    typeof recorded === 'object' &&
    recorded !== null &&
    typeof answered === 'object' &&
    answered !== null &&
    !Array.isArray(answered)
  )
    for (const [key, member] of Object.entries(recorded)) {
      const theirs = (answered as Record<string, unknown>)[key];
      if (ID_KEYS.has(key) && typeof member === 'string' && typeof theirs === 'string')
        into.push([member, theirs]);
      else pairedIds(member, theirs, into);
    }
  return into;
}

/** The path parameters of a recorded request (the objects it names), by its operation's template. */
function pathIds(exchange: Recorded): string[] {
  const template = exchange.operation?.path.split('/') ?? [];
  const values = exchange.path.split('/');
  return template.flatMap((part, i) =>
    /^\{.+\}$/.test(part) && values[i] ? [decodeURIComponent(values[i])] : [],
  );
}

/**
 * A list holding an object the replay made, its items in id order: the target's new ids sort
 * otherwise than the recording's, so `order=id` cannot give the same order. Other lists keep it.
 */
function unordered(value: unknown, made: ReadonlySet<string>): unknown {
  const items = (value as { data?: unknown } | undefined)?.data;
  const idOf = (item: unknown) => String((item as { id?: unknown } | undefined)?.id);
  if (!Array.isArray(items) || !items.some((item) => made.has(idOf(item)))) return value;
  return {
    ...(value as object),
    data: [...items].sort((a, b) => (idOf(a) < idOf(b) ? -1 : idOf(a) > idOf(b) ? 1 : 0)),
  };
}

const isBinary = (exchange: Recorded) =>
  (exchange.entry.request.postData as { encoding?: string } | undefined)?.encoding === 'base64';

export async function replay(options: ReplayOptions): Promise<ReplayReport> {
  const started = Date.now();
  const { target } = options;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const ids = new Map<string, string>();
  let mapping: RegExp | undefined;
  const mapped = (text: string) => (mapping ? text.replace(mapping, (id) => ids.get(id)!) : text);
  /** Ids the recording showed so far: only one it had not shown can be a write's new object. */
  const seen = new Set<string>();
  /** Objects a skipped write touched (its path's, the ones its answer made) -> its number. */
  const touched = new Map<string, number>();
  const exercised = new Map<string, Set<string>>();
  const exchanges: ReplayedExchange[] = [];
  const rolesByLabel = new Map(
    (Object.entries(target.tokens) as [Role, string][]).map(([role, token]) => [
      credentialLabel(token),
      role,
    ]),
  );

  for (const exchange of options.recorded) {
    const { api, method, index } = exchange;
    const base = api === 'program-api' ? target.programUrl : target.partnerCenterUrl;
    const requestBytes = exchange.request.bytes;
    const requestText =
      isBinary(exchange) || !requestBytes ? undefined : Buffer.from(requestBytes).toString('utf8');
    const answerText = Buffer.from(exchange.response.bytes).toString('utf8');
    const write = WRITES.has(method);
    // What the request names is not new, whatever its answer says.
    for (const id of pathIds(exchange)) seen.add(id);
    idsIn(exchange.request.json, seen);
    const remember = () => idsIn(exchange.response.json, seen);
    const row = {
      index,
      api,
      method,
      path: exchange.path,
      ...(exchange.operation ? { operationId: exchange.operation.operationId } : {}),
      curl: [],
    };
    const skip = (reason: string) => {
      exchanges.push({ ...row, outcome: 'skipped', skipReason: reason, durationMs: 0 });
      // What a write not sent touched or made may differ on the target from here on.
      // Any id its answer shows first may be an object it made (an enrollment's certificate),
      // so a reference the recording had not shown yet counts too: skipping more, never failing
      // for what was not sent.
      if (write) {
        const shown = [...idsIn(exchange.response.json, new Set())].filter((id) => !seen.has(id));
        for (const id of [...pathIds(exchange), ...shown])
          if (!touched.has(id)) touched.set(id, index);
      }
      remember();
    };

    // The role whose token the recorded request carried, when the target holds that token.
    const role =
      (exchange.credential && rolesByLabel.get(exchange.credential)) ||
      options.as?.[api] ||
      defaultRole[api];
    const dependsOn = wordsPattern(touched.keys());
    const dependency = dependsOn
      ? [exchange.path, exchange.query, requestText ?? '', answerText]
          .join('\n')
          .match(dependsOn)?.[0]
      : undefined;
    if (!options.apis.includes(api) || !base) {
      skip(`no base URL for ${api}`);
      continue;
    }
    if (dependency !== undefined) {
      skip(`names ${dependency}, which the skipped write #${touched.get(dependency)} touched`);
      continue;
    }
    if (write && !options.allowWrites) {
      skip('a recorded write: read-only replay (pass --allow-writes to send it)');
      continue;
    }
    const recordedAuthorization = exchange.request.headers.get('authorization');
    const token = target.tokens[role];
    if (recordedAuthorization && exchange.response.status !== 401 && !token) {
      skip(`no ${role} token for ${api}`);
      continue;
    }

    const headers: Record<string, string> = {};
    exchange.request.headers.forEach((value, name) => {
      if (!notResent.has(name) && !value.includes('REDACTED')) headers[name] = value;
    });
    // A request recorded as refused for its credential is sent with the recorded (redacted)
    // one, to be refused again; the others carry the target's token for the role.
    if (recordedAuthorization)
      headers.authorization =
        exchange.response.status === 401 ? recordedAuthorization : `Bearer ${token}`;
    const url = `${base.replace(/\/$/, '')}${mapped(exchange.path)}${mapped(exchange.query)}`;
    const body = requestText === undefined ? exchange.request.bytes : mapped(requestText);
    const sentAt = Date.now();
    let status: number;
    let text: string;
    let json: unknown;
    try {
      const response = await fetch(url, {
        method,
        headers,
        ...(body === undefined || body.length === 0
          ? {}
          : { body: typeof body === 'string' ? body : new Uint8Array(body) }),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
      status = response.status;
      json = parse(text, response.headers.get('content-type'));
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      exchanges.push({
        ...row,
        outcome: 'failed',
        problem: `#${index} ${method} ${exchange.path}: the target did not answer (${cause})`,
        durationMs: Date.now() - sentAt,
      });
      remember();
      continue;
    }

    // A write's new objects: the ids its recorded answer shows first, as the target numbered them.
    if (write && status < 300 && exchange.response.status < 300) {
      let added = false;
      for (const [ours, theirs] of pairedIds(exchange.response.json, json))
        if (!seen.has(ours) && !ids.has(ours) && ours !== theirs) {
          ids.set(ours, theirs);
          added = true;
        }
      if (added) mapping = wordsPattern(ids.keys());
    }
    remember();

    if (exchange.operation) {
      const key = `${api} ${exchange.operation.operationId}`;
      if (!exercised.has(key)) exercised.set(key, new Set());
      exercised
        .get(key)!
        .add(declaredKey(exchange.operation.operation.responses, status) ?? String(status));
    }
    const recordedText = mapped(answerText);
    const made = new Set(ids.values());
    const answered: Seen = { status, facts: unordered(facts(json), made), text };
    const recorded: Seen = {
      status: exchange.response.status,
      facts: unordered(facts(parse(recordedText, exchange.response.contentType)), made),
      text: recordedText,
    };
    const differs = divergence(answered, recorded, 'the recording');
    const durationMs = Date.now() - sentAt;
    if (!differs) {
      exchanges.push({ ...row, outcome: 'passed', durationMs });
      continue;
    }
    const label = exchange.operation ? ` (${exchange.operation.operationId})` : '';
    exchanges.push({
      ...row,
      outcome: 'failed',
      problem: `#${index} ${method} ${mapped(exchange.path)}${label}: ${differs}`,
      curl: curlLines([
        {
          number: index,
          method,
          url,
          headers,
          ...(typeof body === 'string' && body !== ''
            ? { body }
            : body && body.length > 0
              ? { body: `<${body.length} bytes: entry ${index} of ${options.file}>` }
              : {}),
          answers: [
            ['target', answered],
            ['recorded', recorded],
          ],
        },
      ]),
      durationMs,
    });
  }
  return {
    file: options.file,
    exchanges,
    ids: Object.fromEntries(ids),
    exercised,
    durationMs: Date.now() - started,
  };
}

/** A replay in the words of the console report. */
export function replaySummary(report: ReplayReport): string {
  const count = (outcome: CheckResult['outcome']) =>
    report.exchanges.filter((e) => e.outcome === outcome).length;
  const mapped = Object.keys(report.ids).length;
  return `Replayed ${report.file}: ${count('passed') + count('failed')} of ${report.exchanges.length} exchanges sent, ${count('failed')} diverged, ${count('skipped')} skipped${mapped > 0 ? `; ${mapped} id${mapped === 1 ? '' : 's'} mapped to the target's` : ''}.`;
}

/**
 * Replays and reports it as a contract run, one result per recorded exchange (`replay.#3
 * getCertificate`), so the console, JUnit and JSON reporters show it with the coverage table.
 */
export async function replayContracts(options: ReplayOptions): Promise<Report> {
  const startedAt = new Date().toISOString();
  const run = await replay(options);
  const results: CheckResult[] = run.exchanges.map((exchange) => ({
    name: `replay.#${exchange.index} ${exchange.operationId ?? `${exchange.method} ${exchange.path}`}`,
    api: exchange.api,
    kind: 'behaviour',
    description: `Entry ${exchange.index} of ${run.file} sent again, its answer compared with the recorded one`,
    outcome: exchange.outcome,
    problems: exchange.problem ? [exchange.problem, ...exchange.curl] : [],
    ...(exchange.skipReason ? { skipReason: exchange.skipReason } : {}),
    durationMs: exchange.durationMs,
  }));
  const count = (outcome: CheckResult['outcome']) =>
    results.filter((r) => r.outcome === outcome).length;
  const { target } = options;
  return {
    target: {
      ...(target.programUrl ? { programUrl: target.programUrl } : {}),
      ...(target.partnerCenterUrl ? { partnerCenterUrl: target.partnerCenterUrl } : {}),
      ...(target.controlUrl ? { controlUrl: target.controlUrl } : {}),
    },
    startedAt,
    durationMs: run.durationMs,
    results,
    coverage: coverageRows(options.apis, run.exercised),
    replay: {
      file: run.file,
      exchanges: run.exchanges.length,
      skipped: count('skipped'),
      ids: run.ids,
      summary: replaySummary(run),
    },
    summary: { passed: count('passed'), failed: count('failed'), skipped: count('skipped') },
  };
}
