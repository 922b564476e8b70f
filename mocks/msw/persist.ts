/**
 * Keeps a kit's world across page reloads in a Web Storage (localStorage by default), for msw in
 * the browser. The world is saved whole, as the fixture `control.state()` gives, after every
 * request that may change it; a reload seeds the kit from it. `control.reset()` forgets it.
 *
 * Storage-agnostic on purpose: anything with getItem / setItem / removeItem will do, so the same
 * code is tested in Node with a Map behind it.
 */
import type { Control } from '../../src/core/control.js';
import type { Seed } from '../../src/core/world.js';
import type { Kit } from '../../src/kit.js';

export type KitStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface PersistOptions {
  /** Where the world goes; `window.localStorage` when not given. */
  storage?: KitStorage;
  /** The storage key; one per app if several apps share an origin. */
  key?: string;
  /** Told once when the world cannot be saved or restored (quota, damaged entry). */
  warn?: (message: string) => void;
  /** The real time, for a ticking clock's time away (tests give their own). */
  realNow?: () => number;
}

export interface Persistence {
  /** Whether the kit started from a saved world. */
  restored: boolean;
  /** Saves the world now (the worker saves after each request that may change it). */
  save(): void;
  /** Forgets the saved world (the next reload starts from the seed). */
  clear(): void;
  /** The kit's control functions, with reset forgetting the saved world and other changes saved. */
  control: Control;
}

/** What is stored: the format version, when it was saved, and the world as a fixture. */
interface Saved {
  version: 1;
  savedAt: number;
  state: Seed;
}

export const defaultPersistKey = 'eligibility-mock-kit:world';

/** Restores the kit from `storage` if a saved world is there, and returns how to keep it saved. */
export function persistKit(kit: Kit, options: PersistOptions = {}): Persistence {
  const storage = options.storage ?? globalThis.localStorage;
  if (!storage)
    throw new TypeError('persist needs a Web Storage: this environment has no localStorage.');
  const key = options.key ?? defaultPersistKey;
  const realNow = options.realNow ?? Date.now;
  let warned = false;
  const warn = (message: string) => {
    if (warned) return;
    warned = true;
    (options.warn ?? ((text: string) => console.warn(text)))(message);
  };
  let saving = true;

  const restored = restore();

  function restore(): boolean {
    const text = storage.getItem(key);
    if (text === null) return false;
    try {
      const saved = JSON.parse(text) as Saved;
      if (saved?.version !== 1 || typeof saved.savedAt !== 'number' || !saved.state)
        throw new Error('not a world this version of the kit saved');
      const state = { ...saved.state };
      // A ticking clock went on while the page was away; a stopped one stays where it was.
      if (kit.world.clock.ticking && state.now) {
        const away = Math.max(0, realNow() - saved.savedAt);
        state.now = new Date(new Date(state.now).getTime() + away).toISOString();
      }
      kit.control.seed(state);
      return true;
    } catch (error) {
      storage.removeItem(key);
      warn(
        `eligibility-mock-kit: the saved world under "${key}" could not be restored (${(error as Error).message}); starting from the seed.`,
      );
      return false;
    }
  }

  function save() {
    if (!saving) return;
    const saved: Saved = { version: 1, savedAt: realNow(), state: kit.control.state() };
    try {
      storage.setItem(key, JSON.stringify(saved));
    } catch (error) {
      // Over the storage quota (about 5 MB of localStorage per origin): stop trying, keep working.
      saving = false;
      storage.removeItem(key);
      warn(
        `eligibility-mock-kit: the world no longer fits in storage (${(error as Error).name}); it will not be kept across reloads.`,
      );
    }
  }

  function clear() {
    storage.removeItem(key);
  }

  const base = kit.control;
  const thenSave =
    <A extends unknown[], R>(call: (...args: A) => R) =>
    (...args: A): R => {
      const result = call(...args);
      save();
      return result;
    };
  const control: Control = {
    ...base,
    reset(resetOptions) {
      base.reset(resetOptions);
      clear();
    },
    setClock: thenSave(base.setClock),
    seed: thenSave(base.seed),
    vet: thenSave(base.vet),
  };
  return { restored, save, clear, control };
}
