/** Argument parsing shared by the commands: node:util's parseArgs with one-line mistakes. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, parseError } from './errors.js';
import { parseShared } from '../src/core/shared-json.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Parsed<T extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T; allowPositionals: boolean; strict: true }>
>;

export function parse<T extends Options>(
  argv: readonly string[],
  options: T,
  usage: string,
  allowPositionals = false,
): Parsed<T> {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (error) {
    throw parseError(error, usage, Object.keys(options));
  }
}

/** A port given on the command line or in PORT: an integer from 0 to 65535. */
export function portOf(value: string, where: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65535)
    throw new CliError(`${where} must be a port number from 0 to 65535, got "${value}".`);
  return port;
}

/** A fixture file's JSON; repeated objects read once and shared (a big fixture's memory). */
export function readJsonFile(text: string, path: string): unknown {
  try {
    return parseShared(text);
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}
