import type { EmailLogFilter, EmailLogPage as Page } from '../../../domain/emailLog/emailLog.ts';
import { deliveryStates } from '../../../domain/vocabulary.ts';
import { paths, withQuery } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { ErrorSummary, type FieldErrors } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { NoSmtpNotice } from './NoSmtpNotice.tsx';
import { kindWords, stateWords } from './words.ts';

type Props = {
  ctx: PageContext;
  /** Null when the page link was refused (edited, or out of date): the error and no messages. */
  page: Page | null;
  filter: EmailLogFilter;
  delivers: boolean;
  errors?: FieldErrors;
};

function FilterForm({ filter }: { filter: EmailLogFilter }) {
  return (
    <form method="get" action={paths.emailLog} class="card" aria-label="Filter messages">
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

function EmptyState({ filtered }: { filtered: boolean }) {
  return filtered ? (
    <p>
      No message matches this search. <a href={paths.emailLog}>Show all messages</a>
    </p>
  ) : (
    <p>
      No email has been sent yet. Every message the portal sends — invitations first of all — appears here
      with its delivery state.
    </p>
  );
}

/** Admin › Email Log: every message the portal sent or tried to send, newest first. */
export function EmailLogPage({ ctx, page, filter, delivers, errors }: Props) {
  const filtered = Boolean(filter.state || filter.to);
  return (
    <AdminFrame ctx={ctx} title="Email Log">
      {!delivers && <NoSmtpNotice />}
      <ErrorSummary errors={errors} />
      <FilterForm filter={filter} />
      {!page ? null : page.rows.length === 0 ? (
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
                    <a href={paths.emailMessage(m.id)}>{m.subject || `Message ${m.id} (not written yet)`}</a>
                  </td>
                  <td>{kindWords[m.kind]}</td>
                  <td>{stateWords[m.state]}</td>
                  <td>{m.attempts}</td>
                  <td>{m.lastError ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager
            page={page}
            href={(position) => withQuery(paths.emailLog, { ...filter, ...position })}
            labels={{ prev: 'Newer messages', next: 'Older messages' }}
          />
        </>
      )}
    </AdminFrame>
  );
}
