import {
  EmailLayout,
  formatEmailDate,
  oneLine,
  PersonalLink,
  type RenderedEmail,
  renderEmailHtml,
  textParagraphs,
} from './layout.tsx';

export type PasswordResetEmailInput = {
  orgName: string;
  firstName: string;
  /** Several logins may share one address: the username says which login this link is for. */
  username: string;
  /** PUBLIC_URL/reset-password/<token>. */
  link: string;
  expiresAt: Date;
  /** PUBLIC_URL, without a trailing slash. */
  portalUrl: string;
};

/**
 * The link for setting a new password. It says which login it is for, when it stops working, and that
 * ignoring it is safe: someone else may have typed this member's username or address.
 */
export function renderPasswordResetEmail(input: PasswordResetEmailInput): RenderedEmail {
  const { orgName, firstName, username, link, expiresAt, portalUrl } = input;
  const subject = oneLine(`Set a new password for the ${orgName} member portal`);
  const expires = formatEmailDate(expiresAt);
  // Neutral about who asked: the member on "Forgot password?", or an administrator helping them.
  const why = `A new password was requested for your login "${username}" on the ${orgName} member portal — by you, or by an administrator helping you.`;
  const ignore =
    'If you did not ask for this, you can ignore this email: your password stays as it is and nobody can use this link without access to your mailbox.';
  const footer = `You receive this email because your login on the ${orgName} member portal (${portalUrl}) uses this email address.`;

  const text = textParagraphs([
    `Hello ${firstName},`,
    why,
    `Open this link to choose a new password (please do not share it):\n${link}`,
    `The link works once, until ${expires}. After that, ask for a new one at ${portalUrl}/forgot-password.`,
    ignore,
    `-- \n${footer}`,
  ]);

  const html = renderEmailHtml(
    <EmailLayout orgName={orgName} title={subject} footer={footer}>
      <p style="margin-top:0;">Hello {firstName},</p>
      <p>{why}</p>
      <PersonalLink link={link} label="Set a new password" />
      <p>
        The link works once, until <strong>{expires}</strong>. After that, ask for a new one at{' '}
        <a href={`${portalUrl}/forgot-password`}>{`${portalUrl}/forgot-password`}</a>.
      </p>
      <p style="margin-bottom:0;">{ignore}</p>
    </EmailLayout>,
  );

  return { subject, text, html };
}
