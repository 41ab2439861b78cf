import { and, eq, gt, isNull, lte, notExists, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { type Key, keyset, type Page, type PagePosition, readPosition } from '../../db/keyset.ts';
import { type DeliveryState, invitations, members } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { optionalText } from '../input.ts';
import type { RosterEntry } from '../members/rosterEntry.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { memberColumns, REPORT_PAGE_SIZE } from './reportColumns.ts';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The choices of the "Expiring within" filter, in days; absent means all open invitations. */
export const expiringWithinDays = [1, 3, 7] as const;
export type ExpiringWithin = (typeof expiringWithinDays)[number];

export type PendingInvitationsQuery = { within?: ExpiringWithin; position: PagePosition };

/** One member whose newest invitation link still works. */
export type PendingInvitation = RosterEntry & {
  memberId: number;
  invitationsSent: number;
  deliveryState: DeliveryState | null;
  invitationId: number;
  issuedAt: Date;
  expiresAt: Date;
};

/** The page and the instant it was computed at, so "expires in N days" is worked out from the same now. */
export type PendingInvitationsPage = Page<PendingInvitation> & { now: Date };

const WITHIN_MESSAGE = 'Choose 1, 3 or 7 days, or All.';

/**
 * The report's query (the page's query string): "Expiring within" 1, 3 or 7 days, or all (absent or
 * `all`), and the page position.
 */
export const pendingInvitationsInput = z
  .object({
    within: optionalText.pipe(
      z
        .string()
        .refine((v) => v === 'all' || (expiringWithinDays as readonly number[]).includes(Number(v)), {
          error: WITHIN_MESSAGE,
        })
        .transform((v) => (v === 'all' ? undefined : (Number(v) as ExpiringWithin)))
        .optional(),
    ),
    after: optionalText,
    before: optionalText,
  })
  .transform(
    ({ within, after, before }): PendingInvitationsQuery => ({
      ...(within ? { within } : {}),
      position: readPosition(after, before),
    }),
  );

// Soonest to expire first; the invitation id breaks ties (one row per member, see below).
const KEYSET = keyset([
  { column: invitations.expiresAt, type: 'timestamptz' },
  { column: invitations.id, type: 'bigint' },
] satisfies Key[]);

const newer = alias(invitations, 'newer');

/**
 * Pending Invitations: members without a login whose newest invitation is neither used, revoked nor
 * expired. Read from the open invitations rather than from every member: "soonest to expire" can only be
 * ordered there. The member's newest invitation is the one no other of theirs was issued after (same
 * order as the Profile's history: created_at, then id); older links that still work do not add rows.
 */
export async function listPendingInvitations(
  deps: Pick<Deps, 'db' | 'clock'>,
  actor: Actor,
  query: PendingInvitationsQuery,
  pageSize = REPORT_PAGE_SIZE,
): Promise<PendingInvitationsPage> {
  requirePermission(actor, 'reports.read');
  const now = deps.clock.now();
  const conditions: SQL[] = [
    isNull(invitations.usedAt),
    isNull(invitations.revokedAt),
    gt(invitations.expiresAt, now),
    sql`not ${members.hasLogin}`,
    notExists(
      deps.db
        .select({ one: sql`1` })
        .from(newer)
        .where(
          and(
            eq(newer.memberId, invitations.memberId),
            sql`(${newer.createdAt}, ${newer.id}) > (${invitations.createdAt}, ${invitations.id})`,
          ),
        ),
    ),
  ];
  if (query.within)
    conditions.push(lte(invitations.expiresAt, new Date(now.getTime() + query.within * DAY_MS)));

  const page = await KEYSET.page(query.position, pageSize, (boundary, order, limit) =>
    deps.db
      .select({
        ...memberColumns,
        status: members.status,
        invitationsSent: members.invitationsSent,
        deliveryState: members.deliveryState,
        invitationId: invitations.id,
        issuedAt: invitations.createdAt,
        expiresAt: invitations.expiresAt,
        cursor: KEYSET.cursor,
      })
      .from(invitations)
      .innerJoin(members, eq(members.id, invitations.memberId))
      .where(and(...conditions, boundary ?? undefined))
      .orderBy(order)
      .limit(limit),
  );
  return { ...page, now };
}

/** Whole days left before `expiresAt` (0: less than a day), as "expires in N days" says it. */
export const daysLeft = (expiresAt: Date, now: Date): number =>
  Math.max(0, Math.floor((expiresAt.getTime() - now.getTime()) / DAY_MS));
