import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import type { ReminderSettings } from './reminderSettings.ts';

const DAY_MS = 24 * 60 * 60_000;

/**
 * Who a reminder round emails, as one set-based query (it feeds an INSERT … SELECT; the roster may hold
 * 100k+ members): members who
 * - have no login and are current members;
 * - have already received an invitation (`invitations_sent` counts emails that reached a mail server or
 *   the Email Log): a reminder is never a first contact — Send All is for that;
 * - are not in a permanent delivery failure ('failed'; 'deferred' is temporary and stays in);
 * - were not sent any invitation email in the last `everyDays` days (by when it was queued, so a manual
 *   Send yesterday is not followed by a reminder today, and a round's own messages count from its start);
 * - have had fewer than `maxPerMember` reminder emails (messages of rounds of kind 'reminder').
 * Grouped sub-queries instead of per-member look-ups, so the planner can hash them.
 */
export function reminderAudienceSql(s: Pick<ReminderSettings, 'everyDays' | 'maxPerMember'>, now: Date) {
  const cutoff = new Date(now.getTime() - s.everyDays * DAY_MS);
  return sql`
    select m.id, m.email from members m
    left join (
      select e.member_id, count(*) as n from email_messages e
      join invitation_rounds r on r.id = e.round_id and r.kind = 'reminder'
      where e.member_id is not null
      group by e.member_id) reminded on reminded.member_id = m.id
    where not m.has_login
      and m.status = 'current'
      and m.delivery_state is distinct from 'failed'
      and m.invitations_sent > 0
      and coalesce(reminded.n, 0) < ${s.maxPerMember}
      and not exists (
        select 1 from email_messages recent
        where recent.member_id = m.id and recent.kind = 'invitation' and recent.created_at > ${cutoff})`;
}

/** How many members a reminder round would email if it ran now with these settings. */
export async function reminderAudienceCount(
  db: DbOrTx,
  s: Pick<ReminderSettings, 'everyDays' | 'maxPerMember'>,
  now: Date,
): Promise<number> {
  const [row] = await queryRows(
    db,
    sql`select count(*) as n from (${reminderAudienceSql(s, now)}) audience`,
    { n: 'number' },
  );
  return row?.n ?? 0;
}

/** When the next round is due: `everyDays` after the last reminder round started, or now if none ran. */
export function reminderDueAt(s: Pick<ReminderSettings, 'everyDays'>, lastStartedAt: Date | null, now: Date) {
  if (!lastStartedAt) return now;
  return new Date(lastStartedAt.getTime() + s.everyDays * DAY_MS);
}
