import type { EmailLogFilter, EmailLogPage as Page } from '../../../domain/emailLog/emailLog.ts';
import { deliveryStates } from '../../../domain/vocabulary.ts';
import { formatDateTime } from '../../ui/format.ts';
import type { PageContext } from '../../ui/Layout.tsx';
import { AdminFrame } from '../admin/AdminPages.tsx';
import { NoSmtpNotice } from './NoSmtpNotice.tsx';
import { EMAIL_LOG_PATH, kindWords, stateWords } from './words.ts';

type Props = { ctx: PageContext; page: Page; filter: EmailLogFilter; delivers: boolean };

/** A link to another page of the log that keeps the current filter. */
function pageHref(filter: EmailLogFilter, direction: 'older' | 'newer', cursor: string): string {
  const query = new URLSearchParams();
  if (filter.state) query.set('state', filter.state);
  if (filter.to) query.set('to', filter.to);
  query.set(direction, cursor);
  return `${EMAIL_LOG_PATH}?${query}`;
}

function FilterForm({ filter }: { filter: EmailLogFilter }) {
  return (
    <form method="get" action={EMAIL_LOG_PATH} class="card" aria-label="Filter messages">
      <div class="field">
        <label for="state">State</label>
        <select id="state" name="state">
          <option value="">All states</option>
          {deliveryStates.map((s) => (
            <option key={s} value={s} selected={filter.state === s}>
              {stateWords[s]}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="to">Recipient</label>
        <p class="hint" id="to-hint">
          The start of the email address is enough.
        </p>
        <input id="to" name="to" type="search" value={filter.to ?? ''} aria-describedby="to-hint" />
      </div>
      <button type="submit">Search</button>
    </form>
  );
}

function Pager({ page, filter }: { page: Page; filter: EmailLogFilter }) {
  if (!page.newer && !page.older) return null;
  return (
    <nav aria-label="Pages" class="pager">
      {page.newer && <a href={pageHref(filter, 'newer', page.newer)}>Newer messages</a>}
      {page.newer && page.older && ' · '}
      {page.older && <a href={pageHref(filter, 'older', page.older)}>Older messages</a>}
    </nav>
  );
}

function EmptyState({ filtered }: { filtered: boolean }) {
  return filtered ? (
    <p>
      No message matches this search. <a href={EMAIL_LOG_PATH}>Show all messages</a>
    </p>
  ) : (
    <p>
      No email has been sent yet. Every message the portal sends — invitations first of all — appears here
      with its delivery state.
    </p>
  );
}

/** Admin › Email Log: every message the portal sent or tried to send, newest first. */
export function EmailLogPage({ ctx, page, filter, delivers }: Props) {
  const filtered = Boolean(filter.state || filter.to);
  return (
    <AdminFrame ctx={ctx} title="Email Log">
      {!delivers && <NoSmtpNotice />}
      <FilterForm filter={filter} />
      {page.rows.length === 0 ? (
        <EmptyState filtered={filtered} />
      ) : (
        <>
          <table>
            <caption class="muted">Newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">To</th>
                <th scope="col">Subject</th>
                <th scope="col">Kind</th>
                <th scope="col">State</th>
                <th scope="col">Attempts</th>
                <th scope="col">Last error</th>
              </tr>
            </thead>
            <tbody>
              {page.rows.map((m) => (
                <tr key={m.id}>
                  <td>{formatDateTime(m.createdAt)}</td>
                  <td>{m.toAddress}</td>
                  <td>
                    <a href={`${EMAIL_LOG_PATH}/${m.id}`}>
                      {m.subject || `Message ${m.id} (not written yet)`}
                    </a>
                  </td>
                  <td>{kindWords[m.kind]}</td>
                  <td>{stateWords[m.state]}</td>
                  <td>{m.attempts}</td>
                  <td>{m.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager page={page} filter={filter} />
        </>
      )}
    </AdminFrame>
  );
}
