import { Broken, type CsvBreak, type CsvRecord, CsvScanner } from './csvScanner.ts';
import type { RosterDelimiter } from './rosterDelimiter.ts';
import { nextTurn, type RosterText, rosterPieces } from './rosterText.ts';

export type { CsvBreak, CsvRecord } from './csvScanner.ts';

// Characters scanned between two turns of the event loop: about a thousand roster rows.
const FEED_CHARS = 64 * 1024;

/**
 * Reads RFC 4180 CSV (fields separated by `delimiter`), handing each record with the line it starts on to `onRecord`, in file order; empty
 * lines are skipped. The text is parsed as it arrives, a few thousand rows between turns of the event
 * loop, and no record is kept here. A file that breaks off (e.g. an unclosed quote) has had the records
 * before the break handed over, and the break is returned.
 */
export async function readCsvRecords(
  text: RosterText,
  onRecord: (record: CsvRecord) => void,
  delimiter: RosterDelimiter = ',',
): Promise<CsvBreak | null> {
  const scanner = new CsvScanner(delimiter, onRecord);
  try {
    for await (const piece of rosterPieces(text)) {
      for (let at = 0; at < piece.length; at += FEED_CHARS) {
        scanner.feed(piece.slice(at, at + FEED_CHARS));
        await nextTurn();
      }
    }
    scanner.end();
    return null;
  } catch (e) {
    if (e instanceof Broken) return scanner.broken(e);
    throw e;
  }
}
