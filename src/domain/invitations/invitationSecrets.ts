import { createHash, randomInt } from 'node:crypto';
import { hashToken, newToken } from '../auth/tokens.ts';

// No 0/O, 1/I/L: the code is read off an email and typed by hand.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 8;

export type InvitationSecret = { token: string; tokenHash: string; code: string; codeHash: string };

/** Upper-cased, without spaces and dashes, so "abcd-efgh" and "ABCD EFGH" are the same code. */
export const normaliseCode = (raw: string) => raw.toUpperCase().replace(/[\s-]/g, '');

/**
 * The typed code is short (≈40 bits), so its hash is bound to the member: a code only ever matches together
 * with that member's email or member number, and typed attempts are rate limited.
 */
export const hashCode = (memberId: number, code: string) =>
  createHash('sha256')
    .update(`${memberId}:${normaliseCode(code)}`)
    .digest('hex');

export function newInvitationSecret(memberId: number): InvitationSecret {
  const token = newToken();
  const raw = Array.from({ length: CODE_LENGTH }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join(
    '',
  );
  const code = `${raw.slice(0, 4)}-${raw.slice(4)}`;
  return { token, tokenHash: hashToken(token), code, codeHash: hashCode(memberId, code) };
}

export const invitationLink = (publicUrl: string, token: string) => `${publicUrl}/invite/${token}`;
