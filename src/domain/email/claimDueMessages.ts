import { sql } from 'drizzle-orm';
import { queryRows, type RowOf } from '../../db/rows.ts';
import type { IssuedReset } from '../accounts/passwordResets.ts';
import type { Deps } from '../deps.ts';
import { type IssuedInvitation, issueInvitations } from '../invitations/issueInvitations.ts';
import { type EffectiveSettings, linkExpiryMs, readSettings } from '../settings/organisationSettings.ts';
import { newLeaseToken } from './deliveryLease.ts';
import { prepareAccountEmails } from './prepareAccountEmails.ts';

export type ClaimedMessage = {
  id: number;
  kind: string;
  memberId: number | null;
  roundId: number | null;
  toAddress: string;
  attempts: number;
  firstName: string | null;
  inviterName: string | null;
  /** An automatic reminder round: the email says it is a reminder rather than naming an admin. */
  isReminder: boolean;
  invitation: IssuedInvitation | null;
  /** The member's username as it is now (emails about a login show the current one). */
  username: string | null;
  passwordReset: IssuedReset | null;
};

const claimedRow = {
  id: 'number',
  kind: 'text',
  member_id: 'number?',
  round_id: 'number?',
  to_address: 'text',
  attempts: 'number',
  first_name: 'text?',
  started_by_label: 'text?',
  round_kind: 'text?',
  account_id: 'number?',
  username: 'text?',
  // An invitation is pointless once the member has used their login; an unused one may be replaced.
  skip: 'boolean',
  replaces_login: 'boolean',
} as const;
export type ClaimedRow = RowOf<typeof claimedRow>;

/**
 * Takes up to `limit` due messages for this worker, in one transaction: each is marked `claimed` with a
 * lease (`next_attempt_at`, held under `leaseToken`, see deliveryLease) so no other worker takes it, and
 * invitation messages get a fresh invitation whose secret exists only in memory until the email is sent
 * (password_reset messages likewise get their reset link, see prepareAccountEmails). SKIP LOCKED lets
 * several workers claim side by side without waiting for each other or taking the same row.
 */
export async function claimDueMessages(
  deps: Deps,
  limit: number,
  leaseToken: string = newLeaseToken(),
): Promise<ClaimedMessage[]> {
  return (await claimDueBatch(deps, limit, leaseToken)).messages;
}

/**
 * claimDueMessages, with the organisation settings the claim read for the links' expiry: the batch is
 * rendered with the same settings, read once (a change saved in Organisation settings applies from the
 * next batch).
 */
export async function claimDueBatch(
  deps: Deps,
  limit: number,
  leaseToken: string,
): Promise<{ messages: ClaimedMessage[]; settings: EffectiveSettings }> {
  const now = deps.clock.now();
  const leaseUntil = new Date(now.getTime() + deps.config.deliveryLeaseMs);
  return deps.db.transaction(async (tx) => {
    const rows: ClaimedRow[] = await queryRows(
      tx,
      sql`
        with due as (
          select id from email_messages
          where state in ('queued', 'deferred') and (next_attempt_at is null or next_attempt_at <= ${now})
          order by id limit ${limit}
          for update skip locked),
        claimed as (
          update email_messages e
          set state = 'claimed', next_attempt_at = ${leaseUntil}, lease_token = ${leaseToken}, updated_at = ${now}
          from due where e.id = due.id
          returning e.id, e.kind, e.member_id, e.round_id, e.to_address, e.attempts)
        select c.id, c.kind, c.member_id, c.round_id, c.to_address,
               -- The inviter an email names: the person who started the round; an API token, the command line
               -- or the reminders are not people, so their emails speak for the organisation.
               c.attempts, m.first_name, case when r.started_by is not null then r.started_by_label end as started_by_label,
               r.kind as round_kind, a.id as account_id, a.username,
               -- A message without a round (a reset link) has no round kind: never skipped, never NULL.
               coalesce(a.id is not null and (a.last_login_at is not null or r.kind <> 'single'), false) as skip,
               (a.id is not null) as replaces_login
        from claimed c
        left join members m on m.id = c.member_id
        left join accounts a on a.member_id = c.member_id
        left join invitation_rounds r on r.id = c.round_id
        order by c.id`,
      claimedRow,
    );
    const skipped = rows
      .filter((r) => r.kind === 'invitation' && (r.skip || r.member_id === null))
      .map((r) => r.id);
    if (skipped.length > 0) {
      await tx.execute(sql`
        update email_messages set state = 'skipped', next_attempt_at = null, updated_at = ${now},
          last_error = case when member_id is null then 'Not sent: the member is no longer on the roster.'
                            else 'Not sent: the member created a login before it was their turn.' end
        where id = any(${sql.param(skipped)}::bigint[])`);
    }
    const account = await prepareAccountEmails(tx, rows, now);
    const toInvite = rows.filter((r) => r.kind === 'invitation' && !skipped.includes(r.id));
    const settings = await readSettings({ db: tx, config: deps.config });
    const issued = await issueInvitations(
      tx,
      toInvite.map((r) => ({ memberId: r.member_id!, roundId: r.round_id, replacesLogin: r.replaces_login })),
      { now, expiryMs: linkExpiryMs(settings) },
    );
    if (issued.length > 0) {
      await tx.execute(sql`
        update email_messages e set invitation_id = u.invitation_id
        from unnest(${sql.param(toInvite.map((r) => r.id))}::bigint[], ${sql.param(issued.map((i) => i.invitationId))}::bigint[])
             as u(id, invitation_id)
        where e.id = u.id`);
    }
    const invitationOf = new Map(toInvite.map((r, i) => [r.id, issued[i]!]));
    const messages = rows
      .filter((r) => !skipped.includes(r.id) && !account.skipped.includes(r.id))
      .map((r) => ({
        id: r.id,
        kind: r.kind,
        memberId: r.member_id,
        roundId: r.round_id,
        toAddress: r.to_address,
        attempts: r.attempts,
        firstName: r.first_name,
        inviterName: r.started_by_label,
        isReminder: r.round_kind === 'reminder',
        invitation: invitationOf.get(r.id) ?? null,
        username: r.username,
        passwordReset: account.resets.get(r.id) ?? null,
      }));
    return { messages, settings };
  });
}
