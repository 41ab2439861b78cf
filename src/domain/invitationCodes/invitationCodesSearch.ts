import { type SQL, sql } from 'drizzle-orm';
import { escapeLike } from '../../db/escapeLike.ts';

/**
 * What the Invitation Codes search looks in: first and last name, email and member number, lower-cased and
 * padded with spaces. It must stay character for character the expression of the trigram index
 * `members_pending_search_idx` in src/db/schema.ts, or the planner cannot use that index.
 */
export const SEARCH_TEXT = sql.raw(
  `(' ' || lower(first_name) || ' ' || lower(last_name) || ' ' || email_lower || ' ' || lower(member_number) || ' ')`,
);

const MAX_WORDS = 8;

/** LIKE treats % and _ as wildcards and \ as its escape; a search term means them literally. */

/**
 * LIKE patterns for a search: every word must appear. Words of three or more characters match anywhere
 * (trigrams need three); shorter ones match a whole word — a member number "42", a surname "Li" — which
 * the space padding lets the same trigram index find instead of reading every row.
 */
export function searchPatterns(search: string): string[] {
  const words = search.trim().split(/\s+/).filter(Boolean).slice(0, MAX_WORDS);
  return words.map((w) => (w.length >= 3 ? `%${escapeLike(w)}%` : `% ${escapeLike(w)} %`));
}

/** The search as one SQL condition; the database lower-cases the pattern exactly as it lower-cases the text. */
export function searchCondition(search: string): SQL | null {
  const patterns = searchPatterns(search);
  if (patterns.length === 0) return null;
  return sql.join(
    patterns.map((p) => sql`${SEARCH_TEXT} like lower(${p})`),
    sql` and `,
  );
}

/**
 * Member numbers the search could be exactly: as typed, and upper- and lower-cased, since people type
 * "m1042" for "M1042". Each is a lookup in the unique member-number index.
 */
export function exactNumberCandidates(search: string): string[] {
  const term = search.trim();
  if (!term || /\s/.test(term)) return [];
  return [...new Set([term, term.toUpperCase(), term.toLowerCase()])];
}
