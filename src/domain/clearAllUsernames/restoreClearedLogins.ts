import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import { loginClears } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { recordRequestIn } from './loginClearRequests.ts';
import { accountColumnList, clearedColumnList } from './loginColumns.ts';
import { hasLoginLater } from './memberLists.ts';
import { wakeLoginClearJob } from './wakeLoginClearJob.ts';

// Said in UTC like every date the portal shows (the server does not know the reader's zone).
const formatDay = (d: Date) =>
  `${d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' })} UTC`;

// A restore that can no longer happen is said on the confirmation page, over its form.
const FORM = '_form';

/**
 * The logins of a clear put back as they were, except those whose member has a login again or whose
 * username or id was taken since. ON CONFLICT DO NOTHING (any unique key: id, member, username) covers a
 * login made while this runs. Also timed alone by bench/clear-all.ts.
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

type Clear = typeof loginClears.$inferSelect;

/** Why a clear cannot be restored now (done already, or too late), or null when it can. */
function notRestorable(clear: Clear | undefined, now: Date): AppError | null {
  if (!clear) return new AppError('not_found', 'There is no such Clear All Usernames.');
  if (clear.restoredAt) {
    return new AppError(
      'conflict',
      `These logins were already restored on ${formatDay(clear.restoredAt)}. A clear can be restored once.`,
      FORM,
    );
  }
  if (clear.restorableUntil <= now) {
    return new AppError(
      'gone',
      `These logins can no longer be restored: that was possible until ${formatDay(clear.restorableUntil)}.`,
      FORM,
    );
  }
  return null;
}

/**
 * Restore as asked for on its confirmation page: checks the clear can still be restored, records the
 * request for the worker (one transaction) and wakes it. `restoreClearedLoginsIn` does the work.
 */
export async function restoreClearedLogins(
  deps: Deps,
  actor: Actor,
  clearId: number,
): Promise<{ requestId: number }> {
  requirePermission(actor, 'logins.clearAll');
  const actorId = actor.accountId;
  if (actorId === null) throw new AppError('forbidden', 'Restore is asked for by a signed-in administrator.');
  const now = deps.clock.now();
  const requestId = await deps.db.transaction(async (tx) => {
    const [clear] = await tx.select().from(loginClears).where(eq(loginClears.id, clearId));
    const refusal = notRestorable(clear, now);
    if (refusal) throw refusal;
    return recordRequestIn(tx, now, { ...actor, accountId: actorId }, { kind: 'restore', clearId }, FORM);
  });
  await wakeLoginClearJob(deps);
  return { requestId };
}

/**
 * Restore cleared logins, inside the caller's transaction (the worker's job): puts a Clear All Usernames'
 * logins back exactly as they were (same id, username, password hash, role and dates), so members log in
 * with their old password. A member who has made a new login since keeps it, and a username someone else
 * has taken since stays theirs: those are skipped. Set-based; a clear can be restored once, and only
 * inside its 30 days (checked again here, under the clear's lock).
 */
export async function restoreClearedLoginsIn(
  tx: Tx,
  now: Date,
  actor: Actor,
  clearId: number,
): Promise<{ restored: number; skipped: number }> {
  // Locked, so two restores of one clear cannot both run.
  const [clear] = await tx.select().from(loginClears).where(eq(loginClears.id, clearId)).for('update');
  const refusal = notRestorable(clear, now);
  if (refusal) throw refusal;
  // members.has_login follows after the commit, in batches (`updateMemberLists`, decision 0031).
  await hasLoginLater(tx);
  const [counts] = await queryRows(
    tx,
    sql`with back as (
          ${restoreInsert(clearId)}
          returning id, member_id
        ), marked as (
          update cleared_logins c set restored_at = ${now}, password_hash = ''
          from back where c.clear_id = ${clearId}::bigint and c.account_id = back.id
          returning c.member_id
        ), relinked as (
          -- Their links still open now replace a login again (as when they were issued; see clearLogins).
          update invitations i set replaces_login = true
          from back where i.member_id = back.member_id and i.used_at is null and i.revoked_at is null
        )
        select (select count(*) from marked) as restored,
               (select count(*) from cleared_logins where clear_id = ${clearId}::bigint) as total`,
    { restored: 'number', total: 'number' },
  );
  const restored = counts?.restored ?? 0;
  const skipped = (counts?.total ?? 0) - restored;
  // The copies have served their purpose: no password hash is kept longer than needed. The restored ones
  // were blanked as they were marked (one new row version each, not two); this blanks the skipped ones.
  await tx.execute(sql`
    update cleared_logins set password_hash = ''
    where clear_id = ${clearId}::bigint and password_hash <> ''`);
  await tx
    .update(loginClears)
    .set({ restoredAt: now, restoredByLabel: actor.label })
    .where(eq(loginClears.id, clearId));
  await recordAudit(tx, now, actor, 'logins.restored', { details: { restored, skipped, clearId } });
  return { restored, skipped };
}
