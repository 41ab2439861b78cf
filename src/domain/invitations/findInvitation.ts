import { and, desc, eq, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { invitations, members } from '../../db/schema.ts';
import { hashToken } from '../auth/tokens.ts';
import { normaliseCode } from './invitationSecrets.ts';

export type InvitationState = 'valid' | 'expired' | 'used' | 'revoked';

export type FoundInvitation = {
  invitationId: number;
  memberId: number;
  firstName: string;
  state: InvitationState;
  expiresAt: Date;
  /** Completing it replaces the member's existing login (Re-enable for someone who has one). */
  replacesLogin: boolean;
};

// Used wins over revoked and expired: a member who already made their login should hear exactly that.
const stateOf = (
  row: { usedAt: Date | null; revokedAt: Date | null; expiresAt: Date },
  now: Date,
): InvitationState =>
  row.usedAt ? 'used' : row.revokedAt ? 'revoked' : row.expiresAt <= now ? 'expired' : 'valid';

const columns = {
  invitationId: invitations.id,
  memberId: invitations.memberId,
  firstName: members.firstName,
  usedAt: invitations.usedAt,
  revokedAt: invitations.revokedAt,
  expiresAt: invitations.expiresAt,
  replacesLogin: invitations.replacesLogin,
};

type Row = Omit<FoundInvitation, 'state'> & { usedAt: Date | null; revokedAt: Date | null };

const found = (row: Row, now: Date): FoundInvitation => ({
  invitationId: row.invitationId,
  memberId: row.memberId,
  firstName: row.firstName,
  state: stateOf(row, now),
  expiresAt: row.expiresAt,
  replacesLogin: row.replacesLogin,
});

function select(db: DbOrTx) {
  return db.select(columns).from(invitations).innerJoin(members, eq(members.id, invitations.memberId));
}

/** The invitation behind an emailed link, whatever its state; null for a token that never existed. */
export async function findInvitationByToken(
  db: DbOrTx,
  token: string,
  now: Date,
): Promise<FoundInvitation | null> {
  const [row] = await select(db)
    .where(eq(invitations.tokenHash, hashToken(token)))
    .limit(1);
  return row ? found(row, now) : null;
}

/**
 * The invitation a typed code belongs to. The code only counts together with the member's roster email
 * or member number; among a shared email's members the code decides which one. One statement whether or
 * not the identifier is on the roster (the code's hash is computed in SQL, per candidate member), so the
 * time it takes does not tell which emails and member numbers exist.
 */
export async function findInvitationByCode(
  db: DbOrTx,
  input: { code: string; identifier: string },
  now: Date,
): Promise<FoundInvitation | null> {
  const identifier = input.identifier.trim();
  // hashCode(memberId, code) from invitationSecrets.ts, written in SQL.
  const codeHash = sql`encode(sha256(convert_to(${members.id}::text || ':' || ${normaliseCode(input.code)}, 'UTF8')), 'hex')`;
  const [row] = await select(db)
    .where(
      and(
        or(eq(members.memberNumber, identifier), eq(members.emailLower, identifier.toLowerCase())),
        eq(invitations.codeHash, codeHash),
      ),
    )
    .orderBy(desc(invitations.id))
    .limit(1);
  return row ? found(row, now) : null;
}
