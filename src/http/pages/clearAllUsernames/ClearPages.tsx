import type { ClearOutcome } from '../../../domain/clearAllUsernames/restorableClears.ts';
import { paths } from '../../paths.ts';
import { StepUpField } from '../../stepUp/StepUpField.tsx';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { CsrfField, ErrorSummary, type FieldErrors } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { invitationCodesCrumbs, logins } from './links.ts';

const count = (n: number) => n.toLocaleString('en');

/** When, who, how many and until when: the facts of one clear. */
function ClearFacts({ outcome }: { outcome: ClearOutcome }) {
  const { clear } = outcome;
  return (
    <dl class="details">
      <dt>Cleared</dt>
      <dd>
        {formatDateTime(clear.at)} by {clear.actorLabel}
      </dd>
      <dt>Logins removed</dt>
      <dd>
        {logins(clear.removed)} ({clear.includedAdmins ? "members' and administrators'" : "members' only"})
      </dd>
      <dt>Restorable until</dt>
      <dd>{formatDateTime(clear.restorableUntil)}</dd>
      {clear.restoredAt && (
        <>
          <dt>Restored</dt>
          <dd>
            {formatDateTime(clear.restoredAt)} by {clear.restoredByLabel}: {logins(outcome.restored)} came
            back, {logins(outcome.skipped)} could not
          </dd>
        </>
      )}
    </dl>
  );
}

/** Why a clear can no longer be restored, when it cannot. */
function closedReason(outcome: ClearOutcome): string | null {
  if (outcome.clear.restoredAt) return 'These logins have been restored. A clear can be restored once.';
  if (!outcome.canRestore) return 'The 30 days are over: these logins can no longer be restored.';
  return null;
}

type SummaryProps = { ctx: PageContext; outcome: ClearOutcome };

/** One Clear All Usernames: what was cleared, and the way to Restore while it can be done. */
export function ClearSummaryPage({ ctx, outcome }: SummaryProps) {
  const closed = closedReason(outcome);
  return (
    <AdminFrame ctx={ctx} title={`Clear All Usernames #${outcome.clear.id}`} crumbs={invitationCodesCrumbs}>
      <section class="card" aria-labelledby="clear-heading">
        <h2 id="clear-heading">What was cleared</h2>
        <ClearFacts outcome={outcome} />
        {outcome.leftRoster > 0 && (
          <p>{count(outcome.leftRoster)} of these members have been removed from the roster since.</p>
        )}
        {closed ? (
          <p>{closed}</p>
        ) : (
          <form method="get" action={paths.restore(outcome.clear.id)}>
            <button type="submit" class="secondary">
              Restore cleared logins
            </button>
          </form>
        )}
      </section>
      <p>
        <a href={paths.invitationCodes}>Back to Invitation Codes</a>
      </p>
    </AdminFrame>
  );
}

type ConfirmProps = { ctx: PageContext; outcome: ClearOutcome; errors?: FieldErrors };

/** Restore asks first, saying how many logins would come back and how many would not, and why. */
export function RestoreConfirmPage({ ctx, outcome, errors }: ConfirmProps) {
  const closed = closedReason(outcome);
  const blocked = outcome.hasNewLogin + outcome.usernameTaken;
  return (
    <AdminFrame ctx={ctx} title="Restore cleared logins" crumbs={invitationCodesCrumbs}>
      <ErrorSummary errors={errors} />
      <section class="card" aria-labelledby="clear-heading">
        <h2 id="clear-heading">The clear</h2>
        <ClearFacts outcome={outcome} />
      </section>
      {closed ? (
        <div class="card">
          <p>{closed}</p>
          <p>
            <a href={paths.invitationCodes}>Back to Invitation Codes</a>
          </p>
        </div>
      ) : (
        <form method="post" action={paths.restore(outcome.clear.id)} class="card">
          <CsrfField token={ctx.csrfToken} />
          <ul class="counts" aria-label="What a restore would do">
            <li>
              <strong>{count(outcome.restorable)}</strong> {outcome.restorable === 1 ? 'login' : 'logins'} can
              come back, with the same username and password as before
            </li>
            <li>
              <strong>{count(outcome.hasNewLogin)}</strong> cannot: the member has made a new login since (it
              is kept)
            </li>
            <li>
              <strong>{count(outcome.usernameTaken)}</strong> cannot: someone else has taken the username
              since
            </li>
          </ul>
          {outcome.leftRoster > 0 && (
            <p>{count(outcome.leftRoster)} of the cleared members have been removed from the roster since.</p>
          )}
          <p>
            Restored members leave the Invitation Codes list again; invitations they have not used yet would
            now replace their login. {blocked > 0 && 'Members who cannot come back keep what they have now. '}
            This can be done once.
          </p>
          <StepUpField ctx={ctx} errors={errors} />
          <div class="actions">
            <button type="submit">Restore cleared logins</button>
            <a href={paths.invitationCodes}>Cancel</a>
          </div>
        </form>
      )}
    </AdminFrame>
  );
}
