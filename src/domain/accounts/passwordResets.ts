import { eq, lt, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import { accounts, members, passwordResets } from '../../db/schema.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import type { Deps } from '../deps.ts';

/** A reset link works for one hour: long enough to find the email, short enough to be dull to steal. */
export const RESET_EXPIRY_MS = 60 * 60_000;

export const resetLink = (publicUrl: string, token: string) => `${publicUrl}/reset-password/${token}`;

export type IssuedReset = { resetId: number; token: string; expiresAt: Date };

/**
 * Creates one reset link per account, set-based (called while claiming emails). The token exists only
 * in memory and in the email; the table keeps its SHA-256.
 */
export async function issuePasswordResets(
  tx: DbOrTx,
  accountIds: number[],
  now: Date,
): Promise<IssuedReset[]> {
  if (accountIds.length === 0) return [];
  const tokens = accountIds.map(() => newToken());
  const hashes = tokens.map(hashToken);
  const expiresAt = new Date(now.getTime() + RESET_EXPIRY_MS);
  const rows = await queryRows(
    tx,
    sql`
      insert into password_resets (account_id, token_hash, created_at, expires_at)
      select u.account_id, u.token_hash, ${now}, ${expiresAt}
      from unnest(${sql.param(accountIds)}::bigint[], ${sql.param(hashes)}::text[]) as u(account_id, token_hash)
      returning id, token_hash`,
    { id: 'number', token_hash: 'text' },
  );
  const idByHash = new Map(rows.map((r) => [r.token_hash, r.id]));
  return tokens.map((token, i) => ({ resetId: idByHash.get(hashes[i]!)!, token, expiresAt }));
}

export type ResetState = 'valid' | 'expired' | 'used';

export type FoundReset = {
  resetId: number;
  accountId: number;
  memberId: number;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  state: ResetState;
};

/** The reset link behind a token as it stands now, or null when there is none (a mistyped or made-up link). */
export function findPasswordReset(
  deps: Pick<Deps, 'db' | 'clock'>,
  token: string,
): Promise<FoundReset | null> {
  return findPasswordResetIn(deps.db, token, deps.clock.now());
}

/** `findPasswordReset` inside the caller's transaction; `lock` locks the reset row `FOR UPDATE`. */
export async function findPasswordResetIn(
  db: DbOrTx,
  token: string,
  now: Date,
  opts: { lock?: boolean } = {},
): Promise<FoundReset | null> {
  if (!token || token.length > 100) return null;
  const query = db
    .select({
      resetId: passwordResets.id,
      accountId: accounts.id,
      memberId: members.id,
      username: accounts.username,
      firstName: members.firstName,
      lastName: members.lastName,
      email: members.email,
      usedAt: passwordResets.usedAt,
      expiresAt: passwordResets.expiresAt,
    })
    .from(passwordResets)
    .innerJoin(accounts, eq(accounts.id, passwordResets.accountId))
    .innerJoin(members, eq(members.id, accounts.memberId))
    .where(eq(passwordResets.tokenHash, hashToken(token)))
    .limit(1);
  // Locking the reset row serialises two submissions of one link: the second sees it used.
  const [row] = opts.lock ? await query.for('update', { of: passwordResets }) : await query;
  if (!row) return null;
  const { usedAt, expiresAt, ...rest } = row;
  const state: ResetState = usedAt ? 'used' : expiresAt.getTime() <= now.getTime() ? 'expired' : 'valid';
  return { ...rest, state };
}

// An old link still answers "expired" rather than "unknown" for a week, then its row goes.
const KEEP_EXPIRED_MS = 7 * 24 * 60 * 60_000;

/** Housekeeping for the worker: forget reset links that expired more than a week ago. */
export async function purgeOldPasswordResets(deps: Pick<Deps, 'db' | 'clock'>): Promise<void> {
  const cutoff = new Date(deps.clock.now().getTime() - KEEP_EXPIRED_MS);
  await deps.db.delete(passwordResets).where(lt(passwordResets.expiresAt, cutoff));
}
