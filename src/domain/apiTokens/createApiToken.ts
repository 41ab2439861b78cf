import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/pgErrors.ts';
import { apiTokens } from '../../db/schema.ts';
import { ValidationErrors } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { hashToken } from '../auth/tokens.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import type { CreateApiTokenInput } from './apiTokenInput.ts';

/** Tokens start with `gh_` so secret scanners and people can tell what they are. */
export const API_TOKEN_PREFIX = 'gh_';
const DAY_MS = 86_400_000;

const nameTaken = (name: string) =>
  new ValidationErrors({
    name: `A token named “${name}” already exists. Revoke it first, or choose another name.`,
  });

export type CreatedApiToken = { id: number; name: string; token: string; expiresAt: Date | null };

/** Creates a token and returns it — the only time it exists outside the script that will hold it. */
export async function createApiToken(
  deps: Deps,
  actor: Actor,
  input: CreateApiTokenInput,
): Promise<CreatedApiToken> {
  requirePermission(actor, 'apiTokens.manage');
  const token = API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const expiresAt =
    input.expiresDays === undefined ? null : new Date(now.getTime() + input.expiresDays * DAY_MS);
  return deps.db.transaction(async (tx) => {
    const nameLower = input.name.toLowerCase();
    const [taken] = await tx
      .select({ id: apiTokens.id })
      .from(apiTokens)
      .where(and(eq(apiTokens.nameLower, nameLower), isNull(apiTokens.revokedAt)));
    if (taken) {
      throw new ValidationErrors({
        name: `A token named “${input.name}” already exists. Revoke it first, or choose another name.`,
      });
    }
    const [row] = await tx
      .insert(apiTokens)
      .values({
        name: input.name,
        nameLower,
        tokenHash: hashToken(token),
        prefix: token.slice(0, 10),
        scopes: input.scopes,
        createdBy: actor.accountId,
        createdByLabel: actor.label,
        createdAt: now,
        expiresAt,
      })
      .returning({ id: apiTokens.id })
      // Two creations of one name at the same moment: the unique index decides, the loser hears why.
      .catch((e: unknown) => {
        throw isUniqueViolation(e, 'api_tokens_live_name_key') ? nameTaken(input.name) : e;
      });
    await recordAudit(tx, now, actor, 'api_token.created', {
      details: {
        tokenId: row!.id,
        name: input.name,
        scopes: input.scopes,
        expiresAt: expiresAt?.toISOString() ?? null,
      },
    });
    return { id: row!.id, name: input.name, token, expiresAt };
  });
}
