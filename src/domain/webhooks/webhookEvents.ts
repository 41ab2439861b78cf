import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { isoUtc, queueWebhookEventsSql } from './webhookOutbox.ts';

/**
 * The three events, each queued by the action that causes it, in its transaction. Event ids are made
 * from the cause (`login_<account id>`, `email_<message id>`, `round_<round id>`), so a cause recorded
 * twice is still one event per endpoint.
 */

/** `member.login_created`: a login was created for a member (invitation accepted, admin created). */
export async function queueLoginCreated(tx: DbOrTx, now: Date, accountId: number): Promise<void> {
  await tx.execute(
    queueWebhookEventsSql(
      'member.login_created',
      now,
      sql`select 'login_' || a.id as event_id,
                 jsonb_build_object('member_number', m.member_number, 'username', a.username,
                                    'created_at', ${isoUtc(sql`a.created_at`)}) as data
          from accounts a join members m on m.id = a.member_id where a.id = ${accountId}`,
    ),
  );
}

/**
 * `invitation.delivery_failed`, as a CTE of recordOutcomes' statement: `failed` selects the invitation
 * messages that failed for good as `(id, member_id, round_id, error)`.
 */
export const deliveryFailedSql = (now: Date, failed: SQL): SQL =>
  queueWebhookEventsSql(
    'invitation.delivery_failed',
    now,
    sql`select 'email_' || f.id as event_id,
               jsonb_build_object('member_number', m.member_number, 'email', m.email, 'round_id', f.round_id,
                                  'error', f.error, 'failed_at', ${now.toISOString()}::text) as data
        from (${failed}) f join members m on m.id = f.member_id`,
  );

/**
 * `invitation_round.finished`, as a CTE of the statement that finishes rounds: `finished` selects the
 * rounds as `(id)`. The figures are read only when some endpoint listens.
 */
export const roundFinishedSql = (now: Date, finished: SQL): SQL =>
  queueWebhookEventsSql(
    'invitation_round.finished',
    now,
    sql`select 'round_' || r.id as event_id,
               jsonb_build_object('round_id', r.id, 'kind', r.kind, 'total', r.total,
                                  'started_at', ${isoUtc(sql`r.started_at`)}, 'finished_at', ${now.toISOString()}::text,
                                  'sent', (select count(*) from email_messages e
                                           where e.round_id = r.id and e.state in ('sent', 'logged')),
                                  'failed', (select count(*) from email_messages e
                                             where e.round_id = r.id and e.state = 'failed')) as data
        from invitation_rounds r where r.id in (${finished})`,
  );

/** A round that finished at once (nothing to send): its event, in the transaction that opened it. */
export async function queueRoundFinished(tx: DbOrTx, now: Date, roundId: number): Promise<void> {
  await tx.execute(roundFinishedSql(now, sql`select ${roundId}::bigint`));
}
