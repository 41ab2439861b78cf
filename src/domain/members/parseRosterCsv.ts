import { AppError } from '../../errors.ts';
import { checkEmail, checkMemberNumber, checkName, checkStatus, type FieldResult } from './memberFields.ts';
import { type CsvRecord, readCsvRecords } from './readCsvRecords.ts';
import { delimiterOfHeader, peekHeaderLine, type RosterDelimiter } from './rosterDelimiter.ts';
import { type RosterText, rosterPieces } from './rosterText.ts';

/** What is wrong with one line; `field` names the column when the problem is with one value only. */
export type RosterProblem = { line: number; message: string; field?: string };

/** Valid rows as parallel columns: the shape `unnest` takes, without an object per row. */
export type RosterColumns = {
  /** The file line of each row, so problems found later (against the database) can name it. */
  line: number[];
  memberNumber: string[];
  firstName: string[];
  lastName: string[];
  email: string[];
  emailLower: string[];
  status: string[];
};

export type ParsedRoster = {
  /** Data rows read (header and blank lines excluded). */
  totalRows: number;
  valid: RosterColumns;
  /** One per invalid row, in file order; a file-level problem comes last. */
  problems: RosterProblem[];
  /** A problem with the file as a whole (header, broken CSV): no row of it may be imported. */
  fileProblem: RosterProblem | null;
  /** The field separator, found from the header line (see rosterDelimiter.ts). */
  delimiter: RosterDelimiter;
};

export const ROSTER_COLUMNS = ['member_number', 'first_name', 'last_name', 'email', 'status'] as const;
const REQUIRED = ROSTER_COLUMNS.filter((c) => c !== 'status');
type Column = (typeof ROSTER_COLUMNS)[number];

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

function readHeader(header: CsvRecord): { index: Record<Column, number> } | { problem: RosterProblem } {
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
    Column,
    number
  >;
  return { index };
}

// A row's problems name its fields as people read them ("First name is required"), not as CSV columns.
const CHECKS: Record<Column, (raw: string | undefined) => FieldResult> = {
  member_number: (raw) => checkMemberNumber(raw, 'Member number'),
  first_name: (raw) => checkName(raw, 'First name'),
  last_name: (raw) => checkName(raw, 'Last name'),
  email: (raw) => checkEmail(raw, 'Email'),
  status: (raw) => checkStatus(raw, 'Status'),
};

/** The cleaned value of each column that passed its check, and what is wrong with the others. */
function checkRow(fields: string[], index: Record<Column, number>) {
  const values: Partial<Record<Column, string>> = {};
  const reasons: string[] = [];
  for (const column of ROSTER_COLUMNS) {
    const result = CHECKS[column](index[column] < 0 ? undefined : fields[index[column]]);
    if (result.ok) values[column] = result.value;
    else reasons.push(result.message);
  }
  return { values, reasons };
}

export const emptyColumns = (): RosterColumns => ({
  line: [],
  memberNumber: [],
  firstName: [],
  lastName: [],
  email: [],
  emailLower: [],
  status: [],
});

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
 */
export async function parseRosterCsv(text: RosterText): Promise<ParsedRoster> {
  const valid = emptyColumns();
  const problems: RosterProblem[] = [];
  const firstLineOf = new Map<string, number>();
  let header: CsvRecord | undefined;
  let read: ReturnType<typeof readHeader> | undefined;
  let rows = 0;
  const checkRecord = (record: CsvRecord) => {
    if (isBlank(record.fields)) return;
    if (!header) {
      header = record;
      read = readHeader(header);
      return;
    }
    rows++;
    // A file whose header is unusable is still read to the end, to count its rows.
    if (!read || 'problem' in read) return;
    const { line, fields } = record;
    const width = header.fields.length;
    const { values, reasons } = checkRow(fields, read.index);
    if (fields.length !== width) reasons.unshift(`has ${fields.length} fields but the header has ${width}`);
    const memberNumber = values.member_number;
    if (memberNumber !== undefined) {
      const earlier = firstLineOf.get(memberNumber);
      if (earlier === undefined) firstLineOf.set(memberNumber, line);
      else reasons.push(`Member number "${memberNumber}" is also on line ${earlier}`);
    }
    if (reasons.length > 0) {
      problems.push({ line, message: reasons.join('; ') });
      return;
    }
    valid.line.push(line);
    valid.memberNumber.push(memberNumber!);
    valid.firstName.push(values.first_name!);
    valid.lastName.push(values.last_name!);
    valid.email.push(values.email!);
    valid.emailLower.push(values.email!.toLowerCase());
    valid.status.push(values.status!);
  };
  const { headerLine, text: whole } = await peekHeaderLine(checkedText(text));
  const delimiter = delimiterOfHeader(headerLine, requiredNamed);
  const broken = await readCsvRecords(whole, checkRecord, delimiter);
  if (!header && !broken) throw new AppError('validation', 'The file is empty.', 'file');
  const finish = (fileProblem: RosterProblem | null): ParsedRoster => {
    if (fileProblem) problems.push(fileProblem);
    return { totalRows: rows, valid, problems, fileProblem, delimiter };
  };
  if (!read) return finish(broken);
  if ('problem' in read) return finish(read.problem);
  if (rows === 0 && !broken) {
    throw new AppError('validation', 'The file has a header row but no members under it.', 'file');
  }
  return finish(broken);
}
