import { renderEmailChangedEmail } from '../../email/templates/emailChanged.tsx';
import type { RenderedEmail } from '../../email/templates/layout.tsx';
import { renderPasswordResetEmail } from '../../email/templates/passwordReset.tsx';
import { renderSecondStepChangedEmail } from '../../email/templates/secondStepChanged.tsx';
import { renderUsernameChangedEmail } from '../../email/templates/usernameChanged.tsx';
import { renderUsernameReminderEmail } from '../../email/templates/usernameReminder.tsx';
import { resetLink } from '../accounts/passwordResets.ts';
import type { Deps } from '../deps.ts';
import { invitationLink } from '../invitations/invitationSecrets.ts';
import { type EffectiveSettings, senderOf } from '../settings/organisationSettings.ts';
import type { ClaimedMessage } from './claimDueMessages.ts';
import { invitationRenderer } from './invitationTemplates.ts';
import type { MessageSecret } from './storedCopy.ts';

/** A claimed message as an email, with the secrets its stored copy must not hold (see storedCopy). */
export type PreparedEmail = {
  email: RenderedEmail & { to: string } & ReturnType<typeof senderOf>;
  secrets: MessageSecret[];
};

/** Renders the messages of one batch: `settings` are the organisation settings in effect for it. */
export function batchRenderer(deps: Deps, settings: EffectiveSettings): (m: ClaimedMessage) => PreparedEmail {
  const invitation = invitationRenderer((token) => invitationLink(deps.config.publicUrl, token));
  return (m) => renderMessage(deps, m, settings, invitation);
}

/**
 * Renders any kind of message; a kind without a template is a programming error, not a silent drop.
 * `settings`: the organisation settings in effect for this batch (name, sender, reply-to, opening).
 * `invitations`: a batch's renderer (batchRenderer), which renders each shape of invitation only once.
 */
export function renderMessage(
  deps: Deps,
  m: ClaimedMessage,
  settings: EffectiveSettings,
  invitations = invitationRenderer((token) => invitationLink(deps.config.publicUrl, token)),
): PreparedEmail {
  const { publicUrl } = deps.config;
  const { orgName } = settings;
  const firstName = m.firstName ?? '';
  const done = (email: RenderedEmail, secrets: MessageSecret[] = []): PreparedEmail => ({
    email: { to: m.toAddress, ...senderOf(settings, deps.config), ...email },
    secrets,
  });
  switch (m.kind) {
    case 'invitation': {
      const invitation = m.invitation!;
      const link = invitationLink(publicUrl, invitation.token);
      const email = invitations({
        orgName,
        firstName,
        inviterName: m.inviterName ?? orgName,
        reminder: m.isReminder,
        token: invitation.token,
        code: invitation.code,
        expiresAt: invitation.expiresAt,
        portalUrl: publicUrl,
        message: settings.invitationMessage,
      });
      // Kept without SMTP for a Security Administrator to reveal: they could issue a new one anyway.
      return done(email, [
        { label: 'link', value: link, keepable: true },
        { label: 'link', value: invitation.token, keepable: true },
        { label: 'code', value: invitation.code, keepable: true },
      ]);
    }
    case 'password_reset': {
      const reset = m.passwordReset!;
      const link = resetLink(publicUrl, reset.token);
      const email = renderPasswordResetEmail({
        orgName,
        firstName,
        username: m.username ?? '',
        link,
        expiresAt: reset.expiresAt,
        portalUrl: publicUrl,
      });
      // Never kept, with or without SMTP: whoever reads it can take over the login.
      return done(email, [
        { label: 'link', value: link, keepable: false },
        { label: 'link', value: reset.token, keepable: false },
      ]);
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
    case 'second_step_added':
    case 'second_step_removed': {
      const change = m.kind === 'second_step_added' ? 'added' : 'removed';
      return done(renderSecondStepChangedEmail({ orgName, firstName, change, portalUrl: publicUrl }));
    }
    default:
      throw new Error(`No email template for messages of kind ${m.kind}`);
  }
}
