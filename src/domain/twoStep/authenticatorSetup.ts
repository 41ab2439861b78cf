import { eq } from 'drizzle-orm';
import { authenticatorApps } from '../../db/schema.ts';
import { readOwnLogin } from '../accounts/ownLogin.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { readSettings } from '../settings/organisationSettings.ts';
import { newTotpSecret, otpauthUri } from './totp.ts';

export type AuthenticatorSetup = { secret: string; uri: string };

/**
 * The secret the /home/security page shows for setting up an authenticator app, made on first view
 * and kept (unconfirmed) until a code confirms it, so reloading the page shows the same QR code. Null
 * when the login's app is set up already. The secret is never logged.
 */
export async function authenticatorSetup(deps: Deps, actor: Actor): Promise<AuthenticatorSetup | null> {
  requirePermission(actor, 'portal.use');
  const login = await readOwnLogin(deps, actor);
  const { orgName } = await readSettings(deps);
  const now = deps.clock.now();
  const secret = await deps.db.transaction(async (tx) => {
    await tx
      .insert(authenticatorApps)
      .values({ accountId: login.accountId, secret: newTotpSecret(), createdAt: now })
      .onConflictDoNothing();
    const [app] = await tx
      .select({ secret: authenticatorApps.secret, confirmedAt: authenticatorApps.confirmedAt })
      .from(authenticatorApps)
      .where(eq(authenticatorApps.accountId, login.accountId));
    return app && !app.confirmedAt ? app.secret : null;
  });
  return secret ? { secret, uri: otpauthUri(secret, login.username, orgName) } : null;
}
