import { parse } from 'csv-parse/sync';
import { type RosterText, rosterPieces } from './rosterText.ts';

/** The field separators a roster may use: Excel writes `;` where the decimal mark is a comma. */
export type RosterDelimiter = ',' | ';' | '\t';
const CANDIDATES: RosterDelimiter[] = [',', ';', '\t'];

export const delimiterWords: Record<RosterDelimiter, string> = {
  ',': 'commas (,)',
  ';': 'semicolons (;)',
  '\t': 'tabs',
};

// A header line longer than this is not a roster's; what has been read by then is taken as the line.
const MAX_HEADER_CHARS = 64 * 1024;

/** The header line's fields when split at `delimiter` (RFC 4180 quotes allowed); none if it does not parse. */
function fieldsOf(line: string, delimiter: RosterDelimiter): string[] {
  try {
    const [fields] = parse(line, { delimiter, bom: true, relax_quotes: true }) as string[][];
    return fields ?? [];
  } catch {
    return [];
  }
}

/**
 * The delimiter of a header line: the one of `,` `;` tab that splits it into the most of the expected
 * columns (`score` counts them), the earlier in that order on a tie. A line none of them splits into any
 * expected column keeps the comma, so the refusal names the columns as it always did.
 */
export function delimiterOfHeader(line: string, score: (fields: string[]) => number): RosterDelimiter {
  let best: RosterDelimiter = ',';
  let bestScore = 0;
  for (const delimiter of CANDIDATES) {
    const s = score(fieldsOf(line, delimiter));
    if (s > bestScore) [best, bestScore] = [delimiter, s];
  }
  return best;
}

const firstLine = (text: string) => text.split(/\r\n|\r|\n/).find((l) => l.trim() !== '');

/**
 * Whether `text` holds a whole non-blank line: something non-blank, then a line break. Two linear scans:
 * the regex `\S[^\r\n]*[\r\n]` said the same but retried from every character of a line without a break,
 * which on a 64 KB line held the event loop for seconds.
 */
function hasWholeLine(text: string): boolean {
  const start = text.search(/\S/);
  if (start < 0) return false;
  const lineBreak = /[\r\n]/g;
  lineBreak.lastIndex = start;
  return lineBreak.test(text);
}

/**
 * Reads just far enough into the text to have its first non-blank line, and hands back that line and
 * the whole text again (the pieces read are replayed, the rest still streams).
 */
export async function peekHeaderLine(
  text: RosterText,
): Promise<{ headerLine: string; text: AsyncIterable<string> }> {
  const pieces = rosterPieces(text);
  const taken: string[] = [];
  let seen = '';
  let done = false;
  // The line is complete once something non-blank is followed by a line break.
  while (!done && !hasWholeLine(seen) && seen.length < MAX_HEADER_CHARS) {
    const next = await pieces.next();
    if (next.done) done = true;
    else {
      taken.push(next.value);
      seen += next.value;
    }
  }
  async function* replay(): AsyncGenerator<string> {
    yield* taken;
    if (!done) yield* pieces;
  }
  // Capped: pieces can be far longer than the limit, and a longer line is not a roster's header anyway.
  return { headerLine: (firstLine(seen) ?? '').slice(0, MAX_HEADER_CHARS), text: replay() };
}
