import { type CsvError, parse } from 'csv-parse';
import type { RosterDelimiter } from './rosterDelimiter.ts';
import { nextTurn, type RosterText, rosterPieces } from './rosterText.ts';

/** One CSV record and the file line it starts on (the first line of the file is line 1). */
export type CsvRecord = { line: number; fields: string[] };

/** Where a file stopped being valid CSV: the line of the record that could not be read. */
export type CsvBreak = { line: number; message: string };

const CR = 0x0d;
const LF = 0x0a;
// Bytes handed to the parser between two turns of the event loop: about a thousand roster rows.
const FEED_BYTES = 64 * 1024;
// No roster row comes near this; a longer one is a wrong file (or a quote never closed), refused at once
// instead of buffered: megabytes without a line break used to be read on for hours.
const MAX_RECORD_BYTES = 64 * 1024;

/**
 * Counts line breaks (CRLF, LF or a lone CR, each once) from a moving cursor over the bytes fed so far.
 * csv-parse's own `info.lines` counts a CRLF inside a quoted field twice and names the line where a
 * record ends, so line numbers are derived from `info.bytes` (the offset just after each record) instead.
 * Only the bytes from the cursor on are kept: the cursor trails the parser by at most one record.
 */
class LineCounter {
  private window: Uint8Array = new Uint8Array(0);
  /** File offset of `window[0]`. */
  private start = 0;
  private offset = 0;
  private line = 1;

  append(bytes: Uint8Array): void {
    const kept = this.window.subarray(this.offset - this.start);
    this.window = kept.length === 0 ? bytes : Buffer.concat([kept, bytes]);
    this.start = this.offset;
  }

  private at(position: number): number | undefined {
    return this.window[position - this.start];
  }

  /** The line of the next record after `end`, skipping the empty lines csv-parse skipped. */
  nextRecordLine(end: number): number {
    for (; this.offset < end; this.offset++) this.count(this.offset);
    for (let b = this.at(this.offset); b === CR || b === LF; b = this.at(++this.offset)) {
      this.count(this.offset);
    }
    return this.line;
  }

  private count(position: number): void {
    const b = this.at(position);
    if (b === LF || (b === CR && this.at(position + 1) !== LF)) this.line++;
  }
}

// Duck-typed: the CommonJS and ESM builds of csv-parse each have their own CsvError class.
const isCsvError = (e: unknown): e is CsvError =>
  e instanceof Error && typeof (e as { code?: unknown }).code === 'string' && 'bytes' in e;

function explain(error: CsvError): string {
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field that starts in this row is never closed (a closing " is missing), so the rest of the file cannot be read';
    case 'INVALID_OPENING_QUOTE':
      return 'a field has a " that is not at its start; put the whole field in quotes and write the " inside it as ""';
    case 'CSV_MAX_RECORD_SIZE':
      return `this row is longer than ${MAX_RECORD_BYTES / 1024} KB, far longer than any roster row: a quoted field that starts in it may never be closed (a closing " is missing), or this is not the roster saved as CSV`;
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quoted field is followed by other characters before the next separator; write a " inside a quoted field as ""';
    default:
      return `this row is not valid CSV (${error.message})`;
  }
}

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
  const lines = new LineCounter();
  let previousEnd = 0;
  let failure: unknown = null;
  // Parsing bytes rather than strings keeps `info.bytes` (counted over the whole stream) and our offsets
  // in the same units.
  const parser = parse({
    bom: true,
    delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
    max_record_size: MAX_RECORD_BYTES,
    // Returning null: csv-parse passes nothing on, so no record piles up in the stream's buffer.
    on_record: (fields: string[], info) => {
      onRecord({ line: lines.nextRecordLine(previousEnd), fields });
      previousEnd = info.bytes;
      return null;
    },
  });
  parser.on('error', (e) => {
    failure ??= e;
  });
  const feed = (bytes: Uint8Array) =>
    new Promise<void>((resolve) =>
      parser.write(bytes, (e) => {
        if (e) failure ??= e;
        resolve();
      }),
    );
  reading: for await (const piece of rosterPieces(text)) {
    const bytes = Buffer.from(piece, 'utf8');
    for (let at = 0; at < bytes.length; at += FEED_BYTES) {
      const slice = bytes.subarray(at, at + FEED_BYTES);
      lines.append(slice);
      await feed(slice);
      if (failure) break reading;
      await nextTurn();
    }
  }
  if (!failure) {
    // The end is where an unclosed quote shows.
    await new Promise<void>((resolve) =>
      parser.end((e?: Error | null) => {
        if (e) failure ??= e;
        resolve();
      }),
    );
  }
  if (!failure) return null;
  if (!isCsvError(failure)) throw failure;
  return { line: lines.nextRecordLine(previousEnd), message: explain(failure) };
}
