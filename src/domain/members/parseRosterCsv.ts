import { AppError } from '../../errors.ts';
import { type CsvRecord, readCsvRecords } from './readCsvRecords.ts';
import { delimiterOfHeader, peekHeaderLine, type RosterDelimiter } from './rosterDelimiter.ts';
import {
  type ParsedRoster,
  ROSTER_COLUMNS,
  type RosterColumn,
  type RosterProblem,
  rosterRows,
} from './rosterRows.ts';
import { type RosterText, rosterPieces } from './rosterText.ts';

export type { ParsedRoster, RosterColumns, RosterProblem, RowReasons } from './rosterRows.ts';
export { emptyColumns, ROSTER_COLUMNS } from './rosterRows.ts';

/** A roster CSV read and checked, with the field separator found from its header line (rosterDelimiter.ts). */
export type ParsedRosterCsv = ParsedRoster & { delimiter: RosterDelimiter };

const REQUIRED = ROSTER_COLUMNS.filter((c) => c !== 'status');
// "First Name" and "first-name" are what spreadsheets tend to produce for first_name.
const headerName = (raw: string) =>
  raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/** How many of the required columns a header's fields name: what the delimiter is chosen by. */
const requiredNamed = (fields: string[]) => {
  const names = fields.map(headerName);
  return REQUIRED.filter((c) => names.includes(c)).length;
};

const isBlank = (fields: string[]) => fields.every((f) => f.trim() === '');

function readHeader(header: CsvRecord): { index: Record<RosterColumn, number> } | { problem: RosterProblem } {
  const names = header.fields.map(headerName);
  const twice = [...new Set(names.filter((n, i) => n && names.indexOf(n) !== i))];
  if (twice.length > 0) {
    return {
      problem: { line: header.line, message: `the header has more than one ${twice.join(', ')} column` },
    };
  }
  const missing = REQUIRED.filter((c) => !names.includes(c));
  if (missing.length > 0) {
    const list = missing.join(', ');
    return {
      problem: {
        line: header.line,
        message: `the header is missing the column${missing.length > 1 ? 's' : ''} ${list} (expected ${ROSTER_COLUMNS.join(',')})`,
      },
    };
  }
  const index = Object.fromEntries(ROSTER_COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<
    RosterColumn,
    number
  >;
  return { index };
}

/** A piece of text with a NUL in it: the file is binary, not CSV. */
function refuseBinary(piece: string): void {
  if (piece.includes('\u0000')) {
    throw new AppError(
      'validation',
      'This is not a CSV file: it contains binary data. Save the roster as "CSV" and use that file.',
      'file',
    );
  }
}

/** The file's text, refused as soon as a piece of it turns out to be binary. */
async function* checkedText(text: RosterText): AsyncGenerator<string> {
  for await (const piece of rosterPieces(text)) {
    refuseBinary(piece);
    yield piece;
  }
}

/**
 * Parses and checks a roster CSV (see CONTRACT.md, "Roster CSV"), its fields separated by the one of
 * `,` `;` tab that its header line is written with (see rosterDelimiter.ts). Every row is checked, so one pass
 * reports every problem. The file being empty is an error rather than a report: there is nothing to show.
 * Each row is checked as the parser reads it (see readCsvRecords), so the event loop stays free and only
 * the valid columns and the problems are kept, not the records.
 *
 * `fileOnly`: only what makes the file a roster or not — its header, its CSV, a row under the header — is
 * checked, and no row is kept (the upload step, which stores the file for the preview: the columns of a
 * million rows are about 250 MB).
 */
export async function parseRosterCsv(text: RosterText, { fileOnly = false } = {}): Promise<ParsedRosterCsv> {
  const rows = rosterRows((line) => `on line ${line}`);
  const { valid, problems } = rows;
  let header: CsvRecord | undefined;
  let read: ReturnType<typeof readHeader> | undefined;
  let count = 0;
  const checkRecord = (record: CsvRecord) => {
    if (isBlank(record.fields)) return;
    if (!header) {
      header = record;
      read = readHeader(header);
      return;
    }
    count++;
    // A file whose header is unusable is still read to the end, to count its rows.
    if (fileOnly || !read || 'problem' in read) return;
    const { index } = read;
    const { line, fields } = record;
    const width = header.fields.length;
    const reasons =
      fields.length === width ? [] : [{ message: `has ${fields.length} fields but the header has ${width}` }];
    rows.add(line, (column) => (index[column] < 0 ? undefined : fields[index[column]]), reasons);
  };
  const { headerLine, text: whole } = await peekHeaderLine(checkedText(text));
  const delimiter = delimiterOfHeader(headerLine, requiredNamed);
  const broken = await readCsvRecords(whole, checkRecord, delimiter);
  if (!header && !broken) throw new AppError('validation', 'The file is empty.', 'file');
  const finish = (fileProblem: RosterProblem | null): ParsedRosterCsv => {
    if (fileProblem) problems.push(fileProblem);
    return { totalRows: count, valid, problems, fileProblem, delimiter, reasons: rows.reasons };
  };
  if (!read) return finish(broken);
  if ('problem' in read) return finish(read.problem);
  if (count === 0 && !broken) {
    throw new AppError('validation', 'The file has a header row but no members under it.', 'file');
  }
  return finish(broken);
}
