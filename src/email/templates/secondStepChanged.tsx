import { EmailLayout, oneLine, type RenderedEmail, renderEmailHtml, textParagraphs } from './layout.tsx';

export type SecondStepChangedEmailInput = {
  orgName: string;
  firstName: string;
  /** `added`: an authenticator app (or passkey) now guards the login; `removed`: one was taken away. */
  change: 'added' | 'removed';
  /** PUBLIC_URL, without a trailing slash. */
  portalUrl: string;
};

/**
 * Tells a person that the second step of their login changed: an attacker who got in with a password
 * would add their own authenticator, or remove the owner's; the owner must hear of either at once.
 */
export function renderSecondStepChangedEmail(input: SecondStepChangedEmailInput): RenderedEmail {
  const { orgName, firstName, change, portalUrl } = input;
  const subject = oneLine(
    change === 'added'
      ? `A second step was added to your ${orgName} login`
      : `A second step was removed from your ${orgName} login`,
  );
  const securityUrl = `${portalUrl}/home/security`;
  const what =
    change === 'added'
      ? `A second step for signing in (an authenticator app or a passkey) was added to your login on the ${orgName} member portal.`
      : `A second step for signing in (an authenticator app or a passkey) was removed from your login on the ${orgName} member portal, by you or by a Security Administrator.`;
  const check = `You can see your login's second steps at ${securityUrl}.`;
  const unexpected = `If you did not expect this, contact ${orgName} straight away and change your password.`;
  const footer = `You receive this email because your login on the ${orgName} member portal uses this email address.`;

  const text = textParagraphs([`Hello ${firstName},`, what, check, unexpected, `-- \n${footer}`]);
  const html = renderEmailHtml(
    <EmailLayout orgName={orgName} title={subject} footer={footer}>
      <p style="margin-top:0;">Hello {firstName},</p>
      <p>{what}</p>
      <p>
        You can see your login's second steps at <a href={securityUrl}>{securityUrl}</a>.
      </p>
      <p style="margin-bottom:0;">
        <strong>{unexpected}</strong>
      </p>
    </EmailLayout>,
  );
  return { subject, text, html };
}
