/**
 * A name the command line does not know is named with the closest known one (issue 26), and a
 * long list of names is wrapped to 100 columns. In process: `main` throws what bin.ts prints.
 */
import { describe, expect, it } from 'vitest';
import { allChecks } from '../../contracts/checks/index.js';
import { CliError } from '../../cli/errors.js';
import { main } from '../../cli/main.js';
import { didYouMean, wrapList } from '../../cli/suggest.js';

const refusal = async (argv: string[]): Promise<CliError> => {
  try {
    await main(argv);
  } catch (error) {
    if (error instanceof CliError) return error;
    throw error;
  }
  throw new Error(`${argv.join(' ')} was accepted`);
};

const target = ['--target', 'http://127.0.0.1:9'];

describe('an unknown name is named, with the closest known one', () => {
  it.each([
    [['strat'], 'Unknown command "strat". Did you mean "start"?'],
    [['contract'], 'Unknown command "contract". Did you mean "contracts"?'],
    [['tpyes'], 'Unknown command "tpyes". Did you mean "types"?'],
    [['serve'], 'Unknown command "serve".'],
    [['seed', 'chek', 'x.json'], 'Unknown command "seed chek". Did you mean "seed check"?'],
    [['seed', 'load', 'x.json'], 'Unknown command "seed load".'],
    [['start', '--prot', '4600'], `Unknown option '--prot'. Did you mean "--port"?`],
    [['start', '--stat-file', 'x'], `Unknown option '--stat-file'. Did you mean "--state-file"?`],
    [['start', '--verbose'], `Unknown option '--verbose'.`],
    [['start', '-x'], `Unknown option '-x'.`],
    [['types', '--ot', 'x'], `Unknown option '--ot'. Did you mean "--out"?`],
    [
      ['contracts', ...target, '--reportr', 'json'],
      `Unknown option '--reportr'. Did you mean "--reporter"?`,
    ],
    [['seed', '--hepl'], `Unknown option '--hepl'. Did you mean "--help"?`],
    [
      ['contracts', ...target, '--only', 'progam.'],
      '--only progam. matches no check. Did you mean "program."?',
    ],
    [['contracts', ...target, '--only', 'nope'], '--only nope matches no check.'],
  ])('%j', async (argv, line) => {
    const error = await refusal(argv);
    expect(error.message).toBe(line);
    expect(error.exitCode).toBe(2);
  });
});

describe('didYouMean', () => {
  it.each<[string, string[], string]>([
    ['chek', ['check'], ' Did you mean "check"?'],
    ['strat', ['start', 'contracts', 'types', 'seed'], ' Did you mean "start"?'],
    ['ab', ['xy'], ''], // every letter wrong is no typo
    ['x', ['y', 'z'], ''],
    ['nope', ['schema.program.listCertificates'], ''],
    ['', ['start'], ''],
    ['start', [], ''],
  ])('%s among %j -> %j', (given, known, want) => {
    expect(didYouMean(given, known)).toBe(want);
  });
});

describe('a long list of names fits 100 columns', () => {
  it('--only nope lists every check, wrapped, none lost', async () => {
    const error = await refusal(['contracts', ...target, '--only', 'nope']);
    const [head, ...rows] = error.usage!.split('\n');
    expect(head).toBe('The checks are:');
    expect(rows.length).toBeGreaterThan(10);
    for (const row of rows) {
      expect(row.length).toBeLessThanOrEqual(100);
      expect(row).toMatch(/^ {2}\S/);
    }
    const listed = rows.join(' ').split(/,?\s+/).filter(Boolean);
    expect(listed).toEqual(allChecks.map((check) => check.name));
  });

  it.each<[string[], number, string]>([
    [[], 100, ''],
    [['a'], 100, '  a'],
    [['aa', 'bb', 'cc'], 100, '  aa, bb, cc'],
    [['aa', 'bb', 'cc'], 9, '  aa, bb,\n  cc'],
    [['aa', 'bb', 'cc'], 8, '  aa,\n  bb, cc'],
    [['aa', 'bb', 'cc'], 7, '  aa,\n  bb,\n  cc'],
    [['a-name-longer-than-the-width'], 10, '  a-name-longer-than-the-width'],
  ])('%j in %i columns', (items, width, want) => {
    expect(wrapList(items, width)).toBe(want);
  });
});
