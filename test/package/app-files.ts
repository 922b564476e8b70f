/**
 * What the packaging test adds to a stock Vite app: a module on the kit's generated types, one that
 * starts its browser worker, a vitest file over `setupMockServer` beside a handler of the app's
 * own, and a line in the template's main.ts that loads the module (so `vite build` bundles it).
 */
export const appFiles: Record<string, string> = {
  'src/api.ts': `import type { components } from 'eligibility-mock-kit/program-api';
import type { components as partner } from 'eligibility-mock-kit/partner-center';

export type Certificate = components['schemas']['Certificate'];
export type Qualification = partner['schemas']['CustomerQualification'];

export async function certificateStatus(id: string): Promise<Certificate['status']> {
  const url = \`https://api.platform.softwareone.com/public/v1/program/certificates/\${id}\`;
  const response = await fetch(url, { headers: { authorization: 'Bearer client-token' } });
  return ((await response.json()) as Certificate).status;
}
`,
  'src/mocks.ts': `import { setupMockWorker } from 'eligibility-mock-kit/msw/browser';

export async function startMocks(): Promise<void> {
  const { worker } = setupMockWorker();
  await worker.start({ onUnhandledRequest: 'bypass' });
}
`,
  'test/kit.test.ts': `import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createKit } from 'eligibility-mock-kit';
import { createHandlers } from 'eligibility-mock-kit/msw';
import { setupMockServer } from 'eligibility-mock-kit/msw/node';
import { certificateStatus } from '../src/api.ts';

const { server, control } = setupMockServer({ now: '2026-11-21T09:00:00Z' });
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => control.reset());
afterAll(() => server.close());

it('serves a seeded certificate and expires it on the virtual clock', async () => {
  expect(await certificateStatus('CER-1204-5530-7781')).toBe('Active');
  control.setClock({ advance: 'P13D' });
  expect(await certificateStatus('CER-1204-5530-7781')).toBe('Expired');
});

it("matches the kit's routes beside a handler of the app's own msw", async () => {
  server.close();
  const own = setupServer(
    http.get('https://app.example/hello', () => HttpResponse.json({ hello: 'world' })),
    ...createHandlers(createKit({ now: '2026-11-21T09:00:00Z' })),
  );
  own.listen({ onUnhandledRequest: 'error' });
  try {
    expect(await (await fetch('https://app.example/hello')).json()).toEqual({ hello: 'world' });
    expect(await certificateStatus('CER-9646-2171-8417')).toBe('Active');
  } finally {
    own.close();
    server.listen({ onUnhandledRequest: 'error' });
  }
});
`,
  // Issue 26: a typed client made at module level, before server.listen(), is still answered by msw.
  'test/client.test.ts': `import { afterAll, beforeAll, expect, it } from 'vitest';
import { createProgramClient, rql } from 'eligibility-mock-kit/client';
import { setupMockServer } from 'eligibility-mock-kit/msw/node';
import type { Certificate } from '../src/api.ts';

const program = createProgramClient({ token: 'client-token' });
const { server } = setupMockServer({ now: '2026-11-21T09:00:00Z' });
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

it('pages through the certificates with a module-level typed client', async () => {
  const query = rql<Certificate>().where((w) => w.eq('status', 'Active')).select('-*', 'id');
  const ids: string[] = [];
  for await (const certificate of program.iterate('/v1/program/certificates', { query, pageSize: 2 }))
    ids.push(certificate.id);
  expect(ids).toContain('CER-9646-2171-8417');
  expect(new Set(ids).size).toBe(ids.length);
});
`,
  'plain-node.mjs': `import { createKit } from 'eligibility-mock-kit';
import { allChecks } from 'eligibility-mock-kit/contracts';
import { createApp } from 'eligibility-mock-kit/server';

const kit = createKit();
const answer = kit.handle('program-api', {
  method: 'GET',
  path: '/v1/program/certificates/CER-9646-2171-8417',
  rawQuery: '',
  headers: { authorization: 'Bearer client-token' },
});
console.log(JSON.stringify({ status: answer.status, checks: allChecks.length, app: typeof createApp }));
`,
};

/** The compiler options of a strict browser app with its libraries' declarations checked. */
export const strictAppOptions = {
  target: 'ES2022',
  lib: ['ES2022', 'DOM', 'DOM.Iterable'],
  module: 'ESNext',
  moduleResolution: 'bundler',
  verbatimModuleSyntax: true,
  strict: true,
  noUncheckedIndexedAccess: true,
  skipLibCheck: false,
  noEmit: true,
};

/**
 * The app of "types that hold" (issue 26): only the kit, msw and typescript installed, strict
 * settings, `skipLibCheck: false`. `entries.ts` (written by the test from the kit's `exports`)
 * re-exports every entry but `server`; `uses-client.ts` uses the typed client and RQL the way an
 * app does, with a wrong status that must not compile.
 */
export const typesAppFiles: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'types-app', private: true, type: 'module' }),
  'tsconfig.json': JSON.stringify(
    {
      compilerOptions: { ...strictAppOptions, exactOptionalPropertyTypes: true, types: [] },
      include: ['entries.ts', 'uses-client.ts'],
    },
    null,
    2,
  ),
  'uses-client.ts': `import { createProgramClient, rql } from 'eligibility-mock-kit/client';
import type { components } from 'eligibility-mock-kit/program-api';

type Certificate = components['schemas']['Certificate'];
const client = createProgramClient({ token: 'client-token' });

export async function activeIds(since: Date): Promise<string[]> {
  const query = rql<Certificate>()
    .where((w) => w.and(w.eq('status', 'Active'), w.ge('audit.created.at', since)))
    .select('-*', 'id', 'status')
    .order('-audit.created.at');
  const ids: string[] = [];
  for await (const certificate of client.iterate('/v1/program/certificates', { query }))
    ids.push(certificate.id);
  return ids;
}

// @ts-expect-error: not a certificate status
rql<Certificate>().where((w) => w.eq('status', 'Actve'));
`,
  // The server entry, with the one package it documents as needed for its types.
  'server.ts': `import { createKit } from 'eligibility-mock-kit';
import { createApp } from 'eligibility-mock-kit/server';
export const app = createApp(createKit());
`,
  'tsconfig.server.json': JSON.stringify({ extends: './tsconfig.json', include: ['server.ts'] }),
};

/** Appended to the template's src/main.ts: the kit's browser door, bundled by \`vite build\`. */
export const mainAddition = `
if (new URLSearchParams(location.search).has('mock')) void import('./mocks.ts').then((mocks) => mocks.startMocks());
`;
