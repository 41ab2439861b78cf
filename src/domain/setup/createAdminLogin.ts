import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/connect.ts';
import { accounts, members, type Role } from '../../db/schema.ts';
import { AppError, ValidationErrors } from '../../errors.ts';
import { createLogin } from '../accounts/createLogin.ts';
import { type PasswordRules, personalWords } from '../accounts/passwords.ts';
import { text } from '../input.ts';
import { newMadeUpNumber } from '../members/madeUpNumbers.ts';
import { checkEmail, checkMemberNumber, checkName, type FieldResult } from '../members/memberFields.ts';

/** What every new administrator login is made of (checked below, with the forms' words). */
export const adminLoginFields = {
  firstName: text,
  lastName: text,
  email: text,
  username: text,
  password: text,
};

export type AdminLoginInput = {
  firstName: string;
  lastName: string;
  email: string;
  username: string;
  password: string;
  memberNumber?: string;
  role: Extract<Role, 'admin' | 'security_admin'>;
};

/**
 * An administrator is a member with a login. Attaches the login to the member with the given member
 * number when there is one, otherwise adds the member to the roster first. Runs in the caller's transaction.
 */
export async function createAdminLogin(
  tx: Tx,
  input: AdminLoginInput,
  opts: { now: Date } & PasswordRules,
): Promise<{ accountId: number; memberId: number; username: string }> {
  const checks: Record<string, FieldResult> = {
    // Named as the setup form and `admin create` readers know them, not as the roster's CSV columns.
    firstName: checkName(input.firstName, 'First name'),
    lastName: checkName(input.lastName, 'Last name'),
    email: checkEmail(input.email, 'Email'),
    ...(input.memberNumber ? { memberNumber: checkMemberNumber(input.memberNumber, 'Member number') } : {}),
  };
  const problems = Object.fromEntries(
    Object.entries(checks).flatMap(([field, r]) => (r.ok ? [] : [[field, r.message]])),
  );
  if (Object.keys(problems).length > 0) throw new ValidationErrors(problems);
  const value = (field: string) => (checks[field] as { value: string }).value;
  const email = value('email');
  const memberNumber = input.memberNumber ? value('memberNumber') : newMadeUpNumber();

  let [member] = await tx.select().from(members).where(eq(members.memberNumber, memberNumber)).limit(1);
  if (member) {
    const [existing] = await tx.select().from(accounts).where(eq(accounts.memberId, member.id)).limit(1);
    if (existing) {
      throw new AppError('conflict', `Member ${memberNumber} already has a login.`, 'memberNumber');
    }
  } else {
    [member] = await tx
      .insert(members)
      .values({
        memberNumber,
        firstName: value('firstName'),
        lastName: value('lastName'),
        email,
        emailLower: email.toLowerCase(),
        createdAt: opts.now,
        updatedAt: opts.now,
      })
      .returning();
  }
  const login = await createLogin(
    tx,
    {
      memberId: member!.id,
      username: input.username,
      password: input.password,
      role: input.role,
      personalWords: personalWords({ firstName: member!.firstName, lastName: member!.lastName, email }),
    },
    opts,
  );
  return { ...login, memberId: member!.id };
}
