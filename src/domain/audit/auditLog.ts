import { and, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { type Key, keyset, type Page, type PagePosition, readPosition } from '../../db/keyset.ts';
import { accounts, auditEvents, members } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { optionalText } from '../input.ts';
import { type Actor, requirePermission } from '../policy.ts';
import {
  type AuditLogFilter,
  auditLogFilterFields,
  datesInOrder,
  filterConditions,
  filterOf,
} from './auditLogFilter.ts';

export const AUDIT_LOG_PAGE_SIZE = 50;
/** Rows per query while exporting: the export streams batch after batch, never the whole log at once. */
export const AUDIT_EXPORT_BATCH_SIZE = 1000;

export * from './auditLogFilter.ts';

export type AuditLogRow = {
  id: number;
  at: Date;
  actorLabel: string;
  /** The actor's member, while their login still exists. */
  actorMemberId: number | null;
  action: string;
  /** The member the event is about, as recorded (the member may since have been removed). */
  memberId: number | null;
  member: { id: number; name: string; memberNumber: string } | null;
  ip: string | null;
  details: Record<string, unknown>;
};

export type AuditLogPage = Page<AuditLogRow>;

/** What the Audit Log page asks for: the search, and where the page starts (after/before a cursor). */
export type AuditLogQuery = { filter: AuditLogFilter; position: PagePosition };

/** The Audit Log page's query string: the search fields and the page position. */
export const auditLogQuery = z
  .object({ ...auditLogFilterFields, after: optionalText, before: optionalText })
  .refine(datesInOrder.check, datesInOrder.params)
  .transform(
    ({ after, before, ...fields }): AuditLogQuery => ({
      filter: filterOf(fields),
      position: readPosition(after, before),
    }),
  );

// Newest first; (at, id) is the order of audit_events_at_id_idx.
const KEYSET = keyset(
  [
    { column: auditEvents.at, type: 'timestamptz' },
    { column: auditEvents.id, type: 'bigint' },
  ] satisfies Key[],
  'desc',
);

const rowColumns = {
  id: auditEvents.id,
  at: auditEvents.at,
  actorLabel: auditEvents.actorLabel,
  actorMemberId: accounts.memberId,
  action: auditEvents.action,
  memberId: auditEvents.memberId,
  ip: auditEvents.ip,
  details: auditEvents.details,
  memberNumber: members.memberNumber,
  firstName: members.firstName,
  lastName: members.lastName,
  foundMemberId: members.id,
  cursor: KEYSET.cursor,
};

type FetchedRow = {
  id: number;
  at: Date;
  actorLabel: string;
  actorMemberId: number | null;
  action: string;
  memberId: number | null;
  ip: string | null;
  details: Record<string, unknown>;
  memberNumber: string | null;
  firstName: string | null;
  lastName: string | null;
  foundMemberId: number | null;
};

function toRow(r: FetchedRow): AuditLogRow {
  return {
    id: r.id,
    at: r.at,
    actorLabel: r.actorLabel,
    actorMemberId: r.actorMemberId,
    action: r.action,
    memberId: r.memberId,
    member:
      r.foundMemberId !== null
        ? { id: r.foundMemberId, name: `${r.firstName} ${r.lastName}`, memberNumber: r.memberNumber ?? '' }
        : null,
    ip: r.ip,
    details: r.details ?? {},
  };
}

function selectRows(deps: Deps, conditions: SQL[], boundary: SQL | null, order: SQL, limit: number) {
  return deps.db
    .select(rowColumns)
    .from(auditEvents)
    .leftJoin(accounts, eq(accounts.id, auditEvents.actorAccountId))
    .leftJoin(members, eq(members.id, auditEvents.memberId))
    .where(and(...conditions, boundary ?? undefined))
    .orderBy(order)
    .limit(limit);
}

/**
 * One page of the Audit Log, newest first, by keyset on (at, id) so deep pages cost the same as the
 * first and events recorded meanwhile do not shift what the next page shows. An edited page link is
 * refused as out of date (a validation error on `after` or `before`).
 */
export async function listAuditLog(
  deps: Deps,
  actor: Actor,
  filter: AuditLogFilter,
  position: PagePosition = {},
  pageSize = AUDIT_LOG_PAGE_SIZE,
): Promise<AuditLogPage> {
  requirePermission(actor, 'audit.read');
  const conditions = filterConditions(filter);
  const page = await KEYSET.page(position, pageSize, (boundary, order, limit) =>
    selectRows(deps, conditions, boundary, order, limit),
  );
  return { ...page, rows: page.rows.map(toRow) };
}

/**
 * Every event matching the filter, newest first, in batches of `batchSize`: each batch is one keyset
 * query, so an export of the whole log holds one batch in memory at a time.
 */
export async function* auditLogBatches(
  deps: Deps,
  actor: Actor,
  filter: AuditLogFilter,
  batchSize = AUDIT_EXPORT_BATCH_SIZE,
): AsyncGenerator<AuditLogRow[]> {
  requirePermission(actor, 'audit.read');
  const conditions = filterConditions(filter);
  for await (const batch of KEYSET.batches(batchSize, (boundary, order, limit) =>
    selectRows(deps, conditions, boundary, order, limit),
  )) {
    yield batch.map(toRow);
  }
}
