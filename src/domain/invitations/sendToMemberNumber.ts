import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { members } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { sendInvitation } from './queueInvitations.ts';

/** The member with this roster number (the number a membership database knows them by), or a 404. */
export async function memberIdByNumber(db: DbOrTx, memberNumber: string): Promise<number> {
  const [row] = await db
    .select({ id: members.id })
    .from(members)
    .where(eq(members.memberNumber, memberNumber));
  if (!row)
    throw new AppError('not_found', `There is no member with number ${memberNumber}.`, 'member_number');
  return row.id;
}

/**
 * Send, for a caller that names the member by number (the JSON API): the same rules and audit event as
 * the row's Send on Invitation Codes, which it calls.
 */
export async function sendToMemberNumber(deps: Deps, actor: Actor, memberNumber: string) {
  requirePermission(actor, 'invitations.send');
  return sendInvitation(deps, actor, await memberIdByNumber(deps.db, memberNumber));
}
