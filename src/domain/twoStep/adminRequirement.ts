import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/connect.ts';
import { organisationSettings } from '../../db/schema.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { checkbox } from '../input.ts';
import { type Actor, requirePermission } from '../policy.ts';

/** Organisation settings > Two-step verification: the one checkbox. */
export const adminRequirementInput = z.object({ requireForAdmins: checkbox });

/** Whether Administrators (not only Security Administrators) must use a second step. */
export async function readAdminRequirement(db: DbOrTx): Promise<boolean> {
  const [row] = await db
    .select({ required: organisationSettings.requireTwoStepForAdmins })
    .from(organisationSettings)
    .where(eq(organisationSettings.id, 1));
  return row?.required ?? false;
}

/**
 * Saves "Require two-step verification for Administrators". From the next page view on, an Administrator
 * without a second step is taken to set one up (access.ts). Audited as a settings change, from → to.
 */
export async function saveAdminRequirement(
  deps: Deps,
  actor: Actor,
  input: z.infer<typeof adminRequirementInput>,
): Promise<void> {
  requirePermission(actor, 'settings.manage');
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await tx.insert(organisationSettings).values({ id: 1 }).onConflictDoNothing();
    const [before] = await tx
      .select({ required: organisationSettings.requireTwoStepForAdmins })
      .from(organisationSettings)
      .where(eq(organisationSettings.id, 1))
      .for('update');
    if (before?.required === input.requireForAdmins) return;
    await tx
      .update(organisationSettings)
      .set({ requireTwoStepForAdmins: input.requireForAdmins, updatedBy: actor.accountId, updatedAt: now })
      .where(eq(organisationSettings.id, 1));
    const changes = {
      requireTwoStepForAdmins: { from: before?.required ?? false, to: input.requireForAdmins },
    };
    await recordAudit(tx, now, actor, 'settings.changed', { details: { changes } });
  });
}
