import { renderEmailChangedEmail } from '../../email/templates/emailChanged.tsx';
import { renderInvitationEmail } from '../../email/templates/invitation.tsx';
import type { RenderedEmail } from '../../email/templates/layout.tsx';
import { renderPasswordResetEmail } from '../../email/templates/passwordReset.tsx';
import { renderUsernameChangedEmail } from '../../email/templates/usernameChanged.tsx';
import { renderUsernameReminderEmail } from '../../email/templates/usernameReminder.tsx';
import { resetLink } from '../accounts/passwordResets.ts';
import type { Deps } from '../deps.ts';
import { invitationLink } from '../invitations/invitationSecrets.ts';
import type { ClaimedMessage } from './claimDueMessages.ts';

/** A claimed message as an email, with the secrets the Email Log must not keep once it was delivered. */
export type PreparedEmail = { email: RenderedEmail & { to: string }; secrets: string[] };

/** Renders any kind of message; a kind without a template is a programming error, not a silent drop. */
export function renderMessage(deps: Deps, m: ClaimedMessage): PreparedEmail {
  const { publicUrl, orgName } = deps.config;
  const firstName = m.firstName ?? '';
  const done = (email: RenderedEmail, secrets: string[] = []): PreparedEmail => ({
    email: { to: m.toAddress, ...email },
    secrets,
  });
  switch (m.kind) {
    case 'invitation': {
      const invitation = m.invitation!;
      const email = renderInvitationEmail({
        orgName,
        firstName,
        inviterName: m.inviterName ?? orgName,
        reminder: m.isReminder,
        link: invitationLink(publicUrl, invitation.token),
        code: invitation.code,
        expiresAt: invitation.expiresAt,
        portalUrl: publicUrl,
      });
      return done(email, [invitation.token, invitation.code]);
    }
    case 'password_reset': {
      const reset = m.passwordReset!;
      const email = renderPasswordResetEmail({
        orgName,
        firstName,
        username: m.username ?? '',
        link: resetLink(publicUrl, reset.token),
        expiresAt: reset.expiresAt,
        portalUrl: publicUrl,
      });
      return done(email, [reset.token]);
    }
    case 'username_reminder':
      return done(
        renderUsernameReminderEmail({ orgName, firstName, username: m.username ?? '', portalUrl: publicUrl }),
      );
    case 'username_changed':
      return done(
        renderUsernameChangedEmail({ orgName, firstName, username: m.username ?? '', portalUrl: publicUrl }),
      );
    case 'email_changed':
      return done(
        renderEmailChangedEmail({ orgName, firstName, username: m.username ?? '', portalUrl: publicUrl }),
      );
    default:
      throw new Error(`No email template for messages of kind ${m.kind}`);
  }
}
