import { desc, eq } from 'drizzle-orm';
import { invitationRounds } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { reminderAudienceCount, reminderDueAt } from './reminderAudience.ts';
import { type ReminderSettings, readReminderSettings } from './reminderSettings.ts';

const HOUR_MS = 60 * 60_000;
// Only the newest few, each with its total: per-round delivery counts are on the round's own page and
// in the Invitation Rounds report (counting 100k-message rounds here on every view would be wasteful).
const HISTORY_SIZE = 10;

export type ReminderRoundRow = {
  id: number;
  startedAt: Date;
  startedByLabel: string;
  total: number;
  finishedAt: Date | null;
};

export type ReminderOverview = {
  settings: ReminderSettings;
  /** Members a round would email if it ran now (with the saved settings). */
  audience: number;
  /** The first hourly check at which a round is due; null while off or paused. */
  nextCheckAt: Date | null;
  recent: ReminderRoundRow[];
};

/**
 * The worker checks on the hour (src/jobs/worker.ts): a round due at `dueAt` starts at the first check
 * at or after it; one already due starts at the next check from now.
 */
export function nextHourlyCheck(dueAt: Date, now: Date): Date {
  const at = dueAt > now ? Math.ceil(dueAt.getTime() / HOUR_MS) : Math.floor(now.getTime() / HOUR_MS) + 1;
  return new Date(at * HOUR_MS);
}

/** Everything the Reminder Rounds settings page shows. */
export async function reminderOverview(deps: Deps, actor: Actor): Promise<ReminderOverview> {
  requirePermission(actor, 'reports.read');
  const now = deps.clock.now();
  const settings = await readReminderSettings(deps.db);
  const [audience, rounds] = await Promise.all([
    reminderAudienceCount(deps.db, settings, now),
    deps.db
      .select()
      .from(invitationRounds)
      .where(eq(invitationRounds.kind, 'reminder'))
      .orderBy(desc(invitationRounds.startedAt), desc(invitationRounds.id))
      .limit(HISTORY_SIZE),
  ]);
  const dueAt = reminderDueAt(settings, rounds[0]?.startedAt ?? null, now);
  const active = settings.enabled && settings.pausedAt === null;
  return {
    settings,
    audience,
    nextCheckAt: active ? nextHourlyCheck(dueAt, now) : null,
    recent: rounds.map(({ id, startedAt, startedByLabel, total, finishedAt }) => ({
      id,
      startedAt,
      startedByLabel,
      total,
      finishedAt,
    })),
  };
}
