import type { EmailMessageDetail } from '../../../domain/emailLog/emailLog.ts';
import { paths } from '../../paths.ts';
import { StepUpField } from '../../stepUp/StepUpField.tsx';
import { CsrfField, type FieldErrors } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';

/**
 * What became of the secrets a message carried: a reset link is never kept; a kept invitation's link and
 * code are hidden until a Security Administrator reveals them, each reveal recorded in the Audit Log.
 */
export function SecretsNotice({
  ctx,
  message,
  errors,
}: {
  ctx: PageContext;
  message: EmailMessageDetail;
  errors?: FieldErrors;
}) {
  if (message.kind === 'password_reset' && message.textBody !== null) {
    return (
      <div class="notice" role="note">
        The password reset link is not kept in the Email Log: only the member’s own mailbox may hold it.
        Without an SMTP server, a Security Administrator can set a temporary password for the member instead
        (Change login, on the member’s profile).
      </div>
    );
  }
  if (message.secrets === 'revealed') {
    return (
      <div class="warning" role="note">
        <strong>The link and code are revealed for you, and this is recorded in the Audit Log.</strong> Pass
        them only to the member they are for: whoever has them can create this member’s login.
      </div>
    );
  }
  if (message.secrets !== 'hidden') return null;
  if (!message.canReveal) {
    return (
      <div class="notice" role="note">
        The invitation link and code are hidden: only a Security Administrator can reveal them.
      </div>
    );
  }
  return (
    <form class="notice" method="post" action={paths.revealSecrets(message.id)}>
      <CsrfField token={ctx.csrfToken} />
      <p>
        The invitation link and code are hidden. Reveal them only to hand them to the member they are for;
        each reveal is recorded in the Audit Log.
      </p>
      <StepUpField ctx={ctx} errors={errors} />
      <button type="submit">Reveal link and code</button>
    </form>
  );
}
