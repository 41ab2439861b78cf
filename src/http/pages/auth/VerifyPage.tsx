import type { ComponentChildren } from 'preact';
import { paths } from '../../paths.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../ui/forms.tsx';
import { Layout, type PageContext } from '../../ui/Layout.tsx';

type Props = {
  ctx: PageContext;
  next?: string;
  errors?: FieldErrors;
  /** The `Use a passkey` form, when passkeys exist (the passkey routes render it). */
  passkey?: ComponentChildren;
};

/** The sign-in's second step: a code from the authenticator app, or a recovery code (or a passkey). */
export function VerifyPage({ ctx, next, errors, passkey }: Props) {
  return (
    <Layout ctx={ctx} title="Two-step verification">
      <div class="card narrow">
        <h1>Two-step verification</h1>
        <p>Your password was right. To finish signing in, confirm it is you.</p>
        <ErrorSummary errors={errors} />
        <form method="post" action={paths.loginVerify} novalidate>
          <CsrfField token={ctx.csrfToken} />
          {next && <input type="hidden" name="next" value={next} />}
          <Field
            name="code"
            label="Code"
            hint="The six-digit code your authenticator app shows, or one of your recovery codes."
            autocomplete="one-time-code"
            required
            errors={errors}
          />
          <button type="submit">Verify</button>
        </form>
        {passkey}
        <ul class="login-help">
          <li>
            <a href={paths.login}>Start again</a>
          </li>
        </ul>
      </div>
    </Layout>
  );
}
