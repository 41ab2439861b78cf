import type { LoginClear } from '../../../domain/clearAllUsernames/restorableClears.ts';
import { paths } from '../../paths.ts';
import { formatDateTime } from '../../ui/format.ts';
import { logins } from './links.ts';

/**
 * The danger zone's list of recent Clear All Usernames, each restorable for 30 days. Restore is a button
 * that opens a confirmation page (a GET form: nothing happens until that page's own POST).
 */
export function RestorableClears({ clears }: { clears: LoginClear[] }) {
  if (clears.length === 0) {
    return <p>No Clear All Usernames in the last 30 days, so there is nothing to restore.</p>;
  }
  return (
    <table class="restorable-clears">
      <caption>Restore cleared logins (possible for 30 days)</caption>
      <thead>
        <tr>
          <th scope="col">Cleared</th>
          <th scope="col">By</th>
          <th scope="col">Logins removed</th>
          <th scope="col">Restorable until</th>
          <th scope="col">Restore</th>
        </tr>
      </thead>
      <tbody>
        {clears.map((c) => (
          <tr key={c.id}>
            <th scope="row" id={`clear-${c.id}`}>
              <a href={paths.clear(c.id)}>{formatDateTime(c.at)}</a>
            </th>
            <td>{c.actorLabel}</td>
            <td>
              {logins(c.removed)}
              {c.includedAdmins ? ', administrators included' : ''}
            </td>
            <td>{formatDateTime(c.restorableUntil)}</td>
            <td>
              {c.restoredAt ? (
                `Restored ${formatDateTime(c.restoredAt)} by ${c.restoredByLabel ?? 'unknown'}`
              ) : (
                <form method="get" action={paths.restore(c.id)} class="inline">
                  <button type="submit" class="secondary" aria-describedby={`clear-${c.id}`}>
                    Restore cleared logins
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
