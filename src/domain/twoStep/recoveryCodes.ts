import { createHash, randomInt } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { recoveryCodes } from '../../db/schema.ts';

export const RECOVERY_CODE_COUNT = 10;
// No 0/o, 1/l/i: the codes are read off paper.
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';
const GROUPS = 3;
const GROUP_LENGTH = 4;

/** One code: 12 random characters of 31 (≈59 bits), grouped as `xxxx-xxxx-xxxx`. */
function newRecoveryCode(): string {
  const groups = Array.from({ length: GROUPS }, () =>
    Array.from({ length: GROUP_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''),
  );
  return groups.join('-');
}

/** A typed code as stored: spaces, dashes and case do not matter. */
export const normaliseRecoveryCode = (typed: string): string => typed.toLowerCase().replace(/[\s-]/g, '');

/** Codes are random enough for a plain hash; the account id keeps one login's hashes useless for another. */
const hashRecoveryCode = (accountId: number, code: string) =>
  createHash('sha256')
    .update(`${accountId}:${normaliseRecoveryCode(code)}`)
    .digest('hex');

/** Whether what was typed looks like a recovery code rather than an authenticator code. */
export const looksLikeRecoveryCode = (typed: string): boolean =>
  normaliseRecoveryCode(typed).length === GROUPS * GROUP_LENGTH;

/**
 * Replaces a login's recovery codes with ten new ones (inside the caller's transaction) and returns them:
 * the only time they exist outside the person's hands.
 */
export async function issueRecoveryCodes(tx: DbOrTx, accountId: number, now: Date): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.accountId, accountId));
  await tx
    .insert(recoveryCodes)
    .values(
      codes.map((code) => ({ accountId, codeHash: hashRecoveryCode(accountId, code), createdAt: now })),
    );
  return codes;
}

/** Uses up one recovery code: one statement, so of two submissions of a code only one succeeds. */
export async function useRecoveryCode(
  db: DbOrTx,
  accountId: number,
  typed: string,
  now: Date,
): Promise<boolean> {
  const used = await db
    .update(recoveryCodes)
    .set({ usedAt: now })
    .where(
      and(
        eq(recoveryCodes.accountId, accountId),
        eq(recoveryCodes.codeHash, hashRecoveryCode(accountId, typed)),
        isNull(recoveryCodes.usedAt),
      ),
    )
    .returning({ id: recoveryCodes.id });
  return used.length > 0;
}

/** How many unused recovery codes a login has left. */
export async function recoveryCodesLeft(db: DbOrTx, accountId: number): Promise<number> {
  const rows = await db
    .select({ id: recoveryCodes.id })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.accountId, accountId), isNull(recoveryCodes.usedAt)));
  return rows.length;
}
