/** Thrown by a check that finds at run time it cannot apply (no data to work on, no token). */
export class SkipCheck extends Error {
  override name = 'SkipCheck';
}
