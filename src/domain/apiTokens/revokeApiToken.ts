import { and, desc, eq, isNull, type SQL } from 'drizzle-orm';
import type { Tx } from '../../db/connect.ts';
import { apiTokens } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';

/** Which token: by its number (the page's Revoke) or by its name (`gatehouse api-token revoke --name`). */
export type RevokeWhich = { tokenId: number } | { name: string };

export type RevokeOutcome = {
  tokenId: number;
  name: string;
  /** False when the token had been revoked already: nothing changed, nothing audited. */
  revoked: boolean;
};

// By name: the live token holding the name, else the latest revoked one (revoking twice is harmless).
const whereOf = (which: RevokeWhich): SQL =>
  'tokenId' in which
    ? eq(apiTokens.id, which.tokenId)
    : eq(apiTokens.nameLower, which.name.trim().toLowerCase());

async function findToken(tx: Tx, which: RevokeWhich) {
  const [row] = await tx
    .select({ id: apiTokens.id, name: apiTokens.name, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .where(whereOf(which))
    .orderBy(desc(isNull(apiTokens.revokedAt)), desc(apiTokens.createdAt), desc(apiTokens.id))
    .limit(1);
  if (row) return row;
  if ('tokenId' in which) throw new AppError('not_found', 'There is no API token with that number.');
  throw new AppError('not_found', `There is no API token named “${which.name.trim()}”.`, 'name');
}

/**
 * Revokes a token: from the next request on it answers 401. The row stays (revoked_at set) so the list
 * and the Audit Log keep its name, and its name is free for a new token. The update is conditional on the
 * token being live, so of two revocations at once exactly one changes it and is audited.
 */
export async function revokeApiToken(deps: Deps, actor: Actor, which: RevokeWhich): Promise<RevokeOutcome> {
  requirePermission(actor, 'apiTokens.manage');
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const token = await findToken(tx, which);
    if (token.revokedAt) return { tokenId: token.id, name: token.name, revoked: false };
    const changed = await tx
      .update(apiTokens)
      .set({ revokedAt: now, revokedByLabel: actor.label })
      .where(and(eq(apiTokens.id, token.id), isNull(apiTokens.revokedAt)))
      .returning({ id: apiTokens.id });
    if (changed.length === 0) return { tokenId: token.id, name: token.name, revoked: false };
    await recordAudit(tx, now, actor, 'api_token.revoked', {
      details: { tokenId: token.id, name: token.name },
    });
    return { tokenId: token.id, name: token.name, revoked: true };
  });
}
