import { z } from 'zod';
import { type ApiScope, apiScopes } from '../../db/schema/apiScopes.ts';
import { checkbox, text } from '../input.ts';

export { type ApiScope, apiScopes };

/** What each scope lets a token do, in the words the API tokens page shows. */
export const scopeDescriptions: Record<ApiScope, string> = {
  'roster:read': 'Read members, their logins and invitation state',
  'roster:write': 'Add and update members, import a roster',
  'invitations:send': 'Send invitations and start Send All',
};

export const MAX_EXPIRY_DAYS = 3650;

/** Create an API token: page (`/admin/api-tokens`) and CLI (`gatehouse api-token create`). */
export const createApiTokenInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, 'Give the token a name: which script or system will hold it?')
    .max(100, 'Keep the name within 100 characters.'),
  scopes: z
    .array(z.enum(apiScopes, { error: `A scope is one of ${apiScopes.join(', ')}.` }))
    .min(1, 'Choose at least one scope.')
    .transform((scopes) => [...new Set(scopes)].sort()),
  /** Days until the token stops working; absent = never expires. */
  expiresDays: z.coerce
    .number({ error: 'Enter the number of days, or leave it empty for a token that does not expire.' })
    .int('Enter a whole number of days.')
    .min(1, 'A token must work for at least 1 day.')
    .max(MAX_EXPIRY_DAYS, `A token can work for at most ${MAX_EXPIRY_DAYS} days.`)
    .optional(),
});
export type CreateApiTokenInput = z.infer<typeof createApiTokenInput>;

/** The days the page's form suggests: a token that expires unless someone decides otherwise. */
export const DEFAULT_EXPIRY_DAYS = 90;

/**
 * The page's create form: each scope is a checkbox of its own (the input guard takes every name once), and
 * an empty `Expires after (days)` means a token that does not expire. Then the same rules as the CLI.
 */
export const createApiTokenForm = z
  .object({ name: text, expiresDays: text, ...Object.fromEntries(apiScopes.map((s) => [s, checkbox])) })
  .transform(
    ({ name, expiresDays, ...ticked }): z.input<typeof createApiTokenInput> => ({
      name,
      scopes: apiScopes.filter((scope) => (ticked as Record<string, boolean>)[scope]),
      expiresDays: expiresDays.trim() === '' ? undefined : expiresDays,
    }),
  )
  .pipe(createApiTokenInput);

/** `gatehouse api-token revoke --name NAME`: the live token of that name. */
export const revokeApiTokenInput = z.object({ name: createApiTokenInput.shape.name });
