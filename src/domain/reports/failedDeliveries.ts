import { and, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Key, keyset, type Page, type PagePosition, readPosition } from '../../db/keyset.ts';
import { members } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { optionalText } from '../input.ts';
import type { RosterEntry } from '../members/rosterEntry.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { memberColumns, REPORT_PAGE_SIZE } from './reportColumns.ts';

/** Which members to list by login: those without one matter most (they cannot join until mail arrives). */
export const loginFilters = ['without', 'with', 'all'] as const;
export type LoginFilter = (typeof loginFilters)[number];

export type FailedDeliveriesQuery = { login: LoginFilter; position: PagePosition };

/** A member whose newest invitation email could not be delivered. */
export type FailedDelivery = RosterEntry & {
  memberId: number;
  hasLogin: boolean;
  /** The last invitation that was delivered (a failed one is not counted). */
  lastInvitedAt: Date | null;
  /** The mail server's answer, as recorded with the failure. */
  deliveryDetail: string | null;
};

/** The report's query (the page's query string): which members by login (without one unless said), the page. */
export const failedDeliveriesInput = z
  .object({
    login: optionalText.pipe(
      z.enum(loginFilters, { error: 'Login must be Without a login, With a login or Either.' }).optional(),
    ),
    after: optionalText,
    before: optionalText,
  })
  .transform(
    ({ login, after, before }): FailedDeliveriesQuery => ({
      login: login ?? 'without',
      position: readPosition(after, before),
    }),
  );

// By name with accents removed, like Invitation Codes; the order of members_pending_failed_idx.
const KEYSET = keyset([
  { column: members.sortLastName, type: 'text' },
  { column: members.sortFirstName, type: 'text' },
  { column: members.id, type: 'bigint' },
] satisfies Key[]);

/**
 * Failed Deliveries: members whose newest invitation email failed for good (delivery_state 'failed').
 * A deferred message is still being retried and is not listed. The state is a literal, not a parameter,
 * so that the planner can prove the partial index members_pending_failed_idx applies (without a login).
 */
export async function listFailedDeliveries(
  deps: Pick<Deps, 'db'>,
  actor: Actor,
  query: FailedDeliveriesQuery,
  pageSize = REPORT_PAGE_SIZE,
): Promise<Page<FailedDelivery>> {
  requirePermission(actor, 'reports.read');
  const conditions: SQL[] = [sql`${members.deliveryState} = 'failed'`];
  if (query.login === 'without') conditions.push(sql`not ${members.hasLogin}`);
  if (query.login === 'with') conditions.push(sql`${members.hasLogin}`);
  return KEYSET.page(query.position, pageSize, (boundary, order, limit) =>
    deps.db
      .select({
        ...memberColumns,
        status: members.status,
        hasLogin: members.hasLogin,
        lastInvitedAt: members.lastInvitedAt,
        deliveryDetail: members.deliveryDetail,
        cursor: KEYSET.cursor,
      })
      .from(members)
      .where(and(...conditions, boundary ?? undefined))
      .orderBy(order)
      .limit(limit),
  );
}
