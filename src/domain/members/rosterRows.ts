import { checkEmail, checkMemberNumber, checkName, checkStatus, type FieldResult } from './memberFields.ts';

export const ROSTER_COLUMNS = ['member_number', 'first_name', 'last_name', 'email', 'status'] as const;
/** A roster column: the CSV header's name, and the JSON API's field name for the same value. */
export type RosterColumn = (typeof ROSTER_COLUMNS)[number];

/** One reason a row is refused; `field` names the column when the reason is about one value. */
export type RowReason = { field?: RosterColumn; message: string };

/**
 * What is wrong with one row, every reason in one sentence (what the page and the command line print).
 * `line` is the row's place as its source numbers it: the file line for a CSV (the header is line 1),
 * the index into the list for JSON entries (rosterJson.ts).
 */
export type RosterProblem = { line: number; message: string; field?: string };

/** Each invalid row's reasons one by one, with the field each is about (what the JSON API reports), by line. */
export type RowReasons = ReadonlyMap<number, RowReason[]>;

/** Valid rows as parallel columns: the shape `unnest` takes, without an object per row. */
export type RosterColumns = {
  /** The place of each row (see RosterProblem), so problems found later (against the database) can name it. */
  line: number[];
  memberNumber: string[];
  firstName: string[];
  lastName: string[];
  email: string[];
  status: string[];
};

/**
 * The emails as they are matched (`members.email_lower`). Worked out for a chunk of rows where a statement
 * needs them rather than kept beside every row: for a million rows that kept 46 MB more alive.
 */
export const lowerCased = (emails: readonly string[]): string[] => emails.map((email) => email.toLowerCase());

/** Rows read from a source and checked, ready for the import. */
export type ParsedRoster = {
  /** Rows read (a file's header and blank lines excluded). */
  totalRows: number;
  valid: RosterColumns;
  /** One per invalid row, in source order; a file-level problem comes last. */
  problems: RosterProblem[];
  /** A problem with the file as a whole (header, broken CSV): no row of it may be imported. */
  fileProblem: RosterProblem | null;
  reasons: RowReasons;
};

export const emptyColumns = (): RosterColumns => ({
  line: [],
  memberNumber: [],
  firstName: [],
  lastName: [],
  email: [],
  status: [],
});

// A row's problems name its fields as people read them ("First name is required"), not as CSV columns.
const CHECKS: Record<RosterColumn, (raw: string | undefined) => FieldResult> = {
  member_number: (raw) => checkMemberNumber(raw, 'Member number'),
  first_name: (raw) => checkName(raw, 'First name'),
  last_name: (raw) => checkName(raw, 'Last name'),
  email: (raw) => checkEmail(raw, 'Email'),
  status: (raw) => checkStatus(raw, 'Status'),
};

/**
 * The row rules every roster source shares: each row is checked column by column, and a member number
 * may appear once. Rows are added one at a time (a CSV as it is parsed, JSON entries from their list),
 * so only the valid columns and the problems are kept. `placeOf` words where an earlier row is
 * ("on line 3", "at index 2").
 */
export function rosterRows(placeOf: (line: number) => string) {
  const valid = emptyColumns();
  const problems: RosterProblem[] = [];
  const reasonsOf = new Map<number, RowReason[]>();
  const firstLineOf = new Map<string, number>();
  /** One row: its raw value for each column (undefined: absent), and reasons found before the columns. */
  const add = (
    line: number,
    raw: (column: RosterColumn) => string | undefined,
    reasons: RowReason[] = [],
  ) => {
    const values: Partial<Record<RosterColumn, string>> = {};
    for (const column of ROSTER_COLUMNS) {
      const result = CHECKS[column](raw(column));
      if (result.ok) values[column] = result.value;
      else reasons.push({ field: column, message: result.message });
    }
    const memberNumber = values.member_number;
    if (memberNumber !== undefined) {
      const earlier = firstLineOf.get(memberNumber);
      if (earlier === undefined) firstLineOf.set(memberNumber, line);
      else {
        const message = `Member number "${memberNumber}" is also ${placeOf(earlier)}`;
        reasons.push({ field: 'member_number', message });
      }
    }
    if (reasons.length > 0) {
      problems.push({ line, message: reasons.map((r) => r.message).join('; ') });
      reasonsOf.set(line, reasons);
      return;
    }
    valid.line.push(line);
    valid.memberNumber.push(memberNumber!);
    valid.firstName.push(values.first_name!);
    valid.lastName.push(values.last_name!);
    valid.email.push(values.email!);
    valid.status.push(values.status!);
  };
  return { add, valid, problems, reasons: reasonsOf as RowReasons };
}
