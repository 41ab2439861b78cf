import type { AuditLogRow } from './auditLog.ts';

export const AUDIT_CSV_HEADER = ['when', 'actor', 'action', 'member_number', 'member_name', 'ip', 'details'];

// A spreadsheet takes a cell starting with one of these as a formula (CSV injection): such a cell is
// prefixed with a single quote, so it shows as the text it is. One list, for SQL that writes cells too.
export const FORMULA_STARTS = ['=', '+', '-', '@', '\t', '\r'] as const;
const STARTS_CLASS = `[${FORMULA_STARTS.map((c) => (c === '-' ? '\\-' : c)).join('')}]`;
const FORMULA_START = new RegExp(`^${STARTS_CLASS}`);
// Either of the two: most cells have neither, and go out as they are after this one test.
const NEEDS_WORK = new RegExp(`^${STARTS_CLASS}|[",\r\n]`);

/** One CSV cell: neutralised against formulas, quoted (RFC 4180) when it holds a quote, comma or line break. */
export function csvCell(value: string): string {
  if (!NEEDS_WORK.test(value)) return value;
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One CSV record, ended with CRLF as RFC 4180 asks. */
export const csvRecord = (cells: readonly string[]): string => `${cells.map(csvCell).join(',')}\r\n`;

/** What an action is called where people read it (the Audit Log page's words). */
export type ActionWords = (action: string) => string;

/** The export's record for one event: the action in words, details as JSON, so nothing recorded is lost. */
export const auditCsvCells = (row: AuditLogRow, words: ActionWords): string[] => [
  row.at.toISOString(),
  row.actorLabel,
  words(row.action),
  row.member?.memberNumber ?? '',
  row.member?.name ?? '',
  row.ip ?? '',
  Object.keys(row.details).length > 0 ? JSON.stringify(row.details) : '',
];

/** The whole export as text chunks: the header, then one chunk per batch of events. */
export async function* auditCsvChunks(
  batches: AsyncIterable<AuditLogRow[]>,
  words: ActionWords,
): AsyncGenerator<string> {
  yield csvRecord(AUDIT_CSV_HEADER);
  for await (const batch of batches) yield batch.map((row) => csvRecord(auditCsvCells(row, words))).join('');
}
