/**
 * The kit as an app installs it (issue 14): `npm pack`, a fresh app from the stock Vite
 * TypeScript template (strict settings as it ships them), the tarball installed there beside the
 * app's own msw, then the app's `tsc && vite build`, a vitest file on `setupMockServer`, plain
 * Node ESM, and the `eligibility-mock` bin (start, contracts, types, seed check). publint and
 * arethetypeswrong check the tarball itself. Then (issue 26) the declarations in a strict app
 * with only msw and typescript, and the React example's sources as a fresh app on the tarball
 * (tsc, vite build, its component tests, Chromium). Needs the npm registry (the template and the
 * apps' dependencies); npm's own cache makes a second run faster.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { serveFolder, type ServedApp } from '../../examples/web/serve.js';
import { freePort } from '../../scripts/prism.js';
import { launchChromium, noBrowser, startMockServer, type MockServer } from '../e2e/support.js';
import { appFiles, mainAddition, typesAppFiles } from './app-files.js';
import { reactAppFiles, reactAppPackages } from './react-app-files.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
/** The create-vite release (`npm create vite@9.3.0`) whose vanilla-ts template the app starts from (Node 20 compatible). */
const CREATE_VITE = 'vite@9.3.0';
/** The app's own msw: an older 2.x than the kit's, as in the issue. */
const APP_MSW = 'msw@~2.7.0';
/** The TypeScript the types app checks with: the repo's own. */
const APP_TYPESCRIPT = `typescript@${(JSON.parse(await readFile(new URL('../../node_modules/typescript/package.json', import.meta.url), 'utf8')) as { version: string }).version}`;

// The child processes must not think they run inside this vitest.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => !/^(VITEST|NODE_ENV$|TINYPOOL)/.test(name)),
);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function sh(
  command: string,
  args: string[],
  cwd: string,
  timeout = 180_000,
  extraEnv: Record<string, string> = {},
): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      { cwd, env: { ...env, ...extraEnv }, timeout, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr,
        }),
    );
  });
}

const ok = (result: Result) => {
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}\n${result.stderr}`);
  return result;
};

/**
 * `npm install` of `packages` into the app at `cwd`, from npm's cache where it can. A cached
 * list of a package's versions can be older than a package that asks for one of them (npm then
 * says ETARGET, "No matching version found"): then once more with fresh lists.
 */
const npmInstall = async (cwd: string, packages: string[]) => {
  const install = (cache: string) =>
    sh('npm', ['install', '--no-audit', '--no-fund', cache, ...packages], cwd, 300_000);
  const first = await install('--prefer-offline');
  return ok(/ETARGET|notarget/.test(first.stderr) ? await install('--prefer-online') : first);
};

/** Writes an app's files (paths relative to `dir`, folders made). */
async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [file, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, file)), { recursive: true });
    await writeFile(join(dir, file), text);
  }
}

let scratch: string;
let tarball: string;
let app: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kit-package-'));
  const packed = ok(await sh('npm', ['pack', '--json', '--pack-destination', scratch], root));
  const [{ filename }] = JSON.parse(packed.stdout.slice(packed.stdout.indexOf('['))) as [
    { filename: string },
  ];
  tarball = join(scratch, filename);
  ok(
    await sh(
      'npm',
      ['create', '-y', CREATE_VITE, 'app', '--', '--template', 'vanilla-ts', '--no-interactive'],
      scratch,
    ),
  );
  app = join(scratch, 'app');
  await npmInstall(app, [tarball, APP_MSW, 'vitest@^4']);
  await writeFiles(app, appFiles);
  await appendFile(join(app, 'src/main.ts'), mainAddition);
}, 420_000);

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the packed kit', () => {
  it('ships what a user needs and nothing of the repo around it', async () => {
    const listing = ok(await sh('tar', ['-tzf', tarball], scratch)).stdout.split('\n');
    expect(listing).toContain('package/dist/src/index.js');
    expect(listing).toContain('package/dist/src/index.d.ts');
    expect(listing).toContain('package/dist/cli/bin.js');
    expect(listing).toContain('package/dist/mocks/server/ui/index.html');
    expect(listing).toContain('package/spec/program-api.yaml');
    expect(listing).toContain('package/LICENSE');
    // The entries are bundled (decision 0024): the licences of what they bundle travel along.
    expect(listing).toContain('package/dist/THIRD-PARTY-NOTICES.md');
    // msw's worker script comes from the app's own msw (`npx msw init`), decision 0023.
    expect(listing.filter((file) => file.endsWith('mockServiceWorker.js'))).toEqual([]);
    for (const folder of ['test/', 'bench/', '.ci/', 'docs/', 'examples/', 'scripts/'])
      expect(listing.filter((file) => file.startsWith(`package/${folder}`))).toEqual([]);
    expect(
      listing.filter((file) => /\.test\.|\.ts$/.test(file) && !file.endsWith('.d.ts')),
    ).toEqual([]);
  });

  it('passes publint', async () => {
    const result = ok(await sh(join(root, 'node_modules/.bin/publint'), ['run', tarball], scratch));
    expect(result.stdout).toContain('All good');
  });

  it('passes arethetypeswrong for ESM consumers (node16 and bundlers)', async () => {
    ok(
      await sh(
        join(root, 'node_modules/.bin/attw'),
        [tarball, '--profile', 'esm-only', '--format', 'ascii'],
        scratch,
      ),
    );
  });

  it("uses the app's msw (a peer), one copy, and installs no telemetry postinstall", async () => {
    const nested = await readdir(join(app, 'node_modules/eligibility-mock-kit')).catch(() => []);
    expect(nested).not.toContain('node_modules');
    const msw = JSON.parse(await readFile(join(app, 'node_modules/msw/package.json'), 'utf8'));
    expect(msw.version).toMatch(/^2\.7\./);
    const installed = await readdir(join(app, 'node_modules'));
    expect(installed).not.toContain('@scarf');
    expect(installed).not.toContain('swagger-ui-dist');
  });
});

describe('in a stock Vite TypeScript app', () => {
  it('passes the template’s own `tsc && vite build` with the kit imported', async () => {
    const result = await sh('npm', ['run', 'build'], app);
    expect(result.stderr + result.stdout).not.toMatch(/error TS/);
    expect(result.code).toBe(0);
    const assets = await readdir(join(app, 'dist/assets'));
    expect(assets.filter((file) => file.startsWith('mocks-') && file.endsWith('.js'))).toHaveLength(
      1,
    );
  });

  it('runs vitest files on setupMockServer, one with a module-level typed client', async () => {
    const result = await sh(join(app, 'node_modules/.bin/vitest'), ['run'], app);
    expect(result.stdout).toMatch(/3 passed/);
    expect(result.code).toBe(0);
  });

  it('loads from plain Node ESM (core, server, contracts)', async () => {
    const result = ok(await sh(process.execPath, ['plain-node.mjs'], app));
    expect(JSON.parse(result.stdout)).toEqual({
      status: 200,
      checks: expect.any(Number),
      app: 'function',
    });
  });

  it('writes the generated types into the app with `eligibility-mock types`', async () => {
    ok(await sh('npx', ['eligibility-mock', 'types', '--out', 'src/generated-api'], app));
    const written = await readFile(join(app, 'src/generated-api/program-api.ts'), 'utf8');
    expect(written).toMatch(/export type components/);
    await writeFile(
      join(app, 'src/uses-types.ts'),
      "import type { components } from './generated-api/program-api.ts';\nexport type Status = components['schemas']['CertificateStatus'];\n",
    );
    const typecheck = await sh(join(app, 'node_modules/.bin/tsc'), [], app);
    expect(typecheck.stdout).toBe('');
    expect(typecheck.code).toBe(0);
  });

  it('refuses a bad fixture with `eligibility-mock seed check`, listing every problem', async () => {
    await writeFile(join(app, 'bad.json'), JSON.stringify({ program: { tokens: [] } }));
    const result = await sh('npx', ['eligibility-mock', 'seed', 'check', 'bad.json'], app);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('2 problems');
    expect(result.stderr).toContain('partnerCenter');
    expect(result.stderr).toContain('program.tokens');
  });

  describe('npx eligibility-mock start', () => {
    let child: ChildProcess;
    let url: string;
    beforeAll(async () => {
      const port = await freePort();
      url = `http://127.0.0.1:${port}`;
      // Its own process group: npx runs the server as a child of its own, which a signal to
      // npx alone would leave running after the test.
      child = spawn('npx', ['eligibility-mock', 'start', '--port', String(port)], {
        cwd: app,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      let output = '';
      child.stdout!.on('data', (chunk) => (output += chunk.toString()));
      child.stderr!.on('data', (chunk) => (output += chunk.toString()));
      for (let i = 0; i < 300 && !output.includes('Virtual clock:'); i++) {
        if (child.exitCode !== null) throw new Error(output);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }, 30_000);
    afterAll(async () => {
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
      await expect(fetch(url)).rejects.toThrow(); // the server is gone with it
    });

    it('answers the Program API and shows the state page without Swagger UI installed', async () => {
      const response = await fetch(`${url}/public/v1/program/certificates/CER-9646-2171-8417`, {
        headers: { authorization: 'Bearer client-token' },
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { status: string }).status).toBe('Active');
      expect((await fetch(`${url}/__control/ui/`)).status).toBe(200);
      const reference = await (await fetch(`${url}/__control/ui/reference.html`)).text();
      expect(reference).toContain('npm install -D swagger-ui-dist');
    });

    it('passes `npx eligibility-mock contracts --target` against it', async () => {
      const result = await sh('npx', ['eligibility-mock', 'contracts', '--target', url], app);
      expect(result.stdout).toMatch(/\b0 failed\b|failed: 0/);
      expect(result.code).toBe(0);
    }, 120_000);
  });
});

// Issue 26: the declarations reach no package an app does not have (Ajv and fast-check are
// bundled in, their types are not shipped; express's only on the `server` entry).
describe('types that hold: strict, skipLibCheck false, only msw and typescript installed', () => {
  let typesApp: string;
  const tsc = (project: string) =>
    sh(
      process.execPath,
      [join(typesApp, 'node_modules/typescript/bin/tsc'), '-p', project],
      typesApp,
    );
  beforeAll(async () => {
    typesApp = join(scratch, 'types-app');
    await writeFiles(typesApp, typesAppFiles);
    await npmInstall(typesApp, [tarball, APP_MSW, APP_TYPESCRIPT]);
    const manifest = JSON.parse(
      await readFile(join(typesApp, 'node_modules/eligibility-mock-kit/package.json'), 'utf8'),
    ) as { exports: Record<string, unknown> };
    const entries = Object.keys(manifest.exports)
      .filter((entry) => entry !== './package.json' && entry !== './server')
      .map((entry) => `eligibility-mock-kit${entry.slice(1)}`);
    expect(entries).toContain('eligibility-mock-kit/client');
    await writeFile(
      join(typesApp, 'entries.ts'),
      entries.map((entry, i) => `export * as entry${i} from '${entry}';\n`).join(''),
    );
  }, 320_000);

  it('installs nothing but the kit, its dependencies, msw and typescript', async () => {
    const types = await readdir(join(typesApp, 'node_modules/@types')).catch(() => []);
    // msw's own type dependencies only: no node, no express.
    expect(types.filter((name) => ['node', 'express'].includes(name))).toEqual([]);
  });

  it('type-checks every entry but server, and the typed client as an app uses it', async () => {
    const result = await tsc('tsconfig.json');
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('a wrong value in a typed RQL query does not compile in the app', async () => {
    await writeFile(
      join(typesApp, 'wrong.ts'),
      `import { rql } from 'eligibility-mock-kit/client';
import type { components } from 'eligibility-mock-kit/program-api';
rql<components['schemas']['Certificate']>().where((w) => w.eq('program.id', 42));
`,
    );
    await writeFile(
      join(typesApp, 'tsconfig.wrong.json'),
      JSON.stringify({ extends: './tsconfig.json', include: ['wrong.ts'] }),
    );
    const result = await tsc('tsconfig.wrong.json');
    expect(result.stdout).toMatch(/wrong\.ts\(3,\d+\): error TS2345/);
    expect(result.code).not.toBe(0);
  });

  it('type-checks the server entry once @types/express is installed, as the README says', async () => {
    const without = await tsc('tsconfig.server.json');
    expect(without.stdout).toMatch(/Could not find a declaration file for module 'express'/);
    await npmInstall(typesApp, ['@types/express@^5']);
    const result = await tsc('tsconfig.server.json');
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  }, 320_000);
});

// Issue 26: the React example (examples/react) as a user's own app: its sources on the package's
// entries, strict and skipLibCheck false, type-checked, tested with Testing Library on
// setupMockServer, built in server mode (VITE_* variables: the express mock) and loaded in Chromium.
describe('the React example as a fresh app on the tarball, strict, skipLibCheck false', () => {
  let reactApp: string;
  let mock: MockServer;
  let build: Result;
  beforeAll(async () => {
    reactApp = join(scratch, 'react-app');
    await writeFiles(reactApp, await reactAppFiles());
    await npmInstall(reactApp, [tarball, ...(await reactAppPackages())]);
    mock = await startMockServer();
    build = await sh('npm', ['run', 'build'], reactApp, 120_000, {
      VITE_PROGRAM_API_URL: `${mock.url}/public`,
      VITE_PARTNER_CENTER_URL: mock.url,
      VITE_CONTROL_URL: `${mock.url}/__control`,
      VITE_PROGRAM_TOKEN: 'vendor-token',
    });
  }, 420_000);
  afterAll(() => mock?.close());

  it('type-checks the example’s sources and the app’s test with `tsc --noEmit`', async () => {
    const result = await sh('npm', ['run', 'typecheck'], reactApp);
    expect(result.stdout).not.toMatch(/error TS/);
    expect(result.code).toBe(0);
  }, 120_000);

  it('builds with `vite build` in server mode, shipping no msw', async () => {
    expect(build.code, build.stdout + build.stderr).toBe(0);
    const files = await readdir(join(reactApp, 'dist'), { recursive: true });
    expect(files).not.toContain('mockServiceWorker.js');
    const scripts = files.filter((file) => file.endsWith('.js'));
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const text = await readFile(join(reactApp, 'dist', script), 'utf8');
      expect(text).not.toContain('mockServiceWorker');
      expect(text).toContain(`${mock.url}/public`);
    }
  });

  it('runs its component tests (Testing Library, jsdom) on setupMockServer', async () => {
    const result = await sh(join(reactApp, 'node_modules/.bin/vitest'), ['run'], reactApp);
    expect(result.stdout).toMatch(/2 passed/);
    expect(result.code).toBe(0);
  }, 120_000);

  describe.skipIf(noBrowser)('built, served statically, in Chromium', () => {
    let browser: Browser;
    let served: ServedApp;
    beforeAll(async () => {
      [browser, served] = await Promise.all([
        launchChromium(),
        serveFolder(join(reactApp, 'dist')),
      ]);
    });
    afterAll(async () => {
      await browser?.close();
      await served?.close();
    });

    it('lists the express mock’s certificates', async () => {
      const page = await browser.newPage();
      await page.goto(served.url);
      await page.locator('body[data-ready]').waitFor();
      expect(await page.getByTestId('mode').textContent()).toBe(`server ${mock.url}/public`);
      await page.getByText('Page 1 of 2 (8 certificates)').waitFor();
      expect(await page.getByTestId('certificate').count()).toBe(5);
      expect(mock.kit.control.journal(5)).toContainEqual(
        expect.objectContaining({ method: 'GET', path: '/v1/program/certificates', status: 200 }),
      );
    });
  });
});
