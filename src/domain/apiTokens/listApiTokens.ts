import { and, eq, gt, isNull, or } from 'drizzle-orm';
import { type Key, keyset, type Page, type PagePosition } from '../../db/keyset.ts';
import { apiTokens } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import type { ApiScope } from './apiTokenInput.ts';

export const API_TOKENS_PAGE_SIZE = 50;
/** Revoked tokens stay in the list this long, so a person can see what was revoked lately and by whom. */
export const RECENTLY_REVOKED_DAYS = 30;
const DAY_MS = 86_400_000;

export type ApiTokenState = 'active' | 'expired' | 'revoked';

export type ApiTokenRow = {
  id: number;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdByLabel: string;
  createdAt: Date;
  expiresAt: Date | null;
  revokedAt: Date | null;
  revokedByLabel: string | null;
  lastUsedAt: Date | null;
  lastUsedIp: string | null;
  state: ApiTokenState;
};

// Newest first; (created_at, id) is the order of api_tokens_created_at_idx.
const KEYSET = keyset(
  [
    { column: apiTokens.createdAt, type: 'timestamptz' },
    { column: apiTokens.id, type: 'bigint' },
  ] satisfies Key[],
  'desc',
);

const columns = {
  id: apiTokens.id,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  scopes: apiTokens.scopes,
  createdByLabel: apiTokens.createdByLabel,
  createdAt: apiTokens.createdAt,
  expiresAt: apiTokens.expiresAt,
  revokedAt: apiTokens.revokedAt,
  revokedByLabel: apiTokens.revokedByLabel,
  lastUsedAt: apiTokens.lastUsedAt,
  lastUsedIp: apiTokens.lastUsedIp,
};

const stateOf = (row: Omit<ApiTokenRow, 'state'>, now: Date): ApiTokenState =>
  row.revokedAt ? 'revoked' : row.expiresAt && row.expiresAt <= now ? 'expired' : 'active';

/**
 * The API tokens page's list, newest first: every token not revoked (working or expired — an expired one
 * still holds its name until revoked) and those revoked in the last RECENTLY_REVOKED_DAYS.
 */
export async function listApiTokens(
  deps: Deps,
  actor: Actor,
  position: PagePosition = {},
  pageSize = API_TOKENS_PAGE_SIZE,
): Promise<Page<ApiTokenRow>> {
  requirePermission(actor, 'apiTokens.manage');
  const now = deps.clock.now();
  const revokedSince = new Date(now.getTime() - RECENTLY_REVOKED_DAYS * DAY_MS);
  const shown = or(isNull(apiTokens.revokedAt), gt(apiTokens.revokedAt, revokedSince));
  const page = await KEYSET.page(position, pageSize, (boundary, order, limit) =>
    deps.db
      .select({ ...columns, cursor: KEYSET.cursor })
      .from(apiTokens)
      .where(and(shown, boundary ?? undefined))
      .orderBy(order)
      .limit(limit),
  );
  return { ...page, rows: page.rows.map((row) => ({ ...row, state: stateOf(row, now) })) };
}

/** One token, for the page that asks before revoking it; a token that does not exist is a 404. */
export async function apiTokenById(deps: Deps, actor: Actor, id: number): Promise<ApiTokenRow> {
  requirePermission(actor, 'apiTokens.manage');
  const [row] = await deps.db.select(columns).from(apiTokens).where(eq(apiTokens.id, id));
  if (!row) throw new AppError('not_found', 'There is no API token with that number.');
  return { ...row, state: stateOf(row, deps.clock.now()) };
}
