import type { Config } from '../../config.ts';

/**
 * Who passkeys are made for (the WebAuthn "relying party"): PUBLIC_URL's host is the RP ID a passkey is
 * bound to, and its origin the only one whose responses are accepted. Changing PUBLIC_URL's host makes
 * existing passkeys unusable — browsers will not offer them to another site.
 */
export function relyingParty(config: Pick<Config, 'publicUrl' | 'orgName'>) {
  const url = new URL(config.publicUrl);
  return { rpID: url.hostname, origin: url.origin, rpName: config.orgName };
}

/** How long a challenge handed to the browser may be answered (also the browser's own timeout). */
export const CHALLENGE_MS = 5 * 60_000;
