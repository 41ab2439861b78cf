import {
  EmailLayout,
  emailStyles,
  oneLine,
  type RenderedEmail,
  renderEmailHtml,
  textParagraphs,
} from './layout.tsx';

export type UsernameReminderEmailInput = {
  orgName: string;
  firstName: string;
  username: string;
  /** PUBLIC_URL, without a trailing slash. */
  portalUrl: string;
};

/** "Forgot username?": the username of this member's login, and where to go if the password is gone too. */
export function renderUsernameReminderEmail(input: UsernameReminderEmailInput): RenderedEmail {
  const { orgName, firstName, username, portalUrl } = input;
  const subject = oneLine(`Your username for the ${orgName} member portal`);
  const loginUrl = `${portalUrl}/login`;
  const forgotUrl = `${portalUrl}/forgot-password`;
  const intro = `Someone (hopefully you) asked which username your login on the ${orgName} member portal has.`;
  const ignore = 'If you did not ask, you can ignore this email: nothing about your login has changed.';
  const footer = `You receive this email because your login on the ${orgName} member portal uses this email address.`;

  const text = textParagraphs([
    `Hello ${firstName},`,
    intro,
    `Your username is:\n${username}`,
    `Log in at ${loginUrl}. If you have forgotten your password as well, set a new one at ${forgotUrl}.`,
    ignore,
    `-- \n${footer}`,
  ]);

  const html = renderEmailHtml(
    <EmailLayout orgName={orgName} title={subject} footer={footer}>
      <p style="margin-top:0;">Hello {firstName},</p>
      <p>{intro}</p>
      <p>Your username is:</p>
      <p>
        <span style={emailStyles.code}>{username}</span>
      </p>
      <p>
        Log in at <a href={loginUrl}>{loginUrl}</a>. If you have forgotten your password as well, set a new
        one at <a href={forgotUrl}>{forgotUrl}</a>.
      </p>
      <p style="margin-bottom:0;">{ignore}</p>
    </EmailLayout>,
  );

  return { subject, text, html };
}
