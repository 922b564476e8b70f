/**
 * `eligibility-mock contracts` (and `npm run contracts` in this repo): the contract suites
 * against a target. Exit 0 only when every selected check passes, 1 when one fails, 2 when
 * the run could not happen (a mistake in the options, an unreachable target).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { allChecks } from '../contracts/checks/index.js';
import { consoleReport, jsonReport, junitReport } from '../contracts/reporters/index.js';
import { HarError, readHarFile } from '../contracts/har.js';
import { replayContracts } from '../contracts/replay.js';
import { runContracts } from '../contracts/runner.js';
import {
  apisOf,
  controlFetch,
  inSession,
  resolveTarget,
  type TargetOptions,
} from '../contracts/target.js';
import type { Fixture, Role, Target } from '../contracts/types.js';
import type { ApiName } from '../src/schema/index.js';
import { parse, readJsonFile } from './args.js';
import { CliError } from './errors.js';
import { didYouMean, wrapList } from './suggest.js';

export const contractsUsage = (command: string) => `Usage: ${command} --target <base URL> [options]
  --api program|partner-center|all   which API (default all: --target is a kit-style root)
  --program-url, --partner-center-url, --control-url   set base URLs one by one
  --token <t>          bearer token (else PROGRAM_API_TOKEN / PARTNER_CENTER_TOKEN;
                       role tokens: PROGRAM_API_OPERATIONS_TOKEN, _VENDOR_TOKEN, _CLIENT_TOKEN,
                       PARTNER_CENTER_READER_TOKEN)
  --read-only          never send a request that changes data
  --allow-writes       allow writes against a target without a control API (a real service)
  --stateless          the target keeps no state (Prism): behavioural checks are skipped
  --validating-proxy   the target is behind \`prism proxy --errors\`: requests that break
                       the spec on purpose are skipped (the proxy answers them itself)
  --reporter console|junit|json   (default console)   --out <file>   write the report there
  --only <name>, --skip <name>    select checks by name prefix (repeatable)
  --fixture <file.json>           ids the behavioural checks start from
  --explore <n>        instead of the checks: n random commands from the lifecycle tables and
                       rules, each answer compared with the kit's own (model-based, shrunk to
                       the shortest failing sequence); writes need the control API
  --seed <n>           the exploration's seed (printed by every run, to replay it)
  --explore-time <s>   stop exploring and shrinking after s seconds (default 25)
  --replay <file.har>  instead of the checks: the recording's requests sent again in order,
                       each answer compared with the recorded one (status, the fields the
                       rules decide), the ids the target makes mapped; recorded writes are
                       skipped and reported unless --allow-writes
  --as <role>          with --replay, the role whose token an API's requests carry
                       (repeatable; default operations for the Program API, partner for
                       Partner Center)
  --session <id>|new   run in one session of a kit (its own world; other jobs on the same
                       mock are not touched); "new" creates one for the run, prints its id
                       and deletes it after`;

const sessionId = /^[A-Za-z0-9._-]{1,64}$/;

/** `--session new`: a session made on the kit for this run; its id. */
async function newSession(controlUrl: string): Promise<string> {
  const response = await controlFetch(controlUrl, 'POST', '/sessions', {}, 10_000);
  const body = (await response.json().catch(() => ({}))) as { id?: string; detail?: string };
  if (response.status !== 201 || typeof body.id !== 'string')
    throw new CliError(
      `The target did not make a session (${response.status}): ${body.detail ?? 'no detail'}`,
    );
  return body.id;
}

const matches = (name: string, prefix: string) => name === prefix || name.startsWith(prefix);

/** An --only or --skip that selects no check is a mistake (a typo would run nothing and pass). */
function checkSelection(apis: readonly ApiName[], option: string, prefixes: readonly string[]) {
  const names = allChecks.filter((check) => apis.includes(check.api)).map((check) => check.name);
  for (const prefix of prefixes) {
    if (!names.some((name) => matches(name, prefix))) {
      // A prefix may be a whole group (`program.`) as well as a name.
      const groups = [...new Set(names.map((name) => name.replace(/\..*$/, '.')))];
      throw new CliError(
        `${option} ${prefix} matches no check.${didYouMean(prefix, [...groups, ...names])}`,
        2,
        `The checks are:\n${wrapList(names)}`,
      );
    }
  }
}

const rolesByApi: Record<ApiName, readonly Role[]> = {
  'program-api': ['operations', 'vendor', 'client'],
  'partner-center': ['partner', 'reader'],
};

/** `--as vendor --as reader`: the role each API's replayed requests carry. */
function rolesOf(given: readonly string[]): Partial<Record<ApiName, Role>> {
  const as: Partial<Record<ApiName, Role>> = {};
  const all = Object.values(rolesByApi).flat();
  for (const role of given) {
    const api = (Object.keys(rolesByApi) as ApiName[]).find((name) =>
      rolesByApi[name].includes(role as Role),
    );
    if (!api)
      throw new CliError(
        `--as must be one of ${all.join(', ')}, got "${role}".${didYouMean(role, all)}`,
      );
    if (as[api]) throw new CliError(`--as ${role}: ${api} already replays as ${as[api]}.`);
    as[api] = role as Role;
  }
  return as;
}

/** Every base URL must answer something (any status) before a check runs. */
async function checkReachable(target: Target) {
  const urls = [target.programUrl, target.partnerCenterUrl].filter(
    (url): url is string => url !== undefined,
  );
  for (const url of new Set(urls)) {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      await response.body?.cancel();
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new CliError(
        `Cannot reach ${url} (${cause}): start the mock (eligibility-mock start) or check --target.`,
      );
    }
  }
}

export async function contractsCommand(
  argv: readonly string[],
  command = 'eligibility-mock contracts',
): Promise<number> {
  const usage = contractsUsage(command);
  const { values } = parse(
    argv,
    {
      target: { type: 'string' },
      api: { type: 'string', default: 'all' },
      'program-url': { type: 'string' },
      'partner-center-url': { type: 'string' },
      'control-url': { type: 'string' },
      token: { type: 'string' },
      'read-only': { type: 'boolean', default: false },
      'allow-writes': { type: 'boolean', default: false },
      stateless: { type: 'boolean', default: false },
      'validating-proxy': { type: 'boolean', default: false },
      reporter: { type: 'string', default: 'console' },
      out: { type: 'string' },
      only: { type: 'string', multiple: true },
      skip: { type: 'string', multiple: true },
      fixture: { type: 'string' },
      explore: { type: 'string' },
      seed: { type: 'string' },
      'explore-time': { type: 'string' },
      replay: { type: 'string' },
      as: { type: 'string', multiple: true },
      session: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    usage,
  );
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const api = values.api as TargetOptions['api'];
  if (!['program', 'partner-center', 'all'].includes(api))
    throw new CliError(`--api must be program, partner-center or all, got "${api}".`);
  if (!values.target && !values['program-url'] && !values['partner-center-url'])
    throw new CliError(
      '--target is required: the base URL to check, e.g. --target http://127.0.0.1:4010',
      2,
      usage,
    );
  const reporter = values.reporter;
  if (!['console', 'junit', 'json'].includes(reporter))
    throw new CliError(`--reporter must be console, junit or json, got "${reporter}".`);
  for (const [option, value] of [
    ['--target', values.target],
    ['--program-url', values['program-url']],
    ['--partner-center-url', values['partner-center-url']],
    ['--control-url', values['control-url']],
  ] as const) {
    if (value !== undefined && !URL.canParse(value))
      throw new CliError(`${option} must be a URL such as http://127.0.0.1:4010, got "${value}".`);
  }
  const apis = apisOf(api);
  const whole = (option: string, value: string | undefined, max: number) => {
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < 1 || n > max)
      throw new CliError(`${option} must be a whole number from 1 to ${max}, got "${value}".`);
    return n;
  };
  const explore = whole('--explore', values.explore, 100_000);
  const seed = values.seed === '0' ? 0 : whole('--seed', values.seed, 0xffffffff);
  const exploreSeconds = whole('--explore-time', values['explore-time'], 3600);
  if (explore === undefined && (seed !== undefined || exploreSeconds !== undefined))
    throw new CliError('--seed and --explore-time go with --explore <n>.');
  const replayFile = values.replay;
  if (replayFile !== undefined && (explore !== undefined || values.only || values.skip))
    throw new CliError(
      '--replay replays a recording: it does not go with --explore, --only or --skip.',
    );
  if (values.as && replayFile === undefined)
    throw new CliError('--as goes with --replay <file.har>.');
  const as = rolesOf(values.as ?? []);
  const session = values.session;
  if (session !== undefined && session !== 'new' && !sessionId.test(session))
    throw new CliError(
      `--session must be "new" or a session id (1 to 64 letters, digits, ".", "_" or "-"), got "${session}".`,
    );
  checkSelection(apis, '--only', values.only ?? []);
  checkSelection(apis, '--skip', values.skip ?? []);
  let fixture: Fixture | undefined;
  if (values.fixture) {
    const path = values.fixture;
    fixture = readJsonFile(path, `Cannot read the fixture ${path}`) as Fixture;
  }
  // Made before the run, so a folder that cannot be created fails now, not after every check.
  if (values.out)
    await mkdir(dirname(values.out), { recursive: true }).catch((error: Error) => {
      throw new CliError(`Cannot create the folder for --out ${values.out}: ${error.message}`);
    });

  const resolved = await resolveTarget({
    api,
    ...(values.target ? { target: values.target } : {}),
    ...(values['program-url'] ? { programUrl: values['program-url'] } : {}),
    ...(values['partner-center-url'] ? { partnerCenterUrl: values['partner-center-url'] } : {}),
    ...(values['control-url'] ? { controlUrl: values['control-url'] } : {}),
    ...(values.token ? { token: values.token } : {}),
    readOnly: values['read-only'],
    allowWrites: values['allow-writes'],
    stateless: values.stateless,
    validatingProxy: values['validating-proxy'],
    ...(fixture ? { fixture } : {}),
    env: process.env,
  });
  const recorded =
    replayFile === undefined
      ? undefined
      : await readHarFile(replayFile).catch((error: unknown) => {
          throw error instanceof HarError ? new CliError(error.message) : error;
        });
  // An empty replay would pass without comparing anything.
  if (recorded?.length === 0)
    throw new CliError(`${replayFile} holds no exchange of the two APIs: nothing to replay.`);
  if (session === undefined) await checkReachable(resolved);
  else if (!resolved.controlUrl) {
    await checkReachable(resolved);
    throw new CliError('--session needs a kit as the target (its control API names the sessions).');
  }
  const made = session === 'new' ? await newSession(resolved.controlUrl!) : undefined;
  // On stderr: the report (maybe JSON) keeps stdout to itself.
  if (made) console.error(`Session: ${made} (made for this run, deleted after it)`);
  const id = made ?? session;
  const target = id === undefined ? resolved : inSession(resolved, id);
  // In a session, even the reachability check stays out of the other sessions.
  if (id !== undefined) await checkReachable(target);
  try {
    return await runAndReport(target, apis, values, {
      explore,
      seed,
      exploreSeconds,
      reporter,
      ...(recorded
        ? {
            replay: {
              recorded,
              file: replayFile!,
              // Writes only when asked for, even on a kit: a replay changes the target for good.
              allowWrites: values['allow-writes'] && !values['read-only'],
              as,
            },
          }
        : {}),
    });
  } finally {
    if (made)
      await controlFetch(resolved.controlUrl!, 'DELETE', `/sessions/${made}`, undefined, 10_000)
        .then((response) => response.body?.cancel())
        .catch(() => undefined);
  }
}

async function runAndReport(
  target: Target,
  apis: ApiName[],
  values: { only?: string[]; skip?: string[]; out?: string },
  run: {
    explore?: number;
    seed?: number;
    exploreSeconds?: number;
    reporter: string;
    replay?: Omit<Parameters<typeof replayContracts>[0], 'target' | 'apis'>;
  },
): Promise<number> {
  const { explore, seed, exploreSeconds, reporter, replay } = run;
  const report = replay
    ? await replayContracts({ ...replay, target, apis })
    : explore === undefined
      ? await runContracts({
          target,
          apis,
          ...(values.only ? { only: values.only } : {}),
          ...(values.skip ? { skip: values.skip } : {}),
        })
      : await // fast-check is loaded only when exploring.
        (
          await import('../contracts/explore.js')
        ).exploreContracts({
          target,
          apis,
          commands: explore,
          ...(seed !== undefined ? { seed } : {}),
          ...(exploreSeconds !== undefined ? { timeLimitMs: exploreSeconds * 1000 } : {}),
        });
  const text =
    reporter === 'junit'
      ? junitReport(report)
      : reporter === 'json'
        ? jsonReport(report)
        : consoleReport(report);
  if (values.out) {
    await writeFile(values.out, text);
    const { passed, failed, skipped } = report.summary;
    console.log(
      `Contracts: ${passed} passed, ${failed} failed, ${skipped} skipped; report written to ${values.out}`,
    );
  } else {
    console.log(text);
  }
  return report.summary.failed === 0 ? 0 : 1;
}
