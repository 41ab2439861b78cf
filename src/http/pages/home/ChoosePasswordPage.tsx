import { paths } from '../../paths.ts';
import { CsrfField, ErrorSummary, type FieldErrors } from '../../ui/forms.tsx';
import { Layout, type PageContext } from '../../ui/Layout.tsx';
import { PasswordField } from '../../ui/PasswordField.tsx';

type Props = { ctx: PageContext; next?: string; errors?: FieldErrors };

/** The only page a login with an administrator-set temporary password can open until it is replaced. */
export function ChoosePasswordPage({ ctx, next, errors }: Props) {
  return (
    <Layout ctx={ctx} title="Choose a new password">
      <div class="card narrow">
        <h1>Choose a new password</h1>
        <p>
          An administrator set a temporary password for your login. Choose your own password now; the
          temporary one stops working.
        </p>
        <ErrorSummary errors={errors} />
        <form method="post" action={paths.choosePassword} novalidate>
          <CsrfField token={ctx.csrfToken} />
          {next && <input type="hidden" name="next" value={next} />}
          <PasswordField
            name="newPassword"
            label="New password"
            minLength={ctx.passwordMinLength}
            orgName={ctx.orgName}
            words={ctx.user ? [ctx.user.username, ctx.user.firstName] : []}
            errors={errors}
          />
          <button type="submit">Save new password</button>
        </form>
      </div>
    </Layout>
  );
}
