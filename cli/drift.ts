/**
 * `eligibility-mock drift <file.har>`: what a recording's answers carry that the kit's spec
 * does not say. Exit 0 when nothing drifted, 1 when something did, 2 when the file cannot be read.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { drift, driftRules, type DriftRule } from '../contracts/drift.js';
import { HarError, readHarFile } from '../contracts/har.js';
import {
  driftConsoleReport,
  driftJsonReport,
  driftJunitReport,
} from '../contracts/reporters/drift.js';
import { parse } from './args.js';
import { CliError } from './errors.js';
import { didYouMean, wrapList } from './suggest.js';

export const driftUsage = `Usage: eligibility-mock drift <file.har> [options]
  Matches every recorded answer to its operation in the kit's spec and lists, per operation
  and schema, what the spec does not say. Exit 1 when anything drifted.
  --ignore <rule>[:<what>]   accept a known difference (repeatable); <what> is an operation,
                             a schema, a field (Certificate.statusNotes) or a value
  --reporter console|junit|json   (default console)   --out <file>   write the report there
  Rules: ${Object.keys(driftRules).join(', ')}`;

export async function driftCommand(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      ignore: { type: 'string', multiple: true },
      reporter: { type: 'string', default: 'console' },
      out: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    driftUsage,
    true,
  );
  if (values.help) {
    console.log(driftUsage);
    return 0;
  }
  const [file, ...rest] = positionals;
  if (file === undefined || rest.length > 0)
    throw new CliError('Give one recording: eligibility-mock drift <file.har>', 2, driftUsage);
  const reporter = values.reporter;
  if (!['console', 'junit', 'json'].includes(reporter))
    throw new CliError(`--reporter must be console, junit or json, got "${reporter}".`);
  const rules = Object.keys(driftRules);
  for (const ignore of values.ignore ?? []) {
    const rule = ignore.split(':')[0]!;
    if (!rules.includes(rule as DriftRule))
      throw new CliError(
        `--ignore ${ignore}: there is no rule ${rule}.${didYouMean(rule, rules)}`,
        2,
        `The rules are:\n${wrapList(rules)}`,
      );
  }
  const recorded = await readHarFile(file).catch((error: unknown) => {
    throw error instanceof HarError ? new CliError(error.message) : error;
  });
  const report = drift(recorded, file, values.ignore ?? []);
  const text =
    reporter === 'junit'
      ? driftJunitReport(report)
      : reporter === 'json'
        ? driftJsonReport(report)
        : driftConsoleReport(report);
  if (values.out) {
    const out = values.out;
    await mkdir(dirname(out), { recursive: true });
    await writeFile(out, text);
    console.log(
      `Drift: ${report.findings.length} finding${report.findings.length === 1 ? '' : 's'}; report written to ${out}`,
    );
  } else console.log(text);
  return report.findings.length === 0 ? 0 : 1;
}
