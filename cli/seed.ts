/** `eligibility-mock seed check <fixture.json>`: whether a fixture loads, with every problem. */
import { readFileSync } from 'node:fs';
import { checkFixture } from '../src/core/fixture.js';
import { SeedError, type Seed } from '../src/core/world.js';
import { createKit } from '../src/kit.js';
import { parse, readJsonFile } from './args.js';
import { CliError } from './errors.js';
import { didYouMean } from './suggest.js';

export const seedUsage = `Usage: eligibility-mock seed check <fixture.json>
  Checks a fixture against the spec's schemas and the kit's rules (tokens present, references
  resolve, ids unique, statuses legal) and lists every problem. Exit 0 when it loads.
  Save the running mock's world as a fixture: curl http://127.0.0.1:4010/__control/state`;

export function seedCommand(argv: readonly string[]): number {
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
      `Unknown command "seed ${action}".${didYouMean(action, ['check'], (known) => `seed ${known}`)}`,
      2,
      seedUsage,
    );
  if (path === undefined || rest.length > 0)
    throw new CliError(
      'Give one fixture: eligibility-mock seed check <fixture.json>',
      2,
      seedUsage,
    );
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(`Cannot read ${path}: ${(error as Error).message}`);
  }
  const { fixture, problems } = checkFixture(readJsonFile(text, path));
  if (problems.length === 0) {
    // The rules the loaders hold beyond the table (a token's account type, a qualification's).
    try {
      createKit({ seed: fixture as Seed });
    } catch (error) {
      if (!(error instanceof SeedError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) {
    console.error(`${path}: ${problems.length} problem${problems.length === 1 ? '' : 's'}`);
    for (const problem of problems) console.error(`  ${problem}`);
    return 1;
  }
  console.log(`${path}: a valid fixture`);
  return 0;
}
