import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { members } from '../../db/schema.ts';
import { passwordRulesOf } from '../accounts/passwordRulesOf.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { adminLoginFields, createAdminLogin } from './createAdminLogin.ts';

/**
 * `gatehouse admin create`'s arguments: every field given, nothing else (whatever reaches the control
 * socket is input). The values are checked by createAdminLogin, with the setup form's words.
 */
export const createAdminInput = z
  .strictObject({ ...adminLoginFields, role: z.enum(['admin', 'security_admin']) })
  .required();

/** `gatehouse admin create`: an administrator login (and its member record), audited. */
export async function createAdmin(deps: Deps, actor: Actor, input: z.infer<typeof createAdminInput>) {
  requirePermission(actor, 'roles.assign');
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const created = await createAdminLogin(tx, input, {
      now,
      ...(await passwordRulesOf({ db: tx, config: deps.config })),
    });
    const [member] = await tx
      .select({ memberNumber: members.memberNumber })
      .from(members)
      .where(eq(members.id, created.memberId));
    await recordAudit(tx, now, actor, 'admin.created', {
      memberId: created.memberId,
      details: { username: created.username, role: input.role },
    });
    return { ...created, memberNumber: member!.memberNumber };
  });
}
