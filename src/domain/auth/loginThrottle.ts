import { inArray, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { loginThrottle } from '../../db/schema.ts';

const WINDOW_MS = 15 * 60_000;
/** Failures allowed per window: a person mistyping versus a script guessing. */
const LIMITS = { user: 5, ip: 30 } as const;

export type ThrottleKeys = { user: string; ip: string };

export const throttleKeys = (usernameLower: string, ip: string | null): ThrottleKeys => ({
  user: `user:${usernameLower}`,
  ip: `ip:${ip ?? 'unknown'}`,
});

/** Minutes until another attempt is allowed, or 0 when neither the account nor the address is over its limit. */
export async function throttledForMinutes(db: DbOrTx, keys: ThrottleKeys, now: Date): Promise<number> {
  const rows = await db
    .select()
    .from(loginThrottle)
    .where(inArray(loginThrottle.key, [keys.user, keys.ip]));
  let waitMs = 0;
  for (const row of rows) {
    const limit = row.key === keys.user ? LIMITS.user : LIMITS.ip;
    const remaining = row.windowStart.getTime() + WINDOW_MS - now.getTime();
    if (row.failures >= limit && remaining > 0) waitMs = Math.max(waitMs, remaining);
  }
  return Math.ceil(waitMs / 60_000);
}

/** Counts one failure against both keys; a window that has run out starts again at 1. */
export async function recordFailure(db: DbOrTx, keys: ThrottleKeys, now: Date): Promise<void> {
  const windowOpen = new Date(now.getTime() - WINDOW_MS);
  for (const key of [keys.user, keys.ip]) {
    await db
      .insert(loginThrottle)
      .values({ key, failures: 1, windowStart: now })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          failures: sql`case when ${loginThrottle.windowStart} < ${windowOpen} then 1 else ${loginThrottle.failures} + 1 end`,
          windowStart: sql`case when ${loginThrottle.windowStart} < ${windowOpen} then ${now} else ${loginThrottle.windowStart} end`,
        },
      });
  }
}

export async function clearFailures(db: DbOrTx, keys: Pick<ThrottleKeys, 'user'>): Promise<void> {
  await db.delete(loginThrottle).where(inArray(loginThrottle.key, [keys.user]));
}

export async function purgeOldThrottleRows(db: DbOrTx, now: Date): Promise<void> {
  await db.delete(loginThrottle).where(lt(loginThrottle.windowStart, new Date(now.getTime() - WINDOW_MS)));
}
