import { and, eq, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { type Key, keyset, type Page, type PagePosition, readPosition } from '../../db/keyset.ts';
import { invitationRounds } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { optionalText } from '../input.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { type RoundFigures, type RoundKind, roundFigures } from './roundFigures.ts';

export { type RoundFigures, type RoundKind, shareOf } from './roundFigures.ts';
export const roundKinds: readonly RoundKind[] = ['send_all', 'reminder', 'single'];

export const ROUNDS_PAGE_SIZE = 25;

/** What the Invitation Rounds page asks for: one kind of round (or all), and where the page starts. */
export type InvitationRoundsQuery = { kind?: RoundKind; position: PagePosition };

/** The Invitation Rounds page's query string: `kind` empty or "all" (all kinds) or one of the three. */
export const invitationRoundsQuery = z
  .object({
    kind: z
      .string()
      .optional()
      .transform((raw, ctx) => {
        const value = raw?.trim() ?? '';
        if (value === '' || value === 'all') return undefined;
        if ((roundKinds as readonly string[]).includes(value)) return value as RoundKind;
        ctx.addIssue({ code: 'custom', message: 'Choose one of the kinds of round listed.' });
        return z.NEVER;
      }),
    after: optionalText,
    before: optionalText,
  })
  .transform(
    ({ kind, after, before }): InvitationRoundsQuery => ({
      ...(kind ? { kind } : {}),
      position: readPosition(after, before),
    }),
  );

// Newest first, by (started_at, id); invitation_rounds_started_at_idx serves the order.
const KEYSET = keyset(
  [
    { column: invitationRounds.startedAt, type: 'timestamptz' },
    { column: invitationRounds.id, type: 'bigint' },
  ] satisfies Key[],
  'desc',
);

const columns = {
  id: invitationRounds.id,
  kind: invitationRounds.kind,
  startedAt: invitationRounds.startedAt,
  startedByLabel: invitationRounds.startedByLabel,
  finishedAt: invitationRounds.finishedAt,
  total: invitationRounds.total,
};

/**
 * One page of rounds, newest first, keyset-paginated on (started_at, id) so that thousands of single
 * Sends page as cheaply as a handful of Send Alls; optionally one kind only.
 */
export async function listInvitationRounds(
  deps: Deps,
  actor: Actor,
  filter: { kind?: RoundKind },
  position: PagePosition = {},
  pageSize = ROUNDS_PAGE_SIZE,
): Promise<Page<RoundFigures>> {
  requirePermission(actor, 'reports.read');
  const kindCondition: SQL | undefined = filter.kind ? eq(invitationRounds.kind, filter.kind) : undefined;
  const page = await KEYSET.page(position, pageSize, (boundary, order, limit) =>
    deps.db
      .select({ ...columns, cursor: KEYSET.cursor })
      .from(invitationRounds)
      .where(and(kindCondition, boundary ?? undefined))
      .orderBy(order)
      .limit(limit),
  );
  return { ...page, rows: await roundFigures(deps, page.rows) };
}

/** The newest round of any kind with its figures, or null when nobody has sent an invitation yet. */
export async function latestRound(deps: Pick<Deps, 'db'>): Promise<RoundFigures | null> {
  const [round] = await deps.db.select(columns).from(invitationRounds).orderBy(KEYSET.order).limit(1);
  if (!round) return null;
  const [figures] = await roundFigures(deps, [round]);
  return figures ?? null;
}
