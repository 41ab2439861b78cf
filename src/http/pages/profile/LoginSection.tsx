import type { LoginState, MemberProfile } from '../../../domain/members/memberProfile.ts';
import { can, roleLabels } from '../../../domain/policy.ts';
import { roles } from '../../../domain/vocabulary.ts';
import { paths } from '../../paths.ts';
import { StepUpField } from '../../stepUp/StepUpField.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { CsrfField, type FieldErrors, Select } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';

/** "09:15 UTC": a lockout lasts minutes, so the time of day is what people need. */
const timeOfDay = (d: Date) =>
  `${d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC' })} UTC`;

export function loginStateWords(state: LoginState, lastLoginAt: Date | null | undefined): string {
  switch (state.kind) {
    case 'none':
      return 'No login';
    case 'invited':
      return 'Invited (no login yet)';
    case 'active':
      return lastLoginAt ? 'Active' : 'Active (never logged in)';
    case 'locked':
      // Say who is refused: a lock at some addresses does not stop the member signing in elsewhere.
      return state.everywhere
        ? `Locked until ${timeOfDay(state.lockedUntil)} after repeated failed logins from several addresses`
        : `Locked until ${timeOfDay(state.lockedUntil)} at ${state.addresses === 1 ? 'one address' : `${state.addresses} addresses`} after repeated failed logins (other addresses can still log in)`;
  }
}

type Props = {
  ctx: PageContext;
  profile: MemberProfile;
  /** A refused access level change: the message, and the level that was chosen. */
  roleErrors?: FieldErrors;
  chosenRole?: string;
};

/** Profile > Login: the login's facts and state, and the repairs the viewer's access level allows. */
export function LoginSection({ ctx, profile, roleErrors, chosenRole }: Props) {
  const { member, login, loginState, secondStep } = profile;
  const role = ctx.user?.role;
  const security = role ? can(role, 'logins.manage') : false;
  const assignsRoles = role ? can(role, 'roles.assign') : false;
  const neverLoggedIn = !login?.lastLoginAt;
  return (
    <section class="card" aria-labelledby="login-heading">
      <h2 id="login-heading">Login</h2>
      <dl class="details">
        <dt>Username</dt>
        <dd>{login?.username ?? 'No login yet'}</dd>
        <dt>Access level</dt>
        <dd>{login ? roleLabels[login.role] : '—'}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(login?.createdAt, '—')}</dd>
        <dt>Last Login</dt>
        <dd>{formatDateTime(login?.lastLoginAt)}</dd>
        <dt>Two-step verification</dt>
        <dd>{secondStep ? 'On' : 'Off'}</dd>
        <dt>State</dt>
        <dd>
          {loginStateWords(loginState, login?.lastLoginAt)}
          {login?.mustChangePassword && (
            <div class="muted">Must choose a new password at the next login.</div>
          )}
        </dd>
      </dl>
      {security && (
        <div class="actions">
          <a href={paths.changeLogin(member.id)}>Change login</a>
          {loginState.kind === 'locked' && (
            <form method="post" action={paths.unlock(member.id)} class="inline">
              <CsrfField token={ctx.csrfToken} />
              <button type="submit">Unlock login</button>
            </form>
          )}
          {neverLoggedIn && (
            <form method="post" action={paths.resendSetupEmail(member.id)} class="inline">
              <CsrfField token={ctx.csrfToken} />
              <button type="submit">Resend set-up email</button>
            </form>
          )}
          {secondStep && login?.username !== ctx.user?.username && (
            <form method="post" action={paths.resetSecondStep(member.id)} class="inline">
              <CsrfField token={ctx.csrfToken} />
              <div class="field checkbox">
                <input type="checkbox" id="confirm-reset" name="confirm" value="yes" required />
                <label for="confirm-reset">Yes, the member lost the device (they will be emailed)</label>
              </div>
              <button type="submit" class="secondary">
                Reset second step
              </button>
            </form>
          )}
          <form method="post" action={paths.reenableInviteLink(member.id)} class="inline">
            <CsrfField token={ctx.csrfToken} />
            <button type="submit" class="secondary">
              Re-enable Invite Link
            </button>
          </form>
        </div>
      )}
      {assignsRoles && login && (
        <form method="post" action={paths.role(member.id)} class="access-level-form">
          <CsrfField token={ctx.csrfToken} />
          <Select
            name="role"
            label="Access level"
            value={chosenRole ?? login.role}
            options={roles.map((r) => [r, roleLabels[r]])}
            errors={roleErrors}
          />
          <p class="hint">Takes effect at the member's next page view.</p>
          <StepUpField ctx={ctx} errors={roleErrors} id="role-code" />
          <button type="submit" class="secondary">
            Change access level
          </button>
        </form>
      )}
    </section>
  );
}
