/** Argument parsing shared by the commands: node:util's parseArgs with one-line mistakes. */
import { closeSync, openSync, readSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError, parseError } from './errors.js';
import { sharedJsonStream } from '../src/core/shared-json.js';

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

/**
 * A fixture file's JSON, read a megabyte at a time (sharedJsonStream): repeated objects are read
 * once and shared, and the file is never held whole, as bytes or as text. `unreadable` starts
 * the message when the file cannot be read.
 */
export function readJsonFile(path: string, unreadable = `Cannot read ${path}`): unknown {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw new CliError(`${unreadable}: ${(error as Error).message}`);
  }
  try {
    const stream = sharedJsonStream();
    const block = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      let read: number;
      try {
        read = readSync(fd, block, 0, block.length, null);
      } catch (error) {
        throw new CliError(`${unreadable}: ${(error as Error).message}`);
      }
      if (read === 0) return stream.end();
      stream.write(block.subarray(0, read));
    }
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`);
  } finally {
    closeSync(fd);
  }
}
