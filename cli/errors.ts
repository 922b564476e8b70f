import { didYouMean } from './suggest.js';

/**
 * A mistake on the command line or in what it points at: printed as one line that says what to
 * do (no stack), and the process exits with `exitCode` (2: the run could not happen).
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
    /** Printed after the message (the command's usage for an unknown option). */
    readonly usage?: string,
  ) {
    super(message);
  }
}

/**
 * parseArgs' own errors (unknown option, missing value) as one line plus the usage; an unknown
 * option is named with the closest of `options` (their long names, without the dashes).
 */
export function parseError(
  error: unknown,
  usage: string,
  options: readonly string[] = [],
): CliError {
  const message = error instanceof Error ? error.message : String(error);
  let line = message.split('\n')[0]!.replace(/\. To specify.*$/, '.');
  const unknown = /^Unknown option '(-{1,2})([^']*)'/.exec(line);
  if (unknown) {
    const [, dashes, name] = unknown;
    line = `Unknown option '${dashes}${name}'.${didYouMean(name!, options, (known) => `--${known}`)}`;
  }
  return new CliError(line, 2, usage);
}
