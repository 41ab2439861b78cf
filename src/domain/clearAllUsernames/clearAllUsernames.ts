import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../db/rows.ts';
import { loginClears } from '../../db/schema.ts';
import { AppError, ValidationErrors } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { ownPasswordMatches } from '../auth/reauthenticate.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { forgetPendingCount } from '../invitationCodes/countInvitationCodes.ts';
import { type Actor, requirePermission } from '../policy.ts';
import {
  confirmationPhrase,
  countClearableLogins,
  numberInPhrase,
  RESTORE_WINDOW_MS,
  totalToClear,
} from './clearableLogins.ts';
import { accountColumnList, clearedColumnList } from './loginColumns.ts';

export type ClearInput = {
  includeAdmins: boolean;
  /** The typed phrase, e.g. "clear 1234 logins". */
  confirmation: string;
  /** The acting admin's own password: an unlocked, unattended browser must not be enough. */
  password: string;
  /** The total the page showed when it was rendered, to explain a refusal when it has changed since. */
  shownTotal?: number;
};

/** A number the page showed in a hidden field; absent counts as 0 (as `Number('')`), anything else bad as unknown. */
const shownNumber = z
  .string()
  .optional()
  .transform((value) => {
    const n = Number(value ?? '');
    return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
  });

/**
 * The Clear All Usernames form: the box for other administrators' logins (any value ticks it), the typed
 * confirmation words, the admin's own password, and the counts the page showed (to explain a refusal
 * when they have changed since).
 */
export const clearAllUsernamesInput = z
  .object({
    includeAdmins: z
      .string()
      .optional()
      .transform((value) => Boolean(value)),
    confirmation: text,
    password: text,
    shownMembers: shownNumber,
    shownAdmins: shownNumber,
  })
  .transform(
    ({ shownMembers, shownAdmins, ...input }): ClearInput => ({
      ...input,
      shownTotal:
        shownMembers === undefined || shownAdmins === undefined
          ? undefined
          : totalToClear({ members: shownMembers, admins: shownAdmins }, input.includeAdmins),
    }),
  );

const changedMessage = (now: number) =>
  `The number of logins has changed since the page was shown: this would now remove ${now.toLocaleString('en')}. ` +
  `Check the numbers and type "${confirmationPhrase(now)}" to confirm.`;

function confirmationProblem(typed: string, total: number, shownTotal: number | undefined): string | null {
  const typedNumber = numberInPhrase(typed);
  if (typedNumber === total) return null;
  if (!typed.trim()) return `Type "${confirmationPhrase(total)}" to confirm.`;
  if (shownTotal !== undefined && shownTotal !== total && typedNumber === shownTotal) {
    return changedMessage(total);
  }
  return `That does not match. Type "${confirmationPhrase(total)}" exactly to confirm.`;
}

/**
 * Clear All Usernames: removes member logins (and other administrators' logins when asked), never the
 * acting admin's. One transaction, set-based: the removed accounts are moved whole into cleared_logins by
 * a single DELETE … RETURNING, so what is copied is exactly what is removed, and the count is compared
 * with the typed one before anything commits. Sessions and reset links cascade away with the accounts;
 * members.has_login follows by trigger, so the members are back in Invitation Codes.
 */
export async function clearAllUsernames(
  deps: Deps,
  actor: Actor,
  input: ClearInput,
): Promise<{ clearId: number; removed: number }> {
  requirePermission(actor, 'logins.clearAll');
  const actorId = actor.accountId;
  if (actorId === null) {
    throw new AppError(
      'forbidden',
      'Clear All Usernames is confirmed with a signed-in administrator’s password.',
    );
  }
  const now = deps.clock.now();
  const total = totalToClear(await countClearableLogins(deps, actor), input.includeAdmins);
  const errors: Record<string, string> = {};
  if (total === 0) errors.confirmation = 'There are no logins to remove.';
  else {
    const problem = confirmationProblem(input.confirmation, total, input.shownTotal);
    if (problem) errors.confirmation = problem;
  }
  if (!input.password) errors.password = 'Enter your password.';
  // Throttled like a login (a stolen session must not get unlimited tries), counted before the check.
  else if (!(await ownPasswordMatches(deps, actorId, input.password, 'password'))) {
    errors.password = 'That is not your password.';
  }
  if (Object.keys(errors).length > 0) throw new ValidationErrors(errors);

  const result = await deps.db.transaction(async (tx) => {
    const [clear] = await tx
      .insert(loginClears)
      .values({
        at: now,
        actorAccountId: actorId,
        actorLabel: actor.label,
        includedAdmins: input.includeAdmins,
        removed: total,
        restorableUntil: new Date(now.getTime() + RESTORE_WINDOW_MS),
      })
      .returning({ id: loginClears.id });
    const clearId = clear!.id;
    const [moved] = await queryRows(
      tx,
      sql`with removed as (
            delete from accounts
            where id <> ${actorId}::bigint and (role = 'member' or ${input.includeAdmins}::boolean)
            returning *
          ), kept as (
            insert into cleared_logins (clear_id, ${clearedColumnList()})
            select ${clearId}::bigint, ${accountColumnList()} from removed
            returning member_id
          )
          select count(*) as n from kept`,
      { n: 'number' },
    );
    const removed = moved?.n ?? 0;
    // Someone made or lost a login between the check and now: refuse rather than remove a number nobody saw.
    if (removed !== total) throw new ValidationErrors({ confirmation: changedMessage(removed) });
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
  });
  // This process shows the Invitation Codes count next; do not let it serve the cached number from before.
  forgetPendingCount(deps.db);
  return result;
}
