/**
 * `npm run build:package` (run by `npm pack` / `npm publish` / a git install through `prepack`):
 * compiles src/, mocks/, contracts/ and cli/ where they are into dist/ (ESM + .d.ts) and copies
 * the state page's static files beside the compiled server.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const at = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));
rmSync(at('dist'), { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', at('tsconfig.build.json')], { stdio: 'inherit' });
} catch {
  process.exit(1); // tsc has printed its errors
}
cpSync(at('mocks/server/ui'), at('dist/mocks/server/ui'), { recursive: true });
chmodSync(at('dist/cli/bin.js'), 0o755);
