/**
 * One table of scenarios, two doors: each scenario runs through express and through msw on a
 * fresh world; every response is validated against the spec, and the two doors must give
 * byte-identical transcripts (statuses, headers that matter, bodies).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { doors, type Door } from './doors.js';

export interface Scenario {
  name: string;
  run(door: Door): Promise<void>;
}

export function runThroughBothDoors(title: string, scenarios: readonly Scenario[]): void {
  const transcripts = new Map<string, Record<string, string[]>>();
  let open: Door | undefined;
  afterEach(async () => {
    await open?.close();
    open = undefined;
  });

  describe.each(['express', 'msw'] as const)(`${title} through %s`, (name) => {
    it.each(scenarios.map((s) => [s.name, s] as const))('%s', async (scenarioName, scenario) => {
      const door = (open = await doors[name]());
      await scenario.run(door);
      expect(door.problems, 'responses that do not match the spec').toEqual([]);
      transcripts.set(scenarioName, { ...transcripts.get(scenarioName), [name]: door.transcript });
    });
  });

  describe(`${title}, both doors`, () => {
    it.each(scenarios.map((s) => [s.name] as const))(
      '%s: same statuses, headers and bodies',
      (scenarioName) => {
        const both = transcripts.get(scenarioName);
        expect(both?.express, 'express transcript').toBeDefined();
        expect(both?.msw).toEqual(both?.express);
      },
    );
  });
}
