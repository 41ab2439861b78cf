import { sql } from 'drizzle-orm';
import type { DbOrTx, Tx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Actor } from '../policy.ts';
import { isRosterMember } from './madeUpNumbers.ts';
import type { RosterColumns } from './parseRosterCsv.ts';

/** An import row that is the real roster record of an administrator who has a made-up one. */
export type AdminLink = {
  line: number;
  memberId: number;
  madeUp: string;
  memberNumber: string;
  name: string;
};

const MADE_UP_ADMIN = { id: 'number', madeUp: 'text', emailLower: 'text', name: 'text' } as const;

/**
 * The rows of an import that link an administrator's made-up record (see madeUpNumbers.ts) to her real
 * roster record, so the import renumbers her record instead of adding her a second time. A row links
 * only when it is unambiguous: its member number is new, its email is on no other row of the file, and
 * that email is on exactly one made-up administrator record. The preview lists the links before Apply
 * (the confirmation); anything ambiguous is imported as before and can be linked with Edit member.
 * With `lock` (an apply, under the import lock) the made-up records are locked.
 */
export async function adminLinks(db: DbOrTx, rows: RosterColumns, lock: boolean): Promise<AdminLink[]> {
  // Administrators are few: read their made-up records first, then look for their emails in the file.
  const madeUp = await queryRows(
    db,
    sql`
    select m.id, m.member_number as "madeUp", m.email_lower as "emailLower",
           m.first_name || ' ' || m.last_name as name
    from accounts a join members m on m.id = a.member_id
    where not ${isRosterMember(sql.raw('m.member_number'))}
    order by m.id
    ${lock ? sql`for update of m` : sql``}`,
    MADE_UP_ADMIN,
  );
  if (madeUp.length === 0) return [];
  const recordsByEmail = new Map<string, typeof madeUp>();
  for (const m of madeUp) recordsByEmail.set(m.emailLower, [...(recordsByEmail.get(m.emailLower) ?? []), m]);
  const rowsByEmail = new Map<string, number[]>();
  rows.email.forEach((spelt, i) => {
    const email = spelt.toLowerCase();
    if (recordsByEmail.has(email)) rowsByEmail.set(email, [...(rowsByEmail.get(email) ?? []), i]);
  });
  const candidates = [...rowsByEmail].flatMap(([email, at]) => {
    const records = recordsByEmail.get(email)!;
    return at.length === 1 && records.length === 1 ? [{ i: at[0]!, record: records[0]! }] : [];
  });
  if (candidates.length === 0) return [];
  const numbers = candidates.map((c) => rows.memberNumber[c.i]!);
  const taken = await queryRows(
    db,
    sql`select member_number as "memberNumber" from members
        where member_number = any(${sql.param(numbers)}::text[])`,
    { memberNumber: 'text' },
  );
  const known = new Set(taken.map((t) => t.memberNumber));
  return candidates
    .filter((c) => !known.has(rows.memberNumber[c.i]!))
    .map((c) => ({
      line: rows.line[c.i]!,
      memberId: c.record.id,
      madeUp: c.record.madeUp,
      memberNumber: rows.memberNumber[c.i]!,
      name: c.record.name,
    }));
}

/**
 * Gives each linked administrator's record its real member number, in the import's transaction and
 * before its rows are written: the row then updates her record by number instead of adding her again.
 */
export async function applyAdminLinks(tx: Tx, now: Date, actor: Actor, source: string, links: AdminLink[]) {
  for (const link of links) {
    await tx.execute(
      sql`update members set member_number = ${link.memberNumber}, updated_at = ${now.toISOString()}::timestamptz
          where id = ${link.memberId}`,
    );
    await recordAudit(tx, now, actor, 'member.linked', {
      memberId: link.memberId,
      details: { from: link.madeUp, to: link.memberNumber, source },
    });
  }
}
