import type { Db } from '../../db/connect.ts';
import { COUNT_CACHE_MS, EXACT_COUNT_BELOW } from '../invitationCodes/countInvitationCodes.ts';

/** Rounds of this many members or more are recounted at most every 30 s (the Invitation Codes rule). */
export const LARGE_ROUND = EXACT_COUNT_BELOW;
/** Entries kept per database; the oldest go first. Far more than a page of rounds ever needs. */
const MAX_ENTRIES = 200;

/**
 * A per-process memory of expensive counts, reused for COUNT_CACHE_MS (30 s). Counting the messages and
 * logins of a Send All to 100k members reads 100k index entries twice (~0.1–0.4 s), too much for every view
 * of a report that people reload; a count up to 30 s old is exact enough for a report about days. Small
 * counts are never stored (callers decide), so a small portal always sees the truth. The age is measured
 * on the monotonic timer: a cost trade-off, not business time.
 */
export function recentCounts<V>() {
  const byDb = new WeakMap<Db, Map<string, { value: V; countedAt: number }>>();
  return {
    get(db: Db, key: string): V | undefined {
      const hit = byDb.get(db)?.get(key);
      return hit && performance.now() - hit.countedAt < COUNT_CACHE_MS ? hit.value : undefined;
    },
    set(db: Db, key: string, value: V): void {
      const entries = byDb.get(db) ?? new Map<string, { value: V; countedAt: number }>();
      byDb.set(db, entries);
      entries.delete(key);
      entries.set(key, { value, countedAt: performance.now() });
      // A Map iterates in insertion order: the first key is the oldest.
      if (entries.size > MAX_ENTRIES) entries.delete(entries.keys().next().value!);
    },
    forget(db: Db): void {
      byDb.delete(db);
    },
  };
}
