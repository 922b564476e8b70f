/**
 * The kit as an oracle: model-based exploration with fast-check. Random sequences of commands
 * drawn from the lifecycle tables and rules (explore-commands.ts) go to the target and to an
 * in-process kit seeded with the same state; each answer of the target is validated against
 * the spec, and both answers are compared on status and on the fields the rules decide
 * (statuses, ids, types, expiration dates, vetting, remaining creates, problem codes). On the
 * first divergence fast-check shrinks the sequence; the shortest one is reported as numbered
 * curl lines with both answers and the rules that fired differently.
 */
import fc from 'fast-check';
import type { CoverageEntry } from '../src/core/coverage.js';
import type { Seed } from '../src/core/world.js';
import { createKit, type KitOptions } from '../src/kit.js';
import { declaredKey, type ApiName } from '../src/schema/index.js';
import { commandsFor, type CommandDef, type Scene } from './explore-commands.js';
import { controlAuthorization, controlFetch } from './target.js';
import { coverageRows, ruleCoverage, ruleCoverageDelta } from './runner.js';
import type { ExploreFigures, Report, Request, Target } from './types.js';
import { checkExchange, operationOf } from './validate.js';
import { curlLines, divergence, facts, parse, type Seen } from './facts.js';

export type { Seen } from './facts.js';

export interface ExploreOptions {
  target: Target;
  apis: readonly ApiName[];
  /** Commands to send while exploring (shrinking a divergence sends more, within the time). */
  commands: number;
  /** fast-check's seed: the same seed against the same target replays the same run. */
  seed?: number;
  /** The whole exploration, shrinking included, stops after this long (default 25 s). */
  timeLimitMs?: number;
  /** Per-request time limit (default 10 s). */
  timeoutMs?: number;
  /** Commands per sequence (default 40, at most `commands`). */
  maxCommands?: number;
  /** How the in-process kit is made, for tests; default: seeded from the target's state. */
  oracle?: KitOptions;
}

export interface ExploreStep {
  command: string;
  request: Request;
  url: string;
  target: Seen;
  kit: Seen;
  /** Rules and transitions the kit applied answering it. */
  fired: string[];
}

export interface Divergence {
  message: string;
  /** Rules and transitions that fired a different number of times in the target and the kit. */
  rules: string[];
  steps: ExploreStep[];
  /** The shrunk sequence as numbered curl lines, each with both answers. */
  curl: string[];
}

export interface ExploreReport extends ExploreFigures {
  passed: boolean;
  readOnly: boolean;
  /** Operations and statuses the target answered (for the coverage table). */
  exercised: Map<string, Set<string>>;
  failure?: Divergence;
}

/**
 * Where every sequence starts the clock: the target's own instant, or, within the last hour of
 * its day, 00:30 the next day, so that a target whose clock ticks never crosses midnight during
 * a run (dates such as a year from today would then differ by one).
 */
export function startInstant(now: string): string {
  const instant = new Date(now);
  if (instant.getUTCHours() < 23) return instant.toISOString();
  const next = new Date(instant.getTime() + 86_400_000).toISOString().slice(0, 10);
  return `${next}T00:30:00.000Z`;
}

interface Env extends Scene {
  target: Target;
  timeoutMs: number;
  steps: ExploreStep[];
  kitStart: Map<string, number>;
  targetStart?: Map<string, number>;
}

const countsOf = (rows: readonly Pick<CoverageEntry, 'id' | 'count'>[]) =>
  new Map(rows.map((row) => [row.id as string, row.count]));

export async function explore(options: ExploreOptions): Promise<ExploreReport> {
  const started = Date.now();
  const { target, apis } = options;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const seed = options.seed ?? (Date.now() ^ (Math.random() * 0x7fffffff)) >>> 0;
  const budget = Math.max(1, options.commands);
  const maxCommands = Math.min(options.maxCommands ?? 40, budget);
  const controlUrl = target.controlUrl?.replace(/\/$/, '');
  const notes: string[] = [];
  // Writes are compared against a model of the target's state: that needs the target's reset.
  const writes = target.writes && controlUrl !== undefined;
  if (target.writes && !controlUrl)
    notes.push('the target has no control API to reset it: only read-only commands were sent');
  else if (!target.writes) notes.push('read-only run: commands that change data were left out');
  if (!controlUrl) notes.push('no control API: the clock and vetting commands were left out');
  const exercised = new Map<string, Set<string>>();
  let requests = 0;
  let explored = 0;
  let runs = 0;
  let shrinking = false;
  let failure: Divergence | undefined;

  async function control(method: string, path: string, body?: unknown) {
    requests++;
    const response = await controlFetch(controlUrl!, method, path, body, timeoutMs);
    const text = await response.text();
    if (!response.ok)
      throw new Error(`${method} /__control${path} answered ${response.status}: ${text}`);
    return JSON.parse(text) as unknown;
  }
  const targetCoverage = async () =>
    controlUrl
      ? countsOf(((await control('GET', '/coverage')) as { coverage: CoverageEntry[] }).coverage)
      : undefined;

  // The kit starts from the target's own state after a reset (ids, dates, clock and all).
  let state: Seed | undefined;
  if (writes) await control('POST', '/reset');
  if (controlUrl) state = (await control('GET', '/state')) as Seed;
  const now = startInstant(state?.now ?? new Date().toISOString());
  const kit = createKit(options.oracle ?? (state ? { seed: state, now } : { now }));

  const base = (api: Request['api']) =>
    (api === 'program-api'
      ? target.programUrl
      : api === 'partner-center'
        ? target.partnerCenterUrl
        : controlUrl
    )?.replace(/\/$/, '');

  function headersOf(request: Request): Record<string, string> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.api === 'control') Object.assign(headers, controlAuthorization());
    else if (request.as && target.tokens[request.as])
      headers.authorization = `Bearer ${target.tokens[request.as]}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    for (const [name, value] of Object.entries(request.headers ?? {}))
      headers[name.toLowerCase()] = value;
    return headers;
  }

  async function sendTarget(request: Request, url: string) {
    requests++;
    const response = await fetch(url, {
      method: request.method,
      headers: headersOf(request),
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text };
  }

  function sendKit(request: Request) {
    const kitRequest = {
      method: request.method,
      path: request.path,
      rawQuery: request.query ?? '',
      headers: headersOf(request),
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    };
    const response =
      request.api === 'control'
        ? kit.handleControl(kitRequest, request.path)
        : kit.handle(request.api, kitRequest);
    const contentType = Object.entries(response.headers).find(
      ([name]) => name.toLowerCase() === 'content-type',
    )?.[1];
    return { status: response.status, contentType, text: response.body ?? '' };
  }

  async function exchange(env: Env, command: string, request: Request) {
    const url = `${base(request.api)}${request.path}${request.query ? `?${request.query}` : ''}`;
    const before = countsOf(kit.control.coverage());
    const kitAnswer = sendKit(request);
    const fired = kit.control
      .coverage()
      .filter((row) => row.count > (before.get(row.id) ?? 0))
      .map((row) => row.id as string);
    const targetAnswer = await sendTarget(request, url);
    const contentType = targetAnswer.headers.get('content-type');
    const targetBody = parse(targetAnswer.text, contentType);
    const step: ExploreStep = {
      command,
      request,
      url,
      target: { status: targetAnswer.status, facts: facts(targetBody), text: targetAnswer.text },
      kit: {
        status: kitAnswer.status,
        facts: facts(parse(kitAnswer.text, kitAnswer.contentType)),
        text: kitAnswer.text,
      },
      fired,
    };
    env.steps.push(step);
    if (request.api === 'partner-center' && request.method !== 'GET') env.lastWrite = request;
    const problems: string[] = [];
    if (request.api !== 'control') {
      const operation = operationOf(request.api, request.method, request.path);
      if (operation) {
        const id = `${request.api} ${operation.operationId}`;
        const key =
          declaredKey(operation.operation.responses, targetAnswer.status) ??
          String(targetAnswer.status);
        if (!exercised.has(id)) exercised.set(id, new Set());
        exercised.get(id)!.add(key);
      }
      problems.push(
        ...checkExchange({
          api: request.api,
          method: request.method,
          path: request.path,
          status: targetAnswer.status,
          contentType,
          body: targetBody,
          headers: targetAnswer.headers,
        }),
      );
    }
    const differs = divergence(step.target, step.kit);
    if (differs) problems.push(differs);
    if (problems.length > 0) {
      await diverged(env, `${request.method} ${request.path}: ${problems.join('; ')}`);
      throw new Error(failure!.message);
    }
  }

  async function diverged(env: Env, message: string) {
    shrinking = true;
    const rules: string[] = [];
    const kitNow = countsOf(kit.control.coverage());
    const targetNow = await targetCoverage().catch(() => undefined);
    if (targetNow && env.targetStart) {
      for (const [id, count] of kitNow) {
        const kitFired = count - (env.kitStart.get(id) ?? 0);
        const targetFired = (targetNow.get(id) ?? 0) - (env.targetStart.get(id) ?? 0);
        if (kitFired !== targetFired) rules.push(`${id} (kit ${kitFired}, target ${targetFired})`);
      }
    } else rules.push(...(env.steps.at(-1)?.fired ?? []));
    failure = { message, rules, steps: [...env.steps], curl: curl(env.steps) };
  }

  const curl = (steps: readonly ExploreStep[]) =>
    curlLines(
      steps.map((step) => ({
        method: step.request.method,
        url: step.url,
        headers: headersOf(step.request),
        ...(step.request.body === undefined ? {} : { body: JSON.stringify(step.request.body) }),
        answers: [
          ['target', step.target],
          ['kit', step.kit],
        ],
      })),
    );

  const allowed = commandsFor(apis).filter(
    (def) => (writes || !def.writes) && (controlUrl !== undefined || !def.control),
  );

  class Command implements fc.AsyncCommand<Env, Env> {
    constructor(
      readonly def: CommandDef,
      readonly args: unknown,
    ) {}
    check(env: Env) {
      if (!shrinking && explored >= budget) return false;
      return this.def.build(env, this.args) !== undefined;
    }
    async run(env: Env) {
      const request = this.def.build(env, this.args)!;
      if (!shrinking) explored++;
      await exchange(env, this.toString(), request);
      for (const then of this.def.then?.(request, apis) ?? [])
        await exchange(env, `(after) ${this.def.name}`, then);
    }
    toString() {
      return `${this.def.name} ${JSON.stringify(this.args)}`;
    }
  }

  async function fresh(): Promise<Env> {
    runs++;
    if (writes) {
      await control('POST', '/reset');
      await control('POST', '/clock', { now });
    }
    kit.control.reset();
    kit.control.setClock({ now });
    return {
      kit,
      target,
      timeoutMs,
      steps: [],
      kitStart: countsOf(kit.control.coverage()),
      targetStart: writes ? await targetCoverage() : undefined,
    };
  }

  const property = fc.asyncProperty(
    fc.commands(
      allowed.flatMap((def) =>
        Array.from({ length: def.weight ?? 1 }, () =>
          def.args.map((args) => new Command(def, args)),
        ),
      ),
      { maxCommands, size: 'max' },
    ),
    async (commands) => {
      // The budget is spent: the remaining runs pass at once (no reset, nothing sent).
      if (!shrinking && explored >= budget) return;
      const env = await fresh();
      await fc.asyncModelRun(() => ({ model: env, real: env }), commands);
    },
  );
  const details = await fc.check(property, {
    seed,
    // Enough runs to spend the budget even when many drawn commands find nothing to act on;
    // the runs after it pass at once.
    numRuns: Math.ceil(budget / maxCommands) * 8,
    interruptAfterTimeLimit: options.timeLimitMs ?? 25_000,
    markInterruptAsFailure: false,
    // The target may be slow: fast-check's own timeout per run is the time limit's job.
  });
  // A failure that is not a divergence (the target went away) is reported as it is.
  if (details.failed && !failure)
    failure = {
      message: `the exploration could not go on: ${String(details.errorInstance)}`,
      rules: [],
      steps: [],
      curl: [],
    };
  if (writes) await control('POST', '/reset').catch(() => undefined);
  return {
    passed: !details.failed,
    seed,
    commands: explored,
    budget,
    runs,
    requests,
    shrinks: details.numShrinks,
    durationMs: Date.now() - started,
    interrupted: details.interrupted,
    readOnly: !writes,
    notes,
    exercised,
    ...(details.failed && failure ? { failure } : {}),
  };
}

/** A run's outcome in the words of the console report. */
export function exploreSummary(report: ExploreReport): string[] {
  const lines = [
    `Explored with seed ${report.seed}: ${report.commands} of ${report.budget} commands in ${report.runs} sequences, ${report.requests} requests, ${(report.durationMs / 1000).toFixed(1)} s${report.interrupted ? ' (stopped by the time limit)' : ''}.`,
    ...report.notes.map((note) => `  note: ${note}`),
  ];
  if (!report.failure) return lines;
  lines.push(
    `Divergence after shrinking (${report.shrinks} shrinks, ${report.failure.steps.length} steps): ${report.failure.message}`,
  );
  if (report.failure.rules.length > 0)
    lines.push(`Rules and transitions that fired differently: ${report.failure.rules.join(', ')}`);
  lines.push(...report.failure.curl);
  return lines;
}

/**
 * Runs the exploration and reports it as a contract run (one result, `explore.model-based`), so
 * the console, JUnit and JSON reporters show it with the operation and rule coverage.
 */
export async function exploreContracts(options: ExploreOptions): Promise<Report> {
  const startedAt = new Date().toISOString();
  const before = await ruleCoverage(options.target);
  const run = await explore(options);
  const rules = ruleCoverageDelta(before, await ruleCoverage(options.target), options.apis);
  const {
    passed: _passed,
    readOnly: _readOnly,
    exercised: _exercised,
    failure: failed,
    ...figures
  } = run;
  const stepApi = failed?.steps.at(-1)?.request.api;
  return {
    target: {
      ...(options.target.programUrl ? { programUrl: options.target.programUrl } : {}),
      ...(options.target.partnerCenterUrl
        ? { partnerCenterUrl: options.target.partnerCenterUrl }
        : {}),
      ...(options.target.controlUrl ? { controlUrl: options.target.controlUrl } : {}),
    },
    startedAt,
    durationMs: run.durationMs,
    results: [
      {
        name: 'explore.model-based',
        api: stepApi && stepApi !== 'control' ? stepApi : options.apis[0]!,
        kind: 'behaviour',
        description: `Random command sequences from the lifecycle tables and rules (seed ${run.seed}), each answer compared with the kit's and validated against the spec`,
        outcome: run.passed ? 'passed' : 'failed',
        problems: failed
          ? [
              failed.message,
              ...(failed.rules.length > 0
                ? [`rules that fired differently: ${failed.rules.join(', ')}`]
                : []),
              `replay: --explore ${run.budget} --seed ${run.seed}`,
              ...failed.curl,
            ]
          : [],
        durationMs: run.durationMs,
      },
    ],
    coverage: coverageRows(options.apis, run.exercised),
    ...(rules ? { rules } : {}),
    explore: {
      ...figures,
      ...(failed
        ? { divergence: { message: failed.message, rules: failed.rules, curl: failed.curl } }
        : {}),
    },
    summary: { passed: run.passed ? 1 : 0, failed: run.passed ? 0 : 1, skipped: 0 },
  };
}
