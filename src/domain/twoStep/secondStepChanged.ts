import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/connect.ts';
import { recoveryCodes } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { queueAccountEmail } from '../email/queueAccountEmail.ts';
import type { Actor } from '../policy.ts';
import { hasSecondStep, secondStepState } from './secondSteps.ts';

type Login = { accountId: number; memberId: number; email: string };

/**
 * Every change to a login's second steps tells the person (an email to their roster address, so a change
 * they did not make is noticed) and the Audit Log, in the transaction that made it.
 */
export async function noticeSecondStepChange(
  tx: Tx,
  now: Date,
  actor: Actor,
  login: Login,
  change: {
    kind: 'second_step_added' | 'second_step_removed';
    action: string;
    details?: Record<string, unknown>;
  },
): Promise<void> {
  await queueAccountEmail(tx, now, { kind: change.kind, memberId: login.memberId, toAddress: login.email });
  await recordAudit(tx, now, actor, change.action, { memberId: login.memberId, details: change.details });
}

/**
 * After one of the person's own second steps was removed (in this transaction): refused when their role
 * requires one and none is left (`instead` says what to add first); the recovery codes go with the last.
 */
export async function afterOwnSecondStepRemoved(tx: Tx, accountId: number, instead: string): Promise<void> {
  if (await hasSecondStep(tx, accountId)) return;
  if ((await secondStepState(tx, accountId)).required) {
    throw new AppError('forbidden', `Your access level requires a second step: ${instead}`);
  }
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.accountId, accountId));
}
