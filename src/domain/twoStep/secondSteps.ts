import { type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import type { Role } from '../vocabulary.ts';

/**
 * THE definition of "this login has a second step", as SQL over an account id expression. Sign-in asks
 * for the second step when it holds; the forced set-up (access.ts) applies when it does not and the role
 * requires one. Passkeys join here: `or exists (select 1 from passkeys where account_id = …)`.
 */
export const hasSecondStepSql = (accountId: SQL) =>
  sql`(exists (select 1 from authenticator_apps a where a.account_id = ${accountId} and a.confirmed_at is not null)
      or exists (select 1 from passkeys p where p.account_id = ${accountId}))`;

/**
 * Whether the role must use a second step: Security Administrators always; Administrators when the
 * organisation setting says so (`require_two_step_for_admins`). As SQL, for the session lookup.
 */
export const secondStepRequiredSql = (role: SQL) =>
  sql`(${role} = 'security_admin' or (${role} = 'admin' and coalesce(
        (select s.require_two_step_for_admins from organisation_settings s where s.id = 1), false)))`;

/** The same rule in code, for pages that already know the setting. */
export const secondStepRequired = (role: Role, requireForAdmins: boolean): boolean =>
  role === 'security_admin' || (role === 'admin' && requireForAdmins);

export type SecondStepState = {
  authenticator: boolean;
  required: boolean;
  recoveryCodesLeft: number;
  passkeys: number;
};

/** A login's second steps in one read (the /home/security page, turning one off). */
export async function secondStepState(db: DbOrTx, accountId: number): Promise<SecondStepState> {
  const [row] = await queryRows(
    db,
    sql`select
          exists (select 1 from authenticator_apps where account_id = a.id and confirmed_at is not null) as authenticator,
          ${secondStepRequiredSql(sql`a.role`)} as required,
          (select count(*) from recovery_codes where account_id = a.id and used_at is null)::int as "recoveryCodesLeft",
          (select count(*) from passkeys where account_id = a.id)::int as passkeys
        from accounts a where a.id = ${accountId}`,
    { authenticator: 'boolean', required: 'boolean', recoveryCodesLeft: 'number', passkeys: 'number' },
  );
  return row ?? { authenticator: false, required: false, recoveryCodesLeft: 0, passkeys: 0 };
}

/** Whether a login has a second step now (sign-in, a password reset). */
export async function hasSecondStep(db: DbOrTx, accountId: number): Promise<boolean> {
  const [row] = await queryRows(db, sql`select ${hasSecondStepSql(sql`${accountId}`)} as has`, {
    has: 'boolean',
  });
  return row?.has ?? false;
}
