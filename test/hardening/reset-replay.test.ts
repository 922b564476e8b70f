/**
 * A reset logged on a mock started from a fixture (`--seed`) replays as that fixture after a
 * restart, not as the default seed (it went back to the default seed's objects before).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../mocks/server/persistence.js';
import type { Seed } from '../../src/core/world.js';
import { createKit } from '../../src/kit.js';

const now = new Date('2026-11-21T09:00:00.000Z');
const ops = { authorization: 'Bearer ops-token' };

describe('a reset in the log', () => {
  it.each([false, true])(
    'replays to the seed the server was made with (a fixture that names its instant: %s)',
    async (withInstant) => {
      const fixture = createKit({ now }).control.state() as Seed & {
        now?: string;
        program: { certificates: { id: string; name: string }[] };
      };
      const renamed = fixture.program.certificates[0]!;
      renamed.name = 'From the fixture';
      if (withInstant) fixture.now = '2027-03-01T00:00:00.000Z';
      else delete fixture.now;
      const file = join(await mkdtemp(join(tmpdir(), 'kit-reset-replay-')), 'team.json');
      const read = (kit: ReturnType<typeof createKit>) => ({
        name: (
          JSON.parse(
            kit.handle('program-api', {
              method: 'GET',
              path: `/v1/program/certificates/${renamed.id}`,
              rawQuery: '',
              headers: ops,
              body: undefined,
            }).body!,
          ) as { name: string }
        ).name,
        clock: kit.control.clock().now,
      });
      const first = createKit({ now, seed: fixture });
      const store = await openStore(first, file, now);
      const reset = await store.handleControl(
        { method: 'POST', path: '/reset', rawQuery: '', headers: {}, body: undefined },
        '/reset',
      );
      expect(reset.status).toBe(200);
      const live = read(first);
      expect(live.name).toBe('From the fixture');
      await store.close();

      const again = createKit({ now, seed: fixture });
      const restored = await openStore(again, file, now);
      expect(restored.restored.replayed).toBe(1);
      const back = read(again);
      expect(back.name).toBe(live.name);
      // The clock where the reset put it, moved on only by the moments the restart took.
      const moved = Date.parse(back.clock) - Date.parse(live.clock);
      expect(moved).toBeGreaterThanOrEqual(0);
      expect(moved).toBeLessThan(5_000);
      await restored.close();
    },
  );
});
