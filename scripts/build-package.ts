/**
 * `npm run build:package` (run by `npm pack` / `npm publish` / a git install through `prepack`):
 *  - type declarations of src/, mocks/, contracts/ and cli/ where they are, into dist/ (tsc);
 *  - the JavaScript of every entry of package.json's `exports` and `bin`, bundled by esbuild
 *    at the same paths (dist/src/kit.ts's entry becomes dist/src/index.js beside its .d.ts),
 *    the code they share in dist/chunks/, so a fresh test worker loads a few files instead of
 *    a hundred modules and Ajv's CommonJS tree (issue 14: the import is what every vitest file
 *    pays). The app's msw (a peer) and the server's express and cors stay outside the bundle;
 *  - the notices of the packages bundled in (dist/THIRD-PARTY-NOTICES.md), and the state page's
 *    static files beside the compiled server.
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const at = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
const manifest = JSON.parse(readFileSync(at('package.json'), 'utf8')) as {
  exports: Record<string, string | { default: string }>;
  bin: Record<string, string>;
  peerDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};

rmSync(at('dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', at('tsconfig.build.json')], { stdio: 'inherit' });
} catch {
  process.exit(1); // tsc has printed its errors
}

/** `./dist/mocks/msw/node.js` -> `mocks/msw/node.ts`: each entry's source. */
const sourceOf = (output: string) => output.replace(/^\.\/dist\//, '').replace(/\.js$/, '.ts');
const outputs = [
  ...Object.values(manifest.exports).flatMap((target) =>
    typeof target === 'string' ? [] : [target.default],
  ),
  ...Object.values(manifest.bin),
];
const outside = [...Object.keys(manifest.peerDependencies), ...Object.keys(manifest.dependencies)];
const result = await build({
  absWorkingDir: at(''),
  entryPoints: outputs.map(sourceOf),
  outbase: '.',
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: outside.flatMap((name) => [name, `${name}/*`]),
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});

// Every bundled package's licence travels with the bundle.
const bundled = new Set<string>();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) bundled.add(match[1]!);
}
const notices = [...bundled].sort().map((name) => {
  const folder = at(`node_modules/${name}`);
  const { version, license } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as {
    version: string;
    license?: string;
  };
  const file = readdirSync(folder).find((entry) => /^(licen[cs]e|copying)/i.test(entry));
  const text = file ? readFileSync(join(folder, file), 'utf8').trim() : `License: ${license}`;
  return `## ${name} ${version}\n\n${text}\n`;
});
writeFileSync(
  at('dist/THIRD-PARTY-NOTICES.md'),
  `# Packages bundled into dist/\n\nThe entries of this package include the code of these packages, under their licences:\n\n${notices.join('\n')}`,
);

cpSync(at('mocks/server/ui'), at('dist/mocks/server/ui'), { recursive: true });
for (const bin of Object.values(manifest.bin)) chmodSync(at(bin), 0o755);
if (!existsSync(at('dist/src/generated/program-api.d.ts')))
  throw new Error('the generated types did not compile into dist/');
