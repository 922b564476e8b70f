/**
 * The `npm start` banner (issue 26, point 6): the seed tokens' descriptions start in one column,
 * whatever the tokens' lengths.
 */
import { describe, expect, it } from 'vitest';
import { columns, start, startOptions } from '../../cli/start.js';

describe('the start banner', () => {
  it('columns: the second cell starts at the widest first cell plus the gap', () => {
    expect(
      columns([
        ['a', 'x'],
        ['abcd', 'y'],
        ['', 'z'],
      ]),
    ).toEqual(['a     x', 'abcd  y', '      z']);
  });

  it('prints every seed token with its description in one column', async () => {
    const lines: string[] = [];
    const options = startOptions(['--port', '0'], {});
    if (options === 'help') throw new Error('not a start');
    const serving = await start(options, (line) => lines.push(line));
    await serving.close();
    const at = lines.indexOf('Seed tokens (Authorization: Bearer <token>):');
    expect(at).toBeGreaterThan(-1);
    const rows = lines.slice(at + 1, at + 6);
    expect(rows.map((row) => row.trim().split(/\s+/)[0])).toEqual([
      'ops-token',
      'vendor-token',
      'client-token',
      'partner-token',
      'reader-token',
    ]);
    const column = (row: string) => row.search(/(?<=\S {2,})\S/);
    expect(new Set(rows.map(column)).size).toBe(1);
  });
});
