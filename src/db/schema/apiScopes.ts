/** What an API token may do; each scope opens a group of endpoints (src/http/api/). */
export const apiScopes = ['roster:read', 'roster:write', 'invitations:send'] as const;
export type ApiScope = (typeof apiScopes)[number];
