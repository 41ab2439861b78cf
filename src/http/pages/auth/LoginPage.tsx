import { paths } from '../../paths.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors, Notice } from '../../ui/forms.tsx';
import { Layout, type PageContext } from '../../ui/Layout.tsx';

type Props = {
  ctx: PageContext;
  username?: string;
  next?: string;
  errors?: FieldErrors;
  loggedOut?: boolean;
};

export function LoginPage({ ctx, username, next, errors, loggedOut }: Props) {
  return (
    <Layout ctx={ctx} title="Log in">
      <div class="card narrow">
        <h1>Log in</h1>
        {loggedOut && <Notice>You have logged out.</Notice>}
        <ErrorSummary errors={errors} />
        <form method="post" action={paths.login} novalidate>
          <CsrfField token={ctx.csrfToken} />
          {next && <input type="hidden" name="next" value={next} />}
          <Field
            name="username"
            label="Username"
            value={username}
            autocomplete="username"
            required
            errors={errors}
          />
          <Field
            name="password"
            label="Password"
            type="password"
            autocomplete="current-password"
            required
            errors={errors}
          />
          <div class="field checkbox">
            <input
              type="checkbox"
              id="remember"
              name="remember"
              value="yes"
              aria-describedby="remember-hint"
            />
            <label for="remember">Keep me signed in</label>
            <p class="hint" id="remember-hint">
              Only on a device you do not share. Otherwise you are signed out when you close the browser.
            </p>
          </div>
          <button type="submit">Log in</button>
        </form>
        <ul class="login-help">
          <li>
            <a href={paths.forgotPassword}>Forgot password?</a>
          </li>
          <li>
            <a href={paths.forgotUsername}>Forgot username?</a>
          </li>
        </ul>
      </div>
    </Layout>
  );
}
