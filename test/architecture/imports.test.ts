/**
 * Issue 22: no import circle anywhere under src/. A circle means two files cannot be read (or
 * changed) apart; the floors of docs/architecture.md only point down. Type-only imports count:
 * a type borrowed from a file above is an arrow pointing up all the same. Which floor may import
 * which is ESLint's `no-restricted-imports` (eslint.config.js); the last test here holds that
 * rule to the floors, so loosening it fails `npm test` as well as letting an arrow point up.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Each file's relative imports (values, types, re-exports), resolved to the files they name. */
export function importGraph(files: string[]): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = importedFiles
      .map((imported) => imported.fileName)
      .filter((name) => name.startsWith('.'))
      .map((name) => resolve(dirname(file), name.replace(/\.js$/, '.ts')))
      .filter((target) => known.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** The circles of a graph: its strongly connected components of more than one file (Tarjan). */
export function circles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const target of graph.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(node, Math.min(low.get(node)!, index.get(target)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) found.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return found;
}

describe('the import graph', () => {
  it('has no circle under src/', () => {
    const graph = importGraph(sourcesUnder(join(root, 'src')));
    expect(graph.size).toBeGreaterThan(50);
    const named = circles(graph).map((circle) => circle.map((file) => relative(root, file)));
    expect(named).toEqual([]);
  });

  it('finds a circle, however long, and only circles', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c', 'd']],
      ['c', ['a']],
      ['d', []],
      ['e', ['e']],
      ['f', ['d']],
    ]);
    expect(circles(graph)).toEqual([['a', 'b', 'c'], ['e']]);
  });

  it('reads type-only imports and re-exports as arrows', () => {
    const graph = importGraph([join(root, 'src/index.ts'), join(root, 'src/core/control.ts')]);
    // `export type { Control, ClockState } from './core/control.js'`
    expect(graph.get(join(root, 'src/index.ts'))).toEqual([join(root, 'src/core/control.ts')]);
  });
});

describe('the floors', () => {
  const eslint = new ESLint({ cwd: root });
  /** The imports ESLint refuses in a file of `folder` (the rule's message, per import). */
  async function refused(folder: string, imports: string[]): Promise<(string | undefined)[]> {
    const code = imports.map((from, i) => `export * as m${i} from '${from}';`).join('\n');
    const [result] = await eslint.lintText(`${code}\n`, {
      filePath: join(root, folder, 'probe.ts'),
    });
    const messages = result!.messages.filter((m) => m.ruleId === 'no-restricted-imports');
    return imports.map((_, i) => messages.find((m) => m.line === i + 1)?.message);
  }

  it.each([
    // folder, an import it may make, imports from the floors above it
    ['src/core/program', '../rql/index.js', ['../../http/types.js', '../../apis/program/api.js']],
    [
      'src/core',
      './collection.js',
      ['../kit.js', '../http/pipeline.js', '../../mocks/msw/index.js'],
    ],
    ['src/http', '../core/problem.js', ['../apis/control.js', '../kit.js']],
    ['src/apis/program', '../../http/types.js', ['../../kit.js', '../../../cli/run.js']],
    ['src/schema', '../generated/program-api.js', ['../core/problem.js', '../http/types.js']],
    [
      'src/client',
      '../generated/program-api.dates.js',
      ['../core/rql/index.js', '../schema/index.js', '../kit.js', '../http/types.js'],
    ],
  ])('%s may import %s, not %j', async (folder, allowed, above) => {
    const [ok, ...up] = await refused(folder, [allowed, ...above]);
    expect(ok, `${folder} importing ${allowed}`).toBeUndefined();
    for (const [i, message] of up.entries())
      expect(message, `${folder} importing ${above[i]}`).toMatch(/restricted/);
  });
});
