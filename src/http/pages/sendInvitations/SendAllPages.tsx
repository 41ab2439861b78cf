import type { RoundProgress } from '../../../domain/invitations/sendAllProgress.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { CsrfField, ErrorSummary } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { RepeatSafeField } from '../../ui/RepeatSafeField.tsx';

export const invitationCodesCrumbs = [
  { href: paths.memberManagement, label: 'Member Management' },
  { href: paths.invitationCodes, label: 'Invitation Codes' },
];

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

type ConfirmProps = { ctx: PageContext; count: number; running: RoundProgress | null; error?: string };

/** Send All asks first, with the exact number of people it is about to email. */
export function SendAllConfirmPage({ ctx, count, running, error }: ConfirmProps) {
  return (
    <AdminFrame ctx={ctx} title="Send All" crumbs={invitationCodesCrumbs}>
      <ErrorSummary errors={error ? { _form: error } : undefined} />
      {running ? (
        <div class="card">
          <p>
            A Send All is already running: {running.sent.toLocaleString('en')} of{' '}
            {running.total.toLocaleString('en')} sent.
          </p>
          <a class="button" href={paths.round(running.roundId)}>
            View progress
          </a>
        </div>
      ) : count === 0 ? (
        <div class="card">
          <p>Everyone on the roster has created a login, so there is nobody to invite.</p>
        </div>
      ) : (
        <form method="post" action={paths.sendAll} class="card">
          <CsrfField token={ctx.csrfToken} />
          <RepeatSafeField />
          <p>
            This emails an invitation to <strong>{plural(count, 'member', 'members')}</strong> who have not
            created a login yet, including anyone invited before. Links from earlier invitations keep working.
          </p>
          <p>It runs in the background: you can leave this page, and come back to see its progress.</p>
          <div class="actions">
            <button type="submit">Send {plural(count, 'invitation', 'invitations')}</button>
            <a href={paths.invitationCodes}>Cancel</a>
          </div>
        </form>
      )}
    </AdminFrame>
  );
}

const kindLabel = { single: 'Send', send_all: 'Send All', reminder: 'Reminder round' } as const;

/** Progress of one round, counted from the messages, so it survives reloads and restarts. */
export function RoundProgressPage({ ctx, progress }: { ctx: PageContext; progress: RoundProgress }) {
  const done = progress.finishedAt !== null;
  const percent =
    progress.total === 0 ? 100 : Math.round(((progress.total - progress.remaining) / progress.total) * 100);
  return (
    <AdminFrame
      ctx={ctx}
      title={`${kindLabel[progress.kind]} #${progress.roundId}`}
      crumbs={invitationCodesCrumbs}
      refreshSeconds={done ? undefined : 5}
    >
      <p>
        Started {formatDateTime(progress.startedAt)} by {progress.startedByLabel}.{' '}
        {done
          ? `Finished ${formatDateTime(progress.finishedAt)}.`
          : 'Still sending: this page refreshes every 5 seconds.'}
      </p>
      <progress max={100} value={percent} aria-label="Share of messages handled">
        {percent}%
      </progress>
      <ul class="counts" aria-live="polite">
        <li>
          <strong>{progress.total.toLocaleString('en')}</strong> members
        </li>
        <li>
          <strong>{progress.sent.toLocaleString('en')}</strong> sent
        </li>
        <li>
          <strong>{progress.failed.toLocaleString('en')}</strong> failed
        </li>
        <li>
          <strong>{progress.remaining.toLocaleString('en')}</strong> remaining
        </li>
        {progress.notSent > 0 && (
          <li>
            <strong>{progress.notSent.toLocaleString('en')}</strong> not sent (joined meanwhile, or
            interrupted)
          </li>
        )}
      </ul>
      <p>
        <a href={paths.invitationCodes}>Back to Invitation Codes</a> · <a href={paths.emailLog}>Email Log</a>
      </p>
    </AdminFrame>
  );
}
