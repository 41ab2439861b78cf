import { paths } from '../../paths.ts';
import { CsrfField, ErrorSummary, type FieldErrors } from '../../ui/forms.tsx';
import { Layout, type PageContext } from '../../ui/Layout.tsx';
import { PasswordField } from '../../ui/PasswordField.tsx';

type FormProps = { ctx: PageContext; action: string; username: string; errors?: FieldErrors };

export function ResetPasswordPage({ ctx, action, username, errors }: FormProps) {
  return (
    <Layout ctx={ctx} title="Set a new password">
      <div class="card narrow">
        <h1>Set a new password</h1>
        <p>
          Choose a new password for the login <strong>{username}</strong>. Every device where this login is
          signed in will be logged out.
        </p>
        <ErrorSummary errors={errors} />
        <form method="post" action={action} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <PasswordField
            name="newPassword"
            label="New password"
            minLength={ctx.passwordMinLength}
            orgName={ctx.orgName}
            words={[username]}
            errors={errors}
          />
          <button type="submit">Set new password</button>
        </form>
      </div>
    </Layout>
  );
}

export type ResetProblem = 'expired' | 'used' | 'unknown';

const problemTitle: Record<ResetProblem, string> = {
  expired: 'This link has expired',
  used: 'This link has already been used',
  unknown: 'This link is not valid',
};

const problemText: Record<ResetProblem, string> = {
  expired: 'Password reset links work for one hour, and this one has run out.',
  used: 'A new password has already been set with this link, or a newer link was used. Each link works once.',
  unknown: 'The link may have been copied incompletely, or it was never issued.',
};

/** Said before anyone types anything: what is wrong with the link, and how to get a new one. */
export function ResetProblemPage({ ctx, state }: { ctx: PageContext; state: ResetProblem }) {
  return (
    <Layout ctx={ctx} title={problemTitle[state]}>
      <div class="card narrow">
        <h1>{problemTitle[state]}</h1>
        <p>{problemText[state]}</p>
        <p>
          <a href={paths.forgotPassword}>Request a new link</a>
        </p>
        <p>
          <a href={paths.login}>Log in</a>
        </p>
      </div>
    </Layout>
  );
}
