import { and, eq } from 'drizzle-orm';
import type { Tx } from '../../db/connect.ts';
import { members } from '../../db/schema.ts';
import { ValidationErrors } from '../../errors.ts';
import { isRosterMember } from '../members/madeUpNumbers.ts';

/**
 * Setup on a portal whose roster was imported first (from the command line): when the new administrator
 * gives no member number but exactly one roster member without a login has her email, she is asked once,
 * next to Member number, whether that record is hers — linking it is her choice, not a guess. Asked again
 * only for a different email (`checkedEmail` is the address she was asked about).
 */
export async function askAboutRosterRecord(
  tx: Tx,
  input: { email: string; memberNumber?: string; checkedEmail?: string },
): Promise<void> {
  const email = input.email.trim().toLowerCase();
  if (input.memberNumber || !email || input.checkedEmail?.trim().toLowerCase() === email) return;
  const found = await tx
    .select({ memberNumber: members.memberNumber, firstName: members.firstName, lastName: members.lastName })
    .from(members)
    .where(
      and(eq(members.emailLower, email), eq(members.hasLogin, false), isRosterMember(members.memberNumber)),
    )
    .limit(2);
  if (found.length !== 1) return;
  const { memberNumber, firstName, lastName } = found[0]!;
  throw new ValidationErrors({
    memberNumber: `The roster has one member with this email: ${firstName} ${lastName}, member number ${memberNumber}. If that is you, enter ${memberNumber} here to link your login to that record; if not, leave it blank and choose Create Security Administrator again.`,
  });
}
