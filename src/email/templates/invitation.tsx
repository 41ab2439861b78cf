import {
  EmailLayout,
  emailStyles,
  formatEmailDate,
  oneLine,
  PersonalLink,
  type RenderedEmail,
  renderEmailHtml,
  textParagraphs,
} from './layout.tsx';

export type InvitationEmailInput = {
  orgName: string;
  firstName: string;
  /** The admin who pressed Send / Send All, as members know them. */
  inviterName: string;
  /** Sent by an automatic reminder round: no admin to name, and the member has been invited before. */
  reminder?: boolean;
  /** The personal link, PUBLIC_URL/invite/<token>. */
  link: string;
  /** The short code for typing in at PUBLIC_URL/invite. */
  code: string;
  expiresAt: Date;
  /** PUBLIC_URL, without a trailing slash. */
  portalUrl: string;
  /**
   * The organisation's own opening (Organisation settings › Invitation message), in place of the
   * built-in sentence naming the inviter. A reminder keeps its own opening: it must say it is a reminder.
   */
  message?: string | null;
};

/**
 * The invitation: who sends it and why, the personal link, the typed-in code, when both expire. People
 * ignore mail they cannot place, so the first sentence names the sender and the organisation.
 */
export function renderInvitationEmail(input: InvitationEmailInput): RenderedEmail {
  const { orgName, firstName, inviterName, reminder, link, code, expiresAt, portalUrl, message } = input;
  const subject = oneLine(`${reminder ? 'Reminder: y' : 'Y'}our invitation to the ${orgName} member portal`);
  const codePage = `${portalUrl}/invite`;
  const expires = formatEmailDate(expiresAt);
  // Sent by the organisation itself (the command line, no admin's account): not "X of X".
  const inviter = inviterName === orgName ? orgName : `${inviterName} of ${orgName}`;
  const why = reminder
    ? `A reminder from ${orgName}: you are invited to create your login for the ${orgName} member portal, and have not done so yet. Here is a fresh link.`
    : message || `${inviter} invites you to create your login for the ${orgName} member portal.`;
  // The message may hold several paragraphs (blank lines between them).
  const opening = why.split(/\n\s*\n/).map((p) => p.trim());
  const footer = `You receive this email because you are on the member roster of ${orgName}. If you did not expect it, you can ignore it: nothing happens unless you create a login.`;

  const text = textParagraphs([
    `Hello ${firstName},`,
    ...opening,
    `Create your login by opening this personal link (please do not share it):\n${link}`,
    `Or go to ${codePage} and type this invitation code together with your email address or member number:\n${code}`,
    `The link and the code expire on ${expires}. If they have expired, open the link anyway to ask for a fresh one.`,
    `-- \n${footer}`,
  ]);

  const html = renderEmailHtml(
    <EmailLayout orgName={orgName} title={subject} footer={footer}>
      <p style="margin-top:0;">Hello {firstName},</p>
      {opening.map((p) => (
        <p key={p}>{p}</p>
      ))}
      <PersonalLink link={link} label="Create your login" />
      <p>
        Or go to <a href={codePage}>{codePage}</a> and type this invitation code together with your email
        address or member number:
      </p>
      <p>
        <span style={emailStyles.code}>{code}</span>
      </p>
      <p style="margin-bottom:0;">
        The link and the code expire on <strong>{expires}</strong>. If they have expired, open the link anyway
        to ask for a fresh one.
      </p>
    </EmailLayout>,
  );

  return { subject, text, html };
}
