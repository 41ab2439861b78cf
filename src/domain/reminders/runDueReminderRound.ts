import { desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import { invitationRounds } from '../../db/schema.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { lockBulkRounds } from '../invitations/bulkRoundLock.ts';
import { requirePermission, systemActor } from '../policy.ts';
import { reminderAudienceSql, reminderDueAt } from './reminderAudience.ts';
import { readReminderSettings } from './reminderSettings.ts';

/** Who the Invitation Rounds report, the Audit Log and the emails name as having started the round. */
export const AUTOMATIC_REMINDERS = 'Automatic reminders';

export type ReminderCheck =
  | { started: true; roundId: number; total: number }
  | { started: false; reason: 'off' | 'paused' | 'not_due' | 'busy' | 'nobody' };

/** The newest reminder round (automatic or not), whose start the interval counts from. */
export async function lastReminderRound(db: Deps['db'] | Tx) {
  const [round] = await db
    .select({ id: invitationRounds.id, startedAt: invitationRounds.startedAt })
    .from(invitationRounds)
    .where(eq(invitationRounds.kind, 'reminder'))
    .orderBy(desc(invitationRounds.startedAt), desc(invitationRounds.id))
    .limit(1);
  return round ?? null;
}

/**
 * The scheduled check (src/jobs/worker.ts runs it every hour): starts a reminder round if one is due —
 * switched on, not paused, the last reminder round began at least `everyDays` ago (or none ever ran),
 * and no Send All or reminder round is still sending. Decided and queued in one transaction under the
 * round lock, re-reading everything after the lock is held, so concurrent checks start one round.
 */
export async function runDueReminderRound(deps: Deps): Promise<ReminderCheck> {
  const actor = systemActor(AUTOMATIC_REMINDERS);
  requirePermission(actor, 'invitations.send');
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx): Promise<ReminderCheck> => {
    // Two workers checking at once, or a check racing a Send All click, open one round at most.
    const running = await lockBulkRounds(tx);
    const s = await readReminderSettings(tx);
    if (!s.enabled) return { started: false, reason: 'off' };
    if (s.pausedAt) return { started: false, reason: 'paused' };
    const last = await lastReminderRound(tx);
    if (reminderDueAt(s, last?.startedAt ?? null, now) > now) return { started: false, reason: 'not_due' };
    if (running) return { started: false, reason: 'busy' };

    const [round] = await tx
      .insert(invitationRounds)
      .values({
        kind: 'reminder',
        startedBy: null,
        startedByLabel: AUTOMATIC_REMINDERS,
        startedAt: now,
        total: 0,
      })
      .returning({ id: invitationRounds.id });
    const roundId = round!.id;
    const [queued] = await queryRows(
      tx,
      sql`
        with queued as (
          insert into email_messages (kind, member_id, round_id, to_address, state, created_at, updated_at)
          select 'invitation', a.id, ${roundId}, a.email, 'queued', ${now}, ${now}
          from (${reminderAudienceSql(s, now)}) a
          returning 1)
        select count(*) as n from queued`,
      { n: 'number' },
    );
    const total = queued?.n ?? 0;
    if (total === 0) {
      // Nobody to remind: no empty round in the reports; the next hourly check looks again.
      await tx.delete(invitationRounds).where(eq(invitationRounds.id, roundId));
      return { started: false, reason: 'nobody' };
    }
    await tx.update(invitationRounds).set({ total }).where(eq(invitationRounds.id, roundId));
    await recordAudit(tx, now, actor, 'reminders.round_started', {
      details: { roundId, total, everyDays: s.everyDays, maxPerMember: s.maxPerMember },
    });
    return { started: true, roundId, total };
  });
  if (result.started) await deps.jobs.emailDue({ volume: result.total });
  return result;
}
