import { z } from 'zod';
import { passkeys } from '../../db/schema.ts';
import { AppError } from '../../errors.ts';
import { readOwnLogin } from '../accounts/ownLogin.ts';
import type { Deps } from '../deps.ts';
import { text } from '../input.ts';
import { type Actor, requirePermission } from '../policy.ts';
import { noticeSecondStepChange } from '../twoStep/secondStepChanged.ts';
import { takeChallenge } from './challenges.ts';
import { relyingParty } from './relyingParty.ts';
import { credentialOf } from './responseJson.ts';
import { webauthn, webauthnHelpers } from './webauthn.ts';

export const passkeyName = text
  .transform((v) => v.trim())
  .refine((v) => v !== '', 'Give the passkey a name, such as the device it is on.')
  .refine((v) => v.length <= 60, 'A passkey name has at most 60 characters.');

/** The add form: a name and the browser's answer (JSON, put in a hidden field by passkeys.js). */
export const addPasskeyInput = z.object({ name: passkeyName, credential: text });

const NOT_MADE =
  'The passkey was not made: the request took too long or the browser answered something else. Try again.';

/**
 * Adds a passkey to the signed-in login once the browser's answer checks out against the challenge we
 * handed out (used up either way). Emailed ("a second step was added") and audited, in one transaction.
 */
export async function addPasskey(
  deps: Deps,
  actor: Actor,
  input: z.infer<typeof addPasskeyInput>,
): Promise<void> {
  requirePermission(actor, 'portal.use');
  const login = await readOwnLogin(deps, actor);
  const now = deps.clock.now();
  const response = credentialOf(input.credential, 'name');
  const challenge = await takeChallenge(deps.db, login.accountId, 'register', now);
  if (!challenge) throw new AppError('validation', NOT_MADE, 'name');
  const { rpID, origin } = relyingParty(deps.config);
  const { verifyRegistrationResponse } = await webauthn();
  const { isoBase64URL } = await webauthnHelpers();
  const verified = await verifyRegistrationResponse({
    // biome-ignore lint/suspicious/noExplicitAny: checked field by field by the library.
    response: response as any,
    expectedChallenge: challenge,
    expectedOrigin: origin,
    expectedRPID: rpID,
    requireUserVerification: false,
  }).catch(() => ({ verified: false as const, registrationInfo: undefined }));
  if (!verified.verified) throw new AppError('validation', NOT_MADE, 'name');
  const { credential } = verified.registrationInfo;
  await deps.db.transaction(async (tx) => {
    const added = await tx
      .insert(passkeys)
      .values({
        accountId: login.accountId,
        credentialId: credential.id,
        publicKey: isoBase64URL.fromBuffer(credential.publicKey),
        counter: credential.counter,
        transports: (credential.transports ?? []).join(','),
        name: input.name,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: passkeys.id });
    if (added.length === 0) throw new AppError('conflict', 'This passkey is added already.', 'name');
    await noticeSecondStepChange(tx, now, actor, login, {
      kind: 'second_step_added',
      action: 'two_step.passkey_added',
      details: { name: input.name },
    });
  });
  await deps.jobs.emailDue();
}
