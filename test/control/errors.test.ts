/**
 * Every error a user can catch is exported from the entry they use (issue 26): a real failure
 * through the public surface is an instance of the class that entry exports, with its name.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as contracts from '../../contracts/index.js';
import * as server from '../../mocks/server/index.js';
import * as root from '../../src/index.js';

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'kit-errors-'));
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

const thrown = async (fail: () => unknown): Promise<unknown> => {
  try {
    await fail();
  } catch (error) {
    return error;
  }
  throw new Error('expected a failure');
};

describe('a caught error is an instance of the class its entry exports', () => {
  it.each<[string, () => unknown, abstract new (...args: never[]) => Error, RegExp]>([
    [
      'control.vet of an unknown customer',
      () =>
        root
          .createKit()
          .control.vet('no-such-customer', { qualification: 'Education', status: 'Approved' }),
      root.ControlError,
      /no-such-customer/,
    ],
    [
      'control.setClock with both now and advance',
      () => root.createKit().control.setClock({ now: '2026-01-01T00:00:00Z', advance: 'P1D' }),
      root.ControlError,
      /not both/,
    ],
    [
      'control.addFault with a status the kit does not fault with',
      () => root.createKit().control.addFault({ status: 500 }),
      root.ControlError,
      /429 or 503/,
    ],
    [
      'createWorld with a start time that is not a date-time',
      () => root.createWorld({ now: 'yesterday' }),
      root.SeedError,
      /not a date-time/,
    ],
    [
      'world.clock.advance by a malformed duration',
      () => root.createKit().world.clock.advance('thirty days'),
      root.ClockError,
      /ISO 8601 duration/,
    ],
    [
      'readState of a file that is not a state file',
      async () => {
        const file = join(scratch, 'garbage.json');
        await writeFile(file, 'not json at all');
        return server.readState(file, () => root.createKit());
      },
      server.StateFileError,
      /garbage\.json/,
    ],
    [
      'lockStateFile of a file this process already holds',
      () => {
        const file = join(scratch, 'held.json');
        const lock = server.lockStateFile(file);
        try {
          return server.lockStateFile(file);
        } finally {
          lock.release();
        }
      },
      server.LockError,
      /held\.json/,
    ],
    [
      'readHarFile of a file that is not HAR',
      async () => {
        const file = join(scratch, 'not.har');
        await writeFile(file, '{"entries":[]}');
        return contracts.readHarFile(file);
      },
      contracts.HarError,
      /not\.har is not HAR/,
    ],
  ])('%s', async (_what, fail, Class, message) => {
    const error = await thrown(fail);
    expect(error).toBeInstanceOf(Class);
    expect((error as Error).name).toBe(Class.name);
    expect((error as Error).message).toMatch(message);
  });

  it('control.vet of an unknown customer carries its HTTP status', async () => {
    const error = await thrown(() =>
      root.createKit().control.vet('nope', { qualification: 'Education', status: 'Denied' }),
    );
    expect(error).toBeInstanceOf(root.ControlError);
    expect((error as root.ControlError).status).toBe(404);
  });

  it('SkipCheck from the contracts entry skips a custom check (the runner knows the class)', async () => {
    const check: contracts.Check = {
      name: 'custom-skips',
      api: 'program-api',
      kind: 'behaviour',
      description: 'a check of the user that finds nothing to check',
      needs: [],
      run: () => Promise.reject(new contracts.SkipCheck('no data to check')),
    };
    const report = await contracts.runContracts({
      target: {
        programUrl: 'http://127.0.0.1:9/public', // never asked: the check skips first
        tokens: {},
        stateless: false,
        writes: false,
        fixture: contracts.kitFixture,
      },
      apis: ['program-api'],
      checks: [check],
    });
    expect(report.results.map((r) => [r.outcome, r.skipReason])).toEqual([
      ['skipped', 'no data to check'],
    ]);
  });
});
