import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '../../db/connect.ts';
import { accounts, settings } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { passwordRulesOf } from '../accounts/passwordRulesOf.ts';
import { recordAudit } from '../audit/recordAudit.ts';
import { startSession } from '../auth/sessions.ts';
import { hashToken, newToken } from '../auth/tokens.ts';
import type { Deps } from '../deps.ts';
import { optionalText, text } from '../input.ts';
import { askAboutRosterRecord } from './askAboutRosterRecord.ts';
import { type AdminLoginInput, adminLoginFields, createAdminLogin } from './createAdminLogin.ts';

/**
 * The setup form: the one-time token from the console and the first Security Administrator's login, with
 * her member number when she has one — her login then sits on her real roster record, which the roster
 * import finds by that number, instead of on a made-up one (madeUpNumbers.ts).
 */
export const completeSetupInput = z.object({
  token: text,
  ...adminLoginFields,
  memberNumber: optionalText,
  /** The email she was asked about (askAboutRosterRecord): asked once, not again. */
  checkedEmail: optionalText,
});

const SETUP_KEY = 'setup_token_hash';

async function hasSecurityAdmin(db: DbOrTx): Promise<boolean> {
  const [row] = await db
    .select({ id: accounts.id })
    .from(accounts)
    .where(eq(accounts.role, 'security_admin'))
    .limit(1);
  return Boolean(row);
}

/**
 * On a portal without a Security Administrator, issues a new one-time setup token (replacing any
 * earlier one) and returns it for the operator's console; returns null once setup has been done.
 */
export async function issueSetupToken(deps: Deps): Promise<string | null> {
  if (await hasSecurityAdmin(deps.db)) return null;
  const token = newToken();
  await deps.db
    .insert(settings)
    .values({ key: SETUP_KEY, value: hashToken(token), updatedAt: deps.clock.now() })
    .onConflictDoUpdate({
      target: settings.key,
      set: { value: hashToken(token), updatedAt: deps.clock.now() },
    });
  return token;
}

export async function isSetupTokenValid(deps: Pick<Deps, 'db'>, token: string): Promise<boolean> {
  const { db } = deps;
  const [row] = await db.select().from(settings).where(eq(settings.key, SETUP_KEY)).limit(1);
  return Boolean(row && row.value === hashToken(token)) && !(await hasSecurityAdmin(db));
}

/** Creates the first Security Administrator, uses up the setup token and signs them in — all or nothing. */
export async function completeSetup(
  deps: Deps,
  token: string,
  input: Omit<AdminLoginInput, 'role'> & { checkedEmail?: string },
  client: { ip: string | null; userAgent: string | null },
): Promise<{ sessionToken: string }> {
  return deps.db.transaction(async (tx) => {
    // Lock the token row so two submissions of the same link cannot both create an administrator.
    const [row] = await tx.select().from(settings).where(eq(settings.key, SETUP_KEY)).for('update');
    if (!row || row.value !== hashToken(token) || (await hasSecurityAdmin(tx))) {
      throw new AppError('gone', 'This setup link has already been used or replaced.');
    }
    const now = deps.clock.now();
    const { checkedEmail, ...login } = input;
    await askAboutRosterRecord(tx, { ...login, checkedEmail });
    const admin = await createAdminLogin(
      tx,
      { ...login, role: 'security_admin' },
      { now, ...(await passwordRulesOf({ db: tx, config: deps.config })) },
    );
    await tx.delete(settings).where(eq(settings.key, SETUP_KEY));
    const actor = {
      accountId: admin.accountId,
      label: admin.username,
      role: 'security_admin' as const,
      ip: client.ip,
    };
    await recordAudit(tx, now, actor, 'setup.completed', { memberId: admin.memberId });
    return { sessionToken: await startSession(tx, deps, admin.accountId, client) };
  });
}
