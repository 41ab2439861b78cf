import { and, eq, type SQL } from 'drizzle-orm';
import { type KeysetPage, type KeysetPosition, newestFirstKeyset } from '../../db/newestFirstKeyset.ts';
import { invitationRounds } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { type RoundFigures, type RoundKind, roundFigures } from './roundFigures.ts';

export { type RoundFigures, type RoundKind, shareOf } from './roundFigures.ts';
export const roundKinds: readonly RoundKind[] = ['send_all', 'reminder', 'single'];

export const ROUNDS_PAGE_SIZE = 25;

/** `kind` from the query string: empty (all kinds) or one of the three; anything else is refused. */
export function parseRoundKind(raw: unknown): RoundKind | undefined {
  const value = typeof raw === 'string' ? raw.trim() : '';
  if (value === '' || value === 'all') return undefined;
  if ((roundKinds as readonly string[]).includes(value)) return value as RoundKind;
  throw new AppError('validation', 'Choose one of the kinds of round listed.', 'kind');
}

const keyset = newestFirstKeyset(invitationRounds.startedAt, invitationRounds.id);

const columns = {
  id: invitationRounds.id,
  kind: invitationRounds.kind,
  startedAt: invitationRounds.startedAt,
  startedByLabel: invitationRounds.startedByLabel,
  finishedAt: invitationRounds.finishedAt,
  total: invitationRounds.total,
  position: keyset.position,
};

/**
 * One page of rounds, newest first, keyset-paginated on (started_at, id) so that thousands of single
 * Sends page as cheaply as a handful of Send Alls; optionally one kind only.
 */
export async function listInvitationRounds(
  deps: Deps,
  actor: Actor,
  filter: { kind?: RoundKind },
  position?: KeysetPosition,
  pageSize = ROUNDS_PAGE_SIZE,
): Promise<KeysetPage<RoundFigures>> {
  requirePermission(actor, 'reports.read');
  const kindCondition: SQL | undefined = filter.kind ? eq(invitationRounds.kind, filter.kind) : undefined;
  const page = await keyset.page(
    position,
    pageSize,
    (boundary, order, limit) =>
      deps.db
        .select(columns)
        .from(invitationRounds)
        .where(and(kindCondition, boundary))
        .orderBy(...order)
        .limit(limit),
    async (beyond) =>
      (
        await deps.db
          .select({ id: invitationRounds.id })
          .from(invitationRounds)
          .where(and(kindCondition, beyond))
          .limit(1)
      ).length > 0,
  );
  return { ...page, rows: await roundFigures(deps, page.rows) };
}

/** The newest round of any kind with its figures, or null when nobody has sent an invitation yet. */
export async function latestRound(deps: Pick<Deps, 'db'>): Promise<RoundFigures | null> {
  const [round] = await deps.db
    .select(columns)
    .from(invitationRounds)
    .orderBy(...keyset.newestFirst)
    .limit(1);
  if (!round) return null;
  const [figures] = await roundFigures(deps, [round]);
  return figures ?? null;
}
