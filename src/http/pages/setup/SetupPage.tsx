import { paths } from '../../paths.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors } from '../../ui/forms.tsx';
import { Layout, type PageContext } from '../../ui/Layout.tsx';
import { PasswordField } from '../../ui/PasswordField.tsx';

export type SetupValues = {
  firstName?: string;
  lastName?: string;
  email?: string;
  username?: string;
  memberNumber?: string;
  checkedEmail?: string;
};

type Props = { ctx: PageContext; token: string; values?: SetupValues; errors?: FieldErrors };

export function SetupPage({ ctx, token, values = {}, errors }: Props) {
  return (
    <Layout ctx={ctx} title="Set up the portal">
      <div class="card narrow">
        <h1>Set up the portal</h1>
        <p>
          Create the first <strong>Security Administrator</strong>. This login can do everything, including
          giving other people administrator access. This setup link works once.
        </p>
        <ErrorSummary errors={errors} />
        <form method="post" action={paths.setup} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="token" value={token} />
          {/* Asked once whether the roster record with this email is hers (askAboutRosterRecord). */}
          {errors?.memberNumber && !values.memberNumber && (
            <input type="hidden" name="checkedEmail" value={values.email} />
          )}
          <Field
            name="firstName"
            label="First name"
            value={values.firstName}
            autocomplete="given-name"
            required
            errors={errors}
          />
          <Field
            name="lastName"
            label="Last name"
            value={values.lastName}
            autocomplete="family-name"
            required
            errors={errors}
          />
          <Field
            name="email"
            label="Email"
            type="email"
            value={values.email}
            autocomplete="email"
            required
            errors={errors}
          />
          <Field
            name="memberNumber"
            label="Member number (if you have one)"
            value={values.memberNumber}
            autocomplete="off"
            hint="Your number on the roster, so your login is linked to your record when the roster is imported. Leave it blank if you are not a member or do not know it: the import then links you by your email when only one row has it."
            errors={errors}
          />
          <Field
            name="username"
            label="Username"
            value={values.username}
            autocomplete="username"
            required
            errors={errors}
          />
          <PasswordField
            name="password"
            label="Password"
            minLength={ctx.passwordMinLength}
            orgName={ctx.orgName}
            wordFields={['firstName', 'lastName', 'email', 'username']}
            errors={errors}
          />
          <button type="submit">Create Security Administrator</button>
        </form>
      </div>
    </Layout>
  );
}

export function SetupLinkInvalidPage({ ctx }: { ctx: PageContext }) {
  return (
    <Layout ctx={ctx} title="Setup link not valid">
      <div class="card narrow">
        <h1>This setup link is not valid</h1>
        <p>
          It has been used already, or the portal was restarted and printed a new one. If the portal has been
          set up, <a href={paths.login}>log in</a>. Otherwise, use the newest setup link printed in the
          portal's console.
        </p>
      </div>
    </Layout>
  );
}
