import type { RoundProgress } from '../../../domain/invitations/sendAllProgress.ts';
import { paths } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { formatDateTime } from '../../ui/format.ts';
import type { PageContext } from '../../ui/Layout.tsx';

export const invitationCodesCrumbs = [
  { href: paths.memberManagement, label: 'Member Management' },
  { href: paths.invitationCodes, label: 'Invitation Codes' },
];

const kindLabel = { single: 'Send', send_all: 'Send All', reminder: 'Reminder round' } as const;

const n = (value: number) => value.toLocaleString('en');

/** The one sentence a screen reader hears as the round moves on (the live region's words). */
export function progressSummary(p: RoundProgress, percent: number): string {
  const failed = p.failed > 0 ? `, ${n(p.failed)} failed` : '';
  if (p.finishedAt !== null) return `Finished: ${n(p.sent)} of ${n(p.total)} sent${failed}.`;
  return `${percent}% handled: ${n(p.sent)} of ${n(p.total)} sent${failed}, ${n(p.remaining)} remaining.`;
}

/**
 * Progress of one round, counted from the messages, so it survives reloads and restarts. It does not
 * reload itself: with JavaScript, inviteLoop.js reads the page again every few seconds and updates the
 * figures and the polite summary in place; without it, Refresh does the same by hand.
 */
export function RoundProgressPage({ ctx, progress }: { ctx: PageContext; progress: RoundProgress }) {
  const done = progress.finishedAt !== null;
  const percent =
    progress.total === 0 ? 100 : Math.floor(((progress.total - progress.remaining) / progress.total) * 100);
  return (
    <AdminFrame
      ctx={ctx}
      title={`${kindLabel[progress.kind]} #${progress.roundId}`}
      crumbs={invitationCodesCrumbs}
    >
      <p role="status" class="progress-summary" data-progress-summary>
        {progressSummary(progress, percent)}
      </p>
      <div data-round data-running={done ? undefined : ''}>
        <p>
          Started {formatDateTime(progress.startedAt)} by {progress.startedByLabel}.{' '}
          {done ? `Finished ${formatDateTime(progress.finishedAt)}.` : 'Still sending.'}
        </p>
        <progress id="round-progress" max={100} value={percent} aria-label="Share of messages handled">
          {percent}%
        </progress>{' '}
        <span aria-hidden="true">{percent}%</span>
        <ul class="counts">
          <li>
            <strong>{n(progress.total)}</strong> members
          </li>
          <li>
            <strong>{n(progress.sent)}</strong> sent
          </li>
          <li>
            <strong>{n(progress.failed)}</strong> failed
          </li>
          <li>
            <strong>{n(progress.remaining)}</strong> remaining
          </li>
          {progress.notSent > 0 && (
            <li>
              <strong>{n(progress.notSent)}</strong> not sent (joined meanwhile, or interrupted)
            </li>
          )}
        </ul>
        {!done && (
          <p>
            <a href={paths.round(progress.roundId)}>Refresh</a>{' '}
            <span class="muted">(with JavaScript on, the figures update by themselves)</span>
          </p>
        )}
      </div>
      <p>
        <a href={paths.invitationCodes}>Back to Invitation Codes</a> · <a href={paths.emailLog}>Email Log</a>
      </p>
      <script src={paths.inviteLoopScript} defer />
    </AdminFrame>
  );
}
