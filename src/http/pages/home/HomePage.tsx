import type { RecentLogin } from '../../../domain/accounts/loginHistory.ts';
import type { OwnProfile } from '../../../domain/accounts/ownProfile.ts';
import { roleLabels } from '../../../domain/policy.ts';
import { paths } from '../../paths.ts';
import { formatDateTime } from '../../ui/format.ts';
import { CsrfField, ErrorSummary, Field, type FieldErrors, Notice } from '../../ui/forms.tsx';
import { Layout, type PageContext } from '../../ui/Layout.tsx';
import { PasswordField } from '../../ui/PasswordField.tsx';
import { RecentLogins } from './RecentLogins.tsx';

type Props = {
  ctx: PageContext;
  profile: OwnProfile;
  logins: RecentLogin[];
  errors?: FieldErrors;
  /** Which change just happened: own password changed, set from a reset link, or chosen after a temporary one. */
  notice?: 'changed' | 'reset' | 'chosen';
};

const notices = {
  changed: 'Your password has been changed. Your other sessions have been logged out.',
  reset:
    'Your new password is set and you are logged in. Every other session of your login has been logged out.',
  chosen: 'Your new password is saved. Your other sessions have been logged out.',
};

/** A member's own page: who the portal thinks they are, and their password. */
export function HomePage({ ctx, profile, logins, errors, notice }: Props) {
  return (
    <Layout ctx={ctx} title="My profile">
      <h1>Welcome, {profile.firstName}</h1>
      {notice && notice !== 'changed' && <Notice>{notices[notice]}</Notice>}
      <section class="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">My profile</h2>
        <dl class="details">
          <dt>Name</dt>
          <dd>
            {profile.firstName} {profile.lastName}
          </dd>
          <dt>Member number</dt>
          <dd>{profile.memberNumber}</dd>
          <dt>Email</dt>
          <dd>{profile.email}</dd>
          <dt>Membership</dt>
          <dd>{profile.status === 'current' ? 'Current' : 'Lapsed'}</dd>
          <dt>Username</dt>
          <dd>{profile.username}</dd>
          <dt>Access level</dt>
          <dd>{roleLabels[profile.role]}</dd>
          <dt>Login created</dt>
          <dd>{formatDateTime(profile.loginCreatedAt)}</dd>
          <dt>Last login</dt>
          <dd>{formatDateTime(profile.lastLoginAt)}</dd>
        </dl>
      </section>
      <RecentLogins logins={logins} />
      <section class="card" aria-labelledby="password-heading">
        <h2 id="password-heading">Change password</h2>
        {notice === 'changed' && <Notice>{notices.changed}</Notice>}
        <ErrorSummary errors={errors} />
        <form method="post" action={paths.homePassword} novalidate>
          <CsrfField token={ctx.csrfToken} />
          <Field
            name="currentPassword"
            label="Current password"
            type="password"
            autocomplete="current-password"
            required
            errors={errors}
          />
          <PasswordField
            name="newPassword"
            label="New password"
            minLength={ctx.passwordMinLength}
            orgName={ctx.orgName}
            words={[profile.username, profile.firstName, profile.lastName]}
            errors={errors}
          />
          <button type="submit">Change password</button>
        </form>
      </section>
      <section class="card" aria-labelledby="two-step-heading">
        <h2 id="two-step-heading">Two-step verification</h2>
        <p>
          Sign in with your password and a second step: a code from an authenticator app, or a passkey.{' '}
          <a href={paths.homeSecurity}>Set up two-step verification</a>
        </p>
      </section>
    </Layout>
  );
}
