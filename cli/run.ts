/** Runs a command to its exit code: a CliError is one line on stderr (plus the usage it carries). */
import { CliError } from './errors.js';

export function run(name: string, command: () => Promise<number | undefined>): void {
  command().then(
    (code) => {
      // undefined: the command keeps running (a server) until it is stopped.
      if (code !== undefined) process.exit(code);
    },
    (error: unknown) => {
      if (error instanceof CliError) {
        console.error(`${name}: ${error.message}`);
        if (error.usage) console.error(`\n${error.usage}`);
        process.exit(error.exitCode);
      }
      console.error(
        `${name}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      process.exit(2);
    },
  );
}
