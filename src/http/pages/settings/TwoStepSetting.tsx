import { paths } from '../../paths.ts';
import { CsrfField } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';

/** Organisation settings > Two-step verification: Security Administrators always; Administrators if ticked. */
export function TwoStepSetting({ ctx, requireForAdmins }: { ctx: PageContext; requireForAdmins: boolean }) {
  return (
    <section class="card" aria-labelledby="two-step-heading">
      <h2 id="two-step-heading">Two-step verification</h2>
      <p>
        Security Administrators always sign in with a second step (an authenticator app or a passkey). Members
        may turn it on for themselves.
      </p>
      <form method="post" action={paths.twoStepSetting}>
        <CsrfField token={ctx.csrfToken} />
        <div class="field checkbox">
          <input
            type="checkbox"
            id="requireForAdmins"
            name="requireForAdmins"
            value="on"
            checked={requireForAdmins}
            aria-describedby="requireForAdmins-hint"
          />
          <label for="requireForAdmins">Require two-step verification for Administrators</label>
          <p class="hint" id="requireForAdmins-hint">
            An Administrator without a second step sets one up at their next page view, before anything else.
          </p>
        </div>
        <button type="submit" class="secondary">
          Save two-step setting
        </button>
      </form>
    </section>
  );
}
