import type { ReminderRoundRow } from '../../../domain/reminders/reminderOverview.ts';
import { paths } from '../../paths.ts';
import { formatDateTime } from '../../ui/format.ts';

/** The newest reminder rounds, each linking to its progress page; the full story is in the report. */
export function ReminderHistory({ recent }: { recent: ReminderRoundRow[] }) {
  return (
    <section aria-labelledby="reminder-history">
      <h2 id="reminder-history">Past reminder rounds</h2>
      {recent.length === 0 ? (
        <p>No reminder round has run yet.</p>
      ) : (
        <div class="table-scroll">
          <table>
            <caption>The {recent.length} most recent reminder rounds, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Round</th>
                <th scope="col">Started</th>
                <th scope="col">Started by</th>
                <th scope="col">Members</th>
                <th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              {recent.map((r) => (
                <tr key={r.id}>
                  <td>
                    <a href={paths.round(r.id)}>Reminder round #{r.id}</a>
                  </td>
                  <td>{formatDateTime(r.startedAt)}</td>
                  <td>{r.startedByLabel}</td>
                  <td>{r.total.toLocaleString('en')}</td>
                  <td>{formatDateTime(r.finishedAt, 'Still sending')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p>
        Delivery and response figures for every round:{' '}
        <a href={paths.invitationRounds}>Invitation Rounds report</a>.
      </p>
    </section>
  );
}
