/**
 * Who may talk to the server mock, decided before the kit sees a request:
 *  - a `Host` allow-list on every path (loopback names, the configured host, extra names), so a
 *    DNS-rebinding page that resolves its own name to 127.0.0.1 is refused;
 *  - the control API (`/__control`) only from the caller's own origin (no CORS, and a request a
 *    browser marks as coming from another site is refused, so a web page cannot post a reset);
 *  - a control token, when configured (always when the server listens beyond loopback): sent as
 *    `Authorization: Bearer <token>`, or as the cookie the state page gets from its start link.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';

export interface SecurityOptions {
  /** The address the server listens on (HOST). */
  listenHost: string;
  /** The control token given (`--control-token`, KIT_CONTROL_TOKEN). */
  controlToken?: string;
  /** More names clients may use in `Host` (`--allowed-host`, KIT_ALLOWED_HOSTS). */
  allowedHosts?: string[];
}

export interface Security {
  /** The token `/__control` requires, or undefined when none is required. */
  readonly controlToken: string | undefined;
  /** Whether the token was generated here (it must then be printed). */
  readonly generated: boolean;
  hostAllowed(host: string | undefined): boolean;
  /** Why a `/__control` request is refused (status and detail), or undefined when it may pass. */
  controlRefusal(headers: Record<string, string | string[] | undefined>): Refused | undefined;
  /** Whether the caller presented the control token (a configured one). */
  holdsToken(headers: Record<string, string | string[] | undefined>): boolean;
}

export interface Refused {
  status: 401 | 403;
  detail: string;
}

/** The cookie the state page's start link sets (HttpOnly, SameSite=Strict, Path=/__control). */
export const CONTROL_COOKIE = 'kit-control';

const loopbackNames = ['localhost', '127.0.0.1', '::1'];

export function isLoopback(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

const wildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '';

/** The name in a `Host` header, without port and brackets, lower case. */
export function hostName(header: string): string {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) return value.slice(1, value.indexOf(']'));
  const colon = value.lastIndexOf(':');
  return colon === -1 ? value : value.slice(0, colon);
}

const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** A fresh control token: 24 random bytes, URL-safe. */
export const newToken = () => randomBytes(24).toString('base64url');

export function createSecurity(options: SecurityOptions): Security {
  const listen = options.listenHost;
  const names = new Set<string>(loopbackNames);
  for (const extra of options.allowedHosts ?? []) if (extra.trim()) names.add(hostName(extra));
  if (!wildcard(listen)) names.add(hostName(listen.includes(':') ? `[${listen}]` : listen));
  else {
    // Listening on every interface: this machine's name and addresses are its own names.
    names.add(hostname().toLowerCase());
    for (const list of Object.values(networkInterfaces()))
      for (const address of list ?? []) names.add(address.address.toLowerCase());
  }
  const exposed = !isLoopback(listen);
  const generated = options.controlToken === undefined && exposed;
  const controlToken = options.controlToken ?? (exposed ? newToken() : undefined);

  const holdsToken: Security['holdsToken'] = (headers) => {
    if (controlToken === undefined) return false;
    const authorization = one(headers.authorization) ?? '';
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    const given = bearer ?? cookie(one(headers.cookie), CONTROL_COOKIE);
    return given !== undefined && sameSecret(given, controlToken);
  };

  return {
    controlToken,
    generated,
    hostAllowed: (host) => host !== undefined && names.has(hostName(host)),
    holdsToken,
    controlRefusal(headers) {
      const site = one(headers['sec-fetch-site']);
      const origin = one(headers.origin);
      let foreign = site === 'cross-site' || site === 'same-site';
      if (origin !== undefined) {
        try {
          foreign ||= new URL(origin).host !== (one(headers.host) ?? '').toLowerCase();
        } catch {
          foreign = true;
        }
      }
      if (foreign)
        return {
          status: 403,
          detail: 'The control API answers only its own origin (the state page, curl, scripts).',
        };
      if (controlToken !== undefined && !holdsToken(headers))
        return {
          status: 401,
          detail:
            'The control API needs the control token: send Authorization: Bearer <token> (the token given with --control-token or KIT_CONTROL_TOKEN, or printed at start).',
        };
      return undefined;
    },
  };
}
