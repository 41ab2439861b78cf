import { and, eq, type SQL } from 'drizzle-orm';
import { type KeysetPage, type KeysetPosition, newestFirstKeyset } from '../../db/newestFirstKeyset.ts';
import { accounts, auditEvents, members } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { type AuditLogFilter, filterConditions } from './auditLogFilter.ts';

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

/** Where a page starts: just older or just newer than an (at, id) position. */
export type AuditLogPosition = KeysetPosition;
export type AuditLogPage = KeysetPage<AuditLogRow>;

const keyset = newestFirstKeyset(auditEvents.at, auditEvents.id);

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
  position: keyset.position,
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
  position: string;
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

function selectRows(deps: Deps, where: SQL | undefined, limit: number) {
  return deps.db
    .select(rowColumns)
    .from(auditEvents)
    .leftJoin(accounts, eq(accounts.id, auditEvents.actorAccountId))
    .leftJoin(members, eq(members.id, auditEvents.memberId))
    .where(where)
    .limit(limit);
}

async function anyBeyond(deps: Deps, conditions: SQL[], beyond: SQL): Promise<boolean> {
  const found = await deps.db
    .select({ id: auditEvents.id })
    .from(auditEvents)
    .where(and(...conditions, beyond))
    .limit(1);
  return found.length > 0;
}

/**
 * One page of the Audit Log, newest first, by keyset on (at, id) so deep pages cost the same as the
 * first and events recorded meanwhile do not shift what the next page shows. An unreadable cursor (an
 * edited URL) starts again from the newest event.
 */
export async function listAuditLog(
  deps: Deps,
  actor: Actor,
  filter: AuditLogFilter,
  position?: AuditLogPosition,
  pageSize = AUDIT_LOG_PAGE_SIZE,
): Promise<AuditLogPage> {
  requirePermission(actor, 'audit.read');
  const conditions = filterConditions(filter);
  const page = await keyset.page(
    position,
    pageSize,
    (boundary, order, limit) => selectRows(deps, and(...conditions, boundary), limit).orderBy(...order),
    (beyond) => anyBeyond(deps, conditions, beyond),
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
  let after: SQL | undefined;
  for (;;) {
    const batch: FetchedRow[] = await selectRows(deps, and(...conditions, after), batchSize).orderBy(
      ...keyset.newestFirst,
    );
    if (batch.length === 0) return;
    yield batch.map(toRow);
    if (batch.length < batchSize) return;
    after = keyset.after(batch.at(-1)!);
  }
}
