import { eq, sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import { loginClears } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { forgetPendingCount } from '../invitationCodes/countInvitationCodes.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { accountColumnList, clearedColumnList } from './loginColumns.ts';

// Said in UTC like every date the portal shows (the server does not know the reader's zone).
const formatDay = (d: Date) =>
  `${d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`;

// A restore that can no longer happen is said on the confirmation page, over its form.
const FORM = '_form';

/**
 * The logins of a clear put back as they were, except those whose member has a login again or whose
 * username or id was taken since. ON CONFLICT DO NOTHING (any unique key: id, member, username) covers a
 * login made while this runs. Also timed alone by bench/admin-reports.ts.
 */
export const restoreInsert = (clearId: number) => sql`
  insert into accounts (${accountColumnList()})
  select ${clearedColumnList('c')}
  from cleared_logins c
  where c.clear_id = ${clearId}::bigint and c.restored_at is null
    and not exists (select 1 from accounts a where a.member_id = c.member_id)
    and not exists (select 1 from accounts a where a.username_lower = c.username_lower)
    and not exists (select 1 from accounts a where a.id = c.account_id)
  on conflict do nothing`;

/**
 * Restore cleared logins: puts a Clear All Usernames' logins back exactly as they were (same id, username,
 * password hash, role and dates), so members log in with their old password. A member who has made a new
 * login since keeps it, and a username someone else has taken since stays theirs: those are skipped. One
 * transaction, set-based; a clear can be restored once, and only inside its 30 days.
 */
export async function restoreClearedLogins(
  deps: Deps,
  actor: Actor,
  clearId: number,
): Promise<{ restored: number; skipped: number }> {
  requirePermission(actor, 'logins.clearAll');
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    // Locked, so two admins pressing Restore at once restore once.
    const [clear] = await tx.select().from(loginClears).where(eq(loginClears.id, clearId)).for('update');
    if (!clear) throw new AppError('not_found', 'There is no such Clear All Usernames.');
    if (clear.restoredAt) {
      throw new AppError(
        'conflict',
        `These logins were already restored on ${formatDay(clear.restoredAt)}. A clear can be restored once.`,
        FORM,
      );
    }
    if (clear.restorableUntil <= now) {
      throw new AppError(
        'gone',
        `These logins can no longer be restored: that was possible until ${formatDay(clear.restorableUntil)}.`,
        FORM,
      );
    }
    const [counts] = await queryRows(
      tx,
      sql`with back as (
            ${restoreInsert(clearId)}
            returning id, member_id
          ), marked as (
            update cleared_logins c set restored_at = ${now}
            from back where c.clear_id = ${clearId}::bigint and c.account_id = back.id
            returning c.member_id
          ), relinked as (
            -- Their links still open now replace a login again (as when they were issued; see clearAllUsernames).
            update invitations i set replaces_login = true
            from back where i.member_id = back.member_id and i.used_at is null and i.revoked_at is null
          )
          select (select count(*) from marked) as restored,
                 (select count(*) from cleared_logins where clear_id = ${clearId}::bigint) as total`,
      { restored: 'number', total: 'number' },
    );
    const restored = counts?.restored ?? 0;
    const skipped = (counts?.total ?? 0) - restored;
    // The copies have served their purpose: no password hash is kept longer than needed.
    await tx.execute(sql`update cleared_logins set password_hash = '' where clear_id = ${clearId}::bigint`);
    await tx
      .update(loginClears)
      .set({ restoredAt: now, restoredByLabel: actor.label })
      .where(eq(loginClears.id, clearId));
    await recordAudit(tx, now, actor, 'logins.restored', { details: { restored, skipped, clearId } });
    return { restored, skipped };
  });
  forgetPendingCount(deps.db);
  return result;
}
