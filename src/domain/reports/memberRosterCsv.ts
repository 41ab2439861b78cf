import { csvRecord } from '../audit/auditCsv.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { memberRosterBatches, type RosterMember } from './memberRoster.ts';
import { checkRosterQuery, type RosterQuery, rosterFilterParams } from './memberRosterQuery.ts';

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
  m.deliveryState ?? '', // the stable state name (schema.ts deliveryStates), for scripts
  m.deliveryDetail ?? '',
];

/** The whole export as text chunks: the header, then one chunk per batch (RFC 4180, formulas neutralised). */
export async function* rosterCsvChunks(batches: AsyncIterable<RosterMember[]>): AsyncGenerator<string> {
  yield csvRecord(ROSTER_CSV_HEADER);
  for await (const batch of batches) yield batch.map((m) => csvRecord(rosterCsvCells(m))).join('');
}

/**
 * Export Member Roster - Current as CSV. The audit event is written before the first row leaves, so an
 * export is on record even when the download is cut short; the row count is not known at that point.
 */
export async function exportMemberRoster(
  deps: Deps,
  actor: Actor,
  query: RosterQuery,
): Promise<AsyncGenerator<string>> {
  requirePermission(actor, 'reports.read');
  const whole: RosterQuery = { sort: query.sort, dir: query.dir, ...pickFilter(query) };
  checkRosterQuery(whole);
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
  return rosterCsvChunks(memberRosterBatches(deps, actor, whole));
}

const pickFilter = (q: RosterQuery) => ({
  login: q.login,
  lastLoginAfter: q.lastLoginAfter,
  lastLoginBefore: q.lastLoginBefore,
  deliveryFailed: q.deliveryFailed,
});
