import { csvCell, csvRecord } from '../audit/auditCsv.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { type DeliveryState, deliveryStateWords } from '../vocabulary.ts';
import { type RosterMember, rosterRowBatches } from './memberRoster.ts';
import { NEVER_INVITED, rosterCsvColumns } from './memberRosterCsvSql.ts';
import { checkRosterQuery, type RosterQuery, rosterFilterParams } from './memberRosterQuery.ts';
import {
  type DbDeps,
  filterConditions,
  type RawRow,
  segmentsOf,
  wholeReportQuery,
} from './memberRosterSql.ts';

export const MEMBER_ROSTER_REPORT = 'Member Roster - Current';

export const ROSTER_CSV_HEADER = [
  'member_number',
  'first_name',
  'last_name',
  'email',
  'username',
  'login_created',
  'last_login',
  'invitations_sent',
  'last_invited',
  'delivery_state',
  'delivery_detail',
];

const iso = (d: Date | null) => (d ? d.toISOString() : '');

/** The delivery state as the Member Roster page says it, not its stored name (issue 12 item 9). */
const deliveryCell = (state: DeliveryState | null) =>
  state === null ? NEVER_INVITED : deliveryStateWords[state];

/** One member's record: times in ISO 8601 UTC, empty where there is nothing (no login, never logged in). */
export const rosterCsvCells = (m: RosterMember): string[] => [
  m.memberNumber,
  m.firstName,
  m.lastName,
  m.email,
  m.username ?? '',
  iso(m.loginCreatedAt),
  iso(m.lastLoginAt),
  String(m.invitationsSent),
  iso(m.lastInvitedAt),
  deliveryCell(m.deliveryState),
  m.deliveryDetail ?? '',
];

/** The whole export as text chunks: the header, then one chunk per batch (RFC 4180, formulas neutralised). */
export async function* rosterCsvChunks(batches: AsyncIterable<RosterMember[]>): AsyncGenerator<string> {
  yield csvRecord(ROSTER_CSV_HEADER);
  for await (const batch of batches) yield batch.map((m) => csvRecord(rosterCsvCells(m))).join('');
}

// PostgreSQL's text for a timestamptz when the session's TimeZone is UTC, e.g. "2025-03-04 12:34:56.123456+00";
// any other zone or form takes the general way below.
const PG_UTC = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(?:\.(\d+))?\+00$/;

/**
 * A time as the raw row has it (PostgreSQL's text) in ISO 8601 UTC, exactly as
 * `new Date(value).toISOString()` writes it (milliseconds, the rest cut off), without making the Date.
 */
export function isoOfRaw(value: string | null): string {
  if (value === null) return '';
  const m = PG_UTC.exec(value);
  if (!m) return new Date(value).toISOString(); // another zone or form: the slow, general way
  return `${m[1]}T${m[2]}.${m[3] === undefined ? '000' : `${m[3]}00`.slice(0, 3)}Z`;
}

/** `rosterCsvCells` straight from a raw row, as one CSV record: the same bytes, with no RosterMember between. */
export function rosterCsvRecordOfRaw(r: RawRow): string {
  return (
    `${csvCell(r.member_number)},${csvCell(r.first_name)},${csvCell(r.last_name)},${csvCell(r.email)},` +
    `${csvCell(r.username ?? '')},${csvCell(isoOfRaw(r.login_created_at))},${csvCell(isoOfRaw(r.last_login_at))},` +
    `${csvCell(String(r.invitations_sent))},${csvCell(isoOfRaw(r.last_invited_at))},` +
    `${csvCell(deliveryCell(r.delivery_state))},${csvCell(r.delivery_detail ?? '')}\r\n`
  );
}

/** A piece of a CSV file: text made here, or bytes the database server wrote. */
export type CsvChunk = string | Buffer;

/**
 * The report for this query as CSV chunks (the header, then the rows), with no audit event:
 * `exportMemberRoster` is the export a person makes.
 *
 * Where the database server can write CSV on a connection of its own (`db.copyCsv`: PostgreSQL), it does:
 * the whole report as one ordered statement, in one snapshot, its cells formed in SQL
 * (memberRosterCsvSql.ts) — the planner reads and sorts the rows in one go, and no row becomes a
 * JavaScript object (parsing rows was most of the export's time: 4 × COPY at 1M members). Otherwise
 * (PGlite) keyset batches of raw rows, each written here (`rosterCsvRecordOfRaw`); `keysetBatchSize` is
 * for tests.
 */
export async function* memberRosterCsv(
  deps: DbDeps,
  actor: Actor,
  query: RosterQuery,
  keysetBatchSize?: number,
): AsyncGenerator<CsvChunk> {
  requirePermission(actor, 'reports.read');
  const whole = wholeReport(query);
  yield csvRecord(ROSTER_CSV_HEADER);
  if (deps.db.copyCsv) {
    const segments = segmentsOf(whole.sort, whole);
    const statement = wholeReportQuery(segments, filterConditions(whole), whole.dir, rosterCsvColumns());
    if (statement) yield* deps.db.copyCsv(statement);
    return;
  }
  for await (const batch of rosterRowBatches(deps, actor, whole, keysetBatchSize)) {
    let chunk = '';
    for (const r of batch) chunk += rosterCsvRecordOfRaw(r);
    yield chunk;
  }
}

/**
 * Export Member Roster - Current as CSV. The audit event is written before the first row leaves, so an
 * export is on record even when the download is cut short; the row count is not known at that point.
 */
export async function exportMemberRoster(
  deps: Deps,
  actor: Actor,
  query: RosterQuery,
): Promise<AsyncGenerator<CsvChunk>> {
  requirePermission(actor, 'reports.read');
  const whole = wholeReport(query);
  await deps.db.transaction((tx) =>
    recordAudit(tx, deps.clock.now(), actor, 'report.exported', {
      details: {
        report: MEMBER_ROSTER_REPORT,
        filters: rosterFilterParams(whole),
        sort: whole.sort,
        dir: whole.dir,
      },
    }),
  );
  return memberRosterCsv(deps, actor, whole);
}

/** The query of the whole report (its filters and order; no cursor, no page size), checked. */
function wholeReport(query: RosterQuery): RosterQuery {
  const whole: RosterQuery = { sort: query.sort, dir: query.dir, ...pickFilter(query) };
  checkRosterQuery(whole);
  return whole;
}

const pickFilter = (q: RosterQuery) => ({
  login: q.login,
  lastLoginAfter: q.lastLoginAfter,
  lastLoginBefore: q.lastLoginBefore,
  deliveryFailed: q.deliveryFailed,
});
