import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Tx } from '../../db/connect.ts';
import { accounts, invitations, members } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { createLogin } from '../accounts/createLogin.ts';
import { passwordRulesOf } from '../accounts/passwordRulesOf.ts';
import { assertPasswordAcceptable, hashPassword, personalWords } from '../accounts/passwords.ts';
import { assertUsernameFree, normaliseUsername } from '../accounts/usernames.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { endOtherSessions, startSession } from '../auth/sessions.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { matchTypedCode } from './checkTypedCode.ts';
import {
  type FoundInvitation,
  findInvitationByCode,
  findInvitationByToken,
  type InvitationState,
} from './findInvitation.ts';

/** Create login's form: the username and password the member chooses. */
export const acceptInvitationInput = z.object({ username: text, password: text });

export type InvitationRef = { token: string } | { code: string; identifier: string };

export const invitationProblem: Record<Exclude<InvitationState, 'valid'>, string> = {
  expired: 'This invitation has expired.',
  used: 'This invitation has already been used to create a login.',
  revoked: 'This invitation was replaced by a newer one and no longer works.',
};

/** The invitation behind a link or a typed code, or null when there is none. */
export const findInvitationIn = (db: Deps['db'] | Tx, ref: InvitationRef, now: Date) =>
  'token' in ref ? findInvitationByToken(db, ref.token, now) : findInvitationByCode(db, ref, now);

/** `findInvitationIn` as things stand now, outside any transaction (the pages that show an invitation). */
export const findInvitation = (deps: Pick<Deps, 'db' | 'clock'>, ref: InvitationRef) =>
  findInvitationIn(deps.db, ref, deps.clock.now());

/** A login's new username and password, checked the way every login's are. */
async function checkedCredentials(
  tx: Tx,
  deps: Deps,
  input: { username: string; password: string },
  personal: string[],
  currentUsername?: string,
) {
  const username = normaliseUsername(input.username);
  assertPasswordAcceptable(
    input.password,
    await passwordRulesOf({ db: tx, config: deps.config }),
    [username, ...personal],
    'password',
  );
  if (username.toLowerCase() !== currentUsername?.toLowerCase()) await assertUsernameFree(tx, username);
  return { username, passwordHash: await hashPassword(input.password) };
}

/**
 * "Create login" from an invitation: creates the login (or replaces an unused one, for a Re-enabled
 * link), uses up all of the member's invitations and signs the member in — one transaction. The member
 * row is locked first, so two simultaneous submissions (two tabs, two links) make exactly one login.
 */
export async function acceptInvitation(
  deps: Deps,
  ref: InvitationRef,
  input: z.infer<typeof acceptInvitationInput>,
  client: { ip: string | null; userAgent: string | null },
): Promise<{ sessionToken: string; memberId: number }> {
  // A typed code is a guessable secret: this check is counted by the code throttle like every other.
  if ('code' in ref && !(await matchTypedCode(deps, ref, client.ip))) {
    throw new AppError('not_found', 'This invitation link or code is not valid.');
  }
  return deps.db.transaction(async (tx) => {
    const now = deps.clock.now();
    const first = await findInvitationIn(tx, ref, now);
    if (!first) throw new AppError('not_found', 'This invitation link or code is not valid.');
    const [member] = await tx.select().from(members).where(eq(members.id, first.memberId)).for('update');
    const invitation = (await findInvitationIn(tx, ref, now)) as FoundInvitation;
    if (invitation.state !== 'valid') {
      throw new AppError('gone', invitationProblem[invitation.state], undefined, { state: invitation.state });
    }
    const [existing] = await tx.select().from(accounts).where(eq(accounts.memberId, member!.id));
    if (existing && !invitation.replacesLogin) {
      throw new AppError('gone', invitationProblem.used, undefined, { state: 'used' });
    }
    const personal = personalWords(member!);
    let accountId: number;
    if (existing) {
      const credentials = await checkedCredentials(tx, deps, input, personal, existing.username);
      await tx
        .update(accounts)
        .set({
          ...credentials,
          usernameLower: credentials.username.toLowerCase(),
          passwordChangedAt: now,
          mustChangePassword: false,
        })
        .where(eq(accounts.id, existing.id));
      await endOtherSessions(tx, existing.id);
      accountId = existing.id;
    } else {
      const created = await createLogin(
        tx,
        {
          memberId: member!.id,
          username: input.username,
          password: input.password,
          role: 'member',
          personalWords: personal,
        },
        { now, ...(await passwordRulesOf({ db: tx, config: deps.config })) },
      );
      accountId = created.accountId;
    }
    await tx
      .update(invitations)
      .set({ usedAt: now })
      .where(
        and(eq(invitations.memberId, member!.id), isNull(invitations.usedAt), isNull(invitations.revokedAt)),
      );
    await tx.update(accounts).set({ lastLoginAt: now }).where(eq(accounts.id, accountId));
    const [account] = await tx
      .select({ username: accounts.username })
      .from(accounts)
      .where(eq(accounts.id, accountId));
    const actor = { accountId, label: account!.username, role: 'member' as const, ip: client.ip };
    await recordAudit(
      tx,
      now,
      actor,
      existing ? 'invitation.accepted_replacing_login' : 'invitation.accepted',
      {
        memberId: member!.id,
        details: { invitationId: invitation.invitationId, via: 'token' in ref ? 'link' : 'code' },
      },
    );
    return { sessionToken: await startSession(tx, deps, accountId, client), memberId: member!.id };
  });
}
