import { z } from 'zod';
import { MAX_SKIP_HOURS, type SendAllTarget, sendAllTargetInput } from '../sendAll/sendAllTarget.ts';

/** The API's JSON names for the Send All form's fields (the Invitation Codes query names). */
const formNames = {
  search: 'search',
  status: 'status',
  invited: 'invited',
  sent_before: 'sentBefore',
  delivery_failed: 'deliveryFailed',
  include_lapsed: 'includeLapsed',
  skip_recent_hours: 'skipRecentHours',
} as const;
type ApiName = keyof typeof formNames;

const apiNameOf = (formName: PropertyKey | undefined): ApiName | undefined =>
  (Object.keys(formNames) as ApiName[]).find((k) => formNames[k] === formName);

/**
 * Send All as a JSON request: `{ "scope": "all" }` is the page's Send All with its defaults (current
 * members without a login, those invited in the last 24 hours left out). The optional fields are the
 * page's filters and options; they are handed to `sendAllTargetInput` as the form would send them, so
 * the rules and the words of a refusal are the page's — only the field is named as the API names it.
 */
export const sendAllRequestInput = z
  .object({
    scope: z.literal('all', { error: 'The scope of a round the API starts is "all" (Send All).' }),
    search: z.string().optional().describe('Name, email or member number; several words must all match.'),
    status: z
      .enum(['current', 'lapsed'])
      .optional()
      .describe('Only members with this status (asking for lapsed members includes them).'),
    invited: z
      .enum(['never', 'invited'])
      .optional()
      .describe('Only members never invited, or only those invited before.'),
    sent_before: z
      .string()
      .optional()
      .describe('YYYY-MM-DD: only members whose last invitation went out before that day.'),
    delivery_failed: z.boolean().optional().describe('Only members whose newest invitation email failed.'),
    include_lapsed: z
      .boolean()
      .optional()
      .describe('Email lapsed members too (default: current members only).'),
    skip_recent_hours: z
      .number()
      .int()
      .min(0)
      .max(MAX_SKIP_HOURS)
      .optional()
      .describe('Leave out members invited in the last N hours (default 24; 0: nobody is left out).'),
  })
  .transform((body, ctx): SendAllTarget => {
    const typed: Record<string, string> = {};
    for (const name of Object.keys(formNames) as ApiName[]) {
      const value = body[name];
      if (value !== undefined && value !== false) typed[formNames[name]] = String(value);
    }
    const parsed = sendAllTargetInput.safeParse(typed);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: [apiNameOf(issue.path[0]) ?? 'scope'] });
    }
    return z.NEVER;
  });
