import type { ApiTokenRow, ApiTokenState } from '../../../domain/apiTokens/listApiTokens.ts';
import { formatDateTime } from '../../ui/format.ts';

export const stateWords: Record<ApiTokenState, string> = {
  active: 'Active',
  expired: 'Expired',
  revoked: 'Revoked',
};

/** When it stops working, or did. */
export const expiryWords = (t: Pick<ApiTokenRow, 'expiresAt'>): string =>
  t.expiresAt ? formatDateTime(t.expiresAt) : 'Never';

/** "5 Jan 2026, 09:00 UTC from 192.0.2.1", or "Never" for a token no script has used yet. */
export const lastUsedWords = (t: Pick<ApiTokenRow, 'lastUsedAt' | 'lastUsedIp'>): string =>
  t.lastUsedAt ? `${formatDateTime(t.lastUsedAt)}${t.lastUsedIp ? ` from ${t.lastUsedIp}` : ''}` : 'Never';

/** The state, with who revoked it and when. */
export const stateDetailWords = (t: ApiTokenRow): string =>
  t.state === 'revoked' && t.revokedAt
    ? `Revoked ${formatDateTime(t.revokedAt)}${t.revokedByLabel ? ` by ${t.revokedByLabel}` : ''}`
    : stateWords[t.state];

/** A token's number in the page's element ids, so a Revoke link can name its token. */
export const nameIdOf = (tokenId: number) => `token-${tokenId}-name`;
