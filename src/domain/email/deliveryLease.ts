import { randomUUID } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';
import type { ClaimedMessage } from './claimDueMessages.ts';

/**
 * The lease a delivery run holds on the messages it claimed. The token (random per run) is written at
 * claim; every later write of that run is fenced on it, so once a sweep has taken a message over (the
 * lease ran out), the old holder can neither hand it to the mail server nor overwrite its outcome.
 */
export const newLeaseToken = (): string => randomUUID();

const leaseUntil = (deps: Deps) => new Date(deps.clock.now().getTime() + deps.config.deliveryLeaseMs);

/**
 * Pushes the deadline of everything this run still holds (claimed or being handed over) forward. A message
 * locked by another statement is skipped, never waited for: that is the run's own hand-over or claim (which
 * writes a new deadline itself) or a sweep taking it over. Waiting would lock the run's messages in another
 * order than its settle-and-hand-over statement does, running beside it from the timer: at a Send All to
 * 1M members the two deadlocked and the run lost its group's answers (tests/integration/reliabilityLease).
 */
export async function renewLease(deps: Deps, token: string): Promise<void> {
  const held = sql`state in ('claimed', 'sending') and lease_token = ${token}`;
  await deps.db.execute(sql`
    update email_messages set next_attempt_at = ${leaseUntil(deps)}
    where id in (select id from email_messages where ${held} for update skip locked) and ${held}`);
}

/**
 * Renews before a group only once a third of the lease has gone by (on the run's clock) since this run
 * last did: a statement per group was a fifth of the hot path's statements, and what matters is that
 * the deadline never comes near. The timer (keepLeaseAlive) still renews on its own.
 */
export function renewalWhenDue(deps: Deps, token: string) {
  let renewedAt = Number.NEGATIVE_INFINITY;
  return {
    /** A claim just gave everything this run holds a whole lease. */
    claimed: () => {
      renewedAt = deps.clock.now().getTime();
    },
    beforeGroup: async () => {
      const now = deps.clock.now().getTime();
      if (now - renewedAt < deps.config.deliveryLeaseMs / 3) return;
      await renewLease(deps, token);
      renewedAt = now;
    },
  };
}

/**
 * Renews the lease every third of its length while the run is alive, so a slow mail server (greylisting,
 * a stalled relay) never makes a live worker's messages look abandoned. Returns the function that stops it.
 */
export function keepLeaseAlive(deps: Deps, token: string, onError: (err: unknown) => void): () => void {
  const timer = setInterval(
    () => void renewLease(deps, token).catch(onError),
    Math.max(100, Math.floor(deps.config.deliveryLeaseMs / 3)),
  );
  timer.unref();
  return () => clearInterval(timer);
}

/**
 * From here on a crash leaves these messages undecided (they may have arrived): never resent. Only the
 * messages still claimed under this run's token are taken; the caller sends exactly those.
 */
export async function markHandedOver(
  deps: Deps,
  token: string,
  group: ClaimedMessage[],
): Promise<ClaimedMessage[]> {
  const taken = await queryRows(deps.db, handOverSql(deps, token, group), { id: 'number' });
  return handedOver(group, taken);
}

/** The hand-over as one statement (`… returning id`), also run inside recordOutcomes' statement. */
export const handOverSql = (deps: Deps, token: string, group: ClaimedMessage[]): SQL => sql`
  update email_messages set state = 'sending', attempts = attempts + 1, next_attempt_at = ${leaseUntil(deps)},
    updated_at = ${deps.clock.now()}
  where id = any(${sql.param(group.map((m) => m.id))}::bigint[]) and state = 'claimed' and lease_token = ${token}
  returning id`;

/** The messages of `group` that the hand-over statement took: exactly those are sent. */
export function handedOver(group: ClaimedMessage[], taken: { id: number }[]): ClaimedMessage[] {
  const ids = new Set(taken.map((r) => r.id));
  const mine = group.filter((m) => ids.has(m.id));
  for (const m of mine) m.attempts += 1;
  return mine;
}

/**
 * Puts claimed (never handed over) messages matching `which` back in the queue and revokes the invitations
 * made for them: nobody has their links. The rows are locked first, so a message that a live holder hands
 * over at this very moment is either requeued here or sent there, never both, and its link stays valid
 * (in id order, as markHandedOver's primary-key lookups take them, so the two rarely wait on each other).
 */
export async function requeueClaimed(tx: DbOrTx, now: Date, which: SQL): Promise<void> {
  await tx.execute(sql`
    with taken as (
      select id, invitation_id from email_messages where state = 'claimed' and ${which} order by id for update),
    requeued as (
      update email_messages e set state = 'queued', next_attempt_at = null, invitation_id = null,
        lease_token = null, updated_at = ${now}
      from taken where e.id = taken.id)
    update invitations set revoked_at = ${now}
    where id in (select invitation_id from taken where invitation_id is not null)`);
}

/** A graceful stop: what this run claimed but did not hand over goes back to the queue for another worker. */
export async function releaseClaimed(deps: Deps, token: string): Promise<void> {
  await deps.db.transaction((tx) => requeueClaimed(tx, deps.clock.now(), sql`lease_token = ${token}`));
}
