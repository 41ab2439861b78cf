import { Secret, TOTP } from 'otpauth';

// RFC 6238 as every authenticator app expects it (CONTRACT.md): SHA-1, 6 digits, 30-second steps.
const PERIOD_S = 30;
// A code of the step before or after the server's is accepted too: phones' clocks drift, and a code
// typed in the last seconds of its step arrives in the next one.
const WINDOW = 1;

const totpOf = (secret: string, label = 'login', issuer = 'Gatehouse') =>
  new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD_S,
    secret: Secret.fromBase32(secret),
  });

/** A new shared secret (160 bits, as RFC 4226 recommends), in the base32 people type into apps. */
export const newTotpSecret = (): string => new Secret({ size: 20 }).base32;

/** The 30-second step a moment falls in. */
export const stepAt = (at: Date): number => Math.floor(at.getTime() / 1000 / PERIOD_S);

/** The `otpauth://` URI the QR code carries: the app shows the organisation and the username. */
export const otpauthUri = (secret: string, username: string, orgName: string): string =>
  totpOf(secret, username, orgName).toString();

/** The code for a step (tests, and the browser tests' helpers, type what an app would show). */
export const totpCode = (secret: string, at: Date): string =>
  totpOf(secret).generate({ timestamp: at.getTime() });

/** The step whose code `code` is, within the accepted window around `now`; null when it is none. */
export function matchingStep(secret: string, code: string, now: Date): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpOf(secret).validate({ token: code, timestamp: now.getTime(), window: WINDOW });
  return delta === null ? null : stepAt(now) + delta;
}

/** The secret as people type it: groups of four, easier to copy by eye. */
export const spacedSecret = (secret: string): string => secret.replace(/(.{4})(?=.)/g, '$1 ');
