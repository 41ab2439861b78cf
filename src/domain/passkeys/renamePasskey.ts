import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { passkeys } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import type { Deps } from '../deps.ts';
import { id } from '../input.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { passkeyName } from './addPasskey.ts';

export const renamePasskeyInput = z.object({ passkeyId: id('passkey'), name: passkeyName });

/** Renames one of the signed-in login's own passkeys (a label only: nothing to email or audit). */
export async function renamePasskey(
  deps: Deps,
  actor: Actor,
  input: z.infer<typeof renamePasskeyInput>,
): Promise<void> {
  requirePermission(actor, 'portal.use');
  if (actor.accountId === null) throw new AppError('unauthenticated', 'Log in first.');
  const renamed = await deps.db
    .update(passkeys)
    .set({ name: input.name })
    .where(and(eq(passkeys.id, input.passkeyId), eq(passkeys.accountId, actor.accountId)))
    .returning({ id: passkeys.id });
  if (renamed.length === 0) throw new AppError('not_found', 'There is no such passkey on your login.');
}
