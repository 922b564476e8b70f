/**
 * `eligibility-mock record`: the recording proxy (mocks/record/proxy.ts) until SIGTERM or
 * SIGINT, then the summary. The HAR file is valid after every exchange, so a recorder that is
 * killed outright still leaves a file `drift` reads.
 */
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { startRecorder, summaryText, type RecordApi } from '../mocks/record/proxy.js';
import { parse, portOf } from './args.js';
import { CliError } from './errors.js';

export const recordUsage = `Usage: eligibility-mock record --target <url> --out <file.har> [options]
  Point your app (or a test run) at the printed URL: each request is forwarded to --target
  unchanged and each exchange is appended to the HAR file as it is answered.
  --target <url>        with --api all, a kit-style root (Program API under /public, Partner
                        Center at the root); with one API, that API's base URL (as contracts)
  --out <file.har>      the HAR 1.2 file to write (replaced)
  --api program|partner-center|all   (default all)
  --port <n>            port to listen on (default 4020; 0 picks a free one)
  --host <address>      address to listen on (default 127.0.0.1)
  --redact-header <h>   another header whose value is never written (repeatable)
  --redact-field <f>    a JSON member whose value is never written, in any body (repeatable)
  Always redacted: Authorization, Proxy-Authorization, Cookie, Set-Cookie, the bearer tokens
  wherever they appear, and the control token (--control-token or KIT_CONTROL_TOKEN).
  --control-token <t>   the kit's control token, to redact (control traffic is never recorded)`;

export async function recordCommand(argv: readonly string[]): Promise<number | undefined> {
  const { values } = parse(
    argv,
    {
      target: { type: 'string' },
      out: { type: 'string' },
      api: { type: 'string', default: 'all' },
      port: { type: 'string' },
      host: { type: 'string' },
      'redact-header': { type: 'string', multiple: true },
      'redact-field': { type: 'string', multiple: true },
      'control-token': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    recordUsage,
  );
  if (values.help) {
    console.log(recordUsage);
    return 0;
  }
  if (!values.target)
    throw new CliError(
      '--target is required: the service to record, e.g. --target https://api.example.com',
      2,
      recordUsage,
    );
  if (!URL.canParse(values.target))
    throw new CliError(
      `--target must be a URL such as http://127.0.0.1:4010, got "${values.target}".`,
    );
  if (!values.out) throw new CliError('--out is required: the HAR file to write.', 2, recordUsage);
  const api = values.api as RecordApi;
  if (!['program', 'partner-center', 'all'].includes(api))
    throw new CliError(`--api must be program, partner-center or all, got "${api}".`);
  const port = values.port === undefined ? 4020 : portOf(values.port, '--port');
  await mkdir(dirname(values.out), { recursive: true }).catch((error: Error) => {
    throw new CliError(`Cannot create the folder for --out ${values.out}: ${error.message}`);
  });
  const controlToken = values['control-token'] ?? (process.env.KIT_CONTROL_TOKEN || undefined);
  const out = values.out;
  const recorder = await startRecorder({
    target: values.target,
    out,
    api,
    port,
    ...(values.host ? { host: values.host } : {}),
    redaction: {
      headers: values['redact-header'] ?? [],
      fields: values['redact-field'] ?? [],
      secrets: controlToken ? [controlToken] : [],
    },
  }).catch((error: NodeJS.ErrnoException) => {
    throw new CliError(
      error.code === 'EADDRINUSE'
        ? `Port ${port} is in use: pick another with --port.`
        : `Cannot record into ${out}: ${error.message}`,
    );
  });
  console.log(`Recording ${values.target} at ${recorder.url} into ${out} (stop with Ctrl+C)`);
  const stop = () => {
    void recorder.close().then((summary) => {
      console.log(summaryText(summary, out));
      process.exit(0);
    });
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return undefined;
}
