/**
 * A refusal raised by a domain rule or by the request pipeline. Each API maps its own codes to
 * its wire shape in one place (program/problems.ts, partner/errors.ts).
 */
export class Refusal<Code extends string | number = string | number> extends Error {
  constructor(
    readonly code: Code,
    readonly detail: string,
    /** Field path -> messages, for validation failures. */
    readonly fields?: Record<string, string[]>,
  ) {
    super(detail);
  }
}
