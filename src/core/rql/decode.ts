import { fail, ok, snip, type Parsed } from './types.js';

const HEX2 = /^[0-9A-Fa-f]{2}$/;

/**
 * Percent-decodes one query-string part. `plusAsSpace` applies the form-encoding rule
 * (`+` is a space), used for the `key=value` shorthand only.
 */
export function percentDecode(text: string, plusAsSpace: boolean): Parsed<string> {
  const src = plusAsSpace ? text.replace(/\+/g, ' ') : text;
  if (!src.includes('%')) return ok(src);
  for (let i = src.indexOf('%'); i !== -1; i = src.indexOf('%', i + 1)) {
    if (!HEX2.test(src.slice(i + 1, i + 3))) {
      return fail(`invalid percent-encoding at position ${i} in '${snip(text)}'`);
    }
  }
  try {
    return ok(decodeURIComponent(src));
  } catch {
    return fail(`invalid percent-encoding (not UTF-8) in '${snip(text)}'`);
  }
}
