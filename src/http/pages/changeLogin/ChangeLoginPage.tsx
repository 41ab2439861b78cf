import { USERNAME_RULE } from '../../../domain/accounts/usernames.ts';
import type { MemberProfile } from '../../../domain/members/memberProfile.ts';
import { StepUpField } from '../../stepUp/StepUpField.tsx';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors, Notice } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { PasswordField } from '../../ui/PasswordField.tsx';

type Props = {
  ctx: PageContext;
  profile: MemberProfile;
  notice?: string;
  errors?: FieldErrors;
  /** What was typed into Username when the change was refused, so it can be corrected, not retyped. */
  typedUsername?: string;
};

/** Admin > Member Search > Profile > Change login: Change Username and Change Password. */
export function ChangeLoginPage({ ctx, profile, notice, errors, typedUsername }: Props) {
  const { member, login } = profile;
  const name = `${member.firstName} ${member.lastName}`;
  const base = `/admin/members/${member.id}`;
  return (
    <AdminFrame
      ctx={ctx}
      title={`Change login: ${name}`}
      crumbs={[
        { href: '/admin/members', label: 'Member Search' },
        { href: base, label: name },
      ]}
    >
      {notice && <Notice>{notice}</Notice>}
      <ErrorSummary errors={errors} />
      {!login ? (
        <section class="card">
          <p>
            {name} has no login yet, so there is nothing to change. A member gets a login by following an
            invitation; you can send one from their profile.
          </p>
          <p>
            <a href={base}>Back to {name}’s profile</a>
          </p>
        </section>
      ) : (
        <>
          <p>
            Member number {member.memberNumber}. Current username: <strong>{login.username}</strong>.{' '}
            <a href={base}>Back to the profile</a>
          </p>
          {/* Sections without aria-labelledby: a region named "Change Username" would also answer to the
              label "Username", and the field must be the only thing that does. */}
          <section class="card">
            <h2 id="username-heading">Change Username</h2>
            <form method="post" action={`${base}/login/username`}>
              <CsrfField token={ctx.csrfToken} />
              <Field
                name="username"
                label="Username"
                value={typedUsername ?? login.username}
                autocomplete="off"
                hint={`${USERNAME_RULE}. ${member.firstName} is told by email at ${member.email}, and is signed out everywhere.`}
                required
                errors={errors}
              />
              <StepUpField ctx={ctx} errors={errors} id="username-code" />
              <button type="submit">Change Username</button>
            </form>
          </section>
          <section class="card">
            <h2 id="password-heading">Change Password</h2>
            <p>
              Best: let {member.firstName} choose a new password. The link goes to {member.email} and works
              for one hour.
            </p>
            <form method="post" action={`${base}/login/reset-link`}>
              <CsrfField token={ctx.csrfToken} />
              <button type="submit">Send password reset link</button>
            </form>
            <h3>Or set a temporary password</h3>
            <p>
              Pass it on to {member.firstName} another way. They must choose a new password when they next log
              in, they are signed out everywhere, and a lockout after failed logins is lifted.
            </p>
            <form method="post" action={`${base}/login/password`}>
              <CsrfField token={ctx.csrfToken} />
              <PasswordField
                name="newPassword"
                label="New password"
                minLength={ctx.passwordMinLength}
                orgName={ctx.orgName}
                words={[login.username, member.firstName, member.lastName]}
                errors={errors}
              />
              <StepUpField ctx={ctx} errors={errors} id="password-code" />
              <button type="submit" class="secondary">
                Change Password
              </button>
            </form>
          </section>
        </>
      )}
    </AdminFrame>
  );
}
