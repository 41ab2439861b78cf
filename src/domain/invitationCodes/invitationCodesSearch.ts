import { type SQL, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../db/connect.ts';
import { escapeLike } from '../../db/escapeLike.ts';

/**
 * What the Invitation Codes search looks in: the stored column members.search_text — first and last name,
 * email and member number, folded (gh_fold: lower-cased, accents removed, so "angstrom" finds Ångström) and
 * padded with spaces — which the trigram indexes members_pending_search_idx and members_login_search_idx hold.
 */
export const SEARCH_TEXT = sql.raw('search_text');

/** The typed term folded exactly as search_text is ("Müller" and "muller" both become "muller"). */
export const foldedTerm = (term: string): SQL => sql`gh_fold(${term})`;

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

/**
 * The search as one SQL condition; the database folds the pattern exactly as it folds the text (unaccent
 * leaves LIKE's % _ and \ alone).
 */
export function searchCondition(search: string): SQL | null {
  const patterns = searchPatterns(search);
  if (patterns.length === 0) return null;
  return sql.join(
    patterns.map((p) => sql`${SEARCH_TEXT} like ${foldedTerm(p)}`),
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

/** Names are matched with typo tolerance; a term with a digit or an @ is an email, number or username. */
export const isNameLike = (term: string): boolean => !/[\d@]/.test(term);

/**
 * Close to the term: pg_trgm word similarity of the whole folded term ("castilo" is close to
 * " ... castillo ... "), through the same trigram indexes. The threshold is the transaction's
 * (withCloseThreshold).
 */
export const closeCondition = (search: string): SQL => sql`${foldedTerm(search.trim())} <% ${SEARCH_TEXT}`;

/**
 * pg_trgm's default word-similarity threshold (0.6) misses one-word typos ("smiht", "castilo" in a longer
 * name); 0.5 finds them. Several words have more trigrams, so one typo costs less of the score: they keep
 * 0.6, which reads fewer loose candidates. Set for this transaction only.
 */
export function withCloseThreshold<T>(db: Db, term: string, work: (tx: DbOrTx) => Promise<T>): Promise<T> {
  if (/\s/.test(term.trim())) return work(db);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('pg_trgm.word_similarity_threshold', '0.5', true)`);
    return work(tx);
  });
}
