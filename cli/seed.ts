/**
 * `eligibility-mock seed check <fixture.json>`: whether a fixture loads, with every problem.
 * `eligibility-mock seed from-har <file.har> --out <fixture.json>`: a fixture from a recording.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fixtureFromHar } from '../contracts/from-har.js';
import { HarError, readHarFile } from '../contracts/har.js';
import type { Role } from '../contracts/types.js';
import { checkFixture } from '../src/core/fixture.js';
import { SeedError, type Seed } from '../src/core/world.js';
import { createKit } from '../src/kit.js';
import { parse, readJsonFile } from './args.js';
import { CliError } from './errors.js';
import { didYouMean } from './suggest.js';

export const seedUsage = `Usage: eligibility-mock seed check <fixture.json>
  Checks a fixture against the spec's schemas and the kit's rules (tokens present, references
  resolve, ids unique, statuses legal) and lists every problem. Exit 0 when it loads.
  Save the running mock's world as a fixture: curl http://127.0.0.1:4010/__control/state
Usage: eligibility-mock seed from-har <file.har> --out <fixture.json> [options]
  A fixture of the objects a recording's answers carry (newest answer per id wins), with the
  objects they refer to but no answer carried stubbed; written only when it passes seed check.
  --token role=value   a token of the fixture (repeatable; roles operations, vendor, client,
                       partner, reader; default: the kit's seed tokens). Never the recorded ones.
  --now <date-time>    the fixture's clock (default: when the last exchange was recorded)`;

const roles: readonly Role[] = ['operations', 'vendor', 'client', 'partner', 'reader'];

/** Every problem that keeps a fixture from loading (empty: it loads). */
function loadProblems(given: unknown): string[] {
  const { fixture, problems } = checkFixture(given);
  if (problems.length === 0) {
    // The rules the loaders hold beyond the table (a token's account type, a qualification's).
    try {
      createKit({ seed: fixture as Seed });
    } catch (error) {
      if (!(error instanceof SeedError)) throw error;
      problems.push(error.message);
    }
  }
  return problems;
}

async function fromHar(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      out: { type: 'string' },
      token: { type: 'string', multiple: true },
      now: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    seedUsage,
    true,
  );
  if (values.help) {
    console.log(seedUsage);
    return 0;
  }
  const [file, ...rest] = positionals;
  if (file === undefined || rest.length > 0 || !values.out)
    throw new CliError(
      'Give one recording and --out: eligibility-mock seed from-har <file.har> --out <fixture.json>',
      2,
      seedUsage,
    );
  const tokens: Partial<Record<Role, string>> = {};
  for (const given of values.token ?? []) {
    const [role, value] = given.split(/=(.*)/s) as [string, string | undefined];
    if (!roles.includes(role as Role) || !value)
      throw new CliError(
        `--token must be role=value with a role of ${roles.join(', ')}, got "${given}".${didYouMean(role, roles)}`,
      );
    tokens[role as Role] = value;
  }
  if (values.now !== undefined && Number.isNaN(Date.parse(values.now)))
    throw new CliError(
      `--now must be a date-time such as 2026-11-21T09:00:00Z, got "${values.now}".`,
    );
  const recorded = await readHarFile(file).catch((error: unknown) => {
    throw error instanceof HarError ? new CliError(error.message) : error;
  });
  const made = fixtureFromHar(recorded, {
    tokens,
    ...(values.now ? { now: new Date(values.now).toISOString() } : {}),
  });
  const problems = loadProblems(made.fixture);
  if (problems.length > 0) {
    console.error(
      `The fixture from ${file} would not load (${problems.length} problem${problems.length === 1 ? '' : 's'}); nothing written:`,
    );
    for (const problem of problems) console.error(`  ${problem}`);
    return 1;
  }
  await mkdir(dirname(values.out), { recursive: true });
  await writeFile(values.out, `${JSON.stringify(made.fixture, null, 2)}\n`);
  const taken = Object.entries(made.taken).map(([name, n]) => `${n} ${name}`);
  console.log(
    `${values.out}: a valid fixture from ${recorded.length} exchanges: ${taken.join(', ') || 'no objects'}`,
  );
  if (made.stubs.length > 0)
    console.log(`  stubbed (referred to, never fetched): ${made.stubs.join(', ')}`);
  for (const note of made.notes) console.log(`  note: ${note}`);
  return 0;
}

export async function seedCommand(argv: readonly string[]): Promise<number> {
  if (argv[0] === 'from-har') return fromHar(argv.slice(1));
  const { values, positionals } = parse(
    argv,
    { help: { type: 'boolean', default: false } },
    seedUsage,
    true,
  );
  if (values.help) {
    console.log(seedUsage);
    return 0;
  }
  const [action, path, ...rest] = positionals;
  if (action !== undefined && action !== 'check')
    throw new CliError(
      `Unknown command "seed ${action}".${didYouMean(action, ['check', 'from-har'], (known) => `seed ${known}`)}`,
      2,
      seedUsage,
    );
  if (path === undefined || rest.length > 0)
    throw new CliError(
      'Give one fixture: eligibility-mock seed check <fixture.json>',
      2,
      seedUsage,
    );
  const problems = loadProblems(readJsonFile(path));
  if (problems.length > 0) {
    console.error(`${path}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    for (const problem of problems) console.error(`  ${problem}`);
    return 1;
  }
  console.log(`${path}: a valid fixture`);
  return 0;
}
