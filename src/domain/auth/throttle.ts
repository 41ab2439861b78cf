import { inArray, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { loginThrottle } from '../../db/schema.ts';

/** At most `limit` counted attempts per `windowMs` for one key (a username, an address, a member…). */
export type ThrottleRule = { key: string; limit: number; windowMs: number };

const LONGEST_WINDOW_MS = 60 * 60_000;

/** Milliseconds until every rule admits another attempt (0 when none is over its limit). */
export async function throttledForMs(db: DbOrTx, rules: ThrottleRule[], now: Date): Promise<number> {
  const rows = await db
    .select()
    .from(loginThrottle)
    .where(
      inArray(
        loginThrottle.key,
        rules.map((r) => r.key),
      ),
    );
  let waitMs = 0;
  for (const row of rows) {
    const rule = rules.find((r) => r.key === row.key)!;
    const remaining = row.windowStart.getTime() + rule.windowMs - now.getTime();
    if (row.failures >= rule.limit && remaining > 0) waitMs = Math.max(waitMs, remaining);
  }
  return waitMs;
}

/** Counts one attempt against every rule; a window that has run out starts again at 1. */
export async function countAttempt(db: DbOrTx, rules: ThrottleRule[], now: Date): Promise<void> {
  for (const { key, windowMs } of rules) {
    const windowOpen = new Date(now.getTime() - windowMs);
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

export async function purgeOldThrottleRows(db: DbOrTx, now: Date): Promise<void> {
  await db
    .delete(loginThrottle)
    .where(lt(loginThrottle.windowStart, new Date(now.getTime() - LONGEST_WINDOW_MS)));
}

export const minutesOf = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));
