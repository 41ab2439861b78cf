import { eq } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { sessions } from '../../db/schema.ts';

/** Notes that this session just proved a second step (a sign-in's, or a step-up's). */
export async function markSecondStep(db: DbOrTx, tokenHash: string, now: Date): Promise<void> {
  await db.update(sessions).set({ secondStepAt: now }).where(eq(sessions.tokenHash, tokenHash));
}

/**
 * Whether a dangerous action must ask for the second step again: only for a login that has one (a
 * person without any has nothing to prove), when this session's last one is unknown or older than
 * STEP_UP_MINUTES.
 */
export function stepUpDue(
  session: { hasSecondStep: boolean; secondStepAt: Date | null },
  now: Date,
  stepUpMs: number,
): boolean {
  if (!session.hasSecondStep) return false;
  return session.secondStepAt === null || now.getTime() - session.secondStepAt.getTime() > stepUpMs;
}
