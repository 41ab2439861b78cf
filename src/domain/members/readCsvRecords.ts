import type { CsvError } from 'csv-parse';
import { parse } from 'csv-parse/sync';

/** One CSV record and the file line it starts on (the first line of the file is line 1). */
export type CsvRecord = { line: number; fields: string[] };

/** Where a file stopped being valid CSV: the line of the record that could not be read. */
export type CsvBreak = { line: number; message: string };

const CR = 0x0d;
const LF = 0x0a;

/**
 * Counts line breaks (CRLF, LF or a lone CR, each once) from a moving cursor. csv-parse's own
 * `info.lines` counts a CRLF inside a quoted field twice and names the line where a record ends, so
 * line numbers are derived from `info.bytes` (the offset just after each record) instead.
 */
class LineCounter {
  private offset = 0;
  private line = 1;

  constructor(private readonly bytes: Uint8Array) {}

  /** The line of the next record after `end`, skipping the empty lines csv-parse skipped. */
  nextRecordLine(end: number): number {
    let start = end;
    while (start < this.bytes.length && (this.bytes[start] === CR || this.bytes[start] === LF)) start++;
    for (; this.offset < start; this.offset++) {
      const b = this.bytes[this.offset];
      if (b === LF || (b === CR && this.bytes[this.offset + 1] !== LF)) this.line++;
    }
    return this.line;
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
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'a quoted field is followed by other characters before the next comma; write a " inside a quoted field as ""';
    default:
      return `this row is not valid CSV (${error.message})`;
  }
}

/**
 * Reads RFC 4180 CSV into records, each with the line it starts on. Empty lines are skipped. A file
 * that breaks off (e.g. an unclosed quote) yields the records before the break and where it broke.
 */
export function readCsvRecords(csv: string): { records: CsvRecord[]; broken: CsvBreak | null } {
  // Parsing bytes rather than the string keeps `info.bytes` and our offsets in the same units.
  const bytes = Buffer.from(csv, 'utf8');
  const lines = new LineCounter(bytes);
  const records: CsvRecord[] = [];
  let previousEnd = 0;
  try {
    parse(bytes, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      // The context is csv-parse's `info` for the record; returning null keeps no second copy of it.
      on_record: (fields: string[], info) => {
        records.push({ line: lines.nextRecordLine(previousEnd), fields });
        previousEnd = info.bytes;
        return null;
      },
    });
    return { records, broken: null };
  } catch (e) {
    if (!isCsvError(e)) throw e;
    return { records, broken: { line: lines.nextRecordLine(previousEnd), message: explain(e) } };
  }
}
