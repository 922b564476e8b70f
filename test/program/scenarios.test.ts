/**
 * One table of Program API scenarios, two doors: each scenario runs through express and through
 * msw on fresh worlds; every response is validated against spec/program-api.yaml, and the two
 * doors must give byte-identical transcripts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { doors, type Door } from '../support/doors.js';
import { scenarios } from './scenarios.js';

const transcripts = new Map<string, Record<string, string[]>>();
let open: Door | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe.each(['express', 'msw'] as const)('Program API through %s', (name) => {
  it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (scenarioName, scenario) => {
    const door = (open = await doors[name]());
    await scenario.run(door);
    expect(door.problems, 'responses that do not match spec/program-api.yaml').toEqual([]);
    transcripts.set(scenarioName, { ...transcripts.get(scenarioName), [name]: door.transcript });
  });
});

describe('both doors', () => {
  it.each(scenarios.map((s) => [s.name] as const))(
    '%s: same statuses and bodies',
    (scenarioName) => {
      const both = transcripts.get(scenarioName);
      expect(both?.express, 'express transcript').toBeDefined();
      expect(both?.msw).toEqual(both?.express);
    },
  );
});
