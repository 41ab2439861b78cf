import type { RosterJsonMember } from '../../src/domain/members/rosterJson.ts';
import { ROSTER_COLUMNS } from '../../src/domain/members/rosterRows.ts';

const FIRST = ['Ada', 'Björn', 'Chloé', 'Dev', 'Elena', 'Femi', 'Grace', 'Hiro'];
const LAST = ['Adeyemi', 'de Vries', 'Castillo', "O'Neill", 'Eriksen', 'Fischer, Jr', 'Haddad'];

/**
 * `n` made-up members numbered from `first` (B0000001, …): the roster bench/api.ts imports through the
 * JSON API both as JSON and as CSV, to compare the two. Some names have accents, a comma or a quote, as
 * real rosters do; every tenth member has lapsed.
 */
export function sampleRoster(n: number, first = 1): RosterJsonMember[] {
  return Array.from({ length: n }, (_, k) => {
    const i = first + k;
    return {
      member_number: `B${String(i).padStart(7, '0')}`,
      first_name: FIRST[i % FIRST.length]!,
      last_name: LAST[i % LAST.length]!,
      email: `member${i}@example.org`,
      status: i % 10 === 0 ? 'lapsed' : 'current',
    };
  });
}

// RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.
const field = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** The members as a roster CSV, header first (CONTRACT.md, "Roster CSV"). */
export function rosterCsvOf(members: readonly RosterJsonMember[]): string {
  const lines = members.map((m) => ROSTER_COLUMNS.map((c) => field(m[c] ?? '')).join(','));
  return `${[ROSTER_COLUMNS.join(','), ...lines].join('\n')}\n`;
}

/** A `POST /api/v1/roster/import` body of `n` sample members, as JSON or as CSV, with its content type. */
export function rosterImportRequest(n: number, format: 'json' | 'csv', first = 1) {
  const members = sampleRoster(n, first);
  return format === 'json'
    ? { headers: { 'content-type': 'application/json' }, payload: JSON.stringify({ members }) }
    : { headers: { 'content-type': 'text/csv' }, payload: rosterCsvOf(members) };
}
