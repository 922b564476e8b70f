/** A fixture that cannot be loaded: the message says what is wrong with it. */
export class SeedError extends Error {
  override name = 'SeedError';
}
