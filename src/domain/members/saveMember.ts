import { and, eq, ne } from 'drizzle-orm';
import type { z } from 'zod';
import type { Tx } from '../../db/connect.ts';
import { members } from '../../db/schema.ts';
import { ValidationErrors } from '../../errors.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import type { Deps } from '../deps.ts';
import { checkbox } from '../input.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { lockMemberRow, type MemberRow, readMemberRow } from './lockMemberRow.ts';
import { isMadeUpNumber } from './madeUpNumbers.ts';
import { type MemberRecord, memberRecordInput } from './memberFields.ts';
import { noticeLoginEmailChanges } from './noticeLoginEmailChanges.ts';
import { serialiseRosterImports } from './upsertRoster.ts';

/** The label of the box that lets a new or changed email be one another member has too. */
export const SHARE_EMAIL_LABEL = 'Several members share this address';

/** Add member and Edit member: the roster record (the import row's rules) and the shared-email box. */
export const saveMemberInput = memberRecordInput.extend({ shareEmail: checkbox });
export type SaveMemberInput = z.infer<typeof saveMemberInput> & { memberId?: number };

export type SavedMember = { memberId: number; added: boolean; changed: (keyof MemberRecord)[] };

const FIELDS = ['memberNumber', 'firstName', 'lastName', 'email', 'status'] as const;

/** Rules that need the database, all at once so the person fixes every field in one go. */
async function refusals(tx: Tx, input: SaveMemberInput, existing: MemberRow | null) {
  const errors: Record<string, string> = {};
  const others = input.memberId === undefined ? undefined : ne(members.id, input.memberId);
  const name = (m: { firstName: string; lastName: string }) => `${m.firstName} ${m.lastName}`;
  if (input.memberNumber !== existing?.member.memberNumber) {
    if (isMadeUpNumber(input.memberNumber)) {
      errors.memberNumber = `Member number ${input.memberNumber} has the form of an administrator's made-up number. Enter the member's real number.`;
    } else {
      const [taken] = await tx
        .select({ firstName: members.firstName, lastName: members.lastName })
        .from(members)
        .where(and(eq(members.memberNumber, input.memberNumber), others));
      if (taken) errors.memberNumber = `Member number ${input.memberNumber} is already ${name(taken)}'s.`;
    }
  }
  const emailLower = input.email.toLowerCase();
  // Only a new or changed address is checked: members who already share one can still be edited.
  if (!input.shareEmail && emailLower !== existing?.member.emailLower) {
    const sharing = await tx
      .select({ firstName: members.firstName, lastName: members.lastName })
      .from(members)
      .where(and(eq(members.emailLower, emailLower), others))
      .orderBy(members.lastName, members.id)
      .limit(3);
    if (sharing.length > 0) {
      errors.email = `${input.email} is already the email of ${sharing.map(name).join(', ')}. Several members may share one address: tick “${SHARE_EMAIL_LABEL}” to save it anyway.`;
    }
  }
  if (Object.keys(errors).length > 0) throw new ValidationErrors(errors);
}

const recordOf = (input: SaveMemberInput) => ({
  memberNumber: input.memberNumber,
  firstName: input.firstName,
  lastName: input.lastName,
  email: input.email,
  emailLower: input.email.toLowerCase(),
  status: input.status,
});

/**
 * Add member (no `memberId`) or Edit member: the roster record checked by the rules of an import row, then
 * written in one transaction with its audit event. The record of a member whose login is an
 * administrator's is a Security Administrator's to change (her email is where her password reset goes).
 * A new address for a member with a login is audited (old → new) and the old address is told, as an
 * import does. Serialised with imports, so a number checked free is still free when written.
 */
export async function saveMember(deps: Deps, actor: Actor, input: SaveMemberInput): Promise<SavedMember> {
  requirePermission(actor, 'members.edit');
  const now = deps.clock.now();
  const { saved, notified } = await deps.db.transaction(async (tx) => {
    await serialiseRosterImports(tx);
    const existing = input.memberId === undefined ? null : await lockMemberRow(tx, input.memberId);
    if (existing?.login && existing.login.role !== 'member') requirePermission(actor, 'roles.assign');
    await refusals(tx, input, existing);
    const record = recordOf(input);
    if (!existing) {
      const [row] = await tx
        .insert(members)
        .values({ ...record, createdAt: now, updatedAt: now })
        .returning({ id: members.id });
      await recordAudit(tx, now, actor, 'member.added', {
        memberId: row!.id,
        details: { memberNumber: record.memberNumber, status: record.status },
      });
      return { saved: { memberId: row!.id, added: true, changed: [...FIELDS] }, notified: false };
    }
    const before = existing.member;
    const changed = FIELDS.filter((f) => before[f] !== record[f]);
    const memberId = before.id;
    if (changed.length === 0) return { saved: { memberId, added: false, changed }, notified: false };
    await tx
      .update(members)
      .set({ ...record, updatedAt: now })
      .where(eq(members.id, memberId));
    const changes = Object.fromEntries(changed.map((f) => [f, { from: before[f], to: record[f] }]));
    await recordAudit(tx, now, actor, 'member.edited', { memberId, details: { changes } });
    const moved = existing.login !== null && before.emailLower !== record.emailLower;
    if (moved) {
      const change = { line: 0, memberId, from: before.email, to: record.email, role: existing.login!.role };
      await noticeLoginEmailChanges(tx, now, actor, 'Edit member', [change]);
    }
    return { saved: { memberId, added: false, changed }, notified: moved };
  });
  // After the commit: the notice to the old address is in the queue now.
  if (notified) await deps.jobs.emailDue();
  return saved;
}

/** Edit member's page: the record, to someone who may change it (an administrator's: a Security Administrator). */
export async function memberToEdit(deps: Deps, actor: Actor, memberId: number): Promise<MemberRow> {
  requirePermission(actor, 'members.edit');
  const row = await readMemberRow(deps.db, memberId);
  if (row.login && row.login.role !== 'member') requirePermission(actor, 'roles.assign');
  return row;
}

/** For the page: the record as its fields show it. */
export const fieldsOf = (m: typeof members.$inferSelect): Record<keyof MemberRecord, string> => ({
  memberNumber: m.memberNumber,
  firstName: m.firstName,
  lastName: m.lastName,
  email: m.email,
  status: m.status,
});
