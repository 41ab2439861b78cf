import { eq } from 'drizzle-orm';
import { accounts, members } from '../../db/schema.ts';
import { renderInvitationEmail } from '../../email/templates/invitation.tsx';
import type { RenderedEmail } from '../../email/templates/layout.tsx';
import type { Deps } from '../deps.ts';
import { invitationLink } from '../invitations/invitationSecrets.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { type EffectiveSettings, linkExpiryMs, senderOf } from './organisationSettings.ts';

export type InvitationPreview = RenderedEmail & { from: string; replyTo: string | null };

// Plainly not a working link or code: the preview may be copied around.
const SAMPLE_TOKEN = 'preview-only-not-a-real-link';
const SAMPLE_CODE = 'PREVIEW0';

/**
 * The invitation email exactly as the delivery worker would write it with these settings (the same
 * template), addressed to the administrator looking at it and sent in their name, with a sample link.
 */
export async function invitationPreview(
  deps: Deps,
  actor: Actor,
  settings: EffectiveSettings,
): Promise<InvitationPreview> {
  requirePermission(actor, 'settings.manage');
  const [me] =
    actor.accountId === null
      ? []
      : await deps.db
          .select({ firstName: members.firstName, lastName: members.lastName })
          .from(accounts)
          .innerJoin(members, eq(members.id, accounts.memberId))
          .where(eq(accounts.id, actor.accountId));
  const email = renderInvitationEmail({
    orgName: settings.orgName,
    firstName: me?.firstName ?? 'Alex',
    inviterName: me ? `${me.firstName} ${me.lastName}` : settings.orgName,
    link: invitationLink(deps.config.publicUrl, SAMPLE_TOKEN),
    code: SAMPLE_CODE,
    expiresAt: new Date(deps.clock.now().getTime() + linkExpiryMs(settings)),
    portalUrl: deps.config.publicUrl,
    message: settings.invitationMessage,
  });
  const sender = senderOf(settings, deps.config);
  return {
    ...email,
    from: `${sender.from.name} <${sender.from.address}>`,
    replyTo: sender.replyTo ?? null,
  };
}
