import { eq, sql } from 'drizzle-orm';
import type { Tx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import { accounts, invitationRounds, members } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { requestNamed } from '../clearAllUsernames/loginClearRequests.ts';
import type { Deps } from '../deps.ts';
import { lockMemberRow } from '../members/lockMemberRow.ts';
import { type Actor, type Permission, requirePermission } from '../policy.ts';
import {
  defaultSendAllTarget,
  type SendAllTarget,
  sendAllAudienceSql,
  sendAllFilterParams,
} from '../sendAll/sendAllTarget.ts';
import { readSettings } from '../settings/organisationSettings.ts';
import { queueRoundFinished } from '../webhooks/webhookEvents.ts';
import { lockBulkRounds } from './bulkRoundLock.ts';

type RoundKind = 'single' | 'send_all' | 'reminder';

/**
 * Who started a round, as the rounds pages show it and as a person's invitation emails name their sender:
 * the admin's own name; else what acted (an API token, the command line), whose emails speak for the
 * organisation instead (claimDueMessages takes a name as the inviter only from a round a person started).
 */
async function startedByLabel(tx: Tx, deps: Deps, actor: Actor): Promise<string> {
  if (actor.accountId === null) return actor.label;
  const [row] = await tx
    .select({ firstName: members.firstName, lastName: members.lastName })
    .from(accounts)
    .innerJoin(members, eq(members.id, accounts.memberId))
    .where(eq(accounts.id, actor.accountId));
  return row
    ? `${row.firstName} ${row.lastName}`
    : (await readSettings({ db: tx, config: deps.config })).orgName;
}

async function openRound(tx: Tx, deps: Deps, actor: Actor, kind: RoundKind, total: number, now: Date) {
  const [round] = await tx
    .insert(invitationRounds)
    .values({
      kind,
      startedBy: actor.accountId,
      startedByLabel: await startedByLabel(tx, deps, actor),
      startedAt: now,
      total,
    })
    .returning({ id: invitationRounds.id });
  return round!.id;
}

/**
 * Queues one invitation email for one member as a round of its own. A member with a login only gets
 * one if they have never logged in; completing it then replaces that unused login.
 */
export async function queueOneInvitation(deps: Deps, actor: Actor, memberId: number, action: string) {
  const now = deps.clock.now();
  const result = await deps.db.transaction((tx) =>
    queueOneInvitationIn(tx, deps, actor, memberId, action, now),
  );
  await deps.jobs.emailDue();
  return result;
}

/**
 * The work of `queueOneInvitation` inside the caller's transaction, so that a repeat-safe Send can claim
 * its form key in the same transaction. The caller wakes the workers (`deps.jobs.emailDue()`) after commit.
 */
export async function queueOneInvitationIn(
  tx: Tx,
  deps: Deps,
  actor: Actor,
  memberId: number,
  action: string,
  now: Date,
) {
  const { member, login } = await lockMemberRow(tx, memberId);
  const name = `${member.firstName} ${member.lastName}`;
  if (login?.lastLoginAt) {
    throw new AppError('conflict', `${name} has already logged in, so no invitation is needed.`);
  }
  const roundId = await openRound(tx, deps, actor, 'single', 1, now);
  await tx.execute(sql`
    insert into email_messages (kind, member_id, round_id, to_address, state, created_at, updated_at)
    values ('invitation', ${member.id}, ${roundId}, ${member.email}, 'queued', ${now}, ${now})`);
  await recordAudit(tx, now, actor, action, { memberId: member.id, details: { roundId } });
  return { roundId, name };
}

const withPermission =
  (permission: Permission, action: string) => (deps: Deps, actor: Actor, memberId: number) => {
    requirePermission(actor, permission);
    return queueOneInvitation(deps, actor, memberId, action);
  };

/** Send, on a row of Invitation Codes. */
export const sendInvitation = withPermission('invitations.send', 'invitation.send');
/** Resend set-up email, on a profile: a Security Administrator's repair for a member who never logged in. */
export const resendSetupEmail = withPermission('logins.manage', 'invitation.resend_setup_email');

/**
 * Send All: one round that queues an invitation email for every member its target takes in (by default
 * the current members without a login not invited in the last 24 hours), set-based. The unique
 * (round, member) index on email_messages means a member is queued once per round, whatever happens to
 * the workers afterwards.
 */
export async function startSendAll(deps: Deps, actor: Actor, target: SendAllTarget = defaultSendAllTarget) {
  requirePermission(actor, 'invitations.send');
  const now = deps.clock.now();
  const result = await deps.db.transaction((tx) => startSendAllIn(tx, deps, actor, now, target));
  if (result.total > 0) await deps.jobs.emailDue({ volume: result.total });
  return result;
}

/**
 * The work of `startSendAll` inside the caller's transaction (the repeat-safe form claims its key first).
 * The caller checks the permission and wakes the workers after commit.
 */
export async function startSendAllIn(tx: Tx, deps: Deps, actor: Actor, now: Date, target: SendAllTarget) {
  // A second click while the first Send All (or a reminder round) runs would email everyone twice.
  const running = await lockBulkRounds(tx);
  if (running?.kind === 'clear' || running?.kind === 'restore') {
    throw new AppError(
      'conflict',
      `${requestNamed(running.kind)} is still running, and who has a login is changing. Start Send All once it has finished.`,
    );
  }
  if (running) {
    const what = running.kind === 'reminder' ? 'A reminder round' : 'A Send All';
    throw new AppError('conflict', `${what} is already running. Wait for it to finish.`, undefined, {
      roundId: running.id,
    });
  }
  const roundId = await openRound(tx, deps, actor, 'send_all', 0, now);
  const [queued] = await queryRows(
    tx,
    sql`
      with queued as (
        insert into email_messages (kind, member_id, round_id, to_address, state, created_at, updated_at)
        select 'invitation', m.id, ${roundId}, m.email, 'queued', ${now}, ${now}
        from (${sendAllAudienceSql(target, now)}) m
        returning 1)
      select count(*) as n from queued`,
    { n: 'number' },
  );
  const total = queued!.n;
  await tx
    .update(invitationRounds)
    .set({ total, ...(total === 0 ? { finishedAt: now } : {}) })
    .where(eq(invitationRounds.id, roundId));
  if (total === 0) await queueRoundFinished(tx, now, roundId);
  await recordAudit(tx, now, actor, 'invitation.send_all', {
    details: { roundId, total, ...auditedTarget(target) },
  });
  return { roundId, total };
}

/** Who the round was for, in the Audit Log: the filters as the list writes them, and the two options. */
const auditedTarget = (target: SendAllTarget) => ({
  filters: Object.fromEntries(Object.entries(sendAllFilterParams(target.filters)).filter(([, v]) => v)),
  includeLapsed: target.includeLapsed,
  skipRecentHours: target.skipRecentHours,
});
