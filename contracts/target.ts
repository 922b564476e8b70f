/** Turning command-line options into a target: base URLs, control API, tokens, write policy. */
import type { ApiName } from '../src/schema/index.js';
import type { Fixture, Role, Target } from './types.js';

/** Ids of the kit's default seed (the behavioural checks' starting points on a kit target). */
export const kitFixture: Fixture = {
  program: {
    publishedLicenseeProgram: 'PRG-9643-3741',
    licensee: 'LCE-5758-4071-6507',
    requiredParameter: 'PPM-9643-3741-0001',
    client: 'ACC-1086-6867',
  },
  partnerCenter: {},
};

export const kitTokens: Record<Role, string> = {
  operations: 'ops-token',
  vendor: 'vendor-token',
  client: 'client-token',
  partner: 'partner-token',
  reader: 'reader-token',
};

export interface TargetOptions {
  target?: string;
  api: 'program' | 'partner-center' | 'all';
  programUrl?: string;
  partnerCenterUrl?: string;
  controlUrl?: string;
  token?: string;
  readOnly?: boolean;
  allowWrites?: boolean;
  stateless?: boolean;
  validatingProxy?: boolean;
  fixture?: Fixture;
  env?: Record<string, string | undefined>;
}

export const apisOf = (api: TargetOptions['api']): ApiName[] =>
  api === 'all'
    ? ['program-api', 'partner-center']
    : api === 'program'
      ? ['program-api']
      : ['partner-center'];

/** The kit's control token (`KIT_CONTROL_TOKEN`), for a kit started with one. */
export const controlAuthorization = (): Record<string, string> =>
  process.env.KIT_CONTROL_TOKEN ? { authorization: `Bearer ${process.env.KIT_CONTROL_TOKEN}` } : {};

/** A request to the kit's control API (`path` after `/__control`), with the control token. */
export const controlFetch = (
  controlUrl: string,
  method: string,
  path: string,
  body: unknown,
  timeoutMs: number,
) =>
  fetch(`${controlUrl.replace(/\/$/, '')}${path}`, {
    method,
    headers: {
      ...controlAuthorization(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });

/** The control API of a kit answers `GET /__control/clock` with `{now}`. */
export async function findControl(url: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${url.replace(/\/$/, '')}/clock`, {
      headers: controlAuthorization(),
      signal: AbortSignal.timeout(3000),
    });
    if (!response.ok) return undefined;
    const body = (await response.json()) as { now?: unknown };
    return typeof body.now === 'string' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * With `--api all`, `--target` is a kit-style root (Program API under `/public`, Partner
 * Center at the root, control API under `/__control`). With one API, `--target` is that API's
 * base URL, as in its spec's `servers` (e.g. `https://api.platform.softwareone.com/public`).
 */
export async function resolveTarget(options: TargetOptions): Promise<Target> {
  const env = options.env ?? {};
  const root = options.target?.replace(/\/$/, '');
  let programUrl = options.programUrl;
  let partnerCenterUrl = options.partnerCenterUrl;
  if (root) {
    if (options.api === 'all') {
      programUrl ??= `${root}/public`;
      partnerCenterUrl ??= root;
    } else if (options.api === 'program') programUrl ??= root;
    else partnerCenterUrl ??= root;
  }
  if (options.api === 'program') partnerCenterUrl = undefined;
  if (options.api === 'partner-center') programUrl = undefined;
  const anyUrl = programUrl ?? partnerCenterUrl;
  const controlUrl =
    options.controlUrl ??
    (anyUrl ? await findControl(`${new URL(anyUrl).origin}/__control`) : undefined);

  const tokens: Target['tokens'] = {};
  const programToken = options.token ?? env.PROGRAM_API_TOKEN;
  const partnerToken = options.token ?? env.PARTNER_CENTER_TOKEN;
  const set = (role: Role, value: string | undefined) => {
    if (value) tokens[role] = value;
  };
  set('operations', env.PROGRAM_API_OPERATIONS_TOKEN ?? programToken);
  set('vendor', env.PROGRAM_API_VENDOR_TOKEN);
  set('client', env.PROGRAM_API_CLIENT_TOKEN);
  set('partner', partnerToken);
  set('reader', env.PARTNER_CENTER_READER_TOKEN);
  // A kit target with no tokens given: the documented seed tokens.
  if (controlUrl && Object.keys(tokens).length === 0) Object.assign(tokens, kitTokens);

  const writes = !options.readOnly && (controlUrl !== undefined || options.allowWrites === true);
  return {
    ...(programUrl ? { programUrl } : {}),
    ...(partnerCenterUrl ? { partnerCenterUrl } : {}),
    ...(controlUrl ? { controlUrl } : {}),
    tokens,
    stateless: options.stateless ?? false,
    ...(options.validatingProxy ? { validatingProxy: true } : {}),
    writes,
    fixture: options.fixture ?? kitFixture,
  };
}

/** A URL of a kit with the session prefix: `http://host/public` -> `http://host/__session/<id>/public`. */
const prefixed = (url: string, id: string) => {
  const parsed = new URL(url);
  parsed.pathname = `/__session/${id}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  return parsed.toString().replace(/\/$/, '');
};

/**
 * The target as one session of a kit sees it: every base URL (the APIs' and the control API's)
 * behind `/__session/<id>`, so the checks, the explorer's reset and its "seed from the target's
 * state" act on that session only.
 */
export function inSession(target: Target, id: string): Target {
  return {
    ...target,
    ...(target.programUrl ? { programUrl: prefixed(target.programUrl, id) } : {}),
    ...(target.partnerCenterUrl ? { partnerCenterUrl: prefixed(target.partnerCenterUrl, id) } : {}),
    ...(target.controlUrl ? { controlUrl: prefixed(target.controlUrl, id) } : {}),
  };
}
