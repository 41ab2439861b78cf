import { paths } from '../../paths.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors, Notice } from '../../ui/forms.tsx';
import { Layout, type PageContext } from '../../ui/Layout.tsx';

type FormProps = {
  ctx: PageContext;
  value?: string;
  errors?: FieldErrors;
  /** No SMTP server is configured: nothing can be emailed, so the page says what to do instead. */
  noEmail?: boolean;
};

const BackToLogin = () => (
  <p>
    <a href={paths.login}>Back to Log in</a>
  </p>
);

/**
 * Without SMTP nothing leaves the portal, and a reset link is never shown to anyone else: the page says
 * so, and names the way that works, a Security Administrator setting a temporary password. The form
 * stays (the request is still recorded, and works once an SMTP server is configured).
 */
function NoEmailNotice({ ctx, what }: { ctx: PageContext; what: 'password' | 'username' }) {
  return (
    <div class="warning" role="note">
      <p>
        <strong>This portal does not send email at the moment</strong>, so{' '}
        {what === 'password' ? 'no link' : 'no username reminder'} can reach you.
      </p>
      <p>
        {what === 'password'
          ? `Ask a Security Administrator of ${ctx.orgName} to set a temporary password for your login. You choose a password of your own the first time you log in with it.`
          : `Ask an administrator of ${ctx.orgName}: they can see your username on your member profile.`}
      </p>
    </div>
  );
}

export function ForgotPasswordPage({ ctx, value, errors, noEmail }: FormProps) {
  return (
    <Layout ctx={ctx} title="Forgot password">
      <div class="card narrow">
        <h1>Forgot your password?</h1>
        {noEmail && <NoEmailNotice ctx={ctx} what="password" />}
        <p>
          Type your username or the email address the organisation has on file for you. We will email a link
          for setting a new password to that address.
        </p>
        <ErrorSummary errors={errors} />
        <form method="post" action={paths.forgotPassword} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <Field
            name="identifier"
            label="Username or email"
            value={value}
            autocomplete="username"
            required
            errors={errors}
          />
          <button type="submit">Email me a link</button>
        </form>
        <p>
          <a href={paths.forgotUsername}>Forgot username?</a>
        </p>
        <BackToLogin />
      </div>
    </Layout>
  );
}

export function ForgotUsernamePage({ ctx, value, errors, noEmail }: FormProps) {
  return (
    <Layout ctx={ctx} title="Forgot username">
      <div class="card narrow">
        <h1>Forgot your username?</h1>
        {noEmail && <NoEmailNotice ctx={ctx} what="username" />}
        <p>Type the email address the organisation has on file for you. We will email you your username.</p>
        <ErrorSummary errors={errors} />
        <form method="post" action={paths.forgotUsername} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <Field
            name="email"
            label="Email address"
            type="email"
            value={value}
            autocomplete="email"
            required
            errors={errors}
          />
          <button type="submit">Email me my username</button>
        </form>
        <p>
          <a href={paths.forgotPassword}>Forgot password?</a>
        </p>
        <BackToLogin />
      </div>
    </Layout>
  );
}

/**
 * The one answer to every well-formed request, whether or not anything matched or was sent: a different
 * answer would tell a stranger which usernames and addresses belong to members.
 */
export function CheckEmailPage({
  ctx,
  what,
  noEmail,
}: {
  ctx: PageContext;
  what: 'password' | 'username';
  noEmail?: boolean;
}) {
  if (noEmail) {
    // The same answer whatever was typed, as below; it just does not promise an email that cannot come.
    return (
      <Layout ctx={ctx} title="No email can be sent">
        <div class="card narrow">
          <h1>No email can be sent</h1>
          <NoEmailNotice ctx={ctx} what={what} />
          <BackToLogin />
        </div>
      </Layout>
    );
  }
  return (
    <Layout ctx={ctx} title="Check your email">
      <div class="card narrow">
        <h1>Check your email</h1>
        <Notice>
          {what === 'password'
            ? 'If that matches a login, we have emailed a link for setting a new password to the address the organisation has on file. The link works for one hour.'
            : 'If that address belongs to a login, we have emailed the username to it.'}
        </Notice>
        <p>
          It can take a few minutes to arrive; check your spam folder too. Nothing arrived? The organisation
          may have a different address for you — ask an administrator.
        </p>
        <BackToLogin />
      </div>
    </Layout>
  );
}
