import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { queryRows, type RowOf } from '../../db/rows.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { reserveAttempt } from '../auth/throttle.ts';
import { throttleRule } from '../auth/throttleRules.ts';
import type { Deps, SelfServiceRequest } from '../deps.ts';
import { type AccountEmailKind, queueAccountEmail } from '../email/queueAccountEmail.ts';
import type { Actor } from '../policy.ts';

/** Who the audit log names for a request made by someone who is not signed in. */
export const selfServiceActor = (ip: string | null): Actor => ({
  accountId: null,
  label: 'member (self-service)',
  role: 'member',
  ip,
});

/** What each self-service page sends, and the audit event it leaves. */
const PAGES: Record<
  SelfServiceRequest['page'],
  { byUsername: boolean; kind: AccountEmailKind; action: string }
> = {
  'forgot-password': { byUsername: true, kind: 'password_reset', action: 'password.reset_requested' },
  'forgot-username': { byUsername: false, kind: 'username_reminder', action: 'username.reminder_requested' },
};

const loginOnRoster = { accountId: 'number', memberId: 'number', email: 'text' } as const;
export type LoginOnRoster = RowOf<typeof loginOnRoster>;

/**
 * Logins matching what someone typed: by username (any case) or, for an address, every login whose member
 * has that roster address — several members may share one. Mail only ever goes to the roster address.
 */
export async function loginsMatching(
  db: DbOrTx,
  typedLower: string,
  opts: { byUsername: boolean },
): Promise<LoginOnRoster[]> {
  return queryRows(
    db,
    sql`
      select a.id as "accountId", m.id as "memberId", m.email
      from accounts a join members m on m.id = a.member_id
      where m.email_lower = ${typedLower}
      ${
        opts.byUsername
          ? sql`union select a.id, m.id, m.email
      from accounts a join members m on m.id = a.member_id
      where a.username_lower = ${typedLower}`
          : sql``
      }
      order by 1`,
    loginOnRoster,
  );
}

/**
 * The request path of "Forgot password?" / "Forgot username?". It does the same work whatever was typed:
 * it counts the per-address and per-typed-value throttles (unknown values exactly like known ones) and
 * hands the request to a background job. No lookup happens here, so neither the answer nor its timing
 * tells which logins exist; the caller shows one answer whatever happened.
 */
export async function requestSelfServiceEmail(deps: Deps, request: SelfServiceRequest): Promise<void> {
  const rules = [
    throttleRule('forgot-ip', request.page, request.ip),
    throttleRule('forgot-target', request.page, request.typed),
  ];
  const { reserved } = await reserveAttempt(deps.db, rules, deps.clock.now());
  if (reserved) await deps.jobs.selfServiceRequested(request);
}

/**
 * The background half (a pg-boss job): queues one email to the roster address of each login matching what
 * was typed, at most three an hour per login however it was named, each with its audit event.
 */
export async function handleSelfServiceRequest(deps: Deps, request: SelfServiceRequest): Promise<number> {
  const page = PAGES[request.page];
  const now = deps.clock.now();
  const queued = await deps.db.transaction(async (tx) => {
    let count = 0;
    for (const login of await loginsMatching(tx, request.typed, { byUsername: page.byUsername })) {
      const perLogin = [throttleRule('forgot-login', request.page, login.accountId)];
      if (!(await reserveAttempt(tx, perLogin, now)).reserved) continue;
      await queueAccountEmail(tx, now, { kind: page.kind, memberId: login.memberId, toAddress: login.email });
      await recordAudit(tx, now, selfServiceActor(request.ip), page.action, { memberId: login.memberId });
      count += 1;
    }
    return count;
  });
  if (queued > 0) await deps.jobs.emailDue();
  return queued;
}
