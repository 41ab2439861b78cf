import { asc, eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { passkeys } from '../../db/schema.ts';

export type PasskeyRow = { id: number; name: string; createdAt: Date; lastUsedAt: Date | null };

/** A login's passkeys, oldest first (the /home/security list). */
export function listPasskeys(db: DbOrTx, accountId: number): Promise<PasskeyRow[]> {
  return db
    .select({
      id: passkeys.id,
      name: passkeys.name,
      createdAt: passkeys.createdAt,
      lastUsedAt: passkeys.lastUsedAt,
    })
    .from(passkeys)
    .where(eq(passkeys.accountId, accountId))
    .orderBy(asc(passkeys.id));
}
