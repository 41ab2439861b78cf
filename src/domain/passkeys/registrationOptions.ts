import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { eq } from 'drizzle-orm';
import { passkeys } from '../../db/schema.ts';
import { readOwnLogin } from '../accounts/ownLogin.ts';
import type { Deps } from '../deps.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { keepChallenge } from './challenges.ts';
import { CHALLENGE_MS, relyingParty } from './relyingParty.ts';
import { webauthn } from './webauthn.ts';

/** The WebAuthn user handle of a login: its account id, as 8 bytes (stable, not personal). */
export const userHandleOf = (accountId: number) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(accountId));
  return bytes;
};

/**
 * What the browser needs to make a passkey for the signed-in login (navigator.credentials.create),
 * with its challenge kept on the server. The login's passkeys are excluded, so one authenticator is
 * not added twice.
 */
export async function passkeyRegistrationOptions(
  deps: Deps,
  actor: Actor,
): Promise<PublicKeyCredentialCreationOptionsJSON> {
  requirePermission(actor, 'portal.use');
  const login = await readOwnLogin(deps, actor);
  const existing = await deps.db
    .select({ credentialId: passkeys.credentialId, transports: passkeys.transports })
    .from(passkeys)
    .where(eq(passkeys.accountId, login.accountId));
  const { rpID, rpName } = relyingParty(deps.config);
  const { generateRegistrationOptions } = await webauthn();
  const options = await generateRegistrationOptions({
    rpName,
    rpID,
    userName: login.username,
    userID: userHandleOf(login.accountId),
    userDisplayName: `${login.firstName} ${login.lastName}`,
    timeout: CHALLENGE_MS,
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({
      id: p.credentialId,
      transports: splitTransports(p.transports),
    })),
    authenticatorSelection: { residentKey: 'preferred', userVerification: 'preferred' },
  });
  await keepChallenge(deps.db, login.accountId, 'register', options.challenge, deps.clock.now());
  return options;
}

// biome-ignore lint/suspicious/noExplicitAny: the library's transport union; ours is a stored hint.
export const splitTransports = (stored: string): any[] => (stored ? stored.split(',') : []);
