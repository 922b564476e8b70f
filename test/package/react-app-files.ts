/**
 * A fresh React app made of the React example's own sources (examples/react), for the packaging
 * test (issue 26): the example's imports of the repo (`../../../src/client/index.js`, ...) become
 * the package's entries, beside a package.json of the packed tarball and the repo's own versions
 * of React, TanStack Query, Vite, vitest and Testing Library (so npm can take them from its
 * cache), a strict tsconfig with `skipLibCheck: false`, and a component test written for the app.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { strictAppOptions } from './app-files.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const example = join(root, 'examples/react');

/** Each repo module the example imports, as the package exports it. */
const entries: Record<string, string> = {
  'src/client/index.js': 'eligibility-mock-kit/client',
  'src/generated/program-api.js': 'eligibility-mock-kit/program-api',
  'src/generated/partner-center.js': 'eligibility-mock-kit/partner-center',
  'mocks/msw/browser.js': 'eligibility-mock-kit/msw/browser',
  'mocks/msw/node.js': 'eligibility-mock-kit/msw/node',
  'mocks/msw/index.js': 'eligibility-mock-kit/msw',
  'src/index.js': 'eligibility-mock-kit',
};

/** `'../../../src/client/index.js'` -> `'eligibility-mock-kit/client'`; any other repo path throws. */
export function toPackageImports(file: string, text: string): string {
  return text.replace(/(['"])(?:\.\.\/){3}([^'"]+)\1/g, (_match, quote: string, path: string) => {
    const entry = entries[path];
    if (!entry) throw new Error(`${file} imports ${path}, which no package entry exports`);
    return `${quote}${entry}${quote}`;
  });
}

/** The repo's installed version of each package: what its package-lock resolved. */
async function versions(names: string[]): Promise<string[]> {
  return Promise.all(
    names.map(async (name) => {
      const manifest = JSON.parse(
        await readFile(join(root, 'node_modules', name, 'package.json'), 'utf8'),
      ) as { version: string };
      return `${name}@${manifest.version}`;
    }),
  );
}

/** What `npm install` adds to the app beside the tarball. */
export const reactAppPackages = () =>
  versions([
    'react',
    'react-dom',
    '@tanstack/react-query',
    'msw',
    'vite',
    '@vitejs/plugin-react',
    'vitest',
    'jsdom',
    '@testing-library/react',
    '@testing-library/dom',
    'typescript',
    '@types/react',
    '@types/react-dom',
    // Vite's and vitest's own declarations reach node:http and friends.
    '@types/node',
  ]);

/** The app's files: the example's sources with package imports, and the app's own around them. */
export async function reactAppFiles(): Promise<Record<string, string>> {
  const files: Record<string, string> = {
    'index.html': await readFile(join(example, 'index.html'), 'utf8'),
  };
  for (const name of await readdir(join(example, 'src'))) {
    const file = `src/${name}`;
    files[file] = toPackageImports(file, await readFile(join(example, file), 'utf8'));
  }
  return {
    ...files,
    'package.json': JSON.stringify(
      {
        name: 'react-app',
        private: true,
        type: 'module',
        scripts: { typecheck: 'tsc --noEmit', build: 'vite build', test: 'vitest run' },
      },
      null,
      2,
    ),
    // The example's own config serves msw's worker in dev from the repo; a build needs none.
    'vite.config.ts': `import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({ plugins: [react()] });
`,
    'tsconfig.json': JSON.stringify(
      {
        compilerOptions: { ...strictAppOptions, jsx: 'react-jsx', types: ['node'] },
        include: ['src', 'test', 'vite.config.ts'],
      },
      null,
      2,
    ),
    'test/certificates.test.tsx': `// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { setupMockServer } from 'eligibility-mock-kit/msw/node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { configFromEnv } from '../src/api.js';
import { App } from '../src/App.js';

const config = configFromEnv({}, 'http://app.test');
const { server, control } = setupMockServer({
  now: '2026-11-21T09:00:00Z',
  controlBaseUrl: config.controlUrl,
});
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  cleanup();
  control.reset();
});
afterAll(() => server.close());

function renderApp(programToken: string) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  render(
    <QueryClientProvider client={queryClient}>
      <App config={{ ...config, programToken }} mode="test" />
    </QueryClientProvider>,
  );
}

it('renders the seeded certificates of the token, a page of five', async () => {
  renderApp('client-token');
  await screen.findByText('Page 1 of 2 (7 certificates)');
  expect(screen.getAllByTestId('certificate')).toHaveLength(5);
});

it('shows a terminate refusal as the API words it', async () => {
  renderApp('vendor-token');
  fireEvent.click(await screen.findByLabelText('Terminated'));
  await screen.findByText('Page 1 of 1 (1 certificates)');
  const [row] = screen.getAllByTestId('certificate');
  fireEvent.click(within(row!).getByRole('button', { name: 'Terminate' }));
  expect((await screen.findByRole('alert')).textContent).toBe(
    'Certificate CER-5582-1136-4429 is Terminated: only an Active certificate can be terminated.',
  );
});
`,
  };
}
