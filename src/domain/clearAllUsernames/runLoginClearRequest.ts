import { and, eq, isNull, sql } from 'drizzle-orm';
import { queryRows } from '../../db/rows.ts';
import { loginClearRequests } from '../../db/schema.ts';
import { AppError, ValidationErrors } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../policy.ts';
import { clearLoginsIn } from './clearLogins.ts';
import type { LoginClearRequest } from './loginClearRequests.ts';
import { updateMemberLists } from './memberLists.ts';
import { restoreClearedLoginsIn } from './restoreClearedLogins.ts';

export const INTERRUPTED =
  'The worker stopped before this finished (it was stopped or crashed). It ran as one transaction, ' +
  'so nothing was changed. Start it again from the form.';
const UNEXPECTED = 'It failed on an unexpected error (the server log has it). Nothing was changed.';

export type RunOutcome = { requestId: number; failure: string | null; error?: unknown };

/** The one who asked, as the audit event and the clear record name them. */
const askerOf = (r: LoginClearRequest): Actor & { accountId: number } => ({
  accountId: r.actorAccountId ?? -1,
  label: r.actorLabel,
  role: 'security_admin',
  ip: r.actorIp,
});

/** A refusal the admin can act on (the count changed, restored already, too late) is said as it is. */
const failureOf = (err: unknown): string => {
  if (err instanceof ValidationErrors) return Object.values(err.fields).join(' ');
  if (err instanceof AppError) return err.message;
  return UNEXPECTED;
};

/**
 * The worker's job: takes the waiting request (at most one exists) and does it in ONE transaction — the
 * clear or restore, the audit event and the request's outcome (`done`) commit together or not at all; a
 * crash rolls the work back and the request stays "running" until `settleInterruptedRequests` says so.
 * Then the members' has_login follows in batches (memberLists.ts) and the request finishes.
 * Returns null when nothing was waiting.
 */
export async function runWaitingLoginClearRequest(
  deps: Deps,
  stopping?: AbortSignal,
): Promise<RunOutcome | null> {
  // Marked started in its own short transaction, so the page shows "running" while the work runs.
  const [started] = await queryRows(
    deps.db,
    sql`update login_clear_requests set started_at = ${deps.clock.now()}
        where id = (select id from login_clear_requests
                    where finished_at is null and started_at is null for update skip locked)
        returning id`,
    { id: 'number' },
  );
  if (!started) return null;
  const requestId = started.id;
  try {
    await deps.db.transaction(async (tx) => {
      const [request] = await tx
        .select()
        .from(loginClearRequests)
        .where(and(eq(loginClearRequests.id, requestId), isNull(loginClearRequests.finishedAt)))
        .for('update');
      if (!request) return; // settled as interrupted meanwhile
      const now = deps.clock.now();
      const asker = askerOf(request);
      let outcome: Partial<LoginClearRequest>;
      if (request.kind === 'clear') {
        const { clearId, removed } = await clearLoginsIn(tx, now, asker, {
          includeAdmins: request.includeAdmins,
          confirmed: request.confirmed ?? -1,
        });
        outcome = { clearId, done: removed };
      } else {
        const { restored, skipped } = await restoreClearedLoginsIn(tx, now, asker, request.clearId ?? -1);
        outcome = { done: restored, skipped };
      }
      // `done` says the logins have changed; the request finishes once the member lists have followed.
      await tx.update(loginClearRequests).set(outcome).where(eq(loginClearRequests.id, requestId));
    });
  } catch (error) {
    const failure = failureOf(error);
    await finish(deps, requestId, failure);
    return { requestId, failure, error: failure === UNEXPECTED ? error : undefined };
  }
  // Committed: from here on a stop or an error leaves the rest to `finishMemberLists`, never a failure.
  await updateMemberLists(deps, requestId, stopping);
  return { requestId, failure: null };
}

const finish = (deps: Pick<Deps, 'db' | 'clock'>, requestId: number, failure: string) =>
  deps.db
    .update(loginClearRequests)
    .set({ finishedAt: deps.clock.now(), failure })
    .where(and(eq(loginClearRequests.id, requestId), isNull(loginClearRequests.finishedAt)));

/** How long a started request may go without its transaction holding its row before it counts as dead. */
const GRACE_MS = 2 * 60_000;

/**
 * A request whose worker died mid-way: its transaction rolled back (nothing changed), and the request is
 * marked failed with INTERRUPTED so its page says so. A request still being worked on has its row locked
 * by the work's transaction and is skipped; `everything` (the only process using the database, at start)
 * settles every started one at once. One whose logins did change (`done`) is not a failure: its member
 * lists are finished by `finishMemberLists` (memberLists.ts). Returns how many were settled.
 */
export async function settleInterruptedRequests(
  deps: Pick<Deps, 'db' | 'clock'>,
  opts: { everything?: boolean } = {},
): Promise<number> {
  const now = deps.clock.now();
  const before = opts.everything ? now : new Date(now.getTime() - GRACE_MS);
  const rows = await queryRows(
    deps.db,
    sql`update login_clear_requests set finished_at = ${now}, failure = ${INTERRUPTED}
        where id in (select id from login_clear_requests
                     where finished_at is null and done is null
                       and started_at is not null and started_at <= ${before}
                     for update skip locked)
        returning id`,
    { id: 'number' },
  );
  return rows.length;
}
