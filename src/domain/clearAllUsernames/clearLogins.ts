import { sql } from 'drizzle-orm';
import type { Tx } from '../../db/connect.ts';
import { withForeignKeysSetAside } from '../../db/foreignKeysSetAside.ts';
import { queryRows } from '../../db/rows.ts';
import { loginClears } from '../../db/schema.ts';
import { ValidationErrors } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Actor } from '../policy.ts';
import { RESTORE_WINDOW_MS } from './clearableLogins.ts';
import { accountColumnList, clearedColumnList } from './loginColumns.ts';
import { hasLoginLater } from './memberLists.ts';

export const changedMessage = (now: number) =>
  `The number of logins has changed since the page was shown: this would now remove ${now.toLocaleString('en')}. ` +
  `Check the numbers and type "clear ${now} ${now === 1 ? 'login' : 'logins'}" to confirm.`;

/** The foreign keys a clear sets aside: those pointing at accounts, and cleared_logins' own (decision 0028). */
export const keysSetAsideFor = (clearId: number) => ({
  table: 'accounts',
  alsoTables: ['cleared_logins'],
  deletedIds: sql`select account_id from cleared_logins where clear_id = ${clearId}::bigint`,
});

/**
 * The clear itself, inside the caller's transaction (the worker's job): removes member logins (and other
 * administrators' when asked), never the asking admin's. Set-based: one DELETE … RETURNING moves the
 * accounts whole into cleared_logins, so what is copied is exactly what is removed, and the count must
 * equal the one the admin typed or nothing commits. Sessions and reset links go with the accounts (their
 * foreign keys' ON DELETE, done set-based); members.has_login follows after the commit, in batches
 * (`updateMemberLists`, decision 0031).
 */
export async function clearLoginsIn(
  tx: Tx,
  now: Date,
  actor: Actor & { accountId: number },
  input: { includeAdmins: boolean; confirmed: number },
): Promise<{ clearId: number; removed: number }> {
  const [clear] = await tx
    .insert(loginClears)
    .values({
      at: now,
      actorAccountId: actor.accountId,
      actorLabel: actor.label,
      includedAdmins: input.includeAdmins,
      removed: input.confirmed,
      restorableUntil: new Date(now.getTime() + RESTORE_WINDOW_MS),
    })
    .returning({ id: loginClears.id });
  const clearId = clear!.id;
  await hasLoginLater(tx);
  // The keys pointing at accounts (sessions, reset links, …) act once for the whole set, not per login.
  const [moved] = await withForeignKeysSetAside(tx, keysSetAsideFor(clearId), () =>
    queryRows(
      tx,
      sql`with removed as (
              delete from accounts
              where id <> ${actor.accountId}::bigint and (role = 'member' or ${input.includeAdmins}::boolean)
              returning *
            ), kept as (
              insert into cleared_logins (clear_id, ${clearedColumnList()})
              select ${clearId}::bigint, ${accountColumnList()} from removed
              returning member_id
            )
            select count(*) as n from kept`,
      { n: 'number' },
    ),
  );
  const removed = moved?.n ?? 0;
  // Someone made or lost a login since the admin confirmed: refuse rather than remove a number nobody saw.
  if (removed !== input.confirmed) throw new ValidationErrors({ confirmation: changedMessage(removed) });
  // A Re-enabled link of a cleared member no longer replaces anything: it now creates their new login,
  // which is how they come back. Restore sets the flag again for links still open then.
  await tx.execute(sql`
    update invitations i set replaces_login = false
    from cleared_logins c
    where c.clear_id = ${clearId}::bigint and i.member_id = c.member_id
      and i.replaces_login and i.used_at is null and i.revoked_at is null`);
  await recordAudit(tx, now, actor, 'logins.cleared_all', {
    details: { removed, includedAdmins: input.includeAdmins, clearId },
  });
  return { clearId, removed };
}
