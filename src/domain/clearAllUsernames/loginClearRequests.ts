import { desc, eq, isNull } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/connect.ts';
import { isUniqueViolation } from '../../db/pgErrors.ts';
import { loginClearRequests } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';

export type LoginClearRequest = typeof loginClearRequests.$inferSelect;
export type RequestState = 'queued' | 'running' | 'done' | 'failed';

export const stateOf = (r: LoginClearRequest): RequestState =>
  r.finishedAt ? (r.failure ? 'failed' : 'done') : r.startedAt ? 'running' : 'queued';

/** A request named at the start of a sentence: what holds up Send All, or a second request. */
export const requestNamed = (kind: LoginClearRequest['kind']): string =>
  kind === 'clear' ? 'A Clear All Usernames' : 'A Restore of cleared logins';

const busyMessage = (r: Pick<LoginClearRequest, 'kind' | 'actorLabel'>) =>
  `${requestNamed(r.kind)} asked for by ${r.actorLabel} is still ` +
  'waiting or running. Only one can run at a time: wait for it to finish, then try again.';

/** Where the refusal is shown: over the form (Restore) or beside the confirmation (Clear All). */
type Field = 'confirmation' | '_form';

/**
 * Records a Clear All Usernames or Restore for the worker, in the caller's transaction, and refuses a
 * second one while one is waiting or running (a unique index on unfinished requests backs this up when
 * two admins press at the same moment).
 */
export async function recordRequestIn(
  tx: Tx,
  now: Date,
  actor: Actor & { accountId: number },
  request: Pick<LoginClearRequest, 'kind'> & Partial<LoginClearRequest>,
  field: Field,
): Promise<number> {
  const [busy] = await tx.select().from(loginClearRequests).where(isNull(loginClearRequests.finishedAt));
  if (busy) throw new AppError('conflict', busyMessage(busy), field);
  try {
    const [row] = await tx
      .insert(loginClearRequests)
      .values({
        ...request,
        requestedAt: now,
        actorAccountId: actor.accountId,
        actorLabel: actor.label,
        actorIp: actor.ip,
      })
      .returning({ id: loginClearRequests.id });
    return row!.id;
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError('conflict', busyMessage({ ...request, actorLabel: 'another administrator' }), field);
    throw err;
  }
}

/** One request, for its progress page. */
export async function loginClearRequest(
  deps: Pick<Deps, 'db'>,
  actor: Actor,
  requestId: number,
): Promise<LoginClearRequest> {
  requirePermission(actor, 'logins.clearAll');
  const [row] = await deps.db.select().from(loginClearRequests).where(eq(loginClearRequests.id, requestId));
  if (!row) throw new AppError('not_found', 'There is no such Clear All Usernames or Restore request.');
  return row;
}

/**
 * The request waiting or running now, if any: the Clear All page says so instead of offering a second,
 * and bulk rounds wait for it (bulkRoundLock.ts, inside their transaction).
 */
export async function unfinishedRequest(db: DbOrTx): Promise<LoginClearRequest | null> {
  const [row] = await db
    .select()
    .from(loginClearRequests)
    .where(isNull(loginClearRequests.finishedAt))
    .orderBy(desc(loginClearRequests.id))
    .limit(1);
  return row ?? null;
}
