import { z } from 'zod';
import type { App } from '../app.ts';
import { revokeApiTokenInput } from '../domain/apiTokens/apiTokenInput.ts';
import { createApiToken } from '../domain/apiTokens/createApiToken.ts';
import { type ApiTokenRow, listApiTokens } from '../domain/apiTokens/listApiTokens.ts';
import { revokeApiToken } from '../domain/apiTokens/revokeApiToken.ts';
import { systemActor } from '../domain/policy.ts';
import { AppError, ValidationErrors } from '../errors.ts';
import { fieldsOf, optionOf, parseCreateArgs } from './apiTokenArgs.ts';
import type { CommandIO } from './io.ts';

/** Input the use-case refused, said per option; exit code 1 (the input was refused). */
function refused(io: CommandIO, fields: Record<string, string>): number {
  for (const [field, message] of Object.entries(fields))
    io.print(`error: ${optionOf[field] ?? field}: ${message}`);
  return 1;
}

/** Runs `work`; a refusal naming a field (a taken name, an unknown one) is said as the option's. */
async function saying(io: CommandIO, work: () => Promise<number>): Promise<number> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof ValidationErrors) return refused(io, e.fields);
    if (e instanceof AppError && e.field) return refused(io, { [e.field]: e.message });
    throw e;
  }
}

const when = (d: Date | null, none: string) =>
  d ? `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC` : none;

const tokenLine = (t: ApiTokenRow) =>
  [
    `${t.prefix}…`,
    t.state.padEnd(7),
    `"${t.name}"`,
    t.scopes.join(','),
    `created ${when(t.createdAt, '')} by ${t.createdByLabel}`,
    `expires ${when(t.expiresAt, 'never')}`,
    `last used ${t.lastUsedAt ? `${when(t.lastUsedAt, '')} from ${t.lastUsedIp ?? 'unknown'}` : 'never'}`,
  ].join('  ');

/**
 * `gatehouse api-token create|list|revoke`, run here or handed to the running server (tasks.ts). The
 * arguments travel as typed (strings) and are checked by the use-case's own schema, so a bad value is
 * refused with the field's message and exit code 1, the same words the page shows.
 */
export const apiTokenTasks = {
  apiTokenCreate: {
    args: z.strictObject({
      name: z.string().max(1000),
      scopes: z.array(z.string().max(100)).max(20),
      expiresDays: z.string().max(20).optional(),
    }),
    async run(app: App, args: { name: string; scopes: string[]; expiresDays?: string }, io: CommandIO) {
      const parsed = parseCreateArgs(args);
      if ('problems' in parsed) {
        for (const line of parsed.problems) io.print(line);
        return 1;
      }
      return saying(io, async () => {
        const created = await createApiToken(app.deps, systemActor(), parsed.input);
        const expiry = created.expiresAt ? `expires ${when(created.expiresAt, '')}` : 'does not expire';
        io.print(`Created API token "${created.name}" (${parsed.input.scopes.join(', ')}; ${expiry}).`);
        io.print('It is shown only this once; the portal keeps only its hash. The token:');
        // CONTRACT: the token alone on the last line of standard output, for scripts to take.
        io.print(created.token);
        return 0;
      });
    },
  },

  apiTokenList: {
    args: z.strictObject({}),
    async run(app: App, _args: Record<string, never>, io: CommandIO) {
      let after: string | null | undefined;
      let count = 0;
      do {
        const page = await listApiTokens(app.deps, systemActor(), after ? { after } : {});
        for (const token of page.rows) io.print(tokenLine(token));
        count += page.rows.length;
        after = page.next;
      } while (after);
      if (count === 0)
        io.print('No API tokens. Create one with: gatehouse api-token create --name NAME --scope SCOPE');
      return 0;
    },
  },

  apiTokenRevoke: {
    args: z.strictObject({ name: z.string().max(1000) }),
    async run(app: App, args: { name: string }, io: CommandIO) {
      const parsed = revokeApiTokenInput.safeParse(args);
      if (!parsed.success) return refused(io, fieldsOf(parsed.error));
      return saying(io, async () => {
        const outcome = await revokeApiToken(app.deps, systemActor(), { name: parsed.data.name });
        io.print(
          outcome.revoked
            ? `Revoked API token "${outcome.name}": it is refused from its next request on.`
            : `API token "${outcome.name}" was revoked already; nothing changed.`,
        );
        return 0;
      });
    },
  },
};
