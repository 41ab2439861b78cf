import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import type { Role } from '../../db/schema.ts';
import type { RosterColumns, RosterProblem } from './parseRosterCsv.ts';
import { lowerCased } from './rosterRows.ts';

export const ADMIN_EMAIL_REASON = "change this administrator's email on their profile";

/** A roster row that gives a member who has a login a different address (not just a change of case). */
export type LoginEmailChange = { line: number; memberId: number; from: string; to: string; role: Role };

/**
 * The rows that would change the email of a member with a login. The address is where "Forgot password"
 * sends its link, so moving it hands over the login: for an Administrator's or Security Administrator's
 * login a roster change may not do it at all, and for anyone else's it is audited and the old address told.
 *
 * With `lock` (an import about to be applied), the members are locked first, in id order, and their
 * logins are read by a second statement `FOR SHARE`: an invitation accepted meanwhile holds the member
 * row until it commits, so its login is seen; a role change made meanwhile waits for the import.
 */
export async function loginEmailChanges(
  db: DbOrTx,
  rows: RosterColumns,
  lock: boolean,
): Promise<LoginEmailChange[]> {
  if (rows.memberNumber.length === 0) return [];
  const changed = await queryRows(
    db,
    sql`
    select u.line, m.id as member_id, m.email as "from", u.email as "to"
    from unnest(${sql.param(rows.line)}::int[], ${sql.param(rows.memberNumber)}::text[],
                ${sql.param(rows.email)}::text[], ${sql.param(lowerCased(rows.email))}::text[])
      as u(line, member_number, email, email_lower)
    join members m on m.member_number = u.member_number
    where m.email_lower is distinct from u.email_lower
    order by m.id
    ${lock ? sql`for update of m` : sql``}`,
    { line: 'number', member_id: 'number', from: 'text', to: 'text' },
  );
  if (changed.length === 0) return [];
  const logins = await queryRows(
    db,
    sql`
    select a.member_id, a.role from accounts a
    where a.member_id = any(${sql.param(changed.map((c) => c.member_id))}::bigint[])
    ${lock ? sql`for share` : sql``}`,
    { member_id: 'number', role: 'text' },
  );
  const roleOf = new Map(logins.map((l) => [l.member_id, l.role as Role]));
  return changed.flatMap((c) => {
    const role = roleOf.get(c.member_id);
    return role ? [{ line: c.line, memberId: c.member_id, from: c.from, to: c.to, role }] : [];
  });
}

/** One problem per refused row, worded like the file's own problems. */
export const adminEmailProblem = (c: LoginEmailChange): RosterProblem => ({
  line: c.line,
  field: 'email',
  message: `email "${c.to}": ${ADMIN_EMAIL_REASON}`,
});

/** The columns without the rows on the given lines. */
export function withoutLines(rows: RosterColumns, lines: ReadonlySet<number>): RosterColumns {
  if (lines.size === 0) return rows;
  const keep = rows.line.map((line) => !lines.has(line));
  const pick = <T>(column: T[]) => column.filter((_, i) => keep[i]);
  return {
    line: pick(rows.line),
    memberNumber: pick(rows.memberNumber),
    firstName: pick(rows.firstName),
    lastName: pick(rows.lastName),
    email: pick(rows.email),
    status: pick(rows.status),
  };
}
