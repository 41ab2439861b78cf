import { sql } from 'drizzle-orm';
import type { Db } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';

/** Below this many members without a login, counting them is a few milliseconds: always count exactly. */
export const EXACT_COUNT_BELOW = 20_000;
/** How long a large count is reused by this process. */
export const COUNT_CACHE_MS = 30_000;

type Cached = { value: number; countedAt: number };
const cache = new WeakMap<Db, Cached>();

/**
 * "N members have no login yet" for the Invitation Codes header. Counting 700k rows of a 1M roster costs
 * ~300 ms, too much for every page view, so a large count is CACHED PER PROCESS FOR 30 SECONDS (an exact
 * number up to 30 s old — estimates from the planner's statistics can be off by thousands). A small count
 * is cheap and always exact, so a small portal never shows a stale number. The age is measured on the
 * process's monotonic timer, not the injected clock: this is a cost trade-off, not business time.
 */
export async function countPendingMembers(deps: Pick<Deps, 'db'>, actor: Actor): Promise<number> {
  requirePermission(actor, 'invitations.send');
  const now = performance.now();
  const cached = cache.get(deps.db);
  if (cached && cached.value >= EXACT_COUNT_BELOW && now - cached.countedAt < COUNT_CACHE_MS) {
    return cached.value;
  }
  const [row] = await queryRows(deps.db, sql`select count(*) as n from members where not has_login`, {
    n: 'number',
  });
  const value = row?.n ?? 0;
  cache.set(deps.db, { value, countedAt: now });
  return value;
}

/** Forget the cached count, e.g. right after an action that changes who has a login in this process. */
export const forgetPendingCount = (db: Db): void => {
  cache.delete(db);
};
