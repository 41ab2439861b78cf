import { and, eq, isNull } from 'drizzle-orm';
import { accounts, invitations, members } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { linkExpiryMs, readSettings } from '../settings/organisationSettings.ts';
import { invitationLink } from './invitationSecrets.ts';
import { issueInvitations } from './issueInvitations.ts';

/**
 * Re-enable Invite Link: revokes every older link of the member and issues one fresh link, shown to the
 * Security Administrator for copying (it is not emailed). For a member who has a login, completing the
 * link replaces their username and password; until then the current login keeps working.
 */
export async function reenableInviteLink(deps: Deps, actor: Actor, memberId: number) {
  requirePermission(actor, 'logins.manage');
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const [member] = await tx.select().from(members).where(eq(members.id, memberId)).for('update');
    if (!member) throw new AppError('not_found', 'There is no member with that id.');
    const [account] = await tx
      .select({ id: accounts.id })
      .from(accounts)
      .where(eq(accounts.memberId, memberId));
    const revoked = await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(
        and(eq(invitations.memberId, memberId), isNull(invitations.usedAt), isNull(invitations.revokedAt)),
      )
      .returning({ id: invitations.id });
    const [issued] = await issueInvitations(
      tx,
      [{ memberId, roundId: null, replacesLogin: Boolean(account) }],
      {
        now,
        expiryMs: linkExpiryMs(await readSettings({ db: tx, config: deps.config })),
      },
    );
    await recordAudit(tx, now, actor, 'invitation.reenabled', {
      memberId,
      details: {
        invitationId: issued!.invitationId,
        revokedInvitations: revoked.length,
        replacesLogin: Boolean(account),
      },
    });
    return {
      link: invitationLink(deps.config.publicUrl, issued!.token),
      code: issued!.code,
      expiresAt: issued!.expiresAt,
      revokedCount: revoked.length,
      replacesLogin: Boolean(account),
      memberName: `${member.firstName} ${member.lastName}`,
    };
  });
}
