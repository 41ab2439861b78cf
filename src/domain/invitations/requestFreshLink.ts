import { eq } from 'drizzle-orm';
import { members } from '../../db/schema.ts';
import { isAppError } from '../../errors.ts';
import { reserveAttempt } from '../auth/throttle.ts';
import { throttleRule } from '../auth/throttleRules.ts';
import type { Deps } from '../deps.ts';
import { findInvitationIn, type InvitationRef } from './acceptInvitation.ts';
import { matchTypedCode } from './checkTypedCode.ts';
import type { FoundInvitation } from './findInvitation.ts';
import { queueOneInvitation } from './queueInvitations.ts';

/**
 * "Email me a fresh link" on an expired, used or revoked invitation. The new link goes only to the
 * roster's address for that member, only while the member has no login, at most once an hour per member
 * (and 10 requests an hour per address). The caller shows the same answer whatever happened here.
 */
export async function requestFreshLink(deps: Deps, ref: InvitationRef, ip: string | null): Promise<void> {
  const now = deps.clock.now();
  if (!(await reserveAttempt(deps.db, [throttleRule('fresh-ip', ip)], now)).reserved) return;
  const invitation = await invitationOf(deps, ref, ip, now);
  if (!invitation || invitation.state === 'valid') return;
  const [member] = await deps.db
    .select({ hasLogin: members.hasLogin })
    .from(members)
    .where(eq(members.id, invitation.memberId));
  if (!member || member.hasLogin) return;
  const perMember = [throttleRule('fresh-member', invitation.memberId)];
  if (!(await reserveAttempt(deps.db, perMember, now)).reserved) return;
  const selfService = { accountId: null, label: 'member (self-service)', role: 'member' as const, ip };
  await queueOneInvitation(deps, selfService, invitation.memberId, 'invitation.fresh_link_requested');
}

// A typed code is checked here too, so it is counted by the code throttle like every other check of it.
async function invitationOf(
  deps: Deps,
  ref: InvitationRef,
  ip: string | null,
  now: Date,
): Promise<FoundInvitation | null> {
  if ('token' in ref) return findInvitationIn(deps.db, ref, now);
  try {
    return await matchTypedCode(deps, ref, ip);
  } catch (e) {
    if (isAppError(e) && e.code === 'rate_limited') return null;
    throw e;
  }
}
