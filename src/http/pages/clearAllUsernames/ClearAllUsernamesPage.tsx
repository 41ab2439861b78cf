import {
  type ClearableCounts,
  confirmationPhrase,
  totalToClear,
} from '../../../domain/clearAllUsernames/clearableLogins.ts';
import {
  type LoginClearRequest,
  requestNamed,
} from '../../../domain/clearAllUsernames/loginClearRequests.ts';
import { paths } from '../../paths.ts';
import { StepUpField } from '../../stepUp/StepUpField.tsx';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { CsrfField, ErrorSummary, Field, type FieldErrors, Notice } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { invitationCodesCrumbs } from './links.ts';

export type ClearFormValues = { includeAdmins: boolean; confirmation: string };

type Props = {
  ctx: PageContext;
  counts: ClearableCounts;
  /** A clear or restore waiting or running now: a second one would be refused, so the page says so first. */
  running?: LoginClearRequest | null;
  values?: ClearFormValues;
  errors?: FieldErrors;
};

/** Clear All Usernames: what it does, exactly how many logins, and a typed phrase plus password to confirm. */
export function ClearAllUsernamesPage({ ctx, counts, running, values, errors }: Props) {
  const membersOnly = totalToClear(counts, false);
  const withAdmins = totalToClear(counts, true);
  return (
    <AdminFrame ctx={ctx} title="Clear All Usernames" crumbs={invitationCodesCrumbs}>
      <ErrorSummary errors={errors} />
      {running && (
        <Notice>
          {requestNamed(running.kind)} asked for by {running.actorLabel} is still waiting or running:{' '}
          <a href={paths.clearRequest(running.id)}>see its progress</a>. Only one can run at a time.
        </Notice>
      )}
      <div class="warning">
        <p>
          This removes portal logins — usernames and passwords — all at once. The members stay on the roster
          with all their details and appear in Invitation Codes again. Nobody whose login is removed can log
          in until they create a new login from an invitation, and anyone signed in with a removed login is
          signed out at once.
        </p>
        <p>
          Your own login{ctx.user ? ` (${ctx.user.username})` : ''} is never removed. For 30 days the removed
          logins can be restored exactly as they were, from the danger zone of{' '}
          <a href={paths.invitationCodes}>Invitation Codes</a>.
        </p>
      </div>
      <ul class="counts" aria-label="Logins this would remove">
        <li>
          <strong>{counts.members.toLocaleString('en')}</strong> member{' '}
          {counts.members === 1 ? 'login' : 'logins'}
        </li>
        <li>
          <strong>{counts.admins.toLocaleString('en')}</strong> other administrators'{' '}
          {counts.admins === 1 ? 'login' : 'logins'} (only if you tick the box below)
        </li>
      </ul>
      {withAdmins === 0 ? (
        <div class="card">
          <p>There are no logins to remove: nobody but you has a login.</p>
          <p>
            <a href={paths.invitationCodes}>Back to Invitation Codes</a>
          </p>
        </div>
      ) : (
        <form method="post" action={paths.clearAllUsernames} class="card">
          <CsrfField token={ctx.csrfToken} />
          <input type="hidden" name="shownMembers" value={String(counts.members)} />
          <input type="hidden" name="shownAdmins" value={String(counts.admins)} />
          <div class="field checkbox">
            <input
              type="checkbox"
              id="includeAdmins"
              name="includeAdmins"
              value="yes"
              checked={values?.includeAdmins ?? false}
              aria-describedby="includeAdmins-hint"
            />
            <label for="includeAdmins">
              Also remove other administrators' logins ({counts.admins.toLocaleString('en')})
            </label>
            <p class="hint" id="includeAdmins-hint">
              Administrators and Security Administrators other than you. Without this box only member logins
              are removed.
            </p>
          </div>
          <Field
            name="confirmation"
            label="Confirmation"
            hint={
              withAdmins === membersOnly
                ? `Type "${confirmationPhrase(membersOnly)}" to confirm.`
                : `Type "${confirmationPhrase(membersOnly)}" to remove the member logins, or "${confirmationPhrase(withAdmins)}" if you ticked the box above.`
            }
            value={values?.confirmation ?? ''}
            autocomplete="off"
            required
            errors={errors}
          />
          <Field
            name="password"
            label="Your password"
            type="password"
            autocomplete="current-password"
            hint="The password you log in with: a Clear All Usernames is confirmed by the administrator in person."
            required
            errors={errors}
          />
          <StepUpField ctx={ctx} errors={errors} />
          <div class="actions">
            <button type="submit" class="danger">
              Clear All Usernames
            </button>
            <a href={paths.invitationCodes}>Cancel</a>
          </div>
        </form>
      )}
    </AdminFrame>
  );
}
