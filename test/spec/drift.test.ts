/** The committed src/generated/ files are exactly what `npm run generate` makes of spec/. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { apis, generatedPath, render } from '../../scripts/generate.js';

describe.each(apis)('%s generated files', (api) => {
  it('match spec/ (run `npm run generate` after editing a spec)', async () => {
    for (const [file, contents] of Object.entries(await render(api))) {
      const committed = await readFile(generatedPath(file), 'utf8');
      expect(committed, `src/generated/${file} drifted from spec/${api}.yaml`).toBe(contents);
    }
  });
});
