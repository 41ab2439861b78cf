import type { RecentLogin } from '../../../domain/accounts/loginHistory.ts';
import { formatDateTime } from '../../ui/format.ts';
import { browserName } from './browserName.ts';

/** The member's own last logins, so they can spot one that was not theirs and act on it. */
export function RecentLogins({ logins }: { logins: RecentLogin[] }) {
  return (
    <section class="card" aria-labelledby="recent-logins-heading">
      <h2 id="recent-logins-heading">Recent logins</h2>
      {logins.length === 0 ? (
        <p>No logins recorded yet.</p>
      ) : (
        <>
          <table aria-labelledby="recent-logins-heading">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">From address</th>
                <th scope="col">Browser</th>
              </tr>
            </thead>
            <tbody>
              {logins.map((l, i) => (
                <tr key={i}>
                  <td>{formatDateTime(l.at)}</td>
                  <td>{l.ip ?? 'Unknown'}</td>
                  <td>{browserName(l.userAgent)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p class="hint">
            Not you? Change your password below straight away: that logs out every other session.
          </p>
        </>
      )}
    </section>
  );
}
