/** The `eligibility-mock` command: one entry for the mock, the contract suites, types, fixtures. */
import { contractsCommand } from './contracts.js';
import { driftCommand } from './drift.js';
import { CliError } from './errors.js';
import { recordCommand } from './record.js';
import { seedCommand } from './seed.js';
import { didYouMean } from './suggest.js';
import { startCommand } from './start.js';
import { typesCommand } from './types.js';

export const usage = `Usage: eligibility-mock <command> [options]
  start       run the stateful mock of both APIs (--port, --host, --state-file, --seed)
  contracts   run the contract suites against a target (--target <url>, ...; --replay <file.har>)
  types       write the generated API types into your app (--api, --out)
  seed check  check a fixture file before you seed it
  seed from-har  a fixture from a recording (<file.har> --out <fixture.json> --token role=value)
  record      a proxy that records the real service's answers into a HAR file (--target, --out)
  drift       what a recording's answers carry that the kit's spec does not say (<file.har>)
Run eligibility-mock <command> --help for a command's options.`;

const commands: Record<string, (argv: readonly string[]) => Promise<number | undefined>> = {
  start: startCommand,
  contracts: (argv) => contractsCommand(argv),
  types: typesCommand,
  seed: seedCommand,
  record: recordCommand,
  drift: driftCommand,
};

export async function main(argv: readonly string[]): Promise<number | undefined> {
  const [name, ...rest] = argv;
  if (name === undefined) throw new CliError('Give a command.', 2, usage);
  if (name === '--help' || name === '-h' || name === 'help') {
    console.log(usage);
    return 0;
  }
  const command = commands[name];
  if (!command)
    throw new CliError(
      `Unknown command "${name}".${didYouMean(name, [...Object.keys(commands), 'help'])}`,
      2,
      usage,
    );
  return command(rest);
}
