/**
 * Stored objects are never changed in place (every write puts a new object in its map): the
 * scenario doors freeze everything a world stores after each exchange, so a write that changed
 * a stored object in place throws (ES modules are strict) and its scenario fails with a 500.
 */
import type { World } from '../../src/core/world.js';

function deepFreeze(value: unknown): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return;
  // Only plain data: typed arrays (file bytes) cannot be frozen and are never written anyway.
  if (!Array.isArray(value) && Object.getPrototypeOf(value) !== Object.prototype) return;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
}

/** Freezes every stored object of both APIs (the maps themselves stay writable). */
export function freezeStored(world: World): void {
  for (const store of Object.values(world.program))
    if (store instanceof Map) for (const stored of store.values()) deepFreeze(stored);
  for (const store of [world.partner.customers, world.partner.validationCodes])
    for (const stored of store.values()) deepFreeze(stored);
}
