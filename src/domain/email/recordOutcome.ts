import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import type { DeliveryState } from '../../db/schema.ts';
import type { SendOutcome } from '../../email/mailer.ts';
import type { Deps } from '../deps.ts';
import { deliveryFailedSql, roundFinishedSql } from '../webhooks/webhookEvents.ts';
import type { ClaimedMessage } from './claimDueMessages.ts';
import { handedOver, handOverSql } from './deliveryLease.ts';
import type { StoredCopy } from './storedCopy.ts';

/** The wait before the next attempt after `attempts` temporary failures (EMAIL_RETRY_MINUTES). */
export const retryDelayMs = (delaysMs: number[], attempts: number) =>
  delaysMs[Math.min(attempts, delaysMs.length) - 1]!;

export type Delivery = {
  message: ClaimedMessage;
  outcome: SendOutcome;
  /** What the Email Log keeps of the message. */
  stored: StoredCopy;
};

// RFC 1047 (decision 0014): silence after the whole message went out may mean it arrived. The copy's link
// is never revoked, and the member's record says a second copy may have been sent.
const MAY_HAVE_ARRIVED =
  'The connection was lost after the mail server had received the whole message but before it confirmed ' +
  'it, so that copy may have arrived; its link stays valid.';
const SECOND_COPY =
  'Delivered. An earlier attempt may also have arrived (the connection was lost before the mail server ' +
  'confirmed it), so the member may have two copies; both links work until they create a login.';

function settle({ message, outcome }: Delivery, now: Date, delaysMs: number[]) {
  const reached = outcome.status === 'sent' || outcome.status === 'logged';
  const maybe = outcome.status === 'temporary' && outcome.mayHaveArrived === true;
  // One attempt more than there are waits: the last temporary failure is final.
  const retry = outcome.status === 'temporary' && message.attempts <= delaysMs.length;
  const state: DeliveryState = reached ? outcome.status : retry ? 'deferred' : 'failed';
  const detail =
    outcome.status === 'sent' ? outcome.response : outcome.status === 'logged' ? null : outcome.error;
  const nextAttemptAt = retry
    ? new Date(now.getTime() + retryDelayMs(delaysMs, message.attempts)).toISOString()
    : null;
  return { reached, maybe, state, detail, nextAttemptAt };
}

/**
 * Writes what became of a group of messages, in one statement (this is the delivery hot path): on each
 * message (state, stored copy, error, next attempt), on its member (the invitation summary the
 * Invitation Codes list shows) and, when the email never reached a mail server, revokes the invitation
 * it carried — nobody can have its link. Fenced on the lease: only messages this run (`leaseToken`)
 * handed over are written — still `sending`, or `interrupted` by a sweep that took this run for dead, in
 * which case the server's answer is the better record. Returns each message's new state, null where the
 * message was no longer this run's.
 *
 * `handOver`: the next group, marked `sending` in the same statement (handOverSql) and returned as
 * `handedOver` — the messages to send now. One round trip then both settles a group and hands over the
 * next: each message is still marked before it goes and written back once its answer is in.
 */
export async function recordOutcomes(
  deps: Deps,
  deliveries: Delivery[],
  leaseToken: string,
): Promise<(DeliveryState | null)[]> {
  return (await settleAndHandOver(deps, deliveries, leaseToken, [])).states;
}

export async function settleAndHandOver(
  deps: Deps,
  deliveries: Delivery[],
  leaseToken: string,
  handOver: ClaimedMessage[],
): Promise<{ states: (DeliveryState | null)[]; handedOver: ClaimedMessage[] }> {
  const now = deps.clock.now();
  const settled = deliveries.map((d) => settle(d, now, deps.config.emailRetryDelaysMs));
  const column = <T>(pick: (d: Delivery, i: number) => T) => sql.param(deliveries.map(pick));
  const written = await queryRows(
    deps.db,
    sql`
    with o as (
      select * from unnest(
        ${column((d) => d.message.id)}::bigint[], ${column((_, i) => settled[i]!.state)}::text[],
        ${column((_, i) => settled[i]!.reached)}::boolean[], ${column((_, i) => settled[i]!.maybe)}::boolean[],
        ${column((_, i) => settled[i]!.detail)}::text[],
        ${column((_, i) => settled[i]!.nextAttemptAt)}::timestamptz[],
        ${column((d) => d.stored.subject)}::text[], ${column((d) => d.stored.text)}::text[], ${column((d) => d.stored.html)}::text[],
        ${column((d) => (d.stored.kept ? JSON.stringify(d.stored.kept) : null))}::text[],
        ${column((d) => (d.message.kind === 'invitation' ? d.message.memberId : null))}::bigint[],
        ${column((d, i) => (settled[i]!.reached || settled[i]!.maybe ? null : (d.message.invitation?.invitationId ?? null)))}::bigint[])
      as o(id, state, reached, maybe, detail, next_attempt_at, subject, text_body, html_body, kept_secrets, member_id, revoke_id)),
    message as (
      update email_messages e set state = o.state, next_attempt_at = o.next_attempt_at, updated_at = ${now},
        sent_at = case when o.reached then ${now}::timestamptz end,
        last_error = case when e.may_have_arrived or o.maybe then
                            case when o.reached then ${SECOND_COPY} else ${MAY_HAVE_ARRIVED} || ' (' || o.detail || ')' end
                          when o.reached then null else o.detail end,
        may_have_arrived = e.may_have_arrived or o.maybe,
        subject = o.subject, text_body = o.text_body, html_body = o.html_body, kept_secrets = o.kept_secrets::jsonb
      from o where e.id = o.id and e.state in ('sending', 'interrupted') and e.lease_token = ${leaseToken}
      returning e.id, e.may_have_arrived),
    member as (
      update members m set
        invitations_sent = m.invitations_sent + case when o.reached then 1 else 0 end,
        last_invited_at = case when o.reached then ${now}::timestamptz else m.last_invited_at end,
        delivery_state = o.state,
        delivery_detail = case when not message.may_have_arrived then o.detail
                               when o.reached then ${SECOND_COPY}
                               else ${MAY_HAVE_ARRIVED} || ' (' || o.detail || ')' end
      from o join message on message.id = o.id where m.id = o.member_id
      returning m.id),
    revoked as (
      update invitations i set revoked_at = ${now}
      from o where i.id = o.revoke_id and o.id in (select id from message)),
    failed_webhook as (${deliveryFailedSql(
      now,
      sql`select o.id, o.member_id, e.round_id, o.detail as error from o join message on message.id = o.id
          join email_messages e on e.id = o.id where o.state = 'failed' and o.member_id is not null`,
    )}),
    handed as (${handOver.length > 0 ? handOverSql(deps, leaseToken, handOver) : sql`select null::bigint as id where false`})
    -- The claimed rows (handed) are read, so locked, before the sending ones (message), the order a sweep
    -- takes them in (requeue, then interrupt): the two never wait on each other in a circle.
    select id, true as handed from handed
    union all select id, false from message`,
    { id: 'number', handed: 'boolean' },
  );
  const mine = new Set(written.filter((r) => !r.handed).map((r) => r.id));
  return {
    states: settled.map((s, i) => (mine.has(deliveries[i]!.message.id) ? s.state : null)),
    handedOver: handedOver(
      handOver,
      written.filter((r) => r.handed),
    ),
  };
}

/** Marks rounds done once none of their messages is waiting or being sent. */
export async function finishCompletedRounds(db: DbOrTx, now: Date): Promise<void> {
  await db.execute(sql`
    with finished as (
      update invitation_rounds r set finished_at = ${now}
      where r.finished_at is null
        and not exists (select 1 from email_messages e
                        where e.round_id = r.id and e.state in ('queued', 'deferred', 'claimed', 'sending'))
      returning r.id),
    webhook as (${roundFinishedSql(now, sql`select id from finished`)})
    select 1`);
}
