import { eq } from 'drizzle-orm';
import { apiTokens } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { hashToken } from '../auth/tokens.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../policy.ts';
import type { ApiScope } from './apiTokenInput.ts';

/** Last use is written at most this often, so a busy sync script does not write a row per request. */
const LAST_USED_EVERY_MS = 60_000;

export type ApiCaller = { tokenId: number; name: string; scopes: ReadonlySet<ApiScope>; actor: Actor };

/**
 * The token of a request, or a 401 saying why not. A token acts as an Administrator limited to its
 * scopes (the API checks those per endpoint; the use-cases check the access level as for a person), and
 * everything it does is audited under its name.
 */
export async function authenticateApiToken(deps: Deps, token: string, ip: string | null): Promise<ApiCaller> {
  const [row] = await deps.db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      scopes: apiTokens.scopes,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      lastUsedAt: apiTokens.lastUsedAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.tokenHash, hashToken(token)));
  if (!row) throw new AppError('unauthenticated', 'The API token is not valid.');
  if (row.revokedAt) throw new AppError('unauthenticated', 'The API token was revoked.');
  const now = deps.clock.now();
  if (row.expiresAt && row.expiresAt <= now) {
    throw new AppError('unauthenticated', `The API token expired on ${row.expiresAt.toISOString()}.`);
  }
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_EVERY_MS) {
    await deps.db.update(apiTokens).set({ lastUsedAt: now, lastUsedIp: ip }).where(eq(apiTokens.id, row.id));
  }
  return {
    tokenId: row.id,
    name: row.name,
    scopes: new Set(row.scopes),
    actor: { accountId: null, label: `API token “${row.name}”`, role: 'admin', ip },
  };
}
