import { parseRosterCsv } from './parseRosterCsv.ts';
import { parseRosterJson, type RosterJsonMember } from './rosterJson.ts';
import type { ParsedRoster } from './rosterRows.ts';
import type { RosterText } from './rosterText.ts';

/**
 * Where an import's rows come from: a roster CSV's text, whole or in pieces (the upload page, the command
 * line, the API's text/csv), or members sent as JSON (the API). Either way the rows meet the same rules
 * and the same import (importRoster.ts); only how a row is numbered differs.
 */
export type RosterEntries = { csv: RosterText } | { members: readonly RosterJsonMember[] };

/** How the source's rows are numbered in problems: file lines (header = 1) or indexes into `members`. */
export type RowNumbering = 'line' | 'index';

export const rowNumberingOf = (entries: RosterEntries): RowNumbering => ('csv' in entries ? 'line' : 'index');

/** The source's rows, read and checked. */
export function readRosterEntries(entries: RosterEntries): Promise<ParsedRoster> {
  return 'csv' in entries ? parseRosterCsv(entries.csv) : parseRosterJson(entries.members);
}
