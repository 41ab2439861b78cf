import { type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows } from '../../db/rows.ts';
import type { Deps } from '../deps.ts';
import { checkbox } from '../input.ts';
import {
  type PendingQuery,
  param,
  pendingQueryInput,
  pendingQueryParams,
} from '../invitationCodes/invitationCodesQuery.ts';
import { searchCondition } from '../invitationCodes/invitationCodesSearch.ts';
import { filterConditions } from '../invitationCodes/invitationCodesSql.ts';
import { type Actor, requirePermission } from '../policy.ts';

/** The filters of Invitation Codes that choose who a Send All emails (sort and page do not). */
export type SendAllFilters = Pick<
  PendingQuery,
  'search' | 'status' | 'invited' | 'sentBefore' | 'deliveryFailed'
>;

/**
 * Who a Send All emails: the members without a login that the filters show, current members only unless
 * lapsed ones are asked for (or the Status filter names them), and not those invited in the last
 * `skipRecentHours` hours (0: nobody is skipped).
 */
export type SendAllTarget = { filters: SendAllFilters; includeLapsed: boolean; skipRecentHours: number };

export const DEFAULT_SKIP_HOURS = 24;
export const MAX_SKIP_HOURS = 24 * 90;
const HOURS_MESSAGE = `Enter a whole number of hours from 0 to ${MAX_SKIP_HOURS}.`;

/** A Send All as asked for everywhere else (the CLI, reminders' tests): current members, 24 hours skipped. */
export const defaultSendAllTarget: SendAllTarget = {
  filters: {},
  includeLapsed: false,
  skipRecentHours: DEFAULT_SKIP_HOURS,
};

const optionsInput = z.object({
  includeLapsed: checkbox,
  skipRecentHours: param('skipRecentHours').transform((v, ctx) => {
    if (v === undefined) return DEFAULT_SKIP_HOURS;
    const hours = /^\d{1,5}$/.test(v) ? Number(v) : Number.NaN;
    if (hours <= MAX_SKIP_HOURS) return hours;
    ctx.addIssue({ code: 'custom', message: HOURS_MESSAGE, input: v });
    return z.NEVER;
  }),
});

/**
 * Send All's confirmation page and form: the Invitation Codes filters (same names, same checks and
 * words) plus the two options. Sort and page position are read and ignored.
 */
export const sendAllTargetInput = z.intersection(pendingQueryInput, optionsInput).transform(
  (q): SendAllTarget => ({
    filters: {
      search: q.search,
      status: q.status,
      invited: q.invited,
      sentBefore: q.sentBefore,
      deliveryFailed: q.deliveryFailed,
    },
    includeLapsed: q.includeLapsed,
    skipRecentHours: q.skipRecentHours,
  }),
);

/** The filters as their query string (the confirmation page's links and hidden fields). */
export const sendAllFilterParams = (filters: SendAllFilters) =>
  pendingQueryParams({ ...filters, sort: 'name', dir: 'asc' }, { withSort: false, withPosition: false });

export const hasSendAllFilters = (f: SendAllFilters): boolean =>
  Boolean(f.search || f.status || f.invited || f.sentBefore || f.deliveryFailed);

/** The filters as SQL over `members` (unqualified columns, as the list writes them). */
function matching(filters: SendAllFilters): SQL {
  const where = filterConditions({ ...filters, sort: 'name', dir: 'asc' });
  const search = filters.search ? searchCondition(filters.search) : null;
  return sql.join(search ? [...where, search] : where, sql` and `);
}

/**
 * An invitation queued in the window and not given up on: queued, on its way, delivered or kept. A failed
 * or skipped one does not count, so a member whose invitation bounced is not held back by it.
 */
function recentlyInvited(target: SendAllTarget, now: Date): SQL {
  if (target.skipRecentHours === 0) return sql`false`;
  const since = new Date(now.getTime() - target.skipRecentHours * 3_600_000);
  return sql`exists (
    select 1 from email_messages recent
    where recent.member_id = members.id and recent.kind = 'invitation' and recent.created_at > ${since}
      and recent.state not in ('failed', 'skipped', 'interrupted'))`;
}

/** Lapsed members are left out unless asked for; a Status filter of Lapsed asks for them. */
const statusAllowed = (target: SendAllTarget): SQL =>
  target.includeLapsed || target.filters.status ? sql`true` : sql`status = 'current'`;

/** The members a round emails: `select id, email from members where …` (feeds the round's INSERT … SELECT). */
export function sendAllAudienceSql(target: SendAllTarget, now: Date): SQL {
  return sql`select id, email from members
    where ${matching(target.filters)} and ${statusAllowed(target)} and not ${recentlyInvited(target, now)}`;
}

export type SendAllPreview = {
  /** Members the round would email now. */
  toSend: number;
  /** Matching members left out because they were invited in the window. */
  recentlyInvited: number;
  /** Matching lapsed members left out because lapsed members were not asked for. */
  lapsedLeftOut: number;
};

/** What the confirmation page says before anything is sent, counted in one pass over the matches. */
export async function previewSendAll(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  target: SendAllTarget,
): Promise<SendAllPreview> {
  requirePermission(actor, 'invitations.send');
  const now = deps.clock.now();
  const [row] = await queryRows(
    deps.db,
    sql`select
          count(*) filter (where allowed and not recent) as "toSend",
          count(*) filter (where allowed and recent) as "recentlyInvited",
          count(*) filter (where not allowed) as "lapsedLeftOut"
        from (
          select ${statusAllowed(target)} as allowed, ${recentlyInvited(target, now)} as recent
          from members where ${matching(target.filters)}
        ) matches`,
    { toSend: 'number', recentlyInvited: 'number', lapsedLeftOut: 'number' },
  );
  return row!;
}
