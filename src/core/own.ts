/**
 * Sets an own, enumerable data property, also for the key `__proto__`: copying keys from
 * client JSON by plain assignment would make such a value the object's prototype instead.
 */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
