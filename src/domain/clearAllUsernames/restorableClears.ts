import { desc, eq, gt, sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import { loginClears } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';

export type LoginClear = typeof loginClears.$inferSelect;

/** How many of a clear's logins would come back now, and why the others would not. */
export type ClearOutcome = {
  clear: LoginClear;
  /** Before a restore: the logins that would come back now… */
  restorable: number;
  /** …those that would not, because the member has made a new login since (the new one wins)… */
  hasNewLogin: number;
  /** …and those whose username someone else has taken since. */
  usernameTaken: number;
  /** After a restore: how many came back, and how many could not. */
  restored: number;
  skipped: number;
  /** Members deleted from the roster since (their copies went with them). */
  leftRoster: number;
  /** Whether the Restore button may be offered now. */
  canRestore: boolean;
};

const LIST_LIMIT = 50;

/** The clears still inside their 30-day window, newest first, for the danger zone of Invitation Codes. */
export async function listRestorableClears(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
): Promise<LoginClear[]> {
  requirePermission(actor, 'logins.clearAll');
  return deps.db
    .select()
    .from(loginClears)
    .where(gt(loginClears.restorableUntil, deps.clock.now()))
    .orderBy(desc(loginClears.at), desc(loginClears.id))
    .limit(LIST_LIMIT);
}

/** One clear and what a restore would do (or did), counted in one set-based pass over its copies. */
export async function clearOutcome(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  clearId: number,
): Promise<ClearOutcome> {
  requirePermission(actor, 'logins.clearAll');
  const [clear] = await deps.db.select().from(loginClears).where(eq(loginClears.id, clearId));
  if (!clear) throw new AppError('not_found', 'There is no such Clear All Usernames.');
  const [row] = await queryRows(
    deps.db,
    sql`select count(*) as total,
               count(*) filter (where c.restored_at is not null) as restored,
               count(*) filter (where c.restored_at is null and exists
                 (select 1 from accounts a where a.member_id = c.member_id)) as has_new_login,
               count(*) filter (where c.restored_at is null
                 and not exists (select 1 from accounts a where a.member_id = c.member_id)
                 and exists (select 1 from accounts a where a.username_lower = c.username_lower)) as username_taken
        from cleared_logins c where c.clear_id = ${clearId}::bigint`,
    { total: 'number', restored: 'number', has_new_login: 'number', username_taken: 'number' },
  );
  const total = row?.total ?? 0;
  const restored = row?.restored ?? 0;
  const hasNewLogin = row?.has_new_login ?? 0;
  const usernameTaken = row?.username_taken ?? 0;
  const done = clear.restoredAt !== null;
  return {
    clear,
    restorable: done ? 0 : total - hasNewLogin - usernameTaken,
    hasNewLogin: done ? 0 : hasNewLogin,
    usernameTaken: done ? 0 : usernameTaken,
    restored,
    skipped: done ? total - restored : 0,
    leftRoster: Math.max(0, clear.removed - total),
    canRestore: !done && clear.restorableUntil > deps.clock.now(),
  };
}
