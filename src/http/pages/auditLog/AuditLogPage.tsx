import { Fragment } from 'preact';
import type { PagePosition } from '../../../db/keyset.ts';
import {
  type AuditLogFilter,
  type AuditLogRow,
  auditLogFilterQuery,
  isFiltered,
  knownAuditActions,
  type AuditLogPage as Page,
} from '../../../domain/audit/auditLog.ts';
import { paths, withQuery } from '../../paths.ts';
import { AdminFrame } from '../../ui/AdminFrame.tsx';
import { formatDateTime } from '../../ui/format.ts';
import { ErrorSummary, Field, type FieldErrors, Select } from '../../ui/forms.tsx';
import type { PageContext } from '../../ui/Layout.tsx';
import { Pager } from '../../ui/Pager.tsx';
import { actionWords, detailPairs, wordsForAction } from './words.ts';

/** The filter as typed, shown back in the form (also a refused value, so it can be corrected). */
export type AuditLogValues = { actor: string; member: string; action: string; from: string; to: string };

type Props = {
  ctx: PageContext;
  values: AuditLogValues;
  /** Absent when the query was refused (a filter, an edited page link): the errors and no events. */
  result?: { filter: AuditLogFilter; page: Page };
  errors?: FieldErrors;
};

/** The log (or its export) for the current filter, optionally from a page position. */
const logHref = (path: string, filter: AuditLogFilter, position: PagePosition = {}) =>
  withQuery(path, { ...Object.fromEntries(auditLogFilterQuery(filter)), ...position });

function FilterForm({ values, errors }: { values: AuditLogValues; errors?: FieldErrors }) {
  return (
    <search aria-label="Audit events">
      <form method="get" action={paths.auditLog} class="card">
        <Field
          name="actor"
          label="Actor"
          hint="The start of the username (or 'command line')."
          type="search"
          value={values.actor}
          errors={errors}
        />
        <Field
          name="member"
          label="Member"
          hint="Member number, or the start of the member's name."
          type="search"
          value={values.member}
          errors={errors}
        />
        <Select
          name="action"
          label="Action"
          value={values.action}
          options={[
            ['', 'All actions'],
            ...knownAuditActions.map((a): [string, string] => [a, actionWords[a]]),
          ]}
          errors={errors}
        />
        <Field
          name="from"
          label="From date"
          hint="UTC, inclusive."
          type="date"
          value={values.from}
          errors={errors}
        />
        <Field
          name="to"
          label="To date"
          hint="UTC, inclusive."
          type="date"
          value={values.to}
          errors={errors}
        />
        <button type="submit">Search</button> <a href={paths.auditLog}>Clear filters</a>
      </form>
    </search>
  );
}

function EmptyState({ filtered }: { filtered: boolean }) {
  return filtered ? (
    <p>
      No event matches this search. <a href={paths.auditLog}>Show all events</a>
    </p>
  ) : (
    <p>
      Nothing has been recorded yet. Setup, roster imports, invitations and password changes appear here with
      who did them and when.
    </p>
  );
}

function MemberCell({ row }: { row: AuditLogRow }) {
  if (row.member) {
    return (
      <>
        <a href={paths.memberProfile(row.member.id)}>{row.member.name}</a> ({row.member.memberNumber})
      </>
    );
  }
  return row.memberId !== null ? <>Member {row.memberId} (removed)</> : null;
}

function EventRow({ row }: { row: AuditLogRow }) {
  const pairs = detailPairs(row.details);
  return (
    <tr id={`event-${row.id}`}>
      <td>{formatDateTime(row.at)}</td>
      <td>
        {row.actorMemberId !== null ? (
          <a href={paths.memberProfile(row.actorMemberId)}>{row.actorLabel}</a>
        ) : (
          row.actorLabel
        )}
      </td>
      <td>{wordsForAction(row.action)}</td>
      <td>
        <MemberCell row={row} />
      </td>
      <td>{row.ip ?? ''}</td>
      <td>
        {pairs.map((p, i) => (
          <Fragment key={p}>
            {i > 0 && <br />}
            {p}
          </Fragment>
        ))}
      </td>
    </tr>
  );
}

/** Admin › Audit Log: every recorded event, newest first. */
export function AuditLogPage({ ctx, values, result, errors }: Props) {
  return (
    <AdminFrame ctx={ctx} title="Audit Log">
      <ErrorSummary errors={errors} />
      <FilterForm values={values} errors={errors} />
      {result &&
        (result.page.rows.length === 0 ? (
          <EmptyState filtered={isFiltered(result.filter)} />
        ) : (
          <>
            <p>
              <a href={logHref(paths.auditLogCsv, result.filter)}>Export CSV</a>
            </p>
            <table>
              <caption class="muted">Newest first. Times are UTC.</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">Who</th>
                  <th scope="col">Action</th>
                  <th scope="col">Member</th>
                  <th scope="col">From</th>
                  <th scope="col">Details</th>
                </tr>
              </thead>
              <tbody>
                {result.page.rows.map((row) => (
                  <EventRow key={row.id} row={row} />
                ))}
              </tbody>
            </table>
            <Pager
              page={result.page}
              href={(position) => logHref(paths.auditLog, result.filter, position)}
              labels={{ prev: 'Newer events', next: 'Older events' }}
            />
          </>
        ))}
    </AdminFrame>
  );
}
