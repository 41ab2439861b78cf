import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../db/connect.ts';
import { queryRows } from '../../db/rows.ts';
import { type InvitationSecret, newInvitationSecret } from './invitationSecrets.ts';

export type IssuedInvitation = InvitationSecret & { invitationId: number; memberId: number; expiresAt: Date };

/**
 * Creates one invitation per member, set-based. Earlier links stay valid (members click old emails);
 * only Re-enable revokes them.
 */
export async function issueInvitations(
  tx: DbOrTx,
  requests: { memberId: number; roundId: number | null; replacesLogin: boolean }[],
  opts: { now: Date; expiryMs: number },
): Promise<IssuedInvitation[]> {
  if (requests.length === 0) return [];
  const secrets = requests.map((r) => newInvitationSecret(r.memberId));
  const expiresAt = new Date(opts.now.getTime() + opts.expiryMs);
  const rows = await queryRows(
    tx,
    sql`
      insert into invitations (member_id, round_id, token_hash, code_hash, created_at, expires_at, replaces_login)
      select u.member_id, u.round_id, u.token_hash, u.code_hash, ${opts.now}, ${expiresAt}, u.replaces_login
      from unnest(${sql.param(requests.map((r) => r.memberId))}::bigint[],
                  ${sql.param(requests.map((r) => r.roundId))}::bigint[],
                  ${sql.param(secrets.map((s) => s.tokenHash))}::text[],
                  ${sql.param(secrets.map((s) => s.codeHash))}::text[],
                  ${sql.param(requests.map((r) => r.replacesLogin))}::boolean[])
           as u(member_id, round_id, token_hash, code_hash, replaces_login)
      returning id, token_hash`,
    { id: 'number', token_hash: 'text' },
  );
  const idByHash = new Map(rows.map((r) => [r.token_hash, r.id]));
  return secrets.map((s, i) => ({
    ...s,
    invitationId: idByHash.get(s.tokenHash)!,
    memberId: requests[i]!.memberId,
    expiresAt,
  }));
}
