/**
 * Browser persistence (issue 26, point 5): the world a page built survives a reload, a reset
 * forgets it, and a full or damaged storage never breaks the mock. A reload is a new kit over the
 * same storage, as a new page would make.
 */
import { describe, expect, it } from 'vitest';
import { persistKit, type KitStorage } from '../../mocks/msw/persist.js';
import { createKit, type Kit } from '../../src/kit.js';
import { callKit } from '../support/doors.js';
import { ids, tokens } from '../program/scenarios.js';

class MapStorage implements KitStorage {
  readonly items = new Map<string, string>();
  constructor(private readonly quota = Infinity) {}
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    if (value.length > this.quota) throw new DOMException('full', 'QuotaExceededError');
    this.items.set(key, value);
  }
  removeItem(key: string) {
    this.items.delete(key);
  }
}

/** A kit at the seed's instant, on a stopped clock (a page's kit, made again on each reload). */
const newKit = () => createKit({ now: '2026-11-21T09:00:00Z' });

const certificate = (kit: Kit, id: string) =>
  JSON.parse(callKit(kit, 'GET', `/v1/program/certificates/${id}`, tokens.ops).body!);

/** Terminates the Active certificate, as a page would, and saves as the worker does after it. */
function terminate(kit: Kit, save: () => void) {
  const answer = callKit(
    kit,
    'POST',
    `/v1/program/certificates/${ids.active}/terminate`,
    tokens.vendor,
    {
      statusNotes: { message: 'Agreement ended.' },
    },
  );
  expect(answer.status).toBe(200);
  save();
}

describe('browser persistence (persistKit)', () => {
  it('a reload starts from the saved world, not the seed', () => {
    const storage = new MapStorage();
    const first = newKit();
    const page = persistKit(first, { storage });
    expect(page.restored).toBe(false);
    terminate(first, page.save);

    const reloaded = newKit();
    expect(certificate(reloaded, ids.active).status).toBe('Active');
    const again = persistKit(reloaded, { storage });
    expect(again.restored).toBe(true);
    expect(certificate(reloaded, ids.active).status).toBe('Terminated');
    expect(reloaded.control.state()).toEqual(first.control.state());
  });

  it('control.reset() forgets the saved world and goes back to the seed', () => {
    const storage = new MapStorage();
    const kit = newKit();
    const page = persistKit(kit, { storage });
    terminate(kit, page.save);
    page.control.reset();
    expect(storage.items.size).toBe(0);
    expect(certificate(kit, ids.active).status).toBe('Active');
    const reloaded = newKit();
    expect(persistKit(reloaded, { storage }).restored).toBe(false);
    expect(certificate(reloaded, ids.active).status).toBe('Active');
  });

  it('clock changes through control are saved; a stopped clock stays where it was', () => {
    const storage = new MapStorage();
    const kit = newKit();
    const page = persistKit(kit, { storage, realNow: () => 1_000 });
    const moved = page.control.setClock({ advance: 'P400D' });
    const reloaded = newKit();
    persistKit(reloaded, { storage, realNow: () => 90_000_000 });
    expect(reloaded.control.clock().now).toBe(moved.now);
    // 400 days on, the certificate past its expiration date is Expired after the reload too.
    expect(certificate(reloaded, ids.activeExpiringSoon).status).toBe('Expired');
  });

  it('a ticking clock is moved on by the time the page was away', () => {
    const storage = new MapStorage();
    const kit = createKit({ ticking: true, now: '2026-11-21T09:00:00Z' });
    const page = persistKit(kit, { storage, realNow: () => 0 });
    page.save();
    const savedNow = Date.parse(JSON.parse(storage.items.values().next().value!).state.now);
    const reloaded = createKit({ ticking: true, now: '2026-11-21T09:00:00Z' });
    persistKit(reloaded, { storage, realNow: () => 3_600_000 });
    const now = Date.parse(reloaded.control.clock().now);
    expect(now - savedNow).toBeGreaterThanOrEqual(3_600_000);
    expect(now - savedNow).toBeLessThan(3_600_000 + 60_000);
  });

  it('a damaged or foreign entry is dropped with one warning, and the kit starts from the seed', () => {
    for (const text of ['{not json', '{"version":2,"savedAt":1,"state":{}}', '{"version":1}']) {
      const storage = new MapStorage();
      storage.setItem('k', text);
      const warnings: string[] = [];
      const kit = newKit();
      const page = persistKit(kit, { storage, key: 'k', warn: (m) => warnings.push(m) });
      expect(page.restored).toBe(false);
      expect(storage.items.has('k')).toBe(false);
      expect(warnings).toHaveLength(1);
      expect(certificate(kit, ids.active).status).toBe('Active');
    }
  });

  it('a saved world the seed check refuses is dropped, not half-loaded', () => {
    const storage = new MapStorage();
    const state = newKit().control.state();
    const bad = { ...state, program: { ...state.program, certificates: [{ id: 'nope' }] } };
    storage.setItem('k', JSON.stringify({ version: 1, savedAt: 0, state: bad }));
    const warnings: string[] = [];
    const kit = newKit();
    expect(persistKit(kit, { storage, key: 'k', warn: (m) => warnings.push(m) }).restored).toBe(
      false,
    );
    expect(warnings[0]).toMatch(/could not be restored/);
    expect(kit.control.state()).toEqual(newKit().control.state());
  });

  it('over the quota: one warning, saving stops, the mock keeps answering', () => {
    const storage = new MapStorage(100);
    const warnings: string[] = [];
    const kit = newKit();
    const page = persistKit(kit, { storage, warn: (m) => warnings.push(m) });
    terminate(kit, page.save);
    page.save(); // a second attempt does not warn again
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/QuotaExceededError/);
    expect(storage.items.size).toBe(0);
    expect(certificate(kit, ids.active).status).toBe('Terminated');
  });
});
