import { and, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import { invitationRounds } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';

export type RoundProgress = {
  roundId: number;
  kind: 'single' | 'send_all' | 'reminder';
  startedAt: Date;
  startedByLabel: string;
  total: number;
  /** Reached a mail server (or, without SMTP, the Email Log). */
  sent: number;
  failed: number;
  /** Not sent on purpose (the member made a login first) or given up after a crash. */
  notSent: number;
  remaining: number;
  finishedAt: Date | null;
};

/** Counted from the messages themselves (one index range per round), so a reload always shows the truth. */
export async function roundProgress(deps: Deps, roundId: number): Promise<RoundProgress> {
  const [round] = await deps.db.select().from(invitationRounds).where(eq(invitationRounds.id, roundId));
  if (!round) throw new AppError('not_found', 'There is no invitation round with that number.');
  const counts = await queryRows(
    deps.db,
    sql`select state, count(*) as n from email_messages where round_id = ${roundId} group by state`,
    { state: 'text', n: 'number' },
  );
  const count = (...states: string[]) =>
    counts.filter((c) => states.includes(c.state)).reduce((sum, c) => sum + c.n, 0);
  return {
    roundId,
    kind: round.kind,
    startedAt: round.startedAt,
    startedByLabel: round.startedByLabel,
    total: round.total,
    sent: count('sent', 'logged'),
    failed: count('failed'),
    notSent: count('skipped', 'interrupted'),
    remaining: count('queued', 'deferred', 'claimed', 'sending'),
    finishedAt: round.finishedAt,
  };
}

/** The newest Send All (or reminder round) that has not finished, or null. */
export async function activeSendAll(deps: Deps): Promise<RoundProgress | null> {
  const [round] = await deps.db
    .select({ id: invitationRounds.id })
    .from(invitationRounds)
    .where(and(inArray(invitationRounds.kind, ['send_all', 'reminder']), isNull(invitationRounds.finishedAt)))
    .orderBy(desc(invitationRounds.id))
    .limit(1);
  return round ? roundProgress(deps, round.id) : null;
}

/** Who a single Send went to, for its confirmation (looked up from the round, never taken from the URL). */
export async function singleSendRecipient(
  deps: Deps,
  roundId: number,
): Promise<{ memberId: number; name: string } | undefined> {
  if (!Number.isSafeInteger(roundId) || roundId < 1) return undefined;
  const [row] = await queryRows(
    deps.db,
    sql`select m.id as "memberId", m.first_name || ' ' || m.last_name as name
        from invitation_rounds r join email_messages e on e.round_id = r.id join members m on m.id = e.member_id
        where r.id = ${roundId} and r.kind = 'single' limit 1`,
    { memberId: 'number', name: 'text' },
  );
  return row;
}
