import { EmailLayout, oneLine, type RenderedEmail, renderEmailHtml, textParagraphs } from './layout.tsx';

export type EmailChangedEmailInput = {
  orgName: string;
  firstName: string;
  /** The login's username when the email is sent. */
  username: string;
  /** PUBLIC_URL, without a trailing slash. */
  portalUrl: string;
};

/**
 * Sent to the OLD address when a roster change gives a member with a login a new one: from then on,
 * password reset links go to the new address, so a change the member did not expect may be an attempt to
 * take over the login. The new address is not written here: this mailbox may no longer be the member's.
 */
export function renderEmailChangedEmail(input: EmailChangedEmailInput): RenderedEmail {
  const { orgName, firstName, username, portalUrl } = input;
  const subject = oneLine(`The email address of your ${orgName} member portal login has changed`);
  const what = `${orgName} has changed the email address it has on file for you, which is the address of your login "${username}" on the member portal. Emails about your login, such as password reset links, now go to the new address instead of this one. Your username and password have not changed.`;
  const unexpected = `If you did not expect this change, contact ${orgName} straight away: someone else may be trying to take over your login.`;
  const footer = `You receive this email because your login on the ${orgName} member portal (${portalUrl}) used this email address until now.`;

  const text = textParagraphs([`Hello ${firstName},`, what, unexpected, `-- \n${footer}`]);

  const html = renderEmailHtml(
    <EmailLayout orgName={orgName} title={subject} footer={footer}>
      <p style="margin-top:0;">Hello {firstName},</p>
      <p>{what}</p>
      <p style="margin-bottom:0;">
        <strong>{unexpected}</strong>
      </p>
    </EmailLayout>,
  );

  return { subject, text, html };
}
