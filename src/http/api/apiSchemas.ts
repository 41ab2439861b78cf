import { z } from 'zod';

/** Every API error: `{ "error": { "code", "message", "field" } }` (CONTRACT.md, "JSON API v1"). */
export const apiError = z
  .object({
    error: z.object({
      code: z
        .string()
        .describe(
          'Stable: validation, unauthenticated, forbidden, not_found, conflict, too_large, unprocessable, rate_limited, …',
        ),
      message: z.string().describe('What went wrong, for a person to read.'),
      field: z.string().optional().describe('The field or query parameter at fault, when one is.'),
    }),
  })
  .meta({ id: 'Error' });

/** The answers every token-guarded route can give besides its own. */
export const apiErrorAnswers = {
  400: apiError.describe('The request is not valid: `field` names what to correct.'),
  401: apiError.describe('No token, or a token that is unknown, revoked or expired.'),
  403: apiError.describe('The token lacks the scope this endpoint needs.'),
  429: apiError.describe('Too many requests with this token: wait for the Retry-After header’s seconds.'),
} as const;

/** A timestamp as the API writes it (ISO 8601, UTC). */
export const isoTime = z.iso.datetime();
