import { and, eq } from 'drizzle-orm';
import { members } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import type { DeliveryState } from '../vocabulary.ts';
import { type MemberRow, readMemberRow } from './lockMemberRow.ts';
import { isRosterMember } from './madeUpNumbers.ts';

/**
 * A roster member as the JSON API shows them to a sync script (`GET /api/v1/members`, `…/{number}`):
 * the roster record, the login if any, and what became of the invitations — the summary the members row
 * keeps, so no page of a thousand members reads the message history.
 */
export type SyncMember = {
  memberNumber: string;
  firstName: string;
  lastName: string;
  email: string;
  status: 'current' | 'lapsed';
  updatedAt: Date;
  login: { username: string; createdAt: Date; lastLoginAt: Date | null } | null;
  invitations: { sent: number; lastSentAt: Date | null; deliveryState: DeliveryState | null };
};

/** The member columns a SyncMember is made of (the list selects exactly these). */
export type SyncMemberRecord = Pick<
  MemberRow['member'],
  | 'memberNumber'
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'status'
  | 'updatedAt'
  | 'invitationsSent'
  | 'lastInvitedAt'
  | 'deliveryState'
>;
export type SyncLogin = { username: string; createdAt: Date; lastLoginAt: Date | null };

/** The one mapping from a member row (and login) to what the API shows: list and read share it. */
export const syncMemberOf = (member: SyncMemberRecord, login: SyncLogin | null): SyncMember => ({
  memberNumber: member.memberNumber,
  firstName: member.firstName,
  lastName: member.lastName,
  email: member.email,
  status: member.status,
  updatedAt: member.updatedAt,
  login: login && { username: login.username, createdAt: login.createdAt, lastLoginAt: login.lastLoginAt },
  invitations: {
    sent: member.invitationsSent,
    lastSentAt: member.lastInvitedAt,
    deliveryState: member.deliveryState,
  },
});

/**
 * One member by member number. Made-up administrator records (decision 0020) are not roster members,
 * so, as in the list, their numbers are not found.
 */
export async function readSyncMember(
  deps: Pick<Deps, 'db'>,
  actor: Actor,
  memberNumber: string,
): Promise<SyncMember> {
  requirePermission(actor, 'members.read');
  const notFound = () => new AppError('not_found', `There is no member with number ${memberNumber}.`);
  const [found] = await deps.db
    .select({ id: members.id })
    .from(members)
    .where(and(eq(members.memberNumber, memberNumber), isRosterMember(members.memberNumber)));
  if (!found) throw notFound();
  // The one member-with-login reader; a member removed since the line above is not found either.
  const row = await readMemberRow(deps.db, found.id).catch((e: unknown) => {
    throw e instanceof AppError && e.code === 'not_found' ? notFound() : e;
  });
  return syncMemberOf(row.member, row.login);
}
