import { eq } from 'drizzle-orm';
import { members } from '../../db/schema.ts';
import { countAttempt, throttledForMs } from '../auth/throttle.ts';
import type { Deps } from '../deps.ts';
import { findInvitation, type InvitationRef } from './acceptInvitation.ts';
import { queueOneInvitation } from './queueInvitations.ts';

const HOUR_MS = 60 * 60_000;

/**
 * "Email me a fresh link" on an expired, used or revoked invitation. The new link goes only to the
 * roster's address for that member, only while the member has no login, at most once an hour per member
 * (and 10 requests an hour per address). The caller shows the same answer whatever happened here.
 */
export async function requestFreshLink(deps: Deps, ref: InvitationRef, ip: string | null): Promise<void> {
  const now = deps.clock.now();
  const ipRule = { key: `fresh-ip:${ip ?? 'unknown'}`, limit: 10, windowMs: HOUR_MS };
  if ((await throttledForMs(deps.db, [ipRule], now)) > 0) return;
  await countAttempt(deps.db, [ipRule], now);
  const invitation = await findInvitation(deps.db, ref, now);
  if (!invitation || invitation.state === 'valid') return;
  const [member] = await deps.db
    .select({ hasLogin: members.hasLogin })
    .from(members)
    .where(eq(members.id, invitation.memberId));
  if (!member || member.hasLogin) return;
  const memberRule = { key: `fresh-member:${invitation.memberId}`, limit: 1, windowMs: HOUR_MS };
  if ((await throttledForMs(deps.db, [memberRule], now)) > 0) return;
  await countAttempt(deps.db, [memberRule], now);
  const selfService = { accountId: null, label: 'member (self-service)', role: 'member' as const, ip };
  await queueOneInvitation(deps, selfService, invitation.memberId, 'invitation.fresh_link_requested');
}
