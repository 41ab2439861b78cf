import { z } from 'zod';
import { AppError, ValidationErrors } from '../../errors.ts';
import { ownPasswordMatches } from '../auth/reauthenticate.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { confirmationPhrase, countClearableLogins, numberInPhrase, totalToClear } from './clearableLogins.ts';
import { changedMessage } from './clearLogins.ts';
import { recordRequestIn } from './loginClearRequests.ts';
import { wakeLoginClearJob } from './wakeLoginClearJob.ts';

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
 * Clear All Usernames as asked for on its form: checks the typed phrase against the logins there are now
 * and the admin's own password, then records the request for the worker (one transaction) and wakes it.
 * The clear itself (`clearLoginsIn`) runs in the background and re-checks the count; the request's page
 * follows it. Only one clear or restore waits or runs at a time.
 */
export async function clearAllUsernames(
  deps: Deps,
  actor: Actor,
  input: ClearInput,
): Promise<{ requestId: number }> {
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

  const requestId = await deps.db.transaction((tx) =>
    recordRequestIn(
      tx,
      now,
      { ...actor, accountId: actorId },
      { kind: 'clear', includeAdmins: input.includeAdmins, confirmed: total },
      'confirmation',
    ),
  );
  await wakeLoginClearJob(deps);
  return { requestId };
}
