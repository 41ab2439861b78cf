import {
  EmailLayout,
  emailStyles,
  oneLine,
  type RenderedEmail,
  renderEmailHtml,
  textParagraphs,
} from './layout.tsx';

export type UsernameChangedEmailInput = {
  orgName: string;
  firstName: string;
  /** The login's username when the email is sent (a later change wins over an earlier one). */
  username: string;
  /** PUBLIC_URL, without a trailing slash. */
  portalUrl: string;
};

/**
 * Tells a member an administrator changed their username: without it they would be locked out by a
 * name they never chose. Says what to do if the change was not expected, since it may be an attack.
 */
export function renderUsernameChangedEmail(input: UsernameChangedEmailInput): RenderedEmail {
  const { orgName, firstName, username, portalUrl } = input;
  const subject = oneLine(`Your username for the ${orgName} member portal has changed`);
  const loginUrl = `${portalUrl}/login`;
  const what = `An administrator of ${orgName} has changed the username of your login on the member portal. Your password has not changed.`;
  const unexpected = `If you did not expect this change, contact ${orgName} straight away and do not follow links in emails you cannot place.`;
  const footer = `You receive this email because your login on the ${orgName} member portal uses this email address.`;

  const text = textParagraphs([
    `Hello ${firstName},`,
    what,
    `Your new username is:\n${username}`,
    `Log in at ${loginUrl} with your new username.`,
    unexpected,
    `-- \n${footer}`,
  ]);

  const html = renderEmailHtml(
    <EmailLayout orgName={orgName} title={subject} footer={footer}>
      <p style="margin-top:0;">Hello {firstName},</p>
      <p>{what}</p>
      <p>Your new username is:</p>
      <p>
        <span style={emailStyles.code}>{username}</span>
      </p>
      <p>
        Log in at <a href={loginUrl}>{loginUrl}</a> with your new username.
      </p>
      <p style="margin-bottom:0;">
        <strong>{unexpected}</strong>
      </p>
    </EmailLayout>,
  );

  return { subject, text, html };
}
