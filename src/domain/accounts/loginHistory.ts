import { desc, eq, lt } from 'drizzle-orm';
import { loginHistory } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';

/** How long a login stays in the history: long enough to spot an old intrusion, not kept forever. */
export const LOGIN_HISTORY_DAYS = 180;

export type RecentLogin = { at: Date; ip: string | null; userAgent: string | null };

/** A member's own most recent logins, newest first, for "Recent logins" on their home page. */
export function recentLogins(deps: Pick<Deps, 'db'>, accountId: number, limit = 10): Promise<RecentLogin[]> {
  return deps.db
    .select({ at: loginHistory.at, ip: loginHistory.ip, userAgent: loginHistory.userAgent })
    .from(loginHistory)
    .where(eq(loginHistory.accountId, accountId))
    .orderBy(desc(loginHistory.at), desc(loginHistory.id))
    .limit(limit);
}

/** Housekeeping for the worker: forget logins older than LOGIN_HISTORY_DAYS. */
export async function purgeOldLoginHistory(deps: Pick<Deps, 'db' | 'clock'>): Promise<void> {
  const cutoff = new Date(deps.clock.now().getTime() - LOGIN_HISTORY_DAYS * 86_400_000);
  await deps.db.delete(loginHistory).where(lt(loginHistory.at, cutoff));
}
