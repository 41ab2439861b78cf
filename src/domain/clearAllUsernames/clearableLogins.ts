import { sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';

/** How long a Clear All Usernames can be undone; afterwards its copies (with password hashes) are purged. */
export const RESTORE_WINDOW_MS = 30 * 24 * 60 * 60_000;

/** What Clear All Usernames would remove now: member logins, and other administrators' logins if asked. */
export type ClearableCounts = { members: number; admins: number };

/** The acting admin's own login is never counted (nor removed): they must still be able to restore. */
export async function countClearableLogins(deps: Pick<Deps, 'db'>, actor: Actor): Promise<ClearableCounts> {
  requirePermission(actor, 'logins.clearAll');
  const [row] = await queryRows(
    deps.db,
    sql`select count(*) filter (where role = 'member') as members,
               count(*) filter (where role <> 'member') as admins
        from accounts where id <> ${actor.accountId ?? -1}::bigint`,
    { members: 'number', admins: 'number' },
  );
  return { members: row?.members ?? 0, admins: row?.admins ?? 0 };
}

export const totalToClear = (counts: ClearableCounts, includeAdmins: boolean): number =>
  counts.members + (includeAdmins ? counts.admins : 0);

/**
 * The phrase the admin types. It carries the exact number, so a page that has gone stale (more logins
 * since) cannot be used to remove more than it showed.
 */
export const confirmationPhrase = (n: number): string => `clear ${n} ${n === 1 ? 'login' : 'logins'}`;

/** The number in a typed phrase ("clear 1,234 logins", any case and spacing), or null if it is not one. */
export function numberInPhrase(typed: string): number | null {
  const m = /^clear\s+([\d,]+)\s+logins?$/.exec(typed.trim().toLowerCase().replace(/\s+/g, ' '));
  if (!m) return null;
  const n = Number(m[1]!.replace(/,/g, ''));
  return Number.isSafeInteger(n) ? n : null;
}
