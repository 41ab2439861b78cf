import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/connect.ts';
import { passkeys } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { type ChallengePurpose, keepChallenge, takeChallenge } from './challenges.ts';
import { splitTransports } from './registrationOptions.ts';
import { CHALLENGE_MS, relyingParty } from './relyingParty.ts';
import { credentialOf } from './responseJson.ts';
import { webauthn, webauthnHelpers } from './webauthn.ts';

/**
 * Proving a passkey of a known login (the second step at sign-in, or a step-up): the options name the
 * login's own passkeys, and the challenge is kept per login and purpose.
 */
export async function assertionOptions(
  deps: Pick<Deps, 'db' | 'clock' | 'config'>,
  accountId: number,
  purpose: ChallengePurpose,
): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const own = await deps.db
    .select({ credentialId: passkeys.credentialId, transports: passkeys.transports })
    .from(passkeys)
    .where(eq(passkeys.accountId, accountId));
  const { generateAuthenticationOptions } = await webauthn();
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(deps.config).rpID,
    allowCredentials: own.map((p) => ({ id: p.credentialId, transports: splitTransports(p.transports) })),
    userVerification: 'preferred',
    timeout: CHALLENGE_MS,
  });
  await keepChallenge(deps.db, accountId, purpose, options.challenge, deps.clock.now());
  return options;
}

/**
 * Whether the posted answer is a valid assertion by one of the login's passkeys for the challenge kept
 * (used up either way). On success the passkey's counter and last use are stored. The caller throttles.
 */
export async function checkAssertion(
  deps: { db: Db; clock: Deps['clock']; config: Deps['config'] },
  accountId: number,
  purpose: ChallengePurpose,
  posted: string,
  field: string,
): Promise<boolean> {
  const response = credentialOf(posted, field);
  const now = deps.clock.now();
  const challenge = await takeChallenge(deps.db, accountId, purpose, now);
  if (!challenge) return false;
  const [key] = await deps.db
    .select()
    .from(passkeys)
    .where(and(eq(passkeys.accountId, accountId), eq(passkeys.credentialId, String(response.id))));
  if (!key) return false;
  const { rpID, origin } = relyingParty(deps.config);
  const { verifyAuthenticationResponse } = await webauthn();
  const { isoBase64URL } = await webauthnHelpers();
  const result = await verifyAuthenticationResponse({
    // biome-ignore lint/suspicious/noExplicitAny: checked field by field by the library.
    response: response as any,
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    credential: {
      id: key.credentialId,
      publicKey: isoBase64URL.toBuffer(key.publicKey),
      counter: key.counter,
    },
    requireUserVerification: false,
  }).catch(() => null);
  if (!result?.verified) return false;
  await deps.db
    .update(passkeys)
    .set({ counter: result.authenticationInfo.newCounter, lastUsedAt: now })
    .where(eq(passkeys.id, key.id));
  return true;
}
