/** For names the command line does not know: the closest known one, and lists that fit 100 columns. */
import { closest, distance } from 'fastest-levenshtein';

/**
 * ` Did you mean "start"?` (the name as `spell` writes it) when one of `known` is a likely typo
 * of `given`: a third of its letters wrong at most, two at least (a swap such as strat/start
 * costs two), and never all of them. Else ''.
 */
export function didYouMean(
  given: string,
  known: readonly string[],
  spell = (name: string) => name,
): string {
  if (known.length === 0 || given === '') return '';
  const best = closest(given, [...known]);
  const off = distance(given, best);
  return off <= Math.max(2, Math.ceil(given.length / 3)) && off < given.length
    ? ` Did you mean "${spell(best)}"?`
    : '';
}

/** `items` joined by ", " in lines of at most `width` columns, each indented by `indent`. */
export function wrapList(items: readonly string[], width = 100, indent = '  '): string {
  const lines: string[] = [];
  let line = '';
  items.forEach((item, i) => {
    const word = i < items.length - 1 ? `${item},` : item;
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(indent + line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  });
  if (line !== '') lines.push(indent + line);
  return lines.join('\n');
}
