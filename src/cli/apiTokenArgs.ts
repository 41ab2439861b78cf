import type { z } from 'zod';
import { type CreateApiTokenInput, createApiTokenInput } from '../domain/apiTokens/apiTokenInput.ts';

// The command line's reading of `api-token` arguments, apart from the tasks so that checking them loads no
// database code (apiTokenCommands.ts checks before handing the task over).

/** The use-case's field names as the command line spells its options. */
export const optionOf: Record<string, string> = {
  name: '--name',
  scopes: '--scope',
  expiresDays: '--expires-days',
};

/** The schema's first message per field, as the page shows them. */
export function fieldsOf(error: z.ZodError): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) fields[String(issue.path[0] ?? 'arguments')] ??= issue.message;
  return fields;
}

/**
 * `api-token create`'s arguments as the use-case takes them, or the lines saying what is wrong with them:
 * the command line checks before it opens the database or hands the task over, the task again.
 */
export function parseCreateArgs(args: unknown): { input: CreateApiTokenInput } | { problems: string[] } {
  const parsed = createApiTokenInput.safeParse(args);
  if (parsed.success) return { input: parsed.data };
  return {
    problems: Object.entries(fieldsOf(parsed.error)).map(([f, m]) => `error: ${optionOf[f] ?? f}: ${m}`),
  };
}
