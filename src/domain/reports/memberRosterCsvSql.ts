import { type SQL, sql } from 'drizzle-orm';
import { FORMULA_STARTS } from '../audit/auditCsv.ts';
import { deliveryStateWords } from '../vocabulary.ts';

/**
 * The export's cells as SQL over the report's columns, for the server to write as CSV (`db.copyCsv`): the
 * same text `rosterCsvRecordOfRaw` writes in JavaScript, so that the file is the same byte for byte on
 * either path (tests/integration/memberRosterCsv.test.ts compares them). COPY does the quoting; what is
 * left is what csvCell does besides — the quote before a formula — and the cells' own forms.
 */

/** A text cell: prefixed with `'` when a spreadsheet would take it as a formula; '' as NULL (COPY writes
 * an empty string as `""`, a NULL as nothing). */
const textCell = (column: string): SQL => {
  const value = sql.raw(column);
  const starts = sql.join(
    FORMULA_STARTS.map((c) => sql`${c}`),
    sql`, `,
  );
  return sql`nullif(case when left(${value}, 1) in (${starts}) then '''' || ${value} else ${value} end, '')`;
};

/** A time as `Date.toISOString` writes it: UTC, milliseconds (the microseconds cut off, as a Date does). */
const isoCell = (column: string): SQL =>
  sql`to_char(${sql.raw(column)} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The delivery cell of a member never invited. */
export const NEVER_INVITED = 'Never invited';

/** The delivery state in the page's words (no word needs quoting or starts a formula). */
const deliveryCell = (): SQL => {
  const words = Object.entries(deliveryStateWords).map(([state, word]) => sql`when ${state} then ${word}`);
  return sql`coalesce(case delivery_state ${sql.join(words, sql` `)} end, ${NEVER_INVITED})`;
};

/** The eleven cells of ROSTER_CSV_HEADER, in its order. */
export const rosterCsvColumns = (): SQL =>
  sql.join(
    [
      textCell('member_number'),
      textCell('first_name'),
      textCell('last_name'),
      textCell('email'),
      textCell('username'),
      isoCell('login_created_at'),
      isoCell('last_login_at'),
      textCell('invitations_sent::text'),
      isoCell('last_invited_at'),
      deliveryCell(),
      textCell('delivery_detail'),
    ],
    sql`, `,
  );
